/* init.c -- how a layer's first weights and biases are drawn.
 *
 * micrograd draws every parameter uniform in [-1, 1), and that stays the
 * default.  It suits a neuron with a handful of inputs; a sigmoid fed 784
 * pixels through such weights sits at 0 or 1 where its slope is nothing.
 * The usual cures scale the spread to the layer: a fixed small normal (the
 * MNIST course notebook's 0.1 * N(0, 1)), Glorot and Bengio's (Xavier)
 * variance 2 / (fan_in + fan_out), and He et al.'s 2 / fan_in for ReLU
 * layers, each as a uniform or a normal draw with that variance.
 *
 * Every draw comes from mg_rng, in parameter order, so a seed gives the
 * same net on every machine (normal draws go through libm's log and sqrt:
 * see rng.c). */
#include "nn/nn.h"

#include <math.h>
#include <string.h>

static const char *const kind_names[] = {"uniform",     "normal",    "xavier-uniform",
                                         "xavier-normal", "he-uniform", "he-normal"};
#define N_KINDS (sizeof kind_names / sizeof kind_names[0])

const char *mg_init_name(mg_init_kind kind) {
    return (unsigned)kind < N_KINDS ? kind_names[kind] : "?";
}

int mg_init_parse(const char *text, mg_init *init) {
    if (!text || !init) return -1;
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    for (size_t k = 0; k < N_KINDS; k++) {
        if (strlen(kind_names[k]) != len || strncmp(text, kind_names[k], len)) continue;
        double scale = 0.0;
        if (colon) {
            char *end;
            scale = mg_num_parse(colon + 1, &end);
            if (end == colon + 1 || *end || !(scale > 0.0) || !isfinite(scale)) return -1;
        }
        init->kind = (mg_init_kind)k;
        init->scale = scale;
        return 0;
    }
    return -1;
}

int mg__init_check(const mg_init *init) {
    return (unsigned)init->kind < N_KINDS && isfinite(init->scale) && init->scale >= 0.0 &&
           (init->bias == MG_BIAS_DRAWN || init->bias == MG_BIAS_CONST) &&
           isfinite(init->bias_value);
}

/* The standard deviation (normal kinds) or half-width (uniform kinds) the
 * layer's weights are drawn with. */
static double spread(const mg_init *init, size_t fan_in, size_t fan_out) {
    const double s = init->scale > 0.0 ? init->scale : 1.0;
    const double in = (double)fan_in, both = (double)fan_in + (double)fan_out;
    switch (init->kind) {
    case MG_INIT_XAVIER_UNIFORM: return s * sqrt(6.0 / both);   /* variance a^2/3 = 2/both */
    case MG_INIT_XAVIER_NORMAL: return s * sqrt(2.0 / both);
    case MG_INIT_HE_UNIFORM: return s * sqrt(6.0 / in);         /* variance 2/fan_in */
    case MG_INIT_HE_NORMAL: return s * sqrt(2.0 / in);
    case MG_INIT_NORMAL:
    case MG_INIT_UNIFORM:
    default: return s;
    }
}

double mg__init_draw(const mg_init *init, size_t fan_in, size_t fan_out, mg_rng *rng) {
    const double a = spread(init, fan_in, fan_out);
    switch (init->kind) {
    case MG_INIT_NORMAL:
    case MG_INIT_XAVIER_NORMAL:
    case MG_INIT_HE_NORMAL: return a * mg_rng_normal(rng);
    default: return mg_rng_uniform(rng, -a, a);
    }
}
