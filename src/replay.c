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
static int build_skips(mg_graph *g) {
    mg_value **topo = g->topo;
    const size_t n = g->n_topo;
    if (!mg__grow((void **)&g->skip, &g->cap_skip, n, sizeof *g->skip)) return -1;
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

/* The value of activation `act` (relu, tanh or sigmoid) of input value a. */
static inline double activation(mg_op act, double a) {
    switch (act) {
    case MG_OP_RELU: return mg__relu(a);
    case MG_OP_TANH: return tanh(a);
    default: return mg__sigmoid(a);
    }
}

/* The finiteness probe: mg_forward adds d * 0 for each value d it computes,
 * which is a signed zero when d is finite and NaN when d is inf or NaN, so
 * the sum stays zero exactly while every value is finite (two flops,
 * cheaper here than isfinite).  An activation of a finite value is finite,
 * so a neuron's value answers for its activation's. */
static inline double probe_of(double d) { return d * 0.0; }

/* Store v's new value d and zero its grad (mg_forward's promise to
 * mg_backward). */
static inline void set_value(mg_value *v, double d) {
    v->data = d;
    v->grad = 0.0;
}

/* v's value d is known; if its activation comes next in the order, compute
 * that too from the register (not through memory and another dispatch).
 * Returns how many nodes it set: 1 or 2. */
static inline size_t set_value_and_activation(mg_value *const *topo, size_t i, size_t n, double d,
                                              double *probe) {
    set_value(topo[i], d);
    *probe += probe_of(d);
    if (i + 1 >= n || !mg__activation_of(topo[i + 1], topo[i])) return 1;
    set_value(topo[i + 1], activation((mg_op)topo[i + 1]->op, d));
    return 2;
}

/* Copy the current values of every pack's nodes (packs of one user too:
 * cheaper than a test). */
static void fill_packs(mg_graph *g) {
    if (g->cap_pack_vals < g->n_pack_src) return;   /* then no bundle uses one */
    for (size_t k = 0; k < g->n_pack_src; k++) g->pack_vals[k] = g->pack_src[k]->data;
}

/* A bundle member's value d, and its activation's (the bundle knows it
 * follows, when stride is 2). */
static inline void set_member(mg_value *const *topo, size_t q, size_t stride, double d) {
    set_value(topo[q], d);
    if (stride == 2) set_value(topo[q + 1], activation((mg_op)topo[q + 1]->op, d));
}

/* Members j .. j+7 of bundle b whose pack values are w (the m biases, then
 * a row of m weights per input): eight sums side by side, in registers,
 * so that eight additions are in flight rather than one. */
static void forward_packed_eight(mg_value *const *topo, const mg_bundle *b, size_t j,
                                 const double *w, double *probe) {
    mg_value *const *x = topo[b->pos]->u.many.args + 2;
    const size_t m = b->m, n_in = mg__bundle_inputs(topo, b);
    double s0 = w[j], s1 = w[j + 1], s2 = w[j + 2], s3 = w[j + 3];
    double s4 = w[j + 4], s5 = w[j + 5], s6 = w[j + 6], s7 = w[j + 7];
    for (size_t i = 0; i < n_in; i++) {
        const double xi = x[2 * i]->data, *row = w + m + i * m + j;
        s0 += row[0] * xi;
        s1 += row[1] * xi;
        s2 += row[2] * xi;
        s3 += row[3] * xi;
        s4 += row[4] * xi;
        s5 += row[5] * xi;
        s6 += row[6] * xi;
        s7 += row[7] * xi;
    }
    /* the probe as a tree, not a chain of eight dependent additions */
    *probe += ((probe_of(s0) + probe_of(s1)) + (probe_of(s2) + probe_of(s3))) +
              ((probe_of(s4) + probe_of(s5)) + (probe_of(s6) + probe_of(s7)));
    const size_t q = b->pos + j * b->stride, stride = b->stride;
    if (b->relu) {
        const double s[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
        for (size_t t = 0; t < 8; t++) {
            set_value(topo[q + 2 * t], s[t]);
            set_value(topo[q + 2 * t + 1], mg__relu(s[t]));
        }
        return;
    }
    set_member(topo, q, stride, s0);
    set_member(topo, q + stride, stride, s1);
    set_member(topo, q + 2 * stride, stride, s2);
    set_member(topo, q + 3 * stride, stride, s3);
    set_member(topo, q + 4 * stride, stride, s4);
    set_member(topo, q + 5 * stride, stride, s5);
    set_member(topo, q + 6 * stride, stride, s6);
    set_member(topo, q + 7 * stride, stride, s7);
}

/* Member j alone, the same way. */
static void forward_packed_one(mg_value *const *topo, const mg_bundle *b, size_t j,
                               const double *w, double *probe) {
    mg_value *const *x = topo[b->pos]->u.many.args + 2;
    const size_t m = b->m, n_in = mg__bundle_inputs(topo, b);
    double s = w[j];
    for (size_t i = 0; i < n_in; i++) s += w[m + i * m + j] * x[2 * i]->data;
    *probe += probe_of(s);
    set_member(topo, b->pos + j * b->stride, b->stride, s);
}

/* Four members from position p on, reading the nodes. */
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
    *probe += (probe_of(s0) + probe_of(s1)) + (probe_of(s2) + probe_of(s3));
    set_member(topo, p, stride, s0);
    set_member(topo, p + stride, stride, s1);
    set_member(topo, p + 2 * stride, stride, s2);
    set_member(topo, p + 3 * stride, stride, s3);
}

/* Bundle b; returns the nodes it set. */
static size_t forward_bundle(const mg_graph *g, const mg_bundle *b, double *probe) {
    mg_value *const *topo = g->topo;
    const size_t m = b->m, stride = b->stride;
    size_t j = 0;
    if (b->pack != SIZE_MAX) {
        const double *w = g->pack_vals + g->packs[b->pack].at;
        for (; j + 8 <= m; j += 8) forward_packed_eight(topo, b, j, w, probe);
        for (; j < m; j++) forward_packed_one(topo, b, j, w, probe);
        return m * stride;
    }
    for (; j + 4 <= m; j += 4) forward_four(topo, b->pos + j * stride, stride, probe);
    for (; j < m; j++) {
        const size_t q = b->pos + j * stride;
        const double d = forward_NEURON(topo[q]);
        *probe += probe_of(d);
        set_member(topo, q, stride, d);
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
    if (!g->bundle_ready && g->fwd_walks == 2) {
        g->bundle_ready = mg__build_bundles(g) == 0;
        if (g->bundle_ready && g->skip_ready) mg__fit_skips_to_bundles(g);
    }
    /* the next bundle, and the end of them (none before they are built) */
    const mg_bundle *next = g->bundles;
    const mg_bundle *end = g->bundle_ready && g->n_bundles ? next + g->n_bundles : next;
    if (next < end) fill_packs(g);
    double probe = 0.0;   /* stays 0 while every value is finite */
    for (size_t i = 0; i < n;) {
        mg_value *v = topo[i];
        if (next < end && next->pos == i) i += forward_bundle(g, next++, &probe);
        else if (v->op == MG_OP_LEAF) i++;
        else i += set_value_and_activation(topo, i, n, mg__forward_node(v), &probe);
    }
    g->fwd_fresh = 1;
    g->fwd_finite = probe == 0.0;
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

/* Member j's grad, after the chain rule at its activation (which feeds
 * only its neuron).  Relu's is spelled out with no branch: where the relu's
 * grad is 0 it adds 0 * 0 to a grad that started at +0 and so cannot be -0,
 * which leaves it as it was, as skipping the relu would. */
static inline double member_grad(mg_value *const *topo, const mg_bundle *b, size_t j) {
    mg_value *n = topo[b->pos + j * b->stride];
    if (b->stride == 2) {
        mg_value *a = topo[b->pos + j * b->stride + 1];
        if (a->op == MG_OP_RELU) n->grad += local_grad_RELU(a, 0) * a->grad;
        else mg__chain(a, 1);
    }
    return n->grad;
}

/* Bundle b, taken whole from its last node in a walk where all data is
 * finite: each member's activation, then the terms of the members whose
 * grad is not 0 (the others pass nothing), up to LIVE_AT_ONCE at a time.
 * The weights are read from the pack (refreshed when the walk began) and
 * their grads added there; each input's grad stays in a register across
 * the members.  Members are taken from the last down, as node by node, so
 * every grad gets its terms in the same order. */
#define LIVE_AT_ONCE 8
static void backward_bundle(mg_graph *g, const mg_bundle *b) {
    mg_value *const *topo = g->topo;
    const size_t m = b->m, n_in = mg__bundle_inputs(topo, b);
    mg_pack *pk = &g->packs[b->pack];
    const double *w = g->pack_vals + pk->at;
    double *gw = g->pack_grads + pk->at;
    if (!pk->loaded) {
        for (size_t k = 0; k < m * (1 + n_in); k++) gw[k] = g->pack_src[pk->at + k]->grad;
        pk->loaded = 1;
    }
    mg_value *const *x = topo[b->pos]->u.many.args + 2;
    for (size_t j = m; j > 0;) {
        size_t live[LIVE_AT_ONCE], c = 0;
        double gl[LIVE_AT_ONCE];
        while (j > 0 && c < LIVE_AT_ONCE) {
            const double gj = member_grad(topo, b, --j);
            if (gj != 0.0) {
                live[c] = j;
                gl[c++] = gj;
            }
        }
        for (size_t k = 0; k < c; k++) gw[live[k]] += 1.0 * gl[k];   /* biases */
        for (size_t i = 0; i < n_in; i++) {
            mg_value *xi = x[2 * i];
            const double xd = xi->data, *wrow = w + m + i * m;
            double *grow = gw + m + i * m, acc = xi->grad;
            for (size_t k = 0; k < c; k++) {
                grow[live[k]] += xd * gl[k];
                acc += wrow[live[k]] * gl[k];
            }
            xi->grad = acc;
        }
    }
}

/* Store the grads that backward_bundle kept in the packs. */
static void store_pack_grads(mg_graph *g) {
    for (size_t q = 0; q < g->n_packs; q++) {
        mg_pack *pk = &g->packs[q];
        if (!pk->loaded) continue;
        for (size_t k = 0; k < pk->m * (1 + pk->n_in); k++)
            g->pack_src[pk->at + k]->grad = g->pack_grads[pk->at + k];
        pk->loaded = 0;
    }
}

/* Backward over the cached order of root (mg_backward's caller set root's
 * grad).  fresh: mg_forward ran since the last backward, so the
 * intermediates' grads are 0 and their data was checked.
 *
 * Otherwise one pass zeroes the grads and checks all data.  All data finite
 * lets the zero-grad skip decide without looking at the inputs (see
 * mg__passes_nothing), allows the jumps of the skip table, and lets bundles
 * go whole. */
void mg__backward_replayed(mg_graph *g, mg_value *root, int fresh) {
    mg_value **topo = g->topo;
    size_t n = g->n_topo;
    int finite = fresh ? g->fwd_finite && leaves_finite(g)
                       : zero_grads_check_data(topo, n - 1) && isfinite(root->data);
    /* the skip table pays off from the second walk: a graph walked once
     * (rebuilt every step) never builds it */
    if (g->topo_walks < 2) g->topo_walks++;
    if (!g->skip_ready && g->topo_walks == 2) {
        g->skip_ready = build_skips(g) == 0;
        if (g->skip_ready && g->bundle_ready) mg__fit_skips_to_bundles(g);
    }
    const size_t *skip = finite && g->skip_ready ? g->skip : NULL;
    /* Bundles go whole only in a finite walk.  The walk keeps `below`, the
     * bundles not yet passed, and next_end, one past the last node of the
     * highest of them (0 for none). */
    const mg_bundle *first = g->bundles;
    const mg_bundle *below =
        finite && g->bundle_ready && g->n_packs && g->n_bundles ? first + g->n_bundles : first;
    const int bundled = below > first;
    size_t next_end = bundled ? below[-1].last + 1 : 0;
    if (bundled) fill_packs(g);
    for (size_t i = n; i-- > 0;) {
        mg_value *v = topo[i];
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
                backward_bundle(g, b);
                i = b->pos;
                continue;
            }
        }
        mg__chain(v, finite);
    }
    if (bundled) store_pack_grads(g);
}
