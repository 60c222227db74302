/* tape.c -- the compiled tape: a graph's order recorded once, then walked
 * forward and backward on new leaf values with no allocation.  It gives the
 * numbers of the core's mg_forward and mg_backward bit for bit, faster:
 * forward evaluates bundles of neurons side by side, backward jumps over
 * stretches that pass nothing back and takes bundles whole (see fast.h).
 * make FAST=0 builds src/core/tape.c in its place. */
#include "fast/fast.h"

#include <stdlib.h>

/* The order's leaves, listed once: a fresh backward checks only their data
 * (forward has checked the rest).  0 when out of memory. */
static int list_leaves(mg_tape *t) {
    size_t k = 0;
    for (size_t i = 0; i < t->rec.n; i++) k += t->rec.order[i]->op == MG_OP_LEAF;
    t->leaves = malloc((k ? k : 1) * sizeof *t->leaves);
    if (!t->leaves) return 0;
    for (size_t i = 0; i < t->rec.n; i++)
        if (t->rec.order[i]->op == MG_OP_LEAF) t->leaves[t->n_leaves++] = t->rec.order[i];
    return 1;
}

mg_tape *mg_tape_new(mg_value *root) {
    mg_tape *t = calloc(1, sizeof *t);
    if (!t) {
        if (root) mg__error(mg__graph_of(root), "mg_tape_new: out of memory",
                            "mg_tape_new: sin memoria");
        return NULL;
    }
    if (mg__record(&t->rec, root, "mg_tape_new")) {
        free(t);
        return NULL;
    }
    /* the leaves are listed from the order, so after it is recorded */
    if (!list_leaves(t)) {
        mg__error(mg__graph_of(root), "mg_tape_new: out of memory for %zu nodes",
                  "mg_tape_new: sin memoria para %zu nodos", t->rec.n);
        mg_tape_free(t);
        return NULL;
    }
    /* without bundles or jumps the walks are still exact, only slower */
    if (mg__build_bundles(t) < 0) t->n_bundles = t->n_packs = t->n_pack_src = 0;
    mg__build_skips(t);
    return t;
}

void mg_tape_free(mg_tape *t) {
    if (!t) return;
    mg__recording_free(&t->rec);
    free(t->skip);
    free(t->bundles);
    free(t->packs);
    free(t->pack_src);
    free(t->pack_vals);
    free(t->pack_grads);
    free(t->leaves);
    free(t);
}

mg_value *mg_tape_root(const mg_tape *t) {
    return t && !t->rec.watch.dropped ? t->rec.order[t->rec.n - 1] : NULL;
}

size_t mg_tape_size(const mg_tape *t) { return t ? t->rec.n : 0; }

size_t mg_tape_bytes(const mg_tape *t) {
    if (!t) return 0;
    return sizeof *t + t->rec.n * (sizeof *t->rec.order + (t->skip ? sizeof *t->skip : 0)) +
           t->cap_bundles * sizeof *t->bundles + t->cap_packs * sizeof *t->packs +
           t->cap_pack_src * sizeof *t->pack_src +
           2 * t->n_pack_src * sizeof *t->pack_vals + t->n_leaves * sizeof *t->leaves;
}

/* Whether t may be walked: its nodes are all still there. */
static int usable(const mg_tape *t, const char *fn) {
    return t && mg__recording_usable(&t->rec, fn);
}

/* ------------------------------------------------------------- forward */

/* order[i]'s value d is known; if its activation comes next in the order,
 * compute that too from the register (not through memory and another
 * dispatch).  Returns how many nodes it set: 1 or 2. */
static inline size_t set_value_and_activation(mg_value *const *order, size_t i, size_t n,
                                              double d, double *probe) {
    set_value(order[i], d);
    *probe += probe_of(d);
    if (i + 1 >= n || !mg__activation_of(order[i + 1], order[i])) return 1;
    set_value(order[i + 1], mg__activation((mg_op)order[i + 1]->op, d));
    return 2;
}

/* Every intermediate in order; also zero its grad (the same bytes, so
 * nearly free) and note whether all the values came out finite, which
 * saves the next backward a pass over the graph. */
