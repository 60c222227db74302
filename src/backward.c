/* backward.c -- topological order, backward (one sweep down the ids), zero_grad.
 * A graph whose order is cached is replayed instead: replay.c. */
#include "ops.h"

#include <stdlib.h>

/* The nodes reachable from root, inputs first.
 *
 * Every node is made after its inputs, so ids already form a topological
 * order: it is enough to find which nodes are reachable.  One sweep from the
 * root's id downwards does it without recursion: a node flagged MG_SEEN is
 * reachable, so it is collected and flags its inputs.  The sweep stops as soon
 * as no flagged node is left below, so it costs O(root id - lowest reachable
 * id), which for the graphs people build is O(reachable nodes).
 *
 * The order is cached in the graph and reused while the same root is walked
 * and no reset happened: a graph whose shape does not change is replayed
 * with no allocation at all. */
mg_value **mg__topo(const mg_value *root, size_t *n_out) {
    *n_out = 0;
    if (!root) return NULL;
    mg_graph *g = mg__graph_of(root);
    if (g->topo_root == root && g->topo_generation == g->generation) {
        *n_out = g->n_topo;
        return g->topo;
    }
    g->topo_root = NULL;
    g->n_topo = 0;
    g->topo_walks = 0;
    g->skip_ready = 0;
    g->fwd_walks = 0;
    g->bundle_ready = 0;
    g->fwd_fresh = 0;
    g->leaves_ready = 0;

    size_t id = mg_value_id(root);
    size_t pending = 1;
    ((mg_value *)root)->flags |= MG_SEEN;
    for (size_t bi = id / MG_NODES_PER_BLOCK + 1; bi-- > 0 && pending;) {
        mg_value *first = g->blocks[bi]->nodes;
        mg_value *v = bi == id / MG_NODES_PER_BLOCK ? first + id % MG_NODES_PER_BLOCK
                                                    : first + MG_NODES_PER_BLOCK - 1;
        for (;; v--) {
            if (v->flags & MG_SEEN) {
                v->flags &= (uint8_t)~MG_SEEN;
                pending--;
                if (!mg__grow((void **)&g->topo, &g->cap_topo, g->n_topo + 1, sizeof *g->topo))
                    goto oom;
                g->topo[g->n_topo++] = v;
                size_t arity = mg__arity(v);
                for (size_t i = 0; i < arity; i++) {
                    mg_value *in = mg__input(v, i);
                    if (!(in->flags & MG_SEEN)) {
                        in->flags |= MG_SEEN;
                        pending++;
                    }
                }
                if (!pending) break;
            }
            if (v == first) break;
        }
    }
    /* collected from the root down; turn it into inputs-first order */
    for (size_t i = 0, j = g->n_topo; i + 1 < j; i++, j--) {
        mg_value *t = g->topo[i];
        g->topo[i] = g->topo[j - 1];
        g->topo[j - 1] = t;
    }
    g->topo_root = root;
    g->topo_generation = g->generation;
    *n_out = g->n_topo;
    return g->topo;

oom:
    /* leave no scratch flag behind */
    for (size_t k = 0; k < g->n_nodes; k++)
        g->blocks[k / MG_NODES_PER_BLOCK]->nodes[k % MG_NODES_PER_BLOCK].flags &=
            (uint8_t)~MG_SEEN;
    mg__error(g, "topological sort: out of memory after %zu nodes", g->n_topo);
    g->n_topo = 0;
    return NULL;
}

