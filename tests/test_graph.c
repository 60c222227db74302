/* test_graph.c -- the arena (labels, mark/reset, flat memory), the error
 * paths, and random graphs against an independent forward-mode evaluator. */
#include "test_util.h"
#include "core/core.h"
#include <micrograd.h>

Test(graph, leaves_labels_and_ids) {
    mg_graph *g = mg_graph_new();
    char name[8] = "temp";
    mg_value *a = mg_leaf(g, 1.5, name);
    strcpy(name, "XXXX");  /* the caller's string may change or die */
    cr_expect_str_eq(mg_value_label(a), "temp");
    mg_value *b = mg_leaf(g, 2.0, NULL);
    cr_expect_null(mg_value_label(b));
    cr_expect_eq(mg_value_id(a), 0);
    cr_expect_eq(mg_value_id(b), 1);
    cr_expect_eq(mg_value_graph(a), g);
    cr_expect_eq(mg_label(b, "b"), b);
    cr_expect_str_eq(mg_value_label(b), "b");
    mg_label(a, "a much longer label than before");
    cr_expect_str_eq(mg_value_label(a), "a much longer label than before");
    mg_label(a, "short");
    cr_expect_str_eq(mg_value_label(a), "short");
    mg_label(a, NULL);
    cr_expect_null(mg_value_label(a));
    cr_expect_null(mg_label(NULL, "x"));
    cr_expect_eq(mg_graph_size(g), 2);
    cr_expect_eq(MG_BYTES_PER_NODE, 40);
    mg_graph_free(g);
    mg_graph_free(NULL);
}

Test(graph, ids_stay_right_across_many_blocks) {
    mg_graph *g = mg_graph_new();
    mg_value *v[5000];
    for (int i = 0; i < 5000; i++) v[i] = mg_leaf(g, i, NULL);
    for (int i = 0; i < 5000; i++) {
        cr_assert_eq(mg_value_id(v[i]), (size_t)i);
        cr_assert_eq(mg_value_graph(v[i]), g);
        cr_assert_eq(v[i]->data, (double)i);
    }
    mg_graph_free(g);
}

Test(graph, labelling_an_old_node_keeps_every_label_right) {
    mg_graph *g = mg_graph_new();
    mg_value *v[10];
    for (int i = 0; i < 10; i++) v[i] = mg_leaf(g, i, i % 2 ? "odd" : NULL);
    mg_label(v[4], "four");   /* inserts in the middle of the sorted index */
    mg_label(v[0], "zero");
    for (int i = 0; i < 10; i++) {
        const char *want = i == 4 ? "four" : i == 0 ? "zero" : i % 2 ? "odd" : NULL;
        if (want) cr_expect_str_eq(mg_value_label(v[i]), want);
        else cr_expect_null(mg_value_label(v[i]));
    }
    mg_graph_free(g);
}

Test(graph, reset_drops_nodes_made_after_the_mark) {
    mg_graph *g = mg_graph_new();
    mg_value *w = mg_leaf(g, 0.5, "w");
    size_t mark = mg_graph_mark(g);
    cr_expect_eq(mark, 1);
    mg_value *y = mg_label(mg_mul(w, mg_leaf(g, 3, "x")), "y");
    cr_expect_eq(mg_graph_size(g), 3);
    mg_graph_reset(g, mark);
    cr_expect_eq(mg_graph_size(g), 1);
    cr_expect_str_eq(mg_value_label(w), "w");
    /* the slot is reused, and the new node has no stale label */
    mg_value *y2 = mg_leaf(g, 7, NULL);
    cr_expect_eq(y2, (mg_value *)((char *)w + sizeof(mg_value)));
    cr_expect_null(mg_value_label(y2));
    (void)y;
    mg_graph_reset(g, 99);   /* beyond the graph: an error, nothing changes */
    cr_expect_not_null(mg_graph_error(g));
    cr_expect(strstr(mg_graph_error(g), "mg_graph_reset") != NULL);
    cr_expect_eq(mg_graph_size(g), 2);
    mg_graph_clear_error(g);
    cr_expect_null(mg_graph_error(g));
    mg_graph_reset(g, 0);
    cr_expect_eq(mg_graph_size(g), 0);
    mg_graph_free(g);
}

