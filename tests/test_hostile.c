/* test_hostile.c -- misuse and hostile input (issue 20): sizes that
 * overflow, settings an optimizer cannot use, messages that name the
 * user's nodes.  Each case crashed, gave a wrong number or an unclear
 * message before. */
#include "test_util.h"
#include <micrograd.h>

#include <stdint.h>

static int error_has(const mg_graph *g, const char *what) {
    const char *e = mg_graph_error(g);
    return e && strstr(e, what);
}

#define expect_error(g, what)                                                            \
    do {                                                                                 \
        cr_expect(error_has(g, what), "error '%s' lacks '%s'",                           \
                  mg_graph_error(g) ? mg_graph_error(g) : "(none)", what);               \
        mg_graph_clear_error(g);                                                         \
    } while (0)

/* ---------------------------------------------------------------- MLP */

/* SIZE_MAX inputs: fan-in + 1 wrapped to 0 and the size check divided by
 * it (SIGFPE). */
Test(hostile, mlp_new_with_size_max_sizes_is_refused) {
    mg_graph *g = mg_graph_new();
    cr_expect_null(mg_mlp_new(g, SIZE_MAX, (size_t[]){1}, 1, NULL, 1));
    expect_error(g, "too many parameters");
    cr_expect_null(mg_mlp_new(g, 1, (size_t[]){SIZE_MAX}, 1, NULL, 1));
    expect_error(g, "too many parameters");
    cr_expect_null(mg_mlp_new(g, 2, (size_t[]){3, SIZE_MAX}, 2, NULL, 1));
    expect_error(g, "layer 1");
    cr_expect_null(mg_mlp_new(g, 2, (size_t[]){SIZE_MAX / 2, 3}, 2, NULL, 1));
    expect_error(g, "layer 0");
    double p[4] = {0};
    cr_expect_null(mg_mlp_new_from(g, SIZE_MAX, (size_t[]){1}, 1, NULL, p));
    expect_error(g, "too many parameters");
    cr_expect_null(mg_mlp_new_from(g, 1, (size_t[]){SIZE_MAX}, 1, NULL, p));
    expect_error(g, "too many parameters");
    cr_expect_null(mg_mlp_new(g, 1, (size_t[]){1}, SIZE_MAX, NULL, 1));
    expect_error(g, "layers are too many");
    cr_expect_eq(mg_graph_size(g), 0);
    /* a real one still works afterwards */
    cr_expect_not_null(mg_mlp_new(g, 3, (size_t[]){4, 1}, 2, NULL, 1));
    mg_graph_free(g);
}

/* ---------------------------------------------------------- optimizers */

static mg_value *one_param(mg_graph *g) { return mg_leaf(g, 0.5, "p"); }

/* beta1 = 1 with a zero gradient: m_hat = 0 / (1 - 1^t) = NaN, written
 * into the parameter; eps = 0: 0 / (0 + 0).  Refused, as PyTorch refuses
 * betas outside [0, 1) (and eps must be > 0 here). */
