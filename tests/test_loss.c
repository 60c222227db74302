/* test_loss.c -- every loss's value and gradient against hand-derived
 * formulas (written out in each test), against central finite differences,
 * and under replay; softmax cross-entropy and BCE at logits of +-1000. */
#include <micrograd.h>

#include "test_util.h"

#define N_MAX 8

typedef mg_value *(*loss_fn)(mg_value *const *, mg_value *const *, size_t);

/* A graph with leaves p[0..n) = pv and t[0..n) = tv. */
typedef struct fixture {
    mg_graph *g;
    mg_value *p[N_MAX], *t[N_MAX];
} fixture;

static void setup(fixture *f, const double *pv, const double *tv, size_t n) {
    f->g = mg_graph_new();
    cr_assert(f->g);
    cr_assert_eq(mg_leaves(f->g, pv, n, f->p), 0);
    cr_assert_eq(mg_leaves(f->g, tv, n, f->t), 0);
}

/* Central differences of root's value with respect to each of leaves[0..n),
 * re-evaluated by replay; the worst relative error against their grads
 * after one backward. */
static double fd_worst(mg_value *root, mg_value *const *leaves, size_t n) {
    for (size_t i = 0; i < n; i++) leaves[i]->grad = 0.0;
    mg_backward(root);
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = leaves[i]->data, h = 1e-6 * fmax(1.0, fabs(x));
        leaves[i]->data = x + h;
        mg_forward(root);
        double up = root->data;
        leaves[i]->data = x - h;
        mg_forward(root);
        double down = root->data;
        leaves[i]->data = x;
        double num = (up - down) / (2 * h), ana = leaves[i]->grad;
        double err = fabs(num - ana) / fmax(1.0, fmax(fabs(num), fabs(ana)));
        if (err > worst) worst = err;
    }
    mg_forward(root);
    return worst;
}

Test(loss, mse_value_and_gradient) {
    const double pv[3] = {0.5, -1.0, 2.0}, tv[3] = {1.0, 0.0, 2.0};
    fixture f;
    setup(&f, pv, tv, 3);
    mg_value *L = mg_loss_mse(f.p, f.t, 3);
    cr_assert(L, "%s", mg_graph_error(f.g));
    /* (0.25 + 1 + 0) * (1/3) */
    expect_close(L->data, 1.25 * (1.0 / 3.0), 1e-15);
    mg_backward(L);
    /* dL/dp = 2 (p - t) / n: -1/3, -2/3, 0; dL/dt is the opposite */
    expect_close(f.p[0]->grad, -1.0 / 3.0, 1e-15);
    expect_close(f.p[1]->grad, -2.0 / 3.0, 1e-15);
    cr_expect_eq(f.p[2]->grad, 0.0);
    expect_close(f.t[1]->grad, 2.0 / 3.0, 1e-15);
    cr_expect_lt(fd_worst(L, f.p, 3), 1e-8);
    mg_graph_free(f.g);
}

/* Mazur's forward pass: E_total from his outputs and targets. */
Test(loss, half_sse_is_mazurs_error) {
    double out[2] = {mgt_ref("mazur.tsv", "out_o1", NULL, 2), mgt_ref("mazur.tsv", "out_o2", NULL, 2)};
    double target[2] = {mgt_ref("mazur.tsv", "target_o1", NULL, 2),
                        mgt_ref("mazur.tsv", "target_o2", NULL, 2)};
    fixture f;
    setup(&f, out, target, 2);
    mg_value *E = mg_loss_half_sse(f.p, f.t, 2);
    cr_assert(E);
    expect_close(E->data, mgt_ref("mazur.tsv", "E_total", NULL, 2), 1e-12);
    mg_backward(E);
    /* dE/dout_o1 = out_o1 - target_o1 */
    expect_close(f.p[0]->grad, mgt_ref("mazur.tsv", "dE/dout_o1", NULL, 2), 1e-12);
    expect_close(f.p[1]->grad, mgt_ref("mazur.tsv", "dE/dout_o2", NULL, 2), 1e-12);
    cr_expect_lt(fd_worst(E, f.p, 2), 1e-8);
    mg_graph_free(f.g);
}

