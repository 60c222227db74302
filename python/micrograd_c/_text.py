"""What the Python side says to people, in English and in Spanish.

Each message is written whole in each language.  The language is the one
of the graph the message is about (micrograd_c.set_lang, graph(lang=...)),
else the environment's, read as gettext reads it.
"""
import os

EN, ES = 0, 1

_MESSAGES = {
    "no_library": (
        "micrograd_c cannot find the C library libmicrograd. Tried:\n  {tried}\n"
        "Build it with `make lib` at the top of the micrograd-c sources (the package in their "
        "python/ folder finds it there; pip install ./python takes a copy along), install it "
        "with `make install`, or set MICROGRAD_LIB to the library file.",
        "micrograd_c no encuentra la biblioteca de C libmicrograd. Se buscó en:\n  {tried}\n"
        "Compílala con `make lib` en la raíz de las fuentes de micrograd-c (el paquete de su "
        "carpeta python/ la encuentra ahí; pip install ./python se lleva una copia), "
        "instálala con `make install`, o indica en MICROGRAD_LIB la ruta del archivo."),
    "old_library": (
        "The library {path} has no function {name}: it is older than this package. "
        "Rebuild it (make) or point MICROGRAD_LIB at a newer one.",
        "La biblioteca {path} no tiene la función {name}: es más antigua que este paquete. "
        "Vuelve a compilarla (make) o indica en MICROGRAD_LIB una más reciente."),
    "no_tmpfile": (
        "could not make a temporary file for the library's writer (tmpfile failed)",
        "no se pudo crear un archivo temporal para el escritor de la biblioteca (falló tmpfile)"),
    "stale_reset": (
        "this Value no longer exists: micrograd_c.reset() emptied the graph it was made in. "
        "Make it again after the reset (the network's parameters too).",
        "este Value ya no existe: micrograd_c.reset() vació el grafo en que se creó. "
        "Vuelve a crearlo después del reset (también los parámetros de la red)."),
    "stale_scope": (
        "this Value no longer exists: it was made inside a `with micrograd_c.scope():` block, "
        "and the block has ended. Read what you need (v.data, v.grad) inside the block, or "
        "make the value before the block starts.",
        "este Value ya no existe: se creó dentro de un bloque `with micrograd_c.scope():` "
        "que ya terminó. Lee lo que necesites (v.data, v.grad) dentro del bloque, o crea "
        "el valor antes de que empiece."),
    "stale_freed": (
        "this Value no longer exists: its graph was freed when the `with micrograd_c.graph():` "
        "block it was made in ended.",
        "este Value ya no existe: su grafo se liberó al terminar el bloque "
        "`with micrograd_c.graph():` en que se creó."),
    "stale_repr": ("<Value that no longer exists>", "<Value que ya no existe>"),
    "two_graphs": (
        "{op}: the operands belong to two different graphs. Make both in the same graph "
        "(inside the same `with micrograd_c.graph():` block, or both outside).",
        "{op}: los operandos pertenecen a dos grafos distintos. Créalos en el mismo grafo "
        "(dentro del mismo bloque `with micrograd_c.graph():`, o ambos fuera)."),
    "not_a_number": (
        "Value(data): data must be a number, not {type}",
        "Value(data): data tiene que ser un número, no {type}"),
    "children": (
        "Value(data, _children): here only the library makes nodes with inputs; write the "
        "operation instead (a + b, a.tanh(), ...)",
        "Value(data, _children): aquí solo la biblioteca crea nodos con entradas; escribe la "
        "operación (a + b, a.tanh(), ...)"),
    "n_inputs": (
        "{what} takes {n} inputs, but was given {m}",
        "{what} recibe {n} entradas, pero se le dieron {m}"),
    "bad_size": (
        "{what}: sizes must be whole numbers of at least 1, got {sizes}",
        "{what}: los tamaños tienen que ser enteros de al menos 1, no {sizes}"),
    "not_value": (
        "{what}: expected a Value, got {type}",
        "{what}: se esperaba un Value, no {type}"),
    "not_leaf": (
        "gradcheck: {name} is not a leaf; it nudges leaves (inputs, parameters) only",
        "gradcheck: {name} no es una hoja; solo se mueven las hojas (entradas, parámetros)"),
    "freed_graph": (
        "this graph was freed: its `with micrograd_c.graph():` block has ended",
        "este grafo ya se liberó: su bloque `with micrograd_c.graph():` terminó"),
    "bad_lang": (
        "lang must be 'en' or 'es' (or a locale name such as 'es_MX.UTF-8'), got {lang!r}",
        "lang tiene que ser 'en' o 'es' (o un nombre de locale como 'es_MX.UTF-8'), no {lang!r}"),
    "writer_failed": (
        "{name} failed: {error}",
        "{name} falló: {error}"),
    "big_graph": (
        "the graph now holds {mb} MB: every Value made so far is kept until "
        "micrograd_c.reset(). In a training loop, write each step inside "
        "`with micrograd_c.scope():` so that its nodes are dropped when the step ends.",
        "el grafo ya ocupa {mb} MB: cada Value creado hasta ahora se conserva hasta "
        "micrograd_c.reset(). En un ciclo de entrenamiento, escribe cada paso dentro de "
        "`with micrograd_c.scope():` para que sus nodos se liberen al terminar el paso."),
    "no_memory": (
        "the library could not make the node (out of memory?)",
        "la biblioteca no pudo crear el nodo (¿sin memoria?)"),
}


# the library's own reading of the environment, once it is loaded
c_env_lang = None


def env_lang():
    """Spanish when the environment asks for it, as gettext reads it:
    LANGUAGE (a list, heeded when a locale is set), then LC_ALL,
    LC_MESSAGES, LANG.  The library's mg_lang_from_env once it is loaded;
    before that (to say it cannot be found) the same rule here."""
    if c_env_lang is not None:
        return c_env_lang()
    first = ""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        first = os.environ.get(name, "")
        if first:
            break
    language = os.environ.get("LANGUAGE", "")
    if language and first and first not in ("C", "POSIX"):
        for item in language.split(":"):
            if item.startswith("es"):
                return ES
            if item.startswith("en"):
                return EN
    return ES if first.startswith("es") else EN


def msg(key, lang, /, **kw):
    """Message `key` in `lang` (EN, ES, or None for the environment's)."""
    if lang is None:
        lang = env_lang()
    return _MESSAGES[key][1 if lang == ES else 0].format(**kw)


class Text(str):
    """Text from one of the library's writers: a str that shows as itself
    (with its line breaks) when it is a notebook cell's result, and prints
    as itself."""
    __slots__ = ()

    def __repr__(self):
        return str(self)

    def _repr_pretty_(self, p, cycle):   # IPython's pretty printer
        p.text(str(self))


class GradCheck(Text):
    """gradcheck's report; .error is the worst error, .ok says whether it is
    within the tolerance (1e-6)."""