Test(hostile, adam_refuses_betas_outside_0_1_and_eps_not_positive) {
    mg_graph *g = mg_graph_new();
    mg_value *p = one_param(g);
    struct { double lr, b1, b2, eps; const char *what; } bad[] = {
        {0.1, 1.0, 0.999, 1e-8, "beta1 = 1 is outside [0, 1)"},
        {0.1, 0.9, 1.0, 1e-8, "beta2 = 1 is outside [0, 1)"},
        {0.1, -0.1, 0.999, 1e-8, "beta1 = -0.1"},
        {0.1, 0.9, 1.5, 1e-8, "beta2 = 1.5"},
        {0.1, 0.9, 0.999, 0.0, "eps = 0 must be greater than 0"},
        {0.1, 0.9, 0.999, -1e-8, "eps = -1e-08"},
        {0.1, NAN, 0.999, 1e-8, "beta1 = nan is not a finite number"},
        {0.1, 0.9, 0.999, INFINITY, "eps = inf"},
        {NAN, 0.9, 0.999, 1e-8, "lr = nan"},
        {-0.1, 0.9, 0.999, 1e-8, "lr = -0.1 must not be negative"},
        {INFINITY, 0.9, 0.999, 1e-8, "lr = inf"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_null(mg_adam_new(&p, 1, bad[i].lr, bad[i].b1, bad[i].b2, bad[i].eps), "case %zu",
                       i);
        expect_error(g, bad[i].what);
    }
    /* the edges that are allowed: beta 0, lr 0 */
    mg_optim *o = mg_adam_new(&p, 1, 0.0, 0.0, 0.0, 1e-8);
    cr_expect_not_null(o);
    p->grad = 0.0;
    mg_optim_step(o);
    cr_expect_eq(p->data, 0.5);
    mg_optim_free(o);
    cr_expect_null(mg_graph_error(g));
    mg_graph_free(g);
}

Test(hostile, adam_errors_speak_spanish) {
    mg_graph *g = mg_graph_new();
    mg_graph_set_lang(g, MG_LANG_ES);
    mg_value *p = one_param(g);
    cr_expect_null(mg_adam_new(&p, 1, 0.1, 1.0, 0.999, 1e-8));
    expect_error(g, "beta1 = 1 está fuera de [0, 1)");
    mg_graph_free(g);
}

Test(hostile, sgd_and_momentum_refuse_rates_they_cannot_use) {
    mg_graph *g = mg_graph_new();
    mg_value *p = one_param(g);
    cr_expect_null(mg_sgd_new(&p, 1, NAN));
    expect_error(g, "mg_sgd_new: lr = nan");
    cr_expect_null(mg_momentum_new(&p, 1, 0.1, -0.5));
    expect_error(g, "momentum = -0.5 must not be negative");
    cr_expect_null(mg_momentum_new(&p, 1, 0.1, INFINITY));
    expect_error(g, "momentum = inf");
    mg_optim *o = mg_sgd_new(&p, 1, 1.0);
    cr_assert_not_null(o);
    cr_expect_eq(mg_optim_linear_decay(o, NAN, 10), o);
    expect_error(g, "lr_end = nan");
    cr_expect_eq(mg_optim_lr(o), 1.0, "the rate stays as it was");
    mg_optim_free(o);
    mg_graph_free(g);
}

Test(hostile, an_optimizer_over_two_graphs_is_refused) {
    mg_graph *g1 = mg_graph_new(), *g2 = mg_graph_new();
    mg_value *p[2] = {mg_leaf(g1, 1, "a"), mg_leaf(g2, 2, "b")};
    cr_expect_null(mg_sgd_new(p, 2, 0.1));
    expect_error(g1, "parameter 1 is in another graph");
    mg_graph_free(g1);
    mg_graph_free(g2);
}

/* -------------------------------------------------------------- losses */

/* Targets from another graph: the message named the loss's own inner
 * nodes ('#8' and '#4') instead of the user's target. */
Test(hostile, hinge_errors_name_the_users_nodes) {
    mg_graph *g1 = mg_graph_new(), *g2 = mg_graph_new();
    mg_value *score[2] = {mg_leaf(g1, 0.3, "s0"), mg_leaf(g1, -0.2, "s1")};
    mg_value *target[2] = {mg_leaf(g2, 1, "y0"), mg_leaf(g2, -1, "y1")};
    cr_expect_null(mg_loss_hinge(score, target, 2, NULL, 0, 0));
    cr_expect(error_has(g1, "mg_loss_hinge") && error_has(g1, "target 0 ('y0')") &&
                  !error_has(g1, "#"),
              "%s", mg_graph_error(g1));
    mg_graph_clear_error(g1);
    mg_value *mixed[2] = {mg_leaf(g1, 1, "y0"), NULL};
    cr_expect_null(mg_loss_hinge(score, mixed, 2, NULL, 0, 0));
    expect_error(g1, "mg_loss_hinge: target 1 is NULL");
    mg_value *params[2] = {score[0], target[1]};
    cr_expect_null(mg_loss_hinge(score, mixed, 1, params, 2, 1e-4));
    expect_error(g1, "parameter 1 ('y1') is in another graph");
    size_t n = mg_graph_size(g1);
    cr_expect_null(mg_loss_mse(score, target, 2));
    expect_error(g1, "mg_loss_mse: target 0 ('y0')");
    cr_expect_eq(mg_graph_size(g1), n, "refused before building anything");
    mg_graph_free(g1);
    mg_graph_free(g2);
}

/* ----------------------------------------------------------- data sets */

/* (n_rows + size - 1) / size wrapped: 0 rows for batch 0. */
Test(hostile, dataset_batch_of_size_max_is_the_whole_set) {
    mg_dataset *d = mg_dataset_new(5, 2);
    cr_assert_not_null(d);
    for (size_t i = 0; i < 10; i++) d->x[i] = (double)i;
    const double *x = NULL, *y = NULL;
    cr_expect_eq(mg_dataset_batch(d, 0, SIZE_MAX, &x, &y), 5);
    cr_expect_eq(x, d->x);
    cr_expect_eq(mg_dataset_batch(d, 1, SIZE_MAX, &x, &y), 0);
    cr_expect_eq(mg_dataset_batch(d, 0, SIZE_MAX - 1, &x, &y), 5);
    cr_expect_eq(mg_dataset_batch(d, 1, 3, &x, &y), 2);
    cr_expect_eq(mg_dataset_batch(d, 2, 3, &x, &y), 0);
    cr_expect_eq(mg_dataset_batch(d, SIZE_MAX, 1, &x, &y), 0);
    mg_dataset_free(d);
}

Test(hostile, dataset_sizes_that_overflow_are_refused) {
    cr_expect_null(mg_dataset_new(SIZE_MAX, 1));
    cr_expect_null(mg_dataset_new(2, SIZE_MAX / 2));
    cr_expect_null(mg_dataset_new(SIZE_MAX / 8, 8));
    mg_dataset *d = mg_dataset_new(4, 1);
    cr_assert_not_null(d);
    cr_expect_null(mg_dataset_slice(d, 2, SIZE_MAX));
    cr_expect_null(mg_dataset_slice(d, SIZE_MAX, 1));
    mg_dataset *s = mg_dataset_slice(d, 4, 0);
    cr_expect(s && s->n_rows == 0);
    mg_dataset_free(s);
    mg_dataset *tr, *te;
    cr_expect_eq(mg_dataset_split(d, NAN, &tr, &te), -1);
    cr_expect_eq(mg_dataset_split(d, 1.0000001, &tr, &te), -1);
    mg_dataset_free(d);
}
