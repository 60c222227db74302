/* replay.c -- a graph whose topological order is cached, replayed: forward
 * (mg_forward) and backward walk the stored order instead of sweeping, and
 * skip what they can prove adds nothing.  This is the training loop's path:
 * build the graph once, then every step mg_forward, mg_backward, update. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

/* Skipping whole subgraphs on a replayed graph.
 *
 * When a node's grad is 0 and it passes nothing back, its inputs get
 * nothing from it.  If every other node of a stretch of the order just below
 * it is used only inside that stretch or by the node itself (the subgraph of
 * an inactive hinge: the point's neurons, relus and constants), then every
 * node of the stretch has grad 0 too and passes nothing: the walk can jump
 * over the whole stretch, which gives exactly the grads of visiting it.
 *
 * skip[p] is the lowest position s such that the stretch [s, p) is closed
 * (every node in it has all its consumers in [s, p]) and every node of
 * [s, p] is of an op that passes nothing when its grad is 0 and all data is
 * finite.  Built once per cached order, in O(edges log nodes): the closed
 * stretches below p nest, so each is jumped over in one step. */

/* Ops whose local derivatives are finite whenever all data is finite. */
static int skip_safe(mg_op op) {
    switch (op) {
    case MG_OP_LEAF: case MG_OP_ADD: case MG_OP_SUB: case MG_OP_NEG: case MG_OP_SUM:
    case MG_OP_RELU: case MG_OP_MUL: case MG_OP_NEURON: case MG_OP_EXP:
        return 1;
    default:
        return 0;
    }
}

/* 0, or -1 when out of memory (then backward simply visits every node). */
static int build_skips(mg_graph *g) {
    mg_value **topo = g->topo;
    const size_t n = g->n_topo;
    if (!mg__grow((void **)&g->skip, &g->cap_skip, n, sizeof *g->skip)) return -1;
    size_t *last_use = malloc(n * sizeof *last_use);
    if (!last_use) return -1;
    for (size_t p = 0; p < n; p++) {
        last_use[p] = p;   /* no consumer yet (only the root keeps that) */
        for (size_t i = 0, arity = mg__arity(topo[p]); i < arity; i++)
            last_use[mg__topo_index(topo, p, mg__input(topo[p], i))] = p;
    }
    size_t *skip = g->skip;
    for (size_t p = 0; p < n; p++) {
        /* absorb the stretch that ends just below, while it is used only
         * up to p and safe; skip[q] == q for an unsafe q */
        size_t s = p;
        if (skip_safe((mg_op)topo[p]->op))
            while (s > 0 && last_use[s - 1] <= p && skip_safe((mg_op)topo[s - 1]->op))
                s = skip[s - 1];
        skip[p] = s;
    }
    free(last_use);
    return 0;
}

/* Zero the grads of the n intermediates of topo (leaves accumulate) and
 * tell whether all their data is finite: one pass, as both touch the same
 * bytes of each node. */
static int zero_grads_check_data(mg_value *const *topo, size_t n) {
    unsigned not_finite = 0;
    for (size_t i = 0; i < n; i++) {
        mg_value *v = topo[i];
        not_finite |= !isfinite(v->data);
        if (v->op != MG_OP_LEAF) v->grad = 0.0;
    }
    return !not_finite;
}

/* Whether the data of every leaf of the cached order is finite.  The list
 * of leaves is made once per cached order; 0 when out of memory for it
 * (which only turns the all-finite shortcut off). */
static int leaves_finite(mg_graph *g) {
    if (!g->leaves_ready) {
        size_t k = 0;
        for (size_t i = 0; i < g->n_topo; i++) k += g->topo[i]->op == MG_OP_LEAF;
        if (!mg__grow((void **)&g->topo_leaves, &g->cap_topo_leaves, k, sizeof *g->topo_leaves))
            return 0;
        g->n_topo_leaves = 0;
        for (size_t i = 0; i < g->n_topo; i++)
            if (g->topo[i]->op == MG_OP_LEAF) g->topo_leaves[g->n_topo_leaves++] = g->topo[i];
        g->leaves_ready = 1;
    }
    unsigned not_finite = 0;
    for (size_t i = 0; i < g->n_topo_leaves; i++) not_finite |= !isfinite(g->topo_leaves[i]->data);
    return !not_finite;
}

