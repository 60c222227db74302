/* dense.c -- an MLP's layers on a block of rows (see dense.h).
 *
 * All three products a layer needs are one loop here, ordered_product:
 *     C[r][c] += P[r][0]*Q[0][c] + P[r][1]*Q[1][c] + ...   (term by term)
 *   forward        Z = B + A_prev W^T   (C starts as the biases; t runs over inputs)
 *   weight grads   G += A_prev^T dZ     (C is the grads; t runs over rows, in order)
 *   input grads    dA_prev = dZ W       (C starts at 0; t runs over neurons, last first)
 * Each C[r][c] gets its terms one at a time in the order the graph's
 * backward gives them, so the result is the graph's to the bit; the speed
 * comes from computing a tile of 4 x 8 of them side by side, with the
 * eight of a row in two vectors of four doubles (GCC/Clang vector types: on
 * x86-64 with AVX2 one instruction each, elsewhere what the target has).
 * Multiplies and adds stay separate (no fused multiply-add): the graph
 * rounds after each. */
#include "fast/dense.h"

#include <stdlib.h>
#include <string.h>

struct mg__dense {
    size_t n_in, n_layers, width, n_out;
    size_t *fan_in, *size;
    mg_activation *act;
    double **wt;        /* [fan_in][size]: forward reads a row of weights per input */
    double **w;         /* [size][fan_in]: input grads read a row per neuron */
    double **b;         /* [size] */
    double **gt, **gb;  /* the grads of wt and b, same layout */
    double **z, **a;    /* a block's pre-activations and outputs [rows][size] */
    double *dz, *da;    /* a layer's grads during backward [rows][width] */
    double *out_grad;   /* [rows][n_out], written by the caller */
    void (*product)(double *, size_t, const double *, ptrdiff_t, ptrdiff_t, const double *,
                    ptrdiff_t, size_t, size_t, size_t);
};

/* ------------------------------------------------------------- the loop */

#if defined(__GNUC__) || defined(__clang__)
typedef double v4d __attribute__((vector_size(32)));
#define INLINE static inline __attribute__((always_inline))

/* macros, not functions: a function returning a vector would have a
 * different ABI with and without AVX (GCC warns), inlined or not */
#define LOAD4(v, p) memcpy(&(v), (p), sizeof(v4d))
#define STORE4(p, v) memcpy((p), &(v), sizeof(v4d))
#define SPLAT(x) ((v4d){(x), (x), (x), (x)})

/* C[r..r+4)[c..c+8) over all t: eight vectors of sums in registers */
INLINE void tile4x8(double *c, size_t ldc, const double *p, ptrdiff_t prs, ptrdiff_t pts,
                    const double *q, ptrdiff_t qts, size_t k) {
    double *c0 = c, *c1 = c + ldc, *c2 = c + 2 * ldc, *c3 = c + 3 * ldc;
    v4d s00, s01, s10, s11, s20, s21, s30, s31, q0, q1;
    LOAD4(s00, c0), LOAD4(s01, c0 + 4), LOAD4(s10, c1), LOAD4(s11, c1 + 4);
    LOAD4(s20, c2), LOAD4(s21, c2 + 4), LOAD4(s30, c3), LOAD4(s31, c3 + 4);
    for (size_t t = 0; t < k; t++, p += pts, q += qts) {
        LOAD4(q0, q), LOAD4(q1, q + 4);
        const v4d p0 = SPLAT(p[0]), p1 = SPLAT(p[prs]), p2 = SPLAT(p[2 * prs]),
                  p3 = SPLAT(p[3 * prs]);
        s00 = s00 + q0 * p0;
        s01 = s01 + q1 * p0;
        s10 = s10 + q0 * p1;
        s11 = s11 + q1 * p1;
        s20 = s20 + q0 * p2;
        s21 = s21 + q1 * p2;
        s30 = s30 + q0 * p3;
        s31 = s31 + q1 * p3;
    }
    STORE4(c0, s00), STORE4(c0 + 4, s01), STORE4(c1, s10), STORE4(c1 + 4, s11);
    STORE4(c2, s20), STORE4(c2 + 4, s21), STORE4(c3, s30), STORE4(c3 + 4, s31);
}

