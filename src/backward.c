/* backward.c -- topological order, backward, zero_grad, forward replay. */
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
                if (g->n_topo == g->cap_topo) {
                    size_t cap = g->cap_topo ? 2 * g->cap_topo : 256;
                    mg_value **t = realloc(g->topo, cap * sizeof *t);
                    if (!t) goto oom;
                    g->topo = t;
                    g->cap_topo = cap;
                }
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
                /* one case per op, generated from the op table: reach each
                 * input (so it is zeroed and visited), then, unless v passes
                 * nothing back, grad(input) += local derivative * grad(v) */
                switch ((mg_op)v->op) {
#define MG_SWEEP_CASE_(name, str, sym, arity)                                          \
    case MG_OP_##name:                                                                 \
        if ((arity) == 1) {                                                            \
            reach(v->u.in[0], &pending);                                               \
            if (!mg__passes_nothing(v, MG_OP_##name, 0))                                  \
                v->u.in[0]->grad += local_grad_##name(v, 0) * grad;                    \
        } else if ((arity) == 2) {                                                     \
            reach(v->u.in[0], &pending);                                               \
            reach(v->u.in[1], &pending);                                               \
            if (!mg__passes_nothing(v, MG_OP_##name, 0)) {                                \
                v->u.in[0]->grad += local_grad_##name(v, 0) * grad;                    \
                v->u.in[1]->grad += local_grad_##name(v, 1) * grad;                    \
            }                                                                          \
        } else if ((arity) < 0) {                                                      \
            for (size_t i = 0; i < v->u.many.n; i++) reach(v->u.many.args[i], &pending); \
            if (!mg__passes_nothing(v, MG_OP_##name, 0)) mg__chain_nary(v, grad);         \
        }                                                                              \
        break;
                    MG_OP_LIST(MG_SWEEP_CASE_)
#undef MG_SWEEP_CASE_
                default: break;
                }
                if (!pending) return;
            }
            if (v == first) break;
        }
    }
}

void mg_backward(mg_value *root) {
    if (!root) return;
    mg_graph *g = mg__graph_of(root);
    if (root->op == MG_OP_LEAF) root->grad += 1.0;
    else root->grad = 1.0;
    if (g->topo_root != root || g->topo_generation != g->generation) {
        backward_sweep(g, root);
        return;
    }
    /* a replayed graph: its order is cached, so walk the array instead.
     * The zeroing pass already touches every node, so it also checks that
     * all data is finite: then the zero-grad skip needs no per-node look at
     * the inputs (see mg__passes_nothing). */
    mg_value **topo = g->topo;
    size_t n = g->n_topo;
    int finite = isfinite(root->data);
    for (size_t i = 0; i + 1 < n; i++) {   /* all but the root, last, which holds its 1 */
        mg_value *v = topo[i];
        finite &= isfinite(v->data);
        if (v->op != MG_OP_LEAF) v->grad = 0.0;
    }
    for (size_t i = n; i-- > 0;) mg__chain(topo[i], finite);
}

void mg_zero_grad(mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    for (size_t i = 0; i < n; i++) topo[i]->grad = 0.0;
}

void mg_forward(mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    for (size_t i = 0; i < n; i++)
        if (topo[i]->op != MG_OP_LEAF) topo[i]->data = mg__forward_node(topo[i]);
}

const mg_value *mg_check_finite(const mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(topo[i]->data) || !isfinite(topo[i]->grad)) return topo[i];
    return NULL;
}
