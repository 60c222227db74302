/* test_batch.c -- mg_batch against the loop it stands for: each row's
 * graph built with mg_mlp_forward and the loss, then the core's plain
 * mg_backward, row after row.  Grads and loss sums must agree to 1e-12
 * relative (the fast build takes the same sums in the same order, so in
 * practice they agree to the bit; the count of differing bits is checked
 * too), for every activation and loss, block sizes that do and do not
 * divide the rows, and training runs on real digits. */
#include <micrograd.h>

#include "test_util.h"
#if MG_FAST
#include "fast/dense.h"
#endif

typedef struct net_case {
    size_t n_in, n_layers, sizes[4];
    mg_activation acts[4];
    mg_loss_kind loss;
    size_t rows;
} net_case;

/* Rows of random inputs in [-1, 1) and targets suited to the loss. */
static void make_rows(const net_case *c, mg_rng *r, double *x, double *t) {
    const size_t k = c->sizes[c->n_layers - 1];
    for (size_t i = 0; i < c->rows * c->n_in; i++) x[i] = mg_rng_uniform(r, -1.0, 1.0);
    for (size_t i = 0; i < c->rows; i++) {
        size_t hot = (size_t)mg_rng_below(r, k);
        for (size_t j = 0; j < k; j++) {
            double u = mg_rng_uniform(r, 0.0, 1.0);
            t[i * k + j] = c->loss == MG_LOSS_SOFTMAX_CE ? (j == hot)
                           : c->loss == MG_LOSS_BCE || c->loss == MG_LOSS_BCE_LOGITS ? (u > 0.5)
                                                                                      : 2.0 * u - 1.0;
        }
    }
}

static mg_value *loss_of(mg_loss_kind kind, mg_value **pred, mg_value **target, size_t k) {
    switch (kind) {
    case MG_LOSS_MSE: return mg_loss_mse(pred, target, k);
    case MG_LOSS_HALF_SSE: return mg_loss_half_sse(pred, target, k);
    case MG_LOSS_BCE: return mg_loss_bce(pred, target, k);
    case MG_LOSS_BCE_LOGITS: return mg_loss_bce_logits(pred, target, k);
    default: return mg_loss_softmax_ce(pred, target, k, 1);
    }
}

/* The reference: every row's graph and mg_backward; returns the loss sum. */
static double graph_grad(mg_mlp *m, mg_loss_kind kind, const double *x, const double *t,
                         size_t rows) {
    mg_graph *g = mg_mlp_graph(m);
    const size_t n_in = mg_mlp_n_in(m), k = mg_mlp_layer_size(m, mg_mlp_n_layers(m) - 1);
    mg_value **xs = malloc(n_in * sizeof *xs), *pred[16], *target[16];
    double sum = 0.0;
    size_t mark = mg_graph_mark(g);
    for (size_t r = 0; r < rows; r++) {
        cr_assert(mg_leaves(g, x + r * n_in, n_in, xs) == 0);
        cr_assert(mg_mlp_forward(m, xs, pred) == k);
        cr_assert(mg_leaves(g, t + r * k, k, target) == 0);
        mg_value *loss = loss_of(kind, pred, target, k);
        cr_assert(loss);
        mg_backward(loss);
        sum += loss->data;
        mg_graph_reset(g, mark);
    }
    free(xs);
    return sum;
}

/* Both ways from the same parameters and starting grads: the grads and
 * sums agree to 1e-12 relative; returns how many differ in any bit. */
static size_t compare(const net_case *c, uint64_t seed) {
    mg_rng r;
    mg_rng_seed(&r, seed);
    const size_t k = c->sizes[c->n_layers - 1];
    double *x = malloc(c->rows * c->n_in * sizeof *x), *t = malloc(c->rows * k * sizeof *t);
    make_rows(c, &r, x, t);
    mg_graph *g = mg_graph_new();
    mg_mlp *ref = mg_mlp_new(g, c->n_in, c->sizes, c->n_layers, c->acts, seed);
    mg_mlp *fast = mg_mlp_new(g, c->n_in, c->sizes, c->n_layers, c->acts, seed);
    cr_assert(ref && fast);
    mg_mlp_set_fused(ref, 1);
    const size_t n = mg_mlp_n_params(ref);
    for (size_t i = 0; i < n; i++)   /* grads that do not start at 0 */
        mg_mlp_params(ref)[i]->grad = mg_mlp_params(fast)[i]->grad = 0.25 * (double)(i % 5);
    double want = graph_grad(ref, c->loss, x, t, c->rows), got = -1.0;
    mg_batch *b = mg_batch_new(fast, c->loss);
    cr_assert(b, "%s", mg_graph_error(g));
    cr_assert(mg_batch_grad(b, x, t, c->rows, &got) == 0);
    expect_close(got, want, 1e-12);
    size_t differ = got != want;
    for (size_t i = 0; i < n; i++) {
        double gr = mg_mlp_params(ref)[i]->grad, gf = mg_mlp_params(fast)[i]->grad;
        cr_expect(mgt_close(gf, gr, 1e-12), "%s loss, param %zu: grad %.17g, graph %.17g",
                  mg_loss_name(c->loss), i, gf, gr);
        differ += gf != gr;
    }
    /* predictions: the outputs of the graph */
    double *out = malloc(c->rows * k * sizeof *out);
    cr_assert(mg_batch_predict(b, x, c->rows, out) == 0);
    mg_value *pred[16];
    for (size_t row = 0; row < c->rows; row += 7) {
        size_t mark = mg_graph_mark(g);
        cr_assert(mg_mlp_forward_d(ref, x + row * c->n_in, pred) == k);
        for (size_t j = 0; j < k; j++) {
            expect_close(out[row * k + j], pred[j]->data, 1e-12);
            differ += out[row * k + j] != pred[j]->data;
        }
        mg_graph_reset(g, mark);
    }
    mg_batch_free(b);
    mg_mlp_free(ref);
    mg_mlp_free(fast);
    mg_graph_free(g);
    free(x);
    free(t);
    free(out);
    return differ;
}

