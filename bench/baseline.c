/* baseline.c -- forward and backward of micrograd's demo net by hand.
 * Sums run in the engine's order (bias first, then w0*x0, w1*x1, ...), so
 * the loss agrees with the engine's to the last bit or two. */
#include "baseline.h"

#include <string.h>

enum { H = BASELINE_H };

/* offsets of each layer's parameters in model order */
#define L0(j) ((j) * 3)                       /* w0 w1 b */
#define L1(j) (H * 3 + (j) * (H + 1))         /* w0..w15 b */
#define L2 (H * 3 + H * (H + 1))              /* w0..w15 b */

typedef struct {
    double z1[H], h1[H], z2[H], h2[H], score;
} activations;

static void forward(const double *p, const double *x, activations *a) {
    for (int j = 0; j < H; j++) {
        double s = p[L0(j) + 2];
        s += p[L0(j)] * x[0];
        s += p[L0(j) + 1] * x[1];
        a->z1[j] = s;
        a->h1[j] = s > 0 ? s : 0;
    }
    for (int j = 0; j < H; j++) {
        double s = p[L1(j) + H];
        for (int k = 0; k < H; k++) s += p[L1(j) + k] * a->h1[k];
        a->z2[j] = s;
        a->h2[j] = s > 0 ? s : 0;
    }
    double s = p[L2 + H];
    for (int k = 0; k < H; k++) s += p[L2 + k] * a->h2[k];
    a->score = s;
}

/* add d score/d p * dscore into grad */
static void backward(const double *p, const double *x, const activations *a, double dscore,
                     double *grad) {
    double dh2[H], dz2[H], dh1[H] = {0}, dz1[H];
    grad[L2 + H] += dscore;
    for (int k = 0; k < H; k++) {
        grad[L2 + k] += a->h2[k] * dscore;
        dh2[k] = p[L2 + k] * dscore;
        dz2[k] = a->z2[k] > 0 ? dh2[k] : 0;
    }
    for (int j = 0; j < H; j++) {
        grad[L1(j) + H] += dz2[j];
        for (int k = 0; k < H; k++) {
            grad[L1(j) + k] += a->h1[k] * dz2[j];
            dh1[k] += p[L1(j) + k] * dz2[j];
        }
    }
    for (int j = 0; j < H; j++) {
        dz1[j] = a->z1[j] > 0 ? dh1[j] : 0;
        grad[L0(j)] += x[0] * dz1[j];
        grad[L0(j) + 1] += x[1] * dz1[j];
        grad[L0(j) + 2] += dz1[j];
    }
}

double baseline_loss_grad(const double *p, const double *x, const double *y, size_t n,
                          double alpha, double *grad) {
    memset(grad, 0, BASELINE_N_PARAMS * sizeof *grad);
    double data_loss = 0, inv_n = 1.0 / (double)n;
    activations a;
    for (size_t i = 0; i < n; i++) {
        forward(p, x + 2 * i, &a);
        double margin = 1 + -y[i] * a.score;
        if (margin > 0) {
            data_loss += margin;
            backward(p, x + 2 * i, &a, -y[i] * inv_n, grad);
        }
    }
    double reg = 0;
    for (int k = 0; k < BASELINE_N_PARAMS; k++) {
        reg += p[k] * p[k];
        grad[k] += 2 * alpha * p[k];
    }
    return data_loss * inv_n + alpha * reg;
}

double baseline_accuracy(const double *p, const double *x, const double *y, size_t n) {
    activations a;
    size_t right = 0;
    for (size_t i = 0; i < n; i++) {
        forward(p, x + 2 * i, &a);
        right += (y[i] > 0) == (a.score > 0);
    }
    return n ? (double)right / (double)n : 0;
}
