/* test_worksheets.c -- every worksheet in worksheets/ (the formulas the man
 * page and the docs hand to mgrad) runs with the values its "# values:"
 * line gives, and its named nodes hold the reference numbers of
 * tests/data/ (computed apart from this project: see tests/data/README.md)
 * or the published ones. */
#define _POSIX_C_SOURCE 200809L   /* popen */
#include "test_util.h"

#include "../tools/mgrad/mgrad.h"
#include "../tools/mgrad/parse.h"

/* Field `col` (0-based) of the first line of tests/data/<file> whose first
 * fields are key1 (and key2 when not NULL), read as a number. */
static double ref(const char *file, const char *key1, const char *key2, int col) {
    char path[256], line[1024];
    snprintf(path, sizeof path, "tests/data/%s", file);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    double x = NAN;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *field[8];
        int n = 0;
        for (char *p = strtok(line, "\t\n"); p && n < 8; p = strtok(NULL, "\t\n")) field[n++] = p;
        if (n <= col || strcmp(field[0], key1) || (key2 && strcmp(field[1], key2))) continue;
        x = strtod(field[col], NULL);
        break;
    }
    fclose(f);
    cr_assert(!isnan(x), "%s: no row %s %s", file, key1, key2 ? key2 : "");
    return x;
}

/* Run worksheets/<name>.mg with the values of its "# values:" line. */
static mgrad_prog run_sheet(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "worksheets/%s.mg", name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    char *src = mgt_slurp(f);   /* reads from the start up to here, and closes f */
    mgrad_prog p;
    cr_assert_eq(mgrad_prog_init(&p), 0);
    const char *values = strstr(src, "# values:");
    cr_assert_not_null(values, "%s has no '# values:' line", path);
    char defs[1024];
    size_t len = strcspn(values + 9, "\n");
    cr_assert_lt(len, sizeof defs);
    memcpy(defs, values + 9, len);
    defs[len] = '\0';
    for (char *d = strtok(defs, " "); d; d = strtok(NULL, " "))
        cr_assert_eq(mgrad_define(&p, d), 0, "%s: %s: %s", path, d, p.error);
    cr_assert_eq(mgrad_parse(&p, src, strlen(src)), 0, "%s: %s", path, p.error);
    mg_backward(p.root);
    free(src);
    return p;
}

static const mg_value *node(const mgrad_prog *p, const char *name) {
    mgrad_sym *s = mgrad_lookup(p, name, strlen(name));
    cr_assert_not_null(s, "no node named %s", name);
    return s->node;
}

#define REL 1e-12
#define EXPECT_NEAR(got, want, what)                                                         \
    cr_expect(mgt_close((got), (want), REL), "%s = %.17g, reference %.17g", (what), (got), \
              (want))

/* lecture.tsv's rows of one example: data in column 2, grad in column 3. */
static void check_lecture_rows(const char *sheet, const char *example, const char *const *names) {
    mgrad_prog p = run_sheet(sheet);
    for (size_t i = 0; names[i]; i++) {
        const mg_value *v = node(&p, names[i]);
        EXPECT_NEAR(v->data, ref("lecture.tsv", example, names[i], 2), names[i]);
        EXPECT_NEAR(v->grad, ref("lecture.tsv", example, names[i], 3), names[i]);
    }
    mgrad_prog_free(&p);
}

Test(worksheets, lecture_expression) {
    static const char *const names[] = {"a", "b", "c", "e", "d", "f", "L", NULL};
    check_lecture_rows("lecture", "expr", names);
}

Test(worksheets, lecture_neuron) {
    static const char *const names[] = {"x1", "x2", "w1", "w2", "b", "n", "o", NULL};
    check_lecture_rows("neuron", "neuron", names);
}

Test(worksheets, mazur_forward_and_every_gradient) {
    mgrad_prog p = run_sheet("mazur");
    static const char *const values[] = {"net_h1", "net_h2", "out_h1", "out_h2", "net_o1",
                                         "net_o2", "out_o1", "out_o2", "E_o1", "E_o2",
                                         "E_total", NULL};
    for (size_t i = 0; values[i]; i++)
        EXPECT_NEAR(node(&p, values[i])->data, ref("mazur.tsv", values[i], NULL, 2), values[i]);
    /* dE/dX in the reference is the grad of node X */
    static const char *const grads[] = {"w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8",
                                        "b1", "b2", "out_o1", "out_o2", "net_o1", "net_o2",
                                        "out_h1", "out_h2", NULL};
    for (size_t i = 0; grads[i]; i++) {
        char key[32];
        snprintf(key, sizeof key, "dE/d%s", grads[i]);
        EXPECT_NEAR(node(&p, grads[i])->grad, ref("mazur.tsv", key, NULL, 2), key);
    }
    mgrad_prog_free(&p);
}

Test(worksheets, cs231n_sigmoid_neuron) {
    mgrad_prog p = run_sheet("cs231n");
    EXPECT_NEAR(node(&p, "dot")->data, ref("cs231n.tsv", "neuron", "dot", 2), "dot");
    EXPECT_NEAR(node(&p, "f")->data, ref("cs231n.tsv", "neuron", "f", 2), "f");
    EXPECT_NEAR(node(&p, "dot")->grad, ref("cs231n.tsv", "neuron", "d_dot", 2), "d_dot");
    static const char *const leaves[] = {"x0", "x1", "w0", "w1", "w2", NULL};
    for (size_t i = 0; leaves[i]; i++) {
        char key[8];
        snprintf(key, sizeof key, "d%s", leaves[i]);
        EXPECT_NEAR(node(&p, leaves[i])->grad, ref("cs231n.tsv", "neuron", key, 2), key);
    }
    mgrad_prog_free(&p);
}

Test(worksheets, cs231n_staged_example) {
    mgrad_prog p = run_sheet("staged");
    EXPECT_NEAR(node(&p, "f")->data, ref("cs231n.tsv", "staged", "f", 2), "f");
    EXPECT_NEAR(node(&p, "x")->grad, ref("cs231n.tsv", "staged", "dx", 2), "dx");
    EXPECT_NEAR(node(&p, "y")->grad, ref("cs231n.tsv", "staged", "dy", 2), "dy");
    mgrad_prog_free(&p);
}

/* micrograd's README prints these three numbers. */
Test(worksheets, micrograd_readme_expression) {
    mgrad_prog p = run_sheet("readme");
    EXPECT_NEAR(node(&p, "g")->data, 24.70408163265306, "g");
    EXPECT_NEAR(node(&p, "a")->grad, 138.83381924198252, "a.grad");
    EXPECT_NEAR(node(&p, "b")->grad, 645.5772594752186, "b.grad");
    mgrad_prog_free(&p);
}

/* Every worksheet in the folder is one of the above: a new one needs its
 * test here. */
Test(worksheets, each_worksheet_has_a_test) {
    static const char *const known[] = {"lecture.mg", "neuron.mg", "mazur.mg", "cs231n.mg",
                                        "staged.mg", "readme.mg", NULL};
    FILE *ls = popen("ls worksheets", "r");
    cr_assert_not_null(ls);
    char name[256];
    int n = 0;
    while (fgets(name, sizeof name, ls)) {
        name[strcspn(name, "\n")] = '\0';
        int found = 0;
        for (size_t i = 0; known[i]; i++) found |= !strcmp(known[i], name);
        cr_expect(found, "worksheets/%s has no test in tests/test_worksheets.c", name);
        n++;
    }
    pclose(ls);
    cr_expect_eq(n, 6);
}
