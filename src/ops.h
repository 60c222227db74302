/* ops.h -- the op table: every operation's forward value and local
 * derivative, side by side.  The list of ops itself (enum, names, symbols,
 * arity) is MG_OP_LIST in micrograd.h; this file gives each its math.
 *
 * forward_OP(v)      the value of v from its inputs' data
 * local_grad_OP(v,i) d v / d input i, from the inputs' data and v's own
 *
 * Backward (mg__chain) and replay (mg__forward_node) are generated from these
 * by the X-macro, so adding an op is one entry in MG_OP_LIST, two functions
 * here, a constructor in ops.c, and a test.  These are static inline so the
 * hot loops in backward.c compile to straight-line code per op.
 */
#ifndef MG_OPS_H
#define MG_OPS_H

#include "internal.h"

#include <math.h>
#include <string.h>

#define A(v) ((v)->u.in[0]->data)
#define B(v) ((v)->u.in[1]->data)

/* leaf: no inputs; its data is whatever the caller put there */
static inline double forward_LEAF(const mg_value *v) { return v->data; }
static inline double local_grad_LEAF(const mg_value *v, size_t i) { (void)v; (void)i; return 0.0; }

/* a + b;  d/da = 1, d/db = 1 */
static inline double forward_ADD(const mg_value *v) { return A(v) + B(v); }
static inline double local_grad_ADD(const mg_value *v, size_t i) { (void)v; (void)i; return 1.0; }

/* a - b;  d/da = 1, d/db = -1 */
static inline double forward_SUB(const mg_value *v) { return A(v) - B(v); }
static inline double local_grad_SUB(const mg_value *v, size_t i) { (void)v; return i == 0 ? 1.0 : -1.0; }

/* a * b;  d/da = b, d/db = a */
static inline double forward_MUL(const mg_value *v) { return A(v) * B(v); }
static inline double local_grad_MUL(const mg_value *v, size_t i) { return i == 0 ? B(v) : A(v); }

/* a / b;  d/da = 1/b, d/db = -a/b^2 = -(a/b)/b (no overflow from b*b) */
static inline double forward_DIV(const mg_value *v) { return A(v) / B(v); }
static inline double local_grad_DIV(const mg_value *v, size_t i) {
    return i == 0 ? 1.0 / B(v) : -(A(v) / B(v)) / B(v);
}

/* -a;  d/da = -1 */
static inline double forward_NEG(const mg_value *v) { return -A(v); }
static inline double local_grad_NEG(const mg_value *v, size_t i) { (void)v; (void)i; return -1.0; }

/* a^k, k constant;  d/da = k a^(k-1), and exactly 0 for k = 0 (a^0 = 1
 * everywhere, even where a^-1 is infinite) */
static inline double forward_POW(const mg_value *v) { return pow(A(v), v->u.pow.k); }
static inline double local_grad_POW(const mg_value *v, size_t i) {
    double k = v->u.pow.k;
    (void)i;
    return k == 0.0 ? 0.0 : k * pow(A(v), k - 1.0);
}

/* e^a;  d/da = e^a, the output itself */
static inline double forward_EXP(const mg_value *v) { return exp(A(v)); }
static inline double local_grad_EXP(const mg_value *v, size_t i) { (void)i; return v->data; }

/* ln a;  d/da = 1/a */
static inline double forward_LOG(const mg_value *v) { return log(A(v)); }
static inline double local_grad_LOG(const mg_value *v, size_t i) { (void)i; return 1.0 / A(v); }

/* tanh a (libm's: no overflow at large |a|);  d/da = 1 - tanh^2 */
static inline double forward_TANH(const mg_value *v) { return tanh(A(v)); }
static inline double local_grad_TANH(const mg_value *v, size_t i) {
    (void)i;
    return 1.0 - v->data * v->data;
}

/* 0 where a < 0, else a: micrograd's rule, so NaN stays NaN and -0 stays
 * -0.  Written as a mask on the bits, with no branch: a branch here
 * mispredicts on about every other neuron.
 * d/da = 1 where a > 0, else 0 (0 at a = 0) */
static inline double mg__relu(double a) {
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    bits &= (uint64_t)(a < 0.0) - 1;   /* all ones to keep a, zero to clear it */
    memcpy(&a, &bits, sizeof a);
    return a;
}
static inline double forward_RELU(const mg_value *v) { return mg__relu(A(v)); }
static inline double local_grad_RELU(const mg_value *v, size_t i) { (void)i; return A(v) > 0.0 ? 1.0 : 0.0; }

/* 1/(1+e^-a), computed so that e^x never overflows: for a < 0 it is
 * e^a/(1+e^a).  d/da = s (1 - s) */
static inline double mg__sigmoid(double a) {
    if (a >= 0.0) return 1.0 / (1.0 + exp(-a));
    double e = exp(a);
    return e / (1.0 + e);
}
static inline double forward_SIGMOID(const mg_value *v) { return mg__sigmoid(A(v)); }
static inline double local_grad_SIGMOID(const mg_value *v, size_t i) {
    (void)i;
    return v->data * (1.0 - v->data);
}

