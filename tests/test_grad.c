/* test_grad.c -- derivatives as nodes (mg_grad, mg_grad_n), forward mode
 * (mg_jvp, mg_trace_forward), mg_where and mg_gradgradcheck.
 *
 * Golden numbers are closed forms worked by hand (tanh'' = -2t(1-t^2), ...)
 * and computed here with libm, never the engine's output pasted back; the
 * comparison with PyTorch's double backward is `make check-torch-grad`. */
#include "teach_util.h"

#include "core/core.h"
#include "teach/teach.h"

#include "../tools/mgrad/mgrad.h"
#include "../tools/mgrad/parse.h"

static mg_graph *g;
static void setup(void) { g = mg_graph_new(); }
static void teardown(void) { mg_graph_free(g); }

/* |a - b| <= rel * max(1, |a|, |b|): relative, and absolute near 0. */
#define expect_near(a, b, rel)                                                                \
    do {                                                                                      \
        double a_ = (a), b_ = (b);                                                            \
        cr_expect(fabs(a_ - b_) <= (rel) * fmax(1.0, fmax(fabs(a_), fabs(b_))),             \
                  "%s = %.17g, expected %.17g", #a, a_, b_);                                  \
    } while (0)

/* d^k f / dx^k at the node's current value, k = 1, 2, 3, by mg_grad. */
static void derivatives(mg_value *f, mg_value *x, double d[3]) {
    mg_value *d1 = mg_grad(f, x), *d2 = mg_grad(d1, x), *d3 = mg_grad(d2, x);
    cr_assert(d3 != NULL, "%s", mg_graph_error(g));
    d[0] = d1->data, d[1] = d2->data, d[2] = d3->data;
}

/* -------------------------------------------------- closed-form derivatives */

TestSuite(grad, .init = setup, .fini = teardown);

Test(grad, tanh_three_derivatives) {
    const double xs[] = {-2.0, -0.3, 0.0, 0.7, 3.0};
    for (size_t i = 0; i < 5; i++) {
        mg_value *x = mg_leaf(g, xs[i], "x");
        double d[3], t = tanh(xs[i]);
        derivatives(mg_tanh(x), x, d);
        expect_near(d[0], 1 - t * t, 1e-14);
        expect_near(d[1], -2 * t * (1 - t * t), 1e-14);               /* tanh'' */
        expect_near(d[2], -2 * (1 - t * t) * (1 - 3 * t * t), 1e-14); /* tanh''' */
    }
}

Test(grad, sigmoid_exp_log) {
    const double xs[] = {-3.0, -0.5, 0.25, 2.0};
    for (size_t i = 0; i < 4; i++) {
        double x0 = xs[i], s = 1 / (1 + exp(-x0)), d[3];
        mg_value *x = mg_leaf(g, x0, "x");
        derivatives(mg_sigmoid(x), x, d);
        expect_near(d[0], s * (1 - s), 1e-14);
        expect_near(d[1], s * (1 - s) * (1 - 2 * s), 1e-14);   /* sigmoid'' */
        expect_near(d[2], s * (1 - s) * (1 - 6 * s + 6 * s * s), 1e-14);
        derivatives(mg_exp(x), x, d);
        for (int k = 0; k < 3; k++) expect_near(d[k], exp(x0), 1e-14);
        double a = fabs(x0);   /* log needs a > 0 */
        mg_value *y = mg_leaf(g, a, "y");
        derivatives(mg_log(y), y, d);
        expect_near(d[0], 1 / a, 1e-14);
        expect_near(d[1], -1 / (a * a), 1e-14);   /* log'' */
        expect_near(d[2], 2 / (a * a * a), 1e-14);
    }
}

Test(grad, relu_second_derivative_is_zero) {
    const double xs[] = {-1.0, 0.0, 2.0};
    const double step[] = {0.0, 0.0, 1.0};   /* 0 at the kink, as in PyTorch */
    for (size_t i = 0; i < 3; i++) {
        mg_value *x = mg_leaf(g, xs[i], "x");
        double d[3];
        derivatives(mg_relu(x), x, d);
        cr_expect_eq(d[0], step[i]);
        cr_expect_eq(d[1], 0.0);
        cr_expect_eq(d[2], 0.0);
        /* relu(x)^2 = x^2 for x > 0, 0 below: second derivative 2 or 0 */
        mg_value *r = mg_relu(x);
        derivatives(mg_mul(r, r), x, d);
        cr_expect_eq(d[0], 2 * fmax(xs[i], 0.0));
        cr_expect_eq(d[1], 2 * step[i]);
    }
}

Test(grad, pow_constant_and_div) {
    mg_value *x = mg_leaf(g, 1.5, "x"), *y = mg_leaf(g, -0.8, "y");
    double d[3];
    derivatives(mg_pow(x, 5.0), x, d);
    expect_near(d[0], 5 * pow(1.5, 4), 1e-14);
    expect_near(d[1], 20 * pow(1.5, 3), 1e-14);
    expect_near(d[2], 60 * 1.5 * 1.5, 1e-14);
    derivatives(mg_pow(x, 0.5), x, d);
    expect_near(d[1], -0.25 * pow(1.5, -1.5), 1e-14);
    derivatives(mg_pow(x, 0.0), x, d);   /* x^0 = 1: every derivative 0 */
    cr_expect(d[0] == 0.0 && d[1] == 0.0 && d[2] == 0.0);
    /* a / b: d2/db2 = 2a/b^3, d2/da db = -1/b^2 */
    mg_value *q = mg_div(x, y), *dq_dy = mg_grad(q, y);
    expect_near(mg_grad(dq_dy, y)->data, 2 * 1.5 / (-0.8 * -0.8 * -0.8), 1e-14);
    expect_near(mg_grad(dq_dy, x)->data, -1 / (0.8 * 0.8), 1e-14);
}

Test(grad, pow_with_a_node_exponent) {
    const double a0 = 1.7, b0 = 2.3, la = log(a0);
    mg_value *a = mg_leaf(g, a0, "a"), *b = mg_leaf(g, b0, "b");
    mg_value *f = mg_pow_v(a, b);
    mg_value *da = mg_grad(f, a), *db = mg_grad(f, b);
    expect_near(da->data, b0 * pow(a0, b0 - 1), 1e-14);
    expect_near(db->data, pow(a0, b0) * la, 1e-14);
    expect_near(mg_grad(da, a)->data, b0 * (b0 - 1) * pow(a0, b0 - 2), 1e-14);
    expect_near(mg_grad(db, b)->data, pow(a0, b0) * la * la, 1e-14);
    expect_near(mg_grad(da, b)->data, pow(a0, b0 - 1) * (1 + b0 * la), 1e-14);
    expect_near(mg_grad(db, a)->data, pow(a0, b0 - 1) * (1 + b0 * la), 1e-14);
}

/* PyTorch's conventions for the first derivative: 0 towards a where b = 0,
 * 0 towards b where a = 0 and b >= 0; mg_grad agrees with mg_backward,
 * also after a replay moves into those cases. */
Test(grad, pow_v_special_cases_replay) {
    mg_value *a = mg_leaf(g, 2.0, "a"), *b = mg_leaf(g, 3.0, "b");
    mg_value *f = mg_pow_v(a, b), *da = mg_grad(f, a), *db = mg_grad(f, b);
    expect_near(db->data, 8 * log(2.0), 1e-15);
    const double cases[][2] = {{0.0, 2.0}, {0.0, 0.0}, {0.0, -1.0}, {1.5, 0.0}, {-2.0, 3.0}};
    for (size_t i = 0; i < 5; i++) {
        a->data = cases[i][0], b->data = cases[i][1];
        mg_forward(da);
        mg_forward(db);
        mg_forward(f);
        mg_zero_grad(f);
        a->grad = b->grad = 0;
        mg_backward(f);
        cr_expect(da->data == a->grad || (isnan(da->data) && isnan(a->grad)),
                  "a=%g b=%g: d/da %g, backward %g", a->data, b->data, da->data, a->grad);
        cr_expect(db->data == b->grad || (isnan(db->data) && isnan(b->grad)),
                  "a=%g b=%g: d/db %g, backward %g", a->data, b->data, db->data, b->grad);
    }
}

Test(grad, neuron_and_sum) {
    mg_value *b = mg_leaf(g, 0.3, "b"), *w[2] = {mg_leaf(g, -0.7, "w0"), mg_leaf(g, 1.1, "w1")};
    mg_value *x[2] = {mg_leaf(g, 2.0, "x0"), mg_leaf(g, -1.5, "x1")};
    mg_value *n = mg_neuron(b, w, x, 2);
    mg_value *f = mg_sum((mg_value *[]){mg_mul(n, n), n, w[0]}, 3);   /* n^2 + n + w0 */
    double nv = 0.3 + -0.7 * 2.0 + 1.1 * -1.5;
    mg_value *dw0 = mg_grad(f, w[0]);   /* (2n + 1) x0 + 1 */
    expect_near(dw0->data, (2 * nv + 1) * 2.0 + 1, 1e-14);
    expect_near(mg_grad(dw0, w[0])->data, 2 * 2.0 * 2.0, 1e-14);           /* 2 x0^2 */
    expect_near(mg_grad(dw0, x[0])->data, 2 * (-0.7 * 2.0) + 2 * nv + 1, 1e-14); /* 2 w0 x0 + 2n + 1 */
    expect_near(mg_grad(dw0, x[1])->data, 2 * 1.1 * 2.0, 1e-14);          /* 2 w1 x0 */
}

/* ----------------------------------------------- reuse and shared subgraphs */

Test(grad, shared_subgraphs) {
    mg_value *x = mg_leaf(g, 1.5, "x"), *y = mg_leaf(g, -0.4, "y");
    mg_value *s = mg_mul(x, x);
    double d[3];
    derivatives(mg_mul(s, s), x, d);   /* x^4 through one shared s */
    expect_near(d[0], 4 * pow(1.5, 3), 1e-14);
    expect_near(d[1], 12 * 1.5 * 1.5, 1e-14);
    expect_near(d[2], 24 * 1.5, 1e-14);
    derivatives(mg_mul(mg_add(x, x), x), x, d);   /* 2x^2: x used three times */
    expect_near(d[1], 4.0, 1e-15);
    /* f = e^s + s^2 with s = xy shared by both terms */
    mg_value *p = mg_mul(x, y);
    mg_value *f = mg_add(mg_exp(p), mg_mul(p, p));
    mg_value *dx = mg_grad(f, x);
    double e = exp(1.5 * -0.4), sv = 1.5 * -0.4;
    expect_near(dx->data, -0.4 * e + 2 * sv * -0.4, 1e-14);
    expect_near(mg_grad(dx, x)->data, 0.16 * e + 2 * 0.16, 1e-14);
    expect_near(mg_grad(dx, y)->data, e + sv * e + 4 * sv, 1e-14);
}

/* h(k+1) = h(k) * w + x, 500,000 times from h(0) = x with w = 1: a chain of a
 * million nodes; h(n) = (n+1) x, L = h(n)^2, L'' = 2 (n+1)^2, all exact.
 * Recursion anywhere (topological order, the pass that builds the
 * derivative, the one that differentiates it) would overflow the stack. */
Test(grad, million_node_chain_second_derivative) {
    const size_t n = 500000;
    mg_value *x = mg_leaf(g, 0.5, "x"), *w = mg_leaf(g, 1.0, "w"), *h = x;
    for (size_t k = 0; k < n; k++) h = mg_add(mg_mul(h, w), x);
    mg_value *L = mg_mul(h, h);
    cr_assert(L != NULL);
    cr_expect_geq(mg_graph_size(g), 1000000u);
    mg_value *d1 = mg_grad(L, x);
    cr_assert(d1 != NULL, "%s", mg_graph_error(g));
    const double m = (double)(n + 1);
    cr_expect_eq(d1->data, 2 * m * m * 0.5);
    mg_value *d2 = mg_grad(d1, x);
    cr_assert(d2 != NULL, "%s", mg_graph_error(g));
    cr_expect_eq(d2->data, 2 * m * m);
}

/* ------------------------------------------------------ against mg_backward */

/* On random graphs of every op: mg_grad's value is mg_backward's grad; the
 * gradient graph's second derivatives are symmetric; forward mode gives
 * the same numbers; and nothing mg_grad or mg_jvp does touches a grad. */
Test(grad, random_graphs_against_backward) {
    for (uint64_t seed = 1; seed <= 20; seed++) {
        mg_value *x[4];
        mg_value *L = teach_random_graph(g, seed, 4, 40, x);
        mg_zero_grad(L);
        mg_backward(L);
        size_t n_before = mg_graph_size(g), n_topo;
        /* every node's grad as backward left it, to see that nothing moves */
        mg_value *const *topo = mg_topo(L, &n_topo);
        double *grads = malloc(n_topo * sizeof *grads), *data = malloc(n_topo * sizeof *data);
        mg_value **nodes = malloc(n_topo * sizeof *nodes);
        for (size_t i = 0; i < n_topo; i++)
            nodes[i] = topo[i], grads[i] = topo[i]->grad, data[i] = topo[i]->data;

        mg_value *d1[4], *h[4][4];
        cr_assert_eq(mg_grad_n(L, x, 4, d1), 0, "%s", mg_graph_error(g));
        for (int i = 0; i < 4; i++) {
            cr_expect(d1[i]->data == x[i]->grad, "seed %d x%d: mg_grad %.17g backward %.17g",
                      (int)seed, i, d1[i]->data, x[i]->grad);
            cr_expect_eq(mg_grad(L, x[i])->data, d1[i]->data);   /* one pass or several */
            cr_assert_eq(mg_grad_n(d1[i], x, 4, h[i]), 0);
            double e[4] = {0};
            e[i] = 1.0;
            double fwd = mg_jvp(L, x, e, 4);
            expect_near(fwd, x[i]->grad, 1e-12);
        }
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < i; j++) expect_near(h[i][j]->data, h[j][i]->data, 1e-10);
        /* a random direction: the sum of the gradient's components */
        double t[4] = {0.3, -1.2, 0.7, 2.0}, dot = 0.0, mag = 0.0;
        for (int i = 0; i < 4; i++) dot += x[i]->grad * t[i], mag += fabs(x[i]->grad * t[i]);
        cr_expect(fabs(mg_jvp(L, x, t, 4) - dot) <= 1e-12 * fmax(1.0, mag));
        /* a Hessian-vector product: forward mode over the derivative nodes */
        for (int i = 0; i < 4; i++) {
            double hv = 0.0;
            for (int j = 0; j < 4; j++) hv += h[i][j]->data * t[j];
            expect_near(mg_jvp(d1[i], x, t, 4), hv, 1e-9);
        }
        for (size_t i = 0; i < n_topo; i++) {
            cr_expect(nodes[i]->grad == grads[i] || (isnan(grads[i]) && isnan(nodes[i]->grad)),
                      "seed %d: node %zu's grad changed", (int)seed, i);
            cr_expect(nodes[i]->data == data[i] || (isnan(data[i]) && isnan(nodes[i]->data)));
        }
        cr_expect_gt(mg_graph_size(g), n_before);
        size_t n_now = mg_graph_size(g);
        mg_jvp(L, x, t, 4);
        cr_expect_eq(mg_graph_size(g), n_now, "mg_jvp built nodes");
        free(grads), free(data), free(nodes);
    }
}

