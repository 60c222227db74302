/* test_model.c -- the engine against an independent model of the whole
 * graph, under random programs.
 *
 * The claim: whatever mix of mg_forward, mg_backward, mg_topo,
 * mg_zero_grad, mg_trace_backward, mg_gradcheck, tapes (mg_tape_new,
 * mg_tape_forward, mg_tape_backward, right after each other or not),
 * mg_graph_mark / mg_graph_reset, building more nodes (with groups open,
 * across node blocks, under allocation failure) and writes of leaves' data
 * and grads a program makes, every node's data and grad are bit for bit
 * (sign of zero included; NaN matches NaN) what the plain rules give:
 *
 *   forward(r)   every non-leaf reachable from r, in id order:
 *                data = op(inputs' data), grad = +0
 *   backward(r)  every non-leaf reachable from r: grad = +0; r's grad = 1
 *                (a leaf root: += 1); then every reachable non-leaf in
 *                descending id order, each input in order:
 *                grad(input) += local * grad(node), no skipping at all
 *   zero_grad(r) every reachable node's grad = +0
 *
 * and a tape's walks are forward and backward of the root it recorded,
 * until a reset drops any of its nodes: then both refuse, change nothing
 * and record an error.
 *
 * (the one documented exception, a leaf grad the user set to -0, never
 * arises: leaf grads are only ever set to values that are not -0.)
 *
 * The model (`model` below) keeps its own copy of every node's op, inputs,
 * data, grad and frozen bit, and applies those rules with its own code
 * (each op's value and local derivative: tests/ref_math.h, from the math);
 * after every step of a random program the whole engine state --
 * reachable or not, and no scratch flag left set -- must equal the
 * model's.  Some programs run in pairs on two graphs, their steps
 * interleaved.  A failing program prints its seed and step;
 * MG_R2_SEED=<seed> runs that program alone, MG_R2_STATS=1 prints what the
 * programs reached (each count is checked against a floor, so that the
 * tests keep exercising what they claim to).
 *
 * Then focused cases: a leaf made infinite between a forward and the
 * backward right after it; a neuron whose inputs repeat (0 to 40 pairs);
 * a leaf as the root; replayed activations against the constructors on
 * special values; resets to a block boundary; every constructor on the
 * slow path (full block, group open, allocation failing); and a tape
 * asked for when memory has run out.
 *
 * Each test was seen to fail: breaking the model (relu mapping -0 to +0, a
 * neuron's partners swapped, inputs chained in reverse order, forward not
 * zeroing grads, zero_grad sparing the leaves, skipping every zero grad),
 * and breaking a scratch copy of the engine (the skip table absorbing a
 * node used just above its stretch, a tape's fresh backward not checking
 * the leaves, the neuron's unrolled forward or backward in another order or
 * dropping its last pair, relu(-0) = +0, a naive replayed sigmoid, the
 * fused activation's grad not zeroed, a leaf root's grad overwritten,
 * groups ignored on the fast path, scratch flags or the frozen bit
 * clobbered, an allocation failure taken for success or leaving a stale
 * capacity).
 */
#include "test_util.h"
#include "ref_math.h"
#include "core/core.h"
#if MG_FAST
#include "fast/fast.h"   /* to count what the compiled tape's walks reached */
#endif
#include <micrograd.h>

#include <float.h>
#include <stdint.h>
#include <sys/resource.h>

/* ================================================================ model */

enum {
    K_LEAF, K_ADD, K_SUB, K_MUL, K_DIV, K_NEG, K_POW, K_EXP, K_LOG, K_TANH, K_RELU,
    K_SIGMOID, K_SUM, K_NEURON, K_COUNT
};
static const mg_op kind_op[K_COUNT] = {
    MG_OP_LEAF, MG_OP_ADD, MG_OP_SUB, MG_OP_MUL, MG_OP_DIV, MG_OP_NEG, MG_OP_POW,
    MG_OP_EXP, MG_OP_LOG, MG_OP_TANH, MG_OP_RELU, MG_OP_SIGMOID, MG_OP_SUM, MG_OP_NEURON};

#define MAX_IN 13   /* a neuron of 6 pairs */

typedef struct {
    int kind, nin;
    uint32_t in[MAX_IN];
    double k;   /* pow's exponent */
} rnode;

typedef struct {
    size_t n, cap;
    rnode *node;
    mg_value **v;          /* the engine's node of each id */
    double *data, *grad;   /* the model's state */
    unsigned char *reach;
    unsigned char *frozen;   /* mg_freeze's bit, which scratch flags must not touch */
} model;

static void m_grow(model *M, size_t need) {
    if (need <= M->cap) return;
    size_t cap = M->cap ? M->cap : 256;
    while (cap < need) cap *= 2;
    M->node = realloc(M->node, cap * sizeof *M->node);
    M->v = realloc(M->v, cap * sizeof *M->v);
    M->data = realloc(M->data, cap * sizeof *M->data);
    M->grad = realloc(M->grad, cap * sizeof *M->grad);
    M->reach = realloc(M->reach, cap);
    M->frozen = realloc(M->frozen, cap);
    cr_assert(M->node && M->v && M->data && M->grad && M->reach && M->frozen);
    M->cap = cap;
}

static void m_free(model *M) {
    free(M->node); free(M->v); free(M->data); free(M->grad); free(M->reach); free(M->frozen);
    memset(M, 0, sizeof *M);
}

/* The values of nd's inputs, in order, from the data x. */
static void m_inputs(const rnode *nd, const double *x, double in[MAX_IN]) {
    for (int j = 0; j < nd->nin; j++) in[j] = x[nd->in[j]];
}

/* The value of nd from the data x (ref_math.h's rules, written from the
 * header's definitions). */
static double m_op(const rnode *nd, const double *x) {
    double in[MAX_IN];
    m_inputs(nd, x, in);
    return mgt_ref_value(kind_op[nd->kind], in, nd->nin, nd->k);
}

static void m_reach(model *M, size_t r) {
    memset(M->reach, 0, M->n);
    M->reach[r] = 1;
    for (size_t i = r + 1; i-- > 0;)
        if (M->reach[i])
            for (int j = 0; j < M->node[i].nin; j++) M->reach[M->node[i].in[j]] = 1;
}

static void m_forward(model *M, size_t r) {
    m_reach(M, r);
    for (size_t i = 0; i <= r; i++)
        if (M->reach[i] && M->node[i].kind != K_LEAF) {
            M->data[i] = m_op(&M->node[i], M->data);
            M->grad[i] = 0.0;
        }
}

static void m_backward(model *M, size_t r) {
    m_reach(M, r);
    for (size_t i = 0; i <= r; i++)
        if (M->reach[i] && M->node[i].kind != K_LEAF) M->grad[i] = 0.0;
    if (M->node[r].kind == K_LEAF) M->grad[r] += 1.0;
    else M->grad[r] = 1.0;
    for (size_t i = r + 1; i-- > 0;) {
        const rnode *nd = &M->node[i];
        if (!M->reach[i] || nd->kind == K_LEAF) continue;
        const double g = M->grad[i];
        double in[MAX_IN];
        m_inputs(nd, M->data, in);
        /* the local derivatives from the inputs' data and the node's own
         * (exp, tanh and sigmoid), as the header's table says */
        for (int j = 0; j < nd->nin; j++)
            M->grad[nd->in[j]] +=
                mgt_ref_local(kind_op[nd->kind], in, nd->nin, nd->k, M->data[i], j) * g;
    }
}

static void m_zero_grad(model *M, size_t r) {
    m_reach(M, r);
    for (size_t i = 0; i <= r; i++)
        if (M->reach[i]) M->grad[i] = 0.0;
}

/* ========================================================== generation */

static const double special[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 4.9e-324, -1e-310, 40.0, -40.0,
    1e300, -1e300, 710.0, -750.0, DBL_MAX, INFINITY, -INFINITY, NAN};
#define N_TAME_SPECIAL 10
#define N_FINITE_SPECIAL 15
#define N_SPECIAL (sizeof special / sizeof *special)

/* A leaf value: mostly ordinary, sometimes special; non-finite only when
 * p_bad says so. */
/* The program keeps values finite (steers shapes only): 1 replaces an op
 * that would give inf or NaN by a tanh, 2 also makes no div, log or pow
 * (which a changed leaf may turn non-finite). */
static int tame;

