/* test_ops.c -- every op's value and derivative: against the closed form,
 * and against central finite differences of the engine's own forward. */
#include "test_util.h"
#include <micrograd.h>

typedef mg_value *(*unary_fn)(mg_value *);

/* value and d/dx of op(x) computed by the engine */
static void eval_unary(unary_fn op, double x, double *val, double *grad) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, x, "x");
    mg_value *y = op(a);
    cr_assert(y != NULL, "%s", mg_graph_error(g));
    mg_backward(y);
    *val = y->data;
    *grad = a->grad;
    mg_graph_free(g);
}

/* central difference of the engine's forward value */
static double fd_unary(unary_fn op, double x) {
    double h = 1e-6 * fmax(1.0, fabs(x)), up, dn, unused;
    eval_unary(op, x + h, &up, &unused);
    eval_unary(op, x - h, &dn, &unused);
    return (up - dn) / (2 * h);
}

static mg_value *square(mg_value *a) { return mg_pow(a, 2.0); }
static mg_value *cube(mg_value *a) { return mg_pow(a, 3.0); }
static mg_value *inverse(mg_value *a) { return mg_pow(a, -1.0); }
static mg_value *root(mg_value *a) { return mg_pow(a, 0.5); }

static double sq(double x) { return x * x; }
static double dsq(double x) { return 2 * x; }
static double cu(double x) { return x * x * x; }
static double dcu(double x) { return 3 * x * x; }
static double inv(double x) { return 1 / x; }
static double dinv(double x) { return -1 / (x * x); }
static double dsqrt(double x) { return 0.5 / sqrt(x); }
static double neg(double x) { return -x; }
static double dneg(double x) { (void)x; return -1; }
static double dexp(double x) { return exp(x); }
static double dlog(double x) { return 1 / x; }
static double dtanh(double x) { return 1 / (cosh(x) * cosh(x)); }
static double relu(double x) { return x > 0 ? x : 0; }
static double drelu(double x) { return x > 0 ? 1 : 0; }
static double sigm(double x) { return 1 / (1 + exp(-x)); }
static double dsigm(double x) { return exp(-x) / sq(1 + exp(-x)); }

static const struct {
    const char *name;
    unary_fn op;
    double (*f)(double), (*df)(double);
    double xs[5];
} unary_cases[] = {
    {"neg", mg_neg, neg, dneg, {-2.5, -1, 0.3, 1, 7}},
    {"pow2", square, sq, dsq, {-3, -0.5, 0.25, 1.5, 10}},
    {"pow3", cube, cu, dcu, {-2, -0.7, 0.1, 1.1, 4}},
    {"pow-1", inverse, inv, dinv, {-4, -0.5, 0.2, 1, 3}},
    {"pow0.5", root, sqrt, dsqrt, {0.01, 0.5, 1, 2, 9}},
    {"exp", mg_exp, exp, dexp, {-5, -1, 0, 0.5, 3}},
    {"log", mg_log, log, dlog, {0.01, 0.5, 1, 2.718281828459045, 100}},
    {"tanh", mg_tanh, tanh, dtanh, {-3, -0.5, 0, 0.8813735870195432, 2}},
    {"relu", mg_relu, relu, drelu, {-2, -0.1, 0.1, 1, 5}},
    {"sigmoid", mg_sigmoid, sigm, dsigm, {-4, -1, 0, 1, 4}},
};

Test(ops, unary_values_and_derivatives_match_closed_forms_and_finite_differences) {
    for (size_t c = 0; c < sizeof unary_cases / sizeof unary_cases[0]; c++) {
        for (int i = 0; i < 5; i++) {
            double x = unary_cases[c].xs[i], val, grad;
            eval_unary(unary_cases[c].op, x, &val, &grad);
            cr_expect(mgt_close(val, unary_cases[c].f(x), 1e-14), "%s(%g) = %.17g, want %.17g",
                      unary_cases[c].name, x, val, unary_cases[c].f(x));
            cr_expect(mgt_close(grad, unary_cases[c].df(x), 1e-12), "%s'(%g) = %.17g, want %.17g",
                      unary_cases[c].name, x, grad, unary_cases[c].df(x));
            double fd = fd_unary(unary_cases[c].op, x);
            cr_expect(fabs(fd - grad) <= 1e-6 * fmax(1, fabs(grad)),
                      "%s'(%g) = %.17g but finite differences give %.17g", unary_cases[c].name, x,
                      grad, fd);
        }
    }
}

typedef mg_value *(*binary_fn)(mg_value *, mg_value *);

