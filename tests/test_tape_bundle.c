/* test_tape_bundle.c -- bundles taken whole by a tape's backward (src/fast/
 * bundle.c, kernels.c) give the same bits as node by node, on graphs built to
 * break them: a weight used again between two bundles of its pack, a
 * weight that is also an input, a bias shared by two packs, a skip that
 * would land inside a bundle; then random layered graphs with such sharing.
 * The reference is the same graph built afresh and differentiated by the
 * core's mg_backward, which shares none of the bundle code.  Under FAST=0
 * the plain tape must give the same numbers; the looks inside the compiled
 * tape (which bundles it found) are left out there. */
#include "test_util.h"
#include "core/core.h"
#if MG_FAST
#include "fast/fast.h"
#endif
#include "ref_math.h"

#include <micrograd.h>

enum { MAX_LEAVES = 512 };

/* Builds a graph whose leaves take their values from v in order of
 * creation; returns the root.  ctx: the builder's own settings. */
typedef mg_value *(*builder)(mg_graph *g, const double *v, const void *ctx);

/* Every leaf of g in id order (the builders make no others). */
static size_t leaves_of(mg_graph *g, mg_value *root, mg_value **out) {
    size_t n, k = 0;
    mg_value *const *topo = mg_topo(root, &n);
    for (size_t i = 0; i < n; i++)
        if (mg_value_op(topo[i]) == MG_OP_LEAF) out[k++] = topo[i];
    (void)g;
    return k;
}

/* Replay the graph of `build` for `rounds` rounds, new values each round
 * from fill(round), and compare every node with a fresh build, bit for
 * bit.  Returns the replayed graph's number of neurons in bundles taken
 * whole (in the last round), so a test can insist the path was taken. */
static size_t replay_matches_fresh(builder build, const void *ctx, size_t n_vals,
                                   void (*fill)(double *v, size_t n, int round, unsigned seed),
                                   unsigned seed, int rounds) {
    double v[MAX_LEAVES];
    cr_assert(n_vals <= MAX_LEAVES);
    fill(v, n_vals, 0, seed);
    mg_graph *g = mg_graph_new();
    mg_value *root = build(g, v, ctx), *leaf[MAX_LEAVES];
    cr_assert_not_null(root, "%s", mg_graph_error(g));
    /* leaves in creation order are the leaves in topo order (by id), if
     * every leaf is reachable: the builders make sure of it */
    const size_t n_leaves = leaves_of(g, root, leaf);
    cr_assert_eq(n_leaves, n_vals, "seed %u: %zu leaves reachable, %zu made", seed, n_leaves, n_vals);
    size_t whole = 0;
    mg_tape *tape = mg_tape_new(root);
    cr_assert_not_null(tape, "%s", mg_graph_error(g));
    for (int round = 0; round < rounds; round++) {
        fill(v, n_vals, round, seed);
        for (size_t k = 0; k < n_vals; k++) {
            leaf[k]->data = v[k];
            leaf[k]->grad = 0.0;
        }
        cr_assert_eq(mg_tape_forward(tape), 0);
        cr_assert_eq(mg_tape_backward(tape), 0);
        mg_graph *f = mg_graph_new();
        mg_value *froot = build(f, v, ctx);
        cr_assert_not_null(froot, "%s", mg_graph_error(f));
        mg_backward(froot);
        mgt_assert_same_graphs(root, froot, seed, round);
        mg_graph_free(f);
    }
#if MG_FAST
    for (size_t q = 0; q < tape->n_bundles; q++) whole += tape->bundles[q].whole ? tape->bundles[q].m : 0;
#endif
    mg_tape_free(tape);
    mg_graph_free(g);
    return whole;
}

/* The values as given, every round. */
static const double *fixed_values;
static void fill_fixed(double *v, size_t n, int round, unsigned seed) {
    (void)round;
    (void)seed;
    memcpy(v, fixed_values, n * sizeof *v);
}

/* Values drawn from round and seed: mostly in [-2, 2], one in five 0 (dead
 * neurons, zero grads), and with `specials` now and then inf, NaN or -0. */