/* a training-style loop: build after the mark, backward, update, reset */
Test(graph, memory_is_flat_over_ten_thousand_steps) {
    mg_graph *g = mg_graph_new();
    mg_value *w[3] = {mg_leaf(g, 0.1, "w0"), mg_leaf(g, -0.2, "w1"), mg_leaf(g, 0.3, "b")};
    size_t mark = mg_graph_mark(g);
    size_t blocks_after_first = 0, aux_after_first = 0, meta_cap = 0, topo_cap = 0;
    for (int step = 0; step < 10000; step++) {
        mg_value *x = mg_leaf(g, (step % 7) * 0.1, "x");
        mg_value *pre = mg_add(mg_add(mg_mul(w[0], x), mg_mul(w[1], mg_pow(x, 2))), w[2]);
        mg_value *xs[2] = {w[0], w[1]};
        mg_value *ins[2] = {x, x};
        mg_value *fused = mg_neuron(w[2], xs, ins, 2);     /* uses the aux arena */
        mg_value *loss = mg_label(mg_pow(mg_sub(mg_tanh(mg_add(pre, fused)), x), 2), "loss");
        cr_assert_not_null(loss);
        for (int i = 0; i < 3; i++) w[i]->grad = 0;
        mg_backward(loss);
        for (int i = 0; i < 3; i++) w[i]->data -= 0.01 * w[i]->grad;
        mg_graph_reset(g, mark);
        if (step == 0) {
            blocks_after_first = g->n_blocks;
            aux_after_first = g->n_aux;
            meta_cap = g->cap_meta;
            topo_cap = g->cap_topo;
        }
    }
    cr_expect_eq(mg_graph_size(g), 3);
    cr_expect_eq(g->n_blocks, blocks_after_first);
    cr_expect_eq(g->n_aux, aux_after_first);
    cr_expect_eq(g->cap_meta, meta_cap);
    cr_expect_eq(g->cap_topo, topo_cap);
    cr_expect_eq(g->n_meta, 4, "only the parameters' labels are left");
    cr_expect(g->aux[0].used < 256, "labels of dropped nodes are reclaimed");
    mg_graph_free(g);
}

Test(graph, relabelling_a_kept_node_after_a_mark_survives_the_reset) {
    mg_graph *g = mg_graph_new();
    mg_value *w = mg_leaf(g, 1, "w");
    size_t mark = mg_graph_mark(g);
    mg_leaf(g, 2, "temp");
    mg_label(w, "a longer name for w that needs new bytes");
    mg_graph_reset(g, mark);
    for (int i = 0; i < 100; i++) mg_leaf(g, i, "filler filler filler filler");
    cr_expect_str_eq(mg_value_label(w), "a longer name for w that needs new bytes");
    mg_graph_free(g);
}

Test(graph, groups_nest_and_tag_new_nodes) {
    mg_graph *g = mg_graph_new();
    unsigned layer = mg_group_push(g, "layer 0");
    unsigned neuron = mg_group_push(g, "neuron 1");
    mg_value *a = mg_leaf(g, 1, "a");
    mg_group_pop(g);
    mg_value *b = mg_leaf(g, 2, NULL);
    mg_group_pop(g);
    mg_value *c = mg_leaf(g, 3, "c");
    cr_expect_eq(mg_value_group(a), neuron);
    cr_expect_eq(mg_value_group(b), layer);
    cr_expect_eq(mg_value_group(c), 0);
    cr_expect_str_eq(mg_group_label(g, neuron), "neuron 1");
    cr_expect_eq(mg_group_parent(g, neuron), layer);
    cr_expect_eq(mg_group_parent(g, layer), 0);
    cr_expect_eq(mg_group_count(g), 2);
    mg_group_set(c, layer);
    cr_expect_eq(mg_value_group(c), layer);
    cr_expect_null(mg_group_label(g, 99));
    mg_graph_free(g);
}

