/* test_dropped.c -- nodes a reset dropped: refused by every entry point
 * while their slot is free (always), and after newer nodes took it (in
 * checking mode, and for the holders that watch their nodes: MLP,
 * optimizers, tapes).  Numbers in checking mode are the same as without. */
#include "test_util.h"
#include "core/core.h"
#include <micrograd.h>

static int says_dropped(const mg_graph *g) {
    const char *e = mg_graph_error(g);
    return e && strstr(e, "dropped by mg_graph_reset");
}

#define expect_dropped(g, what)                                                        \
    do {                                                                               \
        cr_expect(says_dropped(g), "%s: error '%s'", what,                              \
                  mg_graph_error(g) ? mg_graph_error(g) : "(none)");                   \
        mg_graph_clear_error(g);                                                       \
    } while (0)

/* The case: after a mark, y = x*w, a reset, then mg_mul(y, w). */
Test(dropped, an_op_refuses_a_node_the_reset_dropped) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 3, "x"), *w = mg_leaf(g, 7, "w");
    size_t mark = mg_graph_mark(g);
    mg_value *y = mg_label(mg_mul(x, w), "y");
    size_t y_id = mg_value_id(y);
    mg_graph_reset(g, mark);
    cr_expect_not(mg_value_alive(y));
    cr_expect(mg_value_alive(w));
    cr_expect_null(mg_mul(y, w));
    cr_assert(says_dropped(g), "%s", mg_graph_error(g) ? mg_graph_error(g) : "(none)");
    char id[32];
    snprintf(id, sizeof id, "#%zu", y_id);
    cr_expect(strstr(mg_graph_error(g), "mg_mul") && strstr(mg_graph_error(g), id), "%s",
              mg_graph_error(g));
    cr_expect(strstr(mg_graph_error(g), "operand 1 of 2"), "%s", mg_graph_error(g));
    mg_graph_clear_error(g);
    cr_expect_null(mg_mul(w, y));
    cr_expect(strstr(mg_graph_error(g), "operand 2 of 2"), "%s", mg_graph_error(g));
    mg_graph_free(g);
}

Test(dropped, the_message_is_in_the_graphs_language) {
    mg_graph *g = mg_graph_new();
    mg_graph_set_lang(g, MG_LANG_ES);
    mg_value *x = mg_leaf(g, 3, "x");
    size_t mark = mg_graph_mark(g);
    mg_value *y = mg_exp(x);
    mg_graph_reset(g, mark);
    cr_expect_null(mg_tanh(y));
    cr_expect(mg_graph_error(g) && strstr(mg_graph_error(g), "fue descartado por mg_graph_reset"),
              "%s", mg_graph_error(g) ? mg_graph_error(g) : "(none)");
    mg_graph_free(g);
}

