/* test_backward.c -- backward against published and independent numbers:
 * the lecture (lecture.tsv), CS231n (cs231n.tsv), the micrograd README
 * expression, node reuse, idempotence, zero_grad, and long chains. */
#include "test_util.h"
#include <micrograd.h>

#define REL 1e-12

Test(backward, lecture_expression_L_is_minus_8) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 2.0, "a"), *b = mg_leaf(g, -3.0, "b"), *c = mg_leaf(g, 10.0, "c");
    mg_value *e = mg_label(mg_mul(a, b), "e");
    mg_value *d = mg_label(mg_add(e, c), "d");
    mg_value *f = mg_leaf(g, -2.0, "f");
    mg_value *L = mg_label(mg_mul(d, f), "L");
    mg_backward(L);
    mg_value *nodes[] = {a, b, c, e, d, f, L};
    for (int i = 0; i < 7; i++) {
        const char *name = mg_value_label(nodes[i]);
        expect_close(nodes[i]->data, mgt_ref("lecture.tsv", "expr", name, 2), REL);
        expect_close(nodes[i]->grad, mgt_ref("lecture.tsv", "expr", name, 3), REL);
    }
    mg_graph_free(g);
}

Test(backward, lecture_tanh_neuron) {
    mg_graph *g = mg_graph_new();
    mg_value *x1 = mg_leaf(g, 2.0, "x1"), *x2 = mg_leaf(g, 0.0, "x2");
    mg_value *w1 = mg_leaf(g, -3.0, "w1"), *w2 = mg_leaf(g, 1.0, "w2");
    mg_value *b = mg_leaf(g, 6.8813735870195432, "b");
    mg_value *x1w1 = mg_label(mg_mul(x1, w1), "x1*w1");
    mg_value *x2w2 = mg_label(mg_mul(x2, w2), "x2*w2");
    mg_value *s = mg_label(mg_add(x1w1, x2w2), "x1*w1 + x2*w2");
    mg_value *n = mg_label(mg_add(s, b), "n");
    mg_value *o = mg_label(mg_tanh(n), "o");
    mg_backward(o);
    mg_value *nodes[] = {x1, x2, w1, w2, b, x1w1, x2w2, s, n, o};
    for (int i = 0; i < 10; i++) {
        const char *name = mg_value_label(nodes[i]);
        double want_d = mgt_ref("lecture.tsv", "neuron", name, 2);
        double want_g = mgt_ref("lecture.tsv", "neuron", name, 3);
        expect_close(nodes[i]->data, want_d, REL);
        /* a grad of exactly 0 (w2) must be exactly 0 */
        if (want_g == 0) cr_expect_eq(nodes[i]->grad, 0.0, "%s", name);
        else expect_close(nodes[i]->grad, want_g, REL);
    }
    mg_graph_free(g);
}

Test(backward, micrograd_readme_expression) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, -4.0, "a"), *b = mg_leaf(g, 2.0, "b");
    mg_value *c = mg_add(a, b);
    mg_value *d = mg_add(mg_mul(a, b), mg_pow(b, 3));
    c = mg_add(c, mg_add_c(c, 1));                             /* c += c + 1 */
    c = mg_add(c, mg_add(mg_add(mg_leaf(g, 1, NULL), c), mg_neg(a))); /* c += 1 + c + (-a) */
    d = mg_add(d, mg_add(mg_mul_c(d, 2), mg_relu(mg_add(b, a))));    /* d += d*2 + (b+a).relu() */
    d = mg_add(d, mg_add(mg_mul(mg_leaf(g, 3, NULL), d), mg_relu(mg_sub(b, a)))); /* d += 3*d + (b-a).relu() */
    mg_value *e = mg_sub(c, d);
    mg_value *f = mg_pow(e, 2);
    mg_value *gg = mg_div(f, mg_leaf(g, 2.0, NULL));
    gg = mg_add(gg, mg_div(mg_leaf(g, 10.0, NULL), f));
    cr_assert_not_null(gg, "%s", mg_graph_error(g));
    mg_backward(gg);
    /* exact rationals from the lecture notes: 2421/98, 47620/343, 221433/343 */
    expect_close(gg->data, 24.70408163265306, REL);
    expect_close(gg->data, 2421.0 / 98.0, REL);
    expect_close(a->grad, 138.83381924198252, REL);
    expect_close(a->grad, 47620.0 / 343.0, REL);
    expect_close(b->grad, 645.5772594752186, REL);
    expect_close(b->grad, 221433.0 / 343.0, REL);
    mg_graph_free(g);
}

