/* teach_util.h -- what the teaching-output suites (test_dot.c, test_trace.c,
 * test_gradcheck.c) share: the lecture's graphs, output captured into a
 * string, the reference tables, and a seeded generator of random graphs. */
#ifndef MG_TEACH_UTIL_H
#define MG_TEACH_UTIL_H

#define _POSIX_C_SOURCE 200809L   /* mkdir, popen */

#include <criterion/criterion.h>
#include <math.h>
#include <micrograd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_util.h"   /* mgt_slurp */

#ifndef MG_TEST_DOT_DIR
#define MG_TEST_DOT_DIR "build/tests/dot"
#endif

/* ------------------------------------------------------ captured output */

/* A fresh tmpfile to write into. */
static inline FILE *teach_tmp(void) {
    FILE *f = tmpfile();
    cr_assert(f != NULL, "tmpfile failed");
    return f;
}

/* Write text to MG_TEST_DOT_DIR/name, for `make check-dot` to render. */
static inline void teach_save_dot(const char *name, const char *text) {
    char path[512];
    /* mkdir -p, one level at a time */
    snprintf(path, sizeof path, "%s", MG_TEST_DOT_DIR);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        mkdir(path, 0777);
        *p = '/';
    }
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/%s", MG_TEST_DOT_DIR, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f != NULL, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* ---------------------------------------------------- reference tables */

/* The number in column `col` (0-based, tab-separated) of the first row of
 * tests/data/<file> whose first two fields are key1 and key2.  Fails the
 * test when there is none: golden numbers come from these files only. */
static inline double teach_ref(const char *file, const char *key1, const char *key2, int col) {
    char path[256], line[1024];
    snprintf(path, sizeof path, "tests/data/%s", file);
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "cannot open %s (run the tests from the project root)", path);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        line[strcspn(line, "\r\n")] = 0;
        char *field[8];
        int n = 0;
        for (char *p = line; n < 8;) {
            field[n++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = 0;
            p = tab + 1;
        }
        if (n > col && !strcmp(field[0], key1) && !strcmp(field[1], key2)) {
            fclose(f);
            char *end;
            double x = strtod(field[col], &end);
            cr_assert(end != field[col], "%s: %s %s: no number in column %d", path, key1, key2, col);
            return x;
        }
    }
    fclose(f);
    cr_assert_fail("%s: no row '%s' '%s'", path, key1, key2);
    return NAN;
}

/* ------------------------------------------------------ lecture graphs */

/* The lecture's tanh neuron; v[0..9] = x1 x2 w1 w2 b x1*w1 x2*w2
 * "x1*w1 + x2*w2" n o, in creation order.  Returns o. */
static const char *const teach_neuron_names[10] = {"x1", "x2", "w1", "w2", "b", "x1*w1",
                                                   "x2*w2", "x1*w1 + x2*w2", "n", "o"};
static inline mg_value *teach_neuron(mg_graph *g, mg_value *v[10]) {
    v[0] = mg_leaf(g, 2.0, "x1");
    v[1] = mg_leaf(g, 0.0, "x2");
    v[2] = mg_leaf(g, -3.0, "w1");
    v[3] = mg_leaf(g, 1.0, "w2");
    v[4] = mg_leaf(g, 6.8813735870195432, "b");
    v[5] = mg_label(mg_mul(v[0], v[2]), "x1*w1");
    v[6] = mg_label(mg_mul(v[1], v[3]), "x2*w2");
    v[7] = mg_label(mg_add(v[5], v[6]), "x1*w1 + x2*w2");
    v[8] = mg_label(mg_add(v[7], v[4]), "n");
    v[9] = mg_label(mg_tanh(v[8]), "o");
    cr_assert(v[9] != NULL, "%s", mg_graph_error(g));
    return v[9];
}

/* The lecture's first expression; v[0..6] = a b c e d f L.  Returns L. */
static const char *const teach_expr_names[7] = {"a", "b", "c", "e", "d", "f", "L"};
static inline mg_value *teach_expr(mg_graph *g, mg_value *v[7]) {
    v[0] = mg_leaf(g, 2.0, "a");
    v[1] = mg_leaf(g, -3.0, "b");
    v[2] = mg_leaf(g, 10.0, "c");
    v[3] = mg_label(mg_mul(v[0], v[1]), "e");
    v[4] = mg_label(mg_add(v[3], v[2]), "d");
    v[5] = mg_leaf(g, -2.0, "f");
    v[6] = mg_label(mg_mul(v[4], v[5]), "L");
    cr_assert(v[6] != NULL, "%s", mg_graph_error(g));
    return v[6];
}

