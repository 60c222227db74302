"""The teaching outputs from Python: the C writers' text, read back, in the
language asked for, agreeing with the engine's numbers."""
import html
import random
import re
import shutil
import subprocess

import pytest

import micrograd_c
from micrograd_c import _lib, _teach
from micrograd_c.engine import Value
from micrograd_c.nn import MLP


@pytest.fixture(autouse=True)
def own_graph():
    with micrograd_c.graph(lang="en"):
        yield


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, (x1, x2, w1, w2, b)


def parse_tsv(text):
    lines = text.strip().split("\n")
    assert lines[0].split("\t") == ["id", "label", "op", "inputs", "data", "grad", "local_grads"]
    return {row[1]: row for row in (line.split("\t") for line in lines[1:])}


def test_dump_tsv_round_trips_every_number():
    o, leaves = neuron()
    o.backward()
    rows = parse_tsv(o.dump(tsv=True))
    assert len(rows) == 10   # 5 leaves, 2 products, 2 sums, tanh
    for v in leaves + (o,):
        assert float(rows[v.label][4]) == v.data
        assert float(rows[v.label][5]) == v.grad
    assert rows["o"][2] == "tanh"


def test_trace_leaves_the_grads_backward_gives():
    o, leaves = neuron()
    text = o.trace()
    got = [v.grad for v in leaves]
    o2, leaves2 = neuron()
    o2.backward()
    assert got == [v.grad for v in leaves2]
    assert text.count(" += grad(") == 9   # one line per edge: 9 edges in the neuron
    assert "\ngrad(o) = 1\n" in text
    assert "grad(w1) += grad(" in text
    assert isinstance(text, str) and repr(text) == str(text)   # shows as itself in a notebook


def test_explain_names_the_path_and_gives_the_gradient():
    o, (x1, x2, w1, w2, b) = neuron()
    text = o.explain(w1)
    o.backward()
    assert text.startswith("do/dw1 = ")
    assert ("= %.9f" % w1.grad) in text
    with pytest.raises(TypeError):
        o.explain(1.0)


def test_dot_is_graphviz_text():
    o, _ = neuron()
    o.backward()
    text = o.dot()
    assert text.startswith("digraph")
    assert text.count("shape=ellipse") == 5           # the five operations
    assert "{ w1 | data -3.0000 | grad 1.0000 }" in text
    assert "grad" not in o.dot(grad=False).split("node [")[1]
    if shutil.which("dot"):
        r = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True)
        assert r.returncode == 0 and not r.stderr and b"<svg" in r.stdout


def test_gradcheck():
    o, leaves = neuron()
    report = o.gradcheck()
    assert report.ok and report.error < 1e-8
    assert report.count(" ok") == 5                   # every leaf, by default
    part = o.gradcheck(leaves=[leaves[2]])
    assert part.count(" ok") == 1
    # a wrong derivative is caught: relu's kink at 0 is a real disagreement
    z = Value(0.0)
    assert not z.relu().gradcheck().ok
    with pytest.raises(ValueError, match="not a leaf"):
        o.gradcheck(leaves=[o])


def test_lang_for_one_call_and_for_the_graph():
    o, _ = neuron()
    o.backward()
    g = micrograd_c.current()
    spanish = o.dump(lang="es")
    assert "etiqueta" in spanish and "etiqueta" not in o.dump()
    assert g.lang == "en"                             # one call's language only
    g.lang = "es"
    assert o.dump() == spanish
    micrograd_c.set_lang("en")
    assert o.trace(lang="es").startswith("# retropropagación")
    assert g.lang == "en"
    with pytest.raises(ValueError):
        o.dump(lang="fr")


def test_forward_mode():
    o, (x1, x2, w1, w2, b) = neuron()
    o.backward()
    assert o.jvp(w1) == pytest.approx(w1.grad, rel=1e-15)
    assert o.jvp({w1: 1.0, b: 2.0}) == pytest.approx(w1.grad + 2 * b.grad, rel=1e-15)
    english = o.trace_forward(w1)
    spanish = o.trace_forward(w1, lang="es")
    assert "t(w1) = 1" in english and "t(o) = " in english
    assert english != spanish and "ninguna de sus entradas se mueve" in spanish
    assert "none of its inputs moves" in english


def test_python_messages_follow_the_graph_language():
    with micrograd_c.graph(lang="es"):
        a = Value(1.0)
        micrograd_c.reset()
        with pytest.raises(micrograd_c.StaleValueError, match="ya no existe"):
            a.data
        model = MLP(2, [1])
        with pytest.raises(ValueError, match="recibe 2 entradas"):
            model([1.0])
    with micrograd_c.graph(lang="en"):
        a = Value(1.0)
        micrograd_c.reset()
        with pytest.raises(micrograd_c.StaleValueError, match="no longer exists"):
            a.data


def page_numbers(page, label):
    """data-data and data-grad of the node element labelled `label`."""
    m = re.search(r'data-label="%s" data-data="([^"]*)" data-grad="([^"]*)"' % re.escape(label), page)
    assert m, label
    return float(m.group(1)), float(m.group(2))


def test_the_page():
    o, leaves = neuron()
    page = o.html()
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "http://" not in page.replace("http://www.w3.org/", "")   # no network
    o.backward()
    for v in leaves + (o,):
        assert page_numbers(page, v.label) == (v.data, v.grad)
    frame = o._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "&lt;" in frame and "<svg" not in frame
    assert html.unescape(frame.split('srcdoc="')[1].split('"')[0]) == page
    quiz = o.html(quiz=True, lang="es")
    assert quiz != page
    picture = o.svg()
    assert picture.lstrip().startswith("<") and "<svg" in picture
    assert page_numbers(picture, "w1") == (-3.0, leaves[2].grad)
    big = Value(0.0)
    for _ in range(_teach.PAGE_MAX_NODES):
        big = big + 1
    assert big._repr_html_() is None                   # too big to look at: text


def test_a_training_page():
    random.seed(3)
    model = MLP(2, [2, 2])
    x, ys = [-1.0, -2.0], [0.0, 1.0]

    def loss():
        return sum((yout - ygt) ** 2 for ygt, yout in zip(ys, model(x)))

    first = loss()
    losses = [first.data]
    for _ in range(3):
        model.zero_grad()
        L = loss()
        L.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
        losses.append(loss().data)
    first.label = "E"
    page = first.html(params=model.parameters(), lr=0.1, losses=losses)
    for p in model.parameters():                       # each update, as a step
        assert "%s+ = %s - 0.1 * dE/d%s" % (p.label, p.label, p.label) in page
    assert "after 3 updates: E = %.9f" % losses[3] in page


def test_grad_as_a_node():
    x = Value(0.5, label="x")
    y = (x * 3).tanh()
    dy = micrograd_c.grad(y, x)
    y.backward()
    assert dy.data == x.grad
    d2 = micrograd_c.grad(dy, x)                       # differentiate again
    t = y.data
    assert d2.data == pytest.approx(-18 * t * (1 - t * t), rel=1e-12)


def test_micrograd_internals_for_drawing():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    assert c._op == "*" and (a ** 2)._op == "**2" and a.relu()._op == "ReLU" and a._op == ""
    prev = c._prev
    assert {v.data for v in prev} == {1.0, 2.0}
    assert repr(c) == "Value(data=2.0, grad=0.0)"
