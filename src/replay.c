/* replay.c -- a graph whose topological order is cached, replayed: forward
 * (mg_forward) and backward walk the stored order instead of sweeping, and
 * skip what they can prove adds nothing.  This is the training loop's path:
 * build the graph once, then every step mg_forward, mg_backward, update. */
#include "ops.h"

#include <stdlib.h>

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
    if (g->cap_skip < n) {
        size_t *t = realloc(g->skip, n * sizeof *t);
        if (!t) return -1;
        g->skip = t;
        g->cap_skip = n;
    }
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
        if (k > g->cap_topo_leaves) {
            mg_value **t = realloc(g->topo_leaves, k * sizeof *t);
            if (!t) return 0;
            g->topo_leaves = t;
            g->cap_topo_leaves = k;
        }
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

/* Recompute every intermediate in order; also zero its grad (the same
 * bytes, so nearly free) and note whether all the values came out finite,
 * which saves mg_backward a pass over the graph (see fwd_fresh). */
void mg_forward(mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    if (!n) return;
    mg_graph *g = mg__graph_of(root);
    /* probe stays 0 while every value is finite: x * 0 is NaN for inf and
     * NaN, a signed zero otherwise (two flops, cheaper here than isfinite) */
    double probe = 0.0;
    for (size_t i = 0; i < n; i++) {
        mg_value *v = topo[i];
        if (v->op == MG_OP_LEAF) continue;
        const double d = mg__forward_node(v);
        v->data = d;
        v->grad = 0.0;
        probe += d * 0.0;
        /* an activation of v usually comes next (a neuron's): hand it v's
         * value in a register, not through memory and another dispatch */
        mg_value *next = i + 1 < n ? topo[i + 1] : NULL;
        if (next && (next->op == MG_OP_RELU || next->op == MG_OP_TANH || next->op == MG_OP_SIGMOID) &&
            next->u.in[0] == v) {
            const double a = activation((mg_op)next->op, d);
            next->data = a;
            next->grad = 0.0;
            probe += a * 0.0;
            i++;
        }
    }
    g->fwd_fresh = 1;
    g->fwd_finite = probe == 0.0;
}

