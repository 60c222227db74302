/* test_init.c -- the initialisers of mg_mlp_new_init: micrograd's default
 * unchanged, the spread of each kind against its formula (sample variance
 * of a wide layer), constant biases, parsing, and bad arguments. */
#include <micrograd.h>

#include "test_util.h"

static const size_t sizes[2] = {300, 200};

/* The sample mean and variance of layer `layer`'s weights (biases left out). */
static void weight_stats(const mg_mlp *m, size_t layer, double *mean, double *var) {
    size_t fan_in = layer ? mg_mlp_layer_size(m, layer - 1) : mg_mlp_n_in(m), n = 0;
    double s = 0.0, s2 = 0.0;
    for (size_t j = 0; j < mg_mlp_layer_size(m, layer); j++)
        for (size_t i = 0; i < fan_in; i++, n++) {
            double w = mg_mlp_param(m, layer, j, i)->data;
            s += w;
            s2 += w * w;
        }
    *mean = s / (double)n;
    *var = s2 / (double)n - *mean * *mean;
}

Test(init, null_or_zeroed_inits_are_mg_mlp_new) {
    mg_graph *g = mg_graph_new();
    const size_t sz[3] = {4, 3, 1};
    const mg_init zero[3] = {{0}, {0}, {0}};
    mg_mlp *a = mg_mlp_new(g, 2, sz, 3, NULL, 7);
    mg_mlp *b = mg_mlp_new_init(g, 2, sz, 3, NULL, NULL, 7);
    mg_mlp *c = mg_mlp_new_init(g, 2, sz, 3, NULL, zero, 7);
    cr_assert(a && b && c);
    for (size_t k = 0; k < mg_mlp_n_params(a); k++) {
        cr_expect_eq(mg_mlp_params(a)[k]->data, mg_mlp_params(b)[k]->data);
        cr_expect_eq(mg_mlp_params(a)[k]->data, mg_mlp_params(c)[k]->data);
    }
    mg_mlp_free(a);
    mg_mlp_free(b);
    mg_mlp_free(c);
    mg_graph_free(g);
}

/* Each kind's variance: uniform in [-a, a) has a^2/3, so every kind has a
 * target variance; 60,000 draws put the sample within 2% of it. */
