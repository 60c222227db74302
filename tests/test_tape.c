/* test_tape.c -- a tape (mg_tape_new) replayed on new leaf values gives,
 * bit for bit, the values and grads of building the same graph afresh: with
 * the bundles of neurons that share inputs, the grads the tape's forward
 * zeroes, and the backward's skip table (src/fast/).  The fresh graph is
 * made by the constructors and differentiated by the core's mg_backward,
 * which share none of that code.  Under FAST=0 the same checks hold the
 * plain tape to the same numbers; the looks inside the compiled tape
 * (bundles found, skip table built) need src/fast/ and are left out. */
#include "test_util.h"
#include "core/core.h"
#if MG_FAST
#include "fast/fast.h"
#endif
#include "ref_math.h"

#include <micrograd.h>


enum { MAX_IN = 6, MAX_PTS = 8, MAX_LAYERS = 3 };

typedef struct {
    size_t n_in, n_layers, sizes[MAX_LAYERS], n_pts;
    mg_activation acts[MAX_LAYERS];
} shape;

typedef struct {
    mg_graph *g;
    mg_mlp *m;
    mg_value *x[MAX_PTS][MAX_IN], *c[MAX_PTS], *root;
} net;

/* The loss: sum over points of (first output) * c[point]; a c of 0 leaves
 * that point's whole subgraph with grad 0. */
static void build(net *t, const shape *s, const double *p, const double *xs, const double *cs) {
    t->g = mg_graph_new();
    t->m = mg_mlp_new_from(t->g, s->n_in, s->sizes, s->n_layers, s->acts, p);
    cr_assert_not_null(t->m, "%s", mg_graph_error(t->g));
    mg_mlp_set_fused(t->m, 1);
    mg_value *terms[MAX_PTS], *out[16];
    for (size_t k = 0; k < s->n_pts; k++) {
        for (size_t i = 0; i < s->n_in; i++) t->x[k][i] = mg_leaf(t->g, xs[k * MAX_IN + i], NULL);
        t->c[k] = mg_leaf(t->g, cs[k], NULL);
        cr_assert(mg_mlp_forward(t->m, t->x[k], out), "%s", mg_graph_error(t->g));
        terms[k] = mg_mul(out[0], t->c[k]);
    }
    t->root = mg_sum(terms, s->n_pts);
    cr_assert_not_null(t->root, "%s", mg_graph_error(t->g));
}

static void drop(net *t) {
    mg_mlp_free(t->m);
    mg_graph_free(t->g);
}

/* Mostly ordinary numbers; now and then 0, -0, a huge one, inf or NaN. */
static double draw(mg_rng *r, int specials) {
    static const double odd[] = {0.0, -0.0, 1e300, -1e300, INFINITY, -INFINITY, NAN, 4.9e-324};
    if (specials && mg_rng_below(r, 40) == 0) return odd[mg_rng_below(r, 8)];
    return mg_rng_uniform(r, -2.0, 2.0);
}

static size_t n_params(const shape *s) {
    size_t n = 0, in = s->n_in;
    for (size_t l = 0; l < s->n_layers; l++) {
        n += s->sizes[l] * (in + 1);
        in = s->sizes[l];
    }
    return n;
}

/* Neurons in bundles; whole: only those of bundles that backward takes
 * whole (with their weights' grads kept in a pack).  0 without src/fast/. */
static size_t bundled_nodes(const mg_tape *t, int whole) {
    size_t k = 0;
#if MG_FAST
    for (size_t q = 0; q < t->n_bundles; q++)
        if (!whole || t->bundles[q].whole) k += t->bundles[q].m;
#else
    (void)t;
    (void)whole;
#endif
    return k;
}

