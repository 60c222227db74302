"""The teaching outputs of a Value: the C library's writers, read back as
text.  Each takes lang='en' or 'es' (default: the graph's language).

    v.dot()          Graphviz DOT text, like micrograd's draw_dot (no graphviz
                     Python package needed: paste it anywhere that renders DOT)
    v.trace()        runs backward and narrates it edge by edge
    v.explain(x)     d v / d x as the sum over paths of products of local
                     derivatives, with the numbers
    v.dump()         one line per node: id, label, op, inputs, data, grad,
                     local derivatives
    v.gradcheck()    backward against central finite differences
    v.jvp(x), v.trace_forward(x)   forward mode: d v / d x in one sweep up
    v.svg(), v.html()   a picture and the interactive page (no Graphviz)
"""
import ctypes
import html as _html

from . import _lib as L
from . import _graph
from . import _text
from ._graph import stale, parse_lang

# _repr_html_ shows the page inline for graphs up to this many nodes; a
# bigger one (a training step's) shows as text, as micrograd's Value does.
PAGE_MAX_NODES = 2000


def _alive(v):
    if not v._e.alive:
        stale(v._e)
    return v._p


def _write(v, lang, name, write, *args):
    """Run a writer on a temporary FILE * in the graph's language (or lang
    for this call only); return (its return value, the text)."""
    _alive(v)
    g = v._e.graph
    old = g._lang
    new = old if lang is None else parse_lang(lang)
    if new != old:
        L.graph_set_lang(g._g, new)
    try:
        rc, text = L.capture(write, *args)
    finally:
        if new != old:
            L.graph_set_lang(g._g, old)
    if isinstance(rc, int) and rc < 0:
        err = L.graph_error(g._g)
        if err:
            L.graph_clear_error(g._g)
        raise _graph.GraphError(_text.msg("writer_failed", new, name=name,
                                          error=err.decode("utf-8", "replace") if err else "?"))
    return rc, text


def _values(v, xs, what):
    """Node pointers of the Values xs (same graph as v) as a C array."""
    from .engine import Value
    ptrs = []
    for x in xs:
        if not isinstance(x, Value):
            raise TypeError(_text.msg("not_value", v._e.graph._lang, what=what,
                                      type=type(x).__name__))
        if not x._e.alive:
            stale(x._e)
        if x._e.graph is not v._e.graph:
            raise _graph.GraphError(_text.msg("two_graphs", v._e.graph._lang, op=what))
        ptrs.append(x._p)
    return (ctypes.c_void_p * max(len(ptrs), 1))(*ptrs), len(ptrs)


def _reachable(v):
    """Pointers of the nodes v depends on, inputs first (mg_topo)."""
    n = ctypes.c_size_t(0)
    arr = L.topo(_alive(v), ctypes.byref(n))
    return [arr[i] for i in range(n.value)]


def dot(self, digits=4, top_to_bottom=False, clusters=True, grad=True, lang=None):
    """The graph this Value depends on as Graphviz DOT text: a record
    { label | data | grad } per value and an oval per operation, as
    micrograd's draw_dot draws it.  digits: decimals shown (1 to 17)."""
    opt = L.DotOptions(digits, 1 if top_to_bottom else 0, 0 if clusters else 1, 0 if grad else 1)
    return _text.Text(_write(self, lang, "dot", L.dot_write, self._p, ctypes.byref(opt))[1])


def trace(self, lang=None):
    """Run backward from this Value and return its narration, one line per
    edge in the order the engine applies the chain rule:
        grad(a) += grad(c) * dc/da = 1.000000000 * 2.000000000 = 2.000000000
    Like backward(), leaves accumulate: zero them first for a clean story."""
    return _text.Text(_write(self, lang, "trace", L.trace_backward, self._p)[1])


def explain(self, x, lang=None):
    """d self / d x written as the sum over every path from x up to self of
    the product of local derivatives, with the numbers (the grouped form
    when there are very many paths).  Needs no backward; changes nothing."""
    arr, _ = _values(self, [x], "explain")
    return _text.Text(_write(self, lang, "explain", L.explain, self._p, arr[0])[1])


def dump(self, roundtrip=False, tsv=False, lang=None):
    """One line per node this Value depends on, inputs first: id, label, op,
    inputs, data, grad and the local derivative towards each input.
    roundtrip: every number with 17 digits; tsv: tab-separated with a
    header, for programs."""
    flags = (L.DUMP_ROUNDTRIP if roundtrip else 0) | (L.DUMP_TSV if tsv else 0)
    return _text.Text(_write(self, lang, "dump", L.dump, self._p, flags)[1])


