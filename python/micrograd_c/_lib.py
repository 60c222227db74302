"""Finding libmicrograd and describing its functions to ctypes.

Where the library is looked for, first found wins:
  1. the file named by the environment variable MICROGRAD_LIB (only there);
  2. build/ of the source tree, when this package is the one in its python/
     folder (so that PYTHONPATH=python always runs the library just built);
  3. the copy bundled inside this package (pip install puts it there);
  4. the system's usual places (make install put it in PREFIX/lib).

Every function is called through a PYFUNCTYPE prototype: the call keeps the
GIL, so two Python threads never run the library on one graph at once, and
a prototype call costs about a tenth of a microsecond.
"""
import ctypes
import os
import sys

from . import _text

P = ctypes.c_void_p          # every pointer: mg_graph *, mg_value *, FILE *
D = ctypes.c_double
Z = ctypes.c_size_t
I = ctypes.c_int
S = ctypes.c_char_p
PP = ctypes.POINTER(ctypes.c_void_p)

if sys.platform == "darwin":
    _NAMES = ("libmicrograd.0.dylib", "libmicrograd.dylib")
    _SYSTEM_DIRS = ("/usr/local/lib", "/opt/homebrew/lib", "/usr/lib")
else:
    _NAMES = ("libmicrograd.so.0", "libmicrograd.so")
    # make install's default PREFIX, which the loader finds only once
    # ldconfig has run
    _SYSTEM_DIRS = ("/usr/local/lib",)


def _candidates():
    env = os.environ.get("MICROGRAD_LIB")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    paths = []
    if os.path.exists(os.path.join(top, "include", "micrograd.h")):   # a source tree
        paths += [os.path.join(top, "build", n) for n in _NAMES]
    paths += [os.path.join(here, n) for n in _NAMES]
    paths += [os.path.join(d, n) for d in _SYSTEM_DIRS for n in _NAMES]
    return paths + list(_NAMES)   # bare names: the dynamic loader's own search


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError(_text.msg("no_library", None, tried="\n  ".join(tried)))


lib, path = _load()


def _fn(name, restype, *argtypes, required=True):
    try:
        return ctypes.PYFUNCTYPE(restype, *argtypes)((name, lib))
    except AttributeError:
        if required:
            raise ImportError(_text.msg("old_library", None, path=path, name=name)) from None
        return None


# graph
graph_new = _fn("mg_graph_new", P)
graph_free = _fn("mg_graph_free", None, P)
graph_mark = _fn("mg_graph_mark", Z, P)
graph_reset = _fn("mg_graph_reset", None, P, Z)
graph_size = _fn("mg_graph_size", Z, P)
graph_bytes = _fn("mg_graph_bytes", Z, P)
graph_set_lang = _fn("mg_graph_set_lang", None, P, I)
graph_lang = _fn("mg_graph_lang", I, P)
lang_from_env = _fn("mg_lang_from_env", I)
lang_parse = _fn("mg_lang_parse", I, S)
graph_error = _fn("mg_graph_error", S, P)
graph_clear_error = _fn("mg_graph_clear_error", None, P)

# nodes
leaf = _fn("mg_leaf", P, P, D, S)
label = _fn("mg_label", P, P, S)
value_label = _fn("mg_value_label", S, P)
value_id = _fn("mg_value_id", Z, P)
value_op = _fn("mg_value_op", I, P)
value_arity = _fn("mg_value_arity", Z, P)
value_input = _fn("mg_value_input", P, P, Z)
value_exponent = _fn("mg_value_exponent", D, P)
op_name = _fn("mg_op_name", S, I)
op_symbol = _fn("mg_op_symbol", S, I)

# operations
add = _fn("mg_add", P, P, P)
sub = _fn("mg_sub", P, P, P)
mul = _fn("mg_mul", P, P, P)
neg = _fn("mg_neg", P, P)
pow_c = _fn("mg_pow", P, P, D)
pow_v = _fn("mg_pow_v", P, P, P)
exp = _fn("mg_exp", P, P)
log = _fn("mg_log", P, P)
tanh = _fn("mg_tanh", P, P)
relu = _fn("mg_relu", P, P)
sigmoid = _fn("mg_sigmoid", P, P)
add_c = _fn("mg_add_c", P, P, D)
mul_c = _fn("mg_mul_c", P, P, D)
neuron = _fn("mg_neuron", P, P, PP, PP, Z)

