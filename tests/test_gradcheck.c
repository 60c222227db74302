/* test_gradcheck.c -- finite differences against backward on every op, on
 * the lecture's graphs and on random graphs; and proof that the check
 * catches a wrong gradient. */
#include "teach_util.h"

#include "teach/teach.h"   /* mg__gradcheck_with: the check with a broken backward */

#define TOL 1e-6

/* Check root over its leaves, expecting agreement to TOL. */
static double expect_agrees(mg_value *root, mg_value *const *leaves, size_t n, const char *what) {
    double err = mg_gradcheck(root, leaves, n, 0.0, NULL);
    cr_expect(err <= TOL, "%s: worst error %.3g", what, err);
    return err;
}

Test(gradcheck, every_op) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 0.7, "a"), *b = mg_leaf(g, -1.3, "b"), *p = mg_leaf(g, 1.9, "p");
    mg_value *ab[2] = {a, b};
    struct { const char *name; mg_value *v; } ops[] = {
        {"add", mg_add(a, b)},          {"sub", mg_sub(a, b)},
        {"mul", mg_mul(a, b)},          {"div", mg_div(a, b)},
        {"neg", mg_neg(a)},             {"pow 2", mg_pow(b, 2.0)},
        {"pow 3", mg_pow(b, 3.0)},      {"pow -1", mg_pow(b, -1.0)},
        {"pow 0.5", mg_pow(p, 0.5)},    {"exp", mg_exp(b)},
        {"log", mg_log(p)},             {"tanh", mg_tanh(a)},
        {"relu +", mg_relu(a)},         {"relu -", mg_relu(b)},
        {"sigmoid", mg_sigmoid(b)},     {"sum", mg_sum(ab, 2)},
        {"mul self", mg_mul(a, a)},     {"sigmoid far", mg_sigmoid(mg_mul_c(a, 30.0))},
    };
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        cr_assert(ops[i].v != NULL, "%s: %s", ops[i].name, mg_graph_error(g));
        mg_value *leaves[3] = {a, b, p};
        expect_agrees(ops[i].v, leaves, 3, ops[i].name);
    }
    /* the fused neuron b + w0 x0 + w1 x1, every input a leaf */
    mg_value *w[2] = {mg_leaf(g, 0.3, "w0"), mg_leaf(g, -0.8, "w1")};
    mg_value *x[2] = {mg_leaf(g, 1.1, "x0"), mg_leaf(g, 2.4, "x1")};
    mg_value *bias = mg_leaf(g, 0.05, "bias");
    mg_value *nr = mg_neuron(bias, w, x, 2);
    cr_assert(nr != NULL);
    mg_value *nl[5] = {bias, w[0], w[1], x[0], x[1]};
    expect_agrees(mg_tanh(nr), nl, 5, "neuron");
    mg_graph_free(g);
}

Test(gradcheck, lecture_graphs) {
    mg_graph *g = mg_graph_new();
    mg_value *v[10];
    mg_value *o = teach_neuron(g, v);
    expect_agrees(o, v, 5, "lecture neuron");
    /* the grads it leaves are the reference's (to a few ulp: libm tanh) */
    for (int i = 0; i < 5; i++) {
        double want = teach_ref("lecture.tsv", "neuron", teach_neuron_names[i], 3);
        cr_expect(fabs(v[i]->grad - want) <= 1e-15 * fmax(1.0, fabs(want)), "%s", teach_neuron_names[i]);
    }
    mg_value *e[7];
    mg_value *L = teach_expr(g, e);
    mg_value *leaves[4] = {e[0], e[1], e[2], e[5]};
    expect_agrees(L, leaves, 4, "lecture expression");
    mg_graph_free(g);
}

Test(gradcheck, random_graphs_with_reuse) {
    double worst = 0.0;
    size_t nodes = 0;
    for (uint64_t seed = 100; seed < 130; seed++) {
        mg_graph *g = mg_graph_new();
        mg_value *leaves[10];
        mg_value *root = teach_random_graph(g, seed, 10, 800, leaves);
        size_t n;
        mg_topo(root, &n);
        nodes += n;
        char what[32];
        snprintf(what, sizeof what, "seed %llu", (unsigned long long)seed);
        double err = expect_agrees(root, leaves, 10, what);
        if (err > worst) worst = err;
        mg_graph_free(g);
    }
    cr_log_info("random graphs: %zu nodes checked, worst error %.3g", nodes, worst);
    cr_expect(nodes > 30 * 300, "graphs of hundreds of nodes (%zu in all)", nodes);
}

