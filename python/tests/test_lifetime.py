"""When Values are freed, and that using one afterwards is a clear Python
error, never a crash; big graphs; memory that stays flat."""
import random
import threading

import pytest

import micrograd_c
from micrograd_c import StaleValueError, GraphError
from micrograd_c.engine import Value
from micrograd_c.nn import MLP


def every_use(v, other):
    """Each way a program can touch a Value."""
    return [lambda: v.data, lambda: v.grad, lambda: setattr(v, "data", 1.0),
            lambda: setattr(v, "grad", 0.0), lambda: v + 1, lambda: 1 + v, lambda: v * other,
            lambda: other * v, lambda: v - other, lambda: v / 2, lambda: 2 / v, lambda: v ** 2,
            lambda: 2 ** v, lambda: -v, lambda: v.relu(), lambda: v.tanh(), lambda: v.exp(),
            lambda: v.log(), lambda: v.sigmoid(), lambda: v.backward(), lambda: v.dot(),
            lambda: v.trace(), lambda: v.dump(), lambda: v.explain(v), lambda: v.gradcheck(),
            lambda: v.label, lambda: v._prev, lambda: v._op, lambda: micrograd_c.grad(v, v)]


def test_reset_makes_old_values_raise():
    with micrograd_c.graph():
        a = Value(2.0)
        b = (a * 3).tanh()
        micrograd_c.reset()
        c = Value(5.0)   # reuses the memory a and b had
        for use in every_use(b, c) + every_use(a, c):
            with pytest.raises(StaleValueError, match="reset"):
                use()
        assert "no longer exists" in repr(b)
        assert (c * 2).data == 10.0   # the new value is fine


def test_scope_drops_what_it_made_and_keeps_the_rest():
    with micrograd_c.graph() as g:
        w = Value(0.5)
        before = g.size()
        with micrograd_c.scope():
            y = (w * 4).exp()
            y.backward()
            assert w.grad == pytest.approx(4 * y.data)
        assert g.size() == before
        assert w.data == 0.5 and w.grad != 0   # made before the block: kept
        for use in every_use(y, w):
            with pytest.raises(StaleValueError, match="scope"):
                use()


def test_nested_scopes():
    with micrograd_c.graph():
        a = Value(1.0)
        with micrograd_c.scope():
            b = a + 1
            with micrograd_c.scope():
                c = b + 1
            with pytest.raises(StaleValueError):
                c.data
            assert (b + 1).data == 3.0
        with pytest.raises(StaleValueError):
            b.data
        assert a.data == 1.0


def test_reset_inside_a_scope():
    with micrograd_c.graph():
        a = Value(1.0)
        with micrograd_c.scope():
            b = a + 1
            micrograd_c.reset()
            c = Value(4.0)
            assert c.data == 4.0
        with pytest.raises(StaleValueError):
            a.data
        with pytest.raises(StaleValueError):
            b.data
        # the reset ended the scope too: c, made after it, is in the graph's
        # new base and outlives the block (nothing dropped its node)
        assert c.data == 4.0


def test_values_of_a_freed_graph_raise():
    with micrograd_c.graph() as g:
        a = Value(3.0)
        b = a * a
    for use in every_use(b, b):
        with pytest.raises(StaleValueError, match="graph"):
            use()
    with pytest.raises(GraphError):
        g.size()
    g.free()   # twice is harmless


def test_two_graphs_cannot_be_mixed():
    a = Value(1.0)
    with micrograd_c.graph():
        b = Value(2.0)
        with pytest.raises(GraphError, match="two different graphs"):
            a + b
        with pytest.raises(GraphError, match="two different graphs"):
            b * a
        with pytest.raises(GraphError):
            b.explain(a)
        model = MLP(2, [1])
        with pytest.raises(GraphError):
            model([a, a])


def test_a_network_after_reset_raises():
    with micrograd_c.graph():
        model = MLP(2, [3, 1])
        p = model.parameters()[0]
        micrograd_c.reset()
        with pytest.raises(StaleValueError):
            model([1.0, 2.0])
        with pytest.raises(StaleValueError):
            model.zero_grad()
        with pytest.raises(StaleValueError):
            p.data
        model2 = MLP(2, [3, 1])   # a new one works
        model2([1.0, 2.0]).backward()


def test_a_million_node_graph_builds_and_backpropagates():
    with micrograd_c.graph() as g:
        x = Value(1.0)
        y = x
        for _ in range(1_000_000):
            y = y + x            # a chain a million additions deep
        assert g.size() == 1_000_001
        y.backward()             # no recursion anywhere: no stack to overflow
        assert x.grad == 1_000_001.0
        assert y.data == 1_000_001.0


def test_a_deep_chain_of_unary_ops():
    with micrograd_c.graph():
        x = Value(0.5)
        y = x
        for _ in range(200_000):
            y = y.tanh()
        y.backward()
        assert 0 < x.grad < 1


def test_training_in_scopes_keeps_memory_flat():
    with micrograd_c.graph() as g:
        random.seed(0)
        model = MLP(2, [8, 1])
        sizes, nbytes = set(), set()
        for k in range(30):
            with micrograd_c.scope():
                loss = sum((model([x, -x]) - x) ** 2 for x in (0.1, 0.5, -0.3))
                model.zero_grad()
                loss.backward()
                for p in model.parameters():
                    p.data -= 0.05 * p.grad
            sizes.add(g.size())
            if k >= 2:
                nbytes.add(g.nbytes())
        assert len(sizes) == 1 and len(nbytes) == 1


def test_each_thread_has_its_own_default_graph():
    main = micrograd_c.current()
    seen = {}

    def work():
        v = Value(2.0)
        seen["graph"] = micrograd_c.current()
        seen["data"] = (v * v).data

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen["graph"] is not main and seen["data"] == 4.0


def test_a_big_graph_warns_once(monkeypatch):
    from micrograd_c import engine
    monkeypatch.setattr(engine, "WARN_BYTES", 1)
    with micrograd_c.graph():
        a = Value(1.0)
        with pytest.warns(UserWarning, match="scope"):
            (a * 2).backward()
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            (a * 3).backward()   # once per graph


def test_bad_data():
    with pytest.raises(TypeError, match="number"):
        Value("3")
    with pytest.raises(TypeError, match="number"):
        Value(None)
    with pytest.raises(TypeError):
        Value(1.0) + "x"
    with pytest.raises(TypeError):
        Value(2.0, (Value(1.0),))
    with pytest.raises(ZeroDivisionError):   # as micrograd: 0.0 ** -1
        Value(1.0) / 0
