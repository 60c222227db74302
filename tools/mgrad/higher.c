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
    char q[40];   /* the name as messages quote it: cut at a whole letter */
    mgrad__quote(q, name ? name : "", name ? strlen(name) : 0);
    if (!s) {
        fprintf(err, es ? "mgrad: %s %s: el programa no tiene ningún nodo con ese nombre\n"
                        : "mgrad: %s %s: the program has no node of that name\n",
                opt, q);
        return NULL;
    }
    if (mg_value_op(s->node) != MG_OP_LEAF) {
        fprintf(err, es ? "mgrad: %s %s: no es una hoja (una entrada, un peso o un sesgo); "
                          "se deriva respecto de hojas\n"
                        : "mgrad: %s %s: not a leaf (an input, weight or bias); derivatives "
                          "are taken with respect to leaves\n",
                opt, q);
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

/* x for people in 16 columns, with '.' whatever the locale. */
static void put_num(FILE *out, double x) {
    char b[48];
    mg_num_format(b, sizeof b, "%16.9g", x);
    fputs(b, out);
}

/* s, then blanks up to `width` terminal columns (names may be pérdida, η). */
static void put_left(FILE *out, const char *s, size_t width) {
    fputs(s, out);
    for (size_t w = mgrad__text_width(s, strlen(s)); w < width; w++) fputc(' ', out);
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
    size_t w = 4;
    for (size_t j = 0; lab && j <= n; j++) {
        size_t len = strlen(L) + 2 * strlen(name) + (j < n ? strlen(names[j]) : 0) + 16;
        if (!(lab[j] = malloc(len))) break;
        if (j == n) snprintf(lab[j], len, "d%s/d%s", L, name);
        else if (leaves[j] == x) snprintf(lab[j], len, "d2%s/d%s2", L, name);
        else snprintf(lab[j], len, "d2%s/d%s d%s", L, name, names[j]);
        size_t cols = mgrad__text_width(lab[j], strlen(lab[j]));
        if (cols > w) w = cols;
    }
    int ok = lab && lab[n];
    if (ok) {
        put_left(out, lab[n], w);   /* the first derivative, then the second ones */
        fputs("  ", out);
        put_num(out, d1->data);
        fputc('\n', out);
        for (size_t j = 0; j < n; j++) {
            put_left(out, lab[j], w);
            fputs("  ", out);
            put_num(out, d2[j]->data);
            fputc('\n', out);
        }
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
    size_t w = 4;
    for (size_t j = 0; j < n; j++) {
        size_t cols = mgrad__text_width(names[j], strlen(names[j]));
        if (cols > w) w = cols > 40 ? 40 : cols;
    }
    put_left(out, "", w);
    for (size_t j = 0; j < n; j++) {   /* each name right-aligned over its column */
        fputs("  ", out);
        for (size_t c = mgrad__text_width(names[j], strlen(names[j])); c < 16; c++) fputc(' ', out);
        fputs(names[j], out);
    }
    fputc('\n', out);
    int rc = MGRAD_OK;
    for (size_t i = 0; i < n && rc == MGRAD_OK; i++) {
        /* row i: the derivatives of d L / d x_i */
        if (mg_grad_n(d1[i], leaves, n, row)) {
            rc = grad_failed(p, err);
            break;
        }
        put_left(out, names[i], w);
        for (size_t j = 0; j < n; j++) {
            fputs("  ", out);
            put_num(out, row[j]->data);
        }
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
