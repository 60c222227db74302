"""A plain-Python scalar autograd engine built the way micrograd is: one
Python object per value holding its number, its gradient, its inputs and a
closure that applies its local derivative, and a recursive depth-first
topological sort for backward.  Written here (not imported) as the
baseline that bench/moons.py times micrograd_c against; it also gives the
tests a second, independent computation of the same numbers.

Its arithmetic is micrograd's, step for step (a - b = a + (-b), a / b =
a * b**-1, neuron sums from the bias), so given the same random draws it
gives the same doubles.
"""
import random


class Scalar:
    def __init__(self, data, inputs=(), op=""):
        self.data = data
        self.grad = 0
        self.inputs = inputs
        self.op = op
        self.push_grad = _nothing

    # each operation: the value now, and how its gradient reaches its inputs
    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.data + other.data, (self, other), "+")

        def push_grad():
            self.grad += out.grad
            other.grad += out.grad
        out.push_grad = push_grad
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.data * other.data, (self, other), "*")

        def push_grad():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out.push_grad = push_grad
        return out

    def __pow__(self, k):
        out = Scalar(self.data ** k, (self,), "**%s" % k)

        def push_grad():
            self.grad += (k * self.data ** (k - 1)) * out.grad
        out.push_grad = push_grad
        return out

    def relu(self):
        out = Scalar(0 if self.data < 0 else self.data, (self,), "relu")

        def push_grad():
            self.grad += (out.data > 0) * out.grad
        out.push_grad = push_grad
        return out

    def backward(self):
        order, seen = [], set()

        def visit(v):                # recursive, as micrograd's build_topo
            if v not in seen:
                seen.add(v)
                for u in v.inputs:
                    visit(u)
                order.append(v)
        visit(self)
        self.grad = 1
        for v in reversed(order):
            v.push_grad()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return other * self ** -1

    def __repr__(self):
        return "Scalar(data=%r, grad=%r)" % (self.data, self.grad)


def _nothing():
    pass


class Unit:
    """A neuron: relu(b + sum w*x), or linear."""

    def __init__(self, nin, nonlin=True):
        self.w = [Scalar(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Scalar(0)
        self.nonlin = nonlin

    def __call__(self, x):
        s = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return s.relu() if self.nonlin else s

    def parameters(self):
        return self.w + [self.b]


class Net:
    """Layers of Units: ReLU hidden layers, a linear last one."""

    def __init__(self, nin, nouts):
        sizes = [nin] + list(nouts)
        self.layers = [[Unit(sizes[i], nonlin=i != len(nouts) - 1) for _ in range(sizes[i + 1])]
                       for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            out = [unit(x) for unit in layer]
            x = out[0] if len(out) == 1 else out
        return x

    def parameters(self):
        return [p for layer in self.layers for unit in layer for p in unit.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0