/* ------------------------------------------------------------------ errors */

Test(errors, null_operands_give_null_and_name_the_op) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1, "a");
    cr_expect_null(mg_mul(a, NULL));
    cr_assert_not_null(mg_graph_error(g));
    cr_expect(strstr(mg_graph_error(g), "mg_mul") != NULL, "%s", mg_graph_error(g));
    cr_expect(strstr(mg_graph_error(g), "operand 2") != NULL, "%s", mg_graph_error(g));
    /* NULL poisons the rest of an expression; the first error is kept */
    cr_expect_null(mg_tanh(mg_add(mg_mul(a, NULL), a)));
    cr_expect(strstr(mg_graph_error(g), "mg_mul") != NULL);
    cr_expect_null(mg_add(NULL, NULL));
    cr_expect_null(mg_tanh(NULL));
    cr_expect_null(mg_pow(NULL, 2));
    cr_expect_null(mg_leaf(NULL, 1, "x"));
    mg_graph_free(g);
}

Test(errors, operands_from_two_graphs) {
    mg_graph *g1 = mg_graph_new(), *g2 = mg_graph_new();
    mg_value *a = mg_leaf(g1, 1, "a"), *b = mg_leaf(g2, 2, "b");
    cr_expect_null(mg_add(a, b));
    cr_assert_not_null(mg_graph_error(g1));
    cr_expect(strstr(mg_graph_error(g1), "mg_add") != NULL, "%s", mg_graph_error(g1));
    cr_expect(strstr(mg_graph_error(g1), "different graphs") != NULL);
    cr_expect(strstr(mg_graph_error(g1), "'a'") && strstr(mg_graph_error(g1), "'b'"),
              "%s", mg_graph_error(g1));
    mg_value *xs[2] = {a, b};
    cr_expect_null(mg_sum(xs, 2));
    mg_graph_free(g1);
    mg_graph_free(g2);
}

Test(errors, out_of_memory_gives_null_and_names_the_op) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1, "a");
    while (mg_graph_size(g) % MG_NODES_PER_BLOCK) mg_leaf(g, 0, NULL);  /* fill the block */
    g->fail_allocs = 1;
    cr_expect_null(mg_exp(a));
    cr_assert_not_null(mg_graph_error(g));
    cr_expect(strstr(mg_graph_error(g), "mg_exp") || strstr(mg_graph_error(g), "exp"),
              "%s", mg_graph_error(g));
    cr_expect(strstr(mg_graph_error(g), "out of memory") != NULL);
    mg_graph_clear_error(g);
    cr_expect_null(mg_leaf(g, 1, "b"));
    cr_expect(strstr(mg_graph_error(g), "out of memory") != NULL);
    g->fail_allocs = 0;
    mg_graph_clear_error(g);
    mg_value *b = mg_leaf(g, 2, "b");
    cr_expect_not_null(b);
    /* a label that cannot be stored */
    g->fail_allocs = 1;
    char big[100000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    cr_expect_null(mg_label(b, big));
    cr_expect(strstr(mg_graph_error(g), "mg_label") != NULL);
    g->fail_allocs = 0;
    mg_graph_free(g);
}

/* ------------------------------------------- random graphs, independently */

/* An independent evaluator: forward-mode dual numbers over a plain op list,
 * no engine code involved.  Each random graph is built twice: once in the
 * engine, once as this list; backward must match d root / d leaf. */
enum { R_LEAF, R_ADD, R_SUB, R_MUL, R_DIV, R_NEG, R_POW, R_EXP, R_LOG, R_TANH, R_RELU, R_SIG,
       R_SUM3, R_NEURON2, R_KINDS };
typedef struct { int kind; int in[5]; double k; } rnode;

