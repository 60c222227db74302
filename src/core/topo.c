/* topo.c -- the nodes reachable from a root, in topological order, and the
 * walks that need nothing more: zero_grad, check_finite. */
#include "core/ops.h"

#include <stdlib.h>
#include <string.h>

/* The nodes reachable from root, inputs first.
 *
 * Why no search is needed: every node is made after its inputs, so creation
 * order (the ids) is already a topological order.  It only remains to find
 * which nodes are reachable.  One sweep from the root's id downwards does
 * it without recursion: a node flagged MG_SEEN is reachable, so it is
 * collected and flags its inputs.  The sweep stops as soon as no flagged
 * node is left below, so it costs O(root id - lowest reachable id), which
 * for the graphs people build is O(reachable nodes). */
mg_value **mg__topo(const mg_value *root, size_t *n_out) {
    *n_out = 0;
    if (!root) return NULL;
    mg_graph *g = mg__graph_of(root);
    size_t id = mg__id(root), pending = 1;
    /* at most id + 1 nodes are reachable: room for them all up front, so
     * the sweep below cannot fail half way with flags set */
    if (!mg__grow((void **)&g->topo, &g->cap_topo, id + 1, sizeof *g->topo)) {
        mg__error(g, "topological sort: out of memory for %zu nodes",
                  "orden topológico: sin memoria para %zu nodos", id + 1);
        g->n_topo = 0;
        return NULL;
    }
    /* filled from the end, root last, so that it comes out inputs first */
    mg_value **slot = g->topo + id + 1;
    ((mg_value *)root)->flags |= MG_SEEN;
    for (mg_value *v = (mg_value *)root; pending; v = mg__below(g, v)) {
        if (!(v->flags & MG_SEEN)) continue;
        v->flags &= (uint8_t)~MG_SEEN;
        pending--;
        *--slot = v;
        for (size_t i = 0; i < mg__arity(v); i++) {
            mg_value *in = mg__input(v, i);
            if (!(in->flags & MG_SEEN)) {
                in->flags |= MG_SEEN;
                pending++;
            }
        }
    }
    g->n_topo = (size_t)(g->topo + id + 1 - slot);
    if (slot != g->topo) memmove(g->topo, slot, g->n_topo * sizeof *g->topo);
    *n_out = g->n_topo;
    return g->topo;
}

mg_value *const *mg_topo(const mg_value *root, size_t *n) {
    size_t dummy;
    if (mg__refuse_dropped("mg_topo", root, 0, 0)) root = NULL;
    return mg__topo(root, n ? n : &dummy);
}

size_t mg__topo_index(mg_value *const *topo, size_t n, const mg_value *v) {
    size_t id = mg__id(v), lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t mid_id = mg__id(topo[mid]);
        if (mid_id == id) return topo[mid] == v ? mid : n;
        if (mid_id < id) lo = mid + 1;
        else hi = mid;
    }
    return n;
}

int mg__pos_init(mg__pos *p, mg_value *const *topo, size_t n) {
    *p = (mg__pos){topo, n, n ? mg__id(topo[0]) : 0, NULL};
    if (!n) return 0;
    size_t span = mg__id(topo[n - 1]) - p->lo + 1;
    if (span > 4 * n + 4096) return 0;   /* sparse: binary search */
    p->at = malloc(span * sizeof *p->at);
    if (!p->at) return -1;
    /* ids that are not in topo get n, "not there" */
    for (size_t k = 0; k < span; k++) p->at[k] = n;
    for (size_t i = 0; i < n; i++) p->at[mg__id(topo[i]) - p->lo] = i;
    return 0;
}

void mg__pos_free(mg__pos *p) {
    free(p->at);
    p->at = NULL;
}

void mg_zero_grad(mg_value *root) {
    size_t n;
    if (mg__refuse_dropped("mg_zero_grad", root, 0, 0)) return;
    mg_value **topo = mg__topo(root, &n);
    if (n) mg__graph_of(root)->grad_writes++;
    for (size_t i = 0; i < n; i++) topo[i]->grad = 0.0;
}

const mg_value *mg_check_finite(const mg_value *root) {
    size_t n;
    if (mg__refuse_dropped("mg_check_finite", root, 0, 0)) return NULL;
    mg_value **topo = mg__topo(root, &n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(topo[i]->data) || !isfinite(topo[i]->grad)) return topo[i];
    return NULL;
}