/* x0 + x1 + ... + x(n-1), left to right;  d/dxi = 1 */
static inline double forward_SUM(const mg_value *v) {
    mg_value *const *x = v->u.many.args;
    double s = x[0]->data;
    for (size_t i = 1; i < v->u.many.n; i++) s += x[i]->data;
    return s;
}
static inline double local_grad_SUM(const mg_value *v, size_t i) { (void)v; (void)i; return 1.0; }

/* A fused neuron: args = [b, w0, x0, w1, x1, ...], value b + w0 x0 + w1 x1 +
 * ... left to right from the bias (micrograd's order, so the same rounding).
 * d/db = 1, d/dwj = xj, d/dxj = wj: each weight's partner. */
static inline double forward_NEURON(const mg_value *v) {
    mg_value *const *x = v->u.many.args;
    const size_t n = v->u.many.n;
    double s = x[0]->data;
    size_t i = 1;
    for (; i + 3 < n; i += 4) {
        const double p0 = x[i]->data * x[i + 1]->data, p1 = x[i + 2]->data * x[i + 3]->data;
        s += p0;
        s += p1;
    }
    for (; i + 1 < n; i += 2) s += x[i]->data * x[i + 1]->data;
    return s;
}
static inline double local_grad_NEURON(const mg_value *v, size_t i) {
    mg_value *const *x = v->u.many.args;
    if (i == 0) return 1.0;
    return i % 2 ? x[i + 1]->data : x[i - 1]->data;
}

#undef A
#undef B

/* Whether a is a relu, tanh or sigmoid of v. */
static inline int mg__activation_of(const mg_value *a, const mg_value *v) {
    return (a->op == MG_OP_RELU || a->op == MG_OP_TANH || a->op == MG_OP_SIGMOID) &&
           a->u.in[0] == v;
}

/* v's value from its inputs (leaves keep theirs). */
static inline double mg__forward_node(const mg_value *v) {
    switch ((mg_op)v->op) {
#define MG_FORWARD_CASE_(name, str, sym, arity) \
    case MG_OP_##name: return forward_##name(v);
        MG_OP_LIST(MG_FORWARD_CASE_)
#undef MG_FORWARD_CASE_
    default: return v->data;
    }
}

/* A fresh node op(a, b) (b NULL for a unary op) by the bump pointer, which
 * mg__can_bump(g) must allow; the caller computes its data with the op's
 * forward_OP (named, so that it inlines). */
static inline mg_value *mg__bump_op(mg_graph *g, mg_op op, mg_value *a, mg_value *b) {
    mg_value *v = mg__bump(g, op);
    v->u.in[0] = a;
    v->u.in[1] = b;
    return v;
}

/* a*b and a+b for a builder that knows a and b are nodes of g whenever they
 * are not NULL (the MLP's teaching graph): the constructors without the
 * call and the same-graph check.  Anything unusual (NULL, a new block, an
 * open group) goes through mg_mul / mg_add, which also report errors. */
static inline mg_value *mg__mul_in(mg_graph *g, mg_value *a, mg_value *b) {
    if (!a || !b || !mg__can_bump(g)) return mg_mul(a, b);
    mg_value *v = mg__bump_op(g, MG_OP_MUL, a, b);
    v->data = forward_MUL(v);
    return v;
}
static inline mg_value *mg__add_in(mg_graph *g, mg_value *a, mg_value *b) {
    if (!a || !b || !mg__can_bump(g)) return mg_add(a, b);
    mg_value *v = mg__bump_op(g, MG_OP_ADD, a, b);
    v->data = forward_ADD(v);
    return v;
}

/* d v / d input i. */
static inline double mg__local_grad(const mg_value *v, size_t i) {
    switch ((mg_op)v->op) {
#define MG_LOCAL_CASE_(name, str, sym, arity) \
    case MG_OP_##name: return local_grad_##name(v, i);
        MG_OP_LIST(MG_LOCAL_CASE_)
#undef MG_LOCAL_CASE_
    default: return 0.0;
    }
}

/* Each op's number of inputs, -1 for any (n-ary ops keep theirs in u.many). */
static const signed char mg__op_arity[MG_OP_COUNT] = {
#define MG_ARITY_ROW_(name, str, sym, arity) arity,
    MG_OP_LIST(MG_ARITY_ROW_)
#undef MG_ARITY_ROW_
};

/* Whether op takes any number of inputs (kept in u.many). */
static inline int mg__is_nary(mg_op op) {
    return (unsigned)op < MG_OP_COUNT && mg__op_arity[op] < 0;
}

/* Number of inputs of v. */
static inline size_t mg__arity(const mg_value *v) {
    if (v->op >= MG_OP_COUNT) return 0;
    return mg__op_arity[v->op] < 0 ? v->u.many.n : (size_t)mg__op_arity[v->op];
}

/* Input i of v (i < arity). */
static inline mg_value *mg__input(const mg_value *v, size_t i) {
    return mg__is_nary((mg_op)v->op) ? v->u.many.args[i] : v->u.in[i];
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
         * value, which is stale if a leaf changed without mg_forward) */
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

/* The chain rule at one node: grad(input i) += d v/d input i * grad(v).
 * data_finite as for mg__passes_nothing. */
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

#endif