/* The graph mg_grad builds is a graph like any other: replayed on new
 * leaves it gives the derivative there, across relu's kink too. */
Test(grad, derivative_graph_replays) {
    mg_value *x = mg_leaf(g, -1.0, "x");   /* built below the kink */
    mg_value *r = mg_relu(x), *f = mg_mul(mg_mul(r, r), r);   /* relu(x)^3 */
    mg_value *d2 = mg_grad(mg_grad(f, x), x);
    cr_expect_eq(d2->data, 0.0);
    x->data = 1.5;
    mg_forward(d2);
    expect_near(d2->data, 6 * 1.5, 1e-15);
    x->data = -2.0;
    mg_forward(d2);
    cr_expect_eq(d2->data, 0.0);
    x->data = 0.5;
    mg_forward(d2);
    expect_near(d2->data, 3.0, 1e-15);
}

/* Newton's method: the minimum of F = x^4/4 - x^2 - 5x is where F' = x^3 -
 * 2x - 5 = 0 (Wallis's equation); x <- x - F'(x)/F''(x), both derivatives
 * built once by mg_grad and replayed at every step. */
Test(grad, newton_with_second_derivatives) {
    mg_value *x = mg_leaf(g, 2.0, "x");
    mg_value *F = mg_sub(mg_sub(mg_mul_c(mg_pow(x, 4.0), 0.25), mg_pow(x, 2.0)), mg_mul_c(x, 5.0));
    mg_value *d1 = mg_grad(F, x), *d2 = mg_grad(d1, x);
    for (int step = 0; step < 8; step++) {
        x->data -= d1->data / d2->data;
        mg_forward(d1);
        mg_forward(d2);
    }
    /* the real root of x^3 - 2x - 5, as published (Wallis, 1685; to 16 digits) */
    expect_near(x->data, 2.0945514815423265, 1e-15);
}