# backward, forward, derivatives
backward = _fn("mg_backward", None, P)
zero_grad = _fn("mg_zero_grad", None, P)
forward = _fn("mg_forward", None, P)
topo = _fn("mg_topo", PP, P, ctypes.POINTER(Z))
check_finite = _fn("mg_check_finite", P, P)
grad = _fn("mg_grad", P, P, P)
jvp = _fn("mg_jvp", D, P, PP, ctypes.POINTER(D), Z)


class DotOptions(ctypes.Structure):
    _fields_ = [("digits", I), ("top_to_bottom", I), ("no_clusters", I), ("no_grad", I)]


# teaching writers: each takes a FILE *
dot_write = _fn("mg_dot_write", I, P, P, ctypes.POINTER(DotOptions))
dump = _fn("mg_dump", I, P, P, ctypes.c_uint)
trace_backward = _fn("mg_trace_backward", I, P, P)
trace_forward = _fn("mg_trace_forward", I, P, P, PP, ctypes.POINTER(D), Z)
explain = _fn("mg_explain", I, P, P, P)
gradcheck = _fn("mg_gradcheck", D, P, PP, Z, D, P)
GRADCHECK_TOL = 1e-6
DUMP_TSV, DUMP_ROUNDTRIP = 0x1, 0x2

# neuron, layer, MLP
mlp_new_from = _fn("mg_mlp_new_from", P, P, Z, ctypes.POINTER(Z), Z, ctypes.POINTER(I),
                   ctypes.POINTER(D))
mlp_free = _fn("mg_mlp_free", None, P)
mlp_forward = _fn("mg_mlp_forward", Z, P, PP, PP)
mlp_forward_d = _fn("mg_mlp_forward_d", Z, P, ctypes.POINTER(D), PP)
mlp_param = _fn("mg_mlp_param", P, P, Z, Z, Z)
mlp_zero_grad = _fn("mg_mlp_zero_grad", None, P)
mlp_set_fused = _fn("mg_mlp_set_fused", None, P, I)
ACT_TANH, ACT_RELU, ACT_SIGMOID, ACT_LINEAR = 0, 1, 2, 3

OP_LEAF, OP_POW = 0, 6
LANG_EN, LANG_ES = 0, 1


# the pages: an SVG picture and the interactive HTML page, with no Graphviz
class PageTraining(ctypes.Structure):
    _fields_ = [("params", PP), ("n_params", Z), ("lr", D), ("loss", ctypes.POINTER(D)),
                ("n_loss", Z)]


class PageOptions(ctypes.Structure):
    _fields_ = [("title", S), ("quiz", I), ("no_grad", I), ("no_clusters", I),
                ("training", ctypes.POINTER(PageTraining))]


html_write = _fn("mg_html_write", I, P, P, ctypes.POINTER(PageOptions))
svg_write = _fn("mg_svg_write", I, P, P, ctypes.POINTER(PageOptions))


# The writers take a FILE *: give them a temporary file from the C library
# (tmpfile is in C89, so on Linux and macOS alike), then read it back.
libc = ctypes.CDLL(None)
_tmpfile = ctypes.CFUNCTYPE(P)(("tmpfile", libc))
_fclose = ctypes.CFUNCTYPE(I, P)(("fclose", libc))
_fflush = ctypes.CFUNCTYPE(I, P)(("fflush", libc))
_fseek = ctypes.CFUNCTYPE(I, P, ctypes.c_long, I)(("fseek", libc))
_ftell = ctypes.CFUNCTYPE(ctypes.c_long, P)(("ftell", libc))
_fread = ctypes.CFUNCTYPE(Z, ctypes.c_char_p, Z, Z, P)(("fread", libc))
SEEK_SET, SEEK_END = 0, 2


def capture(write, *args):
    """Call write(FILE *, *args) on a temporary file; return (its return
    value, the text written, decoded as UTF-8)."""
    f = _tmpfile()
    if not f:
        raise OSError(_text.msg("no_tmpfile", None))
    try:
        rc = write(f, *args)
        _fflush(f)
        _fseek(f, 0, SEEK_END)
        n = _ftell(f)
        _fseek(f, 0, SEEK_SET)
        buf = ctypes.create_string_buffer(max(n, 1))
        got = _fread(buf, 1, n, f) if n > 0 else 0
        return rc, buf.raw[:got].decode("utf-8", "replace")
    finally:
        _fclose(f)

_text.c_env_lang = lang_from_env