/* Every entry point that takes a node refuses one whose slot is free. */
Test(dropped, every_entry_point_refuses_it) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 0.5, "x"), *w = mg_leaf(g, -2, "w");
    size_t mark = mg_graph_mark(g);
    mg_value *y = mg_label(mg_mul(x, w), "y");
    mg_value *L = mg_tanh(y);
    mg_graph_reset(g, mark);
    mg_value *xs[2] = {x, y};
    FILE *f = tmpfile();
    cr_assert(f);

    cr_expect_null(mg_add(y, x)); expect_dropped(g, "mg_add"); mg_graph_reset(g, mark);
    cr_expect_null(mg_sub(x, y)); expect_dropped(g, "mg_sub"); mg_graph_reset(g, mark);
    cr_expect_null(mg_div(y, x)); expect_dropped(g, "mg_div"); mg_graph_reset(g, mark);
    cr_expect_null(mg_pow_v(x, y)); expect_dropped(g, "mg_pow_v"); mg_graph_reset(g, mark);
    cr_expect_null(mg_where(y, x)); expect_dropped(g, "mg_where"); mg_graph_reset(g, mark);
    cr_expect_null(mg_neg(y)); expect_dropped(g, "mg_neg"); mg_graph_reset(g, mark);
    cr_expect_null(mg_exp(y)); expect_dropped(g, "mg_exp"); mg_graph_reset(g, mark);
    cr_expect_null(mg_log(y)); expect_dropped(g, "mg_log"); mg_graph_reset(g, mark);
    cr_expect_null(mg_relu(y)); expect_dropped(g, "mg_relu"); mg_graph_reset(g, mark);
    cr_expect_null(mg_sigmoid(y)); expect_dropped(g, "mg_sigmoid"); mg_graph_reset(g, mark);
    cr_expect_null(mg_pow(y, 2)); expect_dropped(g, "mg_pow"); mg_graph_reset(g, mark);
    cr_expect_null(mg_add_c(y, 1)); expect_dropped(g, "mg_add_c"); mg_graph_reset(g, mark);
    cr_expect_null(mg_mul_c(y, 1)); expect_dropped(g, "mg_mul_c"); mg_graph_reset(g, mark);
    cr_expect_null(mg_sum(xs, 2)); expect_dropped(g, "mg_sum"); mg_graph_reset(g, mark);
    cr_expect_null(mg_neuron(y, &w, &x, 1)); expect_dropped(g, "mg_neuron b"); mg_graph_reset(g, mark);
    cr_expect_null(mg_neuron(w, &y, &x, 1)); expect_dropped(g, "mg_neuron w"); mg_graph_reset(g, mark);
    cr_expect_null(mg_label(y, "z")); expect_dropped(g, "mg_label"); mg_graph_reset(g, mark);
    cr_expect_null(mg_value_label(y)); expect_dropped(g, "mg_value_label"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_value_id(y), 0); expect_dropped(g, "mg_value_id"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_value_graph(y), g);   /* where the error is read */
    cr_expect_eq(mg_value_op(y), MG_OP_LEAF); expect_dropped(g, "mg_value_op"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_value_arity(y), 0); expect_dropped(g, "mg_value_arity"); mg_graph_reset(g, mark);
    cr_expect_null(mg_value_input(y, 0)); expect_dropped(g, "mg_value_input"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_value_exponent(y), 0); expect_dropped(g, "mg_value_exponent"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_local_grad(y, 0), 0); expect_dropped(g, "mg_local_grad"); mg_graph_reset(g, mark);
    cr_expect_null(mg_freeze(y, 1)); expect_dropped(g, "mg_freeze"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_is_frozen(y), 0); expect_dropped(g, "mg_is_frozen"); mg_graph_reset(g, mark);
    cr_expect_null(mg_group_set(y, 0)); expect_dropped(g, "mg_group_set"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_value_group(y), 0); expect_dropped(g, "mg_value_group"); mg_graph_reset(g, mark);
    mg_backward(L); expect_dropped(g, "mg_backward"); mg_graph_reset(g, mark);
    mg_zero_grad(L); expect_dropped(g, "mg_zero_grad"); mg_graph_reset(g, mark);
    mg_forward(L); expect_dropped(g, "mg_forward"); mg_graph_reset(g, mark);
    size_t n = 7;
    cr_expect_null(mg_topo(L, &n)); expect_dropped(g, "mg_topo"); mg_graph_reset(g, mark);
    cr_expect_eq(n, 0);
    cr_expect_null(mg_check_finite(L)); expect_dropped(g, "mg_check_finite"); mg_graph_reset(g, mark);
    cr_expect_null(mg_grad(L, x)); expect_dropped(g, "mg_grad root"); mg_graph_reset(g, mark);
    cr_expect_null(mg_grad(x, y)); expect_dropped(g, "mg_grad x"); mg_graph_reset(g, mark);
    mg_value *out[2];
    cr_expect_eq(mg_grad_n(x, xs, 2, out), -1); expect_dropped(g, "mg_grad_n"); mg_graph_reset(g, mark);
    cr_expect(isnan(mg_jvp(L, &x, (double[]){1}, 1))); expect_dropped(g, "mg_jvp root"); mg_graph_reset(g, mark);
    cr_expect(isnan(mg_jvp(x, &y, (double[]){1}, 1))); expect_dropped(g, "mg_jvp leaf"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_trace_forward(f, L, &x, (double[]){1}, 1), -1); expect_dropped(g, "trace_fwd"); mg_graph_reset(g, mark);
    cr_expect_null(mg_tape_new(L)); expect_dropped(g, "mg_tape_new"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_dot_write(f, L, NULL), -1); expect_dropped(g, "mg_dot_write"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_dump(f, L, 0), -1); expect_dropped(g, "mg_dump"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_svg_write(f, L, NULL), -1); expect_dropped(g, "mg_svg_write"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_html_write(f, L, NULL), -1); expect_dropped(g, "mg_html_write"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_trace_backward(f, L), -1); expect_dropped(g, "mg_trace_backward"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_explain(f, L, x), -1); expect_dropped(g, "mg_explain root"); mg_graph_reset(g, mark);
    cr_expect_eq(mg_explain(f, x, y), -1); expect_dropped(g, "mg_explain x"); mg_graph_reset(g, mark);
    cr_expect(isnan(mg_gradcheck(L, &x, 1, 0, NULL))); expect_dropped(g, "mg_gradcheck root"); mg_graph_reset(g, mark);
    cr_expect(isnan(mg_gradcheck(x, &y, 1, 0, NULL))); expect_dropped(g, "mg_gradcheck leaf"); mg_graph_reset(g, mark);
    cr_expect(isnan(mg_gradgradcheck(L, &x, 1, 0, NULL))); expect_dropped(g, "gradgradcheck"); mg_graph_reset(g, mark);
    mg_value *pred[1] = {y}, *target[1] = {x};
    cr_expect_null(mg_loss_mse(pred, target, 1)); expect_dropped(g, "mg_loss_mse"); mg_graph_reset(g, mark);
    cr_expect_null(mg_loss_bce_logits(pred, target, 1)); expect_dropped(g, "mg_loss_bce_logits"); mg_graph_reset(g, mark);
    cr_expect_null(mg_loss_softmax_ce(pred, target, 1, 1)); expect_dropped(g, "softmax_ce"); mg_graph_reset(g, mark);
    cr_expect_null(mg_loss_hinge(target, target, 1, pred, 1, 0.1)); expect_dropped(g, "hinge"); mg_graph_reset(g, mark);
    double before = y->data;
    mg_leaves_set(&y, (double[]){42}, 1); expect_dropped(g, "mg_leaves_set"); mg_graph_reset(g, mark);
    cr_expect_eq(y->data, before);
    cr_expect_null(mg_sgd_new(xs, 2, 0.1)); expect_dropped(g, "mg_sgd_new"); mg_graph_reset(g, mark);
    fclose(f);
    cr_expect_eq(mg_graph_size(g), mark, "nothing was built");
    mg_graph_free(g);
}