mg_value *const *mg_topo(const mg_value *root, size_t *n) {
    size_t dummy;
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

/* Backward in one sweep down the ids, with no topological array at all.
 *
 * Visiting nodes from the root's id downwards is a reverse topological
 * order, so when the sweep reaches a node every consumer of it has already
 * added its contribution: its grad is final and the chain rule can be
 * applied to its inputs on the spot.  An intermediate node's grad is set to
 * zero when the sweep first reaches it (before any contribution lands);
 * leaves are never zeroed, so they accumulate across calls.  The order of
 * the additions into each node is: consumers by descending id, each
 * consumer's inputs in order -- the same as a walk over mg_topo backwards. */

/* First time the sweep reaches `in`: flag it, count it, zero it unless it is
 * a leaf (leaves accumulate). */
static inline void reach(mg_value *in, size_t *pending) {
    if (!(in->flags & MG_SEEN)) {
        in->flags |= MG_SEEN;
        ++*pending;
        if (in->op != MG_OP_LEAF) in->grad = 0.0;
    }
}

static void backward_sweep(mg_graph *g, mg_value *root) {
    size_t id = mg_value_id(root);
    size_t pending = 1;
    root->flags |= MG_SEEN;
    for (size_t bi = id / MG_NODES_PER_BLOCK + 1; bi-- > 0 && pending;) {
        mg_value *first = g->blocks[bi]->nodes;
        mg_value *v = bi == id / MG_NODES_PER_BLOCK ? first + id % MG_NODES_PER_BLOCK
                                                    : first + MG_NODES_PER_BLOCK - 1;
        for (;; v--) {
            if (v->flags & MG_SEEN) {
                v->flags &= (uint8_t)~MG_SEEN;
                pending--;
                const double grad = v->grad;
                const mg_op op = (mg_op)v->op;
                /* per op: reach each input (so it is zeroed and visited),
                 * then, unless v passes nothing back, grad(input) += local
                 * derivative * grad(v).  Mul and add, most of a teaching
                 * graph, are tested first as plain branches, which predict
                 * better than the table's indirect jump. */
#define MG_SWEEP_UNARY_(name)                                                          \
    reach(v->u.in[0], &pending);                                                       \
    if (!mg__passes_nothing(v, MG_OP_##name, 0))                                       \
        v->u.in[0]->grad += local_grad_##name(v, 0) * grad;
#define MG_SWEEP_BINARY_(name)                                                         \
    reach(v->u.in[0], &pending);                                                       \
    reach(v->u.in[1], &pending);                                                       \
    if (!mg__passes_nothing(v, MG_OP_##name, 0)) {                                     \
        v->u.in[0]->grad += local_grad_##name(v, 0) * grad;                            \
        v->u.in[1]->grad += local_grad_##name(v, 1) * grad;                            \
    }
#define MG_SWEEP_NARY_(name)                                                           \
    for (size_t i = 0; i < v->u.many.n; i++) reach(v->u.many.args[i], &pending);       \
    if (!mg__passes_nothing(v, MG_OP_##name, 0)) mg__chain_nary(v, grad);
#define MG_SWEEP_CASE_(name, str, sym, arity)                                          \
    case MG_OP_##name:                                                                 \
        if ((arity) == 1) {                                                            \
            MG_SWEEP_UNARY_(name)                                                      \
        } else if ((arity) == 2) {                                                     \
            MG_SWEEP_BINARY_(name)                                                     \
        } else if ((arity) < 0) {                                                      \
            MG_SWEEP_NARY_(name)                                                       \
        }                                                                              \
        break;
                if (op == MG_OP_MUL) {
                    MG_SWEEP_BINARY_(MUL)
                } else if (op == MG_OP_ADD) {
                    /* constant local derivatives: adding 1 * grad is no
                     * slower than testing grad first */
                    reach(v->u.in[0], &pending);
                    reach(v->u.in[1], &pending);
                    v->u.in[0]->grad += 1.0 * grad;
                    v->u.in[1]->grad += 1.0 * grad;
                } else {
                    switch (op) {
                        MG_OP_LIST(MG_SWEEP_CASE_)
                    default: break;
                    }
                }
#undef MG_SWEEP_CASE_
#undef MG_SWEEP_NARY_
#undef MG_SWEEP_BINARY_
#undef MG_SWEEP_UNARY_
                if (!pending) return;
            }
            if (v == first) break;
        }
    }
}

void mg_backward(mg_value *root) {
    if (!root) return;
    mg_graph *g = mg__graph_of(root);
    const int fresh = g->fwd_fresh;
    g->fwd_fresh = 0;   /* grads are about to change */
    if (root->op == MG_OP_LEAF) root->grad += 1.0;
    else root->grad = 1.0;
    if (g->topo_root != root || g->topo_generation != g->generation) {
        backward_sweep(g, root);
        return;
    }
    mg__backward_replayed(g, root, fresh);   /* the order is cached: replay.c */
}

void mg_zero_grad(mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    for (size_t i = 0; i < n; i++) topo[i]->grad = 0.0;
}

const mg_value *mg_check_finite(const mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(topo[i]->data) || !isfinite(topo[i]->grad)) return topo[i];
    return NULL;
}
