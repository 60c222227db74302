/* kernels.c -- the tape's loops over bundles: the members of a bundle
 * evaluated side by side, and backward taking a bundle whole with its
 * weights' grads kept in its pack.  Each member's sum and each grad still
 * take their terms in the plain loop's order. */
#include "fast/fast.h"

/* Copy the current values of every pack's nodes (packs of one user too:
 * cheaper than a test). */
void mg__fill_packs(mg_tape *t) {
    for (size_t k = 0; k < t->n_pack_src; k++) t->pack_vals[k] = t->pack_src[k]->data;
}

/* A bundle member's value d, and its activation's (the bundle knows it
 * follows, when stride is 2). */
static inline void set_member(mg_value *const *topo, size_t q, size_t stride, double d) {
    set_value(topo[q], d);
    if (stride == 2) set_value(topo[q + 1], mg__activation((mg_op)topo[q + 1]->op, d));
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
            set_value(topo[q + 2 * t + 1], mg__relu_bits(s[t]));
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
size_t mg__forward_bundle(const mg_tape *t, const mg_bundle *b, double *probe) {
    mg_value *const *topo = t->rec.order;
    const size_t m = b->m, stride = b->stride;
    size_t j = 0;
    if (b->pack != SIZE_MAX) {
        const double *w = t->pack_vals + t->packs[b->pack].at;
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
void mg__backward_bundle(mg_tape *t, const mg_bundle *b) {
    mg_value *const *topo = t->rec.order;
    const size_t m = b->m, n_in = mg__bundle_inputs(topo, b);
    mg_pack *pk = &t->packs[b->pack];
    const double *w = t->pack_vals + pk->at;
    double *gw = t->pack_grads + pk->at;
    if (!pk->loaded) {
        for (size_t k = 0; k < m * (1 + n_in); k++) gw[k] = t->pack_src[pk->at + k]->grad;
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
void mg__store_pack_grads(mg_tape *t) {
    for (size_t q = 0; q < t->n_packs; q++) {
        mg_pack *pk = &t->packs[q];
        if (!pk->loaded) continue;
        for (size_t k = 0; k < pk->m * (1 + pk->n_in); k++)
            t->pack_src[pk->at + k]->grad = t->pack_grads[pk->at + k];
        pk->loaded = 0;
    }
}

