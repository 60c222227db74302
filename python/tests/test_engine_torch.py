"""micrograd's engine checks, in the spirit of its test_engine.py: the same
expressions through micrograd_c and through PyTorch in float64, forward
values and gradients compared."""
import math

import pytest

torch = pytest.importorskip("torch")

from micrograd_c.engine import Value


def close(a, b, rel=1e-12, abs_tol=1e-15):
    """Equal to a few ulp: a relative tolerance, and an absolute one for
    results that cancel (1 - tanh^2 near 0 is exact only to about 1e-16)."""
    return a == b or abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_tol)


def leaf(x):
    t = torch.tensor([x], dtype=torch.float64)
    t.requires_grad = True
    return t


def sanity(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


def more_ops(a, b):
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    return g + 10.0 / f


def test_sanity_check():
    x = Value(-4.0)
    y = sanity(x)
    y.backward()
    xt = leaf(-4.0)
    yt = sanity(xt)
    yt.backward()
    # exactly equal, as micrograd's own test asks
    assert y.data == yt.item()
    assert x.grad == xt.grad.item()


def test_more_ops():
    a, b = Value(-4.0), Value(2.0)
    g = more_ops(a, b)
    g.backward()
    at, bt = leaf(-4.0), leaf(2.0)
    gt = more_ops(at, bt)
    gt.backward()
    assert close(g.data, gt.item())
    assert close(a.grad, at.grad.item())
    assert close(b.grad, bt.grad.item())


@pytest.mark.parametrize("name", ["tanh", "exp", "relu", "sigmoid"])
@pytest.mark.parametrize("x", [-3.0, -1.0, -0.123, 0.5, 2.0, 7.5])
def test_unary(name, x):
    v = Value(x)
    y = getattr(v, name)()
    y.backward()
    t = leaf(x)
    yt = getattr(t, name)()
    yt.backward()
    assert close(y.data, yt.item(), 1e-15)
    assert close(v.grad, t.grad.item(), 1e-14)


@pytest.mark.parametrize("x", [0.01, 0.5, 2.0, 1e6])
def test_log(x):
    v = Value(x)
    y = v.log()
    y.backward()
    t = leaf(x)
    yt = t.log()
    yt.backward()
    assert close(y.data, yt.item(), 1e-15)
    assert close(v.grad, t.grad.item(), 1e-15)


def reflected(a, b):
    # every reflected form, pow with a node exponent, a number to a node's power
    return (3.0 - a) * (2.0 / b) + a ** b + 2.0 ** a - (-b) / 4 + (1 + a).tanh() * b.exp()


@pytest.mark.parametrize("xa,xb", [(1.5, 0.7), (0.3, -1.2), (2.0, 3.0)])
def test_reflected_and_pow(xa, xb):
    a, b = Value(xa), Value(xb)
    y = reflected(a, b)
    y.backward()
    at, bt = leaf(xa), leaf(xb)
    yt = reflected(at, bt)
    yt.backward()
    assert close(y.data, yt.item())
    assert close(a.grad, at.grad.item())
    assert close(b.grad, bt.grad.item())


def neuron(x1, x2, w1, w2, b):
    return (x1 * w1 + x2 * w2 + b).tanh()


def test_lecture_neuron_against_torch():
    vs = [Value(x) for x in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)]
    o = neuron(*vs)
    o.backward()
    ts = [leaf(x) for x in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)]
    ot = neuron(*ts)
    ot.backward()
    assert close(o.data, ot.item())
    for v, t in zip(vs, ts):
        assert close(v.grad, t.grad.item(), 1e-14)


def test_shared_subexpressions_against_torch():
    # a node used many times: every contribution must arrive
    a = Value(0.7)
    s = a
    for _ in range(50):
        s = s * a + a.sigmoid()
    s.backward()
    at = leaf(0.7)
    st = at
    for _ in range(50):
        st = st * at + at.sigmoid()
    st.backward()
    assert close(s.data, st.item(), 1e-12)
    assert close(a.grad, at.grad.item(), 1e-12)
    assert math.isfinite(a.grad)
