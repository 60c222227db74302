/* ops.c -- the operations: check the operands, make the node, compute its
 * value.  The math of each op (forward and local derivative) is in
 * ops.h; the op list is MG_OP_LIST in micrograd.h. */
#include "core/ops.h"

#include <stdlib.h>
#include <string.h>

/* The graph all of xs[0..n) belong to, or NULL after recording why not.
 * `fn` names the operation in the message. */
static mg_graph *common_graph(const char *fn, mg_value *const *xs, size_t n) {
    mg_graph *g = NULL;
    size_t null_at = n, first = n;   /* first: the operand that fixed g */
    for (size_t i = 0; i < n; i++) {
        if (!xs[i]) {
            if (null_at == n) null_at = i;
            continue;
        }
        mg_graph *gi = mg__graph_of(xs[i]);
        if (!g) {
            g = gi;
            first = i;
        } else if (gi != g) {
            char b1[32], b2[32];
            /* both graphs learn it, each in its own language */
            mg__error(g, "%s: operands from different graphs ('%s' and '%s')",
                      "%s: operandos de grafos distintos ('%s' y '%s')", fn,
                      mg__name(xs[first], b1), mg__name(xs[i], b2));
            mg__error(gi, "%s: operands from different graphs ('%s' and '%s')",
                      "%s: operandos de grafos distintos ('%s' y '%s')", fn,
                      mg__name(xs[first], b1), mg__name(xs[i], b2));
            return NULL;
        }
    }
    if (null_at < n) {
        /* a NULL operand is usually an earlier failure passed along: the
         * graph then already holds the first error, which is kept */
        if (n == 1) mg__error(g, "%s: the operand is NULL", "%s: el operando es NULL", fn);
        else mg__error(g, "%s: operand %zu of %zu is NULL", "%s: el operando %zu de %zu es NULL", fn,
                       null_at + 1, n);
        return NULL;
    }
    /* a node a reset dropped: its slot is free, or a newer node's */
    for (size_t i = 0; i < n; i++)
        if (mg__refuse_dropped(fn, xs[i], i, n)) return NULL;
    return g;
}

/* The constructors check their operands with a few comparisons (not NULL,
 * one graph, not dropped by a reset) and take the error path (which words
 * the message) only when something is wrong; then
 * they bump-allocate a node and compute its value with the op's own forward,
 * inlined: building a graph costs little more than evaluating it. */

/* Out of line and marked cold, so that the constructors' fast path needs
 * no stack frame. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static mg_value *operand_error(const char *fn, mg_value *a, mg_value *b, size_t n) {
    mg_value *ab[2] = {a, b};
    common_graph(fn, ab, n);
    return NULL;
}

/* A unary or binary node (b NULL for unary) made the slow way: a new
 * block, or an open group to join.  Out of line, so that the constructors'
 * fast path below is a leaf function with no stack frame. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static mg_value *node_slow(const char *fn, mg_graph *g, mg_op op, mg_value *a, mg_value *b) {
    /* the whole check, for checking mode, which takes this path always */
    if (mg__dropped(a) || (b && mg__dropped(b))) return operand_error(fn, a, b, b ? 2 : 1);
    mg_value *v = mg__new_node(g, op);
    if (!v) return NULL;
    v->u.in[0] = a;
    v->u.in[1] = b;
    v->data = mg__forward_node(v);
    return v;
}

