/* trace_forward.c -- forward mode in words: every node's tangent, inputs
 * first, as the chain rule from the leaves up.  (trace.c narrates reverse
 * mode, from the root down.)  The numbers are mg_jvp's own. */
#include "teach/teach.h"

#include <stdlib.h>

/* The one leaf that moves, when the direction is "that leaf by 1" (then
 * t(v) is dv/dx and the narration says so); NULL otherwise. */
static const mg_value *unit_direction(mg_value *const *leaves, const double *tangent, size_t n) {
    const mg_value *x = NULL;
    for (size_t k = 0; k < n; k++) {
        if (tangent[k] == 0.0) continue;
        if (x || tangent[k] != 1.0) return NULL;
        x = leaves[k];
    }
    return x;
}

static void header(FILE *out, int es, const mg_value *root, const mg_value *x, size_t n_nodes) {
    fputs("# ", out);
    if (x) {
        fputs(es ? "modo directo (hacia adelante) según " : "forward mode along ", out);
        mg__put_name(out, x);
        fputs(": t(v) = dv/", out);
        mg__put_dname(out, x);
        fprintf(out, es ? " para cada uno de los %zu nodos de " : " for each of the %zu nodes of ",
                n_nodes);
        mg__put_name(out, root);
        fputs(es ? ", primero las entradas; t(" : ", inputs first; t(", out);
        mg__put_name(out, x);
        fputs(es ? ") = 1 y las demás hojas 0\n" : ") = 1, every other leaf 0\n", out);
    } else {
        fprintf(out, es ? "modo directo (hacia adelante): t(v) = dv/ds cuando las hojas se mueven "
                          "como x + s*t, para cada uno de los %zu nodos de "
                        : "forward mode: t(v) = dv/ds when the leaves move as x + s*t, for each "
                          "of the %zu nodes of ",
                n_nodes);
        mg__put_name(out, root);
        fputs(es ? ", primero las entradas; las hojas no nombradas abajo tienen t = 0\n"
                 : ", inputs first; leaves not listed below have t = 0\n",
              out);
    }
}

int mg_trace_forward(FILE *out, const mg_value *root, mg_value *const *leaves,
                     const double *tangent, size_t n) {
    if (!out || !root) return -1;
    mg_value **order;
    size_t n_order;
    double *t = mg__jvp_all("mg_trace_forward", root, leaves, tangent, n, &order, &n_order);
    if (!t) return -1;
    mg__pos pos;
    if (mg__pos_init(&pos, order, n_order)) {
        free(t);
        free(order);
        return -1;
    }
    int es = mg_graph_lang(mg__graph_of(root)) == MG_LANG_ES;
    const mg_value *x = unit_direction(leaves, tangent, n);
    char b1[32], b2[32];
    header(out, es, root, x, n_order);
    for (size_t i = 0; i < n_order; i++) {
        mg_value *v = order[i];
        if (v->op == MG_OP_LEAF) {
            /* the direction itself: only the leaves that move */
            if (t[i] == 0.0) continue;
            fputs("t(", out);
            mg__put_name(out, v);
            fprintf(out, ") = %s\n", mg__fmt_num(b1, t[i]));
            continue;
        }
        fputs("t(", out);
        mg__put_name(out, v);
        fputs(") = ", out);
        size_t arity = mg__arity(v), terms = 0;
        /* the terms mg_jvp adds: inputs whose tangent is not 0 */
        for (size_t k = 0; k < arity; k++) {
            mg_value *in = mg__input(v, k);
            if (t[mg__pos_of(&pos, in)] == 0.0) continue;
            if (terms++) fputs(" + ", out);
            mg__put_dname(out, v);
            fputc('/', out);
            mg__put_dname(out, in);
            fputs(" * t(", out);
            mg__put_name(out, in);
            fputc(')', out);
        }
        if (!terms) {
            fputs(es ? "0  (ninguna de sus entradas se mueve)\n" : "0  (none of its inputs moves)\n",
                  out);
            continue;
        }
        fputs(" = ", out);
        terms = 0;
        for (size_t k = 0; k < arity; k++) {
            double tk = t[mg__pos_of(&pos, mg__input(v, k))];
            if (tk == 0.0) continue;
            if (terms++) fputs(" + ", out);
            fprintf(out, "%s * %s", mg__fmt_num(b1, mg__local_grad(v, k)), mg__fmt_num(b2, tk));
        }
        fprintf(out, " = %s\n", mg__fmt_num(b1, t[i]));
    }
    /* the answer, named as the reader asked for it */
    double d = t[n_order - 1];
    if (x) {
        fputs(es ? "así que " : "so ", out);
        mg__put_dname(out, root);
        fputc('/', out);
        mg__put_dname(out, x);
    } else {
        fputs(es ? "así que la derivada de " : "so the derivative of ", out);
        mg__put_name(out, root);
        fputs(es ? " en esa dirección" : " along that direction", out);
    }
    fprintf(out, es ? " = %s (un solo barrido hacia adelante por %zu nodos)\n"
                    : " = %s (one forward sweep over %zu nodes)\n",
            mg__fmt_num(b1, d), n_order);
    mg__pos_free(&pos);
    free(t);
    free(order);
    return mg__finish(out);
}
