/* trace.c -- backprop in words: the backward pass narrated edge by edge.
 * (mg_explain, the sum over paths, is in explain.c; the dump in dump.c.)
 * The words are in the graph's language; the math is the same in both. */
#include "teach/teach.h"

#include <stdlib.h>
#include <string.h>

void mg__put_trace_edge(FILE *out, const mg_value *v, const mg_value *in, double g, double local,
                        double product, double before, double after) {
    mg_lang lang = mg_graph_lang(mg_value_graph(v));
    char b1[32], b2[32], b3[32];
    fputs("grad(", out);
    mg__put_name(out, in);
    fputs(") += grad(", out);
    mg__put_name(out, v);
    fputs(") * ", out);
    mg__put_dname(out, v);
    fputc('/', out);
    mg__put_dname(out, in);
    fprintf(out, " = %s * %s = %s", mg__fmt_num(b1, g), mg__fmt_num(b2, local),
            mg__fmt_num(b3, product));
    /* a node that is used twice, or a leaf that keeps an earlier grad, adds
     * up: show the running total so the sum is not a surprise */
    if (before != 0.0)
        fprintf(out, MG__TEXT(lang, "  (now %s)", "  (ahora %s)"), mg__fmt_num(b1, after));
    fputc('\n', out);
}

void mg__put_trace_root(FILE *out, const mg_value *root, int accumulates, double after) {
    mg_lang lang = mg_graph_lang(mg_value_graph(root));
    char b[32];
    fputs("grad(", out);
    mg__put_name(out, root);
    if (accumulates)
        fprintf(out, MG__TEXT(lang, ") += 1  (now %s)\n", ") += 1  (ahora %s)\n"),
                mg__fmt_num(b, after));
    else fputs(") = 1\n", out);
}

/* One chain-rule step, the way mg_backward takes it:
 *   grad(in) += grad(v) * dv/din = g * local = product [, total]
 * The arithmetic is mg_backward's, operand for operand (local * g, then +=),
 * so the grads the trace leaves are bit for bit those of mg_backward. */
static void trace_edge(FILE *out, mg_value *v, size_t i, double g) {
    mg_value *in = mg__input(v, i);
    double local = mg__local_grad(v, i);
    double product = local * g;
    double before = in->grad;
    in->grad += product;
    mg__put_trace_edge(out, v, in, g, local, product, before, in->grad);
}

int mg_trace_backward(FILE *out, mg_value *root) {
    if (!out || !root) return -1;
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    if (!topo) return -1;
    mg_lang lang = mg_graph_lang(mg__graph_of(root));

    /* the same start as mg_backward: intermediates from zero, leaves keep
     * what they have (they accumulate across calls) */
    mg__graph_of(root)->grad_writes++;
    for (size_t i = 0; i < n; i++)
        if (topo[i]->op != MG_OP_LEAF) topo[i]->grad = 0.0;
    fputs(MG__TEXT(lang, "# backward from ", "# retropropagación desde "), out);
    mg__put_name(out, root);
    fprintf(out,
            MG__TEXT(lang,
                     " over %zu nodes, each before its inputs: non-leaf grads start at 0, "
                     "leaves accumulate\n",
                     " por %zu nodos, cada uno antes que sus entradas: los gradientes de los "
                     "nodos internos parten de 0 y las hojas acumulan\n"),
            n);
    if (root->op == MG_OP_LEAF) root->grad += 1.0;
    else root->grad = 1.0;
    mg__put_trace_root(out, root, root->op == MG_OP_LEAF, root->grad);
    for (size_t i = n; i-- > 0;) {
        mg_value *v = topo[i];
        double g = v->grad;   /* as mg_backward reads it */
        size_t arity = mg__arity(v);
        for (size_t k = 0; k < arity; k++) trace_edge(out, v, k, g);
    }
    return mg__finish(out);
}