/* A slot that a new node has taken: not caught through a raw pointer
 * without checking mode (the pointer is as good as the new node's); in
 * checking mode the next step's nodes live elsewhere, so it is. */
Test(dropped, checking_mode_catches_a_slot_a_new_node_took) {
    for (int checking = 0; checking <= 1; checking++) {
        mg_graph *g = mg_graph_new();
        mg_graph_set_checking(g, checking);
        cr_expect_eq(mg_graph_checking(g), checking);
        mg_value *x = mg_leaf(g, 3, "x"), *w = mg_leaf(g, 7, "w");
        size_t mark = mg_graph_mark(g);
        mg_value *y = mg_mul(x, w);
        mg_graph_reset(g, mark);
        mg_value *a = mg_leaf(g, 10, "a"), *b = mg_leaf(g, 11, "b");
        (void)b;
        cr_expect_eq(mg_value_id(a), mark);
        if (!checking) {
            /* the 21: y's slot is b's now (no error can be given) */
            cr_expect(mg_value_alive(y));
        } else {
            cr_expect_not(mg_value_alive(y));
            cr_expect_null(mg_mul(y, w));
            cr_expect(says_dropped(g), "%s", mg_graph_error(g) ? mg_graph_error(g) : "(none)");
            mg_graph_clear_error(g);
            mg_backward(y);
            cr_expect(says_dropped(g));
        }
        mg_graph_free(g);
    }
}