Test(tape, bundled_neurons_and_skips_match_a_fresh_graph_bit_for_bit, .timeout = 60) {
    size_t bundled = 0, whole = 0, rounds_with_bundles = 0;
    for (unsigned seed = 1; seed <= 300; seed++) {
        mg_rng r;
        mg_rng_seed(&r, seed);
        shape s;
        s.n_in = 1 + (size_t)mg_rng_below(&r, MAX_IN);
        s.n_layers = 1 + (size_t)mg_rng_below(&r, MAX_LAYERS);
        for (size_t l = 0; l < s.n_layers; l++) {
            s.sizes[l] = l + 1 == s.n_layers && mg_rng_below(&r, 2) ? 1 : 1 + (size_t)mg_rng_below(&r, 9);
            s.acts[l] = (mg_activation)mg_rng_below(&r, 4);
        }
        s.n_pts = 1 + (size_t)mg_rng_below(&r, MAX_PTS);
        const int specials = seed % 3 == 0;
        const size_t np = n_params(&s);
        double *p = malloc(np * sizeof *p), xs[MAX_PTS * MAX_IN], cs[MAX_PTS];
        cr_assert_not_null(p);
        for (size_t k = 0; k < np; k++) p[k] = draw(&r, specials);
        for (size_t k = 0; k < MAX_PTS * MAX_IN; k++) xs[k] = draw(&r, specials);
        for (size_t k = 0; k < MAX_PTS; k++) cs[k] = mg_rng_below(&r, 3) ? draw(&r, specials) : 0.0;

        net a;
        build(&a, &s, p, xs, cs);
        mg_tape *tape = mg_tape_new(a.root);
        cr_assert_not_null(tape, "%s", mg_graph_error(a.g));
        mg_value **pa = mg_mlp_params(a.m);
        for (int round = 0; round < 4; round++) {
            /* new leaf values, set by hand in a and built afresh in b */
            for (size_t k = 0; k < np; k++) pa[k]->data = p[k];
            for (size_t k = 0; k < s.n_pts; k++) {
                for (size_t i = 0; i < s.n_in; i++) a.x[k][i]->data = xs[k * MAX_IN + i];
                a.c[k]->data = cs[k];
            }
            for (size_t k = 0; k < np; k++) pa[k]->grad = 0.0;
            for (size_t k = 0; k < s.n_pts; k++) {
                for (size_t i = 0; i < s.n_in; i++) a.x[k][i]->grad = 0.0;
                a.c[k]->grad = 0.0;
            }
            cr_assert_eq(mg_tape_forward(tape), 0);
            cr_assert_eq(mg_tape_backward(tape), 0);
            net b;
            build(&b, &s, p, xs, cs);
            mg_backward(b.root);
            mgt_assert_same_graphs(a.root, b.root, seed, round);
            drop(&b);
            if (bundled_nodes(tape, 0)) rounds_with_bundles++;
            bundled += bundled_nodes(tape, 0);
            whole += bundled_nodes(tape, 1);
            for (size_t k = 0; k < np; k++) p[k] = draw(&r, specials);
            for (size_t k = 0; k < MAX_PTS * MAX_IN; k++) xs[k] = draw(&r, specials);
            for (size_t k = 0; k < MAX_PTS; k++) cs[k] = mg_rng_below(&r, 3) ? draw(&r, specials) : 0.0;
        }
        mg_tape_free(tape);
        drop(&a);
        free(p);
    }
#if MG_FAST
    /* the test is only worth something if bundles were really used */
    cr_expect_gt(rounds_with_bundles, 300, "rounds that replayed bundles: %zu", rounds_with_bundles);
    cr_expect_gt(bundled, 5000, "neurons evaluated in bundles: %zu", bundled);
    cr_expect_gt(whole, 3000, "neurons in bundles taken whole by backward: %zu", whole);
#else
    (void)rounds_with_bundles, (void)bundled, (void)whole;
#endif
}

/* Neurons that share their inputs but must not be bundled with the first:
 * the second's weight is the first's relu, made inside what would be the
 * bundle.  Four at once, it would read that relu before it is computed.
 * The second and the three after it may form a bundle of their own. */
Test(tape, a_neuron_fed_from_inside_the_bundle_is_not_bundled) {
    mg_graph *g = mg_graph_new();
    mg_value *x[2] = {mg_leaf(g, 0.5, "x0"), mg_leaf(g, -1.5, "x1")};
    mg_value *w[2] = {mg_leaf(g, 1.25, "w0"), mg_leaf(g, -0.75, "w1")};
    mg_value *b = mg_leaf(g, 0.125, "b");
    mg_value *n1 = mg_neuron(b, w, x, 2), *a1 = mg_relu(n1);
    mg_value *w2[2] = {a1, w[1]};
    mg_value *n2 = mg_neuron(b, w2, x, 2), *a2 = mg_relu(n2);
    mg_value *parts[5] = {a1, a2, NULL, NULL, NULL};
    for (int k = 2; k < 5; k++) parts[k] = mg_relu(mg_neuron(b, w, x, 2));
    mg_value *root = mg_sum(parts, 5);
    mg_tape *tape = mg_tape_new(root);
    cr_assert_not_null(tape);
    for (int round = 0; round < 4; round++) {
        x[0]->data = 0.5 + round;
        w[1]->data = -0.75 * (round + 1);
        cr_assert_eq(mg_tape_forward(tape), 0);
        const double s1 = (0.125 + 1.25 * x[0]->data) + w[1]->data * x[1]->data;
        const double r1 = s1 < 0 ? 0 : s1;
        const double s2 = (0.125 + r1 * x[0]->data) + w[1]->data * x[1]->data;
        cr_expect(mgt_same_bits(n1->data, s1), "round %d: n1 %a, want %a", round, n1->data, s1);
        cr_expect(mgt_same_bits(n2->data, s2), "round %d: n2 %a, want %a", round, n2->data, s2);
        for (int k = 2; k < 5; k++) {
            const double nk = mg_value_input(parts[k], 0)->data;
            cr_expect(mgt_same_bits(nk, s1), "round %d: neuron %d %a, want %a", round, k + 1, nk, s1);
        }
        cr_expect(mgt_same_bits(a2->data, s2 < 0 ? 0 : s2), "round %d: relu(n2) %a", round, a2->data);
    }
#if MG_FAST
    const size_t p1 = mg__topo_index(tape->rec.order, tape->rec.n, n1);
    const size_t p2 = mg__topo_index(tape->rec.order, tape->rec.n, n2);
    const mg_bundle *b2 = NULL;
    for (size_t q = 0; q < tape->n_bundles; q++) {
        cr_expect(tape->bundles[q].pos > p1 || tape->bundles[q].last < p1, "n1 is in bundle %zu", q);
        if (tape->bundles[q].pos == p2) b2 = &tape->bundles[q];
    }
    cr_assert_not_null(b2, "n2 starts no bundle");
    cr_expect(b2->m == 4 && b2->stride == 2, "n2's bundle: %zu members, stride %zu", b2->m, b2->stride);
#endif
    mg_tape_free(tape);
    mg_graph_free(g);
}

