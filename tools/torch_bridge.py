#!/usr/bin/env python3
"""torch_bridge.py -- nets going to PyTorch and coming back, checked.

    python3 tools/torch_bridge.py check BRIDGE WORKDIR [EXAMPLES]
    python3 tools/torch_bridge.py golden OUTDIR

check: BRIDGE is build/tools/mlp_bridge (its `save`/`load` print each
fixed input and the net's outputs, %.17g, one row a line).
  1. ours -> PyTorch: `BRIDGE save a.safetensors` makes a net with every
     activation; PyTorch builds torch.nn.Sequential from the file's
     mg_activations, load_state_dict(strict=True) must take the file, and
     its float64 outputs must equal ours to 1e-12 relative.
  2. PyTorch -> ours: PyTorch nets of float32 (no metadata: the activations
     given on the command line) and float64 (with metadata) are written in
     the layout of safetensors.torch.save_file; `BRIDGE load` reads them,
     its outputs must equal PyTorch's float64 ones (float32 weights
     widened) to 1e-12, and the file it writes back must load strictly
     into PyTorch with every value equal.
  3. With EXAMPLES (the examples' folder): `moons --save`, `xor --save`,
     `font_shade --save` and `mnist01 --save` write files that
     load_state_dict(strict=True) takes (xor's: a module with the residual).
golden: writes mlp_f32.safetensors and mlp_f32_outputs.tsv, the PyTorch
file and outputs tests/test_safetensors.c reads.

PyTorch has no safetensors reader of its own in Debian (the safetensors
package is not packaged), so the file format is written and read here with
the standard library (struct, json): 8-byte little-endian header length,
JSON header padded with spaces to a multiple of 8, row-major little-endian
data.
"""
import json
import os
import struct
import subprocess
import sys

import torch

ACTS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}
DTYPES = {torch.float32: ("F32", "<f4"), torch.float64: ("F64", "<f8")}


def write_safetensors(path, tensors, metadata=None):
    """tensors: name -> tensor, laid out as safetensors.torch.save_file does
    (sorted by name, compact JSON, header padded to 8 bytes)."""
    header, blobs, at = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        code, fmt = DTYPES[t.dtype]
        data = t.numpy().astype(fmt).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [at, at + len(data)]}
        blobs.append(data)
        at += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    """name -> tensor, and the metadata (a dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        fmt = {"F32": "<f4", "F64": "<f8"}[info["dtype"]]
        import numpy

        arr = numpy.frombuffer(data[begin:end], dtype=fmt).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


def sequential(tensors, acts, prefix=""):
    """torch.nn.Sequential(Linear, act, Linear, ...) with the file's shapes."""
    pre = prefix + "." if prefix else ""
    weights = sorted((int(k[len(pre) :].split(".")[0]), v) for k, v in tensors.items()
                     if k.startswith(pre) and k.endswith(".weight"))
    mods = []
    for (_, w), act in zip(weights, acts):
        mods.append(torch.nn.Linear(w.shape[1], w.shape[0]))
        if act != "linear":
            mods.append(ACTS[act]())
    return torch.nn.Sequential(*mods).double()


def strict_load(module, tensors):
    module.load_state_dict({k: v.double() for k, v in tensors.items()}, strict=True)
    return module


def bridge_rows(cmd):
    """The bridge's printed rows: inputs, then outputs (tab-separated)."""
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        x, y = line.split("\t")
        rows.append(([float(v) for v in x.split(",")], [float(v) for v in y.split(",")]))
    return rows


def same(ours, theirs, what):
    for (x, y), t in zip(ours, theirs):
        for a, b in zip(y, t):
            if abs(a - b) > 1e-12 * max(abs(a), abs(b), 1e-300) and abs(a - b) > 1e-300:
                sys.exit(f"torch bridge: {what}: input {x}: ours {a!r}, PyTorch {b!r}")


def torch_outputs(net, rows):
    with torch.no_grad():
        return [net(torch.tensor(x, dtype=torch.float64)).tolist() for x, _ in rows]


def net_torch(dtype, seed):
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4),
                              torch.nn.Tanh(), torch.nn.Linear(4, 2)).to(dtype)
    return net, ["relu", "tanh", "linear"]