/* A mark in the middle of a block: the block is sealed there, so the nodes
 * made after it in the same block stay caught after the next step has
 * made as many nodes again; the blocks of whole steps are quarantined. */
Test(dropped, checking_mode_seals_the_marks_block_and_quarantines_the_rest) {
    mg_graph *g = mg_graph_new();
    mg_graph_set_checking(g, 1);
    mg_value *x = mg_leaf(g, 2, "x");
    size_t mark = mg_graph_mark(g);
    enum { STEP = 3 * 1700 };   /* spans blocks */
    static mg_value *old[STEP];
    mg_value *v = x;
    for (int i = 0; i < STEP; i++) old[i] = v = mg_add_c(v, 1);
    mg_graph_reset(g, mark);
    v = x;
    for (int i = 0; i < 2 * STEP; i++) v = mg_add_c(v, 1);
    cr_assert_not_null(v);
    int caught = 0;
    for (int i = 0; i < STEP; i++) caught += !mg_value_alive(old[i]);
    cr_expect_eq(caught, STEP);
    /* the new chain is right, across the sealed and the fresh blocks */
    mg_backward(v);
    cr_expect_eq(v->data, 2.0 + 2 * STEP);
    cr_expect_eq(x->grad, 1.0);
    mg_graph_free(g);
}

/* The same training loop gives the same numbers with checking on, and
 * memory stays flat: about twice one step. */
