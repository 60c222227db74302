/* test_optim.c -- SGD, the demo's linear decay, momentum and Adam against
 * updates worked out by hand; frozen parameters stay put. */
#include <micrograd.h>

#include "test_util.h"

Test(optim, sgd_steps_against_the_gradient) {
    mg_graph *g = mg_graph_new();
    mg_value *p[2] = {mg_leaf(g, 1.0, "a"), mg_leaf(g, -2.0, "b")};
    mg_optim *o = mg_sgd_new(p, 2, 0.1);
    cr_assert(o);
    p[0]->grad = 0.5;
    p[1]->grad = -4.0;
    mg_optim_step(o);
    /* p - lr * grad: 1 - 0.05, -2 + 0.4 */
    cr_expect_eq(p[0]->data, 1.0 - 0.1 * 0.5);
    cr_expect_eq(p[1]->data, -2.0 + 0.1 * 4.0);
    cr_expect_eq(mg_optim_steps(o), 1);
    mg_optim_zero_grad(o);
    cr_expect_eq(p[0]->grad, 0.0);
    cr_expect_eq(p[1]->grad, 0.0);
    mg_optim_free(o);
    mg_graph_free(g);
}

Test(optim, frozen_parameters_do_not_move) {
    mg_graph *g = mg_graph_new();
    mg_value *p[2] = {mg_leaf(g, 1.0, "w"), mg_freeze(mg_leaf(g, 0.35, "b1"), 1)};
    mg_optim *opts[3] = {mg_sgd_new(p, 2, 0.5), mg_momentum_new(p, 2, 0.5, 0.9),
                         mg_adam_new(p, 2, 0.5, 0.9, 0.999, 1e-8)};
    for (int k = 0; k < 3; k++) {
        cr_assert(opts[k]);
        p[0]->grad = p[1]->grad = 1.0;
        mg_optim_step(opts[k]);
        mg_optim_step(opts[k]);
        cr_expect_eq(p[1]->data, 0.35, "optimizer %d moved a frozen parameter", k);
        mg_optim_free(opts[k]);
    }
    cr_expect_lt(p[0]->data, 1.0);
    mg_graph_free(g);
}

/* micrograd's demo: learning_rate = 1.0 - 0.9*k/100, bit for bit. */
Test(optim, linear_decay_is_the_demos_schedule) {
    mg_graph *g = mg_graph_new();
    mg_value *p = mg_leaf(g, 0.0, "p");
    mg_optim *o = mg_optim_linear_decay(mg_sgd_new(&p, 1, 1.0), 0.1, 100);
    cr_assert(o);
    for (int k = 0; k < 100; k++) {
        double want = 1.0 - 0.9 * k / 100;
        cr_expect_eq(mg_optim_lr(o), want, "step %d: %.17g, want %.17g", k, mg_optim_lr(o), want);
        p->grad = 1.0;
        double before = p->data;
        mg_optim_step(o);
        cr_expect_eq(p->data, before - want * 1.0);
    }
    cr_expect_eq(mg_optim_lr(o), 0.1);   /* held at the end rate afterwards */
    mg_optim_linear_decay(o, 0.0, 0);
    cr_expect_eq(mg_optim_lr(o), 1.0);   /* back to constant */
    mg_optim_free(o);
    mg_graph_free(g);
}

Test(optim, momentum_accumulates_velocity) {
    mg_graph *g = mg_graph_new();
    mg_value *p = mg_leaf(g, 1.0, "p");
    mg_optim *o = mg_momentum_new(&p, 1, 0.1, 0.9);
    /* grad 1 each step: v = 1, 1.9, 2.71; p falls by 0.1 v */
    double v[3] = {1.0, 1.9, 2.71}, want = 1.0;
    for (int k = 0; k < 3; k++) {
        p->grad = 1.0;
        mg_optim_step(o);
        want -= 0.1 * v[k];
        expect_close(p->data, want, 1e-14);
    }
    mg_optim_free(o);
    mg_graph_free(g);
}