/* ------------------------------------------------------------ names, pictures */

Test(grad, labels_dot_and_trace) {
    mg_value *x = mg_leaf(g, 0.5, "x"), *w = mg_leaf(g, -1.5, "w");
    mg_value *h = mg_label(mg_mul(x, w), "h");
    mg_value *L = mg_label(mg_tanh(h), "L");
    mg_value *dx = mg_grad(L, x), *dxx = mg_grad(dx, x);
    cr_expect_str_eq(mg_value_label(dx), "dL/dx");
    cr_expect_str_eq(mg_value_label(dxx), "d(dL/dx)/dx");
    /* the intermediate adjoint is named too */
    size_t n;
    mg_value *const *topo = mg_topo(dx, &n);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        const char *l = mg_value_label(topo[i]);
        found += l && !strcmp(l, "dL/dh");
    }
    cr_expect_eq(found, 1, "no node named dL/dh");
    FILE *f = teach_tmp();
    cr_expect_eq(mg_dot_write(f, dxx, NULL), 0);
    char *dot = mgt_slurp(f);
    cr_expect(strstr(dot, "d(dL/dx)/dx") != NULL);
    teach_save_dot("grad_second_derivative.dot", dot);
    free(dot);
    f = teach_tmp();
    cr_expect_eq(mg_trace_backward(f, dxx), 0);
    free(mgt_slurp(f));
}

