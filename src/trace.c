/* trace.c -- backprop in words: the per-node dump and the narrated backward
 * pass.  (mg_explain, the sum over paths, is in explain.c.) */
#include "teach.h"

#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- dump */

/* The op column: the op's name, with the exponent for pow ("pow(2)"). */
static int op_text(char buf[48], const mg_value *v) {
    if (v->op == MG_OP_POW) return snprintf(buf, 48, "pow(%.17g)", v->u.pow.k);
    return snprintf(buf, 48, "%s", mg_op_name((mg_op)v->op));
}

/* A number as the dump prints it: %.9f for people, %.17g when exact. */
static char *dump_num(char buf[32], double x, int exact) {
    if (exact) {
        snprintf(buf, 32, "%.17g", x);
        return buf;
    }
    return mg__fmt_num(buf, x);
}

/* Input ids, "0,2" ("-" for a leaf); returns the characters written. */
static size_t put_inputs(FILE *out, const mg_value *v) {
    size_t arity = mg__arity(v), n = 0;
    if (!arity) {
        if (out) fputc('-', out);
        return 1;
    }
    for (size_t i = 0; i < arity; i++) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "%s%zu", i ? "," : "", mg_value_id(mg__input(v, i)));
        if (out) fputs(buf, out);
        n += (size_t)len;
    }
    return n;
}

static void pad(FILE *out, size_t written, size_t width) {
    for (; written < width; written++) fputc(' ', out);
}

int mg_dump(FILE *out, const mg_value *root, unsigned flags) {
    if (!out || !root) return -1;
    size_t n;
    mg_value *const *topo = mg__topo(root, &n);
    if (!topo) return -1;
    int tsv = (flags & MG_DUMP_TSV) != 0;
    int exact = tsv || (flags & MG_DUMP_ROUNDTRIP);
    char buf[48];

    if (tsv) {
        fputs("id\tlabel\top\tinputs\tdata\tgrad\tlocal_grads\n", out);
        for (size_t i = 0; i < n; i++) {
            const mg_value *v = topo[i];
            fprintf(out, "%zu\t", mg_value_id(v));
            mg__put_name(out, v);
            op_text(buf, v);
            fprintf(out, "\t%s\t", buf);
            put_inputs(out, v);
            fprintf(out, "\t%s", dump_num(buf, v->data, 1));
            fprintf(out, "\t%s\t", dump_num(buf, v->grad, 1));
            size_t arity = mg__arity(v);
            if (!arity) fputc('-', out);
            for (size_t k = 0; k < arity; k++)
                fprintf(out, "%s%s", k ? "," : "", dump_num(buf, mg__local_grad(v, k), 1));
            fputc('\n', out);
        }
        return mg__finish(out);
    }

    /* aligned columns: measure first; a very long label only widens its
     * column up to 40 characters and then just sticks out */
    size_t w_id = 2, w_label = 5, w_op = 2, w_in = 6, w_num = exact ? 24 : 16;
    for (size_t i = 0; i < n; i++) {
        size_t len = (size_t)snprintf(buf, sizeof buf, "%zu", mg_value_id(topo[i]));
        if (len > w_id) w_id = len;
        len = mg__put_name(NULL, topo[i]);
        if (len > w_label) w_label = len > 40 ? 40 : len;
        len = (size_t)op_text(buf, topo[i]);
        if (len > w_op) w_op = len;
        len = put_inputs(NULL, topo[i]);
        if (len > w_in) w_in = len > 40 ? 40 : len;
    }
    fprintf(out, "%*s  %-*s  %-*s  %-*s  %*s  %*s  %s\n", (int)w_id, "id", (int)w_label, "label",
            (int)w_op, "op", (int)w_in, "inputs", (int)w_num, "data", (int)w_num, "grad",
            "local grads d(node)/d(input)");
    for (size_t i = 0; i < n; i++) {
        const mg_value *v = topo[i];
        fprintf(out, "%*zu  ", (int)w_id, mg_value_id(v));
        pad(out, mg__put_name(out, v), w_label);
        op_text(buf, v);
        fprintf(out, "  %-*s  ", (int)w_op, buf);
        pad(out, put_inputs(out, v), w_in);
        fprintf(out, "  %*s", (int)w_num, dump_num(buf, v->data, exact));
        fprintf(out, "  %*s  ", (int)w_num, dump_num(buf, v->grad, exact));
        size_t arity = mg__arity(v);
        if (!arity) fputc('-', out);
        for (size_t k = 0; k < arity; k++)
            fprintf(out, "%s%s", k ? "  " : "", dump_num(buf, mg__local_grad(v, k), exact));
        fputc('\n', out);
    }
    return mg__finish(out);
}

/* ---------------------------------------------------------------- trace */

/* One chain-rule step, the way mg__chain takes it:
 *   grad(in) += grad(v) * dv/din = g * local = product [, total]
 * The arithmetic is mg__chain's, operand for operand (local * g, then +=),
 * so the grads the trace leaves are bit for bit those of mg_backward. */
static void trace_edge(FILE *out, mg_value *v, size_t i, double g) {
    mg_value *in = mg__input(v, i);
    double local = mg__local_grad(v, i);
    double product = local * g;
    double before = in->grad;
    in->grad += product;

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
    if (before != 0.0) fprintf(out, "  (now %s)", mg__fmt_num(b1, in->grad));
    fputc('\n', out);
}

int mg_trace_backward(FILE *out, mg_value *root) {
    if (!out || !root) return -1;
    size_t n;
    mg_value **topo = mg__topo(root, &n);
    if (!topo) return -1;
    char b[32];

    /* the same start as mg_backward: intermediates from zero, leaves keep
     * what they have (they accumulate across calls) */
    mg__graph_of(root)->fwd_fresh = 0;
    for (size_t i = 0; i < n; i++)
        if (topo[i]->op != MG_OP_LEAF) topo[i]->grad = 0.0;
    fputs("# backward from ", out);
    mg__put_name(out, root);
    fprintf(out, " over %zu nodes, each before its inputs: non-leaf grads start at 0, "
                 "leaves accumulate\n", n);
    fputs("grad(", out);
    mg__put_name(out, root);
    if (root->op == MG_OP_LEAF) {
        root->grad += 1.0;
        fprintf(out, ") += 1  (now %s)\n", mg__fmt_num(b, root->grad));
    } else {
        root->grad = 1.0;
        fputs(") = 1\n", out);
    }
    for (size_t i = n; i-- > 0;) {
        mg_value *v = topo[i];
        double g = v->grad;   /* read once, as mg__chain does */
        size_t arity = mg__arity(v);
        for (size_t k = 0; k < arity; k++) trace_edge(out, v, k, g);
    }
    return mg__finish(out);
}