/* Adam's first two steps with grads 2 then -1 (lr 0.01, b1 0.9, b2 0.999,
 * eps 1e-8), by hand:
 *   step 1: m = 0.1*2 = 0.2, v = 0.001*4 = 0.004, m^ = 0.2/0.1 = 2,
 *           v^ = 0.004/0.001 = 4, step = 0.01 * 2 / (2 + 1e-8)
 *   step 2: m = 0.9*0.2 - 0.1 = 0.08, v = 0.999*0.004 + 0.001 = 0.004996,
 *           m^ = 0.08/(1 - 0.81) = 8/19, v^ = 0.004996/(1 - 0.998001)
 *           = 4996/1999, step = 0.01 * (8/19) / (sqrt(4996/1999) + 1e-8) */
Test(optim, adam_first_steps_by_hand) {
    mg_graph *g = mg_graph_new();
    mg_value *p[2] = {mg_leaf(g, 1.0, "p"), mg_leaf(g, 3.0, "still")};
    mg_optim *o = mg_adam_new(p, 2, 0.01, 0.9, 0.999, 1e-8);
    cr_assert(o);
    p[0]->grad = 2.0;
    p[1]->grad = 0.0;
    mg_optim_step(o);
    double step1 = 0.01 * 2.0 / (2.0 + 1e-8);
    expect_close(p[0]->data, 1.0 - step1, 1e-12);
    expect_close(1.0 - p[0]->data, 0.00999999995, 1e-9);  /* ~lr, as Adam's first step is */
    cr_expect_eq(p[1]->data, 3.0);                       /* zero grad: m = 0, no move */
    p[0]->grad = -1.0;
    mg_optim_step(o);
    double step2 = 0.01 * (8.0 / 19.0) / (sqrt(4996.0 / 1999.0) + 1e-8);
    expect_close(p[0]->data, 1.0 - step1 - step2, 1e-12);
    cr_expect_eq(mg_optim_steps(o), 2);
    mg_optim_free(o);
    mg_graph_free(g);
}

/* The optimizer keeps its own copy of the parameter array. */
Test(optim, copies_the_parameter_array) {
    mg_graph *g = mg_graph_new();
    mg_value *arr[1] = {mg_leaf(g, 1.0, "p")}, *p = arr[0];
    mg_optim *o = mg_sgd_new(arr, 1, 1.0);
    arr[0] = NULL;
    p->grad = 0.25;
    mg_optim_step(o);
    cr_expect_eq(p->data, 0.75);
    mg_optim_free(o);
    mg_graph_free(g);
}

Test(optim, bad_arguments) {
    cr_expect_null(mg_sgd_new(NULL, 3, 0.1));
    mg_graph *g = mg_graph_new();
    mg_value *p = mg_leaf(g, 1.0, "p");
    cr_expect_null(mg_adam_new(&p, 0, 0.1, 0.9, 0.999, 1e-8));
    mg_optim_step(NULL);
    mg_optim_zero_grad(NULL);
    mg_optim_free(NULL);
    cr_expect_eq(mg_optim_lr(NULL), 0.0);
    mg_graph_free(g);
}

/* Nesterov momentum against PyTorch 1.13 (torch.optim.SGD(lr=0.1,
 * momentum=0.9, nesterov=True), float64, the grads set by hand each step):
 * the parameters it printed after each of three steps. */
Test(optim, nesterov_matches_pytorch) {
    mg_graph *g = mg_graph_new();
    mg_value *p[2] = {mg_leaf(g, 1.0, "a"), mg_leaf(g, -2.0, "b")};
    mg_optim *o = mg_nesterov_new(p, 2, 0.1, 0.9);
    cr_assert(o);
    const double grads[3][2] = {{0.5, -4.0}, {0.25, 1.0}, {-1.0, 0.5}};
    const double torch[3][2] = {{0.905, -1.24},
                                {0.8170000000000001, -1.1059999999999999},
                                {0.9503, -0.9903999999999998}};
    for (int s = 0; s < 3; s++) {
        p[0]->grad = grads[s][0];
        p[1]->grad = grads[s][1];
        mg_optim_step(o);
        expect_close(p[0]->data, torch[s][0], 1e-15);
        expect_close(p[1]->data, torch[s][1], 1e-15);
    }
    mg_optim_free(o);
    mg_graph_free(g);
}