/* ----------------------------------------------------------------- errors */

Test(grad, not_reachable_is_a_zero_node) {
    mg_value *x = mg_leaf(g, 1.0, "x"), *z = mg_leaf(g, 2.0, "z");
    mg_value *L = mg_label(mg_exp(x), "L");
    mg_value *dz = mg_grad(L, z);
    cr_assert(dz != NULL);
    cr_expect_eq(dz->data, 0.0);
    cr_expect_eq(mg_value_op(dz), MG_OP_LEAF);
    cr_expect_str_eq(mg_value_label(dz), "dL/dz");
    cr_expect_eq(mg_graph_error(g), NULL);
    cr_expect_eq(mg_grad(dz, z)->data, 0.0);
}

Test(grad, errors) {
    mg_value *x = mg_leaf(g, 1.0, "x"), *L = mg_label(mg_tanh(x), "L");
    cr_expect_eq(mg_grad(NULL, x), NULL);
    cr_expect(strstr(mg_graph_error(g), "root") != NULL, "%s", mg_graph_error(g));
    mg_graph_clear_error(g);
    cr_expect_eq(mg_grad(L, NULL), NULL);
    cr_expect(strstr(mg_graph_error(g), "NULL") != NULL);
    mg_graph_clear_error(g);
    mg_graph *g2 = mg_graph_new();
    mg_value *y = mg_leaf(g2, 1.0, "y");
    size_t size = mg_graph_size(g);
    cr_expect_eq(mg_grad(L, y), NULL);
    cr_expect_str_eq(mg_graph_error(g), "mg_grad: 'y' is in another graph than 'L'");
    cr_expect_str_eq(mg_graph_error(g2), "mg_grad: 'y' is in another graph than 'L'");
    cr_expect_eq(mg_graph_size(g), size);
    mg_value *out[2] = {x, x};
    cr_expect_eq(mg_grad_n(L, (mg_value *[]){x, y}, 2, out), -1);
    cr_expect(out[0] == NULL && out[1] == NULL);
    /* forward mode */
    cr_expect(isnan(mg_jvp(NULL, &x, (double[]){1}, 1)));
    mg_graph_clear_error(g);
    cr_expect(isnan(mg_jvp(L, &L, (double[]){1}, 1)));
    cr_expect_str_eq(mg_graph_error(g), "mg_jvp: 'L' is not a leaf (it is a tanh node)");
    mg_graph_clear_error(g);
    cr_expect(isnan(mg_jvp(L, &y, (double[]){1}, 1)));
    cr_expect(strstr(mg_graph_error(g), "another graph") != NULL);
    mg_graph_free(g2);
    /* in Spanish */
    mg_graph_clear_error(g);
    mg_graph_set_lang(g, MG_LANG_ES);
    cr_expect_eq(mg_grad(L, NULL), NULL);
    cr_expect_str_eq(mg_graph_error(g),
                     "mg_grad: la variable respecto de la que se deriva es NULL");
}

