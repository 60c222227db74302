"""Graphs, scopes and the lifetime of Values.

Every Value is a node in a C graph's arena.  Nodes are not freed one by one
as Python objects die (the arena is a stack: memory comes back only by
dropping everything made after some point), so a Value lives until one of
these drops it:

  micrograd_c.reset()           empties the current graph;
  with micrograd_c.scope():     at the end of the block, drops every node
                                made inside it (the rest stays);
  with micrograd_c.graph():     a graph of its own, current inside the block
                                and freed at its end.

Outside any `with micrograd_c.graph():` block a thread works in its own
default graph, which lives as long as the thread (or until reset()).

Safety: each Value remembers the epoch it was made in: the graph's base
epoch or the innermost open scope.  Dropping nodes marks the epochs they
belonged to as ended; every use of a Value checks its epoch first (one
attribute read) and raises StaleValueError, naming what dropped it, instead
of touching memory the arena has handed out again.
"""
import threading

from . import _lib as L
from . import _text


class StaleValueError(RuntimeError):
    """A Value was used after reset(), the end of its scope() block or of
    its graph() block dropped its node."""


class GraphError(RuntimeError):
    """The library refused an operation (operands from two graphs, out of
    memory, a bad argument); the message is the library's or ours."""


class _Epoch:
    """The nodes of one graph made from `mark` on, until a scope opens (or
    for a scope, until it ends).  alive turns False when they are dropped;
    why says by what ("reset", "scope" or "freed")."""
    __slots__ = ("graph", "alive", "mark", "why")

    def __init__(self, graph, mark):
        self.graph = graph
        self.alive = True
        self.mark = mark
        self.why = None


def parse_lang(lang):
    """'en', 'es' or a locale name -> EN or ES; ValueError otherwise."""
    if lang in (_text.EN, _text.ES) and not isinstance(lang, bool):
        return lang
    code = L.lang_parse(lang.encode()) if isinstance(lang, str) else -1
    if code < 0:
        raise ValueError(_text.msg("bad_lang", None, lang=lang))
    return code


class Graph:
    """One C graph: it owns the nodes of every Value made while it is
    current.  Made by micrograd_c.graph(); each thread also has a default
    one."""

    def __init__(self, lang=None):
        g = L.graph_new()
        if not g:
            raise MemoryError(_text.msg("no_memory", None))
        self._g = g
        self._lang = L.lang_from_env() if lang is None else parse_lang(lang)
        L.graph_set_lang(g, self._lang)
        self._epochs = [_Epoch(self, 0)]
        self._epoch = self._epochs[0]
        self._warned = False   # about its size, by Value.backward

    # ---- what a person may ask of it
    @property
    def lang(self):
        """'en' or 'es': the language of the library's messages and of the
        teaching outputs of this graph's Values."""
        return "es" if self._lang == _text.ES else "en"

    @lang.setter
    def lang(self, lang):
        self._lang = parse_lang(lang)
        if self._g:
            L.graph_set_lang(self._g, self._lang)

    def size(self):
        """Nodes alive in the graph."""
        return L.graph_size(self._handle())

    def nbytes(self):
        """Bytes the graph holds from the allocator (kept across resets)."""
        return L.graph_bytes(self._handle())

    def reset(self):
        """Drop every node: every Value of this graph stops existing (using
        one raises StaleValueError); the memory is kept for new nodes."""
        L.graph_reset(self._handle(), 0)
        self._end_epochs(0, "reset")
        self._epochs.append(_Epoch(self, 0))
        self._epoch = self._epochs[0]

    def free(self):
        """Free the graph and every node in it (a with-block does this at its
        end).  Freeing twice is harmless."""
        if self._g:
            self._end_epochs(0, "freed")
            g, self._g = self._g, None
            L.graph_free(g)

    def __enter__(self):
        _stack().append(self)
        return self

    def __exit__(self, *exc):
        stack = _stack()
        if self in stack:
            # the innermost occurrence: with-blocks nest
            del stack[len(stack) - 1 - stack[::-1].index(self)]
        self.free()
        return False

    def __del__(self):
        try:
            self.free()
        except Exception:   # at interpreter exit the library may be gone
            pass

    def __repr__(self):
        if not self._g:
            return "<micrograd_c.Graph (freed)>"
        return "<micrograd_c.Graph: %d nodes, lang=%s>" % (self.size(), self.lang)

    # ---- for the package
    def _handle(self):
        if not self._g:
            raise GraphError(_text.msg("freed_graph", self._lang))
        return self._g

    def _end_epochs(self, first, why):
        for e in self._epochs[first:]:
            e.alive = False
            e.why = why
        del self._epochs[first:]
        self._epoch = self._epochs[-1] if self._epochs else None

    def _epoch_of_id(self, node_id):
        """The epoch a node with this id belongs to: the innermost one whose
        mark is at or below the id."""
        for e in reversed(self._epochs):
            if e.mark <= node_id:
                return e
        return self._epochs[0]


_tls = threading.local()


def _stack():
    try:
        return _tls.stack
    except AttributeError:
        _tls.stack = [Graph()]   # the thread's default graph
        return _tls.stack


def current():
    """The graph new Values go into: the innermost `with graph():` block's,
    else the thread's default graph."""
    try:
        return _tls.stack[-1]
    except AttributeError:
        return _stack()[-1]


def graph(lang=None):
    """A new graph.  As `with micrograd_c.graph() as g:` it is where new
    Values go inside the block, and it is freed at the end (its Values stop
    existing).  lang='es' or 'en' sets the language of its messages and
    teaching outputs (default: the environment's)."""
    return Graph(lang)


def reset():
    """Empty the current graph: every Value in it stops existing, the
    parameters of networks made in it too.  The memory is kept and reused."""
    current().reset()


def set_lang(lang):
    """Set the language ('en' or 'es') of the current graph."""
    current().lang = lang


class scope:
    """with micrograd_c.scope(): ... -- every node made inside the block is
    dropped at its end (Values made before it stay).  A training loop makes
    its network before the loop and runs each step in a scope, so memory
    stays flat over any number of steps:

        model = MLP(2, [16, 16, 1])
        for k in range(100):
            with micrograd_c.scope():
                loss = ...
                model.zero_grad(); loss.backward()
                for p in model.parameters(): p.data -= 0.1 * p.grad
    """

    def __init__(self, graph=None):
        self._graph = graph
        self._epoch = None

    def __enter__(self):
        g = self._graph if self._graph is not None else current()
        e = _Epoch(g, L.graph_mark(g._handle()))
        g._epochs.append(e)
        g._epoch = e
        self._epoch = e
        return self

    def __exit__(self, *exc):
        e = self._epoch
        if e is not None and e.alive:   # not already dropped by reset() or free()
            g = e.graph
            L.graph_reset(g._g, e.mark)
            g._end_epochs(g._epochs.index(e), "scope")
        return False


def stale(epoch):
    """Raise the StaleValueError that says what dropped a Value."""
    raise StaleValueError(_text.msg("stale_" + epoch.why, epoch.graph._lang))


def failed(graph):
    """Raise a GraphError with the library's recorded error (in the graph's
    language), and clear it so that the next one is recorded."""
    message = None
    if graph._g:
        err = L.graph_error(graph._g)
        if err:
            message = err.decode("utf-8", "replace")
            L.graph_clear_error(graph._g)
    if message is None:
        raise MemoryError(_text.msg("no_memory", graph._lang))
    raise GraphError(message)