static void eval_binary(binary_fn op, double x, double y, double out[3]) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, x, "a"), *b = mg_leaf(g, y, "b");
    mg_value *z = op(a, b);
    cr_assert(z != NULL, "%s", mg_graph_error(g));
    mg_backward(z);
    out[0] = z->data;
    out[1] = a->grad;
    out[2] = b->grad;
    mg_graph_free(g);
}

Test(ops, binary_values_and_derivatives_match_closed_forms_and_finite_differences) {
    static const double pts[][2] = {{2, -3}, {-1.5, 0.25}, {0.1, 7}, {-4, -0.5}, {1e3, 3e-3}};
    static const binary_fn ops[] = {mg_add, mg_sub, mg_mul, mg_div};
    static const char *names[] = {"add", "sub", "mul", "div"};
    for (int o = 0; o < 4; o++) {
        for (int p = 0; p < 5; p++) {
            double x = pts[p][0], y = pts[p][1], r[3];
            eval_binary(ops[o], x, y, r);
            double want[3];
            switch (o) {
            case 0: want[0] = x + y; want[1] = 1; want[2] = 1; break;
            case 1: want[0] = x - y; want[1] = 1; want[2] = -1; break;
            case 2: want[0] = x * y; want[1] = y; want[2] = x; break;
            default: want[0] = x / y; want[1] = 1 / y; want[2] = -x / (y * y); break;
            }
            for (int k = 0; k < 3; k++)
                cr_expect(mgt_close(r[k], want[k], 1e-13), "%s(%g, %g)[%d] = %.17g, want %.17g",
                          names[o], x, y, k, r[k], want[k]);
            /* finite differences in each argument */
            double h = 1e-6, up[3], dn[3];
            eval_binary(ops[o], x + h * fmax(1, fabs(x)), y, up);
            eval_binary(ops[o], x - h * fmax(1, fabs(x)), y, dn);
            double fdx = (up[0] - dn[0]) / (2 * h * fmax(1, fabs(x)));
            eval_binary(ops[o], x, y + h * fmax(1, fabs(y)), up);
            eval_binary(ops[o], x, y - h * fmax(1, fabs(y)), dn);
            double fdy = (up[0] - dn[0]) / (2 * h * fmax(1, fabs(y)));
            cr_expect(fabs(fdx - r[1]) <= 1e-5 * fmax(1, fabs(r[1])), "%s d/da: %g vs fd %g",
                      names[o], r[1], fdx);
            cr_expect(fabs(fdy - r[2]) <= 1e-5 * fmax(1, fabs(r[2])), "%s d/db: %g vs fd %g",
                      names[o], r[2], fdy);
        }
    }
}

Test(ops, relu_at_zero_has_gradient_zero) {
    double val, grad;
    eval_unary(mg_relu, 0.0, &val, &grad);
    cr_expect_eq(val, 0.0);
    cr_expect_eq(grad, 0.0);
}

Test(ops, tanh_and_sigmoid_saturate_without_overflow_at_1000) {
    double val, grad;
    eval_unary(mg_tanh, 1000.0, &val, &grad);
    cr_expect_eq(val, 1.0);
    cr_expect_eq(grad, 0.0);
    eval_unary(mg_tanh, -1000.0, &val, &grad);
    cr_expect_eq(val, -1.0);
    cr_expect_eq(grad, 0.0);
    eval_unary(mg_sigmoid, 1000.0, &val, &grad);
    cr_expect_eq(val, 1.0);
    cr_expect_eq(grad, 0.0);
    eval_unary(mg_sigmoid, -1000.0, &val, &grad);
    cr_expect_eq(val, 0.0);
    cr_expect_eq(grad, 0.0);
    cr_expect(isfinite(val) && isfinite(grad));
}

Test(ops, sigmoid_of_negative_argument_is_accurate) {
    /* for x << 0 the naive 1/(1+e^-x) loses nothing either, but e^-x would
     * overflow below -709: check a value there against e^x (sigmoid ~ e^x) */
    double val, grad;
    eval_unary(mg_sigmoid, -720.0, &val, &grad);
    expect_close(val, exp(-720.0), 1e-12);
    expect_close(grad, exp(-720.0), 1e-12);
}

/* a ** b with the exponent a node.  Values and derivatives b a^(b-1) and
 * a^b ln a computed separately with Python's math module (float64). */
Test(ops, pow_v_values_and_both_derivatives) {
    static const double cases[][5] = {
        /* a, b, a^b, d/da, d/db */
        {2, 3, 8, 12, 5.545177444479562},
        {4, 0.5, 2.0, 0.25, 2.772588722239781},
        {1.5, -2.25, 0.40160089049326436, -0.6024013357398965, 0.16283514848018651},
        {0.3, 1.7, 0.12915348607498026, 0.7318697544248881, -0.15549728481816472},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double r[3];
        eval_binary(mg_pow_v, cases[i][0], cases[i][1], r);
        for (int k = 0; k < 3; k++)
            cr_expect(mgt_close(r[k], cases[i][2 + k], 1e-13), "pow_v(%g, %g)[%d] = %.17g, want %.17g",
                      cases[i][0], cases[i][1], k, r[k], cases[i][2 + k]);
    }
}