Test(grad, out_of_memory_leaves_the_graph_as_it_was) {
    mg_value *x = mg_leaf(g, 0.3, "x"), *h = x;
    /* enough nodes that the derivative needs a new block */
    for (int k = 0; k < 5000; k++) h = mg_tanh(h);
    size_t size = mg_graph_size(g);
    g->fail_allocs = 1;
    cr_expect_eq(mg_grad(h, x), NULL);
    g->fail_allocs = 0;
    cr_expect_neq(mg_graph_error(g), NULL);
    cr_expect_eq(mg_graph_size(g), size);
    mg_graph_clear_error(g);
    cr_expect_neq(mg_grad(h, x), NULL, "%s", mg_graph_error(g));
}

/* ------------------------------------------------------------------ where */

Test(grad, where_op) {
    mg_value *c = mg_leaf(g, 0.0, "c"), *x = mg_leaf(g, NAN, "x");
    mg_value *v = mg_where(c, x);
    cr_expect_eq(v->data, 0.0);   /* the NaN stays out */
    c->data = -2.0, x->data = 3.5;
    mg_forward(v);
    cr_expect_eq(v->data, 3.5);
    cr_expect_eq(mg_local_grad(v, 0), 0.0);
    cr_expect_eq(mg_local_grad(v, 1), 1.0);
    cr_expect_str_eq(mg_op_name(MG_OP_WHERE), "where");
    mg_backward(v);
    cr_expect(c->grad == 0.0 && x->grad == 1.0);
    cr_expect_eq(mg_where(c, NULL), NULL);
}

