/* test_review.c -- regressions found by a review of the core: each test
 * failed before its fix (the comments say where the bug was). */
#include "test_util.h"
#include "internal.h"
#include <micrograd.h>

/* A relabel that runs out of memory must not record the new length as the
 * old label's capacity: the next relabel of that length would then be
 * copied over the old (shorter) label's bytes and clobber the labels (or
 * n-ary input arrays) stored after it in the aux arena.
 * (graph.c aux_strdup sets *cap even when the allocation failed.) */
Test(review, failed_relabel_does_not_overflow_into_the_next_label) {
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
Test(review, relabel_with_a_tail_of_its_own_label) {
    mg_graph *g = mg_graph_new();
    mg_value *a = mg_leaf(g, 1.0, "xlabel");
    cr_expect_eq(mg_label(a, mg_value_label(a) + 1), a);
    cr_expect_str_eq(mg_value_label(a), "label");
    mg_graph_free(g);
}

/* A reset drops the groups made after the mark; a node made before the mark
 * that was put in such a group must not be left pointing at the dropped
 * group's id, which the next mg_group_push hands to an unrelated group. */
Test(review, reset_does_not_leave_an_old_node_in_a_dropped_group) {
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
Test(review, reset_to_a_size_not_taken_by_mark_drops_groups_and_keeps_memory_flat) {
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
Test(review, different_graphs_message_names_the_clashing_operands) {
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

/* Zero-gradient skipping must not change a result against the plain chain
 * rule.  A fused neuron once decided from its cached value (ops.h
 * mg__passes_nothing, `isfinite(v->data)`) while its local derivatives read
 * the inputs' current data: after a leaf changes without mg_forward, the
 * plain chain rule gives d/dw = x = inf times grad 0 = NaN, as the unfused
 * mul + add graph does, but the neuron is skipped and w's grad stays 0. */
Test(review, neuron_skipping_agrees_with_the_unfused_graph_on_changed_data) {
    double got[2];
    for (int fused = 0; fused < 2; fused++) {
        mg_graph *g = mg_graph_new();
        mg_value *b = mg_leaf(g, 0.0, "b"), *w = mg_leaf(g, 1.0, "w");
        mg_value *x = mg_leaf(g, 1.0, "x"), *c = mg_leaf(g, 0.0, "c");
        mg_value *n = fused ? mg_neuron(b, &w, &x, 1) : mg_add(b, mg_mul(w, x));
        mg_value *r = mg_mul(n, c);
        x->data = INFINITY;
        mg_backward(r);
        got[fused] = w->grad;
        mg_graph_free(g);
    }
    cr_expect(isnan(got[0]), "unfused: %g", got[0]);
    cr_expect(isnan(got[1]), "fused: %g (the unfused graph gives %g)", got[1], got[0]);
}

/* The same on a replayed graph, whose backward decides for the whole graph
 * at once (one pass checks that every node's data is finite): a leaf made
 * infinite after mg_forward must still send NaN through the neuron, and
 * with finite data the skip must leave the grads the unfused graph gives. */
Test(review, replayed_neuron_skipping_sees_a_leaf_changed_after_forward) {
    double got[2], clean[2][3];
    for (int fused = 0; fused < 2; fused++) {
        mg_graph *g = mg_graph_new();
        mg_value *b = mg_leaf(g, 0.5, "b"), *w = mg_leaf(g, 2.0, "w");
        mg_value *x = mg_leaf(g, 3.0, "x"), *c = mg_leaf(g, 0.0, "c");
        mg_value *n = fused ? mg_neuron(b, &w, &x, 1) : mg_add(b, mg_mul(w, x));
        mg_value *r = mg_add(mg_mul(n, c), mg_mul(w, x));   /* n's grad is 0 */
        mg_forward(r);                                       /* caches the order */
        mg_backward(r);
        clean[fused][0] = b->grad;
        clean[fused][1] = w->grad;
        clean[fused][2] = x->grad;
        w->grad = x->grad = b->grad = 0;
        x->data = INFINITY;
        mg_backward(r);
        got[fused] = w->grad;
        mg_graph_free(g);
    }
    for (int k = 0; k < 3; k++)
        cr_expect(clean[1][k] == clean[0][k] && signbit(clean[1][k]) == signbit(clean[0][k]),
                  "grad %d: fused %g, unfused %g", k, clean[1][k], clean[0][k]);
    cr_expect_eq(clean[1][1], 3.0);
    cr_expect(isnan(got[0]), "unfused: %g", got[0]);
    cr_expect(isnan(got[1]), "fused: %g (the unfused graph gives %g)", got[1], got[0]);
}

/* mg_forward zeroes the intermediates' grads so that the next mg_backward
 * need not: any other backward in between (another root, a trace, the same
 * root twice) writes grads again, and the backward after it must zero them
 * itself. */
Test(review, backward_after_forward_then_another_backward_starts_from_zero) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 1.5, "x"), *y = mg_leaf(g, -2.0, "y");
    mg_value *h = mg_tanh(mg_mul(x, y));            /* shared by both roots */
    mg_value *A = mg_add(mg_mul(h, h), x);
    mg_value *B = mg_mul(mg_add_c(h, 3.0), y);
    mg_backward(A);
    const double want_x = x->grad, want_y = y->grad, want_h = h->grad;
    for (int other = 0; other < 3; other++) {
        mg_forward(A);                 /* caches A's order, zeroes h's grad */
        if (other == 0) mg_backward(B);
        if (other == 1) {
            FILE *devnull = fopen("/dev/null", "w");
            cr_assert_not_null(devnull);
            mg_trace_backward(devnull, A);   /* A's own order: no re-sort */
            fclose(devnull);
        }
        if (other == 2) mg_backward(A);
        x->grad = y->grad = 0;
        mg_backward(A);
        cr_expect_eq(h->grad, want_h, "case %d: h.grad %.17g, want %.17g", other, h->grad, want_h);
        cr_expect_eq(x->grad, want_x, "case %d: x.grad %.17g, want %.17g", other, x->grad, want_x);
        cr_expect_eq(y->grad, want_y, "case %d: y.grad %.17g, want %.17g", other, y->grad, want_y);
    }
    mg_graph_free(g);
}
