/* skip.c -- the skip table: where the tape's backward may jump over a
 * whole stretch of nodes that passes nothing back. */
#include "fast/fast.h"

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

/* The positions of topo's n nodes (n > 0) by id, pos[id - *lo], when their
 * ids span at most a few times n (as they do in a graph built for one
 * loss); NULL otherwise or when out of memory. */
static size_t *positions_by_id(mg_value *const *topo, size_t n, size_t *lo) {
    *lo = mg__id(topo[0]);
    const size_t span = mg__id(topo[n - 1]) - *lo + 1;
    size_t *pos = span <= 4 * n + 4096 ? malloc(span * sizeof *pos) : NULL;
    if (pos)
        for (size_t p = 0; p < n; p++) pos[mg__id(topo[p]) - *lo] = p;
    return pos;
}

/* 0, or -1 when out of memory (then backward simply visits every node). */
static int build_skips(mg_tape *t) {
    mg_value **topo = t->rec.order;
    const size_t n = t->rec.n;
    t->skip = malloc(n * sizeof *t->skip);
    if (!t->skip) return -1;
    size_t *last_use = malloc(n * sizeof *last_use), lo;
    if (!last_use) return -1;
    size_t *pos = positions_by_id(topo, n, &lo);   /* else a binary search per input */
    for (size_t p = 0; p < n; p++) {
        last_use[p] = p;   /* no consumer yet (only the root keeps that) */
        for (size_t i = 0, arity = mg__arity(topo[p]); i < arity; i++) {
            const mg_value *in = mg__input(topo[p], i);
            last_use[pos ? pos[mg__id(in) - lo] : mg__topo_index(topo, p, in)] = p;
        }
    }
    free(pos);
    size_t *skip = t->skip;
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

/* The bundle whose positions hold p, or NULL.  Bundles are made in order
 * of position, so a binary search finds it. */
static const mg_bundle *bundle_holding(const mg_tape *t, size_t p) {
    size_t lo = 0, hi = t->n_bundles;   /* the first bundle starting above p is in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->bundles[mid].pos <= p) lo = mid + 1;
        else hi = mid;
    }
    if (!lo) return NULL;
    const mg_bundle *b = &t->bundles[lo - 1];
    return p <= b->last ? b : NULL;
}

/* Shorten every jump of the skip table that would land inside a bundle, so
 * that it stops just above the bundle: backward takes a bundle whole, from
 * its last node.  A shorter jump is still exact, for whatever it no longer
 * jumps over is walked node by node. */
static void fit_skips_to_bundles(mg_tape *t) {
    for (size_t p = 0; p < t->rec.n; p++) {
        const size_t s = t->skip[p];
        if (s == p || s == 0) continue;
        const mg_bundle *b = bundle_holding(t, s - 1);   /* the next node walked */
        if (!b || !b->whole) continue;
        if (s - 1 == b->last) continue;   /* lands on its last node: taken whole */
        t->skip[p] = b->last < p ? b->last + 1 : p;
    }
}

void mg__build_skips(mg_tape *t) {
    if (build_skips(t) < 0) {
        free(t->skip);
        t->skip = NULL;
        return;
    }
    fit_skips_to_bundles(t);
}