/* -------------------------------------------------------- random graphs */

/* splitmix64: the tests' own generator, the same on every platform. */
typedef struct teach_rng { uint64_t s; } teach_rng;
static inline uint64_t teach_next(teach_rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}
static inline double teach_uniform(teach_rng *r, double lo, double hi) {
    return lo + (hi - lo) * (double)(teach_next(r) >> 11) * 0x1p-53;
}
static inline size_t teach_below(teach_rng *r, size_t n) { return (size_t)(teach_next(r) % n); }

/* A random expression graph: n_leaves leaves ("x0", "x1", ...) in [-2, 2],
 * then n_ops operations of every kind, each on nodes drawn from everything
 * made so far (so nodes are reused, sometimes twice by the same op), and a
 * root summing the last 16 nodes with a few random ones.  Inputs are kept
 * where the op is smooth: log, pow -1 and pow 0.5 see a*a + 0.5, div
 * divides by b*b + 1, relu only sees inputs at least 0.05 away from its
 * kink, and any value above 10 in size goes through tanh.  Stores the
 * leaves in leaves[0..n_leaves) and returns the root. */
static inline mg_value *teach_random_graph(mg_graph *g, uint64_t seed, size_t n_leaves,
                                           size_t n_ops, mg_value **leaves) {
    teach_rng r = {seed};
    size_t cap = n_leaves + n_ops + 32, np = 0;
    mg_value **pool = malloc(cap * sizeof *pool);
    cr_assert(pool != NULL);
    for (size_t i = 0; i < n_leaves; i++) {
        char name[16];
        snprintf(name, sizeof name, "x%zu", i);
        leaves[i] = pool[np++] = mg_leaf(g, teach_uniform(&r, -2.0, 2.0), name);
    }
    for (size_t k = 0; k < n_ops; k++) {
        mg_value *a = pool[teach_below(&r, np)], *b = pool[teach_below(&r, np)], *v = NULL;
        static const double exps[4] = {2.0, 3.0, -1.0, 0.5};
        switch (teach_below(&r, 14)) {
        case 0: v = mg_add(a, b); break;
        case 1: v = mg_sub(a, b); break;
        case 2: v = mg_mul(a, b); break;
        case 3: v = mg_div(a, mg_add_c(mg_mul(b, b), 1.0)); break;
        case 4: v = mg_neg(a); break;
        case 5: {
            double e = exps[teach_below(&r, 4)];
            v = mg_pow(e >= 2.0 ? a : mg_add_c(mg_mul(a, a), 0.5), e);
            break;
        }
        case 6: v = mg_exp(a); break;
        case 7: v = mg_log(mg_add_c(mg_mul(a, a), 0.5)); break;
        case 8: v = mg_tanh(a); break;
        case 9: v = fabs(a->data) >= 0.05 ? mg_relu(a) : mg_tanh(a); break;
        case 10: v = mg_sigmoid(a); break;
        case 11: {
            mg_value *xs[5];
            size_t m = 2 + teach_below(&r, 4);
            for (size_t i = 0; i < m; i++) xs[i] = pool[teach_below(&r, np)];
            v = mg_sum(xs, m);
            break;
        }
        case 12: {
            /* one draw per statement: initializers are not sequenced */
            mg_value *w[2], *x[2];
            w[0] = a;
            w[1] = pool[teach_below(&r, np)];
            x[0] = b;
            x[1] = pool[teach_below(&r, np)];
            v = mg_neuron(pool[teach_below(&r, np)], w, x, 2);
            break;
        }
        default: v = mg_mul(a, a); break;   /* the same node twice */
        }
        cr_assert(v != NULL, "%s", mg_graph_error(g));
        if (fabs(v->data) > 10.0) v = mg_tanh(v);
        pool[np++] = v;
    }
    mg_value *xs[20];
    size_t m = 0;
    for (size_t i = np >= 16 ? np - 16 : 0; i < np; i++) xs[m++] = pool[i];
    while (m < 20) xs[m++] = pool[teach_below(&r, np)];
    mg_value *root = mg_label(mg_sum(xs, m), "root");
    free(pool);
    cr_assert(root != NULL, "%s", mg_graph_error(g));
    return root;
}

#endif