static int specials;
static void fill_random(double *v, size_t n, int round, unsigned seed) {
    mg_rng r;
    mg_rng_seed(&r, seed * 1000u + (unsigned)round);
    static const double odd[] = {-0.0, 1e300, INFINITY, -INFINITY, NAN};
    for (size_t k = 0; k < n; k++) {
        const unsigned pick = (unsigned)mg_rng_below(&r, 50);
        v[k] = pick < 10 ? 0.0 : mg_rng_uniform(&r, -2.0, 2.0);
        if (specials && pick == 10) v[k] = odd[mg_rng_below(&r, 5)];
    }
}

/* n leaves into out, with the values v[*k], v[*k + 1], ... */
static void make_leaves(mg_graph *g, const double *v, size_t *k, mg_value **out, int n) {
    for (int i = 0; i < n; i++) out[i] = mg_leaf(g, v[(*k)++], NULL);
}

/* One layer of m neurons over x (n_in of them), each with its own weights
 * from w (m rows of n_in) and bias b[j]; activation relu (act 1), tanh (2)
 * or none (0).  out gets the m outputs. */
static void layer(mg_value *const *b, mg_value *const *w, mg_value *const *x, size_t n_in,
                  size_t m, int act, mg_value **out) {
    for (size_t j = 0; j < m; j++) {
        mg_value *n = mg_neuron(b[j], w + j * n_in, x, n_in);
        out[j] = act == 1 ? mg_relu(n) : act == 2 ? mg_tanh(n) : n;
    }
}

/* ---- a skip that would land inside a bundle ----
 * Two points through a layer of three relu neurons (pack P1), then two
 * relu neurons a and b (pack P2); a gives the third neuron weight 0.  In
 * point 0, b is dead, so the third relu's grad is 0 and the skip table
 * would jump over it into the middle of point 0's first bundle; in point 1
 * b is alive, so that bundle was taken whole first and P1's grads are
 * held in the pack.  Walking the rest node by node would add to the
 * weights' own grads, which the pack's store then overwrites. */
static mg_value *build_landing(mg_graph *g, const double *v, const void *ctx) {
    (void)ctx;
    size_t k = 0;
    mg_value *w1[6], *b1[3], *w2[6], *b2[2], *x[2][2], *terms[4];
    make_leaves(g, v, &k, w1, 6);
    make_leaves(g, v, &k, b1, 3);
    make_leaves(g, v, &k, w2, 6);
    make_leaves(g, v, &k, b2, 2);
    for (int p = 0; p < 2; p++) {
        x[p][0] = mg_leaf(g, v[k++], NULL);
        x[p][1] = mg_leaf(g, v[k++], NULL);
        mg_value *h[3], *o[2];
        layer(b1, w1, x[p], 2, 3, 1, h);
        layer(b2, w2, h, 3, 2, 1, o);
        terms[2 * p] = o[0];
        terms[2 * p + 1] = o[1];
    }
    return mg_sum(terms, 4);
}

Test(tape_bundle, a_skip_never_lands_inside_a_bundle_taken_whole) {
    static const double v[] = {
        0.5, 0.25, 0.75, 0.5, 0.25, 0.125,   /* w1: all positive */
        0.1, 0.2, 0.3,                       /* b1 */
        0.5, 0.25, 0.0,                      /* neuron a: weight 0 for the third relu */
        1.0, 1.0, 1.0,                       /* neuron b */
        1.0, -4.0,                           /* biases: a always alive, b only for big inputs */
        0.1, 0.2,                            /* point 0: b dead */
        3.0, 2.0,                            /* point 1: b alive */
    };
    fixed_values = v;
    const size_t whole = replay_matches_fresh(build_landing, NULL, sizeof v / sizeof *v, fill_fixed, 1, 4);
#if MG_FAST
    cr_expect_eq(whole, 10, "neurons in whole bundles: %zu, want all 10", whole);
#else
    (void)whole;
#endif
}

/* ---- a weight used again between two bundles of its pack ---- */
typedef struct {
    int reuse;   /* 0: w0*w0 added in between; 1: point 1's input is w0 */
} reuse_ctx;

static mg_value *build_reuse(mg_graph *g, const double *v, const void *ctx) {
    const reuse_ctx *c = ctx;
    size_t k = 0;
    mg_value *w[6], *b[3], *terms[8];
    size_t n_terms = 0;
    make_leaves(g, v, &k, w, 6);
    make_leaves(g, v, &k, b, 3);
    for (int p = 0; p < 2; p++) {
        mg_value *x[2], *h[3];
        x[0] = p == 1 && c->reuse == 1 ? w[0] : mg_leaf(g, v[k++], NULL);
        x[1] = mg_leaf(g, v[k++], NULL);
        layer(b, w, x, 2, 3, 1, h);
        for (int j = 0; j < 3; j++) terms[n_terms++] = h[j];
        if (p == 0 && c->reuse == 0) terms[n_terms++] = mg_mul(w[0], w[0]);
    }
    return mg_sum(terms, n_terms);
}