/* C[r][c..c+8) over all t */
INLINE void tile1x8(double *c, const double *p, ptrdiff_t pts, const double *q, ptrdiff_t qts,
                    size_t k) {
    v4d s0, s1, q0, q1;
    LOAD4(s0, c), LOAD4(s1, c + 4);
    for (size_t t = 0; t < k; t++, p += pts, q += qts) {
        const v4d pt = SPLAT(*p);
        LOAD4(q0, q), LOAD4(q1, q + 4);
        s0 = s0 + q0 * pt;
        s1 = s1 + q1 * pt;
    }
    STORE4(c, s0), STORE4(c + 4, s1);
}
#else
#define INLINE static inline
#endif

/* One C[r][c] over all t, plainly. */
INLINE void one(double *c, const double *p, ptrdiff_t pts, const double *q, ptrdiff_t qts,
                size_t k) {
    double s = *c;
    for (size_t t = 0; t < k; t++, p += pts, q += qts) s += *q * *p;
    *c = s;
}

/* C (R x M, rows ldc apart) += P Q over t = 0 .. K-1 in order, where P[r][t]
 * is p[r*prs + t*pts] and row t of Q (M contiguous doubles) starts at
 * q + t*qts.  Negative strides walk t backwards. */
INLINE void product_part(double *c, size_t ldc, const double *p, ptrdiff_t prs, ptrdiff_t pts,
                         const double *q, ptrdiff_t qts, size_t R, size_t M, size_t K) {
    size_t r = 0;
#if defined(__GNUC__) || defined(__clang__)
    for (; r + 4 <= R; r += 4) {
        const double *pr = p + (ptrdiff_t)r * prs;
        size_t col = 0;
        for (; col + 8 <= M; col += 8) tile4x8(c + r * ldc + col, ldc, pr, prs, pts, q + col, qts, K);
        for (; col < M; col++)
            for (size_t i = 0; i < 4; i++) one(c + (r + i) * ldc + col, pr + (ptrdiff_t)i * prs, pts, q + col, qts, K);
    }
#endif
    for (; r < R; r++) {
        const double *pr = p + (ptrdiff_t)r * prs;
        size_t col = 0;
#if defined(__GNUC__) || defined(__clang__)
        for (; col + 8 <= M; col += 8) tile1x8(c + r * ldc + col, pr, pts, q + col, qts, K);
#endif
        for (; col < M; col++) one(c + r * ldc + col, pr, pts, q + col, qts, K);
    }
}

/* The terms in stretches of 64 t's, each over the whole of C: C's sums
 * stay in order (a stretch continues where the last one stopped), and the
 * rows of Q a stretch reads stay in the first-level cache while every tile
 * of C uses them (measured: 10% faster than one pass for MNIST's 784
 * inputs). */
#define STRETCH 64
INLINE void product_body(double *c, size_t ldc, const double *p, ptrdiff_t prs, ptrdiff_t pts,
                         const double *q, ptrdiff_t qts, size_t R, size_t M, size_t K) {
    for (size_t k0 = 0; k0 < K; k0 += STRETCH)
        product_part(c, ldc, p + (ptrdiff_t)k0 * pts, prs, pts, q + (ptrdiff_t)k0 * qts, qts, R, M,
                     K - k0 < STRETCH ? K - k0 : STRETCH);
}

static void product_plain(double *c, size_t ldc, const double *p, ptrdiff_t prs, ptrdiff_t pts,
                          const double *q, ptrdiff_t qts, size_t R, size_t M, size_t K) {
    product_body(c, ldc, p, prs, pts, q, qts, R, M, K);
}

/* The same loop compiled for AVX2 (without FMA), picked at run time when
 * the CPU has it: the default build must run on any x86-64. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_CLONE 1
__attribute__((target("avx2"))) static void product_avx2(double *c, size_t ldc, const double *p,
                                                         ptrdiff_t prs, ptrdiff_t pts,
                                                         const double *q, ptrdiff_t qts,
                                                         size_t R, size_t M, size_t K) {
    product_body(c, ldc, p, prs, pts, q, qts, R, M, K);
}
#endif

/* ------------------------------------------------------------ the object */