/* -------------------------------------------------------- forward narration */

Test(grad, trace_forward_lecture_neuron) {
    mg_value *v[10];
    mg_value *o = teach_neuron(g, v);
    mg_value *w1 = v[2];
    FILE *f = teach_tmp();
    cr_assert_eq(mg_trace_forward(f, o, &w1, (double[]){1.0}, 1), 0);
    char *s = mgt_slurp(f);
    /* do/dw1 = x1 (1 - o^2) = 2 * 0.5 = 1, by hand */
    cr_expect(strstr(s, "# forward mode along w1: t(v) = dv/dw1 for each of the 10 nodes") == s, "%s", s);
    cr_expect(strstr(s, "t(w1) = 1.000000000\n") != NULL, "%s", s);
    cr_expect(strstr(s, " = 2.000000000 * 1.000000000 = 2.000000000\n") != NULL, "%s", s);
    cr_expect(strstr(s, "so do/dw1 = 1.000000000 (one forward sweep over 10 nodes)\n") != NULL,
              "%s", s);
    free(s);
    mg_graph_set_lang(g, MG_LANG_ES);
    f = teach_tmp();
    cr_assert_eq(mg_trace_forward(f, o, &w1, (double[]){1.0}, 1), 0);
    s = mgt_slurp(f);
    cr_expect(strstr(s, "# modo directo (hacia adelante) según w1") == s, "%s", s);
    cr_expect(strstr(s, "así que do/dw1 = 1.000000000") != NULL, "%s", s);
    free(s);
}

