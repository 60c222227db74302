/* test_moons_demo.c -- micrograd's demo.ipynb reproduced: the notebook's 100
 * points and 337 initial parameters (tests/data/micrograd_demo/), MLP(2,
 * [16, 16, 1]) with ReLU, the SVM loss with L2 1e-4, lr 1.0 - 0.9*k/100.
 * Every loss must match the notebook's trajectory to 1e-12 relative, every
 * accuracy exactly, and the last loss to the bit; the teaching graph
 * rebuilt every step and the fused graph built once and replayed must both
 * get there. */
#include <micrograd.h>

#include "test_util.h"

#define DEMO MG_TEST_DATA "/micrograd_demo"
#define N_PARAMS 337
#define N_STEPS 100

typedef struct demo {
    mg_dataset *moons;
    double params[N_PARAMS];
    double loss[N_STEPS], acc[N_STEPS];   /* the notebook's, from trajectory.csv */
} demo;

static void load_demo(demo *d) {
    char err[256];
    d->moons = mg_csv_load(DEMO "/moons.csv", "y", err, sizeof err);
    cr_assert(d->moons, "%s", err);
    cr_assert_eq(d->moons->n_rows, 100);

    FILE *f = fopen(DEMO "/params_init.txt", "r");
    cr_assert(f, "cannot open " DEMO "/params_init.txt");
    for (int i = 0; i < N_PARAMS; i++)
        cr_assert_eq(fscanf(f, "%lf", &d->params[i]), 1, "params_init.txt line %d", i + 1);
    fclose(f);

    f = fopen(DEMO "/trajectory.csv", "r");
    cr_assert(f);
    char line[256];
    cr_assert(fgets(line, sizeof line, f));   /* header */
    for (int k = 0; k < N_STEPS; k++) {
        int step;
        cr_assert_eq(fscanf(f, "%d,%lf,%lf", &step, &d->loss[k], &d->acc[k]), 3);
        cr_assert_eq(step, k);
    }
    fclose(f);
}

/* Run the demo's 100 steps and compare each with the notebook. */
static void run_demo(const demo *d, int fused_replay) {
    static const size_t sizes[3] = {16, 16, 1};
    static const mg_activation acts[3] = {MG_ACT_RELU, MG_ACT_RELU, MG_ACT_LINEAR};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = mg_mlp_new_from(g, 2, sizes, 3, acts, d->params);
    cr_assert(m, "%s", mg_graph_error(g));
    cr_assert_eq(mg_mlp_n_params(m), N_PARAMS);
    mg_mlp_set_fused(m, fused_replay);
    mg_value **p = mg_mlp_params(m);
    mg_optim *opt = mg_optim_linear_decay(mg_sgd_new(p, N_PARAMS, 1.0), 0.1, N_STEPS);
    cr_assert(opt);

    size_t n = d->moons->n_rows;
    mg_value *x[100][2], *score[100], *y[100], *loss = NULL;
    double s[100];
    size_t mark = mg_graph_mark(g);
    for (int k = 0; k < N_STEPS; k++) {
        if (!fused_replay || k == 0) {
            for (size_t i = 0; i < n; i++) {
                cr_assert_eq(mg_leaves(g, mg_dataset_row(d->moons, i), 2, x[i]), 0);
                cr_assert_eq(mg_mlp_forward(m, x[i], &score[i]), 1, "%s", mg_graph_error(g));
            }
            cr_assert_eq(mg_leaves(g, d->moons->y, n, y), 0);
            loss = mg_loss_hinge(score, y, n, p, N_PARAMS, 1e-4);
            cr_assert(loss, "%s", mg_graph_error(g));
        } else {
            mg_forward(loss);   /* the same graph on the updated parameters */
        }
        for (size_t i = 0; i < n; i++) s[i] = score[i]->data;
        double acc = 100.0 * mg_accuracy(s, d->moons->y, n, 0.0);
        cr_expect(mgt_close(loss->data, d->loss[k], 1e-12), "step %d: loss %.17g, notebook %.17g",
                  k, loss->data, d->loss[k]);
        cr_expect_eq(acc, d->acc[k], "step %d: accuracy %g%%, notebook %g%%", k, acc, d->acc[k]);
        if (k == N_STEPS - 1) {
            cr_expect_eq(loss->data, 0.010978370135492717, "final loss %.17g", loss->data);
            cr_expect_eq(loss->data, d->loss[k]);
        }
        mg_optim_zero_grad(opt);
        mg_backward(loss);
        mg_optim_step(opt);
        if (!fused_replay) mg_graph_reset(g, mark);
    }
    mg_optim_free(opt);
    mg_mlp_free(m);
    mg_graph_free(g);
}

Test(moons_demo, teaching_graph_reproduces_the_notebook, .timeout = 120) {
    static demo d;
    load_demo(&d);
    cr_expect_eq(d.loss[N_STEPS - 1], 0.010978370135492717);   /* the file is what we think */
    run_demo(&d, 0);
    mg_dataset_free(d.moons);
}

Test(moons_demo, fused_replayed_graph_reproduces_the_notebook, .timeout = 120) {
    static demo d;
    load_demo(&d);
    run_demo(&d, 1);
    mg_dataset_free(d.moons);
}