#if MG_FAST
/* The compiled tape of the graph `build` makes, walked forward and backward
 * twice.  The caller frees it and its graph (tape_graph). */
static mg_tape *walked_twice(builder build, const void *ctx, const double *v) {
    mg_graph *g = mg_graph_new();
    mg_value *root = build(g, v, ctx);
    cr_assert_not_null(root, "%s", mg_graph_error(g));
    mg_tape *t = mg_tape_new(root);
    cr_assert_not_null(t, "%s", mg_graph_error(g));
    for (int i = 0; i < 2; i++) {
        mg_tape_forward(t);
        mg_tape_backward(t);
    }
    return t;
}

static void free_walked(mg_tape *t) {
    mg_graph *g = mg_value_graph(mg_tape_root(t));
    mg_tape_free(t);
    mg_graph_free(g);
}

static void expect_pack_without_grads(builder build, const void *ctx, const double *v) {
    mg_tape *t = walked_twice(build, ctx, v);
    cr_expect_eq(t->n_packs, 1, "packs: %zu", t->n_packs);
    if (t->n_packs) cr_expect_not(t->packs[0].grads_ok, "the pack's grads were to be kept");
    for (size_t q = 0; q < t->n_bundles; q++)
        cr_expect_not(t->bundles[q].whole, "bundle %zu taken whole", q);
    free_walked(t);
}
#else
static void expect_pack_without_grads(builder build, const void *ctx, const double *v) {
    (void)build, (void)ctx, (void)v;
}
#endif

Test(tape_bundle, a_weight_used_between_its_bundles_keeps_its_order) {
    static const double v[] = {0.5, -0.25, 0.75, 0.5, 0.25, -0.125, 0.1, 0.2, 0.3,
                               1.5, -1.0, 0.7, 2.0};
    fixed_values = v;
    const reuse_ctx c = {0};
    replay_matches_fresh(build_reuse, &c, sizeof v / sizeof *v, fill_fixed, 2, 4);
    expect_pack_without_grads(build_reuse, &c, v);
}

static const reuse_ctx weight_as_input = {1};

Test(tape_bundle, a_weight_that_is_also_an_input_keeps_its_order) {
    static const double v[] = {0.5, -0.25, 0.75, 0.5, 0.25, -0.125, 0.1, 0.2, 0.3,
                               1.5, -1.0, 2.0};   /* point 1 has one input of its own */
    fixed_values = v;
    replay_matches_fresh(build_reuse, &weight_as_input, sizeof v / sizeof *v, fill_fixed, 3, 4);
    expect_pack_without_grads(build_reuse, &weight_as_input, v);
}

/* ---- an input given twice ----
 * Each neuron takes the same x as both its inputs.  Node by node, x's grad
 * gets member 2's two terms, then member 1's, then member 0's; a bundle
 * that kept a register per input would add all first terms, then all
 * second ones.  The weights make the two orders round differently (1e16
 * swallows a 1 in one order and not in the other). */
static mg_value *build_twice(mg_graph *g, const double *v, const void *ctx) {
    (void)ctx;
    size_t k = 0;
    mg_value *w[6], *b[3], *terms[6];
    make_leaves(g, v, &k, w, 6);
    make_leaves(g, v, &k, b, 3);
    for (int p = 0; p < 2; p++) {
        mg_value *x = mg_leaf(g, v[k++], NULL), *xx[2] = {x, x};
        layer(b, w, xx, 2, 3, 0, terms + 3 * p);
    }
    return mg_sum(terms, 6);
}

Test(tape_bundle, an_input_given_twice_keeps_its_order) {
    static const double v[] = {0.5, 0.25, -1e16, 1.0, 1e16, 1.0, 0.1, 0.2, 0.3, 1.5, -2.0};
    fixed_values = v;
    replay_matches_fresh(build_twice, NULL, sizeof v / sizeof *v, fill_fixed, 5, 4);
#if MG_FAST
    /* and the reason it holds: those bundles are walked node by node */
    mg_tape *t = walked_twice(build_twice, NULL, v);
    cr_expect_eq(t->n_bundles, 2, "bundles: %zu", t->n_bundles);
    for (size_t q = 0; q < t->n_bundles; q++) cr_expect_not(t->bundles[q].whole, "bundle %zu", q);
    free_walked(t);
#endif
}