Test(grad, trace_forward_numbers_are_mg_jvps) {
    mg_value *x[4];
    mg_value *L = teach_random_graph(g, 7, 4, 30, x);
    double t[4] = {0.5, -1.0, 0.25, 2.0};
    FILE *f = teach_tmp();
    cr_assert_eq(mg_trace_forward(f, L, x, t, 4), 0);
    char *s = mgt_slurp(f);
    /* the last line gives the answer with nine decimals: compare as printed */
    char want[32], *last = strrchr(s, '=');
    cr_assert(last != NULL);
    mg__fmt_num(want, mg_jvp(L, x, t, 4));
    cr_expect(strncmp(last + 2, want, strlen(want)) == 0, "%s vs %s", last + 2, want);
    cr_expect(strstr(s, "so the derivative of ") != NULL);
    free(s);
}

/* ---------------------------------------------------------- gradgradcheck */

static mg_value *wrong_grad(mg_value *root, mg_value *x) {
    return mg_mul_c(mg_grad(root, x), 1.001);
}

Test(grad, gradgradcheck) {
    mg_value *x[4];
    mg_value *L = teach_random_graph(g, 3, 4, 30, x);
    size_t size = mg_graph_size(g);
    FILE *f = teach_tmp();
    double err = mg_gradgradcheck(L, x, 4, 0, f);
    char *s = mgt_slurp(f);
    cr_expect(err < 1e-6, "worst %g\n%s", err, s);
    cr_expect(strstr(s, "# second derivatives: ") != NULL, "%s", s);
    free(s);
    cr_expect_eq(mg_graph_size(g), size);
    /* a derivative off by 0.1% is caught */
    err = mg__gradgradcheck_with(L, x, 4, 0, NULL, wrong_grad);
    cr_expect(err > 1e-6, "worst %g", err);
}

/* ------------------------------------------------------------------- mgrad */

static char *run_mgrad(int *rc, const char *const *args, size_t n) {
    char *argv[16] = {"mgrad"};
    for (size_t i = 0; i < n; i++) argv[i + 1] = (char *)args[i];
    FILE *out = teach_tmp(), *err = teach_tmp(), *in = teach_tmp();
    *rc = mgrad_main((int)n + 1, argv, in, out, err);
    fclose(in);
    char *e = mgt_slurp(err), *o = mgt_slurp(out);
    if (*e) {
        size_t lo = strlen(o), le = strlen(e);
        o = realloc(o, lo + le + 1);
        memcpy(o + lo, e, le + 1);
    }
    free(e);
    return o;
}

