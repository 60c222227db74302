/* ops.h -- the op table: every operation's forward value and local
 * derivative, side by side.  The list of ops itself (enum, names, symbols,
 * arity) is MG_OP_LIST in micrograd.h; this file gives each its math.
 *
 * forward_OP(v)      the value of v from its inputs' data
 * local_grad_OP(v,i) d v / d input i, from the inputs' data and v's own
 *
 * dnode_OP(c,v,i,adj) adj * d v / d input i built from ops (mg_grad), so
 *                    that a derivative can be differentiated again
 *
 * mg__forward_node, mg__local_grad and mg__dnode dispatch on the op through
 * the same list, so adding an op is one entry in MG_OP_LIST, its three
 * functions here, a constructor in ops.c, and a test.
 *
 * dnode_OP computes the same number as local_grad_OP(v, i) * adj, operation
 * for operation, so a first derivative built as nodes has mg_backward's
 * value (a where, below, may give +0 for -0, and keeps a NaN adj out where
 * the derivative is 0, as PyTorch does).  It uses v itself where the local derivative does (tanh's 1 - t^2
 * is 1 - v*v), so the second derivative flows through v.  c->one is a node
 * holding 1, made once per pass; where the derivative is 0 for every value
 * of the inputs (pow's k = 0, where's condition) dnode sets c->none and
 * returns NULL: no node, nothing to add.
 */
#ifndef MG_OPS_H
#define MG_OPS_H

#include "core/core.h"

#include <math.h>

#define A(v) ((v)->u.in[0]->data)
#define B(v) ((v)->u.in[1]->data)
#define IN_A(v) ((v)->u.in[0])
#define IN_B(v) ((v)->u.in[1])

/* What the dnode functions share during one mg_grad pass. */
typedef struct mg__dctx {
    mg_graph *g;
    mg_value *one;   /* the constant 1, made when first needed */
    int none;        /* set by dnode: this derivative is identically 0 */
} mg__dctx;

static inline mg_value *mg__one(mg__dctx *c) {
    if (!c->one) c->one = mg_leaf(c->g, 1.0, NULL);
    return c->one;
}

/* leaf: no inputs; its data is whatever the caller put there */
static inline double forward_LEAF(const mg_value *v) { return v->data; }
static inline double local_grad_LEAF(const mg_value *v, size_t i) { (void)v; (void)i; return 0.0; }
static inline mg_value *dnode_LEAF(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)v, (void)i, (void)adj;
    c->none = 1;
    return NULL;
}

/* a + b;  d/da = 1, d/db = 1 */
static inline double forward_ADD(const mg_value *v) { return A(v) + B(v); }
static inline double local_grad_ADD(const mg_value *v, size_t i) { (void)v; (void)i; return 1.0; }
static inline mg_value *dnode_ADD(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)c, (void)v, (void)i;
    return adj;   /* passed on unchanged: 1 * adj is adj */
}

/* a - b;  d/da = 1, d/db = -1 */
static inline double forward_SUB(const mg_value *v) { return A(v) - B(v); }
static inline double local_grad_SUB(const mg_value *v, size_t i) { (void)v; return i == 0 ? 1.0 : -1.0; }
static inline mg_value *dnode_SUB(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)c, (void)v;
    return i == 0 ? adj : mg_neg(adj);
}

/* a * b;  d/da = b, d/db = a */
static inline double forward_MUL(const mg_value *v) { return A(v) * B(v); }
static inline double local_grad_MUL(const mg_value *v, size_t i) { return i == 0 ? B(v) : A(v); }
static inline mg_value *dnode_MUL(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)c;
    return mg_mul(i == 0 ? IN_B(v) : IN_A(v), adj);
}

/* a / b;  d/da = 1/b, d/db = -a/b^2 = -(a/b)/b (no overflow from b*b) */
static inline double forward_DIV(const mg_value *v) { return A(v) / B(v); }
static inline double local_grad_DIV(const mg_value *v, size_t i) {
    return i == 0 ? 1.0 / B(v) : -(A(v) / B(v)) / B(v);
}
/* -(a/b)/b is -v/b: the quotient is v itself */
static inline mg_value *dnode_DIV(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    if (i == 0) return mg_mul(mg_div(mg__one(c), IN_B(v)), adj);
    return mg_mul(mg_div(mg_neg(v), IN_B(v)), adj);
}

