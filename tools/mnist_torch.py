#!/usr/bin/env python3
"""mnist_torch.py -- examples/mnist10 against PyTorch: the same net, the
same first weights, optimizer and epochs, on the same split.

    python3 tools/mnist_torch.py MNIST10 IMAGES LABELS WORKDIR [SEED ...]

For each seed (default 1 2 3): the images are shuffled (Python's
random.Random(seed)) and split 80/20; the two parts are written as IDX
files; PyTorch draws mnist10's default net (784-64-10, sigmoid hidden,
weights 0.1 * N(0, 1), zero biases: torch.manual_seed(seed)) in float64 and
writes it as safetensors.  Then
  - MNIST10 --load that file --test the test part, on the training part
    (its defaults: Adam 1e-3, batches of 32, 10 epochs, each step on the
    batch's summed gradient), and
  - PyTorch trains its copy the same way (torch.optim.Adam, lr 1e-3, betas
    0.9/0.999, eps 1e-8; cross-entropy summed over the batch, which is
    mg_batch_grad's summed gradient; batches of 32 from a fresh shuffle
    each epoch),
and both test accuracies are printed.  The batches' order differs (each
program shuffles with its own generator), so the runs are not the same
numbers, only the same method: the means over the seeds must agree within
one point.  Exit status 1 when they do not.
"""
import json
import os
import random
import re
import struct
import subprocess
import sys

import torch

HIDDEN, CLASSES, BATCH, EPOCHS, LR = 64, 10, 32, 10, 1e-3


def read_idx(images, labels):
    with open(images, "rb") as f:
        raw = f.read()
    n, rows, cols = struct.unpack(">III", raw[4:16])
    x = torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8).reshape(n, rows * cols)
    with open(labels, "rb") as f:
        y = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8)
    return x, y


def write_idx(prefix, x, y):
    n = x.shape[0]
    with open(prefix + "-images", "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) + bytes(x.flatten().tolist()))
    with open(prefix + "-labels", "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + bytes(y.tolist()))


def write_safetensors(path, state, acts):
    header, blobs, at = {"__metadata__": {"format": "pt", "mg_activations": acts}}, [], 0
    for name, t in state.items():
        data = t.detach().contiguous().numpy().astype("<f8").tobytes()
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [at, at + len(data)]}
        blobs.append(data)
        at += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def net(seed):
    torch.manual_seed(seed)
    m = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.Sigmoid(),
                            torch.nn.Linear(HIDDEN, CLASSES)).double()
    with torch.no_grad():
        for layer in (m[0], m[2]):
            layer.weight.normal_(0.0, 0.1)
            layer.bias.zero_()
    return m


def torch_accuracy(m, xtr, ytr, xte, yte, seed):
    opt = torch.optim.Adam(m.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.CrossEntropyLoss(reduction="sum")
    g = torch.Generator().manual_seed(seed)
    for _ in range(EPOCHS):
        order = torch.randperm(xtr.shape[0], generator=g)
        for first in range(0, xtr.shape[0], BATCH):
            idx = order[first : first + BATCH]
            opt.zero_grad()
            loss_fn(m(xtr[idx]), ytr[idx]).backward()
            opt.step()
    with torch.no_grad():
        return 100.0 * (m(xte).argmax(dim=1) == yte).double().mean().item()


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    mnist10, images, labels, work = argv[1:5]
    seeds = [int(s) for s in argv[5:]] or [1, 2, 3]
    os.makedirs(work, exist_ok=True)
    x, y = read_idx(images, labels)
    ours, theirs = [], []
    for seed in seeds:
        order = list(range(x.shape[0]))
        random.Random(seed).shuffle(order)
        cut = len(order) * 8 // 10
        tr, te = torch.tensor(order[:cut]), torch.tensor(order[cut:])
        write_idx(f"{work}/train{seed}", x[tr], y[tr])
        write_idx(f"{work}/test{seed}", x[te], y[te])
        m = net(seed)
        init = f"{work}/init{seed}.safetensors"
        write_safetensors(init, m.state_dict(), "sigmoid,linear")
        out = subprocess.run([mnist10, "--lang", "en", "--seed", str(seed), "--load", init,
                              "--test", f"{work}/test{seed}-images", f"{work}/test{seed}-labels",
                              f"{work}/train{seed}-images", f"{work}/train{seed}-labels"],
                             check=True, capture_output=True, text=True).stdout
        a = float(re.search(r"test accuracy ([0-9.]+)%", out).group(1))
        xtr, xte = x[tr].double() / 255.0, x[te].double() / 255.0
        b = torch_accuracy(m, xtr, y[tr].long(), xte, y[te].long(), seed)
        ours.append(a)
        theirs.append(b)
        print(f"seed {seed}: mnist10 {a:.2f}%   PyTorch {torch.__version__} {b:.2f}%   "
              f"({len(tr)} to train, {len(te)} to test)")
    ma, mb = sum(ours) / len(ours), sum(theirs) / len(theirs)
    ok = abs(ma - mb) <= 1.0
    print(f"mean over seeds {' '.join(map(str, seeds))}: mnist10 {ma:.2f}%, PyTorch {mb:.2f}%, "
          f"difference {ma - mb:+.2f} points ({'within' if ok else 'NOT within'} 1 point)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
