"""micrograd's moons demo, written the micrograd way, timed on two engines
in the same run:

  plain      a plain-Python scalar engine of micrograd's design
             (bench/plain_engine.py: an object per value, recursive sort)
  micrograd_c  the same code after `from micrograd_c...` imports

The training code below is the demo's, unchanged for both: MLP(2, [16, 16,
1]), the 100 points of data/micrograd_demo/moons.csv, the SVM max-margin
loss plus 1e-4 L2, full batch, learning rate 1.0 - 0.9*k/100, random seed
1337.  Both engines must give the same losses (the script checks them
against each other and against the demo's own trajectory) before their
times mean anything.  The garbage collector is off while timing, as when
micrograd is timed at about 80 ms a step.

    python3 python/bench/moons.py [--plain-steps N] [--steps N] [--repeat R]

Prints ms/step for each engine and their ratio: the median of the steps'
wall-clock times, and the CPU time of a run over its steps (the median of
the runs), which a busy machine disturbs less.
"""
import argparse
import csv
import gc
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))   # python/, for micrograd_c
sys.path.insert(0, HERE)

import plain_engine                      # noqa: E402
from micrograd_c.engine import Value     # noqa: E402
from micrograd_c.nn import MLP           # noqa: E402


def load(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return [[float(r["x0"]), float(r["x1"])] for r in rows], [int(r["y"]) for r in rows]


def demo(Value, MLP, X, y, steps, times, scope=None):
    """The demo's training loop, as micrograd's notebook writes it; with
    scope (micrograd_c.scope), each step inside `with scope():`, the one
    line that keeps micrograd_c's memory flat."""
    random.seed(1337)
    model = MLP(2, [16, 16, 1])

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    def step(k):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        return total_loss.data, acc

    history = []
    for k in range(steps):
        t0 = time.perf_counter()
        if scope is None:
            history.append(step(k))
        else:
            with scope():
                history.append(step(k))
        times.append(time.perf_counter() - t0)
    return history


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plain-steps", type=int, default=10, help="steps timed on the plain engine")
    ap.add_argument("--steps", type=int, default=100, help="steps timed on micrograd_c")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, alternating")
    args = ap.parse_args()

    X, y = load(os.path.join(TOP, "data", "micrograd_demo", "moons.csv"))
    with open(os.path.join(TOP, "data", "micrograd_demo", "trajectory.csv")) as f:
        published = [float(r["loss"]) for r in csv.DictReader(f)]

    import micrograd_c
    plain_t, c_t, plain_cpu, c_cpu, s_t, s_cpu = [], [], [], [], [], []
    gc.disable()
    try:
        for _ in range(args.repeat):
            t0 = time.process_time()
            hp = demo(plain_engine.Scalar, plain_engine.Net, X, y, args.plain_steps, plain_t)
            plain_cpu.append((time.process_time() - t0) / args.plain_steps)
            gc.collect()
            with micrograd_c.graph():
                t0 = time.process_time()
                hc = demo(Value, MLP, X, y, args.steps, c_t)
                c_cpu.append((time.process_time() - t0) / args.steps)
            with micrograd_c.graph():
                t0 = time.process_time()
                hs = demo(Value, MLP, X, y, args.steps, s_t, micrograd_c.scope)
                s_cpu.append((time.process_time() - t0) / args.steps)
            gc.collect()
    finally:
        gc.enable()

    n = min(len(hp), len(hc))
    same = all(a[0] == b[0] and a[1] == b[1] for a, b in zip(hp[:n], hc[:n])) and hs == hc
    rel = max(abs(a[0] - p) / abs(p) for a, p in zip(hc, published))
    print("moons demo, MLP(2, [16, 16, 1]), 100 points, full batch, the micrograd way")
    print("  the two engines' losses over the first %d steps: %s" %
          (n, "identical" if same else "DIFFERENT"))
    print("  micrograd_c against the demo's published losses (%d steps): worst relative "
          "difference %.1e, last loss %r" % (len(hc), rel, hc[-1][0]))
    mp = statistics.median(plain_t) * 1e3
    mc = statistics.median(c_t) * 1e3
    cp = statistics.median(plain_cpu) * 1e3
    cc = statistics.median(c_cpu) * 1e3
    print("                                            wall ms/step (median)   CPU ms/step")
    print("  plain-Python engine (micrograd's design): %10.2f (%d steps) %12.2f"
          % (mp, len(plain_t), cp))
    print("  micrograd_c                             : %10.2f (%d steps) %12.2f"
          % (mc, len(c_t), cc))
    print("  micrograd_c, each step in a scope()     : %10.2f (%d steps) %12.2f"
          % (statistics.median(s_t) * 1e3, len(s_t), statistics.median(s_cpu) * 1e3))
    print("  micrograd_c is %.1fx faster (wall), %.1fx (CPU); in scopes %.1fx (wall)"
          % (mp / mc, cp / cc, mp / (statistics.median(s_t) * 1e3)))
    print("  (Python %s; library %s)" % (sys.version.split()[0], micrograd_c.library_path))
    return 0 if same and rel < 1e-12 else 1


if __name__ == "__main__":
    sys.exit(main())
