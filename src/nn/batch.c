/* batch.c -- an MLP and a loss over many rows at once: the summed gradient
 * of per-row losses, as a training loop over rows would add it up, without
 * the graph.
 *
 * What it computes is defined by the graph: for each row in turn, the
 * row's forward pass (mg_mlp_forward on leaves holding its inputs), its
 * loss, and mg_backward, whose grads the parameters accumulate.  make
 * FAST=0 does exactly that (the one-row graph, built once in a graph of
 * the batch's own and replayed by the plain tape).  The default build hands
 * the layers to src/fast/dense.c, which takes the same sums in the same
 * order on blocks of rows; only the loss still goes through a small graph,
 * of its own leaves, row by row (a handful of nodes, where it is
 * exactly the graph's loss by construction). */
#include "core/core.h"
#if MG_FAST
#include "fast/dense.h"
#endif

#include <stdlib.h>
#include <string.h>

struct mg_batch {
    mg_mlp *m;
    mg_loss_kind loss_kind;
    size_t n_in, n_out;
    /* the loss of one row: leaves pred[k] and target[k], its tape */
    mg_graph *g;
    mg_value **pred, **target, *loss;
    mg_tape *tape;
#if MG_FAST
    mg__dense *dense;
#else
    /* the whole one-row graph: a copy of the MLP over input leaves x */
    mg_mlp *copy;
    mg_value **x;
#endif
};

static const char *const loss_names[] = {"mse", "half-sse", "bce", "bce-logits", "softmax-ce"};
#define N_LOSSES (sizeof loss_names / sizeof loss_names[0])

const char *mg_loss_name(mg_loss_kind kind) {
    return (unsigned)kind < N_LOSSES ? loss_names[kind] : "?";
}

int mg_loss_parse(const char *name) {
    for (size_t k = 0; name && k < N_LOSSES; k++)
        if (!strcmp(name, loss_names[k])) return (int)k;
    return -1;
}

/* One row's loss over its k predictions and targets. */
static mg_value *row_loss(mg_loss_kind kind, mg_value *const *pred, mg_value *const *target,
                          size_t k) {
    switch (kind) {
    case MG_LOSS_MSE: return mg_loss_mse(pred, target, k);
    case MG_LOSS_HALF_SSE: return mg_loss_half_sse(pred, target, k);
    case MG_LOSS_BCE: return mg_loss_bce(pred, target, k);
    case MG_LOSS_BCE_LOGITS: return mg_loss_bce_logits(pred, target, k);
    case MG_LOSS_SOFTMAX_CE: return mg_loss_softmax_ce(pred, target, k, 1);
    }
    return NULL;
}

void mg_batch_free(mg_batch *b) {
    if (!b) return;
    mg_tape_free(b->tape);
#if MG_FAST
    mg__dense_free(b->dense);
#else
    mg_mlp_free(b->copy);
    free(b->x);
#endif
    free(b->pred);
    free(b->target);
    mg_graph_free(b->g);
    free(b);
}

/* Out of memory while making b: say so in g, free what there is. */
static mg_batch *oom(mg_batch *b, mg_graph *g) {
    mg__error(g, "mg_batch_new: out of memory", "mg_batch_new: sin memoria");
    mg_batch_free(b);
    return NULL;
}

/* The one-row graph: input leaves, the MLP (the fast build needs only its
 * outputs, as leaves), the targets, the loss; and its tape.  -1 when out
 * of memory. */
static int build_row_graph(mg_batch *b) {
    const size_t n_layers = mg_mlp_n_layers(b->m), n_params = mg_mlp_n_params(b->m);
    b->g = mg_graph_new();
    mg_graph_set_lang(b->g, mg_graph_lang(mg_mlp_graph(b->m)));
    b->pred = calloc(b->n_out, sizeof *b->pred);
    b->target = calloc(b->n_out, sizeof *b->target);
    size_t *sizes = malloc(n_layers * sizeof *sizes);
    mg_activation *acts = malloc(n_layers * sizeof *acts);
    int ok = b->g && b->pred && b->target && sizes && acts;
    for (size_t l = 0; ok && l < n_layers; l++) {
        sizes[l] = mg_mlp_layer_size(b->m, l);
        acts[l] = mg_mlp_layer_act(b->m, l);
    }
#if MG_FAST
    for (size_t k = 0; ok && k < b->n_out; k++) ok = (b->pred[k] = mg_leaf(b->g, 0.0, NULL)) != NULL;
    ok = ok && (b->dense = mg__dense_new(b->n_in, n_layers, sizes, acts)) != NULL;
    (void)n_params;
#else
    /* the parameters' values are copied in before every use */
    double *zeros = ok ? calloc(n_params, sizeof *zeros) : NULL;
    b->x = malloc(b->n_in * sizeof *b->x);
    ok = zeros && b->x &&
         (b->copy = mg_mlp_new_from(b->g, b->n_in, sizes, n_layers, acts, zeros)) != NULL;
    free(zeros);
    if (ok) mg_mlp_set_fused(b->copy, 1);
    for (size_t i = 0; ok && i < b->n_in; i++) ok = (b->x[i] = mg_leaf(b->g, 0.0, NULL)) != NULL;
    ok = ok && mg_mlp_forward(b->copy, b->x, b->pred) == b->n_out;
#endif
    free(sizes);
    free(acts);
    for (size_t k = 0; ok && k < b->n_out; k++) ok = (b->target[k] = mg_leaf(b->g, 0.0, NULL)) != NULL;
    ok = ok && (b->loss = row_loss(b->loss_kind, b->pred, b->target, b->n_out)) != NULL;
    ok = ok && (b->tape = mg_tape_new(b->loss)) != NULL;
    return ok ? 0 : -1;
}

