#!/usr/bin/env python3
"""torch_step.py -- the bench's demo step in PyTorch, to compare with.

MLP(2, [16, 16, 1]) with relu, 100 points of data/micrograd_demo, SVM loss
(mean of relu(1 - y * score)) + 1e-4 * sum of squared parameters, forward +
backward + SGD update with bench.c's learning rate, from the same initial
parameters; float64 on the CPU.  Each row: one warm-up, then the median of 7
runs of 20 steps, as in bench.c.

    python3 bench/torch_step.py [FIGURES]

FIGURES is the file `bench` writes (replayed_ms ...); with it the ratio to
the engine's replayed step is printed too.  `make bench` runs this when the
python3 it finds can import torch (Debian: apt-get install python3-torch).
"""
import statistics
import sys
import time

import torch

H = 16
STEPS, REPS = 20, 7


def load(folder):
    xs, ys = [], []
    with open(f"{folder}/moons.csv") as f:
        next(f)  # header
        for line in f:
            if line.strip():
                a, b, c = line.split(",")
                xs.append([float(a), float(b)])
                ys.append(float(c))
    with open(f"{folder}/params_init.txt") as f:
        p = [float(t) for t in f.read().split()]
    return torch.tensor(xs, dtype=torch.float64), torch.tensor(ys, dtype=torch.float64), p


def layer(flat, at, n_out, n_in):
    """n_out neurons stored as [w_0 .. w_{n_in-1}, b] each, from flat[at]."""
    rows = [flat[at + j * (n_in + 1): at + (j + 1) * (n_in + 1)] for j in range(n_out)]
    w = torch.tensor([r[:n_in] for r in rows], dtype=torch.float64)
    b = torch.tensor([r[n_in] for r in rows], dtype=torch.float64)
    return w, b, at + n_out * (n_in + 1)


def params_from(flat):
    w1, b1, at = layer(flat, 0, H, 2)
    w2, b2, at = layer(flat, at, H, H)
    w3, b3, at = layer(flat, at, 1, H)
    assert at == len(flat), f"{len(flat)} parameters, the net has {at}"
    return [t.requires_grad_() for t in (w1, b1, w2, b2, w3, b3)]


def step(params, x, y, lr):
    w1, b1, w2, b2, w3, b3 = params
    h1 = torch.relu(x @ w1.T + b1)
    h2 = torch.relu(h1 @ w2.T + b2)
    score = (h2 @ w3.T + b3).squeeze(1)
    loss = torch.relu(1 - y * score).mean() + 1e-4 * sum((p * p).sum() for p in params)
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    return loss.item()


def time_steps(x, y, flat):
    times, last = [], None
    for rep in range(-1, REPS):
        params = params_from(flat)
        t0 = time.perf_counter()
        for k in range(STEPS):
            last = step(params, x, y, 1.0 - 0.9 * k / 100)
        if rep >= 0:
            times.append((time.perf_counter() - t0) / STEPS * 1e3)
    return statistics.median(times), last


def main():
    x, y, flat = load("data/micrograd_demo")
    figures = {}
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            for line in f:
                key, value = line.split()
                figures[key] = float(value)
    print(f"\nPyTorch {torch.__version__}, the same demo step (float64, CPU)")
    default_threads = torch.get_num_threads()
    for threads in [1] + ([default_threads] if default_threads > 1 else []):
        torch.set_num_threads(threads)
        ms, loss = time_steps(x, y, flat)
        line = f"  {threads} thread{'s' if threads > 1 else ' '}  {ms:8.4f} ms/step   loss after 20 steps {loss:.17g}"
        if "replayed_ms" in figures:
            ratio = ms / figures["replayed_ms"]
            verdict = "met" if ratio >= 11 else "NOT met"
            line += (f"\n             the engine's replayed step (c) is {ratio:.1f}x faster"
                     f"  (target 11x: {verdict})")
        print(line)


if __name__ == "__main__":
    main()
