"""Value: micrograd's scalar, kept as a node of the C engine.

The arithmetic follows micrograd's definitions step for step, so the same
program gives the same numbers: a - b is a + (-b) (the same double), a / b
is a * b**-1 (not the correctly rounded quotient: micrograd's numbers), and
a Value's data and grad are the node's own two doubles, read and written in
place.
"""
import ctypes
import numbers
import warnings

from . import _lib as L
from . import _graph
from . import _teach
from . import _text
from ._graph import current, stale

_dbl = ctypes.c_double.from_address
_new = object.__new__
_add, _add_c, _mul, _mul_c = L.add, L.add_c, L.mul, L.mul_c

# backward() warns once when a graph grows past this many bytes: a training
# loop that never drops its steps' nodes (see micrograd_c.scope)
WARN_BYTES = 512 << 20


def _wrap(p, epoch):
    v = _new(Value)
    v._p = p
    v._e = epoch
    return v


def _check_pair(e, f, op):
    """Two operands' epochs: both alive, one graph."""
    if not f.alive:
        stale(f)
    if not e.alive:
        stale(e)
    if f.graph is not e.graph:
        raise _graph.GraphError(_text.msg("two_graphs", e.graph._lang, op=op))


def _number(x):
    """x as a float when it is a plain number, else None."""
    if isinstance(x, (float, int)):
        return float(x)
    if isinstance(x, numbers.Real):
        return float(x)
    return None


