/* dump.c -- every node on one line: id, label, op, inputs, data, grad and
 * the local derivatives towards its inputs, for people or for programs. */
#include "teach/teach.h"

#include <string.h>

/* The op column: the op's name, with the exponent for pow ("pow(2)"). */
static int op_text(char buf[48], const mg_value *v) {
    if (v->op == MG_OP_POW) {
        char k[32];
        mg_num_format(k, sizeof k, "%.17g", v->u.pow.k);
        return snprintf(buf, 48, "pow(%s)", k);
    }
    return snprintf(buf, 48, "%s", mg_op_name((mg_op)v->op));
}

/* A number as the dump prints it: %.9f for people, %.17g when exact;
 * always with '.' (mg_num_format), whatever the locale. */
static char *dump_num(char buf[32], double x, int exact) {
    if (exact) {
        mg_num_format(buf, 32, "%.17g", x);
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
    mg_lang lang = mg_graph_lang(mg__graph_of(root));
    int exact = tsv || (flags & MG_DUMP_ROUNDTRIP);
    char buf[48];

    if (tsv) {
        /* column names are keys for programs: the same in every language */
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
    const char *h_label = MG__TEXT(lang, "label", "etiqueta");
    const char *h_inputs = MG__TEXT(lang, "inputs", "entradas");
    size_t w_id = 2, w_label = strlen(h_label), w_op = 2, w_in = strlen(h_inputs);
    size_t w_num = exact ? 24 : 16;
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
    fprintf(out, "%*s  %-*s  %-*s  %-*s  %*s  %*s  %s\n", (int)w_id, "id", (int)w_label, h_label,
            (int)w_op, "op", (int)w_in, h_inputs, (int)w_num, MG__TEXT(lang, "data", "valor"),
            (int)w_num, "grad",
            MG__TEXT(lang, "local grads d(node)/d(input)", "derivadas locales d(nodo)/d(entrada)"));
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