static double leaf_value(uint64_t *s, double p_bad) {
    if (mgt_unit(s) < p_bad)
        return special[N_FINITE_SPECIAL + mgt_below(s, N_SPECIAL - N_FINITE_SPECIAL)];
    if (mgt_below(s, 6) == 0)
        return special[mgt_below(s, tame && mgt_below(s, 10) ? N_TAME_SPECIAL
                                                             : N_FINITE_SPECIAL)];
    return mgt_unit(s) * 6.0 - 3.0;
}

/* The engine's node for record nd (inputs already in the model). */
static mg_value *make(model *M, mg_graph *g, const rnode *nd, double leaf) {
    mg_value *const *v = M->v;
    mg_value *a = nd->nin > 0 ? v[nd->in[0]] : NULL, *b = nd->nin > 1 ? v[nd->in[1]] : NULL;
    switch (nd->kind) {
    case K_LEAF: return mg_leaf(g, leaf, NULL);
    case K_ADD: return mg_add(a, b);
    case K_SUB: return mg_sub(a, b);
    case K_MUL: return mg_mul(a, b);
    case K_DIV: return mg_div(a, b);
    case K_NEG: return mg_neg(a);
    case K_POW: return mg_pow(a, nd->k);
    case K_EXP: return mg_exp(a);
    case K_LOG: return mg_log(a);
    case K_TANH: return mg_tanh(a);
    case K_RELU: return mg_relu(a);
    case K_SIGMOID: return mg_sigmoid(a);
    case K_SUM: {
        mg_value *xs[MAX_IN];
        for (int j = 0; j < nd->nin; j++) xs[j] = v[nd->in[j]];
        return mg_sum(xs, (size_t)nd->nin);
    }
    case K_NEURON: {
        mg_value *w[MAX_IN], *x[MAX_IN];
        size_t pairs = (size_t)(nd->nin - 1) / 2;
        for (size_t j = 0; j < pairs; j++) {
            w[j] = v[nd->in[2 * j + 1]];
            x[j] = v[nd->in[2 * j + 2]];
        }
        return mg_neuron(a, w, x, pairs);
    }
    default: return NULL;
    }
}

/* Append nd to the model and the engine.  Returns its id, or SIZE_MAX when
 * the engine refused (allowed only while g->fail_allocs is set: then the
 * graph must be unchanged and an error recorded). */
static size_t add_node(model *M, mg_graph *g, rnode nd, double leaf) {
    m_grow(M, M->n + 1);
    if (tame && nd.kind != K_LEAF && !isfinite(m_op(&nd, M->data)))
        nd = (rnode){K_TANH, 1, {nd.in[0]}, 0};
    size_t before = mg_graph_size(g);
    mg_value *v = make(M, g, &nd, leaf);
    if (!v) {
        cr_assert(g->fail_allocs, "a constructor failed: %s", mg_graph_error(g));
        cr_assert_eq(mg_graph_size(g), before);
        cr_assert_not_null(mg_graph_error(g));
        mg_graph_clear_error(g);
        return SIZE_MAX;
    }
    size_t i = M->n++;
    M->node[i] = nd;
    M->v[i] = v;
    M->data[i] = nd.kind == K_LEAF ? leaf : m_op(&nd, M->data);
    M->grad[i] = 0.0;
    M->frozen[i] = 0;
    cr_assert_eq(mg_value_id(v), i);
    cr_assert_eq(mg_value_op(v), kind_op[nd.kind]);
    cr_assert_eq(mg_value_arity(v), (size_t)nd.nin);
    for (int j = 0; j < nd.nin; j++) cr_assert_eq(mg_value_input(v, (size_t)j), M->v[nd.in[j]]);
    return i;
}

/* An earlier node in [lo, n): recent ones more often, the last pick again
 * sometimes (mul(a, a), a neuron whose weight is its input). */
static uint32_t pick(uint64_t *s, size_t lo, size_t n, uint32_t *last) {
    uint32_t r;
    if (*last >= lo && *last < n && mgt_below(s, 4) == 0) r = *last;
    else if (mgt_below(s, 2)) r = (uint32_t)(n - 1 - mgt_below(s, n - lo < 6 ? n - lo : 6));
    else r = (uint32_t)(lo + mgt_below(s, n - lo));
    *last = r;
    return r;
}

static const int kind_weight[K_COUNT] = {
    [K_LEAF] = 3, [K_ADD] = 4, [K_SUB] = 2, [K_MUL] = 5, [K_DIV] = 1, [K_NEG] = 1,
    [K_POW] = 2, [K_EXP] = 2, [K_LOG] = 1, [K_TANH] = 2, [K_RELU] = 4, [K_SIGMOID] = 2,
    [K_SUM] = 2, [K_NEURON] = 4};
static const double pow_k[] = {0.0, 2.0, 0.5, -1.0, 3.0, 1.0};

/* A random node over [lo, n) (lo > n: a leaf). */
static rnode random_node(uint64_t *s, size_t lo, size_t n) {
    rnode nd = {K_LEAF, 0, {0}, 0};
    if (lo >= n) return nd;
    int total = 0;
    for (int k = 0; k < K_COUNT; k++) total += kind_weight[k];
    int r = (int)mgt_below(s, (size_t)total), kind = 0;
    while (r >= kind_weight[kind]) r -= kind_weight[kind++];
    if (tame > 1 && (kind == K_DIV || kind == K_LOG || kind == K_POW)) kind = K_MUL;
    nd.kind = kind;
    switch (kind) {
    case K_LEAF: nd.nin = 0; break;
    case K_ADD: case K_SUB: case K_MUL: case K_DIV: nd.nin = 2; break;
    case K_SUM: nd.nin = 1 + (int)mgt_below(s, 5); break;
    case K_NEURON: nd.nin = 1 + 2 * (int)mgt_below(s, 7); break;   /* 0 to 6 pairs */
    default: nd.nin = 1; break;
    }
    if (kind == K_POW) nd.k = pow_k[mgt_below(s, sizeof pow_k / sizeof *pow_k)];
    uint32_t last = UINT32_MAX;
    for (int j = 0; j < nd.nin; j++) nd.in[j] = pick(s, lo, n, &last);
    return nd;
}

/* A closed module: fresh leaves, a neuron over them (and one older node
 * sometimes), an activation; used by one node that gets grad 0 often (a
 * dead relu, a product with a zero leaf): the stretches the skip table
 * jumps over. */
static void add_module(model *M, mg_graph *g, uint64_t *s, double p_bad) {
    size_t first = M->n, pairs = 1 + mgt_below(s, 6);
    rnode b = {K_LEAF, 0, {0}, 0};
    if (add_node(M, g, b, leaf_value(s, p_bad)) == SIZE_MAX) return;
    for (size_t j = 0; j < 2 * pairs; j++)
        if (add_node(M, g, b, leaf_value(s, p_bad)) == SIZE_MAX) return;
    rnode nd = {K_NEURON, (int)(1 + 2 * pairs), {0}, 0};
    for (int j = 0; j < nd.nin; j++) nd.in[j] = (uint32_t)(first + (size_t)j);
    if (mgt_below(s, 3) == 0) nd.in[nd.nin - 1] = nd.in[nd.nin - 2];   /* w == x */
    if (first > 0 && mgt_below(s, 3) == 0)   /* an outside input */
        nd.in[2] = (uint32_t)mgt_below(s, first);
    size_t n1 = add_node(M, g, nd, 0);
    if (n1 == SIZE_MAX) return;
    static const int acts[] = {K_RELU, K_RELU, K_TANH, K_SIGMOID, K_EXP};
    rnode act = {acts[mgt_below(s, 5)], 1, {(uint32_t)n1}, 0};
    size_t a1 = add_node(M, g, act, 0);
    if (a1 == SIZE_MAX) return;
    if (mgt_below(s, 2)) {   /* times a leaf that is often zero */
        size_t z = add_node(M, g, b, mgt_below(s, 3) ? 0.0 : leaf_value(s, p_bad));
        if (z == SIZE_MAX) return;
        rnode mul = {K_MUL, 2, {(uint32_t)a1, (uint32_t)z}, 0};
        add_node(M, g, mul, 0);
    }
}

/* ========================================================== the program */

typedef struct {
    long steps, compares;
    long tapes;               /* mg_tape_new */
    long tape_forwards, tape_backwards;
    long fresh_backward;      /* tape backward right after its forward */
    long fresh_finite;        /* ... with all data finite (the no-scan shortcut) */
    long later_backward;      /* tape backward not right after its forward */
    long skip_walks;          /* tape backward with a skip table (FAST only) */
    long skip_jumps;          /* zero-grad positions with a stretch below them */
    long poked_fresh;         /* tape backward right after its forward and a leaf write */
    long refusals;            /* a tape walked after a reset dropped its nodes */
    long sweeps, traces, gradchecks, resets, fail_steps, slow_builds, leaf_roots;
    long big_graphs;
    long mismatches;
} r2stats;