mg_batch *mg_batch_new(mg_mlp *m, mg_loss_kind loss) {
    mg_graph *g = mg_mlp_graph(m);
    if (!g) return NULL;
    if ((unsigned)loss >= N_LOSSES) {
        mg__error(g, "mg_batch_new: unknown loss (%d)", "mg_batch_new: pérdida desconocida (%d)",
                  (int)loss);
        return NULL;
    }
    mg_batch *b = calloc(1, sizeof *b);
    if (!b) return oom(b, g);
    b->m = m;
    b->loss_kind = loss;
    b->n_in = mg_mlp_n_in(m);
    b->n_out = mg_mlp_layer_size(m, mg_mlp_n_layers(m) - 1);
    if (build_row_graph(b)) return oom(b, g);
    return b;
}

/* Check the arguments of a call; 0 when they are fine. */
static int bad_call(mg_batch *b, const char *fn, const void *x, const void *out) {
    if (!b) return -1;
    /* the MLP's parameters dropped by a reset: mg_mlp_params says so in the
     * graph and gives NULL (a freed graph cannot be asked: the MLP's watch
     * tells, through mg_mlp_params too) */
    if (!mg_mlp_params(b->m)) return -1;
    if (x && out) return 0;
    mg_graph *g = mg_mlp_graph(b->m);
    mg__error(g, "%s: an array is NULL", "%s: un arreglo es NULL", fn);
    return -1;
}

/* Row r's loss from its predictions (already in b->pred's data, or
 * computed by the tape here): the loss tape forward and backward, which
 * leaves d(loss)/d(pred[k]) in pred[k]->grad.  Returns the row's loss. */
static double loss_of_row(mg_batch *b, const double *target) {
    mg_leaves_set(b->target, target, b->n_out);
#if MG_FAST
    for (size_t k = 0; k < b->n_out; k++) b->pred[k]->grad = 0.0;   /* leaves accumulate */
#endif
    mg_tape_forward(b->tape);
    mg_tape_backward(b->tape);
    return b->loss->data;
}

#if MG_FAST
int mg_batch_grad(mg_batch *b, const double *x, const double *target, size_t n_rows,
                  double *loss_sum) {
    if (bad_call(b, "mg_batch_grad", x, target)) return -1;
    mg_value *const *params = mg_mlp_params(b->m);
    const size_t k = b->n_out;
    double sum = 0.0;
    mg__dense_load(b->dense, params, 1);
    for (size_t r0 = 0; r0 < n_rows; r0 += MG__DENSE_BLOCK) {
        const size_t rows = n_rows - r0 < MG__DENSE_BLOCK ? n_rows - r0 : MG__DENSE_BLOCK;
        const double *xb = x + r0 * b->n_in;
        const double *out = mg__dense_forward(b->dense, xb, rows);
        double *out_grad = mg__dense_out_grad(b->dense);
        for (size_t r = 0; r < rows; r++) {
            mg_leaves_set(b->pred, out + r * k, k);
            sum += loss_of_row(b, target + (r0 + r) * k);
            for (size_t j = 0; j < k; j++) out_grad[r * k + j] = b->pred[j]->grad;
        }
        mg__dense_backward(b->dense, xb, rows);
    }
    mg__dense_store_grads(b->dense, params);
    if (loss_sum) *loss_sum = sum;
    return 0;
}

int mg_batch_predict(mg_batch *b, const double *x, size_t n_rows, double *out) {
    if (bad_call(b, "mg_batch_predict", x, out)) return -1;
    const size_t k = b->n_out;
    mg__dense_load(b->dense, mg_mlp_params(b->m), 0);
    for (size_t r0 = 0; r0 < n_rows; r0 += MG__DENSE_BLOCK) {
        const size_t rows = n_rows - r0 < MG__DENSE_BLOCK ? n_rows - r0 : MG__DENSE_BLOCK;
        const double *y = mg__dense_forward(b->dense, x + r0 * b->n_in, rows);
        memcpy(out + r0 * k, y, rows * k * sizeof *out);
    }
    return 0;
}
#else
/* The parameters' values and grads into the copy (and the grads back). */
static void copy_params(mg_batch *b, int back) {
    mg_value *const *mine = mg_mlp_params(b->copy), *const *theirs = mg_mlp_params(b->m);
    for (size_t k = 0; k < mg_mlp_n_params(b->m); k++) {
        if (back) {
            theirs[k]->grad = mine[k]->grad;
        } else {
            mine[k]->data = theirs[k]->data;
            mine[k]->grad = theirs[k]->grad;
        }
    }
}

int mg_batch_grad(mg_batch *b, const double *x, const double *target, size_t n_rows,
                  double *loss_sum) {
    if (bad_call(b, "mg_batch_grad", x, target)) return -1;
    double sum = 0.0;
    copy_params(b, 0);
    for (size_t r = 0; r < n_rows; r++) {
        mg_leaves_set(b->x, x + r * b->n_in, b->n_in);
        sum += loss_of_row(b, target + r * b->n_out);
    }
    copy_params(b, 1);
    if (loss_sum) *loss_sum = sum;
    return 0;
}

int mg_batch_predict(mg_batch *b, const double *x, size_t n_rows, double *out) {
    if (bad_call(b, "mg_batch_predict", x, out)) return -1;
    copy_params(b, 0);
    for (size_t r = 0; r < n_rows; r++) {
        mg_leaves_set(b->x, x + r * b->n_in, b->n_in);
        mg_tape_forward(b->tape);
        for (size_t k = 0; k < b->n_out; k++) out[r * b->n_out + k] = b->pred[k]->data;
    }
    return 0;
}
#endif