/* -a;  d/da = -1 */
static inline double forward_NEG(const mg_value *v) { return -A(v); }
static inline double local_grad_NEG(const mg_value *v, size_t i) { (void)v; (void)i; return -1.0; }
static inline mg_value *dnode_NEG(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)c, (void)v, (void)i;
    return mg_neg(adj);
}

/* a^k, k constant;  d/da = k a^(k-1), and exactly 0 for k = 0 (a^0 = 1
 * everywhere, even where a^-1 is infinite) */
static inline double forward_POW(const mg_value *v) { return pow(A(v), v->u.pow.k); }
static inline double local_grad_POW(const mg_value *v, size_t i) {
    double k = v->u.pow.k;
    (void)i;
    return k == 0.0 ? 0.0 : k * pow(A(v), k - 1.0);
}
static inline mg_value *dnode_POW(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    double k = v->u.pow.k;
    (void)i;
    if (k == 0.0) {
        c->none = 1;
        return NULL;
    }
    return mg_mul(mg_mul(mg_leaf(c->g, k, NULL), mg_pow(v->u.pow.x, k - 1.0)), adj);
}

/* a^b, b a node;  d/da = b a^(b-1), d/db = a^b ln a.  Where PyTorch takes
 * a derivative to be 0 so do we: d/da where b = 0 (a^0 is 1 everywhere),
 * d/db where a = 0 and b >= 0 (0^b is flat there, though ln 0 = -inf).
 * Elsewhere IEEE decides: a < 0 gives NaN for d/db, as ln a is NaN. */
static inline double forward_POW_V(const mg_value *v) { return pow(A(v), B(v)); }
static inline double local_grad_POW_V(const mg_value *v, size_t i) {
    const double a = A(v), b = B(v);
    if (i == 0) return b == 0.0 ? 0.0 : b * pow(a, b - 1.0);
    return a == 0.0 && b >= 0.0 ? 0.0 : v->data * log(a);
}
/* The special cases become where nodes, so that the graph mg_grad builds
 * stays right when replayed on other values.  Their shape is PyTorch's, so
 * second derivatives agree with its double backward even there:
 * d/da = where(b, b a^(b-1) adj), the product with adj inside (a NaN adj
 * where b = 0 stays out); d/db = where(cond, v ln a) adj, outside, with
 * cond = where(a, 1) + relu(-b), a sum of two terms >= 0 that is 0 exactly
 * when a = 0 and b >= 0.  (So at a = 0, d2/db2 is 0 * ln 0 = NaN, as in
 * PyTorch.) */
static inline mg_value *dnode_POW_V(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    mg_value *a = IN_A(v), *b = IN_B(v), *one = mg__one(c);
    if (i == 0) return mg_where(b, mg_mul(mg_mul(b, mg_pow_v(a, mg_sub(b, one))), adj));
    mg_value *cond = mg_add(mg_where(a, one), mg_relu(mg_neg(b)));
    return mg_mul(mg_where(cond, mg_mul(v, mg_log(a))), adj);
}

/* e^a;  d/da = e^a, the output itself */
static inline double forward_EXP(const mg_value *v) { return exp(A(v)); }
static inline double local_grad_EXP(const mg_value *v, size_t i) { (void)i; return v->data; }
static inline mg_value *dnode_EXP(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)c, (void)i;
    return mg_mul(v, adj);
}

/* ln a;  d/da = 1/a */
static inline double forward_LOG(const mg_value *v) { return log(A(v)); }
static inline double local_grad_LOG(const mg_value *v, size_t i) { (void)i; return 1.0 / A(v); }
static inline mg_value *dnode_LOG(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)i;
    return mg_mul(mg_div(mg__one(c), IN_A(v)), adj);
}