static int r2_messages;

/* The whole engine state against the model. */
static long compare_all(const model *M, mg_graph *g, uint64_t seed, long step,
                        const char *what) {
    long bad = 0;
    cr_assert_eq(mg_graph_size(g), M->n, "seed %llu step %ld (%s)", (unsigned long long)seed,
                 step, what);
    for (size_t i = 0; i < M->n; i++) {
        const mg_value *v = M->v[i];
        int dok = mgt_same_bits(v->data, M->data[i]), gok = mgt_same_bits(v->grad, M->grad[i]);
        if ((v->flags & MG_SEEN) || !mg_is_frozen(v) != !M->frozen[i]) {
            bad++;
            if (r2_messages++ < 30)
                cr_expect_fail("seed %llu step %ld after %s: node %zu flags %#x, frozen %d",
                               (unsigned long long)seed, step, what, i, v->flags, M->frozen[i]);
        }
        if (dok && gok) continue;
        bad++;
        if (r2_messages++ < 30)
            cr_expect_fail("seed %llu step %ld after %s: node %zu (%s) %s: engine %a, model %a",
                           (unsigned long long)seed, step, what, i,
                           mg_op_name(mg_value_op(v)), dok ? "grad" : "data",
                           dok ? v->grad : v->data, dok ? M->grad[i] : M->data[i]);
    }
    return bad;
}

/* A root: a recent node mostly, sometimes any (leaves included). */
static size_t pick_root(uint64_t *s, const model *M) {
    if (mgt_below(s, 3)) {
        for (int tries = 0; tries < 8; tries++) {
            size_t r = M->n - 1 - mgt_below(s, M->n < 12 ? M->n : 12);
            if (M->node[r].kind != K_LEAF) return r;
        }
    }
    return mgt_below(s, M->n);
}

static size_t pick_leaf(uint64_t *s, const model *M) {
    for (int tries = 0; tries < 32; tries++) {
        size_t i = mgt_below(s, M->n);
        if (M->node[i].kind == K_LEAF) return i;
    }
    return 0;   /* node 0 is always a leaf */
}

static FILE *devnull(void) {
    static FILE *f;
    if (!f) f = fopen("/dev/null", "w");
    cr_assert_not_null(f);
    return f;
}

/* Build `count` random nodes (sometimes modules), some with a group open
 * (every constructor then takes the slow path). */
static void build(model *M, mg_graph *g, uint64_t *s, size_t count, double p_bad, r2stats *st) {
    int grouped = mgt_below(s, 4) == 0;
    if (grouped) {
        if (mg_group_push(g, "r2")) {
            st->slow_builds++;
        } else {   /* allowed only under injected failure */
            cr_assert(g->fail_allocs, "mg_group_push: %s", mg_graph_error(g));
            mg_graph_clear_error(g);
            grouped = 0;
        }
    }
    size_t target = M->n + count;
    while (M->n < target) {
        if (mgt_below(s, M->n > 1000 ? 3 : 8) == 0) {
            add_module(M, g, s, p_bad);
            continue;
        }
        size_t lo = mgt_below(s, 8) == 0 || M->n < 40 ? 0 : M->n - 40;
        rnode nd = random_node(s, lo, M->n);
        if (nd.kind == K_LEAF) {
            if (add_node(M, g, nd, leaf_value(s, p_bad)) == SIZE_MAX) break;
        } else if (add_node(M, g, nd, 0) == SIZE_MAX) {
            break;
        }
    }
    if (grouped) mg_group_pop(g);
}

/* A root that reaches every node: sums, in a tree, over the nodes nothing
 * uses.  SIZE_MAX when the engine refused (under injected failure). */
static size_t root_of_all(model *M, mg_graph *g) {
    size_t n = M->n, ns = 0;
    uint32_t *sink = malloc(n * sizeof *sink);
    unsigned char *used = calloc(n, 1);
    cr_assert(sink && used);
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < M->node[i].nin; j++) used[M->node[i].in[j]] = 1;
    for (size_t i = 0; i < n; i++)
        if (!used[i]) sink[ns++] = (uint32_t)i;
    size_t root = SIZE_MAX;
    while (ns > 1 || (ns == 1 && M->node[sink[0]].kind == K_LEAF)) {
        size_t out = 0;
        for (size_t i = 0; i < ns;) {
            rnode nd = {K_SUM, 0, {0}, 0};
            while (nd.nin < MAX_IN && i < ns) nd.in[nd.nin++] = sink[i++];
            root = add_node(M, g, nd, 0);
            if (root == SIZE_MAX) goto out;
            sink[out++] = (uint32_t)root;
        }
        ns = out;
    }
    root = ns ? sink[0] : SIZE_MAX;
out:
    free(sink);
    free(used);
    return root;
}

/* One random program: build, then a long mix of steps, each followed by a
 * comparison of the whole state.  Two programs may run interleaved, on two
 * graphs (whose replay state must stay apart). */
typedef struct {
    uint64_t seed, s;
    int big, tame, step, steps;
    double p_bad;
    mg_graph *g;
    model M;
    size_t marks[8], n_marks, root, all;
    mg_tape *tape;         /* recorded for node tape_root, or NULL */
    size_t tape_root;
    long bad;
} prog;

static void prog_init(prog *P, uint64_t seed, int big, r2stats *st) {
    memset(P, 0, sizeof *P);
    P->seed = seed;
    P->s = seed;
    P->s = mgt_sm_next(&P->s);   /* seeds start their streams far apart */
    P->big = big;
    P->p_bad = big || mgt_below(&P->s, 3) ? 0.0 : 0.08;
    P->tame = tame = big ? 2 : (int)mgt_below(&P->s, 3);   /* 2: no div, log, pow either */
    P->g = mg_graph_new();
    cr_assert_not_null(P->g);
    rnode leaf = {K_LEAF, 0, {0}, 0};
    add_node(&P->M, P->g, leaf, 1.5);
    build(&P->M, P->g, &P->s, big ? 3500 + mgt_below(&P->s, 2000) : 8 + mgt_below(&P->s, 60),
          P->p_bad, st);
    if (big) st->big_graphs++;
    P->bad = compare_all(&P->M, P->g, seed, 0, "build");
    P->steps = big ? 40 : 60;
    P->all = SIZE_MAX;
    P->root = pick_root(&P->s, &P->M);
    if (big) {   /* a tape over everything, as a training loop would make */
        P->root = P->all = root_of_all(&P->M, P->g);
        P->tape = mg_tape_new(P->M.v[P->root]);
        P->tape_root = P->root;
        cr_assert_not_null(P->tape, "%s", mg_graph_error(P->g));
        st->tapes++;
    }
}

/* mg_tape_backward on the program's tape, and the model's backward of the
 * root it recorded; counts what the compiled tape's walk could take. */
static void tape_backward(prog *P, r2stats *st) {
    mg_tape *t = P->tape;
    size_t r = P->tape_root;
    if (P->M.node[r].kind == K_LEAF) st->leaf_roots++;
#if MG_FAST
    int finite = 1;
    m_reach(&P->M, r);
    for (size_t i = 0; i <= r; i++)
        if (P->M.reach[i] && !isfinite(P->M.data[i])) finite = 0;
    const int fresh = t->fresh && P->g->grad_writes == t->forward_writes;
    if (fresh) {
        st->fresh_backward++;
        st->fresh_finite += finite;
    } else {
        st->later_backward++;
    }
#endif
    cr_assert_eq(mg_tape_backward(t), 0, "%s", mg_graph_error(P->g));
    m_backward(&P->M, r);
    st->tape_backwards++;
#if MG_FAST
    if (t->skip && finite) {
        st->skip_walks++;
        for (size_t p = 0; p < t->rec.n; p++)
            if (t->skip[p] < p && t->rec.order[p]->grad == 0.0 && t->rec.order[p]->op != MG_OP_LEAF)
                st->skip_jumps++;
    }
#endif
}

/* A reset dropped nodes of the program's tape: both walks refuse, record
 * an error and change nothing (the caller compares the whole state after
 * the step); then the tape is let go. */
