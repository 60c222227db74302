/* dense.h -- an MLP's layers evaluated on a block of rows at once, for
 * mg_batch (src/nn/batch.c), which is the only user.  Everything here
 * exists for speed: with make FAST=0, mg_batch replays the one-row graph
 * instead, and the numbers are the same.
 *
 * The same numbers, because every sum is still taken term by term in the
 * graph's order: a neuron's b + w0*x0 + w1*x1 + ..., a hidden value's grad
 * from the last neuron of the next layer down to the first, a weight's grad
 * row after row.  What changes is only what runs side by side: several
 * rows and several neurons at a time, their weights packed in a row (both
 * ways round: input by input for forward, neuron by neuron for backward). */
#ifndef MG_FAST_DENSE_H
#define MG_FAST_DENSE_H

#include "core/ops.h"

/* The most rows one forward/backward pair takes. */
#define MG__DENSE_BLOCK 128

typedef struct mg__dense mg__dense;

/* Room for an MLP of this shape (activations per layer); NULL when out of
 * memory. */
mg__dense *mg__dense_new(size_t n_in, size_t n_layers, const size_t *sizes,
                         const mg_activation *acts);
void mg__dense_free(mg__dense *d);

/* Use the plain loop even where the CPU has AVX2 (for the tests, which
 * check that both give the same bits). */
void mg__dense_use_plain(mg__dense *d);

/* Copy the parameters' values (and, with grads, their grads) into the
 * packed arrays; params in mg_mlp_params order.  Then, after backward
 * walks, store the packed grads back into the parameters. */
void mg__dense_load(mg__dense *d, mg_value *const *params, int grads);
void mg__dense_store_grads(const mg__dense *d, mg_value *const *params);

/* Forward for rows x[0 .. rows*n_in) (rows <= MG__DENSE_BLOCK): returns
 * the outputs, rows x (last layer's size), valid until the next call. */
const double *mg__dense_forward(mg__dense *d, const double *x, size_t rows);

/* Where the caller writes d(loss)/d(output) for the rows of the last
 * forward (same shape as its outputs); then backward adds every row's
 * grads into the packed grads, row after row. */
double *mg__dense_out_grad(mg__dense *d);
void mg__dense_backward(mg__dense *d, const double *x, size_t rows);

#endif
