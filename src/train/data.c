/* data.c -- data sets: the container, generated sets (two moons, noisy XOR),
 * shuffling, slices and mini-batches, accuracy, and leaves for a graph.
 * Reading files (CSV, IDX) is in data_io.c. */
#include "core/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* numpy.pi, the double nearest pi (M_PI is POSIX, not C11) */
#define MG_PI 3.14159265358979323846

mg_dataset *mg_dataset_new(size_t n_rows, size_t n_features) {
    if (n_rows >= SIZE_MAX / sizeof(double) ||
        (n_features && n_rows > (SIZE_MAX / sizeof(double) - 1) / n_features))
        return NULL;
    mg_dataset *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->n_rows = n_rows;
    d->n_features = n_features;
    /* +1: a data set of 0 rows still gets non-NULL arrays */
    d->x = calloc(n_rows * n_features + 1, sizeof *d->x);
    d->y = calloc(n_rows + 1, sizeof *d->y);
    if (!d->x || !d->y) {
        mg_dataset_free(d);
        return NULL;
    }
    return d;
}

void mg_dataset_free(mg_dataset *d) {
    if (!d) return;
    free(d->x);
    free(d->y);
    free(d);
}

const double *mg_dataset_row(const mg_dataset *d, size_t i) {
    return d && i < d->n_rows ? d->x + i * d->n_features : NULL;
}

/* numpy.linspace(0, pi, n)[i]: i * (pi / (n - 1)), with the last point
 * exactly pi (numpy writes the endpoint in), and 0 when n is 1. */
static double linspace_pi(size_t i, size_t n) {
    if (n < 2) return 0.0;
    if (i == n - 1) return MG_PI;
    return (double)i * (MG_PI / (double)(n - 1));
}

mg_dataset *mg_make_moons(size_t n, double noise, mg_rng *rng) {
    /* a spread must be a number >= 0: NaN would otherwise read as none */
    if (!(noise >= 0.0 && noise < HUGE_VAL) || (noise > 0.0 && !rng)) return NULL;
    mg_dataset *d = mg_dataset_new(n, 2);
    if (!d) return NULL;
    size_t n_out = n / 2, n_in = n - n_out;
    for (size_t i = 0; i < n_out; i++) {
        double t = linspace_pi(i, n_out);
        d->x[2 * i] = cos(t);
        d->x[2 * i + 1] = sin(t);
        d->y[i] = 0.0;
    }
    for (size_t i = 0; i < n_in; i++) {
        double t = linspace_pi(i, n_in);
        size_t r = n_out + i;
        d->x[2 * r] = 1.0 - cos(t);
        d->x[2 * r + 1] = 1.0 - sin(t) - 0.5; /* sklearn's grouping */
        d->y[r] = 1.0;
    }
    if (noise > 0.0)
        for (size_t k = 0; k < 2 * n; k++) d->x[k] += noise * mg_rng_normal(rng);
    return d;
}

mg_dataset *mg_make_xor(size_t n, mg_rng *rng) {
    if (!rng) return NULL;
    mg_dataset *d = mg_dataset_new(n, 2);
    if (!d) return NULL;
    for (size_t i = 0; i < n; i++) {
        double x0 = mg_rng_normal(rng), x1 = mg_rng_normal(rng);
        d->x[2 * i] = x0;
        d->x[2 * i + 1] = x1;
        d->y[i] = (x0 > 0.0) != (x1 > 0.0) ? 1.0 : 0.0;
    }
    return d;
}

static void swap_rows(mg_dataset *d, size_t a, size_t b) {
    double *xa = d->x + a * d->n_features, *xb = d->x + b * d->n_features;
    for (size_t j = 0; j < d->n_features; j++) {
        double t = xa[j];
        xa[j] = xb[j];
        xb[j] = t;
    }
    double t = d->y[a];
    d->y[a] = d->y[b];
    d->y[b] = t;
}

void mg_dataset_shuffle(mg_dataset *d, mg_rng *rng) {
    if (!d || !rng) return;
    for (size_t i = d->n_rows; i > 1; i--) swap_rows(d, i - 1, (size_t)mg_rng_below(rng, i));
}

mg_dataset *mg_dataset_slice(const mg_dataset *d, size_t first, size_t n) {
    if (!d || first > d->n_rows || n > d->n_rows - first) return NULL;
    mg_dataset *s = mg_dataset_new(n, d->n_features);
    if (!s) return NULL;
    if (n) {
        memcpy(s->x, d->x + first * d->n_features, n * d->n_features * sizeof *s->x);
        memcpy(s->y, d->y + first, n * sizeof *s->y);
    }
    return s;
}

int mg_dataset_split(const mg_dataset *d, double train_frac, mg_dataset **train,
                     mg_dataset **test) {
    if (!train || !test) return -1;
    *train = *test = NULL;
    if (!d || !(train_frac >= 0.0 && train_frac <= 1.0)) return -1;
    size_t n_train = (size_t)(train_frac * (double)d->n_rows);
    if (n_train > d->n_rows) n_train = d->n_rows;
    *train = mg_dataset_slice(d, 0, n_train);
    *test = mg_dataset_slice(d, n_train, d->n_rows - n_train);
    if (*train && *test) return 0;
    mg_dataset_free(*train);
    mg_dataset_free(*test);
    *train = *test = NULL;
    return -1;
}

size_t mg_dataset_batch(const mg_dataset *d, size_t b, size_t size, const double **x,
                        const double **y) {
    /* the number of batches, rounded up without n_rows + size - 1 (which
     * wraps for a size near SIZE_MAX) */
    if (!d || size == 0 || b >= d->n_rows / size + (d->n_rows % size != 0)) return 0;
    size_t first = b * size, n = d->n_rows - first < size ? d->n_rows - first : size;
    if (x) *x = d->x + first * d->n_features;
    if (y) *y = d->y + first;
    return n;
}

double mg_accuracy(const double *pred, const double *target, size_t n, double threshold) {
    if (!pred || !target || n == 0) return 0.0;
    size_t right = 0;
    if (isnan(threshold)) return NAN;
    for (size_t i = 0; i < n; i++) {
        /* a NaN would count as "not above": a plausible share from a run
         * that diverged */
        if (isnan(pred[i]) || isnan(target[i])) return NAN;
        right += (pred[i] > threshold) == (target[i] > threshold);
    }
    return (double)right / (double)n;
}

int mg_leaves(mg_graph *g, const double *data, size_t n, mg_value **out) {
    if (!g) return -1;
    if (!data || !out) {
        mg__error(g, "mg_leaves: the data or output array is NULL",
                  "mg_leaves: el arreglo de datos o de salida es NULL");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (!(out[i] = mg_leaf(g, data[i], NULL))) return -1;
    return 0;
}

void mg_leaves_set(mg_value *const *v, const double *data, size_t n) {
    if (!v || !data) return;
    for (size_t i = 0; i < n; i++)   /* a dropped leaf's slot may be a newer node's */
        if (v[i] && !mg__refuse_dropped("mg_leaves_set", v[i], i, n)) v[i]->data = data[i];
}
