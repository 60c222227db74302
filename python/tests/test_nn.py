"""micrograd.nn on the C engine: micrograd's random draws, its numbers on
the moons demo (published), the class activity's loop (against the plain
engine of bench/plain_engine.py, a separate computation), and what
Neuron, Layer and MLP show."""
import csv
import os
import random

import pytest

import micrograd_c
import plain_engine
from conftest import DATA
from micrograd_c.engine import Value
from micrograd_c.nn import MLP, Layer, Module, Neuron


@pytest.fixture(autouse=True)
def own_graph():
    with micrograd_c.graph():
        yield


def moons():
    with open(os.path.join(DATA, "micrograd_demo", "moons.csv")) as f:
        rows = list(csv.DictReader(f))
    return [[float(r["x0"]), float(r["x1"])] for r in rows], [int(r["y"]) for r in rows]


def demo_loss(Value, model, X, y):
    # micrograd's demo.ipynb, as written there
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def test_initial_weights_are_micrograds():
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    with open(os.path.join(DATA, "micrograd_demo", "params_init.txt")) as f:
        want = [float(line) for line in f if line.strip()]
    assert [p.data for p in model.parameters()] == want


@pytest.mark.parametrize("fused", [None, False])
def test_moons_demo_reproduces_the_published_run(fused):
    X, y = moons()
    with open(os.path.join(DATA, "micrograd_demo", "trajectory.csv")) as f:
        published = [(float(r["loss"]), float(r["accuracy_pct"])) for r in csv.DictReader(f)]
    random.seed(1337)
    model = MLP(2, [16, 16, 1]) if fused is None else MLP(2, [16, 16, 1], fused=fused)
    assert model._net.fused == (fused is None)
    steps = 100 if fused is None else 5   # the teaching graph: same numbers, fewer steps
    for k in range(steps):
        total_loss, acc = demo_loss(Value, model, X, y)
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        loss_k, acc_k = published[k]
        assert abs(total_loss.data - loss_k) <= 1e-13 * loss_k, k
        assert acc * 100 == acc_k, k
    if fused is None:
        assert total_loss.data == 0.010978370135492717


def activity(Value, MLP, seed, steps=2):
    """The class activity's cell: MLP(2, [2, 2]), x = (-1, -2), targets
    (0, 1), squared error, p.data += 0.1 * p.grad (its sign as written)."""
    random.seed(seed)
    x = [-1.0, -2.0]
    ys = [0.0, 1.0]
    n = MLP(2, [2, 2])
    seen = []
    for k in range(steps):
        ypred = n(x)
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        seen.append(loss.data)
        seen += [p.grad for p in n.parameters()]
        for p in n.parameters():
            p.data += 0.1 * p.grad
        seen += [p.data for p in n.parameters()]
    return seen


@pytest.mark.parametrize("seed", [0, 1, 42, 2024])
def test_activity_loop_same_doubles_as_plain_engine(seed):
    assert activity(Value, MLP, seed, 3) == activity(plain_engine.Scalar, plain_engine.Net, seed, 3)


def test_neuron_and_layer_on_their_own():
    x = [0.5, -1.5, 2.0]
    for nonlin in (True, False):
        random.seed(7)
        n = Neuron(3, nonlin=nonlin)
        random.seed(7)
        u = plain_engine.Unit(3, nonlin=nonlin)
        out, ref = n(x), u(x)
        out.backward()
        ref.backward()
        assert out.data == ref.data
        assert [p.grad for p in n.parameters()] == [p.grad for p in u.parameters()]
    random.seed(3)
    layer = Layer(3, 4, nonlin=False)
    random.seed(3)
    units = [plain_engine.Unit(3, nonlin=False) for _ in range(4)]
    assert [o.data for o in layer(x)] == [u(x).data for u in units]
    assert len(layer.parameters()) == 16


def test_a_neuron_of_a_network_called_alone_agrees_with_the_network():
    random.seed(5)
    for fused in (False, True):
        model = MLP(3, [4, 2], fused=fused)
        x = [0.3, -0.2, 0.9]
        hidden = model.layers[0](x)                      # neuron by neuron
        out = model.layers[1](hidden)
        assert [o.data for o in out] == [o.data for o in model(x)]
        out[0].backward()
        grads = [p.grad for p in model.parameters()]
        model.zero_grad()
        model(x)[0].backward()
        assert [p.grad for p in model.parameters()] == grads


def test_what_the_modules_show():
    model = MLP(2, [3, 1])
    assert repr(model) == ("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], "
                           "Layer of [LinearNeuron(3)]]")
    assert repr(Neuron(4)) == "ReLUNeuron(4)"
    assert repr(Layer(2, 2, nonlin="tanh")) == "Layer of [TanhNeuron(2), TanhNeuron(2)]"
    assert isinstance(model, Module)
    ps = model.parameters()
    assert len(ps) == 3 * 3 + 4 and ps == model.parameters()
    assert all(a is b for a, b in zip(ps, model.parameters()))
    assert [p.data for p in model.layers[0].neurons[0].parameters()][-1] == 0.0   # bias 0
    assert [p.label for p in ps[:3]] == ["L0.N0.w0", "L0.N0.w1", "L0.N0.b"]
    out = model([1.0, 2.0])
    assert isinstance(out, Value)                      # one output: a Value, not a list
    assert len(MLP(2, [3, 2])([1.0, 2.0])) == 2


def test_zero_grad():
    model = MLP(2, [3, 1])
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())
    layer = model.layers[0]
    model([1.0, -1.0]).backward()
    layer.zero_grad()
    assert all(p.grad == 0 for p in layer.parameters())


def test_inputs_may_be_values_numbers_or_a_mix():
    random.seed(11)
    model = MLP(2, [3, 1])
    a = model([0.5, -2]).data
    assert model([Value(0.5), Value(-2.0)]).data == a
    assert model([Value(0.5), -2]).data == a
    x = Value(0.5)
    model([x, -2.0]).backward()
    assert x.grad != 0                                # the gradient reaches a Value input


def test_wrong_number_of_inputs_is_an_error():
    model = MLP(3, [2, 1])
    with pytest.raises(ValueError, match="takes 3 inputs, but was given 2"):
        model([1.0, 2.0])
    with pytest.raises(ValueError):
        MLP(0, [2])
    with pytest.raises(ValueError):
        MLP(2, [2, 0])


def test_activations_beyond_micrograd():
    random.seed(2)
    model = MLP(2, [3, 1], act="tanh", out_act="sigmoid")
    out = model([0.1, 0.2])
    assert 0 < out.data < 1
    assert repr(model).startswith("MLP of [Layer of [TanhNeuron(2)")


def test_inputs_of_any_iterable_go_into_the_networks_graph():
    random.seed(4)
    model = MLP(2, [3, 1])
    want = model([0.25, -1.0]).data
    assert model((0.25, -1.0)).data == want
    assert model(iter([0.25, -1.0])).data == want
    with micrograd_c.graph():              # another graph is current now:
        out = model([0.25, -1.0])          # numbers still become the network's leaves
        assert out.data == want
    with pytest.raises(TypeError):
        model(["a", 1.0])