Test(backward, cs231n_sigmoid_neuron) {
    mg_graph *g = mg_graph_new();
    mg_value *w0 = mg_leaf(g, 2, "w0"), *w1 = mg_leaf(g, -3, "w1"), *w2 = mg_leaf(g, -3, "w2");
    mg_value *x0 = mg_leaf(g, -1, "x0"), *x1 = mg_leaf(g, -2, "x1");
    mg_value *dot = mg_add(mg_add(mg_mul(w0, x0), mg_mul(w1, x1)), w2);
    mg_value *f = mg_sigmoid(dot);
    mg_backward(f);
    expect_close(dot->data, mgt_ref("cs231n.tsv", "neuron", "dot", 2), REL);
    expect_close(f->data, mgt_ref("cs231n.tsv", "neuron", "f", 2), REL);
    expect_close(dot->grad, mgt_ref("cs231n.tsv", "neuron", "d_dot", 2), REL);
    expect_close(x0->grad, mgt_ref("cs231n.tsv", "neuron", "dx0", 2), REL);
    expect_close(x1->grad, mgt_ref("cs231n.tsv", "neuron", "dx1", 2), REL);
    expect_close(w0->grad, mgt_ref("cs231n.tsv", "neuron", "dw0", 2), REL);
    expect_close(w1->grad, mgt_ref("cs231n.tsv", "neuron", "dw1", 2), REL);
    expect_close(w2->grad, mgt_ref("cs231n.tsv", "neuron", "dw2", 2), REL);
    mg_graph_free(g);
}

Test(backward, cs231n_staged_example) {
    /* f = (x + sigmoid(y)) / (sigmoid(x) + (x+y)^2), x = 3, y = -4 */
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 3, "x"), *y = mg_leaf(g, -4, "y");
    mg_value *num = mg_add(x, mg_sigmoid(y));
    mg_value *den = mg_add(mg_sigmoid(x), mg_pow(mg_add(x, y), 2));
    mg_value *f = mg_div(num, den);
    mg_backward(f);
    expect_close(f->data, mgt_ref("cs231n.tsv", "staged", "f", 2), REL);
    expect_close(x->grad, mgt_ref("cs231n.tsv", "staged", "dx", 2), REL);
    expect_close(y->grad, mgt_ref("cs231n.tsv", "staged", "dy", 2), REL);
    mg_graph_free(g);
}

Test(backward, small_circuits) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, -2, "x"), *y = mg_leaf(g, 5, "y"), *z = mg_leaf(g, -4, "z");
    mg_value *f = mg_mul(mg_add(x, y), z);
    mg_backward(f);
    cr_expect_eq(f->data, -12.0);
    cr_expect_eq(x->grad, -4.0);
    cr_expect_eq(y->grad, -4.0);
    cr_expect_eq(z->grad, 3.0);
    mg_graph_free(g);
}

Test(backward, a_node_used_twice_gets_both_contributions) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 3.0, "a");
    mg_backward(mg_add(a, a));
    cr_expect_eq(a->grad, 2.0);
    a->grad = 0;
    mg_backward(mg_mul(a, a));
    cr_expect_eq(a->grad, 6.0);
    /* the lecture: a=-2, b=3, f = (a*b) * (a+b) -> a.grad -3, b.grad -8 */
    mg_value *p = mg_leaf(g, -2.0, "p"), *q = mg_leaf(g, 3.0, "q");
    mg_value *f = mg_mul(mg_mul(p, q), mg_add(p, q));
    mg_backward(f);
    cr_expect_eq(p->grad, -3.0);
    cr_expect_eq(q->grad, -8.0);
    mg_graph_free(g);
}

Test(backward, twice_doubles_leaves_and_leaves_intermediates_intact) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 2.0, "a"), *b = mg_leaf(g, -3.0, "b");
    mg_value *e = mg_mul(a, b);
    mg_value *L = mg_mul(mg_add(e, mg_leaf(g, 10.0, "c")), mg_leaf(g, -2.0, "f"));
    mg_backward(L);
    double e_grad = e->grad, a_grad = a->grad;
    mg_backward(L);
    cr_expect_eq(a->grad, 2 * a_grad);
    cr_expect_eq(b->grad, -8.0);  /* dL/db = a * f = 2 * -2 = -4, twice */
    cr_expect_eq(e->grad, e_grad, "intermediate grads are recomputed, not accumulated");
    cr_expect_eq(L->grad, 1.0);
    mg_zero_grad(L);
    cr_expect_eq(a->grad, 0.0);
    cr_expect_eq(e->grad, 0.0);
    cr_expect_eq(L->grad, 0.0);
    mg_backward(L);
    cr_expect_eq(a->grad, a_grad);
    mg_graph_free(g);
}

Test(backward, unreachable_nodes_are_untouched) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 2.0, "a"), *b = mg_leaf(g, 5.0, "b");
    mg_value *side = mg_mul(b, b);
    side->grad = 42;
    b->grad = 7;
    mg_value *y = mg_tanh(a);
    mg_backward(y);
    cr_expect_eq(side->grad, 42.0);
    cr_expect_eq(b->grad, 7.0);
    mg_graph_free(g);
}