static uint64_t lcg_state;
static uint32_t lcg(void) {
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(lcg_state >> 33);
}

typedef struct { double v, d; } dual;

static dual dual_eval(const rnode *n, const dual *x) {
    dual r = {0, 0}, a = x[n->in[0]], b = x[n->in[1]];
    switch (n->kind) {
    case R_ADD: r.v = a.v + b.v; r.d = a.d + b.d; break;
    case R_SUB: r.v = a.v - b.v; r.d = a.d - b.d; break;
    case R_MUL: r.v = a.v * b.v; r.d = a.d * b.v + a.v * b.d; break;
    case R_DIV: r.v = a.v / b.v; r.d = (a.d * b.v - a.v * b.d) / (b.v * b.v); break;
    case R_NEG: r.v = -a.v; r.d = -a.d; break;
    case R_POW: r.v = pow(a.v, n->k); r.d = n->k * pow(a.v, n->k - 1) * a.d; break;
    case R_EXP: r.v = exp(a.v); r.d = exp(a.v) * a.d; break;
    case R_LOG: r.v = log(a.v); r.d = a.d / a.v; break;
    case R_TANH: r.v = tanh(a.v); r.d = a.d / (cosh(a.v) * cosh(a.v)); break;
    case R_RELU: r.v = a.v > 0 ? a.v : 0; r.d = a.v > 0 ? a.d : 0; break;
    case R_SIG: r.v = 1 / (1 + exp(-a.v)); r.d = r.v * (1 - r.v) * a.d; break;
    case R_SUM3: {
        dual c = x[n->in[2]];
        r.v = a.v + b.v + c.v; r.d = a.d + b.d + c.d; break;
    }
    case R_NEURON2: {  /* b + w0 x0 + w1 x1 with in = [b, w0, x0, w1, x1] */
        dual w0 = x[n->in[1]], x0 = x[n->in[2]], w1 = x[n->in[3]], x1 = x[n->in[4]];
        r.v = a.v + w0.v * x0.v + w1.v * x1.v;
        r.d = a.d + w0.d * x0.v + w0.v * x0.d + w1.d * x1.v + w1.v * x1.d;
        break;
    }
    default: break;
    }
    return r;
}