def check(bridge, work, examples=None):
    os.makedirs(work, exist_ok=True)
    checks = 0
    # 1. ours -> PyTorch
    a = os.path.join(work, "ours.safetensors")
    rows = bridge_rows([bridge, "save", a])
    tensors, meta = read_safetensors(a)
    acts = meta["mg_activations"].split(",")
    net = strict_load(sequential(tensors, acts), tensors)
    same(rows, torch_outputs(net, rows), "ours -> PyTorch")
    checks += 1
    # 2. PyTorch -> ours, float32 and float64, and back again
    for dtype, with_meta in ((torch.float32, False), (torch.float64, True)):
        tnet, acts = net_torch(dtype, 7)
        b = os.path.join(work, f"torch_{DTYPES[dtype][0]}.safetensors")
        c = os.path.join(work, f"torch_{DTYPES[dtype][0]}_back.safetensors")
        write_safetensors(b, tnet.state_dict(),
                          {"format": "pt", "mg_activations": ",".join(acts)} if with_meta else {"format": "pt"})
        cmd = [bridge, "load", b, c] + ([] if with_meta else ["--acts", ",".join(acts)])
        rows = bridge_rows(cmd)
        same(rows, torch_outputs(tnet.double(), rows), f"PyTorch {DTYPES[dtype][0]} -> ours")
        back, _ = read_safetensors(c)
        wide = {k: v.double() for k, v in tnet.state_dict().items()}
        strict_load(sequential(back, acts), back)
        for k, v in wide.items():
            if not torch.equal(back[k], v):
                sys.exit(f"torch bridge: {k} changed on the way back")
        checks += 2
    # 3. the examples' --save files
    if examples:
        checks += check_examples(examples, work)
    print(f"torch bridge: {checks} checks passed (PyTorch {torch.__version__})")


def check_examples(examples, work):
    n = 0
    for name, args in (("moons", ["--steps", "3", "--quiet"]), ("font_shade", ["--steps", "2"]),
                       ("mnist01", ["--epochs", "1"])):
        path = os.path.join(work, f"{name}.safetensors")
        cmd = [os.path.join(examples, name)] + args + ["--save", path]
        if name == "mnist01":
            data = os.environ.get("MNIST_DIR", "tests/data/mnist")
            cmd += [f"{data}/images-idx3-ubyte", f"{data}/labels-idx1-ubyte"]
        subprocess.run(cmd, check=True, capture_output=True)
        tensors, meta = read_safetensors(path)
        strict_load(sequential(tensors, meta["mg_activations"].split(",")), tensors)
        n += 1
    # xor: four one-layer nets and a residual, as one module
    path = os.path.join(work, "xor.safetensors")
    subprocess.run([os.path.join(examples, "xor"), "--epochs", "2", "--save", path], check=True,
                   capture_output=True)
    tensors, meta = read_safetensors(path)

    class Xor(torch.nn.Module):
        def __init__(self):
            super().__init__()
            for k in range(1, 5):
                acts = meta[f"fc{k}.mg_activations"].split(",")
                setattr(self, f"fc{k}", sequential(tensors, acts, f"fc{k}"))

    strict_load(Xor(), tensors)
    return n + 1


def golden(out):
    tnet, acts = net_torch(torch.float32, 3)
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "mlp_f32.safetensors"), tnet.state_dict(), {"format": "pt"})
    wide = tnet.double()
    g = torch.Generator().manual_seed(5)
    with open(os.path.join(out, "mlp_f32_outputs.tsv"), "w") as f:
        f.write("# x0\tx1\tx2\ty0,y1: PyTorch %s, float64 forward of the float32 weights "
                "(activations %s)\n" % (torch.__version__, ",".join(acts)))
        for _ in range(8):
            x = (torch.rand(3, generator=g, dtype=torch.float64) * 4 - 2)
            with torch.no_grad():
                y = wide(x).tolist()
            f.write("\t".join(repr(v) for v in x.tolist()) + "\t" + ",".join(repr(v) for v in y) + "\n")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    elif len(sys.argv) == 3 and sys.argv[1] == "golden":
        golden(sys.argv[2])
    else:
        sys.exit(__doc__)