Test(loss, bce_on_probabilities) {
    const double pv[2] = {0.8, 0.3}, tv[2] = {1.0, 0.0};
    fixture f;
    setup(&f, pv, tv, 2);
    mg_value *L = mg_loss_bce(f.p, f.t, 2);
    cr_assert(L, "%s", mg_graph_error(f.g));
    /* (-log 0.8 - log 0.7) / 2 */
    expect_close(L->data, (-log(0.8) - log(0.7)) / 2.0, 1e-12);
    mg_backward(L);
    /* d/dp of -(y log p + (1-y) log(1-p)) is -y/p + (1-y)/(1-p); then /n */
    expect_close(f.p[0]->grad, -1.0 / 0.8 / 2.0, 1e-12);
    expect_close(f.p[1]->grad, 1.0 / 0.7 / 2.0, 1e-12);
    cr_expect_lt(fd_worst(L, f.p, 2), 1e-7);
    mg_graph_free(f.g);
}

/* p exactly 0 or 1 with the wrong label: log would see 0 without the clamp. */
Test(loss, bce_clamps_probabilities) {
    const double pv[2] = {0.0, 1.0}, tv[2] = {1.0, 0.0};
    fixture f;
    setup(&f, pv, tv, 2);
    mg_value *L = mg_loss_bce(f.p, f.t, 2);
    cr_assert(L);
    cr_expect(isfinite(L->data));
    /* both terms are -log(1e-12) = 27.63..., to the rounding of the clamp */
    expect_close(L->data, -log(MG_BCE_EPS), 1e-6);
    mg_backward(L);
    cr_expect_null(mg_check_finite(L));
    /* outside the clamp's range nothing flows back */
    cr_expect_eq(f.p[0]->grad, 0.0);
    cr_expect_eq(f.p[1]->grad, 0.0);
    mg_graph_free(f.g);
}

Test(loss, bce_on_logits_matches_sigmoid_form) {
    const double zv[4] = {0.7, -1.3, 0.0, 0.0}, tv[4] = {1.0, 0.0, 1.0, 0.0};
    fixture f;
    setup(&f, zv, tv, 4);
    mg_value *L = mg_loss_bce_logits(f.p, f.t, 4);
    cr_assert(L, "%s", mg_graph_error(f.g));
    /* -log s(0.7), -log(1 - s(-1.3)) = -log s(1.3), log 2, log 2; mean */
    double s07 = 1.0 / (1.0 + exp(-0.7)), s13 = 1.0 / (1.0 + exp(-1.3));
    expect_close(L->data, (-log(s07) - log(s13) + 2.0 * log(2.0)) / 4.0, 1e-12);
    mg_backward(L);
    /* sigmoid(z) - y, over n; at z = 0 it is 0.5 - y */
    expect_close(f.p[0]->grad, (s07 - 1.0) / 4.0, 1e-12);
    expect_close(f.p[1]->grad, (1.0 / (1.0 + exp(1.3))) / 4.0, 1e-12);
    expect_close(f.p[2]->grad, -0.5 / 4.0, 1e-12);
    expect_close(f.p[3]->grad, 0.5 / 4.0, 1e-12);
    cr_expect_lt(fd_worst(L, f.p, 2), 1e-8);
    mg_graph_free(f.g);
}

Test(loss, bce_on_logits_at_1000) {
    const double zv[4] = {1000.0, -1000.0, 1000.0, -1000.0}, tv[4] = {1.0, 0.0, 0.0, 1.0};
    fixture f;
    setup(&f, zv, tv, 4);
    mg_value *L = mg_loss_bce_logits(f.p, f.t, 4);
    cr_assert(L);
    /* right and sure: 0; wrong and sure: 1000 each */
    expect_close(L->data, 2000.0 / 4.0, 1e-15);
    mg_backward(L);
    cr_expect_null(mg_check_finite(L));
    cr_expect_eq(f.p[0]->grad, 0.0);
    cr_expect_eq(f.p[1]->grad, 0.0);
    expect_close(f.p[2]->grad, 0.25, 1e-15);
    expect_close(f.p[3]->grad, -0.25, 1e-15);
    mg_graph_free(f.g);
}