/* ---- members with different activations ----
 * One bundle whose neurons are followed by relu, tanh, relu, sigmoid, ...
 * (nine of them: a group of eight and one more), for two points. */
static mg_value *build_mixed(mg_graph *g, const double *v, const void *ctx) {
    (void)ctx;
    size_t k = 0;
    mg_value *w[18], *b[9], *terms[18];
    make_leaves(g, v, &k, w, 18);
    make_leaves(g, v, &k, b, 9);
    for (int p = 0; p < 2; p++) {
        mg_value *x[2];
        make_leaves(g, v, &k, x, 2);
        for (int j = 0; j < 9; j++) {
            mg_value *n = mg_neuron(b[j], w + 2 * j, x, 2);
            terms[9 * p + j] = j % 2 == 0 ? mg_relu(n) : j % 4 == 1 ? mg_tanh(n) : mg_sigmoid(n);
        }
    }
    return mg_sum(terms, 18);
}

Test(tape_bundle, members_with_different_activations_match_a_fresh_graph) {
    for (unsigned seed = 1; seed <= 20; seed++) {
        const size_t whole = replay_matches_fresh(build_mixed, NULL, 31, fill_random, seed, 4);
        cr_expect(whole == 0 || whole == 18, "seed %u: %zu neurons in whole bundles", seed, whole);
    }
}

/* ---- a bias shared by two packs ----
 * Two layers over the same two inputs, each with its own weights but the
 * same three biases, for two points: the biases are in both packs, so
 * neither pack may hold their grads. */
static mg_value *build_shared_bias(mg_graph *g, const double *v, const void *ctx) {
    (void)ctx;
    size_t k = 0;
    mg_value *wa[6], *wb[6], *b[3], *terms[12];
    make_leaves(g, v, &k, wa, 6);
    make_leaves(g, v, &k, wb, 6);
    make_leaves(g, v, &k, b, 3);
    for (int p = 0; p < 2; p++) {
        mg_value *x[2], *h[3];
        x[0] = mg_leaf(g, v[k++], NULL);
        x[1] = mg_leaf(g, v[k++], NULL);
        layer(b, wa, x, 2, 3, 1, h);
        for (int j = 0; j < 3; j++) terms[6 * p + j] = h[j];
        mg_value *x_swapped[2] = {x[1], x[0]};   /* so that the layers are two bundles */
        layer(b, wb, x_swapped, 2, 3, 2, h);
        for (int j = 0; j < 3; j++) terms[6 * p + 3 + j] = h[j];
    }
    return mg_sum(terms, 12);
}

Test(tape_bundle, a_bias_shared_by_two_packs_keeps_its_order) {
    static const double v[] = {0.5,  -0.25, 0.75, 0.5,  0.25, -0.125, -0.5, 0.25,
                               -0.75, 0.5,  0.3,  0.9,  0.1,  0.2,    0.3,  1.5,
                               -1.0, 0.7,   2.0};
    fixed_values = v;
    replay_matches_fresh(build_shared_bias, NULL, sizeof v / sizeof *v, fill_fixed, 4, 4);
#if MG_FAST
    mg_tape *t = walked_twice(build_shared_bias, NULL, v);
    cr_expect_eq(t->n_packs, 2, "packs: %zu", t->n_packs);
    for (size_t q = 0; q < t->n_packs; q++) cr_expect_not(t->packs[q].grads_ok, "pack %zu", q);
    free_walked(t);
#endif
}

/* ---- random layered graphs ----
 * A few points through a few layers of neurons made with mg_neuron, whose
 * weights and biases are leaves that now and then are shared: a slot takes
 * another layer's leaf, a point's input is a weight or the same leaf as its
 * previous input, or a weight is used once more (w*w in the loss) between
 * two points.  Activations relu, tanh
 * or none; values with zeros (dead neurons) and, for some seeds, inf, NaN
 * and -0. */
enum { R_POINTS = 4, R_LAYERS = 3, R_WIDTH = 5, R_IN = 3 };

