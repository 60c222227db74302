#!/usr/bin/env python3
"""numpy_mnist.py -- the bench's MNIST row, numpy's side: the course
notebook's training loop written with numpy as the notebook writes it
(whole-batch matrix products, sigmoid, BCE, the gradient summed over every
image, plain gradient descent), on the images and first weights that
bench/mnist.c wrote, timed the same way (median of 5 after a warm-up).

    python3 bench/numpy_mnist.py DIR

DIR holds mnist01_train-images/-labels (IDX), mnist01_init.safetensors and
mnist_figures.txt (ours_ms ...), so the row ends with ours / numpy.  The
last epoch's mean loss is printed beside ours: the same arithmetic up to
the order of the sums inside the matrix products, so they agree to about
1e-12.  `make bench` runs this with OPENBLAS_CORETYPE unset when numpy can
be imported.
"""
import json
import statistics
import struct
import sys
import time

import numpy as np

EPOCHS, LR, REPS = 30, 1e-4, 5


def idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    magic, n = struct.unpack(">II", raw[:8])
    if magic == 0x803:
        return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, 784).astype(np.float64)
    return np.frombuffer(raw[8:], dtype=np.uint8).astype(np.float64)


def safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    header.pop("__metadata__", None)
    return {k: np.frombuffer(raw[8 + n + v["data_offsets"][0] : 8 + n + v["data_offsets"][1]],
                             dtype="<f8").reshape(v["shape"]) for k, v in header.items()}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def train(X, y, W1, b1, W2, b2):
    """30 epochs; the inputs are copied, so every run starts the same."""
    W1, b1, W2, b2 = W1.copy(), b1.copy(), W2.copy(), b2.copy()
    for _ in range(EPOCHS):
        h = sigmoid(X @ W1 + b1)                 # forward: hidden layer
        p = sigmoid(h @ W2 + b2)                 # and the output
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        d2 = p - y                               # dL/dz2 for BCE after a sigmoid
        d1 = (d2 @ W2.T) * h * (1 - h)           # back through the hidden sigmoids
        W2 -= LR * (h.T @ d2)
        b2 -= LR * d2.sum(axis=0)
        W1 -= LR * (X.T @ d1)
        b1 -= LR * d1.sum(axis=0)
    return loss


def blas():
    """Which BLAS this numpy runs on: Debian's python3-numpy takes whatever
    libblas.so.3 the alternatives system points at (the reference BLAS of
    libblas3 unless an optimised one, e.g. libopenblas0, is installed)."""
    np.ones((2, 2)) @ np.ones((2, 2))
    try:
        maps = open("/proc/self/maps").read()
    except OSError:
        return "BLAS unknown"
    for name, what in (("openblas", "OpenBLAS"), ("libblis", "BLIS"), ("mkl", "MKL"),
                       ("atlas", "ATLAS"), ("/blas/libblas", "the reference BLAS")):
        if name in maps:
            return what
    return "BLAS unknown"


def main(d):
    X = idx(f"{d}/mnist01_train-images") / 255.0
    y = idx(f"{d}/mnist01_train-labels").reshape(-1, 1)
    t = safetensors(f"{d}/mnist01_init.safetensors")
    # torch.nn.Linear's [out, in] weights, the notebook's [in, out] matrices
    W1, b1 = t["0.weight"].T.copy(), t["0.bias"].reshape(1, -1).copy()
    W2, b2 = t["2.weight"].T.copy(), t["2.bias"].reshape(1, -1).copy()
    times = []
    for r in range(REPS + 1):
        t0 = time.perf_counter()
        loss = train(X, y, W1, b1, W2, b2)
        if r:
            times.append((time.perf_counter() - t0) * 1e3)
    ms = statistics.median(times)
    figures = dict(line.split() for line in open(f"{d}/mnist_figures.txt"))
    ours = float(figures["ours_ms"])
    print(f"  {'numpy ' + np.__version__ + ' (the notebook code)':34s} {ms:9.1f} ms   "
          f"last epoch's mean loss {loss!r}   ({blas()})")
    print(f"  ours / numpy = {ours / ms:.2f}   (target <= 1.0, aim 0.5)"
          f"   losses differ by {abs(loss - float(figures['ours_loss'])) / loss:.1e} relative")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
