/* higher.c -- mgrad's second derivatives (--d2 NAME, --hessian) and forward
 * mode (--forward NAME), on mg_grad and mg_trace_forward.  Every text comes
 * in the language of the program's graph. */
#include "mgrad.h"
#include "parse.h"

#include <stdlib.h>
#include <string.h>

/* The leaf called `name`, or NULL after saying why not (opt names the
 * option in the message). */
static mg_value *leaf_named(const mgrad_prog *p, const char *opt, const char *name, FILE *err) {
    int es = mg_graph_lang(p->g) == MG_LANG_ES;
    mgrad_sym *s = name ? mgrad_lookup(p, name, strlen(name)) : NULL;
    if (!s) {
        fprintf(err, es ? "mgrad: %s %.40s: el programa no tiene ningún nodo con ese nombre\n"
                        : "mgrad: %s %.40s: the program has no node of that name\n",
                opt, name ? name : "");
        return NULL;
    }
    if (mg_value_op(s->node) != MG_OP_LEAF) {
        fprintf(err, es ? "mgrad: %s %.40s: no es una hoja (una entrada, un peso o un sesgo); "
                          "se deriva respecto de hojas\n"
                        : "mgrad: %s %.40s: not a leaf (an input, weight or bias); derivatives "
                          "are taken with respect to leaves\n",
                opt, name);
        return NULL;
    }
    return s->node;
}

/* Every named leaf once (e = a names a's node twice), in definition order,
 * with its first name.  Returns the count; *leaves and *names are malloc'd
 * (NULL when out of memory: returns 0 and sets *leaves to NULL). */
static size_t named_leaves(const mgrad_prog *p, mg_value ***leaves, const char ***names) {
    size_t k = 0;
    *leaves = malloc((p->n_syms + 1) * sizeof **leaves);
    *names = malloc((p->n_syms + 1) * sizeof **names);
    if (!*leaves || !*names) {
        free(*leaves), free(*names);
        *leaves = NULL, *names = NULL;
        return 0;
    }
    for (size_t i = 0; i < p->n_syms; i++) {
        mg_value *v = p->syms[i].node;
        int seen = mg_value_op(v) != MG_OP_LEAF;
        for (size_t j = 0; j < k && !seen; j++) seen = (*leaves)[j] == v;
        if (!seen) (*leaves)[k] = v, (*names)[k++] = p->syms[i].name;
    }
    return k;
}

static int grad_failed(const mgrad_prog *p, FILE *err) {
    int es = mg_graph_lang(p->g) == MG_LANG_ES;
    fprintf(err, es ? "mgrad: no se pudo construir la derivada: %s\n"
                    : "mgrad: building the derivative failed: %s\n",
            mg_graph_error(p->g) ? mg_graph_error(p->g) : "?");
    return MGRAD_USAGE;
}

/* The root's name in d2L/dx2: the last statement's name, else f. */
static const char *root_name(const mgrad_prog *p) { return p->root_name ? p->root_name : "f"; }

int mgrad_print_d2(FILE *out, FILE *err, mgrad_prog *p, const char *name) {
    mg_value *x = leaf_named(p, "--d2", name, err);
    if (!x) return MGRAD_USAGE;
    int es = mg_graph_lang(p->g) == MG_LANG_ES;
    mg_value **leaves;
    const char **names;
    size_t n = named_leaves(p, &leaves, &names);
    if (!leaves) return grad_failed(p, err);
    mg_value **d2 = malloc((n + 1) * sizeof *d2);
    mg_value *d1 = mg_grad(p->root, x);
    if (!d2 || !d1 || mg_grad_n(d1, leaves, n, d2)) {
        free(d2), free(leaves), free(names);
        return grad_failed(p, err);
    }
    const char *L = root_name(p);
    fprintf(out, es ? "# d%s/d%s construida como nodos (mg_grad), y luego su derivada respecto de "
                      "cada hoja con nombre: las segundas derivadas\n"
                    : "# d%s/d%s built as nodes (mg_grad), then its derivative with respect to "
                      "each named leaf: the second derivatives\n",
            L, name);
    /* the labels first, to size the column */
    char **lab = calloc(n + 1, sizeof *lab);
    int w = 4;
    for (size_t j = 0; lab && j <= n; j++) {
        size_t len = strlen(L) + 2 * strlen(name) + (j < n ? strlen(names[j]) : 0) + 16;
        if (!(lab[j] = malloc(len))) break;
        if (j == n) snprintf(lab[j], len, "d%s/d%s", L, name);
        else if (leaves[j] == x) snprintf(lab[j], len, "d2%s/d%s2", L, name);
        else snprintf(lab[j], len, "d2%s/d%s d%s", L, name, names[j]);
        if ((int)strlen(lab[j]) > w) w = (int)strlen(lab[j]);
    }
    int ok = lab && lab[n];
    if (ok) {
        fprintf(out, "%-*s  %16.9g\n", w, lab[n], d1->data);
        for (size_t j = 0; j < n; j++) fprintf(out, "%-*s  %16.9g\n", w, lab[j], d2[j]->data);
    }
    for (size_t j = 0; lab && j <= n; j++) free(lab[j]);
    free(lab), free(d2), free(leaves), free(names);
    if (!ok) return grad_failed(p, err);
    return MGRAD_OK;
}

int mgrad_print_hessian(FILE *out, FILE *err, mgrad_prog *p) {
    int es = mg_graph_lang(p->g) == MG_LANG_ES;
    mg_value **leaves;
    const char **names;
    size_t n = named_leaves(p, &leaves, &names);
    if (!leaves) return grad_failed(p, err);
    mg_value **d1 = malloc((n + 1) * sizeof *d1), **row = malloc((n + 1) * sizeof *row);
    if (!d1 || !row || mg_grad_n(p->root, leaves, n, d1)) {
        free(d1), free(row), free(leaves), free(names);
        return grad_failed(p, err);
    }
    const char *L = root_name(p);
    fprintf(out, es ? "# Hessiana de %s: d2%s/d(fila) d(columna), sobre las hojas con nombre\n"
                    : "# Hessian of %s: d2%s/d(row) d(column), over the named leaves\n",
            L, L);
    int w = 4;
    for (size_t j = 0; j < n; j++)
        if ((int)strlen(names[j]) > w) w = strlen(names[j]) > 40 ? 40 : (int)strlen(names[j]);
    fprintf(out, "%-*s", w, "");
    for (size_t j = 0; j < n; j++) fprintf(out, "  %16.16s", names[j]);
    fputc('\n', out);
    int rc = MGRAD_OK;
    for (size_t i = 0; i < n && rc == MGRAD_OK; i++) {
        /* row i: the derivatives of d L / d x_i */
        if (mg_grad_n(d1[i], leaves, n, row)) {
            rc = grad_failed(p, err);
            break;
        }
        fprintf(out, "%-*.40s", w, names[i]);
        for (size_t j = 0; j < n; j++) fprintf(out, "  %16.9g", row[j]->data);
        fputc('\n', out);
    }
    free(d1), free(row), free(leaves), free(names);
    return rc;
}

int mgrad_print_forward(FILE *out, FILE *err, mgrad_prog *p, const char *name) {
    mg_value *x = leaf_named(p, "--forward", name, err);
    if (!x) return MGRAD_USAGE;
    const double one = 1.0;
    return mg_trace_forward(out, p->root, &x, &one, 1) ? MGRAD_USAGE : MGRAD_OK;
}