/* Backward over the cached order of root (mg_backward's caller set root's
 * grad).  fresh: mg_forward ran since the last backward, so the
 * intermediates' grads are 0 and their data was checked.
 *
 * Otherwise one pass zeroes the grads and checks all data.  All data finite
 * lets the zero-grad skip decide without looking at the inputs (see
 * mg__passes_nothing) and allows the jumps of the skip table. */
void mg__backward_replayed(mg_graph *g, mg_value *root, int fresh) {
    mg_value **topo = g->topo;
    size_t n = g->n_topo;
    int finite = fresh ? g->fwd_finite && leaves_finite(g)
                       : zero_grads_check_data(topo, n - 1) && isfinite(root->data);
    /* the skip table pays off from the second walk: a graph walked once
     * (rebuilt every step) never builds it */
    if (g->topo_walks < 2) g->topo_walks++;
    if (!g->skip_ready && g->topo_walks == 2) g->skip_ready = build_skips(g) == 0;
    const size_t *skip = finite && g->skip_ready ? g->skip : NULL;
    for (size_t i = n; i-- > 0;) {
        mg_value *v = topo[i];
        if (v->op == MG_OP_LEAF) continue;   /* nothing to pass on */
        if (skip && skip[i] < i && v->grad == 0.0) {
            i = skip[i];   /* v and the stretch below it pass nothing */
            continue;
        }
        mg__chain(v, finite);
    }
}

/* The value of activation `act` (relu, tanh or sigmoid) of input value a. */
static inline double activation(mg_op act, double a) {
    switch (act) {
    case MG_OP_RELU: return mg__relu(a);
    case MG_OP_TANH: return tanh(a);
    default: return mg__sigmoid(a);
    }
}

/* Whether a is a relu, tanh or sigmoid of v. */
static inline int activation_of(const mg_value *a, const mg_value *v) {
    return (a->op == MG_OP_RELU || a->op == MG_OP_TANH || a->op == MG_OP_SIGMOID) &&
           a->u.in[0] == v;
}

/* Store v's new value d, zero its grad (mg_forward's promise to
 * mg_backward), and add d * 0 to the finiteness probe: NaN for inf and NaN,
 * a signed zero otherwise (two flops, cheaper here than isfinite). */
static inline void set_value(mg_value *v, double d, double *probe) {
    v->data = d;
    v->grad = 0.0;
    *probe += d * 0.0;
}

/* v's value d is known; if its activation comes next in the order, compute
 * that too from the register (not through memory and another dispatch).
 * Returns how many nodes it set: 1 or 2. */
static inline size_t set_value_and_activation(mg_value *const *topo, size_t i, size_t n, double d,
                                              double *probe) {
    set_value(topo[i], d, probe);
    if (i + 1 >= n || !activation_of(topo[i + 1], topo[i])) return 1;
    set_value(topo[i + 1], activation((mg_op)topo[i + 1]->op, d), probe);
    return 2;
}

/* Bundles: neurons that share their inputs.
 *
 * For each layer and point the fused MLP makes m neurons over the same
 * inputs x, each followed by its activation: N1 A1 N2 A2 ... in the order.
 * One at a time, each product w*x loads two pointers and two values, and
 * one neuron's sum waits on its previous term.  Four at a time, each x is
 * loaded once for four products and four sums run side by side.  Each sum is
 * still taken in its own order (bias, then w0 x0, w1 x1, ...), so the values
 * are the same bits.
 *
 * bundle[p] = 2m + a for a bundle of m >= 2 neurons starting at position p,
 * a = 1 when each is followed by its activation (members at p, p+1+a, ...).
 * A neuron joins when it has the first's inputs x and its bias and weights
 * come before the bundle (none is made inside it). */

/* Whether neuron v can join the bundle of `first` (whose id is first_id). */
static int joins_bundle(const mg_value *first, size_t first_id, const mg_value *v) {
    if (v->op != MG_OP_NEURON || v->u.many.n != first->u.many.n) return 0;
    mg_value *const *a = v->u.many.args, *const *f = first->u.many.args;
    if (mg_value_id(a[0]) >= first_id) return 0;
    for (size_t i = 1; i + 1 < v->u.many.n; i += 2)
        if (a[i + 1] != f[i + 1] || mg_value_id(a[i]) >= first_id) return 0;
    return 1;
}