Test(grad, mgrad_d2_hessian_forward) {
    int rc;
    const char *d2[] = {"eval", "--d2", "x", "L = tanh(x*w)", "x=0.5", "w=-1.5"};
    char *s = run_mgrad(&rc, d2, 6);
    cr_expect_eq(rc, 0, "%s", s);
    /* by hand: dL/dx = w(1-t^2), d2L/dx2 = -2 w^2 t (1-t^2), d2L/dxdw =
     * (1-t^2)(1 - 2 t x w) */
    double t = tanh(-0.75), u = 1 - t * t;
    char want[256];
    snprintf(want, sizeof want, "%-9s  %16.9g\n%-9s  %16.9g\n%-9s  %16.9g\n", "dL/dx", -1.5 * u,
             "d2L/dx2", -2 * 2.25 * t * u, "d2L/dx dw", u * (1 - 2 * t * -0.75));
    cr_expect(strstr(s, want) != NULL, "%s\nwanted\n%s", s, want);
    free(s);
    const char *hess[] = {"eval", "--hessian", "L = tanh(x*w)", "x=0.5", "w=-1.5"};
    s = run_mgrad(&rc, hess, 5);
    cr_expect_eq(rc, 0, "%s", s);
    snprintf(want, sizeof want, "w     %16.9g  %16.9g\n", u * (1 - 2 * t * -0.75), -2 * 0.25 * t * u);
    cr_expect(strstr(s, want) != NULL, "%s\nwanted\n%s", s, want);
    free(s);
    const char *fwd[] = {"eval", "--forward", "x", "L = tanh(x*w)", "x=0.5", "w=-1.5"};
    s = run_mgrad(&rc, fwd, 6);
    cr_expect_eq(rc, 0, "%s", s);
    cr_expect(strstr(s, "so dL/dx = -0.894878712 (one forward sweep over 4 nodes)\n") != NULL, "%s", s);
    free(s);
    const char *bad[] = {"eval", "--forward", "h", "h = x*w; L = tanh(h)", "x=0.5", "w=-1.5"};
    s = run_mgrad(&rc, bad, 6);
    cr_expect_eq(rc, MGRAD_USAGE);
    cr_expect(strstr(s, "mgrad: --forward h: not a leaf") != NULL, "%s", s);
    free(s);
    const char *none[] = {"eval", "--d2", "q", "L = x", "x=1"};
    s = run_mgrad(&rc, none, 5);
    cr_expect_eq(rc, MGRAD_USAGE);
    cr_expect(strstr(s, "mgrad: --d2 q: the program has no node of that name") != NULL, "%s", s);
    free(s);
}

Test(grad, mgrad_d2_in_spanish) {
    mgrad_prog p;
    cr_assert_eq(mgrad_prog_init(&p), 0);
    mg_graph_set_lang(p.g, MG_LANG_ES);
    cr_assert_eq(mgrad_define(&p, "x=0.5"), 0);
    cr_assert_eq(mgrad_define(&p, "w=-1.5"), 0);
    const char *src = "h = x*w; L = tanh(h)";
    cr_assert_eq(mgrad_parse(&p, src, strlen(src)), 0);
    FILE *out = teach_tmp(), *err = teach_tmp();
    cr_expect_eq(mgrad_print_d2(out, err, &p, "x"), MGRAD_OK);
    cr_expect_eq(mgrad_print_d2(out, err, &p, "h"), MGRAD_USAGE);
    char *o = mgt_slurp(out), *e = mgt_slurp(err);
    cr_expect(strstr(o, "# dL/dx construida como nodos (mg_grad)") == o, "%s", o);
    cr_expect(strstr(e, "mgrad: --d2 h: no es una hoja") == e, "%s", e);
    free(o), free(e);
    mgrad_prog_free(&p);
}
