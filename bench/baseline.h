/* baseline.h -- micrograd's demo network written out by hand, no graph.
 *
 * MLP(2, [16, 16, 1]): ReLU, ReLU, linear.  Loss as in micrograd's demo:
 *   (sum_i relu(1 - y_i * score_i)) * (1/n) + alpha * sum_p p*p
 * Parameters in the engine's model order: layer by layer, neuron by neuron,
 * each neuron's weights then its bias (337 in all).  The benchmark measures
 * the engine against this; the tests check both give the same gradients. */
#ifndef MG_BASELINE_H
#define MG_BASELINE_H

#include <stddef.h>

#define BASELINE_H 16
#define BASELINE_N_PARAMS (BASELINE_H * 3 + BASELINE_H * (BASELINE_H + 1) + BASELINE_H + 1)

/* Loss of the demo net with parameters p on points x (n rows of 2) and labels
 * y (+-1); writes d loss / d p into grad[BASELINE_N_PARAMS] (overwritten). */
double baseline_loss_grad(const double *p, const double *x, const double *y, size_t n,
                          double alpha, double *grad);

/* Accuracy in [0, 1]: share of points where (y > 0) == (score > 0). */
double baseline_accuracy(const double *p, const double *x, const double *y, size_t n);

#endif