Test(gradcheck, restores_everything) {
    mg_graph *g = mg_graph_new();
    mg_value *leaves[10];
    mg_value *root = teach_random_graph(g, 5, 10, 200, leaves);
    mg_backward(root);
    size_t n;
    mg_value *const *topo = mg_topo(root, &n);
    double *before = malloc(n * sizeof *before);
    for (size_t i = 0; i < n; i++) before[i] = topo[i]->data;
    double err = mg_gradcheck(root, leaves, 10, 0.0, NULL);
    cr_expect(err <= TOL);
    topo = mg_topo(root, &n);
    for (size_t i = 0; i < n; i++)
        cr_expect(memcmp(&before[i], &topo[i]->data, sizeof(double)) == 0, "node %zu data changed", i);
    /* and the leaves hold d(root)/d(leaf): the same as a clean backward */
    double *grads = malloc(10 * sizeof *grads);
    for (int i = 0; i < 10; i++) grads[i] = leaves[i]->grad;
    mg_zero_grad(root);
    mg_backward(root);
    for (int i = 0; i < 10; i++) cr_expect(grads[i] == leaves[i]->grad, "leaf %d", i);
    free(before), free(grads);
    mg_graph_free(g);
}

/* Whether the report line of leaf `name` ends with `status`. */
static int ends_with(const char *report, const char *name, const char *status) {
    char head[32];
    snprintf(head, sizeof head, "\n  %s ", name);
    const char *line = strstr(report, head);
    if (!line) return 0;
    const char *end = strchr(line + 1, '\n');
    size_t len = strlen(status);
    return end && (size_t)(end - line) > len && !strncmp(end - len, status, len) && *(end - len - 1) == ' ';
}

/* A backward with the classic bug: `=` instead of `+=`, so a node used
 * twice keeps only its last contribution. */
static void overwriting_backward(mg_value *root) {
    size_t n;
    mg_value *const *topo = mg_topo(root, &n);
    for (size_t i = 0; i < n; i++) topo[i]->grad = 0.0;
    root->grad = 1.0;
    for (size_t i = n; i-- > 0;) {
        mg_value *v = topo[i];
        for (size_t k = 0; k < mg_value_arity(v); k++)
            mg_value_input(v, k)->grad = mg_local_grad(v, k) * v->grad;
    }
}

/* A correct backward, then one leaf's gradient nudged by 1e-3. */
static mg_value *victim;
static void mutating_backward(mg_value *root) {
    mg_backward(root);
    victim->grad += 1e-3;
}

Test(gradcheck, flags_a_wrong_gradient) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 3.0, "a"), *b = mg_leaf(g, 0.5, "b");
    /* y = a*a + a*b: dy/da = 2a + b = 6.5 (made in separate statements,
     * since C leaves the order of a call's arguments open) */
    mg_value *aa = mg_mul(a, a);
    mg_value *ab = mg_mul(a, b);
    mg_value *y = mg_label(mg_add(aa, ab), "y");
    mg_value *leaves[2] = {a, b};
    cr_assert(mg_gradcheck(y, leaves, 2, 0.0, NULL) <= TOL);

    FILE *f = teach_tmp();
    double err = mg__gradcheck_with(y, leaves, 2, 0.0, f, overwriting_backward);
    char *text = mgt_slurp(f);
    /* overwriting keeps only the last contribution into a: backward
     * visits a*b and then a*a, whose second slot writes a = 3; off by 3.5
     * against 6.5, an error of 3.5 / (1 + 6.5) */
    cr_expect(fabs(err - 3.5 / 7.5) <= 1e-6, "error %.6g\n%s", err, text);
    cr_expect(ends_with(text, "a", "MISMATCH"), "%s", text);
    cr_expect(ends_with(text, "b", "ok"), "%s", text);
    cr_expect(strstr(text, "worst error 4.67e-01 at a\n") != NULL, "%s", text);
    free(text);

    victim = b;
    f = teach_tmp();
    err = mg__gradcheck_with(y, leaves, 2, 0.0, f, mutating_backward);
    text = mgt_slurp(f);
    cr_expect(fabs(err - 1e-3 / 4.0) <= 1e-9, "error %.6g", err);   /* 1e-3 / (1 + |3|) */
    cr_expect(ends_with(text, "b", "MISMATCH"), "%s", text);
    cr_expect(ends_with(text, "a", "ok"), "%s", text);
    free(text);

    /* a real kink: relu at exactly 0 has backward 0, the difference 1/2:
     * an error of 0.5 / (1 + 0.5) */
    mg_value *z = mg_leaf(g, 0.0, "z");
    mg_value *r = mg_relu(z);
    err = mg_gradcheck(r, &z, 1, 0.0, NULL);
    cr_expect(fabs(err - 1.0 / 3.0) <= 1e-9, "relu at its kink: %.3g", err);
    mg_graph_free(g);
}

