"""Published numbers: micrograd's README example and the lecture's
expressions (tests/data/lecture.tsv), written as a micrograd notebook
writes them."""
import os

from conftest import DATA
from micrograd_c.engine import Value


def lecture(example):
    rows = {}
    with open(os.path.join(DATA, "lecture.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            ex, node, data, grad = line.rstrip("\n").split("\t")
            if ex == example:
                rows[node] = (float(data), float(grad))
    return rows


def test_readme_example_to_the_last_digit():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"
    # micrograd's own doubles: its division is a * b**-1, kept here
    assert g.data == 24.70408163265306
    assert a.grad == 138.83381924198252
    assert b.grad == 645.5772594752186


def test_lecture_expression():
    want = lecture("expr")
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L.backward()
    for v in (a, b, c, e, d, f, L):
        assert (v.data, v.grad) == want[v.label], v.label


def test_lecture_tanh_neuron():
    want = lecture("neuron")
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    o.backward()
    got = {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "x1*w1": x1w1, "x2*w2": x2w2,
           "x1*w1 + x2*w2": s, "n": n, "o": o}
    # to a few ulp: libm's tanh and 1 - o^2 differ in the last bit between
    # systems (tests/data/README.md)
    for name, v in got.items():
        assert abs(v.data - want[name][0]) <= 4e-16 * max(1.0, abs(v.data)), name
        assert abs(v.grad - want[name][1]) <= 4e-16 * max(1.0, abs(v.grad)), name
        if want[name][1] == 0.0:
            assert v.grad == 0.0, name


def test_node_used_twice():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0
    a, b = Value(-2.0), Value(3.0)
    f = (a * b) * (a + b)
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)