Test(loss, hinge_with_l2) {
    const double sv[4] = {0.5, -2.0, 3.0, 2.0}, yv[4] = {1.0, 1.0, -1.0, 1.0};
    fixture f;
    setup(&f, sv, yv, 4);
    mg_value *w[2] = {mg_leaf(f.g, 1.0, "w0"), mg_leaf(f.g, -2.0, "w1")};
    mg_value *L = mg_loss_hinge(f.p, f.t, 4, w, 2, 0.1);
    cr_assert(L, "%s", mg_graph_error(f.g));
    /* margins 0.5, 3, 4, 0 -> (7.5) * (1/4); L2: 0.1 * (1 + 4) */
    expect_close(L->data, 7.5 * 0.25 + 0.5, 1e-15);
    mg_backward(L);
    /* -y/n where the margin is active, 0 where it is not; 2 alpha w */
    cr_expect_eq(f.p[0]->grad, -0.25);
    cr_expect_eq(f.p[1]->grad, -0.25);
    cr_expect_eq(f.p[2]->grad, 0.25);
    cr_expect_eq(f.p[3]->grad, 0.0);
    expect_close(w[0]->grad, 0.2, 1e-15);
    expect_close(w[1]->grad, -0.4, 1e-15);
    mg_value *no_reg = mg_loss_hinge(f.p, f.t, 4, NULL, 0, 0.1);
    expect_close(no_reg->data, 7.5 * 0.25, 1e-15);
    mg_graph_free(f.g);
}

/* The demo's expression, term for term: relu(1 + s*(-y)), then the mean. */
Test(loss, hinge_is_the_demos_expression_to_the_bit) {
    const double sv[3] = {0.123456789, -0.987654321, 0.3333333333333333},
                 yv[3] = {1.0, -1.0, -1.0};
    fixture f;
    setup(&f, sv, yv, 3);
    mg_value *L = mg_loss_hinge(f.p, f.t, 3, NULL, 0, 0.0);
    double l0 = 1.0 + sv[0] * -yv[0], l1 = 1.0 + sv[1] * -yv[1], l2 = 1.0 + sv[2] * -yv[2];
    l0 = l0 > 0 ? l0 : 0, l1 = l1 > 0 ? l1 : 0, l2 = l2 > 0 ? l2 : 0;
    cr_expect_eq(L->data, (l0 + l1 + l2) * (1.0 / 3));
    mg_graph_free(f.g);
}

/* log-sum-exp of a row, the textbook way (fine for small logits) */
static double lse(const double *z, size_t k) {
    double s = 0.0;
    for (size_t j = 0; j < k; j++) s += exp(z[j]);
    return log(s);
}

Test(loss, softmax_ce_value_and_gradient) {
    const double zv[6] = {1.0, 2.0, 3.0, 0.5, -0.5, 0.0};
    const double tv[6] = {0.0, 0.0, 1.0, 1.0, 0.0, 0.0};
    fixture f;
    setup(&f, zv, tv, 6);
    mg_value *L = mg_loss_softmax_ce(f.p, f.t, 3, 2);
    cr_assert(L, "%s", mg_graph_error(f.g));
    expect_close(L->data, ((lse(zv, 3) - 3.0) + (lse(zv + 3, 3) - 0.5)) * 0.5, 1e-12);
    mg_backward(L);
    /* (softmax - onehot) / n */
    for (size_t r = 0; r < 2; r++)
        for (size_t j = 0; j < 3; j++) {
            double sm = exp(zv[3 * r + j] - lse(zv + 3 * r, 3));
            expect_close(f.p[3 * r + j]->grad, (sm - tv[3 * r + j]) / 2.0, 1e-12);
        }
    cr_expect_lt(fd_worst(L, f.p, 6), 1e-8);
    mg_graph_free(f.g);
}