typedef struct {
    unsigned seed;
} random_ctx;

/* The structure comes from the seed alone, so every build is the same
 * graph; leaves are numbered by creation and take v[k].  *n_made counts
 * them (for sizing the values). */
static mg_value *build_random_counted(mg_graph *g, const double *v, unsigned seed, size_t *n_made) {
    mg_rng r;
    mg_rng_seed(&r, seed);
    size_t k = 0;
#define LEAF() mg_leaf(g, v ? v[k++] : (k++, 0.0), NULL)
    const size_t n_pts = 2 + (size_t)mg_rng_below(&r, R_POINTS - 1);
    const size_t n_layers = 1 + (size_t)mg_rng_below(&r, R_LAYERS);
    size_t width[R_LAYERS + 1];
    int act[R_LAYERS];
    width[0] = 1 + (size_t)mg_rng_below(&r, R_IN);
    mg_value *w[R_LAYERS][R_WIDTH * R_WIDTH], *b[R_LAYERS][R_WIDTH], *pool[R_LAYERS * R_WIDTH * (R_WIDTH + 1)];
    size_t n_pool = 0;
    for (size_t l = 0; l < n_layers; l++) {
        width[l + 1] = 1 + (size_t)mg_rng_below(&r, R_WIDTH);
        act[l] = (int)mg_rng_below(&r, 3);
        for (size_t i = 0; i < width[l + 1] * width[l]; i++) {
            w[l][i] = n_pool && mg_rng_below(&r, 8) == 0 ? pool[mg_rng_below(&r, n_pool)] : LEAF();
            pool[n_pool++] = w[l][i];
        }
        for (size_t j = 0; j < width[l + 1]; j++) {
            b[l][j] = n_pool && mg_rng_below(&r, 8) == 0 ? pool[mg_rng_below(&r, n_pool)] : LEAF();
            pool[n_pool++] = b[l][j];
        }
    }
    mg_value *terms[R_POINTS * (R_WIDTH + 1)];
    size_t n_terms = 0;
    for (size_t p = 0; p < n_pts; p++) {
        mg_value *h[R_WIDTH], *o[R_WIDTH];
        for (size_t i = 0; i < width[0]; i++) {
            const unsigned pick = (unsigned)mg_rng_below(&r, 10);
            h[i] = pick == 0 ? pool[mg_rng_below(&r, n_pool)] : pick == 1 && i ? h[i - 1] : LEAF();
        }
        for (size_t l = 0; l < n_layers; l++) {
            layer(b[l], w[l], h, width[l], width[l + 1], act[l], o);
            memcpy(h, o, width[l + 1] * sizeof *h);
        }
        for (size_t j = 0; j < width[n_layers]; j++) terms[n_terms++] = h[j];
        if (mg_rng_below(&r, 4) == 0) {
            mg_value *u = pool[mg_rng_below(&r, n_pool)];
            terms[n_terms++] = mg_mul(u, u);
        }
    }
#undef LEAF
    *n_made = k;
    return mg_sum(terms, n_terms);
}

static mg_value *build_random(mg_graph *g, const double *v, const void *ctx) {
    size_t n;
    return build_random_counted(g, v, ((const random_ctx *)ctx)->seed, &n);
}

Test(tape_bundle, random_layered_graphs_with_shared_leaves_match_a_fresh_graph, .timeout = 60) {
    size_t whole = 0, tried = 0;
    for (unsigned seed = 1; seed <= 400; seed++) {
        const random_ctx c = {seed};
        mg_graph *g = mg_graph_new();
        size_t n_vals;
        mg_value *root = build_random_counted(g, NULL, seed, &n_vals);
        /* a leaf made but never used (a weight slot that took another's
         * leaf leaves none behind, but an output can be dropped by nothing
         * here): skip the few graphs whose leaves are not all reachable */
        mg_value *leaf[MAX_LEAVES];
        const size_t reach = leaves_of(g, root, leaf);
        mg_graph_free(g);
        if (reach != n_vals) continue;
        specials = seed % 4 == 0;
        whole += replay_matches_fresh(build_random, &c, n_vals, fill_random, seed, 5);
        tried++;
    }
    specials = 0;
    cr_expect_gt(tried, 300, "graphs compared: %zu", tried);
#if MG_FAST
    cr_expect_gt(whole, 500, "neurons in bundles taken whole: %zu", whole);
#endif
}
