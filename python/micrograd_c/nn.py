"""micrograd's Neuron, Layer and MLP over the C engine.

The same constructors, the same random initial weights (drawn with Python's
random.uniform(-1, 1) in micrograd's order, biases 0), the same sums
(b + w0*x0 + w1*x1 + ..., from the bias, left to right) and activations
(ReLU on every layer but the last, which is linear), so the same program
gives the same numbers.  The difference is speed: a network's forward pass
is one call into the C library.

The network lives in the C library as one MLP whose parameters are the
leaves these objects show (model.parameters(), layer.neurons[j].w).  It
builds each forward pass either as the teaching graph (every product and
partial sum a node, named: L0.N1.w0*x0, L0.N1.net, L0.N1.out) or fused (one
node per neuron, b + w.x): the same numbers bit for bit, many times fewer
nodes.  fused=None (the default) picks the teaching graph for networks of up
to 64 parameters (the ones people look at), fused for bigger ones.
"""
import ctypes
import random

from . import _lib as L
from . import _graph
from . import _text
from ._graph import current, stale
from .engine import Value, _number, _wrap

# fused=None: the teaching graph up to this many parameters, fused above
FUSED_ABOVE = 64

_ACTS = {"relu": L.ACT_RELU, "tanh": L.ACT_TANH, "sigmoid": L.ACT_SIGMOID,
         "linear": L.ACT_LINEAR}
_ACT_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}


def _act(nonlin):
    """micrograd's nonlin (True: ReLU, False: linear), or an activation's
    name: 'relu', 'tanh', 'sigmoid', 'linear'."""
    if nonlin is True or nonlin is False:
        return "relu" if nonlin else "linear"
    if nonlin in _ACTS:
        return nonlin
    raise ValueError("nonlin: True, False, 'relu', 'tanh', 'sigmoid' or 'linear', not %r"
                     % (nonlin,))


def _size(n, what, sizes):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(_text.msg("bad_size", current()._lang, what=what, sizes=sizes))
    return n


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []


def _input_ptrs(g, x):
    """Node pointers for the inputs x of graph g: Values as they are,
    numbers as new leaves."""
    ptrs = []
    for xi in x:
        if isinstance(xi, Value):
            f = xi._e
            if not f.alive:
                stale(f)
            if f.graph is not g:
                raise _graph.GraphError(_text.msg("two_graphs", g._lang, op="MLP"))
            ptrs.append(xi._p)
        else:   # a number: a leaf in the network's graph, wherever Values go now
            x = _number(xi)
            if x is None:
                raise TypeError(_text.msg("not_a_number", g._lang, type=type(xi).__name__))
            p = L.leaf(g._handle(), x, None)
            if not p:
                _graph.failed(g)
            ptrs.append(p)
    return ptrs


def _inputs(x):
    """x as a list: micrograd takes any iterable, and a lone number for one
    input."""
    if isinstance(x, list):
        return x
    if isinstance(x, (Value, int, float)):
        return [x]
    return list(x)


class _Net:
    """The C MLP behind a network: its parameters as Values, and its
    forward pass in one call."""

    def __init__(self, n_in, sizes, acts, params, fused):
        g = current()
        n_layers = len(sizes)
        c_sizes = (ctypes.c_size_t * n_layers)(*sizes)
        c_acts = (ctypes.c_int * n_layers)(*[_ACTS[a] for a in acts])
        c_params = (ctypes.c_double * len(params))(*params)
        m = L.mlp_new_from(g._handle(), n_in, c_sizes, n_layers, c_acts, c_params)
        if not m:
            _graph.failed(g)
        self._m = m
        self._epoch = g._epoch
        self._graph = g
        self.n_in = n_in
        self.n_out = sizes[-1]
        if fused is None:
            fused = len(params) > FUSED_ABOVE
        self.fused = bool(fused)
        L.mlp_set_fused(m, 1 if fused else 0)
        self._out = (ctypes.c_void_p * self.n_out)()
        self._x = (ctypes.c_double * n_in)
        self._xp = (ctypes.c_void_p * n_in)
        e = self._epoch
        # parameter Values, per layer, per neuron: (weights, bias)
        self.neurons = []
        fan_in = n_in
        for layer, size in enumerate(sizes):
            row = []
            for j in range(size):
                ps = [_wrap(L.mlp_param(m, layer, j, i), e) for i in range(fan_in + 1)]
                row.append((ps[:-1], ps[-1]))
            self.neurons.append(row)
            fan_in = size
        self.params = [p for row in self.neurons for w, b in row for p in w + [b]]

    def __call__(self, x, what):
        e = self._epoch
        if not e.alive:
            stale(e)
        x = _inputs(x)
        n = len(x)
        if n != self.n_in:
            raise ValueError(_text.msg("n_inputs", self._graph._lang, what=repr(what), n=self.n_in,
                                       m=n))
        out = self._out
        xd = None
        if not isinstance(x[0], Value):
            try:
                xd = self._x(*x)   # plain numbers: the library makes their leaves
            except TypeError:
                pass
        if xd is not None:
            k = L.mlp_forward_d(self._m, xd, out)
        else:
            k = L.mlp_forward(self._m, self._xp(*_input_ptrs(self._graph, x)), out)
        if not k:
            _graph.failed(self._graph)
        ep = self._graph._epoch
        return [_wrap(out[i], ep) for i in range(k)]

    def zero_grad(self):
        if not self._epoch.alive:
            stale(self._epoch)
        L.mlp_zero_grad(self._m)

    def __del__(self):
        try:
            L.mlp_free(self._m)   # its bookkeeping only; the nodes are the graph's
        except Exception:
            pass