int mg_tape_forward(mg_tape *t) {
    if (!usable(t, "mg_tape_forward")) return -1;
    mg_value *const *order = t->rec.order;
    const size_t n = t->rec.n;
    /* no arithmetic on the null array of a tape without bundles (UB) */
    const mg_bundle *next = t->bundles, *end = next ? next + t->n_bundles : next;
    if (t->n_pack_src) mg__fill_packs(t);
    double probe = 0.0;   /* stays 0 while every value is finite */
    for (size_t i = 0; i < n;) {
        mg_value *v = order[i];
        if (next < end && next->pos == i) i += mg__forward_bundle(t, next++, &probe);
        else if (v->op == MG_OP_LEAF) i++;
        else i += set_value_and_activation(order, i, n, mg__forward_node(v), &probe);
    }
    mg_graph *g = mg__graph_of(order[0]);
    t->fresh = 1;
    t->fwd_finite = probe == 0.0;
    t->forward_writes = ++g->grad_writes;
    return 0;
}

/* ------------------------------------------------------------ backward */

/* Zero the grads of the n intermediates of order (leaves accumulate) and
 * tell whether all their data is finite: one pass, as both touch the same
 * bytes of each node. */
static int zero_grads_check_data(mg_value *const *order, size_t n) {
    unsigned not_finite = 0;
    for (size_t i = 0; i < n; i++) {
        mg_value *v = order[i];
        not_finite |= !isfinite(v->data);
        if (v->op != MG_OP_LEAF) v->grad = 0.0;
    }
    return !not_finite;
}

static int leaves_finite(const mg_tape *t) {
    unsigned not_finite = 0;
    for (size_t i = 0; i < t->n_leaves; i++) not_finite |= !isfinite(t->leaves[i]->data);
    return !not_finite;
}

/* Fresh (a forward walk came last, and nothing wrote grads since): the
 * intermediates' grads are 0 and their data was checked.  Otherwise one
 * pass zeroes the grads and checks all data.  All data finite lets the
 * zero-grad skip decide without looking at the inputs (see
 * mg__passes_nothing), allows the jumps of the skip table, and lets
 * bundles go whole. */
int mg_tape_backward(mg_tape *t) {
    if (!usable(t, "mg_tape_backward")) return -1;
    mg_value *const *order = t->rec.order;
    const size_t n = t->rec.n;
    mg_value *root = order[n - 1];
    mg_graph *g = mg__graph_of(root);
    const int fresh = t->fresh && g->grad_writes == t->forward_writes;
    t->fresh = 0;
    g->grad_writes++;
    int finite = fresh ? t->fwd_finite && leaves_finite(t)
                       : zero_grads_check_data(order, n - 1) && isfinite(root->data);
    if (root->op == MG_OP_LEAF) root->grad += 1.0;
    else root->grad = 1.0;
    const size_t *skip = finite ? t->skip : NULL;
    /* Bundles go whole only in a finite walk.  The walk keeps `below`, the
     * bundles not yet passed, and next_end, one past the last node of the
     * highest of them (0 for none). */
    const mg_bundle *first = t->bundles;
    const mg_bundle *below = finite && t->n_packs ? first + t->n_bundles : first;
    const int bundled = below > first;
    size_t next_end = bundled ? below[-1].last + 1 : 0;
    if (bundled) mg__fill_packs(t);
    for (size_t i = n; i-- > 0;) {
        mg_value *v = order[i];
        if (v->op == MG_OP_LEAF) continue;   /* nothing to pass on */
        if (v->grad == 0.0 && skip && skip[i] < i) {
            i = skip[i];   /* v and the stretch below it pass nothing */
            continue;
        }
        if (i < next_end) {   /* at or below the last node of the next bundle */
            while (below > first && below[-1].last > i) below--;   /* jumped over */
            const mg_bundle *b = below > first && below[-1].last == i ? --below : NULL;
            next_end = below > first ? below[-1].last + 1 : 0;
            if (b && b->whole) {
                mg__backward_bundle(t, b);
                i = b->pos;
                continue;
            }
        }
        mg__chain(v, finite);
    }
    if (bundled) mg__store_pack_grads(t);
    return 0;
}