/* 0, or -1 when out of memory (then mg_forward goes node by node). */
static int build_bundles(mg_graph *g) {
    mg_value *const *topo = g->topo;
    const size_t n = g->n_topo;
    if (!mg__grow((void **)&g->bundle, &g->cap_bundle, n, sizeof *g->bundle)) return -1;
    memset(g->bundle, 0, n * sizeof *g->bundle);
    for (size_t p = 0; p < n;) {
        const mg_value *first = topo[p];
        if (first->op != MG_OP_NEURON) {
            p++;
            continue;
        }
        const size_t act = p + 1 < n && activation_of(topo[p + 1], first), stride = 1 + act;
        const size_t first_id = mg_value_id(first);
        size_t m = 1;
        for (size_t q = p + stride; q < n && joins_bundle(first, first_id, topo[q]); q += stride) {
            if (act && !(q + 1 < n && activation_of(topo[q + 1], topo[q]))) break;
            m++;
        }
        if (m < 2) {
            p++;
            continue;
        }
        g->bundle[p] = 2 * m + act;
        p += m * stride;
    }
    return 0;
}

/* A bundle member's value d, and its activation's (the bundle knows it
 * follows, when stride is 2). */
static inline void set_member(mg_value *const *topo, size_t q, size_t stride, double d,
                              double *probe) {
    set_value(topo[q], d, probe);
    if (stride == 2) set_value(topo[q + 1], activation((mg_op)topo[q + 1]->op, d), probe);
}

/* Four neurons of a bundle at once: members at positions p, p+stride, ... */
static void forward_four(mg_value *const *topo, size_t p, size_t stride, double *probe) {
    mg_value *const *a0 = topo[p]->u.many.args, *const *a1 = topo[p + stride]->u.many.args;
    mg_value *const *a2 = topo[p + 2 * stride]->u.many.args;
    mg_value *const *a3 = topo[p + 3 * stride]->u.many.args;
    const size_t n = topo[p]->u.many.n;
    double s0 = a0[0]->data, s1 = a1[0]->data, s2 = a2[0]->data, s3 = a3[0]->data;
    for (size_t i = 1; i + 1 < n; i += 2) {
        const double x = a0[i + 1]->data;   /* the same node in all four */
        s0 += a0[i]->data * x;
        s1 += a1[i]->data * x;
        s2 += a2[i]->data * x;
        s3 += a3[i]->data * x;
    }
    set_member(topo, p, stride, s0, probe);
    set_member(topo, p + stride, stride, s1, probe);
    set_member(topo, p + 2 * stride, stride, s2, probe);
    set_member(topo, p + 3 * stride, stride, s3, probe);
}

/* The bundle at p, described by b = bundle[p]; returns the nodes it set. */
static size_t forward_bundle(mg_value *const *topo, size_t p, size_t b, double *probe) {
    const size_t m = b / 2, stride = 1 + b % 2;
    size_t j = 0;
    for (; j + 4 <= m; j += 4) forward_four(topo, p + j * stride, stride, probe);
    for (; j < m; j++) {
        size_t q = p + j * stride;
        set_member(topo, q, stride, forward_NEURON(topo[q]), probe);
    }
    return m * stride;
}

/* Recompute every intermediate in order; also zero its grad (the same
 * bytes, so nearly free) and note whether all the values came out finite,
 * which saves mg_backward a pass over the graph (see fwd_fresh).  From the
 * second replay of the same order on, bundles of neurons go four at a time. */
void mg_forward(mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    if (!n) return;
    mg_graph *g = mg__graph_of(root);
    if (g->fwd_walks < 2) g->fwd_walks++;
    if (!g->bundle_ready && g->fwd_walks == 2) g->bundle_ready = build_bundles(g) == 0;
    const size_t *bundle = g->bundle_ready ? g->bundle : NULL;
    double probe = 0.0;   /* stays 0 while every value is finite */
    for (size_t i = 0; i < n;) {
        mg_value *v = topo[i];
        if (bundle && bundle[i]) i += forward_bundle(topo, i, bundle[i], &probe);
        else if (v->op == MG_OP_LEAF) i++;
        else i += set_value_and_activation(topo, i, n, mg__forward_node(v), &probe);
    }
    g->fwd_fresh = 1;
    g->fwd_finite = probe == 0.0;
}