class Neuron(Module):
    """act(b + w0*x0 + w1*x1 + ...): nin weights from random.uniform(-1, 1),
    bias 0; nonlin True for ReLU (micrograd's), False for linear, or
    'tanh', 'sigmoid'."""

    def __init__(self, nin, nonlin=True, fused=None, _view=None):
        self.act = _act(nonlin)
        self.nonlin = self.act != "linear"
        if _view is not None:
            self.w, self.b, self._fused, self._net = _view
            return
        nin = _size(nin, "Neuron", nin)
        w = [random.uniform(-1, 1) for _ in range(nin)]
        self._net = _Net(nin, [1], [self.act], w + [0.0], fused)
        self.w, self.b = self._net.neurons[0][0]
        self._fused = self._net.fused
        for i, p in enumerate(self.w):
            p.label = "w%d" % i
        self.b.label = "b"

    def __call__(self, x):
        if self._net is not None:
            return self._net(x, self)[0]
        # a neuron of a bigger network, called on its own: micrograd's sum
        x = _inputs(x)
        if len(x) != len(self.w):
            raise ValueError(_text.msg("n_inputs", current()._lang, what=repr(self),
                                       n=len(self.w), m=len(x)))
        if self._fused:   # one node b + w.x, as the network's forward makes it
            ptrs = _input_ptrs(self.b._e.graph, x)
            n = len(ptrs)
            w = (ctypes.c_void_p * n)(*[wi._ptr() for wi in self.w])
            act = self.b._done(L.neuron(self.b._ptr(), w, (ctypes.c_void_p * n)(*ptrs), n))
        else:
            act = self.b
            for wi, xi in zip(self.w, x):
                act = act + wi * xi
        return getattr(act, self.act)() if self.act != "linear" else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return "%sNeuron(%d)" % (_ACT_NAMES[self.act], len(self.w))


class Layer(Module):
    """nout neurons on the same nin inputs; keyword arguments go to each
    Neuron (nonlin=False for a linear layer)."""

    def __init__(self, nin, nout, _view=None, **kwargs):
        if _view is not None:
            self.neurons, self._net = _view
            return
        nin = _size(nin, "Layer", (nin, nout))
        nout = _size(nout, "Layer", (nin, nout))
        act = _act(kwargs.get("nonlin", True))
        w = [[random.uniform(-1, 1) for _ in range(nin)] for _ in range(nout)]
        params = [x for row in w for x in row + [0.0]]
        self._net = _Net(nin, [nout], [act], params, kwargs.get("fused"))
        self.neurons = [Neuron(nin, act, _view=(wj, bj, self._net.fused, None))
                        for wj, bj in self._net.neurons[0]]

    def __call__(self, x):
        if self._net is not None:
            out = self._net(x, self)
        else:
            out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def zero_grad(self):
        if self._net is not None:
            self._net.zero_grad()
        else:
            Module.zero_grad(self)

    def __repr__(self):
        return "Layer of [%s]" % ", ".join(str(n) for n in self.neurons)


class MLP(Module):
    """micrograd's multi-layer perceptron: MLP(2, [16, 16, 1]) has two
    inputs, two hidden ReLU layers of 16 and one linear output.  Beyond
    micrograd: act= the hidden layers' activation ('relu', 'tanh',
    'sigmoid'), out_act= the last layer's ('linear'), fused= as the module
    says."""

    def __init__(self, nin, nouts, act="relu", out_act="linear", fused=None):
        nouts = list(nouts)
        sizes = [_size(n, "MLP", [nin] + nouts) for n in [nin] + nouts]
        if not nouts:
            raise ValueError(_text.msg("bad_size", current()._lang, what="MLP", sizes=[nin]))
        acts = [_act(act)] * (len(nouts) - 1) + [_act(out_act)]
        # micrograd's draws: layer by layer, neuron by neuron, its nin weights
        params = []
        for fan_in, size in zip(sizes, sizes[1:]):
            for _ in range(size):
                params += [random.uniform(-1, 1) for _ in range(fan_in)] + [0.0]
        self._net = _Net(sizes[0], sizes[1:], acts, params, fused)
        self.layers = []
        for row, a in zip(self._net.neurons, acts):
            neurons = [Neuron(len(w), a, _view=(w, b, self._net.fused, None)) for w, b in row]
            self.layers.append(Layer(0, 0, _view=(neurons, None)))

    def __call__(self, x):
        out = self._net(x, self)
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return list(self._net.params)

    def zero_grad(self):
        self._net.zero_grad()

    def __repr__(self):
        return "MLP of [%s]" % ", ".join(str(layer) for layer in self.layers)