#define MG_UNARY(fn, OP)                                              \
    mg_value *fn(mg_value *a) {                                       \
        if (!a) return operand_error(#fn, a, NULL, 1);                \
        mg_graph *g = mg__graph_of(a);                                \
        if (mg__id(a) >= g->n_nodes) return operand_error(#fn, a, NULL, 1); \
        if (!mg__can_bump(g)) return node_slow(#fn, g, MG_OP_##OP, a, NULL); \
        mg_value *v = mg__bump_op(g, MG_OP_##OP, a, NULL);            \
        v->data = forward_##OP(v);                                    \
        return v;                                                     \
    }

#define MG_BINARY(fn, OP)                                             \
    mg_value *fn(mg_value *a, mg_value *b) {                          \
        if (!a || !b || mg__block_of(a)->graph != mg__block_of(b)->graph) \
            return operand_error(#fn, a, b, 2);                       \
        mg_graph *g = mg__graph_of(a);                                \
        if (mg__id(a) >= g->n_nodes || mg__id(b) >= g->n_nodes)       \
            return operand_error(#fn, a, b, 2);                       \
        if (!mg__can_bump(g)) return node_slow(#fn, g, MG_OP_##OP, a, b); \
        mg_value *v = mg__bump_op(g, MG_OP_##OP, a, b);               \
        v->data = forward_##OP(v);                                    \
        return v;                                                     \
    }

static mg_value *nary(const char *fn, mg_op op, mg_value *const *xs, size_t n) {
    /* a count no array can hold is refused before any of it is read (the
     * graph to tell is the first operand's) */
    if (n > SIZE_MAX / sizeof *xs / 2) {
        if (xs[0] && !mg__dropped(xs[0]))
            mg__error(mg__graph_of(xs[0]), "%s: %zu inputs are too many",
                      "%s: %zu entradas son demasiadas", fn, n);
        return NULL;
    }
    mg_graph *g = common_graph(fn, xs, n);
    if (!g) return NULL;
    mg_value **args = mg__aux_alloc(g, n * sizeof *args);
    if (!args) {
        mg__error(g, "%s: out of memory for %zu inputs", "%s: sin memoria para %zu entradas", fn, n);
        return NULL;
    }
    memcpy(args, xs, n * sizeof *args);
    mg_value *v = mg__node(g, op);
    if (!v) return NULL;
    v->u.many.args = args;
    v->u.many.n = n;
    v->data = mg__forward_node(v);
    return v;
}

MG_BINARY(mg_add, ADD)
MG_BINARY(mg_sub, SUB)
MG_BINARY(mg_mul, MUL)
MG_BINARY(mg_div, DIV)
MG_BINARY(mg_pow_v, POW_V)
MG_BINARY(mg_where, WHERE)
MG_UNARY(mg_neg, NEG)
MG_UNARY(mg_exp, EXP)
MG_UNARY(mg_log, LOG)
MG_UNARY(mg_tanh, TANH)
MG_UNARY(mg_relu, RELU)
MG_UNARY(mg_sigmoid, SIGMOID)

mg_value *mg_pow(mg_value *a, double exponent) {
    if (!a || mg__dropped(a)) return operand_error("mg_pow", a, NULL, 1);
    mg_value *v = mg__node(mg__graph_of(a), MG_OP_POW);
    if (!v) return NULL;
    v->u.pow.x = a;
    v->u.pow.k = exponent;
    v->data = forward_POW(v);
    return v;
}

mg_value *mg_sum(mg_value *const *xs, size_t n) {
    if (!xs || n == 0) return NULL;   /* no operand, so no graph to tell */
    return nary("mg_sum", MG_OP_SUM, xs, n);
}

mg_value *mg_neuron(mg_value *b, mg_value *const *w, mg_value *const *x, size_t n) {
    if (!b || mg__refuse_dropped("mg_neuron", b, 0, 0)) return NULL;
    mg_graph *g = mg__graph_of(b);
    if (n && (!w || !x)) {
        mg__error(g, "mg_neuron: the weight or input array is NULL",
                  "mg_neuron: el arreglo de pesos o de entradas es NULL");
        return NULL;
    }
    if (n > (SIZE_MAX / sizeof(mg_value *) - 1) / 2) {
        mg__error(g, "mg_neuron: %zu inputs are too many", "mg_neuron: %zu entradas son demasiadas", n);
        return NULL;
    }
    /* interleave [b, w0, x0, w1, x1, ...] in a scratch array first, so the
     * operands are checked once, together */
    size_t m = 2 * n + 1;
    mg_value *stack[65], **tmp = m <= 65 ? stack : malloc(m * sizeof *tmp);
    if (!tmp) {
        mg__error(g, "mg_neuron: out of memory for %zu inputs", "mg_neuron: sin memoria para %zu entradas",
                  n);
        return NULL;
    }
    tmp[0] = b;
    for (size_t j = 0; j < n; j++) {
        tmp[2 * j + 1] = w[j];
        tmp[2 * j + 2] = x[j];
    }
    mg_value *v = nary("mg_neuron", MG_OP_NEURON, tmp, m);
    if (tmp != stack) free(tmp);
    return v;
}

mg_value *mg_add_c(mg_value *a, double c) {
    if (!a || mg__refuse_dropped("mg_add_c", a, 0, 0)) return NULL;
    return mg_add(a, mg_leaf(mg__graph_of(a), c, NULL));
}

mg_value *mg_mul_c(mg_value *a, double c) {
    if (!a || mg__refuse_dropped("mg_mul_c", a, 0, 0)) return NULL;
    return mg_mul(a, mg_leaf(mg__graph_of(a), c, NULL));
}