static void tape_refuses(prog *P, r2stats *st) {
    mg_graph_clear_error(P->g);
    cr_assert_eq(mg_tape_forward(P->tape), -1, "a tape walked over dropped nodes");
    cr_assert_not_null(mg_graph_error(P->g));
    mg_graph_clear_error(P->g);
    cr_assert_eq(mg_tape_backward(P->tape), -1);
    cr_assert_not_null(mg_graph_error(P->g));
    mg_graph_clear_error(P->g);
    cr_assert_null(mg_tape_root(P->tape));
    mg_tape_free(P->tape);
    P->tape = NULL;
    st->refusals++;
}

/* One step; 0 when the program is over. */
static int prog_step(prog *P, r2stats *st) {
    if (P->bad || P->step >= P->steps) return 0;
    P->step++;
    tame = P->tame;
    mg_graph *g = P->g;
    st->steps++;
    if (mgt_below(&P->s, 3) == 0)   /* else: the same root again */
        P->root = P->big && P->all < P->M.n && mgt_below(&P->s, 2) ? P->all
                                                                   : pick_root(&P->s, &P->M);
    mg_value *r = P->M.v[P->root];
    const char *what = "?";
    int fail = mgt_below(&P->s, 10) == 0;   /* allocation failure injected for this step */
    if (fail) {
        g->fail_allocs = 1;
        st->fail_steps++;
    }
        switch (mgt_below(&P->s, P->big ? 24 : 27)) {
        case 0: case 1: case 2: case 3: {
            what = "mg_forward";
            mg_forward(r);
            m_forward(&P->M, P->root);
            break;
        }
        case 4: case 5: case 6: case 7: case 8: case 9: {
            if (P->tape && mgt_below(&P->s, 2)) {
                what = "mg_tape_backward";
                tape_backward(P, st);
                break;
            }
            what = "mg_backward";
            if (P->M.node[P->root].kind == K_LEAF) st->leaf_roots++;
            st->sweeps++;
            mg_backward(r);
            m_backward(&P->M, P->root);
            break;
        }
        case 10: {
            what = "mg_topo";
            size_t n = 0;
            mg_value *const *t = mg_topo(r, &n);
            m_reach(&P->M, P->root);
            size_t k = 0;
            for (size_t i = 0; i <= P->root; i++)
                if (P->M.reach[i]) {
                    cr_assert(k < n && t[k] == P->M.v[i], "seed %llu step %d: topo[%zu]",
                              (unsigned long long)P->seed, P->step, k);
                    k++;
                }
            cr_assert_eq(k, n);
            break;
        }
        case 11: {
            what = "mg_zero_grad";
            mg_zero_grad(r);
            m_zero_grad(&P->M, P->root);
            break;
        }
        case 12: {
            what = "mg_trace_backward";
            cr_assert_eq(mg_trace_backward(devnull(), r), 0);
            m_backward(&P->M, P->root);
            st->traces++;
            break;
        }
        case 13: {
            what = "a leaf's data";
            size_t i = pick_leaf(&P->s, &P->M);
            double x = leaf_value(&P->s, P->p_bad > 0 ? 0.3 : 0.0);
            P->M.v[i]->data = x;
            P->M.data[i] = x;
            break;
        }
        case 14: {
            what = "a leaf's grad";
            size_t i = pick_leaf(&P->s, &P->M);
            double x = mgt_below(&P->s, 2) ? 0.0 : mgt_unit(&P->s) * 4.0 - 2.0;   /* never -0 */
            P->M.v[i]->grad = x;
            P->M.grad[i] = x;
            /* and a flag bit next to the library's scratch bit */
            size_t f = mgt_below(&P->s, P->M.n);
            P->M.frozen[f] = (unsigned char)mgt_below(&P->s, 2);
            mg_freeze(P->M.v[f], P->M.frozen[f]);
            break;
        }
        case 15: {
            what = "mg_gradcheck";
            mg_value *lv[4];
            size_t nl = mgt_below(&P->s, 4);
            for (size_t j = 0; j < nl; j++) lv[j] = P->M.v[pick_leaf(&P->s, &P->M)];
            (void)mg_gradcheck(r, lv, nl, 0, NULL);
            /* forward, zero_grad, the listed leaves zeroed, backward, and the
             * nudges undone by a last forward */
            m_forward(&P->M, P->root);
            m_zero_grad(&P->M, P->root);
            for (size_t j = 0; j < nl; j++) P->M.grad[mg_value_id(lv[j])] = 0.0;
            m_backward(&P->M, P->root);
            m_forward(&P->M, P->root);
            st->gradchecks++;
            break;
        }
        case 16: {
            what = "mg_graph_mark";
            if (P->n_marks < 8) P->marks[P->n_marks++] = mg_graph_mark(g);
            break;
        }
        case 17: {
            what = "mg_graph_reset";
            size_t mark;
            if (P->n_marks && mgt_below(&P->s, 3)) {
                size_t k = mgt_below(&P->s, P->n_marks);
                mark = P->marks[k];
                P->n_marks = k + 1;   /* later marks are dropped by the reset */
            } else {   /* a plain node count, not taken by mg_graph_mark */
                mark = 1 + mgt_below(&P->s, P->M.n);
                while (P->n_marks && P->marks[P->n_marks - 1] > mark) P->n_marks--;
            }
            mg_graph_reset(g, mark);
            if (P->tape && P->tape_root >= mark) tape_refuses(P, st);
            P->M.n = mark;
            if (P->M.n == 0 || P->root >= P->M.n) P->root = 0;
            if (P->all >= P->M.n) P->all = SIZE_MAX;
            if (P->M.n == 0) {
                add_node(&P->M, g, (rnode){K_LEAF, 0, {0}, 0}, 0.25);
                P->root = 0;
            }
            st->resets++;
            break;
        }
        case 18: {
            what = "a wide P->root";   /* a sum (of sums) over nodes P->all over the graph */
            rnode nd = {K_SUM, 0, {0}, 0};
            for (int t = 0; t < 3 && nd.nin < MAX_IN; t++) {
                rnode part = {K_SUM, 1 + (int)mgt_below(&P->s, MAX_IN), {0}, 0};
                for (int j = 0; j < part.nin; j++)
                    part.in[j] = (uint32_t)mgt_below(&P->s, P->M.n);
                size_t p = add_node(&P->M, g, part, 0);
                if (p == SIZE_MAX) break;
                nd.in[nd.nin++] = (uint32_t)p;
            }
            if (nd.nin) {
                size_t w = add_node(&P->M, g, nd, 0);
                if (w != SIZE_MAX) P->root = w;
            }
            break;
        }
        case 19: {
            /* a leaf written between mg_forward and mg_backward (allowed:
             * the backward after it must see the new data, inf and NaN too) */
            const int taped = P->tape && mgt_below(&P->s, 2);
            what = taped ? "tape forward, a reachable leaf's data, tape backward"
                         : "forward, a reachable leaf's data, backward";
            if (taped) {
                cr_assert_eq(mg_tape_forward(P->tape), 0);
                m_forward(&P->M, P->tape_root);
                st->tape_forwards++;
            } else {
                mg_forward(r);
                m_forward(&P->M, P->root);
            }
            size_t i = pick_leaf(&P->s, &P->M);
            for (size_t j = 0; j <= P->root; j++)
                if (P->M.reach[j] && P->M.node[j].kind == K_LEAF && mgt_below(&P->s, 3) == 0)
                    i = j;
            double x = mgt_below(&P->s, 2) ? special[N_FINITE_SPECIAL + mgt_below(&P->s, 3)]
                                           : leaf_value(&P->s, 0);
            P->M.v[i]->data = x;
            P->M.data[i] = x;
            if (taped) {
                st->poked_fresh++;
                tape_backward(P, st);
            } else {
                mg_backward(r);
                m_backward(&P->M, P->root);
            }
            break;
        }
        case 20: {
            what = "mg_tape_new";
            mg_tape_free(P->tape);
            P->tape = mg_tape_new(r);
            P->tape_root = P->root;
            cr_assert_not_null(P->tape, "mg_tape_new: %s", mg_graph_error(g));
            cr_assert_eq(mg_tape_root(P->tape), r);
            st->tapes++;
            break;
        }
        case 21: {
            if (!P->tape) break;
            what = "mg_tape_forward";
            cr_assert_eq(mg_tape_forward(P->tape), 0, "%s", mg_graph_error(g));
            m_forward(&P->M, P->tape_root);
            st->tape_forwards++;
            break;
        }
        case 22: {
            if (!P->tape) break;
            what = "mg_tape_forward, mg_tape_backward";
            cr_assert_eq(mg_tape_forward(P->tape), 0, "%s", mg_graph_error(g));
            m_forward(&P->M, P->tape_root);
            st->tape_forwards++;
            tape_backward(P, st);
            break;
        }
        default: {
            what = "building more nodes";
            build(&P->M, g, &P->s, 1 + mgt_below(&P->s, P->big ? 400 : 25), P->p_bad, st);
            break;
        }
        }
        g->fail_allocs = 0;
    mg_graph_clear_error(g);
    if (P->root >= P->M.n) P->root = P->M.n - 1;
    P->bad += compare_all(&P->M, g, P->seed, P->step, what);
    st->compares++;
    return !P->bad;
}