Test(batch, every_activation_and_loss_is_the_graphs) {
    const net_case cases[] = {
        {13, 3, {9, 7, 3}, {MG_ACT_TANH, MG_ACT_RELU, MG_ACT_LINEAR}, MG_LOSS_MSE, 37},
        {5, 2, {16, 1}, {MG_ACT_SIGMOID, MG_ACT_SIGMOID}, MG_LOSS_BCE, 300},
        {20, 2, {12, 10}, {MG_ACT_RELU, MG_ACT_LINEAR}, MG_LOSS_SOFTMAX_CE, 130},
        {9, 3, {8, 11, 2}, {MG_ACT_LINEAR, MG_ACT_TANH, MG_ACT_LINEAR}, MG_LOSS_BCE_LOGITS, 129},
        {3, 2, {4, 2}, {MG_ACT_SIGMOID, MG_ACT_SIGMOID}, MG_LOSS_HALF_SSE, 5},
        {2, 4, {16, 16, 33, 1}, {MG_ACT_RELU, MG_ACT_RELU, MG_ACT_TANH, MG_ACT_LINEAR}, MG_LOSS_MSE, 64},
        {30, 1, {10}, {MG_ACT_LINEAR}, MG_LOSS_SOFTMAX_CE, 1},
    };
    size_t differ = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) differ += compare(&cases[c], 100 + c);
    cr_expect_eq(differ, 0, "%zu numbers differ in some bit from the graph's", differ);
}

Test(batch, no_rows_add_nothing) {
    mg_graph *g = mg_graph_new();
    const size_t sizes[2] = {3, 1};
    mg_mlp *m = mg_mlp_new(g, 2, sizes, 2, NULL, 1);
    mg_batch *b = mg_batch_new(m, MG_LOSS_MSE);
    cr_assert(b);
    double sum = 7.0, x[2] = {0}, t[1] = {0};
    cr_expect_eq(mg_batch_grad(b, x, t, 0, &sum), 0);
    cr_expect_eq(sum, 0.0);
    for (size_t i = 0; i < mg_mlp_n_params(m); i++) cr_expect_eq(mg_mlp_params(m)[i]->grad, 0.0);
    mg_batch_free(b);
    mg_mlp_free(m);
    mg_graph_free(g);
}

Test(batch, bad_arguments_are_errors) {
    mg_graph *g = mg_graph_new();
    const size_t sizes[1] = {2};
    mg_mlp *m = mg_mlp_new(g, 2, sizes, 1, NULL, 1);
    cr_expect_null(mg_batch_new(NULL, MG_LOSS_MSE));
    cr_expect_null(mg_batch_new(m, (mg_loss_kind)9));
    cr_expect(mg_graph_error(g) && strstr(mg_graph_error(g), "unknown loss"));
    mg_graph_clear_error(g);
    mg_batch *b = mg_batch_new(m, MG_LOSS_MSE);
    cr_assert(b);
    double x[2] = {1, 2}, out[2];
    cr_expect_eq(mg_batch_grad(b, NULL, x, 1, NULL), -1);
    cr_expect_eq(mg_batch_predict(b, x, 1, NULL), -1);
    cr_expect_eq(mg_batch_grad(NULL, x, x, 1, NULL), -1);
    cr_expect(mg_graph_error(g) && strstr(mg_graph_error(g), "NULL"));
    cr_expect_eq(mg_batch_predict(b, x, 1, out), 0);
    mg_batch_free(b);
    mg_batch_free(NULL);
    mg_mlp_free(m);
    mg_graph_free(g);
    cr_expect_str_eq(mg_loss_name(MG_LOSS_SOFTMAX_CE), "softmax-ce");
    cr_expect_eq(mg_loss_parse("bce-logits"), MG_LOSS_BCE_LOGITS);
    cr_expect_eq(mg_loss_parse("hinge"), -1);
}