Test(init, each_kind_has_its_variance) {
    const struct { mg_init_kind kind; double scale, var0, var1; } cases[] = {
        {MG_INIT_UNIFORM, 0.0, 1.0 / 3.0, 1.0 / 3.0},
        {MG_INIT_UNIFORM, 0.5, 0.25 / 3.0, 0.25 / 3.0},
        {MG_INIT_NORMAL, 0.1, 0.01, 0.01},
        {MG_INIT_XAVIER_UNIFORM, 0.0, 2.0 / 500.0, 2.0 / 500.0},
        {MG_INIT_XAVIER_NORMAL, 0.0, 2.0 / 500.0, 2.0 / 500.0},
        {MG_INIT_HE_UNIFORM, 0.0, 2.0 / 100.0, 2.0 / 300.0},
        {MG_INIT_HE_NORMAL, 2.0, 4.0 * 2.0 / 100.0, 4.0 * 2.0 / 300.0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mg_graph *g = mg_graph_new();
        mg_init in[2] = {{cases[c].kind, cases[c].scale, MG_BIAS_CONST, 0.0},
                         {cases[c].kind, cases[c].scale, MG_BIAS_CONST, 0.0}};
        /* 100 -> 300 -> 200: fan_in 100 and 300, fan_in + fan_out 400 and 500 */
        mg_mlp *m = mg_mlp_new_init(g, 100, sizes, 2, NULL, in, 3);
        cr_assert(m, "%s", mg_graph_error(g));
        double mean, var;
        weight_stats(m, 1, &mean, &var);
        cr_expect(fabs(var / cases[c].var1 - 1.0) < 0.02, "%s: variance %g, want %g",
                  mg_init_name(cases[c].kind), var, cases[c].var1);
        cr_expect(fabs(mean) < 4.0 * sqrt(cases[c].var1 / 60000.0));
        double var0 = cases[c].kind == MG_INIT_XAVIER_UNIFORM || cases[c].kind == MG_INIT_XAVIER_NORMAL
                          ? 2.0 / 400.0 : cases[c].var0;
        weight_stats(m, 0, &mean, &var);
        cr_expect(fabs(var / var0 - 1.0) < 0.02, "%s, layer 0: variance %g, want %g",
                  mg_init_name(cases[c].kind), var, var0);
        mg_mlp_free(m);
        mg_graph_free(g);
    }
}

Test(init, constant_biases_draw_nothing) {
    mg_graph *g = mg_graph_new();
    const size_t sz[1] = {3};
    mg_init zero = {MG_INIT_NORMAL, 0.1, MG_BIAS_CONST, 0.0};
    mg_init half = {MG_INIT_NORMAL, 0.1, MG_BIAS_CONST, 0.5};
    mg_mlp *a = mg_mlp_new_init(g, 2, sz, 1, NULL, &zero, 11);
    mg_mlp *b = mg_mlp_new_init(g, 2, sz, 1, NULL, &half, 11);
    cr_assert(a && b);
    /* the weights are 0.1 * the first six normal draws of seed 11, in order */
    mg_rng r;
    mg_rng_seed(&r, 11);
    for (size_t j = 0; j < 3; j++) {
        for (size_t i = 0; i < 2; i++) {
            double w = 0.1 * mg_rng_normal(&r);
            cr_expect_eq(mg_mlp_param(a, 0, j, i)->data, w);
            cr_expect_eq(mg_mlp_param(b, 0, j, i)->data, w);
        }
        cr_expect_eq(mg_mlp_param(a, 0, j, 2)->data, 0.0);
        cr_expect_eq(mg_mlp_param(b, 0, j, 2)->data, 0.5);
    }
    mg_mlp_free(a);
    mg_mlp_free(b);
    mg_graph_free(g);
}

Test(init, parse_and_name) {
    mg_init in = {MG_INIT_UNIFORM, 0.0, MG_BIAS_CONST, 0.25};
    cr_expect_eq(mg_init_parse("normal:0.1", &in), 0);
    cr_expect_eq(in.kind, MG_INIT_NORMAL);
    cr_expect_eq(in.scale, 0.1);
    cr_expect_eq(in.bias, MG_BIAS_CONST);   /* left alone */
    cr_expect_eq(in.bias_value, 0.25);
    cr_expect_eq(mg_init_parse("he-normal", &in), 0);
    cr_expect_eq(in.kind, MG_INIT_HE_NORMAL);
    cr_expect_eq(in.scale, 0.0);
    const char *bad[] = {"", "he", "normal:", "normal:-1", "normal:0", "normal:x", "normal:0.1x",
                         "xavier-uniformx", "normal:inf"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        cr_expect_eq(mg_init_parse(bad[k], &in), -1, "'%s' was accepted", bad[k]);
    cr_expect_eq(in.kind, MG_INIT_HE_NORMAL);
    for (int k = MG_INIT_UNIFORM; k <= MG_INIT_HE_NORMAL; k++) {
        cr_expect_eq(mg_init_parse(mg_init_name((mg_init_kind)k), &in), 0);
        cr_expect_eq((int)in.kind, k);
    }
    cr_expect_str_eq(mg_init_name((mg_init_kind)99), "?");
}

Test(init, bad_initialisers_are_errors) {
    const mg_init bad[] = {{(mg_init_kind)42, 0.0, MG_BIAS_DRAWN, 0.0},
                           {MG_INIT_NORMAL, -1.0, MG_BIAS_DRAWN, 0.0},
                           {MG_INIT_NORMAL, NAN, MG_BIAS_DRAWN, 0.0},
                           {MG_INIT_NORMAL, 0.1, MG_BIAS_CONST, INFINITY},
                           {MG_INIT_NORMAL, 0.1, (mg_init_bias)7, 0.0}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        mg_graph *g = mg_graph_new();
        const size_t sz[1] = {2};
        cr_expect_null(mg_mlp_new_init(g, 2, sz, 1, NULL, &bad[k], 1));
        cr_expect(mg_graph_error(g) && strstr(mg_graph_error(g), "layer 0"), "%s",
                  mg_graph_error(g) ? mg_graph_error(g) : "(no error)");
        mg_graph_free(g);
    }
}