class Value:
    """A scalar with its gradient, as in micrograd:

        a = Value(-4.0); b = Value(2.0)
        c = (a * b + b**3).relu()
        c.backward()        # a.grad, b.grad

    v.data and v.grad read and write the node's numbers in the C graph.
    Values made by the same program share one graph (see micrograd_c.scope
    and micrograd_c.reset for when they are freed).
    """
    __slots__ = ("_p", "_e", "__weakref__")

    def __init__(self, data, _children=(), _op="", label=""):
        if _children:
            raise TypeError(_text_msg("children"))
        if isinstance(data, (str, bytes, Value)) or _number(data) is None:
            raise TypeError(_text_msg("not_a_number", type=type(data).__name__))
        g = current()
        p = L.leaf(g._handle(), float(data), label.encode() if label else None)
        if not p:
            _graph.failed(g)
        self._p = p
        self._e = g._epoch

    # ---- the numbers
    @property
    def data(self):
        if not self._e.alive:
            stale(self._e)
        return _dbl(self._p).value

    @data.setter
    def data(self, x):
        if not self._e.alive:
            stale(self._e)
        _dbl(self._p).value = x

    @property
    def grad(self):
        if not self._e.alive:
            stale(self._e)
        return _dbl(self._p + 8).value

    @grad.setter
    def grad(self, x):
        if not self._e.alive:
            stale(self._e)
        _dbl(self._p + 8).value = x

    @property
    def label(self):
        """The node's name ('' for none): shown by dot(), trace(), dump()."""
        s = L.value_label(self._ptr())
        return s.decode("utf-8", "replace") if s else ""

    @label.setter
    def label(self, name):
        if not L.label(self._ptr(), name.encode() if name else None):
            _graph.failed(self._e.graph)

    @property
    def _op(self):
        """The operation that made this node, as micrograd names it in its
        drawings ('+', '*', '**2', 'ReLU', ...); '' for a leaf."""
        p = self._ptr()
        op = L.value_op(p)
        if op == L.OP_LEAF:
            return ""
        if op == L.OP_POW:
            k = L.value_exponent(p)
            return "**%s" % (int(k) if k == int(k) else k)
        name = L.op_symbol(op).decode()
        return "ReLU" if name == "relu" else name

    @property
    def _prev(self):
        """The inputs of this node (a set, as in micrograd)."""
        p = self._ptr()
        g = self._e.graph
        out = set()
        for i in range(L.value_arity(p)):
            q = L.value_input(p, i)
            out.add(_wrap(q, g._epoch_of_id(L.value_id(q))))
        return out

    def _ptr(self):
        if not self._e.alive:
            stale(self._e)
        return self._p

    # ---- arithmetic, micrograd's way
    def _pair(self, other, name):
        """The node pointer of other (a Value of self's graph, or a number
        made into a leaf), both checked; None for other types."""
        e = self._e
        if isinstance(other, Value):
            if other._e is not e:
                _check_pair(e, other._e, name)
            elif not e.alive:
                stale(e)
            return other._p
        x = _number(other)
        if x is None:
            return None
        if not e.alive:
            stale(e)
        q = L.leaf(e.graph._g, x, None)
        if not q:
            _graph.failed(e.graph)
        return q

    def _done(self, p):
        g = self._e.graph
        if not p:
            _graph.failed(g)
        return _wrap(p, g._epoch)

    def __add__(self, other):
        # written out in full: the hot path of every training loop
        e = self._e
        if isinstance(other, Value):
            if other._e is not e:
                _check_pair(e, other._e, "+")
            elif not e.alive:
                stale(e)
            p = _add(self._p, other._p)
        else:
            x = _number(other)
            if x is None:
                return NotImplemented
            if not e.alive:
                stale(e)
            p = _add_c(self._p, x)
        if not p:
            _graph.failed(e.graph)
        v = _new(Value)
        v._p = p
        v._e = e.graph._epoch
        return v

    __radd__ = __add__   # other + self, which micrograd computes as self + other

    def __mul__(self, other):
        e = self._e
        if isinstance(other, Value):
            if other._e is not e:
                _check_pair(e, other._e, "*")
            elif not e.alive:
                stale(e)
            p = _mul(self._p, other._p)
        else:
            x = _number(other)
            if x is None:
                return NotImplemented
            if not e.alive:
                stale(e)
            p = _mul_c(self._p, x)
        if not p:
            _graph.failed(e.graph)
        v = _new(Value)
        v._p = p
        v._e = e.graph._epoch
        return v

    __rmul__ = __mul__   # other * self, which micrograd computes as self * other

    def __sub__(self, other):    # a - b: the same double as micrograd's a + (-b)
        q = self._pair(other, "-")
        if q is None:
            return NotImplemented
        return self._done(L.sub(self._p, q))

    def __rsub__(self, other):   # other - self
        q = self._pair(other, "-")
        if q is None:
            return NotImplemented
        return self._done(L.sub(q, self._p))

    def __neg__(self):           # -a: the same double as micrograd's a * -1
        if not self._e.alive:
            stale(self._e)
        return self._done(L.neg(self._p))

    def __truediv__(self, other):   # micrograd: self * other**-1
        if isinstance(other, Value):
            return self * other ** -1
        x = _number(other)
        if x is None:
            return NotImplemented
        return self * x ** -1       # 1/0 raises ZeroDivisionError, as in micrograd

    def __rtruediv__(self, other):  # micrograd: other * self**-1
        if _number(other) is None:
            return NotImplemented
        return self ** -1 * other

    def __pow__(self, other):
        if isinstance(other, Value):   # a ** b with b a node: d/db = a^b ln a
            q = self._pair(other, "**")
            return self._done(L.pow_v(self._p, q))
        x = _number(other)
        if x is None:
            return NotImplemented
        if not self._e.alive:
            stale(self._e)
        return self._done(L.pow_c(self._p, x))

    def __rpow__(self, other):      # number ** self
        q = self._pair(other, "**")
        if q is None:
            return NotImplemented
        return self._done(L.pow_v(q, self._p))

    def _unary(self, fn):
        if not self._e.alive:
            stale(self._e)
        return self._done(fn(self._p))

    def relu(self):
        return self._unary(L.relu)

    def tanh(self):
        return self._unary(L.tanh)

    def exp(self):
        return self._unary(L.exp)

    def log(self):
        return self._unary(L.log)

    def sigmoid(self):
        return self._unary(L.sigmoid)

    # ---- the chain rule
    def backward(self):
        """Backpropagate from this Value: its grad becomes 1 and every node
        it depends on gets d(self)/d(node).  Leaves (parameters, inputs)
        accumulate across calls, as in micrograd and PyTorch: zero them
        between steps (model.zero_grad()).  No recursion: a chain of
        millions of nodes is fine."""
        L.backward(self._ptr())
        g = self._e.graph
        if not g._warned and L.graph_bytes(g._g) > WARN_BYTES:
            g._warned = True
            warnings.warn(_text.msg("big_graph", g._lang, mb=L.graph_bytes(g._g) >> 20),
                          stacklevel=2)

    def __repr__(self):
        if not self._e.alive:
            return _text_msg("stale_repr", self._e)
        return "Value(data=%r, grad=%r)" % (_dbl(self._p).value, _dbl(self._p + 8).value)

    # ---- the teaching outputs (micrograd_c/_teach.py)
    dot = _teach.dot
    trace = _teach.trace
    explain = _teach.explain
    dump = _teach.dump
    gradcheck = _teach.gradcheck
    jvp = _teach.jvp
    trace_forward = _teach.trace_forward
    svg = _teach.svg
    html = _teach.html
    _repr_html_ = _teach.repr_html


def _text_msg(key, epoch=None, **kw):
    """A message in the language of the epoch's graph (or the current one)."""
    return _text.msg(key, epoch.graph._lang if epoch is not None else current()._lang, **kw)