/* Where a <= 0, PyTorch's pow backward decides: d/db is taken as 0 where
 * a = 0 and b >= 0 (0^b is flat there although ln 0 = -inf), d/da is 0
 * where b = 0; elsewhere IEEE: ln of a negative base is NaN, and 0 to a
 * negative power is infinite.  (torch.pow(a, b).backward() in float64.) */
Test(ops, pow_v_at_a_non_positive_base_follows_pytorch) {
    double r[3];
    eval_binary(mg_pow_v, 0.0, 2.0, r);    /* 0^2 */
    cr_expect(r[0] == 0.0 && r[1] == 0.0 && r[2] == 0.0, "0^2: %g %g %g", r[0], r[1], r[2]);
    eval_binary(mg_pow_v, 0.0, 0.0, r);    /* 0^0 = 1, flat in both */
    cr_expect(r[0] == 1.0 && r[1] == 0.0 && r[2] == 0.0, "0^0: %g %g %g", r[0], r[1], r[2]);
    eval_binary(mg_pow_v, -2.0, 3.0, r);   /* (-2)^3: d/db = -8 ln(-2) = NaN */
    cr_expect(r[0] == -8.0 && r[1] == 12.0 && isnan(r[2]), "(-2)^3: %g %g %g", r[0], r[1], r[2]);
    eval_binary(mg_pow_v, 0.0, -1.0, r);   /* 0^-1 = inf; d/da = -inf; d/db = inf * -inf */
    cr_expect(isinf(r[0]) && r[0] > 0 && isinf(r[1]) && r[1] < 0 && isinf(r[2]) && r[2] < 0,
              "0^-1: %g %g %g", r[0], r[1], r[2]);
}

/* The exponent node gets its share when it is used elsewhere too:
 * L = x ** x, dL/dx = x^x (ln x + 1). */
Test(ops, pow_v_with_the_same_node_as_base_and_exponent) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 1.5, "x");
    mg_value *L = mg_pow_v(x, x);
    mg_backward(L);
    const double want = pow(1.5, 1.5) * (log(1.5) + 1.0);
    cr_expect(mgt_close(x->grad, want, 1e-14), "x.grad %.17g, want %.17g", x->grad, want);
    cr_expect_eq(mg_value_op(L), MG_OP_POW_V);
    cr_expect_eq(mg_value_arity(L), 2u);
    cr_expect_str_eq(mg_op_symbol(MG_OP_POW_V), "**");
    mg_graph_free(g);
}

Test(ops, pow_zero_exponent_has_zero_derivative_even_at_zero) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 0.0, "a");
    mg_value *y = mg_pow(a, 0.0);
    mg_backward(y);
    cr_expect_eq(y->data, 1.0);
    cr_expect_eq(a->grad, 0.0);
    cr_expect_eq(mg_value_exponent(y), 0.0);
    mg_graph_free(g);
}

Test(ops, domain_trouble_follows_ieee) {
    mg_graph *g = mg_graph_new();
    mg_value *z = mg_leaf(g, 0.0, "z"), *m = mg_leaf(g, -1.0, "m");
    cr_expect(isinf(mg_log(z)->data) && mg_log(z)->data < 0);
    cr_expect(isnan(mg_log(m)->data));
    cr_expect(isinf(mg_div(m, z)->data));
    cr_expect(isinf(mg_exp(mg_leaf(g, 1000, NULL))->data));
    cr_expect(isinf(mg_pow(z, -1.0)->data));
    cr_expect_null(mg_graph_error(g), "IEEE trouble is not an error: %s", mg_graph_error(g));
    mg_graph_free(g);
}

/* micrograd's relu is `0 if x < 0 else x`: NaN and -0 pass through as they
 * are, -inf becomes +0; the same on replay. */
Test(ops, relu_follows_micrograds_rule_for_nan_signed_zero_and_inf) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, NAN, "x");
    mg_value *y = mg_relu(x);
    cr_expect(isnan(y->data));
    const double in[] = {-0.0, 0.0, -INFINITY, INFINITY, -1e-320, 2.5};
    const double want[] = {-0.0, 0.0, 0.0, INFINITY, 0.0, 2.5};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        x->data = in[i];
        mg_forward(y);
        cr_expect(y->data == want[i] && !signbit(y->data) == !signbit(want[i]),
                  "relu(%g) = %g, want %g", in[i], y->data, want[i]);
        cr_expect_eq(mg_relu(x)->data, y->data, "built and replayed relu(%g) differ", in[i]);
    }
    mg_graph_free(g);
}