void mg__dense_free(mg__dense *d) {
    if (!d) return;
    for (size_t l = 0; d->wt && l < d->n_layers; l++) {
        free(d->wt[l]), free(d->w[l]), free(d->b[l]), free(d->gt[l]), free(d->gb[l]);
        free(d->z[l]);
        if (d->a[l] != d->z[l]) free(d->a[l]);
    }
    free(d->wt), free(d->w), free(d->b), free(d->gt), free(d->gb), free(d->z), free(d->a);
    free(d->fan_in), free(d->size), free(d->act);
    free(d->dz), free(d->da), free(d->out_grad);
    free(d);
}

static double *doubles(size_t n) { return malloc((n ? n : 1) * sizeof(double)); }

mg__dense *mg__dense_new(size_t n_in, size_t n_layers, const size_t *sizes,
                         const mg_activation *acts) {
    mg__dense *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->n_in = n_in;
    d->n_layers = n_layers;
    d->fan_in = malloc(n_layers * sizeof *d->fan_in);
    d->size = malloc(n_layers * sizeof *d->size);
    d->act = malloc(n_layers * sizeof *d->act);
    const size_t np = n_layers * sizeof(double *);
    d->wt = calloc(1, np), d->w = calloc(1, np), d->b = calloc(1, np);
    d->gt = calloc(1, np), d->gb = calloc(1, np), d->z = calloc(1, np), d->a = calloc(1, np);
    if (!d->fan_in || !d->size || !d->act || !d->wt || !d->w || !d->b || !d->gt || !d->gb ||
        !d->z || !d->a)
        goto oom;
    size_t fan_in = n_in;
    for (size_t l = 0; l < n_layers; l++) {
        const size_t m = sizes[l];
        d->fan_in[l] = fan_in;
        d->size[l] = m;
        d->act[l] = acts ? acts[l] : MG_ACT_TANH;
        d->wt[l] = doubles(fan_in * m), d->w[l] = doubles(fan_in * m), d->b[l] = doubles(m);
        d->gt[l] = doubles(fan_in * m), d->gb[l] = doubles(m);
        d->z[l] = doubles(MG__DENSE_BLOCK * m);
        d->a[l] = d->act[l] == MG_ACT_LINEAR ? d->z[l] : doubles(MG__DENSE_BLOCK * m);
        if (!d->wt[l] || !d->w[l] || !d->b[l] || !d->gt[l] || !d->gb[l] || !d->z[l] || !d->a[l])
            goto oom;
        if (m > d->width) d->width = m;
        fan_in = m;
    }
    d->n_out = fan_in;
    d->dz = doubles(MG__DENSE_BLOCK * d->width);
    d->da = doubles(MG__DENSE_BLOCK * d->width);
    d->out_grad = doubles(MG__DENSE_BLOCK * d->n_out);
    if (!d->dz || !d->da || !d->out_grad) goto oom;
    d->product = product_plain;
#ifdef HAVE_AVX2_CLONE
    if (__builtin_cpu_supports("avx2")) d->product = product_avx2;
#endif
    return d;
oom:
    mg__dense_free(d);
    return NULL;
}

void mg__dense_use_plain(mg__dense *d) { d->product = product_plain; }

void mg__dense_load(mg__dense *d, mg_value *const *params, int grads) {
    for (size_t l = 0; l < d->n_layers; l++) {
        const size_t n = d->fan_in[l], m = d->size[l];
        for (size_t j = 0; j < m; j++, params += n + 1) {
            for (size_t i = 0; i < n; i++) {
                d->wt[l][i * m + j] = d->w[l][j * n + i] = params[i]->data;
                if (grads) d->gt[l][i * m + j] = params[i]->grad;
            }
            d->b[l][j] = params[n]->data;
            if (grads) d->gb[l][j] = params[n]->grad;
        }
    }
}

void mg__dense_store_grads(const mg__dense *d, mg_value *const *params) {
    for (size_t l = 0; l < d->n_layers; l++) {
        const size_t n = d->fan_in[l], m = d->size[l];
        for (size_t j = 0; j < m; j++, params += n + 1) {
            for (size_t i = 0; i < n; i++) params[i]->grad = d->gt[l][i * m + j];
            params[n]->grad = d->gb[l][j];
        }
    }
}