/* tanh a (libm's: no overflow at large |a|);  d/da = 1 - tanh^2 */
static inline double forward_TANH(const mg_value *v) { return tanh(A(v)); }
static inline double local_grad_TANH(const mg_value *v, size_t i) {
    (void)i;
    return 1.0 - v->data * v->data;
}
static inline mg_value *dnode_TANH(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)i;
    return mg_mul(mg_sub(mg__one(c), mg_mul(v, v)), adj);
}

/* 0 where a < 0, else a: micrograd's rule, so NaN stays NaN and -0 stays
 * -0.  d/da = 1 where a > 0, else 0 (0 at a = 0, as in PyTorch) */
static inline double forward_RELU(const mg_value *v) { return A(v) < 0.0 ? 0.0 : A(v); }
static inline double local_grad_RELU(const mg_value *v, size_t i) { (void)i; return A(v) > 0.0 ? 1.0 : 0.0; }
/* adj where the output is not 0, which is where a > 0: a step has
 * derivative 0, so relu'' is 0 (as in PyTorch) */
static inline mg_value *dnode_RELU(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)c, (void)i;
    return mg_where(v, adj);
}

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
static inline mg_value *dnode_SIGMOID(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)i;
    return mg_mul(mg_mul(v, mg_sub(mg__one(c), v)), adj);
}

/* x0 + x1 + ... + x(n-1), left to right;  d/dxi = 1 */
static inline double forward_SUM(const mg_value *v) {
    mg_value *const *x = v->u.many.args;
    double s = x[0]->data;
    for (size_t i = 1; i < v->u.many.n; i++) s += x[i]->data;
    return s;
}
static inline double local_grad_SUM(const mg_value *v, size_t i) { (void)v; (void)i; return 1.0; }
static inline mg_value *dnode_SUM(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    (void)c, (void)v, (void)i;
    return adj;
}

/* A fused neuron: args = [b, w0, x0, w1, x1, ...], value b + w0 x0 + w1 x1 +
 * ... left to right from the bias (micrograd's order, so the same rounding).
 * d/db = 1, d/dwj = xj, d/dxj = wj: each weight's partner. */
static inline double forward_NEURON(const mg_value *v) {
    mg_value *const *x = v->u.many.args;
    double s = x[0]->data;
    for (size_t i = 1; i + 1 < v->u.many.n; i += 2) s += x[i]->data * x[i + 1]->data;
    return s;
}
static inline double local_grad_NEURON(const mg_value *v, size_t i) {
    mg_value *const *x = v->u.many.args;
    if (i == 0) return 1.0;
    return i % 2 ? x[i + 1]->data : x[i - 1]->data;
}
static inline mg_value *dnode_NEURON(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    mg_value *const *x = v->u.many.args;
    (void)c;
    if (i == 0) return adj;
    return mg_mul(i % 2 ? x[i + 1] : x[i - 1], adj);
}

/* x where cond is not 0, else 0;  d/dcond = 0, d/dx = 1 where cond is not 0,
 * else 0.  A NaN x where cond is 0 stays out, as in torch.where. */
static inline double forward_WHERE(const mg_value *v) { return A(v) != 0.0 ? B(v) : 0.0; }
static inline double local_grad_WHERE(const mg_value *v, size_t i) {
    return i == 1 && A(v) != 0.0 ? 1.0 : 0.0;
}
static inline mg_value *dnode_WHERE(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    if (i == 0) {
        c->none = 1;
        return NULL;
    }
    return mg_where(IN_A(v), adj);
}

#undef A
#undef B
#undef IN_A
#undef IN_B

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

/* adj * d v / d input i as nodes (see dnode_OP above). */
static inline mg_value *mg__dnode(mg__dctx *c, mg_value *v, size_t i, mg_value *adj) {
    switch ((mg_op)v->op) {
#define MG_DNODE_CASE_(name, str, sym, arity) \
    case MG_OP_##name: return dnode_##name(c, v, i, adj);
        MG_OP_LIST(MG_DNODE_CASE_)
#undef MG_DNODE_CASE_
    default: c->none = 1; return NULL;
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

#endif