static void prog_done(prog *P, r2stats *st) {
    st->mismatches += P->bad;
    mg_tape_free(P->tape);
    mg_graph_free(P->g);
    m_free(&P->M);
}

static void run_program(uint64_t seed, int big, r2stats *st) {
    prog P;
    prog_init(&P, seed, big, st);
    while (prog_step(&P, st)) continue;
    prog_done(&P, st);
}

/* Seeds of big programs start here; a pair's second program has its first
 * one's seed plus R2_PARTNER. */
#define R2_BIG0 1000000u
#define R2_PARTNER 7777777u

/* Two programs on two graphs, their steps interleaved at random. */
static void run_pair(uint64_t seed, r2stats *st) {
    prog P[2];
    uint64_t s = seed ^ 0x5bd1e995u;
    prog_init(&P[0], seed, 0, st);
    prog_init(&P[1], seed + R2_PARTNER, 0, st);
    int live[2] = {1, 1};
    while (live[0] || live[1]) {
        int k = live[0] && live[1] ? (int)mgt_below(&s, 2) : live[1];
        live[k] = prog_step(&P[k], st);
    }
    prog_done(&P[0], st);
    prog_done(&P[1], st);
}

static void print_stats(const char *name, const r2stats *st) {
    if (!getenv("MG_R2_STATS")) return;
    fprintf(stderr,
            "%s: steps %ld compares %ld tapes %ld tape_forwards %ld tape_backwards %ld "
            "fresh %ld fresh_finite %ld later %ld skip_walks %ld skip_jumps %ld poked %ld "
            "refusals %ld sweeps %ld traces %ld gradchecks %ld resets %ld fail %ld slow %ld "
            "leaf_roots %ld big %ld mismatches %ld\n",
            name, st->steps, st->compares, st->tapes, st->tape_forwards, st->tape_backwards,
            st->fresh_backward, st->fresh_finite, st->later_backward, st->skip_walks,
            st->skip_jumps, st->poked_fresh, st->refusals, st->sweeps, st->traces,
            st->gradchecks, st->resets, st->fail_steps, st->slow_builds, st->leaf_roots,
            st->big_graphs, st->mismatches);
}

/* MG_R2_SEED=<seed>: run that program alone (with its partner when it ran
 * in a pair) and return 1. */
static int only_seed(r2stats *st) {
    const char *e = getenv("MG_R2_SEED");
    if (!e || !*e) return 0;
    uint64_t seed = strtoull(e, NULL, 10);
    if (seed >= R2_PARTNER) run_pair(seed - R2_PARTNER, st);
    else if (seed >= R2_BIG0) run_program(seed, 1, st);
    else if (seed % 6 == 0) run_pair(seed, st);
    else run_program(seed, 0, st);
    cr_expect_eq(st->mismatches, 0);
    return 1;
}

/* Which programs run (-DR2_SEED0=... -DR2_SMALL=... for a longer hunt). */
#ifndef R2_SEED0
#define R2_SEED0 1
#endif
#ifndef R2_SMALL
#define R2_SMALL 600
#endif
#ifndef R2_BIG
#define R2_BIG 6
#endif

Test(model, random_programs_match_the_model_step_by_step, .timeout = 60) {
    r2stats st = {0};
    if (only_seed(&st)) return;
    for (uint64_t seed = R2_SEED0; seed < R2_SEED0 + R2_SMALL; seed++) {
        if (seed % 6) run_program(seed, 0, &st);
        else run_pair(seed, &st);   /* two graphs, steps interleaved */
    }
    print_stats("small", &st);
    cr_expect_eq(st.mismatches, 0, "%ld mismatches over %ld steps", st.mismatches, st.steps);
    /* the programs reach what they are about */
    cr_expect_gt(st.tapes, 1000, "tapes: %ld", st.tapes);
    cr_expect_gt(st.tape_backwards, 2000, "tape backwards: %ld", st.tape_backwards);
    cr_expect_gt(st.poked_fresh, 300, "tape backward after a leaf write: %ld", st.poked_fresh);
    cr_expect_gt(st.refusals, 100, "tapes refusing dropped nodes: %ld", st.refusals);
#if MG_FAST
    cr_expect_gt(st.fresh_backward, 1000, "fresh backward: %ld", st.fresh_backward);
    cr_expect_gt(st.fresh_finite, 500, "fresh, all finite: %ld", st.fresh_finite);
    cr_expect_gt(st.later_backward, 500, "later backward: %ld", st.later_backward);
    cr_expect_gt(st.skip_walks, 500, "walks with skips: %ld", st.skip_walks);
    cr_expect_gt(st.skip_jumps, 400, "skip jumps: %ld", st.skip_jumps);
#endif
    cr_expect_gt(st.sweeps, 1000, "plain backwards: %ld", st.sweeps);
    cr_expect_gt(st.traces, 500, "traces: %ld", st.traces);
    cr_expect_gt(st.gradchecks, 500, "gradchecks: %ld", st.gradchecks);
    cr_expect_gt(st.resets, 200, "resets: %ld", st.resets);
    cr_expect_gt(st.leaf_roots, 100, "leaf roots: %ld", st.leaf_roots);
    cr_expect_gt(st.slow_builds, 200, "builds with a group open: %ld", st.slow_builds);
    cr_expect_gt(st.fail_steps, 1000, "steps under allocation failure: %ld", st.fail_steps);
}

Test(model, random_programs_across_node_blocks, .timeout = 60) {
    r2stats st = {0};
    if (getenv("MG_R2_SEED")) return;
    for (uint64_t seed = R2_BIG0 + R2_SEED0; seed < R2_BIG0 + R2_SEED0 + R2_BIG; seed++)
        run_program(seed, 1, &st);
    print_stats("big", &st);
    cr_expect_eq(st.mismatches, 0, "%ld mismatches over %ld steps", st.mismatches, st.steps);
    cr_expect_gt(st.tape_backwards, 20, "tape backwards: %ld", st.tape_backwards);
#if MG_FAST
    cr_expect_gt(st.skip_walks, 5, "walks with skips: %ld", st.skip_walks);
    cr_expect_gt(st.skip_jumps, 100, "skip jumps: %ld", st.skip_jumps);
#endif
}

/* ===================================================== allocation failure
 *
 * The order of a walk (mg_topo's array) and a tape's arrays come from
 * malloc, which g->fail_allocs does not reach (it covers node blocks and
 * aux memory only), so these tests make malloc fail for real: the
 * address-space limit is lowered to a little above what the process uses,
 * so that any allocation of a megabyte fails, for the calls under test
 * only.  A call that cannot get its memory must say so in the graph's
 * error and change nothing; with memory back, everything must give the
 * numbers of a graph that never ran short.  Not under ASan, whose shadow
 * memory needs address space. */

#if defined(__SANITIZE_ADDRESS__)
#define R2_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define R2_ASAN 1
#endif
#endif
#ifndef R2_ASAN
#define R2_ASAN 0
#endif

#include <unistd.h>

typedef struct {
    mg_value *root;
    mg_value **leaves;
    size_t n_leaves;
} big_net;

/* `units` neurons of 4 pairs over fresh leaves, each through a relu (half
 * of them dead: the skip table's stretches), summed by a tree of sums. */
static big_net build_net(mg_graph *g, size_t units) {
    big_net net = {NULL, malloc(units * 9 * sizeof(mg_value *)), 0};
    mg_value **acts = malloc(units * sizeof *acts);
    cr_assert(net.leaves && acts);
    for (size_t u = 0; u < units; u++) {
        mg_value *w[4], *x[4];
        mg_value *b = mg_leaf(g, u % 2 ? -20.0 : 0.25, NULL);
        net.leaves[net.n_leaves++] = b;
        for (int j = 0; j < 4; j++) {
            w[j] = mg_leaf(g, 0.5 + 0.125 * j, NULL);
            x[j] = mg_leaf(g, 1.0 - 0.375 * j + 1e-3 * (double)(u % 97), NULL);
            net.leaves[net.n_leaves++] = w[j];
            net.leaves[net.n_leaves++] = x[j];
        }
        acts[u] = mg_relu(mg_neuron(b, w, x, 4));
    }
    size_t n = units;
    while (n > 1) {
        size_t out = 0;
        for (size_t i = 0; i < n; i += 8) acts[out++] = mg_sum(&acts[i], n - i < 8 ? n - i : 8);
        n = out;
    }
    net.root = acts[0];
    free(acts);
    cr_assert_not_null(net.root, "%s", mg_graph_error(g));
    return net;
}

