/* fast.h -- what the fast tape's files share.  Everything here exists only
 * for speed: the core's plain loops (src/core/) give the same numbers.
 *
 * The tape (tape.c) walks a recorded order.  Two things make its walks
 * faster than the plain loops, each built once when the tape is made:
 *   - the skip table (skip.c): where backward may jump over a whole
 *     stretch of nodes that passes nothing back (grad 0);
 *   - bundles and packs (bundle.c): neurons over the same inputs evaluated
 *     side by side, their leaf weights copied next to each other
 *     (kernels.c holds the loops over them).
 * Every sum and every grad is still taken in the plain loop's order, term
 * by term, so the numbers are the same bits. */
#ifndef MG_FAST_H
#define MG_FAST_H

#include "core/ops.h"

#include <string.h>

/* m neurons over the same inputs at positions pos, pos + stride, ... of the
 * order (stride 2 when each is followed by its activation). */
typedef struct mg_bundle {
    size_t pos, m, stride;
    size_t last;          /* position of its last node: pos + m*stride - 1 */
    int relu;             /* every member is followed by a relu */
    size_t pack;          /* its mg_pack, or SIZE_MAX for none */
    /* Backward takes it whole from its last node: it has a pack with
     * grads_ok, and no node repeats among its biases, weights and inputs. */
    int whole;
} mg_bundle;

/* The leaf biases and weights of bundles of m neurons over n_in inputs:
 * m*(1 + n_in) nodes from pack_src[at] on, the m biases first and then, for
 * each input, the m weights that multiply it. */
typedef struct mg_pack {
    size_t m, n_in, at;
    size_t users;         /* bundles that use it (packs of one are not kept) */
    size_t hi;            /* position of its last bundle's last node */
    /* Backward may add its bundles' terms into pack_grads and store them
     * once at the end: every other use of its nodes is above hi, so is
     * walked before any of its bundles. */
    int grads_ok;
    int loaded;           /* during a backward walk: pack_grads holds them */
} mg_pack;

struct mg_tape {
    mg__recording rec;    /* the order (inputs first, the root last) and its watch */
    /* skip[p]: where backward may jump when node p passes nothing back
     * (skip.c); NULL when out of memory for it */
    size_t *skip;
    /* bundles in order of position, and the packs they share */
    mg_bundle *bundles;
    size_t n_bundles, cap_bundles;
    mg_pack *packs;
    size_t n_packs, cap_packs;
    mg_value **pack_src;  /* what each pack copies from, see mg_pack */
    double *pack_vals;    /* and the copies, at the same offsets */
    double *pack_grads;   /* and their grads during a backward walk */
    size_t n_pack_src, cap_pack_src;
    /* the order's leaves, for checking their data finite */
    mg_value **leaves;
    size_t n_leaves;
    /* mg_tape_forward zeroes the intermediates' grads and notes whether
     * every value came out finite: the next backward then skips a pass of
     * its own, if nothing wrote grads in between (the graph's grad_writes
     * still reads forward_writes). */
    int fresh, fwd_finite;
    uint64_t forward_writes;
};

/* ------------------------------------------------------- the chain rule */

/* 0 where a < 0, else a, as forward_RELU, written as a mask on the bits
 * with no branch: a branch here mispredicts on about every other neuron. */
static inline double mg__relu_bits(double a) {
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    bits &= (uint64_t)(a < 0.0) - 1;   /* all ones to keep a, zero to clear it */
    memcpy(&a, &bits, sizeof a);
    return a;
}

/* The value of activation `act` (relu, tanh or sigmoid) of input value a. */
static inline double mg__activation(mg_op act, double a) {
    switch (act) {
    case MG_OP_RELU: return mg__relu_bits(a);
    case MG_OP_TANH: return tanh(a);
    default: return mg__sigmoid(a);
    }
}

/* Whether a is a relu, tanh or sigmoid of v. */
static inline int mg__activation_of(const mg_value *a, const mg_value *v) {
    return (a->op == MG_OP_RELU || a->op == MG_OP_TANH || a->op == MG_OP_SIGMOID) &&
           a->u.in[0] == v;
}

/* Whether the chain rule at v would add nothing to its inputs' grads: true
 * when v's grad is zero and every local derivative is finite, for then each
 * contribution local * 0 is a signed zero, and adding a signed zero leaves a
 * grad as it was (grads start at +0, and sums that start at +0 never become
 * -0).  A non-finite local derivative times 0 is NaN, which must flow, so
 * those nodes are not skipped.  Subgraphs behind a dead ReLU or an inactive
 * hinge are where this saves the most.
 *
 * data_finite: the caller has checked that every node of the graph being
 * walked has finite data right now.  Then the local derivatives of mul and
 * neuron (their inputs' data) and of exp (its own) are finite with no
 * further look.  (Not tanh's 1 - t*t: a t written by hand may overflow.) */
