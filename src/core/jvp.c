/* jvp.c -- forward mode: the derivative of root along a direction, in one
 * sweep over the topological order carrying a tangent beside each value.
 *
 * Each node's tangent is d(node)/ds when the leaves move as x + s t: the sum
 * over its inputs of local derivative * the input's tangent, the chain rule
 * taken from the inputs up instead of from the root down.  One sweep gives
 * one directional derivative for every node; reverse mode (mg_backward)
 * gives every input's derivative of one node.  The local derivatives are the
 * op table's (ops.h), the ones mg_backward uses. */
#include "core/ops.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* 0 when leaf k can carry a tangent; else -1, the reason recorded in g's
 * language. */
static int check_leaf(mg_graph *g, const char *fn, const mg_value *root, const mg_value *x,
                      size_t k) {
    char b1[32], b2[32];
    if (!x) {
        mg__error(g, "%s: leaf %zu is NULL", "%s: la hoja %zu es NULL", fn, k);
    } else if (mg__graph_of(x) != g) {
        mg__error(g, "%s: leaf %zu ('%s') is in another graph than '%s'",
                  "%s: la hoja %zu ('%s') pertenece a otro grafo que '%s'", fn, k, mg__name(x, b1),
                  mg__name(root, b2));
    } else if (x->op != MG_OP_LEAF) {
        mg__error(g, "%s: '%s' is not a leaf (it is a %s node)",
                  "%s: '%s' no es una hoja (es un nodo %s)", fn, mg__name(x, b1),
                  mg_op_name((mg_op)x->op));
    } else return 0;
    return -1;
}

double *mg__jvp_all(const char *fn, const mg_value *root, mg_value *const *leaves,
                    const double *tangent, size_t n_leaves, mg_value ***order_out,
                    size_t *n_out) {
    *order_out = NULL;
    *n_out = 0;
    if (!root) return NULL;
    mg_graph *g = mg__graph_of(root);
    if (n_leaves && (!leaves || !tangent)) {
        mg__error(g, "%s: the array of leaves or of tangents is NULL",
                  "%s: el arreglo de hojas o de tangentes es NULL", fn);
        return NULL;
    }
    for (size_t k = 0; k < n_leaves; k++)
        if (check_leaf(g, fn, root, leaves[k], k)) return NULL;
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    if (!topo) return NULL;
    mg_value **order = malloc(n * sizeof *order);
    double *t = calloc(n, sizeof *t);
    mg__pos pos = {0};
    if (!order || !t) goto oom;
    memcpy(order, topo, n * sizeof *order);
    if (mg__pos_init(&pos, order, n)) goto oom;
    /* the direction: a leaf listed twice moves by the sum */
    for (size_t k = 0; k < n_leaves; k++) {
        size_t i = mg__pos_of(&pos, leaves[k]);
        if (i < n) t[i] += tangent[k];
    }
    for (size_t i = 0; i < n; i++) {
        mg_value *v = order[i];
        if (v->op == MG_OP_LEAF) continue;
        double s = 0.0;
        for (size_t k = 0, arity = mg__arity(v); k < arity; k++) {
            double tk = t[mg__pos_of(&pos, mg__input(v, k))];
            if (tk == 0.0) continue;           /* no dependence: nothing to add */
            double local = mg__local_grad(v, k);
            if (local == 0.0) continue;        /* as a where: 0 even if tk is inf */
            s += local * tk;
        }
        t[i] = s;
    }
    mg__pos_free(&pos);
    *order_out = order;
    *n_out = n;
    return t;

oom:
    mg__pos_free(&pos);
    free(order);
    free(t);
    mg__error(g, "%s: out of memory", "%s: sin memoria", fn);
    return NULL;
}

double mg_jvp(const mg_value *root, mg_value *const *leaves, const double *tangent, size_t n) {
    mg_value **order;
    size_t n_order;
    double *t = mg__jvp_all("mg_jvp", root, leaves, tangent, n, &order, &n_order);
    if (!t) return NAN;
    double d = t[n_order - 1];
    free(t);
    free(order);
    return d;
}