/* Lower the address-space limit to what is mapped now plus `slack` bytes;
 * returns the old limit to restore. */
static struct rlimit limit_memory(size_t slack) {
    struct rlimit old, lim;
    cr_assert_eq(getrlimit(RLIMIT_AS, &old), 0);
    FILE *f = fopen("/proc/self/statm", "r");
    cr_assert_not_null(f);
    unsigned long pages = 0;
    cr_assert_eq(fscanf(f, "%lu", &pages), 1);
    fclose(f);
    lim = old;
    lim.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + slack;
    cr_assert_eq(setrlimit(RLIMIT_AS, &lim), 0);
    return old;
}

static void unlimit_memory(struct rlimit old) { cr_assert_eq(setrlimit(RLIMIT_AS, &old), 0); }

/* Every leaf's grad of b equals a's, bit for bit. */
static void expect_same_grads(const big_net *a, const big_net *b, const char *when) {
    cr_assert_eq(a->n_leaves, b->n_leaves);
    size_t bad = 0;
    for (size_t i = 0; i < a->n_leaves; i++)
        if (!mgt_same_bits(a->leaves[i]->grad, b->leaves[i]->grad) && bad++ < 5)
            cr_expect_fail("%s: leaf %zu grad %a, reference %a", when, i, b->leaves[i]->grad,
                           a->leaves[i]->grad);
    cr_expect_eq(bad, 0, "%s: %zu leaves differ", when, bad);
    cr_expect(mgt_same_bits(a->root->data, b->root->data), "%s: root %a, reference %a", when,
              b->root->data, a->root->data);
}

/* A tape asked for when memory has run out: NULL and an error, nothing
 * changed; then plain walks, and a tape made with memory back, give the
 * grads of a graph that never ran short. */
Test(model, a_tape_refused_for_lack_of_memory_changes_nothing, .timeout = 30) {
    if (R2_ASAN) cr_skip_test("address-space limits and ASan do not mix");
    enum { UNITS = 20000 };   /* 220k nodes: a tape's arrays are MBs */
    mg_graph *gb = mg_graph_new();
    big_net b = build_net(gb, UNITS);
    size_t n;
    cr_assert_not_null(mg_topo(b.root, &n));   /* the walk's own order fits */
    struct rlimit old = limit_memory(256 * 1024);
    mg_tape *refused = mg_tape_new(b.root);
    const int has_error = mg_graph_error(gb) != NULL;
    unlimit_memory(old);
    cr_expect_null(refused, "a tape of %zu nodes was made under the limit", n);
    mg_tape_free(refused);
    cr_expect(has_error, "the refusal is recorded");
    mg_graph_clear_error(gb);
    for (size_t i = 0; i < b.n_leaves; i++)
        cr_assert(mgt_same_bits(b.leaves[i]->grad, 0.0), "leaf %zu grad moved", i);

    mg_graph *ga = mg_graph_new();
    big_net a = build_net(ga, UNITS);
    mg_backward(a.root);
    mg_backward(b.root);
    expect_same_grads(&a, &b, "plain backward after the refusal");
    mg_value *x0 = b.leaves[11];   /* x0 of unit 1, a dead relu */
    mg_tape *tb = mg_tape_new(b.root), *ta = mg_tape_new(a.root);
    cr_assert(ta && tb, "%s", mg_graph_error(gb));
    for (int k = 0; k < 2; k++) {
        mg_zero_grad(a.root);
        mg_zero_grad(b.root);
        a.leaves[11]->data = x0->data = k ? 1.0 : INFINITY;   /* NaN must reach w0 */
        cr_assert_eq(mg_tape_forward(tb), 0);
        cr_assert_eq(mg_tape_backward(tb), 0);
        mg_forward(a.root);
        mg_backward(a.root);
        expect_same_grads(&a, &b, k ? "tape, finite" : "tape, a leaf infinite");
    }
    cr_expect(mgt_same_bits(a.leaves[10]->grad, b.leaves[10]->grad));
    mg_tape_free(ta);
    mg_tape_free(tb);
    free(a.leaves);
    free(b.leaves);
    mg_graph_free(ga);
    mg_graph_free(gb);
}

/* The walk's order itself failing (mg_topo's array): mg_forward records an
 * error and changes nothing, and no scratch flag may be left behind (the
 * next order must be right).  mg_backward needs no memory at all: under
 * the same limit it gives the grads of a graph that never ran short. */
Test(model, a_walk_refused_for_lack_of_memory_changes_nothing, .timeout = 30) {
    if (R2_ASAN) cr_skip_test("address-space limits and ASan do not mix");
    enum { UNITS = 20000 };
    mg_graph *gb = mg_graph_new();
    big_net b = build_net(gb, UNITS);
    const double root_before = b.root->data;
    b.leaves[3]->data = 0.75;   /* forward would change the root */
    struct rlimit old = limit_memory(256 * 1024);
    mg_forward(b.root);
    const int forward_error = mg_graph_error(gb) != NULL;
    mg_graph_clear_error(gb);
    const double root_after_forward = b.root->data;
    mg_backward(b.root);
    const int backward_error = mg_graph_error(gb) != NULL;
    unlimit_memory(old);
    cr_expect(forward_error, "mg_forward's lack of memory is recorded");
    cr_expect(!backward_error, "mg_backward needs no memory: %s", mg_graph_error(gb));
    mg_graph_clear_error(gb);
    cr_expect(mgt_same_bits(root_after_forward, root_before), "forward changed the root");

    mg_graph *ga = mg_graph_new();
    big_net a = build_net(ga, UNITS);
    a.leaves[3]->data = 0.75;   /* data as b has it: written, not replayed */
    mg_backward(a.root);
    expect_same_grads(&a, &b, "backward under the limit");
    size_t na = 0, nb = 0;
    mg_value *const *ta = mg_topo(a.root, &na);
    mg_value *const *tb = mg_topo(b.root, &nb);
    cr_assert(ta && tb);
    cr_assert_eq(nb, na, "order after the failure: %zu nodes, want %zu", nb, na);
    for (size_t i = 0; i < na; i++)
        cr_assert_eq(mg_value_id(tb[i]), mg_value_id(ta[i]), "order position %zu", i);
    mg_zero_grad(a.root);
    mg_zero_grad(b.root);
    mg_forward(b.root);
    mg_backward(b.root);
    mg_forward(a.root);
    mg_backward(a.root);
    expect_same_grads(&a, &b, "after the failure");
    free(a.leaves);
    free(b.leaves);
    mg_graph_free(ga);
    mg_graph_free(gb);
}

/* ======================================================= focused cases */

/* A tape's backward right after its forward skips its pass over the data
 * and checks only the leaves: a leaf made infinite between the two must
 * still turn a zero-grad mul's and neuron's contributions into NaN, as the
 * plain chain rule does (inf * 0).  The sequence the other suites try is
 * forward, backward, write, backward (not right after forward); leaving
 * the leaves out of the check passes them.  The plain walks too. */
Test(model, backward_right_after_forward_sees_a_leaf_made_infinite) {
    for (int fused = 0; fused < 2; fused++) {
        mg_graph *g = mg_graph_new();
        mg_value *x = mg_leaf(g, 2.0, "x"), *y = mg_leaf(g, 3.0, "y");
        mg_value *b = mg_leaf(g, 0.5, "b"), *c = mg_leaf(g, 0.0, "c");
        mg_value *p = fused ? mg_neuron(b, &x, &y, 1) : mg_mul(x, y);
        mg_value *r = mg_add(mg_mul(p, c), y);   /* p's grad is c = 0 */
        mg_tape *t = mg_tape_new(r);
        cr_assert_not_null(t);
        cr_assert_eq(mg_tape_forward(t), 0);
        x->data = INFINITY;
        cr_assert_eq(mg_tape_backward(t), 0);
        /* y gets 1 from the add and x * 0 = NaN from p */
        cr_expect(isnan(y->grad), "%s: y.grad %g, want NaN (inf * 0 from the zero-grad %s)",
                  fused ? "neuron" : "mul", y->grad, fused ? "neuron" : "mul");
        cr_expect(mgt_same_bits(x->grad, 0.0), "x.grad %g", x->grad);
        /* and the next one (no longer right after forward) too */
        x->grad = y->grad = 0.0;
        cr_assert_eq(mg_tape_backward(t), 0);
        cr_expect(isnan(y->grad), "second backward: y.grad %g", y->grad);
        /* and the plain walks */
        x->grad = y->grad = 0.0;
        mg_forward(r);
        mg_backward(r);
        cr_expect(isnan(y->grad), "plain backward: y.grad %g", y->grad);
        mg_tape_free(t);
        mg_graph_free(g);
    }
}