Test(gradcheck, bad_input) {
    mg_graph *g = mg_graph_new(), *other = mg_graph_new();
    mg_value *a = mg_leaf(g, -1.0, "a");
    mg_value *l = mg_log(a);   /* log(-1) is NaN: not a number to compare */
    cr_expect(isnan(mg_gradcheck(l, &a, 1, 0.0, NULL)));
    mg_value *sq = mg_mul(a, a);
    FILE *f = teach_tmp();
    mg_value *notleaf[1] = {sq};
    cr_expect(isnan(mg_gradcheck(mg_exp(sq), notleaf, 1, 0.0, f)));
    char *text = mgt_slurp(f);
    cr_expect(strstr(text, "leaf 0 is not a leaf") != NULL, "%s", text);
    free(text);
    mg_value *far = mg_leaf(other, 1.0, "far");
    cr_expect(isnan(mg_gradcheck(sq, &far, 1, 0.0, NULL)));
    mg_value *none[1] = {NULL};
    cr_expect(isnan(mg_gradcheck(sq, none, 1, 0.0, NULL)));
    cr_expect(isnan(mg_gradcheck(NULL, &a, 1, 0.0, NULL)));
    /* an explicit step and a leaf root is not reaching: gradient 0 */
    mg_value *stray = mg_leaf(g, 2.0, "stray");
    mg_value *two[2] = {a, stray};
    cr_expect(mg_gradcheck(sq, two, 2, 1e-5, NULL) <= TOL);
    cr_expect_eq(stray->grad, 0.0);
    cr_expect_eq(a->grad, -2.0);
    mg_graph_free(g), mg_graph_free(other);
}

/* log(x) at x = 1e-8: the old step of 1e-6 crossed zero and called a right
 * gradient (1e8) a mismatch.  Steps follow the leaf's size now. */
Test(gradcheck, small_leaves_get_small_steps) {
    mg_graph *g = mg_graph_new();
    struct { double x; const char *what; } cases[] = {
        {1e-8, "log at 1e-8"}, {1e-300, "log at 1e-300"}, {3e-5, "log at 3e-5"}, {7.0, "log at 7"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mg_value *x = mg_leaf(g, cases[i].x, "x");
        expect_agrees(mg_log(x), &x, 1, cases[i].what);
        if (cases[i].x > 1e-100)   /* 1/x: no crossing either (its derivative at 1e-300 overflows) */
            expect_agrees(mg_pow(x, -1.0), &x, 1, cases[i].what);
        expect_agrees(mg_pow(x, 0.5), &x, 1, cases[i].what);
    }
    /* a large constant beside a small leaf: the step must not shrink
     * below what rounding f allows (f = 1000 + 3x at x = 1e-8) */
    mg_value *x = mg_leaf(g, 1e-8, "x");
    expect_agrees(mg_add_c(mg_mul_c(x, 3.0), 1000.0), &x, 1, "1000 + 3x");
    /* and a negative leaf near zero: log(-x) */
    mg_value *m = mg_leaf(g, -2e-9, "m");
    expect_agrees(mg_log(mg_neg(m)), &m, 1, "log(-m) at m = -2e-9");
    mg_graph_free(g);
}

/* A leaf at the edge of the domain that no step can stay inside: log(x -
 * 1) at x = 1 + 2^-52 (the next double after 1).  It is reported as not
 * checked, not as a mismatch, and left out of the worst error. */
Test(gradcheck, a_leaf_no_step_can_check_is_said_so) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 1.0 + 0x1p-52, "x"), *w = mg_leaf(g, 2.0, "w");
    mg_value *L = mg_label(mg_add(mg_log(mg_add_c(x, -1.0)), mg_mul(w, w)), "L");
    mg_value *leaves[2] = {x, w};
    FILE *f = teach_tmp();
    double err = mg_gradcheck(L, leaves, 2, 0.0, f);
    char *text = mgt_slurp(f);
    cr_expect(err <= TOL, "w checks; x is left out: %.3g\n%s", err, text);
    cr_expect(strstr(text, "NOT CHECKED: a step of") && strstr(text, "leaves the domain"), "%s",
              text);
    cr_expect(!strstr(text, "MISMATCH"), "%s", text);
    cr_expect(strstr(text, "; 1 leaf could not be checked\n"), "%s", text);
    cr_expect_eq(x->data, 1.0 + 0x1p-52, "the leaf got its value back");
    free(text);
    mg_graph_set_lang(g, MG_LANG_ES);
    f = teach_tmp();
    mg_gradcheck(L, leaves, 2, 0.0, f);
    text = mgt_slurp(f);
    cr_expect(strstr(text, "NO VERIFICADA: un paso de") && strstr(text, "sale del dominio"), "%s", text);
    free(text);
    mg_graph_free(g);
}