/* -------------------------------------------------------------- forward */

/* The activation of a whole block, by the op table's own forward. */
static void activate(mg_activation act, const double *z, double *a, size_t count) {
    switch (act) {
    case MG_ACT_RELU:
        for (size_t k = 0; k < count; k++) a[k] = z[k] < 0.0 ? 0.0 : z[k];
        break;
    case MG_ACT_SIGMOID:
        for (size_t k = 0; k < count; k++) a[k] = mg__sigmoid(z[k]);
        break;
    case MG_ACT_TANH:
        for (size_t k = 0; k < count; k++) a[k] = tanh(z[k]);
        break;
    case MG_ACT_LINEAR: break;   /* a is z */
    }
}

const double *mg__dense_forward(mg__dense *d, const double *x, size_t rows) {
    const double *in = x;
    size_t ld_in = d->n_in;
    for (size_t l = 0; l < d->n_layers; l++) {
        const size_t n = d->fan_in[l], m = d->size[l];
        double *z = d->z[l];
        for (size_t r = 0; r < rows; r++) memcpy(z + r * m, d->b[l], m * sizeof *z);
        /* z[r][j] = b[j] + in[r][0]*w[j][0] + in[r][1]*w[j][1] + ... */
        d->product(z, m, in, (ptrdiff_t)ld_in, 1, d->wt[l], (ptrdiff_t)m, rows, m, n);
        activate(d->act[l], z, d->a[l], rows * m);
        in = d->a[l];
        ld_in = m;
    }
    return in;
}

/* ------------------------------------------------------------- backward */

double *mg__dense_out_grad(mg__dense *d) { return d->out_grad; }

/* dz = d(out)/d(net) * da for a block, as the graph's activation node
 * passes it on: its neuron's grad starts at 0 and gets that one term. */
static void activation_grad(mg_activation act, const double *z, const double *a,
                            const double *da, double *dz, size_t count) {
    switch (act) {
    case MG_ACT_RELU:   /* local_grad_RELU: 1 where the input is > 0 */
        for (size_t k = 0; k < count; k++) dz[k] = 0.0 + (z[k] > 0.0 ? 1.0 : 0.0) * da[k];
        break;
    case MG_ACT_SIGMOID:   /* s (1 - s) */
        for (size_t k = 0; k < count; k++) dz[k] = 0.0 + a[k] * (1.0 - a[k]) * da[k];
        break;
    case MG_ACT_TANH:   /* 1 - t^2 */
        for (size_t k = 0; k < count; k++) dz[k] = 0.0 + (1.0 - a[k] * a[k]) * da[k];
        break;
    case MG_ACT_LINEAR:   /* no node between: the neuron's grad is da */
        memcpy(dz, da, count * sizeof *dz);
        break;
    }
}

void mg__dense_backward(mg__dense *d, const double *x, size_t rows) {
    const double *da = d->out_grad;
    for (size_t l = d->n_layers; l-- > 0;) {
        const size_t n = d->fan_in[l], m = d->size[l];
        const double *in = l ? d->a[l - 1] : x;
        const size_t ld_in = l ? n : d->n_in;
        double *dz = d->dz;
        activation_grad(d->act[l], d->z[l], d->a[l], da, dz, rows * m);
        /* the bias and weight grads get one term per row, row after row */
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < m; j++) d->gb[l][j] += 1.0 * dz[r * m + j];
        d->product(d->gt[l], m, in, 1, (ptrdiff_t)ld_in, dz, (ptrdiff_t)m, n, m, rows);
        if (l == 0) break;   /* the inputs' grads are nobody's */
        /* da[r][i] = 0 + w[m-1][i]*dz[r][m-1] + ... + w[0][i]*dz[r][0]: the
         * graph's backward meets the next layer's neurons last first */
        double *da_prev = d->da;
        memset(da_prev, 0, rows * n * sizeof *da_prev);
        d->product(da_prev, n, dz + (m - 1), (ptrdiff_t)m, -1, d->w[l] + (m - 1) * n,
                   -(ptrdiff_t)n, rows, n, m);
        da = da_prev;
    }
}