/* The skip table maps inputs to positions through a table over the ids the
 * order spans, or by binary search when they span far more ids than it has
 * nodes (a few parameters made long before the loss).  Both must give the
 * grads of the chain rule. */
Test(tape, skips_are_right_when_the_order_spans_many_more_ids_than_nodes) {
    for (int junk = 0; junk <= 50000; junk += 50000) {
        mg_graph *g = mg_graph_new();
        mg_value *w[4], *x = mg_leaf(g, 0.0, "x"), *terms[4];
        for (int k = 0; k < 4; k++) w[k] = mg_leaf(g, 0.0, NULL);
        for (int k = 0; k < junk; k++) cr_assert_not_null(mg_add_c(x, 1.0));   /* never reached */
        for (int k = 0; k < 4; k++) terms[k] = mg_relu(mg_mul(w[k], x));
        mg_value *root = mg_sum(terms, 4);
        mg_tape *tape = mg_tape_new(root);
        cr_assert_not_null(tape);
        for (int round = 0; round < 6; round++) {
            x->data = round % 2 ? 1.5 : -0.5;
            for (int k = 0; k < 4; k++) w[k]->data = (k % 2 ? -1.0 : 1.0) * (round + 1);
            x->grad = 0.0;
            for (int k = 0; k < 4; k++) w[k]->grad = 0.0;
            cr_assert_eq(mg_tape_forward(tape), 0);
            cr_assert_eq(mg_tape_backward(tape), 0);
            double dx = 0.0;
            for (int k = 0; k < 4; k++) {
                const int on = w[k]->data * x->data > 0.0;
                cr_expect(mgt_same_bits(w[k]->grad, on ? x->data : 0.0), "junk %d round %d: w%d grad %a",
                          junk, round, k, w[k]->grad);
                if (on) dx += w[k]->data;
            }
            cr_expect(mgt_same_bits(x->grad, dx), "junk %d round %d: x grad %a, want %a", junk, round,
                      x->grad, dx);
        }
#if MG_FAST
        cr_expect_not_null(tape->skip, "junk %d: no skip table", junk);
#endif
        mg_tape_free(tape);
        mg_graph_free(g);
    }
}

/* A tape's forward zeroes the intermediates' grads so that its next
 * backward need not: any other walk in between (another root, a trace, a
 * plain backward of the same root) writes grads again, and the tape's
 * backward after it must zero them itself. */
Test(tape, tape_backward_after_another_walk_starts_from_zero) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 1.5, "x"), *y = mg_leaf(g, -2.0, "y");
    mg_value *h = mg_tanh(mg_mul(x, y));            /* shared by both roots */
    mg_value *A = mg_add(mg_mul(h, h), x);
    mg_value *B = mg_mul(mg_add_c(h, 3.0), y);
    mg_backward(A);
    const double want_x = x->grad, want_y = y->grad, want_h = h->grad;
    mg_tape *t = mg_tape_new(A);
    cr_assert_not_null(t);
    for (int other = 0; other < 3; other++) {
        cr_assert_eq(mg_tape_forward(t), 0);   /* zeroes h's grad */
        if (other == 0) mg_backward(B);
        if (other == 1) {
            FILE *devnull = fopen("/dev/null", "w");
            cr_assert_not_null(devnull);
            mg_trace_backward(devnull, A);
            fclose(devnull);
        }
        if (other == 2) mg_backward(A);
        x->grad = y->grad = 0;
        cr_assert_eq(mg_tape_backward(t), 0);
        cr_expect_eq(h->grad, want_h, "case %d: h.grad %.17g, want %.17g", other, h->grad, want_h);
        cr_expect_eq(x->grad, want_x, "case %d: x.grad %.17g, want %.17g", other, x->grad, want_x);
        cr_expect_eq(y->grad, want_y, "case %d: y.grad %.17g, want %.17g", other, y->grad, want_y);
    }
    mg_tape_free(t);
    mg_graph_free(g);
}
