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
    g->topo_walks = 0;
    g->skip_ready = 0;
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

size_t mg__topo_index(mg_value *const *topo, size_t n, const mg_value *v) {
    size_t id = mg_value_id(v), lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t mid_id = mg_value_id(topo[mid]);
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
    /* a replayed graph: its order is cached, so walk the array instead.
     * Right after mg_forward the intermediates' grads are 0 already and
     * their data was checked as it was computed; otherwise one pass zeroes
     * the grads and checks all data.  All data finite lets the zero-grad
     * skip decide without looking at the inputs (see mg__passes_nothing). */
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

void mg_zero_grad(mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    for (size_t i = 0; i < n; i++) topo[i]->grad = 0.0;
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

const mg_value *mg_check_finite(const mg_value *root) {
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(topo[i]->data) || !isfinite(topo[i]->grad)) return topo[i];
    return NULL;
}