/* The course net on real digits (tests/data/mnist: 20 of each digit from
 * the MNIST set): the notebook's initialisation, 0 against 1 (40 images),
 * five epochs of the summed gradient and SGD, once through mg_batch and
 * once through each image's graph: the same parameters at the end. */
Test(batch, training_on_real_digits_is_the_graphs) {
    char err[256];
    mg_dataset *d = mg_idx_load(MG_TEST_DATA "/mnist/images-idx3-ubyte",
                                MG_TEST_DATA "/mnist/labels-idx1-ubyte", 0x3u, err, sizeof err);
    cr_assert(d, "%s", err);
    cr_assert_eq(d->n_rows, 40);
    for (size_t i = 0; i < d->n_rows * d->n_features; i++) d->x[i] /= 255.0;
    const size_t sizes[2] = {16, 1};
    const mg_activation acts[2] = {MG_ACT_SIGMOID, MG_ACT_SIGMOID};
    const mg_init nb = {MG_INIT_NORMAL, 0.1, MG_BIAS_CONST, 0.0}, inits[2] = {nb, nb};
    mg_graph *g = mg_graph_new();
    mg_mlp *ref = mg_mlp_new_init(g, 784, sizes, 2, acts, inits, 5);
    mg_mlp *fast = mg_mlp_new_init(g, 784, sizes, 2, acts, inits, 5);
    cr_assert(ref && fast);
    mg_mlp_set_fused(ref, 1);
    mg_optim *o_ref = mg_sgd_new(mg_mlp_params(ref), mg_mlp_n_params(ref), 1e-2);
    mg_optim *o_fast = mg_sgd_new(mg_mlp_params(fast), mg_mlp_n_params(fast), 1e-2);
    mg_batch *b = mg_batch_new(fast, MG_LOSS_BCE);
    cr_assert(b);
    for (int e = 0; e < 5; e++) {
        mg_optim_zero_grad(o_ref);
        mg_optim_zero_grad(o_fast);
        double want = graph_grad(ref, MG_LOSS_BCE, d->x, d->y, d->n_rows), got;
        cr_assert(mg_batch_grad(b, d->x, d->y, d->n_rows, &got) == 0);
        expect_close(got, want, 1e-12);
        mg_optim_step(o_ref);
        mg_optim_step(o_fast);
    }
    size_t differ = 0;
    for (size_t i = 0; i < mg_mlp_n_params(ref); i++) {
        double a = mg_mlp_params(ref)[i]->data, f = mg_mlp_params(fast)[i]->data;
        cr_expect(mgt_close(f, a, 1e-12), "param %zu: %.17g, graph %.17g", i, f, a);
        differ += a != f;
    }
    cr_expect_eq(differ, 0);
    mg_batch_free(b);
    mg_optim_free(o_ref);
    mg_optim_free(o_fast);
    mg_mlp_free(ref);
    mg_mlp_free(fast);
    mg_graph_free(g);
    mg_dataset_free(d);
}

#if MG_FAST
/* The vector loop and the plain one give the same bits (the plain one is
 * what a CPU without AVX2 runs). */
Test(batch, vector_and_plain_loops_agree) {
    const size_t sizes[3] = {37, 19, 3};
    const mg_activation acts[3] = {MG_ACT_TANH, MG_ACT_RELU, MG_ACT_LINEAR};
    mg_graph *g = mg_graph_new();
    mg_mlp *m = mg_mlp_new(g, 23, sizes, 3, acts, 9);
    mg__dense *v = mg__dense_new(23, 3, sizes, acts), *p = mg__dense_new(23, 3, sizes, acts);
    cr_assert(m && v && p);
    mg__dense_use_plain(p);
    mg_rng r;
    mg_rng_seed(&r, 4);
    double x[MG__DENSE_BLOCK * 23];
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) x[i] = mg_rng_uniform(&r, -2.0, 2.0);
    mg__dense_load(v, mg_mlp_params(m), 1);
    mg__dense_load(p, mg_mlp_params(m), 1);
    const double *ov = mg__dense_forward(v, x, 103), *op = mg__dense_forward(p, x, 103);
    cr_expect_eq(memcmp(ov, op, 103 * 3 * sizeof *ov), 0);
    for (size_t i = 0; i < 103 * 3; i++)
        mg__dense_out_grad(v)[i] = mg__dense_out_grad(p)[i] = mg_rng_uniform(&r, -1.0, 1.0);
    mg__dense_backward(v, x, 103);
    mg__dense_backward(p, x, 103);
    mg_mlp *m2 = mg_mlp_new(g, 23, sizes, 3, acts, 9);
    mg__dense_store_grads(v, mg_mlp_params(m));
    mg__dense_store_grads(p, mg_mlp_params(m2));
    for (size_t i = 0; i < mg_mlp_n_params(m); i++)
        cr_expect_eq(mg_mlp_params(m)[i]->grad, mg_mlp_params(m2)[i]->grad, "param %zu", i);
    mg__dense_free(v);
    mg__dense_free(p);
    mg_mlp_free(m);
    mg_mlp_free(m2);
    mg_graph_free(g);
}
#endif
