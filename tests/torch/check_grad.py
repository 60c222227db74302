"""Check micrograd-c's derivatives of derivatives against PyTorch.

Reads what grad_graphs prints (random graphs of every op, with the
engine's mg_backward grads, mg_grad first and second derivatives and mg_jvp
directional derivatives), rebuilds each graph in PyTorch in float64 and
compares:
  grad, d1  with torch.autograd.grad(root, inputs, create_graph=True)
  d2        with torch.autograd.grad of each of those (double backward)
  jvp       with PyTorch's forward-mode AD (torch.autograd.forward_ad)
  hvp       (mg_jvp over mg_grad's first derivatives, forward over reverse)
            with H t from PyTorch's double backward
Agreement means |ours - torch| <= TOL * max(1, |ours|, |torch|), or both NaN,
or the same infinity.  Prints one summary line per kind and exits 1 on any
disagreement.

    python3 check_grad.py FILE
"""
import math
import sys

import torch
import torch.autograd.forward_ad as fwAD

TOL = 1e-10


def build(items, dual_tangent=None):
    """The graph's nodes as tensors; inputs require grad (or carry tangents)."""
    t = {}
    inputs = []
    for it in items:
        kind, i = it[0], int(it[1])
        if kind in ("leaf", "const"):
            x = torch.tensor(float(it[2]), dtype=torch.float64)
            if kind == "leaf":
                if dual_tangent is not None:
                    tan = torch.tensor(dual_tangent[len(inputs)], dtype=torch.float64)
                    x = fwAD.make_dual(x, tan)
                else:
                    x.requires_grad_(True)
                inputs.append(x)
            t[i] = x
            continue
        name, k = it[2], float(it[3])
        a = [t[int(j)] for j in it[4:]]
        if name == "add": v = a[0] + a[1]
        elif name == "sub": v = a[0] - a[1]
        elif name == "mul": v = a[0] * a[1]
        elif name == "div": v = a[0] / a[1]
        elif name == "neg": v = -a[0]
        elif name == "pow": v = torch.pow(a[0], k)
        elif name == "pow_v": v = torch.pow(a[0], a[1])
        elif name == "exp": v = torch.exp(a[0])
        elif name == "log": v = torch.log(a[0])
        elif name == "tanh": v = torch.tanh(a[0])
        elif name == "relu": v = torch.relu(a[0])
        elif name == "sigmoid": v = torch.sigmoid(a[0])
        elif name == "sum":
            v = a[0]
            for x in a[1:]: v = v + x
        elif name == "neuron":  # [b, w0, x0, w1, x1, ...] from the bias, left to right
            v = a[0]
            for j in range(1, len(a) - 1, 2): v = v + a[j] * a[j + 1]
        elif name == "where": v = torch.where(a[0] != 0, a[1], torch.zeros_like(a[1]))
        else: raise SystemExit("check_grad.py: unknown op " + name)
        t[i] = v
    return t, inputs


def grads(y, xs, create):
    """d y / d xs; 0 where y does not depend on x (as mg_grad answers)."""
    if not y.requires_grad:
        return [torch.zeros((), dtype=torch.float64) for _ in xs]
    g = torch.autograd.grad(y, xs, create_graph=create, retain_graph=True, allow_unused=True)
    return [torch.zeros((), dtype=torch.float64) if d is None else d for d in g]


def agree(ours, theirs):
    if math.isnan(ours) or math.isnan(theirs):
        return math.isnan(ours) and math.isnan(theirs)
    if math.isinf(ours) or math.isinf(theirs):
        return ours == theirs
    return abs(ours - theirs) <= TOL * max(1.0, abs(ours), abs(theirs))


def main(path):
    graphs, cur = [], None
    for line in open(path):
        f = line.split()
        if not f: continue
        if f[0] == "graph": cur = {"name": f[1], "items": [], "checks": []}
        elif f[0] in ("leaf", "const", "op"): cur["items"].append(f)
        elif f[0] == "root": cur["root"] = int(f[1])
        elif f[0] == "tangent": cur["tangent"] = [float(x) for x in f[1:]]
        elif f[0] == "end": graphs.append(cur)
        else: cur["checks"].append(f)
    counts, bad, known = {}, [], []
    for gr in graphs:
        t, xs = build(gr["items"])
        root = t[gr["root"]]
        d1 = grads(root, xs, True)
        d2 = [grads(d, xs, False) for d in d1]
        with fwAD.dual_level():
            td, _ = build(gr["items"], gr["tangent"])
            jvp = fwAD.unpack_dual(td[gr["root"]]).tangent
        jvp = 0.0 if jvp is None else jvp.item()
        # a Hessian-vector product from PyTorch's double backward: H t
        tan = gr["tangent"]
        hvp = [sum(d2[i][j].item() * tan[j] for j in range(len(xs))) for i in range(len(xs))]
        hvp_scale = [sum(abs(d2[i][j].item() * tan[j]) for j in range(len(xs)))
                     for i in range(len(xs))]
        for c in gr["checks"]:
            kind = c[0]
            if kind in ("grad", "d1"): want, ours = d1[int(c[1])].item(), float(c[2])
            elif kind == "d2": want, ours = d2[int(c[1])][int(c[2])].item(), float(c[3])
            elif kind == "jvp": want, ours = jvp, float(c[1])
            elif kind == "hvp":
                # a sum of products: the tolerance scales with its terms
                i = int(c[1])
                want, ours = hvp[i], float(c[2])
                if math.isfinite(want) and math.isfinite(ours) and \
                        abs(ours - want) <= TOL * max(1.0, hvp_scale[i]):
                    want = ours
            else: raise SystemExit("check_grad.py: unknown line " + " ".join(c))
            counts[kind] = counts.get(kind, 0) + 1
            if kind == "hvp" and gr["name"].startswith("pow_v-at-") and math.isnan(want) \
                    and math.isfinite(ours):
                # Known and documented (mg_jvp): forward mode counts a term
                # with a zero factor as 0, where H t from PyTorch's double
                # backward carries the NaN of a 0 * ln 0 (pow at a = 0).
                known.append("%s %s: ours %r, torch %r" % (gr["name"], " ".join(c[:-1]), ours, want))
                continue
            if not agree(ours, want):
                bad.append("%s %s: ours %r, torch %r" % (gr["name"], " ".join(c[:-1]), ours, want))
    names = {"grad": "mg_backward grads", "d1": "mg_grad first derivatives",
             "d2": "mg_grad second derivatives", "jvp": "mg_jvp (forward mode)",
             "hvp": "mg_jvp over mg_grad (Hessian-vector products)"}
    print("check_grad.py: %d graphs against PyTorch %s (float64), tolerance %g"
          % (len(graphs), torch.__version__, TOL))
    for k in ("grad", "d1", "d2", "jvp", "hvp"):
        nbad = sum(1 for b in bad if b.split()[1] == k)
        print("  %-48s %5d compared, %d differ" % (names[k], counts.get(k, 0), nbad))
    if known:
        print("  %d known differences: forward mode's zero terms against PyTorch's NaN at pow's a = 0"
              % len(known))
    for b in bad[:20]:
        print("  DIFFER " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1]))
