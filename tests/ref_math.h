/* ref_math.h -- an independent reference of each op's value and local
 * derivative, written from the math (the rules micrograd.h and src/ops.h
 * promise), never from the engine's code; shared by the random-graph tests
 * (test_tape_skip.c, test_model.c), with the splitmix64 stream they draw their
 * graphs from and the bit-for-bit comparison they judge the engine by.
 *
 * `in` holds the inputs' values in order (sum: x0, x1, ...; neuron: b, w0,
 * x0, w1, x1, ...), `nin` how many; `k` is pow's exponent (ignored by the
 * other ops); `self` is the node's own value, which exp, tanh and sigmoid
 * take their local derivative from (so a stale value is read as it stands).
 */
#ifndef MG_TEST_REF_MATH_H
#define MG_TEST_REF_MATH_H

#include "test_util.h"
#include <micrograd.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------- the stream */

/* splitmix64 */
static inline uint64_t mgt_sm_next(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
/* 0 to n - 1 (n > 0) */
static inline size_t mgt_below(uint64_t *s, size_t n) { return (size_t)(mgt_sm_next(s) % n); }
/* [0, 1) in steps of 2^-53 */
static inline double mgt_unit(uint64_t *s) { return (double)(mgt_sm_next(s) >> 11) * 0x1p-53; }

/* ------------------------------------------------------------ judging */

/* Equal as doubles with the same sign bit (so -0 is not +0), or both NaN. */
static inline int mgt_same_bits(double a, double b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return a == b && !signbit(a) == !signbit(b);
}

/* Assert that the graphs of roots a and b have the same nodes in order, with
 * the same bits in every value and grad; seed and round go in the message. */
static inline void mgt_assert_same_graphs(const mg_value *a, const mg_value *b, unsigned seed,
                                          int round) {
    size_t na, nb;
    mg_value *const *ta = mg_topo(a, &na);
    mg_value *const *tb = mg_topo(b, &nb);
    cr_assert_eq(na, nb, "seed %u round %d: %zu nodes, %zu fresh", seed, round, na, nb);
    for (size_t i = 0; i < na; i++) {
        cr_assert(mgt_same_bits(ta[i]->data, tb[i]->data),
                  "seed %u round %d node %zu (%s): data %a replayed, %a fresh", seed, round, i,
                  mg_op_name(mg_value_op(ta[i])), ta[i]->data, tb[i]->data);
        cr_assert(mgt_same_bits(ta[i]->grad, tb[i]->grad),
                  "seed %u round %d node %zu (%s): grad %a replayed, %a fresh", seed, round, i,
                  mg_op_name(mg_value_op(ta[i])), ta[i]->grad, tb[i]->grad);
    }
}

/* ------------------------------------------------------- the reference */

/* The value of an op node from its inputs' values: sums left to right, the
 * neuron from its bias, sigmoid without overflow, relu keeping -0 and NaN. */
static inline double mgt_ref_value(mg_op op, const double *in, int nin, double k) {
    double a = nin > 0 ? in[0] : 0.0, b = nin > 1 ? in[1] : 0.0;
    switch (op) {
    case MG_OP_ADD: return a + b;
    case MG_OP_SUB: return a - b;
    case MG_OP_MUL: return a * b;
    case MG_OP_DIV: return a / b;
    case MG_OP_NEG: return -a;
    case MG_OP_POW: return pow(a, k);
    case MG_OP_EXP: return exp(a);
    case MG_OP_LOG: return log(a);
    case MG_OP_TANH: return tanh(a);
    case MG_OP_RELU: return a < 0.0 ? 0.0 : a;   /* micrograd: 0 if a < 0 else a */
    case MG_OP_SIGMOID:
        if (a >= 0.0) return 1.0 / (1.0 + exp(-a));
        else {
            double e = exp(a);
            return e / (1.0 + e);
        }
    case MG_OP_SUM: {
        double s = a;
        for (int j = 1; j < nin; j++) s += in[j];
        return s;
    }
    case MG_OP_NEURON: {   /* in = [b, w0, x0, w1, x1, ...] */
        double s = a;
        for (int j = 1; j + 1 < nin; j += 2) s += in[j] * in[j + 1];
        return s;
    }
    default: cr_assert_fail("mgt_ref_value: op %d", (int)op); return NAN;
    }
}

/* d node / d input j (0 <= j < nin) from the inputs' values and the node's
 * own value `self`. */
static inline double mgt_ref_local(mg_op op, const double *in, int nin, double k, double self,
                                   int j) {
    (void)nin;   /* every op has an input 0, and j < nin is the caller's */
    double a = in[0];
    switch (op) {
    case MG_OP_ADD: case MG_OP_SUM: return 1.0;
    case MG_OP_SUB: return j == 0 ? 1.0 : -1.0;
    case MG_OP_MUL: return j == 0 ? in[1] : a;
    case MG_OP_DIV: {
        double b = in[1];
        return j == 0 ? 1.0 / b : -(a / b) / b;
    }
    case MG_OP_NEG: return -1.0;
    case MG_OP_POW: return k == 0.0 ? 0.0 : k * pow(a, k - 1.0);
    case MG_OP_EXP: return self;
    case MG_OP_LOG: return 1.0 / a;
    case MG_OP_TANH: return 1.0 - self * self;
    case MG_OP_RELU: return a > 0.0 ? 1.0 : 0.0;
    case MG_OP_SIGMOID: return self * (1.0 - self);
    case MG_OP_NEURON:   /* d/db = 1; each weight's partner: d/dwj = xj, d/dxj = wj */
        if (j == 0) return 1.0;
        return j % 2 ? in[j + 1] : in[j - 1];
    default: cr_assert_fail("mgt_ref_local: op %d", (int)op); return NAN;
    }
}

#endif