Test(random, backward_matches_forward_mode_on_random_graphs, .timeout = 60) {
    enum { LEAVES = 6, NODES = 300 };
    for (uint64_t seed = 1; seed <= 40; seed++) {
        lcg_state = seed;
        rnode spec[NODES];
        double val[NODES];
        mg_graph *g = mg_graph_new();
        mg_value *v[NODES];
        for (int i = 0; i < LEAVES; i++) {
            spec[i] = (rnode){R_LEAF, {0}, 0};
            val[i] = ((int)(lcg() % 2001) - 1000) / 500.0;
            v[i] = mg_leaf(g, val[i], NULL);
        }
        for (int i = LEAVES; i < NODES; i++) {
            rnode n = {(int)(1 + lcg() % (R_KINDS - 1)), {0}, 0};
            for (int j = 0; j < 5; j++) n.in[j] = (int)(lcg() % (uint32_t)i);  /* reuse happens */
            double a = val[n.in[0]], b = val[n.in[1]];
            /* keep values in a range where the math is well conditioned */
            if ((n.kind == R_DIV && fabs(b) < 0.5) || (n.kind == R_LOG && a < 0.1) ||
                (n.kind == R_EXP && fabs(a) > 4) || (n.kind == R_RELU && fabs(a) < 1e-3) ||
                (n.kind == R_MUL && fabs(a * b) > 50) || (n.kind == R_POW && (a < 0.1 || a > 10)))
                n.kind = R_TANH;
            if (n.kind == R_POW) n.k = (double[]){2, 3, -1, 0.5}[lcg() % 4];
            spec[i] = n;
            mg_value *A = v[n.in[0]], *B = v[n.in[1]];
            switch (n.kind) {
            case R_ADD: v[i] = mg_add(A, B); break;
            case R_SUB: v[i] = mg_sub(A, B); break;
            case R_MUL: v[i] = mg_mul(A, B); break;
            case R_DIV: v[i] = mg_div(A, B); break;
            case R_NEG: v[i] = mg_neg(A); break;
            case R_POW: v[i] = mg_pow(A, n.k); break;
            case R_EXP: v[i] = mg_exp(A); break;
            case R_LOG: v[i] = mg_log(A); break;
            case R_TANH: v[i] = mg_tanh(A); break;
            case R_RELU: v[i] = mg_relu(A); break;
            case R_SIG: v[i] = mg_sigmoid(A); break;
            case R_SUM3: {
                mg_value *xs[3] = {A, B, v[n.in[2]]};
                v[i] = mg_sum(xs, 3);
                break;
            }
            default: {
                mg_value *w[2] = {v[n.in[1]], v[n.in[3]]}, *x[2] = {v[n.in[2]], v[n.in[4]]};
                v[i] = mg_neuron(A, w, x, 2);
                break;
            }
            }
            cr_assert_not_null(v[i], "%s", mg_graph_error(g));
            val[i] = v[i]->data;  /* only steers the choice of later ops */
        }
        /* root: the sum of every node after the leaves (all reachable) */
        mg_value *root = mg_sum(v + LEAVES, NODES - LEAVES);
        cr_assert_not_null(root);
        mg_backward(root);
        for (int leaf = 0; leaf < LEAVES; leaf++) {
            dual x[NODES];
            double root_d = 0;
            for (int i = 0; i < NODES; i++) {
                x[i] = i < LEAVES ? (dual){v[i]->data, i == leaf ? 1.0 : 0.0} : dual_eval(&spec[i], x);
                if (i >= LEAVES) {
                    root_d += x[i].d;
                    cr_assert(mgt_close(x[i].v, v[i]->data, 1e-9),
                              "seed %d node %d: value %.17g vs independent %.17g", (int)seed, i,
                              v[i]->data, x[i].v);
                }
            }
            if (!isfinite(root_d)) continue;
            cr_expect(fabs(v[leaf]->grad - root_d) <= 1e-8 * fmax(1, fabs(root_d)),
                      "seed %d leaf %d: backward %.17g, forward mode %.17g", (int)seed, leaf,
                      v[leaf]->grad, root_d);
        }
        mg_graph_free(g);
    }
}

Test(graph, bytes_grow_with_nodes_and_stay_flat_over_resets) {
    mg_graph *g = mg_graph_new();
    size_t empty = mg_graph_bytes(g);
    size_t mark = mg_graph_mark(g);
    for (int i = 0; i < 100000; i++) mg_leaf(g, i, NULL);
    size_t full = mg_graph_bytes(g);
    /* 100,000 nodes of 40 bytes need at least 4 MB of blocks */
    cr_expect_geq(full - empty, 100000 * sizeof(mg_value));
    cr_expect_lt(full - empty, 100000 * sizeof(mg_value) * 11 / 10);
    mg_graph_reset(g, mark);
    for (int i = 0; i < 100000; i++) mg_leaf(g, i, NULL);
    cr_expect_eq(mg_graph_bytes(g), full);
    cr_expect_eq(mg_graph_bytes(NULL), 0);
    mg_graph_free(g);
}

/* A relabel that runs out of memory must not record the new length as the
 * old label's capacity: the next relabel of that length would then be
 * copied over the old (shorter) label's bytes and clobber the labels (or
 * n-ary input arrays) stored after it in the aux arena.
 * (graph.c aux_strdup sets *cap even when the allocation failed.) */
