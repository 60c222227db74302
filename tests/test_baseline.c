/* test_baseline.c -- the benchmark's hand-written demo net (bench/baseline.c)
 * must compute what micrograd's notebook computed, and the same gradients
 * as the engine, or the benchmark's ratios would compare different work. */
#include "test_util.h"
#include "baseline.h"
#include <micrograd.h>

typedef struct {
    double x[200], y[100], p[BASELINE_N_PARAMS];
    double loss[101];
} demo;

static void load_demo(demo *d) {
    FILE *f = fopen(MG_TEST_DATA "/micrograd_demo/moons.csv", "r");
    cr_assert_not_null(f);
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, f));  /* header */
    for (int i = 0; i < 100; i++)
        cr_assert_eq(fscanf(f, "%lf,%lf,%lf", &d->x[2 * i], &d->x[2 * i + 1], &d->y[i]), 3);
    fclose(f);
    f = fopen(MG_TEST_DATA "/micrograd_demo/params_init.txt", "r");
    cr_assert_not_null(f);
    for (int k = 0; k < BASELINE_N_PARAMS; k++) cr_assert_eq(fscanf(f, "%lf", &d->p[k]), 1);
    fclose(f);
    f = fopen(MG_TEST_DATA "/micrograd_demo/trajectory.csv", "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(line, sizeof line, f));
    for (int s = 0; s < 100; s++) {
        int step;
        double acc;
        cr_assert_eq(fscanf(f, "%d,%lf,%lf", &step, &d->loss[s], &acc), 3);
    }
    fclose(f);
}

Test(baseline, reproduces_the_notebooks_trajectory) {
    static demo d;
    load_demo(&d);
    double grad[BASELINE_N_PARAMS];
    for (int step = 0; step < 100; step++) {
        double loss = baseline_loss_grad(d.p, d.x, d.y, 100, 1e-4, grad);
        cr_assert(mgt_close(loss, d.loss[step], 1e-9), "step %d: loss %.17g, notebook %.17g", step,
                  loss, d.loss[step]);
        double lr = 1.0 - 0.9 * step / 100;
        for (int k = 0; k < BASELINE_N_PARAMS; k++) d.p[k] -= lr * grad[k];
    }
    cr_expect_eq(baseline_accuracy(d.p, d.x, d.y, 100), 1.0);
}

/* The demo's loss built node by node from the core ops. */
static mg_value *engine_loss(mg_graph *g, mg_value **p, const demo *d) {
    enum { H = BASELINE_H };
    mg_value *losses[100];
    for (int i = 0; i < 100; i++) {
        mg_value *x0 = mg_leaf(g, d->x[2 * i], NULL), *x1 = mg_leaf(g, d->x[2 * i + 1], NULL);
        mg_value *h1[H], *h2[H];
        for (int j = 0; j < H; j++) {
            mg_value *s = mg_add(mg_add(p[3 * j + 2], mg_mul(p[3 * j], x0)), mg_mul(p[3 * j + 1], x1));
            h1[j] = mg_relu(s);
        }
        for (int j = 0; j < H; j++) {
            mg_value **w = p + 3 * H + j * (H + 1);
            mg_value *s = w[H];
            for (int k = 0; k < H; k++) s = mg_add(s, mg_mul(w[k], h1[k]));
            h2[j] = mg_relu(s);
        }
        mg_value **w = p + 3 * H + H * (H + 1);
        mg_value *score = w[H];
        for (int k = 0; k < H; k++) score = mg_add(score, mg_mul(w[k], h2[k]));
        losses[i] = mg_relu(mg_add_c(mg_mul_c(score, -d->y[i]), 1.0));
    }
    mg_value *data_loss = mg_mul_c(mg_sum(losses, 100), 1.0 / 100);
    mg_value *sq[BASELINE_N_PARAMS];
    for (int k = 0; k < BASELINE_N_PARAMS; k++) sq[k] = mg_mul(p[k], p[k]);
    return mg_add(data_loss, mg_mul_c(mg_sum(sq, BASELINE_N_PARAMS), 1e-4));
}

Test(baseline, gives_the_engines_gradients) {
    static demo d;
    load_demo(&d);
    mg_graph *g = mg_graph_new();
    mg_value *p[BASELINE_N_PARAMS];
    for (int k = 0; k < BASELINE_N_PARAMS; k++) p[k] = mg_leaf(g, d.p[k], NULL);
    mg_value *loss = engine_loss(g, p, &d);
    cr_assert_not_null(loss, "%s", mg_graph_error(g));
    mg_backward(loss);
    double grad[BASELINE_N_PARAMS];
    double base = baseline_loss_grad(d.p, d.x, d.y, 100, 1e-4, grad);
    expect_close(loss->data, base, 1e-13);
    expect_close(loss->data, d.loss[0], 1e-13);
    for (int k = 0; k < BASELINE_N_PARAMS; k++)
        cr_expect(fabs(p[k]->grad - grad[k]) <= 1e-12 * fmax(1e-3, fabs(grad[k])),
                  "param %d: engine %.17g, baseline %.17g", k, p[k]->grad, grad[k]);
    mg_graph_free(g);
}