def gradcheck(self, leaves=None, eps=0.0, lang=None):
    """Check backward against central finite differences for each leaf
    (default: every leaf this Value depends on).  Returns the report, whose
    .error is the worst relative error and .ok whether it is at most 1e-6.
    Afterwards the leaves hold their data again and their grads hold
    d self / d leaf; other nodes' grads are 0."""
    if leaves is None:
        from .engine import _wrap
        g = self._e.graph
        leaves = [_wrap(p, g._epoch_of_id(L.value_id(p)))
                  for p in _reachable(self) if L.value_op(p) == L.OP_LEAF]
    arr, n = _values(self, leaves, "gradcheck")
    for i in range(n):
        if L.value_op(arr[i]) != L.OP_LEAF:
            label = L.value_label(arr[i])
            name = label.decode("utf-8", "replace") if label else "#%d" % L.value_id(arr[i])
            raise ValueError(_text.msg("not_leaf", self._e.graph._lang, name=name))
    holder = []

    def write(f, root, arr, n, eps):
        holder.append(L.gradcheck(root, arr, n, eps, f))
        return 0

    _, text = _write(self, lang, "gradcheck", write, self._p, arr, n, float(eps))
    report = _text.GradCheck(text)
    report.error = holder[0]
    report.ok = report.error <= L.GRADCHECK_TOL
    return report


def _direction(self, direction, what):
    """A forward-mode direction: a Value (moved by 1) or {Value: tangent}."""
    from .engine import Value
    if isinstance(direction, Value):
        direction = {direction: 1.0}
    leaves = list(direction)
    arr, n = _values(self, leaves, what)
    tangent = (ctypes.c_double * max(n, 1))(*[float(direction[v]) for v in leaves])
    return arr, tangent, n


def jvp(self, direction):
    """Forward mode: the derivative of this Value along `direction` -- a leaf
    (d self / d leaf) or {leaf: tangent, ...} -- in one sweep from the
    inputs up, building no node and changing no grad."""
    arr, tangent, n = _direction(self, direction, "jvp")
    r = L.jvp(self._p, arr, tangent, n)
    err = L.graph_error(self._e.graph._g)
    if err:
        L.graph_clear_error(self._e.graph._g)
        raise _graph.GraphError(err.decode("utf-8", "replace"))
    return r


def trace_forward(self, direction, lang=None):
    """Narrate jvp(direction): each node's tangent from its inputs', inputs
    first, t(v) = dv/da * t(a) + dv/db * t(b) = ..."""
    arr, tangent, n = _direction(self, direction, "trace_forward")
    return _text.Text(_write(self, lang, "trace_forward", L.trace_forward, self._p, arr, tangent,
                             n)[1])


def _page(self, writer, name, title, quiz, grad, clusters, params, lr, losses, lang):
    training = None
    if params is not None:
        arr, n = _values(self, params, name)
        losses = [self.data] if losses is None else [float(x) for x in losses]
        training = L.PageTraining(ctypes.cast(arr, L.PP), n, float(lr),
                                  (ctypes.c_double * len(losses))(*losses), len(losses))
    opt = L.PageOptions(title.encode() if title else None, 1 if quiz else 0, 0 if grad else 1,
                        0 if clusters else 1, ctypes.pointer(training) if training else None)
    return _write(self, lang, name, writer, self._p, ctypes.byref(opt))[1]


def svg(self, title=None, grad=True, clusters=True, lang=None):
    """The graph as a standalone SVG picture, laid out by the library (no
    Graphviz): for slides and documents.  The grads shown are those of a
    fresh backward pass from this Value (nothing in the graph changes)."""
    return _text.Text(_page(self, L.svg_write, "svg", title, False, grad, clusters, None, None,
                            None, lang))


def html(self, title=None, quiz=False, grad=True, clusters=True, params=None, lr=0.1, losses=None,
         lang=None):
    """The interactive page as one self-contained HTML document: step
    through the forward pass node by node and the backward pass edge by
    edge (arrow keys), click a node for its chain rule.  quiz=True hides the
    gradients for the student to type them.  params (e.g.
    model.parameters()) adds the update p - lr * grad of each one, and
    losses (the loss after 0, 1, 2, ... updates) the loss curve."""
    return _page(self, L.html_write, "html", title, quiz, grad, clusters, params, lr, losses, lang)


def repr_html(self):
    """Jupyter shows a Value as its interactive page, in an iframe (so its
    script and styles stay its own), when the graph is small enough to look
    at; a bigger one (a training step's) as text, as micrograd does."""
    if not self._e.alive:
        return None
    n = ctypes.c_size_t(0)
    L.topo(self._p, ctypes.byref(n))
    if n.value > PAGE_MAX_NODES:
        return None
    return ('<iframe srcdoc="%s" style="width: 100%%; height: 600px; border: 1px solid #ccc" '
            'title="micrograd_c"></iframe>' % _html.escape(html(self), quote=True))