Test(ops, op_table_gives_names_symbols_and_arity) {
    cr_expect_str_eq(mg_op_name(MG_OP_MUL), "mul");
    cr_expect_str_eq(mg_op_symbol(MG_OP_MUL), "*");
    cr_expect_str_eq(mg_op_symbol(MG_OP_ADD), "+");
    cr_expect_str_eq(mg_op_name(MG_OP_TANH), "tanh");
    cr_expect_str_eq(mg_op_name((mg_op)200), "?");
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 2, "a"), *b = mg_leaf(g, 3, "b");
    mg_value *p = mg_mul(a, b), *t = mg_tanh(a), *w = mg_pow(a, 3);
    cr_expect_eq(mg_value_op(p), MG_OP_MUL);
    cr_expect_eq(mg_value_arity(p), 2);
    cr_expect_eq(mg_value_arity(t), 1);
    cr_expect_eq(mg_value_arity(w), 1);
    cr_expect_eq(mg_value_arity(a), 0);
    cr_expect_eq(mg_value_input(p, 0), a);
    cr_expect_eq(mg_value_input(p, 1), b);
    cr_expect_null(mg_value_input(p, 2));
    cr_expect_eq(mg_value_input(w, 0), a);
    cr_expect_eq(mg_value_exponent(w), 3.0);
    cr_expect_eq(mg_local_grad(p, 0), 3.0);
    cr_expect_eq(mg_local_grad(p, 1), 2.0);
    cr_expect_eq(mg_local_grad(w, 0), 12.0);
    mg_graph_free(g);
}

Test(ops, sum_adds_left_to_right_and_passes_gradient_to_each) {
    mg_graph *g = mg_graph_new();
    mg_value *xs[4] = {mg_leaf(g, 1e16, "a"), mg_leaf(g, 1.0, "b"), mg_leaf(g, -1e16, "c"),
                       mg_leaf(g, 1.0, "d")};
    mg_value *s = mg_sum(xs, 4);
    /* ((1e16 + 1) - 1e16) + 1 in float64 is 0 + 1 = 1: left to right */
    cr_expect_eq(s->data, ((1e16 + 1.0) - 1e16) + 1.0);
    mg_value *s2 = mg_mul(s, mg_leaf(g, 3.0, NULL));
    mg_backward(s2);
    for (int i = 0; i < 4; i++) cr_expect_eq(xs[i]->grad, 3.0);
    cr_expect_eq(mg_value_arity(s), 4);
    cr_expect_null(mg_sum(NULL, 0));
    mg_graph_free(g);
}

Test(ops, fused_neuron_equals_the_chain_of_mul_and_add_bit_for_bit) {
    mg_graph *g = mg_graph_new();
    double wv[3] = {0.3, -1.7, 2.25}, xv[3] = {1.1, 0.4, -0.9};
    mg_value *w[3], *x[3];
    for (int i = 0; i < 3; i++) {
        w[i] = mg_leaf(g, wv[i], NULL);
        x[i] = mg_leaf(g, xv[i], NULL);
    }
    mg_value *b = mg_leaf(g, 0.125, "b");
    mg_value *chain = b;
    for (int i = 0; i < 3; i++) chain = mg_add(chain, mg_mul(w[i], x[i]));
    mg_value *fused = mg_neuron(b, w, x, 3);
    cr_assert_not_null(fused);
    cr_expect_eq(fused->data, chain->data);
    mg_value *y = mg_tanh(chain);
    mg_backward(y);
    double gw[3], gx[3], gb = b->grad;
    for (int i = 0; i < 3; i++) {
        gw[i] = w[i]->grad;
        gx[i] = x[i]->grad;
        w[i]->grad = x[i]->grad = 0;
    }
    b->grad = 0;
    mg_backward(mg_tanh(fused));
    cr_expect_eq(b->grad, gb);
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(w[i]->grad, gw[i]);
        cr_expect_eq(x[i]->grad, gx[i]);
        /* and against the closed form: d tanh(n)/dw_i = (1 - o^2) x_i */
        expect_close(w[i]->grad, (1 - y->data * y->data) * xv[i], 1e-15);
    }
    mg_graph_free(g);
}

Test(ops, constant_shorthands) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1.5, "a");
    mg_value *y = mg_mul_c(mg_add_c(a, 2.0), 4.0);
    mg_backward(y);
    cr_expect_eq(y->data, 14.0);
    cr_expect_eq(a->grad, 4.0);
    cr_expect_null(mg_add_c(NULL, 1.0));
    mg_graph_free(g);
}