static inline int mg__passes_nothing(const mg_value *v, mg_op op, int data_finite) {
    if (v->grad != 0.0) return 0;
    switch (op) {
    case MG_OP_ADD: case MG_OP_SUB: case MG_OP_NEG: case MG_OP_SUM: case MG_OP_RELU:
        return 1;   /* constant local derivatives */
    case MG_OP_MUL:
        return data_finite || (isfinite(v->u.in[0]->data) && isfinite(v->u.in[1]->data));
    case MG_OP_NEURON: {
        /* the local derivatives are the inputs' data (read them, not v's own
         * value, which is stale if a leaf changed without a forward walk) */
        if (data_finite) return 1;
        mg_value *const *x = v->u.many.args;
        for (size_t i = 1; i < v->u.many.n; i++)
            if (!isfinite(x[i]->data)) return 0;
        return 1;
    }
    case MG_OP_EXP:
        if (data_finite) return 1;
        /* fall through */
    default:
        for (size_t i = 0; i < mg__arity(v); i++)
            if (!isfinite(mg__local_grad(v, i))) return 0;
        return 1;
    }
}

/* The chain rule at an n-ary node, with a loop per op: the generic loop
 * would re-derive each local derivative through a branch per input.  The
 * arithmetic and its order are those of local_grad_OP, input by input. */
static inline void mg__chain_nary(mg_value *v, double g) {
    mg_value *const *x = v->u.many.args;
    const size_t n = v->u.many.n;
    if (v->op == MG_OP_NEURON) {
        x[0]->grad += 1.0 * g;
        size_t i = 1;
        for (; i + 3 < n; i += 4) {   /* two pairs a step, same order of updates */
            mg_value *w0 = x[i], *x0 = x[i + 1], *w1 = x[i + 2], *x1 = x[i + 3];
            const double dw0 = x0->data * g, dx0 = w0->data * g;
            w0->grad += dw0;
            x0->grad += dx0;
            const double dw1 = x1->data * g, dx1 = w1->data * g;
            w1->grad += dw1;
            x1->grad += dx1;
        }
        for (; i + 1 < n; i += 2) {
            const double w = x[i]->data, in = x[i + 1]->data;
            x[i]->grad += in * g;
            x[i + 1]->grad += w * g;
        }
    } else if (v->op == MG_OP_SUM) {
        for (size_t i = 0; i < n; i++) x[i]->grad += 1.0 * g;
    } else {
        for (size_t i = 0; i < n; i++) x[i]->grad += mg__local_grad(v, i) * g;
    }
}

/* The chain rule at one node: grad(input i) += d v/d input i * grad(v),
 * with one straight-line case per op.  data_finite as for
 * mg__passes_nothing. */
static inline void mg__chain(mg_value *v, int data_finite) {
    const double g = v->grad;
    if (mg__passes_nothing(v, (mg_op)v->op, data_finite)) return;
    switch ((mg_op)v->op) {
#define MG_CHAIN_CASE_(name, str, sym, arity)                                  \
    case MG_OP_##name:                                                         \
        if ((arity) == 1) {                                                    \
            v->u.in[0]->grad += local_grad_##name(v, 0) * g;                   \
        } else if ((arity) == 2) {                                             \
            v->u.in[0]->grad += local_grad_##name(v, 0) * g;                   \
            v->u.in[1]->grad += local_grad_##name(v, 1) * g;                   \
        } else if ((arity) < 0) {                                              \
            mg__chain_nary(v, g);                                              \
        }                                                                      \
        break;
        MG_OP_LIST(MG_CHAIN_CASE_)
#undef MG_CHAIN_CASE_
    default: break;
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

/* Member j's argument k in bundle b: 0 its bias, 1 + 2i its weight i,
 * 2 + 2i input i (the same node for every member). */
static inline mg_value *mg__member_arg(mg_value *const *order, const mg_bundle *b, size_t j,
                                       size_t k) {
    return order[b->pos + j * b->stride]->u.many.args[k];
}
/* The number of inputs each member of b has. */
static inline size_t mg__bundle_inputs(mg_value *const *order, const mg_bundle *b) {
    return (order[b->pos]->u.many.n - 1) / 2;
}

/* bundle.c: find the bundles and packs of t's order (0, or -1 when out of
 * memory: then there are none, and the walks go node by node) */
int mg__build_bundles(mg_tape *t);

/* skip.c: build t->skip (NULL when out of memory: no jumps then), with its
 * jumps made to stop above bundles, which backward takes whole */
void mg__build_skips(mg_tape *t);

/* kernels.c: the walks' loops over bundles and packs */
void mg__fill_packs(mg_tape *t);
size_t mg__forward_bundle(const mg_tape *t, const mg_bundle *b, double *probe);
void mg__backward_bundle(mg_tape *t, const mg_bundle *b);
void mg__store_pack_grads(mg_tape *t);

#endif
