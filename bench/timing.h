/* timing.h -- what the benchmarks time with: a monotonic clock in seconds
 * and the median of a set of runs.  The including file defines
 * _POSIX_C_SOURCE (for clock_gettime) before any include. */
#ifndef MG_BENCH_TIMING_H
#define MG_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

static inline double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static inline int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of xs[0..n) (n > 0); sorts xs. */
static inline double median(double *xs, int n) {
    qsort(xs, (size_t)n, sizeof *xs, cmp_double);
    return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

#endif