/* A single neuron whose inputs repeat (a weight that is its own input, the
 * bias as a weight, one leaf everywhere), with 0 to 40 pairs (past the
 * unrolled step and the 32-pair stack array of mg_neuron): data and every
 * grad against the plain loop: plain backward, a tape's backward right
 * after its forward, its second and third walks, and the trace. */
Test(model, neuron_with_repeated_inputs_on_every_path) {
    enum { MAXP = 40 };
    for (size_t pairs = 0; pairs <= MAXP; pairs += pairs < 8 ? 1 : 11) {
        for (int pattern = 0; pattern < 4; pattern++) {
            mg_graph *g = mg_graph_new();
            mg_value *pool[3] = {mg_leaf(g, 0.1, "a"), mg_leaf(g, -0.7, "b"),
                                 mg_leaf(g, 1.3, "c")};   /* inexact: order shows */
            mg_value *w[MAXP], *x[MAXP], *b;
            uint64_t s = pairs * 4 + (uint64_t)pattern;
            b = pattern == 3 ? pool[0] : pool[mgt_below(&s, 3)];
            for (size_t j = 0; j < pairs; j++) {
                switch (pattern) {
                case 0: w[j] = x[j] = pool[j % 3]; break;          /* w == x */
                case 1: w[j] = pool[mgt_below(&s, 3)]; x[j] = pool[mgt_below(&s, 3)]; break;
                case 2: w[j] = b; x[j] = pool[(j + 1) % 3]; break;  /* the bias as weight */
                default: w[j] = x[j] = pool[0]; break;              /* one leaf everywhere */
                }
            }
            mg_value *n = mg_neuron(b, w, x, pairs);
            cr_assert_not_null(n, "%s", mg_graph_error(g));
            mg_value *r = mg_mul(n, mg_leaf(g, 0.3, NULL));
            /* the plain loop: value from the bias, left to right; grads of
             * [b, w0, x0, ...] in that order */
            double want_n = b->data;
            for (size_t j = 0; j < pairs; j++) want_n += w[j]->data * x[j]->data;
            cr_expect(mgt_same_bits(n->data, want_n), "%zu pairs pattern %d: value %a, want %a",
                      pairs, pattern, n->data, want_n);
            mg_tape *t = mg_tape_new(r);
            cr_assert_not_null(t);
            for (int path = 0; path < 5; path++) {
                for (int k = 0; k < 3; k++) pool[k]->grad = 0.0;
                FILE *out = devnull();
                if (path == 1) cr_assert_eq(mg_tape_forward(t), 0);
                if (path == 0) mg_backward(r);
                else if (path == 4) cr_assert_eq(mg_trace_backward(out, r), 0);
                else cr_assert_eq(mg_tape_backward(t), 0);   /* 1 fresh, 2 second, 3 third */
                cr_expect(mgt_same_bits(n->grad, 0.3), "path %d: n.grad %a", path, n->grad);
                double want[3] = {0, 0, 0};
                const int bi = b == pool[0] ? 0 : b == pool[1] ? 1 : 2;
                want[bi] += 1.0 * n->grad;
                for (size_t j = 0; j < pairs; j++) {
                    int wi = w[j] == pool[0] ? 0 : w[j] == pool[1] ? 1 : 2;
                    int xi = x[j] == pool[0] ? 0 : x[j] == pool[1] ? 1 : 2;
                    want[wi] += x[j]->data * n->grad;
                    want[xi] += w[j]->data * n->grad;
                }
                for (int k = 0; k < 3; k++)
                    cr_expect(mgt_same_bits(pool[k]->grad, want[k]),
                              "%zu pairs pattern %d path %d: leaf %d grad %a, want %a", pairs,
                              pattern, path, k, pool[k]->grad, want[k]);
            }
            mg_tape_free(t);
            mg_graph_free(g);
        }
    }
}

/* A root that is a leaf: its grad accumulates 1 per backward on every
 * path (plain, a tape right after its forward and later, the trace), and
 * forward leaves its data alone. */
Test(model, a_leaf_root_accumulates_on_every_path) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 4.0, "a");
    mg_value *x = mg_leaf(g, -0.0, "x");
    x->grad = 0.5;
    mg_backward(x);
    cr_expect(mgt_same_bits(x->grad, 1.5));
    mg_forward(x);
    cr_expect(mgt_same_bits(x->data, -0.0), "forward wrote a leaf: %a", x->data);
    mg_tape *t = mg_tape_new(x);
    cr_assert_not_null(t);
    cr_assert_eq(mg_tape_forward(t), 0);
    cr_expect(mgt_same_bits(x->data, -0.0), "the tape's forward wrote a leaf: %a", x->data);
    cr_assert_eq(mg_tape_backward(t), 0);   /* right after forward */
    cr_assert_eq(mg_tape_backward(t), 0);   /* a later walk: the skip table */
    mg_backward(x);
    cr_expect(mgt_same_bits(x->grad, 4.5), "x.grad %a", x->grad);
    mg_tape_free(t);
    cr_expect_eq(mg_trace_backward(devnull(), x), 0);
    cr_expect(mgt_same_bits(x->grad, 5.5), "after the trace: %a", x->grad);
    mg_zero_grad(x);
    cr_expect(mgt_same_bits(x->grad, 0.0));
    cr_expect(mgt_same_bits(a->grad, 0.0), "an unrelated leaf moved: %a", a->grad);
    mg_graph_free(g);
}

/* A tape's forward hands an activation the value of the node just before
 * it in a register instead of reading it back: the same bits as the
 * constructor (and the header's rules: relu keeps -0 and NaN, maps -inf to
 * +0; sigmoid never overflows) for every special input. */
Test(model, replayed_activations_match_the_constructors_bit_for_bit) {
    static const double in[] = {0.0, -0.0, 1.0, -1.0, 4.9e-324, -4.9e-324, 1e-310, -1e-310,
                                20.0, -20.0, 40.0, -40.0, 710.0, -710.0, 750.0, -750.0,
                                DBL_MAX, -DBL_MAX, INFINITY, -INFINITY, NAN, -NAN};
    const size_t n_in = sizeof in / sizeof *in;
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 0.0, "x"), *one = mg_leaf(g, 1.0, "one");
    mg_value *acts[9];
    for (int j = 0; j < 6; j++) {   /* each right after its input: replay fuses them */
        mg_value *h = j < 3 ? mg_neg(x) : mg_mul(x, one);
        acts[j] = j % 3 == 0 ? mg_relu(h) : j % 3 == 1 ? mg_tanh(h) : mg_sigmoid(h);
    }
    mg_value *h = mg_neg(x);   /* and not right after it: read back from memory */
    mg_value *filler = mg_mul(h, one);
    acts[6] = mg_relu(h);
    acts[7] = mg_tanh(h);
    acts[8] = mg_sigmoid(filler);
    mg_value *r = mg_sum(acts, 9);
    size_t n_topo;
    mg_value *const *topo = mg_topo(r, &n_topo);
    cr_assert(topo && n_topo == 20, "%zu nodes", n_topo);
    cr_assert(topo[3]->op == MG_OP_RELU && topo[3]->u.in[0] == topo[2], "fusable pairs");
    mg_tape *t = mg_tape_new(r);
    cr_assert_not_null(t);
    for (size_t k = 0; k < n_in; k++) {
        x->data = in[k];
        cr_assert_eq(mg_tape_forward(t), 0);
        mg_graph *hg = mg_graph_new();   /* the constructors' values */
        for (int j = 0; j < 9; j++) {
            mg_value *hin = mg_leaf(hg, mg_value_input(acts[j], 0)->data, NULL);
            mg_op op = mg_value_op(acts[j]);
            mg_value *want = op == MG_OP_RELU ? mg_relu(hin) : op == MG_OP_TANH ? mg_tanh(hin)
                                                                                : mg_sigmoid(hin);
            double a = hin->data, model_v = mgt_ref_value(op, &a, 1, 0.0);
            cr_expect(mgt_same_bits(acts[j]->data, want->data) &&
                          mgt_same_bits(acts[j]->data, model_v),
                      "%s(%a): replay %a, constructor %a, rule %a", mg_op_name(op), a,
                      acts[j]->data, want->data, model_v);
        }
        mg_graph_free(hg);
    }
    mg_tape_free(t);
    mg_graph_free(g);
}