Test(backward, backward_of_a_leaf_accumulates_one) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 2.0, "a");
    mg_backward(a);
    mg_backward(a);
    cr_expect_eq(a->grad, 2.0);
    mg_backward(NULL); /* no-op */
    mg_zero_grad(NULL);
    mg_forward(NULL);
    cr_expect_null(mg_check_finite(NULL));
    mg_graph_free(g);
}

Test(backward, topo_is_creation_order_of_reachable_nodes) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1, "a"), *unused = mg_leaf(g, 9, "unused"), *b = mg_leaf(g, 2, "b");
    mg_value *c = mg_mul(a, b), *d = mg_add(c, a);
    (void)unused;
    size_t n;
    mg_value *const *t = mg_topo(d, &n);
    cr_assert_eq(n, 4);
    cr_expect_eq(t[0], a);
    cr_expect_eq(t[1], b);
    cr_expect_eq(t[2], c);
    cr_expect_eq(t[3], d);
    for (size_t i = 1; i < n; i++) cr_expect_lt(mg_value_id(t[i - 1]), mg_value_id(t[i]));
    mg_graph_free(g);
}

Test(backward, forward_replays_new_leaf_values) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 2.0, "x"), *w = mg_leaf(g, -3.0, "w");
    mg_value *y = mg_tanh(mg_add(mg_mul(x, w), mg_leaf(g, 1.0, "b")));
    mg_backward(y);
    x->data = 0.5;
    w->data = 0.25;
    mg_forward(y);
    expect_close(y->data, tanh(0.5 * 0.25 + 1.0), 1e-15);
    w->grad = 0;
    mg_backward(y);
    expect_close(w->grad, (1 - tanh(1.125) * tanh(1.125)) * 0.5, 1e-14);
    mg_graph_free(g);
}

/* Ten million nodes in a chain: no recursion, so no stack overflow. */
Test(backward, ten_million_node_chain, .timeout = 120) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 1.0, "x");
    mg_value *v = x;
    const size_t n = 10000000;
    for (size_t i = 1; i < n; i++) v = mg_add(v, x);  /* v = i * x ... */
    cr_assert_not_null(v, "%s", mg_graph_error(g));
    cr_expect_eq(mg_graph_size(g), n);
    cr_expect_eq(v->data, (double)n);
    mg_backward(v);
    cr_expect_eq(x->grad, (double)n);  /* each add passes 1 to x */
    mg_graph_free(g);
}

Test(backward, check_finite_names_the_first_bad_node_in_topological_order) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, -1.0, "a"), *b = mg_leaf(g, 2.0, "b");
    mg_value *ok = mg_mul(a, b);
    mg_value *bad = mg_label(mg_log(a), "log_a");
    mg_value *worse = mg_label(mg_add(bad, ok), "sum");
    cr_expect_eq(mg_check_finite(ok), NULL);
    const mg_value *first = mg_check_finite(worse);
    cr_assert_not_null(first);
    cr_expect_str_eq(mg_value_label(first), "log_a");
    /* a finite value with a non-finite gradient is found too */
    mg_value *z = mg_leaf(g, 0.0, "z");
    mg_value *r = mg_pow(z, 0.5);
    mg_backward(r);
    const mg_value *gbad = mg_check_finite(r);
    cr_assert_not_null(gbad);
    cr_expect_str_eq(mg_value_label(gbad), "z");
    mg_graph_free(g);
}

/* A node whose grad is 0 passes nothing back, except where a local
 * derivative is infinite: there IEEE says inf * 0 = NaN, and the NaN must
 * reach the input (on the sweep and on the replayed path alike). */
Test(backward, zero_gradient_times_infinite_local_derivative_is_nan) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 0.0, "x"), *c = mg_leaf(g, 0.0, "c");
    mg_value *lx = mg_label(mg_log(x), "log_x");       /* d/dx = 1/0 = inf */
    mg_value *L = mg_mul(lx, c);                        /* dL/dlog_x = c = 0 */
    mg_backward(L);
    cr_expect_eq(lx->grad, 0.0);
    cr_expect(isnan(x->grad), "x.grad = %g, want NaN (inf * 0)", x->grad);
    cr_expect_eq(mg_check_finite(L), x);
    x->grad = 0;
    mg_forward(L);   /* caches the order: backward now takes the replay path */
    mg_backward(L);
    cr_expect(isnan(x->grad), "replayed: x.grad = %g, want NaN", x->grad);
    /* a dead relu with finite derivatives behind it passes exact zeros */
    mg_value *w = mg_leaf(g, 3.0, "w"), *y = mg_leaf(g, -2.0, "y");
    mg_value *dead = mg_relu(mg_mul(w, y));
    mg_value *L2 = mg_add(dead, mg_mul(w, w));
    mg_backward(L2);
    cr_expect_eq(w->grad, 6.0);
    cr_expect_eq(y->grad, 0.0);
    cr_expect(!signbit(y->grad), "a skipped contribution leaves +0");
    mg_graph_free(g);
}