static double train(int checking, size_t *bytes_10, size_t *bytes_200) {
    mg_graph *g = mg_graph_new();
    mg_graph_set_checking(g, checking);
    mg_mlp *m = mg_mlp_new(g, 2, (size_t[]){8, 1}, 2, NULL, 42);
    mg_optim *o = mg_adam_new(mg_mlp_params(m), mg_mlp_n_params(m), 0.01, 0.9, 0.999, 1e-8);
    size_t mark = mg_graph_mark(g);
    double last = 0;
    for (int step = 0; step < 200; step++) {
        mg_value *pred[4], *target[4];
        double xs[4][2] = {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, ys[4] = {-1, 1, 1, -1};
        for (int i = 0; i < 4; i++) cr_assert_eq(mg_mlp_forward_d(m, xs[i], &pred[i]), 1);
        cr_assert_eq(mg_leaves(g, ys, 4, target), 0);
        mg_value *loss = mg_loss_mse(pred, target, 4);
        cr_assert_not_null(loss, "%s", mg_graph_error(g));
        mg_optim_zero_grad(o);
        mg_backward(loss);
        mg_optim_step(o);
        last = loss->data;
        mg_graph_reset(g, mark);
        if (step == 9) *bytes_10 = mg_graph_bytes(g);
    }
    *bytes_200 = mg_graph_bytes(g);
    cr_expect_null(mg_graph_error(g), "%s", mg_graph_error(g));
    mg_optim_free(o);
    mg_mlp_free(m);
    mg_graph_free(g);
    return last;
}

Test(dropped, checking_mode_gives_the_same_numbers_in_flat_memory) {
    size_t b10, b200, c10, c200;
    double plain = train(0, &b10, &b200), checked = train(1, &c10, &c200);
    cr_expect_eq(plain, checked, "%.17g vs %.17g", plain, checked);
    cr_expect_eq(b10, b200);
    cr_expect_eq(c10, c200, "checking mode: %zu bytes after 10 steps, %zu after 200", c10, c200);
}

/* Turning checking off goes back to reusing slots in place. */
Test(dropped, checking_mode_can_be_turned_off_again) {
    mg_graph *g = mg_graph_new();
    mg_value *x = mg_leaf(g, 1, "x");
    size_t mark = mg_graph_mark(g);
    mg_graph_set_checking(g, 1);
    for (int step = 0; step < 3; step++) {
        mg_value *v = x;
        for (int i = 0; i < 2000; i++) v = mg_add_c(v, 1);
        mg_graph_reset(g, mark);
    }
    mg_graph_set_checking(g, 0);
    mg_value *v = x;
    for (int i = 0; i < 5000; i++) v = mg_mul_c(v, 1);
    mg_value *sq = mg_label(mg_mul(v, v), "sq");
    mg_backward(sq);
    cr_expect_eq(x->grad, 2.0);
    cr_expect_str_eq(mg_value_label(sq), "sq");
    cr_expect_eq(mg_value_id(sq), mg_graph_size(g) - 1);
    mg_graph_free(g);
}

/* Labels of nodes a reset keeps survive it, whatever order they were
 * given in; labels of dropped nodes go.  Naming an older node appends an
 * entry instead of moving every later one (the O(n^2) of 80,000 labels
 * given newest first). */
Test(dropped, labels_given_newest_first_move_no_other_entry) {
    mg_graph *g = mg_graph_new();
    enum { N = 3000 };
    static mg_value *v[N];
    for (int i = 0; i < N; i++) v[i] = mg_leaf(g, i, NULL);
    char name[32];
    mg_label(v[N - 1], "last");
    uint32_t last_meta = v[N - 1]->meta;
    for (int i = N - 2; i >= 0; i--) {
        snprintf(name, sizeof name, "v%d", i);
        mg_label(v[i], name);
        cr_assert_eq(v[N - 1]->meta, last_meta, "naming node %d moved node %d's entry", i, N - 1);
    }
    size_t mark = N / 2;
    size_t m2 = mg_graph_mark(g);
    mg_value *extra = mg_label(mg_add(v[0], v[1]), "extra");
    mg_label(v[5], "five");           /* an old node named after the mark */
    mg_graph_reset(g, m2);
    cr_expect_not(mg_value_alive(extra));
    cr_expect_str_eq(mg_value_label(v[5]), "five");
    mg_graph_reset(g, mark);          /* a plain count */
    for (int i = 0; i < N; i++) {
        if ((size_t)i >= mark) {
            cr_assert_not(mg_value_alive(v[i]));
            continue;
        }
        snprintf(name, sizeof name, i == 5 ? "five" : "v%d", i);
        cr_assert_str_eq(mg_value_label(v[i]), name);
    }
    mg_value *fresh = mg_leaf(g, 0, NULL);
    cr_expect_null(mg_value_label(fresh));
    mg_graph_free(g);
}

/* The MLP's parameters made after the mark: each reset drops them and the
 * next step's input leaves take their slots.  Without a check this
 * trained the inputs instead (a loss "converging" to 0.0105). */
Test(dropped, an_mlp_whose_parameters_a_reset_dropped_refuses) {
    mg_graph *g = mg_graph_new();
    size_t mark = mg_graph_mark(g);   /* taken too early */
    mg_mlp *m = mg_mlp_new(g, 2, (size_t[]){4, 1}, 2, NULL, 1);
    mg_optim *o = mg_sgd_new(mg_mlp_params(m), mg_mlp_n_params(m), 0.1);
    cr_assert(m && o);
    mg_value *y;
    cr_assert_eq(mg_mlp_forward_d(m, (double[]){1, 2}, &y), 1);
    mg_backward(y);
    mg_optim_step(o);
    mg_graph_reset(g, mark);
    cr_expect_null(mg_graph_error(g));
    cr_expect_eq(mg_mlp_forward_d(m, (double[]){1, 2}, &y), 0);
    expect_dropped(g, "mg_mlp_forward_d");
    mg_value *x[2] = {mg_leaf(g, 1, "a"), mg_leaf(g, 2, "b")};
    cr_expect_eq(mg_mlp_forward(m, x, &y), 0);
    expect_dropped(g, "mg_mlp_forward");
    /* slots retaken by enough new leaves: still refused */
    for (int i = 0; i < 40; i++) mg_leaf(g, 0.5, NULL);
    cr_expect_eq(mg_mlp_forward(m, x, &y), 0);
    expect_dropped(g, "mg_mlp_forward, slots retaken");
    double before = x[0]->data;
    x[0]->grad = 1.0;
    mg_optim_step(o);
    expect_dropped(g, "mg_optim_step");
    cr_expect_eq(x[0]->data, before, "the step wrote into a newer node");
    mg_optim_zero_grad(o);
    expect_dropped(g, "mg_optim_zero_grad");
    cr_expect_eq(x[0]->grad, 1.0);
    cr_expect_null(mg_mlp_params(m));
    expect_dropped(g, "mg_mlp_params");
    cr_expect_null(mg_mlp_param(m, 0, 0, 0));
    expect_dropped(g, "mg_mlp_param");
    mg_mlp_zero_grad(m);
    expect_dropped(g, "mg_mlp_zero_grad");
    FILE *f = tmpfile();
    cr_expect_eq(mg_mlp_save(m, f), -1);
    expect_dropped(g, "mg_mlp_save");
    fclose(f);
    mg_optim_free(o);
    mg_mlp_free(m);
    mg_graph_free(g);
}

/* The holders outlive the graph, or the graph outlives them: both orders
 * are fine, and a freed graph's MLP refuses without touching it. */
Test(dropped, holders_freed_before_or_after_the_graph) {
    mg_graph *g = mg_graph_new();
    mg_mlp *m = mg_mlp_new(g, 1, (size_t[]){1}, 1, NULL, 1);
    mg_optim *o = mg_adam_new(mg_mlp_params(m), mg_mlp_n_params(m), 0.1, 0.9, 0.999, 1e-8);
    cr_assert(m && o);
    mg_graph_free(g);
    mg_value *y;
    cr_expect_eq(mg_mlp_forward_d(m, (double[]){1}, &y), 0);
    mg_optim_step(o);
    mg_optim_zero_grad(o);
    mg_optim_free(o);
    mg_mlp_free(m);
}

/* The batch trainer and the safetensors writer read the MLP's parameters:
 * after a reset dropped them they refuse, instead of reading (or writing
 * into) whatever newer nodes took those slots. */
Test(dropped, batch_and_safetensors_refuse_dropped_parameters) {
    mg_graph *g = mg_graph_new();
    size_t mark = mg_graph_mark(g);
    mg_mlp *m = mg_mlp_new(g, 2, (size_t[]){3, 1}, 2, NULL, 5);
    mg_batch *b = mg_batch_new(m, MG_LOSS_MSE);
    cr_assert(m && b, "%s", mg_graph_error(g));
    double x[2] = {0.5, -1}, y[1] = {1}, loss;
    cr_expect_eq(mg_batch_grad(b, x, y, 1, &loss), 0);
    mg_graph_reset(g, mark);
    for (int i = 0; i < 40; i++) mg_leaf(g, 1.0, NULL);   /* the slots retaken */
    cr_expect_eq(mg_batch_grad(b, x, y, 1, &loss), -1);
    expect_dropped(g, "mg_batch_grad");
    double out[1];
    cr_expect_eq(mg_batch_predict(b, x, 1, out), -1);
    expect_dropped(g, "mg_batch_predict");
    FILE *f = tmpfile();
    cr_expect_eq(mg_mlp_save_safetensors(m, f), -1);
    expect_dropped(g, "mg_mlp_save_safetensors");
    cr_expect_eq(ftell(f), 0);
    fclose(f);
    mg_batch_free(b);
    mg_mlp_free(m);
    mg_graph_free(g);
}