/* Marks at a block boundary: reset to exactly one full block, rebuild
 * (with a group open: the constructors' slow path), replay, reset again;
 * every node's data and grad against the model each time. */
Test(model, reset_to_a_block_boundary_and_rebuild) {
    r2stats st = {0};
    mg_graph *g = mg_graph_new();
    model M = {0};
    uint64_t s = 99;
    tame = 2;
    rnode leaf = {K_LEAF, 0, {0}, 0};
    while (M.n < MG_NODES_PER_BLOCK) add_node(&M, g, leaf, leaf_value(&s, 0));
    size_t mark = mg_graph_mark(g);
    cr_assert_eq(mark, MG_NODES_PER_BLOCK);
    for (int round = 0; round < 4; round++) {
        int grouped = round % 2;
        if (grouped) cr_assert_neq(mg_group_push(g, "round"), 0u);
        build(&M, g, &s, 300 + 700 * (size_t)round, 0, &st);
        if (grouped) mg_group_pop(g);
        size_t root = root_of_all(&M, g);
        cr_assert_neq(root, SIZE_MAX);
        if (grouped) cr_expect_neq(mg_value_group(M.v[mark]), 0u, "made with the group open");
        long bad = compare_all(&M, g, 0, round, "rebuild");
        M.v[round]->data = 0.375;   /* a leaf of the kept block */
        M.data[round] = 0.375;
        mg_tape *t = mg_tape_new(M.v[root]);
        cr_assert_not_null(t);
        for (int k = 0; k < 3; k++) {
            mg_forward(M.v[root]);
            m_forward(&M, root);
            mg_backward(M.v[root]);
            m_backward(&M, root);
            bad += compare_all(&M, g, 0, round * 10 + k, "walks after a reset");
            cr_assert_eq(mg_tape_forward(t), 0);
            m_forward(&M, root);
            cr_assert_eq(mg_tape_backward(t), 0);
            m_backward(&M, root);
            cr_assert_eq(mg_tape_backward(t), 0);
            m_backward(&M, root);
            bad += compare_all(&M, g, 0, round * 10 + k, "a tape after a reset");
        }
        mg_tape_free(t);
        cr_expect_eq(bad, 0, "round %d", round);
        mg_graph_reset(g, mark);
        M.n = mark;
        cr_assert_eq(mg_graph_size(g), mark);
    }
    mg_graph_free(g);
    m_free(&M);
}

/* The constructors' slow path (node_slow: a new block, or a group open):
 * at a full block with allocation failing, every constructor returns NULL,
 * adds no node and records an error; with a group open mid-block they need
 * no allocation (n-ary ones do: their input array) and tag the node; once
 * memory is back, each one crosses into the next block with the right
 * value and backward gives the plain chain rule's grads. */
Test(model, constructors_slow_path_at_a_block_boundary) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 0.7, "a"), *b = mg_leaf(g, -1.3, "b");
    enum { N_CTOR = 16 };
    for (int grouped = 0; grouped < 2; grouped++) {
        for (int k = 0; k < N_CTOR; k++) {
            /* fill the block, then try constructor k on the boundary */
            while (mg_graph_size(g) % MG_NODES_PER_BLOCK) mg_leaf(g, 0, NULL);
            if (grouped) cr_assert_neq(mg_group_push(g, "open"), 0u);
            size_t before = mg_graph_size(g);
            mg_value *xs[2] = {a, b}, *v = NULL;
            for (int failing = 1; failing >= 0; failing--) {
                g->fail_allocs = failing;
                switch (k) {
                case 0: v = mg_add(a, b); break;
                case 1: v = mg_sub(a, b); break;
                case 2: v = mg_mul(a, b); break;
                case 3: v = mg_div(a, b); break;
                case 4: v = mg_neg(a); break;
                case 5: v = mg_exp(a); break;
                case 6: v = mg_log(a); break;
                case 7: v = mg_tanh(b); break;
                case 8: v = mg_relu(b); break;
                case 9: v = mg_sigmoid(b); break;
                case 10: v = mg_pow(b, 3.0); break;
                case 11: v = mg_sum(xs, 2); break;
                case 12: v = mg_neuron(a, &b, &a, 1); break;
                case 13: v = mg_leaf(g, 2.5, NULL); break;
                case 14: v = mg_add_c(a, 0.25); break;
                default: v = mg_mul_c(b, -4.0); break;
                }
                g->fail_allocs = 0;
                if (failing) {
                    cr_expect_null(v, "constructor %d (group %d) made a node with no block", k,
                                   grouped);
                    cr_expect_eq(mg_graph_size(g), before, "constructor %d", k);
                    cr_expect_not_null(mg_graph_error(g), "constructor %d", k);
                    mg_graph_clear_error(g);
                }
            }
            cr_assert_not_null(v, "constructor %d: %s", k, mg_graph_error(g));
            cr_expect_gt(mg_value_id(v), before - 1);
            cr_expect_eq(mg_value_id(v) / MG_NODES_PER_BLOCK, before / MG_NODES_PER_BLOCK);
            const double A = a->data, B = b->data;
            const double want[N_CTOR] = {A + B, A - B, A * B, A / B, -A, exp(A), log(A),
                                         tanh(B), B < 0.0 ? 0.0 : B,
                                         exp(B) / (1.0 + exp(B)), pow(B, 3.0), A + B,
                                         A + B * A, 2.5, A + 0.25, B * -4.0};
            cr_expect(mgt_same_bits(v->data, want[k]), "constructor %d: %a, want %a", k, v->data,
                      want[k]);
            cr_expect_eq(mg_value_group(v) != 0, grouped, "constructor %d: group %u", k,
                         mg_value_group(v));
            if (grouped) {
                /* mid-block now: no allocation for a unary or binary op */
                g->fail_allocs = 1;
                mg_value *w = mg_mul(v, a), *u = mg_tanh(w);
                g->fail_allocs = 0;
                cr_expect(w && u, "constructor %d: mid-block in a group: %s", k,
                          mg_graph_error(g));
                cr_expect_neq(mg_value_group(u), 0u);
                mg_group_pop(g);
            }
            /* backward through the new node, both paths */
            a->grad = b->grad = 0.0;
            mg_backward(v);
            double ga = a->grad, gb = b->grad;
            a->grad = b->grad = 0.0;
            mg_tape *t = mg_tape_new(v);
            cr_assert_not_null(t);
            cr_assert_eq(mg_tape_forward(t), 0);
            cr_assert_eq(mg_tape_backward(t), 0);
            mg_tape_free(t);
            cr_expect(mgt_same_bits(a->grad, ga) && mgt_same_bits(b->grad, gb),
                      "constructor %d: replayed grads", k);
        }
    }
    mg_graph_free(g);
}

/* The review's one finding was a contract question: right after
 * mg_forward(root), mg_backward(root) starts from the zeros mg_forward left,
 * so an intermediate grad the caller wrote in between was added to.  The
 * header now says so (write only leaves between the two).  What it promises
 * about mg_gradcheck, which ends with a replay, is checked here: the leaves
 * hold their analytic grads, every other node's grad is 0. */
Test(model, gradcheck_leaves_analytic_leaf_grads_and_zero_intermediate_grads) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 2.0, "x"), *y = mg_leaf(g, -0.5, "y");
    mg_value *h = mg_mul(x, y);
    mg_value *L = mg_add(mg_tanh(h), x);
    mg_value *leaves[2] = {x, y};
    double err = mg_gradcheck(L, leaves, 2, 0, NULL);
    cr_expect(err < 1e-6, "gradcheck error %g", err);
    const double t = tanh(-1.0), dh = 1.0 - t * t;
    cr_expect(mgt_same_bits(x->grad, dh * -0.5 + 1.0), "x.grad %a", x->grad);
    cr_expect(mgt_same_bits(y->grad, dh * 2.0), "y.grad %a", y->grad);
    cr_expect(mgt_same_bits(h->grad, 0.0), "h.grad %a, want 0", h->grad);
    cr_expect(mgt_same_bits(L->grad, 0.0), "L.grad %a, want 0", L->grad);
    mg_graph_free(g);
}