Test(loss, softmax_ce_at_logits_of_1000) {
    const double zv[6] = {1000.0, -1000.0, 1000.0, 1000.0, 1000.0, -1000.0};
    const double tv[6] = {0.0, 1.0, 0.0, 1.0, 0.0, 0.0};
    fixture f;
    setup(&f, zv, tv, 6);
    mg_value *L = mg_loss_softmax_ce(f.p, f.t, 3, 2);
    cr_assert(L);
    /* row 0: LSE = 1000 + log 2, label at -1000: 2000 + log 2;
     * row 1: LSE = 1000 + log 2, label at 1000: log 2 */
    expect_close(L->data, (2000.0 + 2.0 * log(2.0)) * 0.5, 1e-14);
    mg_backward(L);
    cr_expect_null(mg_check_finite(L), "a non-finite node in softmax CE at +-1000");
    /* row 0: softmax (1/2, 0, 1/2) minus (0, 1, 0); row 1: minus (1, 0, 0) */
    const double want[6] = {0.5, -1.0, 0.5, -0.5, 0.5, 0.0};
    for (size_t i = 0; i < 6; i++) expect_close(f.p[i]->grad, want[i] / 2.0, 1e-14);
    mg_graph_free(f.g);
}

/* A loss built once and replayed on new leaf values gives the numbers of a
 * loss built fresh on those values. */
static void check_replay(loss_fn fn, const double *a, const double *b, const double *tv,
                         size_t n) {
    fixture f;
    setup(&f, a, tv, n);
    mg_value *L = fn(f.p, f.t, n);
    cr_assert(L, "%s", mg_graph_error(f.g));
    mg_leaves_set(f.p, b, n);
    mg_forward(L);
    fixture fresh;
    setup(&fresh, b, tv, n);
    mg_value *L2 = fn(fresh.p, fresh.t, n);
    cr_expect_eq(L->data, L2->data, "replayed %.17g, fresh %.17g", L->data, L2->data);
    mg_graph_free(f.g);
    mg_graph_free(fresh.g);
}

static mg_value *hinge_plain(mg_value *const *s, mg_value *const *y, size_t n) {
    return mg_loss_hinge(s, y, n, NULL, 0, 0.0);
}

static mg_value *softmax_pairs(mg_value *const *z, mg_value *const *t, size_t n) {
    return mg_loss_softmax_ce(z, t, 2, n / 2);
}

Test(loss, replay_equals_rebuild) {
    /* the new values cross every relu's kink: clamps, margins, maxima */
    const double a[4] = {0.3, 0.9, -2.0, 5.0}, b[4] = {1.5, -0.2, 0.4, -7.0};
    const double t01[4] = {1.0, 0.0, 1.0, 0.0}, tpm[4] = {1.0, -1.0, 1.0, -1.0};
    const double onehot[4] = {1.0, 0.0, 0.0, 1.0};
    check_replay(mg_loss_mse, a, b, t01, 4);
    check_replay(mg_loss_half_sse, a, b, t01, 4);
    check_replay(mg_loss_bce, a, b, t01, 4);
    check_replay(mg_loss_bce_logits, a, b, t01, 4);
    check_replay(hinge_plain, a, b, tpm, 4);
    check_replay(softmax_pairs, a, b, onehot, 4);
}

Test(loss, bad_arguments) {
    mg_graph *g = mg_graph_new();
    mg_value *p = mg_leaf(g, 1.0, "p");
    cr_expect_null(mg_loss_mse(NULL, NULL, 1));
    cr_expect_null(mg_loss_mse(&p, &p, 0));
    cr_expect_null(mg_graph_error(g));
    cr_expect_null(mg_loss_bce(&p, NULL, 1));
    cr_assert(mg_graph_error(g));
    cr_expect(strstr(mg_graph_error(g), "mg_loss_bce"), "%s", mg_graph_error(g));
    mg_graph_clear_error(g);
    /* a NULL prediction (an earlier failure) poisons the loss */
    mg_value *ps[2] = {p, NULL}, *ts[2] = {p, p};
    cr_expect_null(mg_loss_mse(ps, ts, 2));
    cr_expect(mg_graph_error(g));
    mg_graph_free(g);
}