Test(graph, failed_relabel_does_not_overflow_into_the_next_label) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1.0, "a");           /* 2 bytes, one 8-byte slot */
    mg_value *b = mg_leaf(g, 2.0, "neighbour");   /* right after it */
    g->fail_allocs = 1;
    cr_expect_null(mg_label(a, "a label that is much longer"));
    g->fail_allocs = 0;
    mg_graph_clear_error(g);
    cr_expect_eq(mg_label(a, "AAAAAAAAAAAAAAAAAAAAAAAA"), a);
    cr_expect_str_eq(mg_value_label(a), "AAAAAAAAAAAAAAAAAAAAAAAA");
    cr_expect_str_eq(mg_value_label(b), "neighbour");
    mg_graph_free(g);
}

/* Renaming a node with (a tail of) its own label: the copy overlaps its
 * source, so it must be a memmove (graph.c mg_label, memcpy of the reused
 * bytes).  Under ASan this aborts with memcpy-param-overlap; without it the
 * result is undefined. */
Test(graph, relabel_with_a_tail_of_its_own_label) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1.0, "xlabel");
    cr_expect_eq(mg_label(a, mg_value_label(a) + 1), a);
    cr_expect_str_eq(mg_value_label(a), "label");
    mg_graph_free(g);
}

/* A reset drops the groups made after the mark; a node made before the mark
 * that was put in such a group must not be left pointing at the dropped
 * group's id, which the next mg_group_push hands to an unrelated group. */
Test(graph, reset_does_not_leave_an_old_node_in_a_dropped_group) {
    mg_graph *g = mg_graph_new();
    mg_value *p = mg_leaf(g, 1.0, "p");
    size_t m = mg_graph_mark(g);
    unsigned step = mg_group_push(g, "step");
    mg_group_pop(g);
    mg_group_set(p, step);
    mg_graph_reset(g, m);
    cr_expect_eq(mg_group_count(g), 0);
    unsigned other = mg_group_push(g, "other");
    mg_group_pop(g);
    cr_expect_neq(mg_value_group(p), other,
                  "p (made before the mark) is now in group '%s', made after the reset",
                  mg_group_label(g, mg_value_group(p)));
    mg_graph_free(g);
}

/* mg_graph_reset promises to drop "the labels and groups made after" the
 * mark, and flat memory for a loop that resets every step.  A mark is "the
 * number of nodes alive", so mg_graph_size gives the same number; but when
 * it was not taken with mg_graph_mark, groups survive the reset and the aux
 * arena is never rewound (graph.c mg_graph_reset: neither branch runs). */
Test(graph, reset_to_a_size_not_taken_by_mark_drops_groups_and_keeps_memory_flat) {
    mg_graph *g = mg_graph_new();
    mg_value *p = mg_leaf(g, 1.0, "p");
    size_t m = mg_graph_size(g);
    size_t bytes_early = 0;
    for (int step = 0; step < 2000; step++) {
        mg_value *x = mg_leaf(g, 2.0, "a fairly long label for a step's input");
        mg_group_push(g, "step");
        mg_value *y = mg_label(mg_mul(p, x), "product");
        mg_group_pop(g);
        mg_backward(y);
        mg_graph_reset(g, m);
        if (step == 10) bytes_early = mg_graph_bytes(g);
    }
    cr_expect_eq(mg_group_count(g), 0);
    cr_expect_eq(mg_graph_bytes(g), bytes_early);
    mg_graph_free(g);
}

/* The message for operands from different graphs names the first operand,
 * even when that one is NULL (ops.c common_graph uses xs[0]): it then reads
 * '#0', the name of a real node, instead of the operand that clashed. */
Test(errors, different_graphs_message_names_the_clashing_operands) {
    mg_graph *g = mg_graph_new(), *h = mg_graph_new();
    mg_value *a = mg_leaf(g, 1.0, "a");
    mg_value *b = mg_leaf(h, 2.0, "b");
    mg_value *xs[3] = {NULL, a, b};
    cr_expect_null(mg_sum(xs, 3));
    cr_assert_not_null(mg_graph_error(g));
    cr_expect(strstr(mg_graph_error(g), "'a'") != NULL, "message: %s", mg_graph_error(g));
    mg_graph_free(g);
    mg_graph_free(h);
}
