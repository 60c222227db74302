/* test_rng.c -- the PRNG gives the published algorithm's stream, everywhere.
 *
 * The expected words below were computed once, independently of this C
 * code, by a ten-line Python script written from the published description
 * of splitmix64 and xoshiro256** (arbitrary-precision integers masked to 64
 * bits).  Cross-check: splitmix64's first output from seed 0 is
 * 0xe220a8397b1dcdaf, the value its author's reference gives. */
#include "test_util.h"

#include <micrograd.h>

static const struct {
    uint64_t seed;
    uint64_t state[4];   /* after mg_rng_seed: four splitmix64 outputs */
    uint64_t out[6];     /* the first six mg_rng_next results */
} table[] = {
    {0,
     {0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL, 0x06c45d188009454fULL, 0xf88bb8a8724c81ecULL},
     {0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL, 0x6aa594f1262d2d2cULL,
      0xbba5ad4a1f842e59ULL, 0xffef8375d9ebcacaULL}},
    {42,
     {0xbdd732262feb6e95ULL, 0x28efe333b266f103ULL, 0x47526757130f9f52ULL, 0x581ce1ff0e4ae394ULL},
     {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL, 0xecb8ad4703b360a1ULL,
      0xfde6dc7fe2ec5e64ULL, 0xc50da53101795238ULL}},
    {UINT64_MAX,
     {0xe4d971771b652c20ULL, 0xe99ff867dbf682c9ULL, 0x382ff84cb27281e9ULL, 0x6d1db36ccba982d2ULL},
     {0x8f5520d52a7ead08ULL, 0xc476a018caa1802dULL, 0x81de31c0d260469eULL, 0xbf658d7e065f3c2fULL,
      0x913593fda1bca32aULL, 0xbb535e93941ba525ULL}},
};

Test(rng, seeding_and_stream_match_the_table) {
    for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        mg_rng r;
        mg_rng_seed(&r, table[t].seed);
        for (int i = 0; i < 4; i++)
            cr_expect(r.s[i] == table[t].state[i], "seed %llu state[%d] = %016llx",
                      (unsigned long long)table[t].seed, i, (unsigned long long)r.s[i]);
        for (int i = 0; i < 6; i++) {
            uint64_t x = mg_rng_next(&r);
            cr_expect(x == table[t].out[i], "seed %llu output %d = %016llx, expected %016llx",
                      (unsigned long long)table[t].seed, i, (unsigned long long)x,
                      (unsigned long long)table[t].out[i]);
        }
    }
}

/* uniform(lo, hi) = lo + (hi-lo) * (top 53 bits * 2^-53); the same Python
 * script printed these for seed 42 and (-1, 1). */
Test(rng, uniform_is_the_top_53_bits) {
    static const double expect[4] = {-0.8322740578802357, -0.2420394986746628,
                                     0.36008682205627873, 0.8493858906507752};
    mg_rng r;
    mg_rng_seed(&r, 42);
    for (int i = 0; i < 4; i++) {
        double u = mg_rng_uniform(&r, -1.0, 1.0);
        cr_expect(u == expect[i], "uniform %d = %.17g, expected %.17g", i, u, expect[i]);
    }
}

Test(rng, uniform_range_and_moments) {
    mg_rng r;
    mg_rng_seed(&r, 7);
    const int n = 200000;
    double sum = 0, sum2 = 0, lo = 1e9, hi = -1e9;
    for (int i = 0; i < n; i++) {
        double u = mg_rng_uniform(&r, 2.0, 5.0);
        cr_assert(u >= 2.0 && u < 5.0, "uniform out of [2, 5): %.17g", u);
        sum += u;
        sum2 += u * u;
        lo = fmin(lo, u);
        hi = fmax(hi, u);
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    /* uniform on [2,5): mean 3.5, variance 9/12 = 0.75; standard errors of
     * the estimates are ~0.002 and ~0.0015, so 0.01 is 5+ sigma */
    cr_expect(fabs(mean - 3.5) < 0.01, "mean %g", mean);
    cr_expect(fabs(var - 0.75) < 0.01, "variance %g", var);
    cr_expect(lo < 2.001 && hi > 4.999, "range seen [%g, %g]", lo, hi);
}

Test(rng, normal_moments) {
    mg_rng r;
    mg_rng_seed(&r, 2024);
    const int n = 200000;
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    int beyond3 = 0;
    for (int i = 0; i < n; i++) {
        double z = mg_rng_normal(&r);
        cr_assert(isfinite(z));
        s1 += z;
        s2 += z * z;
        s3 += z * z * z;
        s4 += z * z * z * z;
        beyond3 += fabs(z) > 3.0;
    }
    double mean = s1 / n, var = s2 / n - mean * mean;
    cr_expect(fabs(mean) < 0.01, "mean %g", mean);          /* se 0.0022 */
    cr_expect(fabs(var - 1.0) < 0.015, "variance %g", var); /* se 0.0032 */
    cr_expect(fabs(s3 / n) < 0.03, "third moment %g", s3 / n);
    cr_expect(fabs(s4 / n - 3.0) < 0.08, "fourth moment %g", s4 / n);
    /* P(|z| > 3) = 0.0027: 540 expected, sd ~23 */
    cr_expect(beyond3 > 440 && beyond3 < 640, "%d beyond 3 sigma", beyond3);
}

Test(rng, below_is_in_range_and_even) {
    mg_rng r;
    mg_rng_seed(&r, 1);
    int count[6] = {0};
    for (int i = 0; i < 60000; i++) {
        uint64_t k = mg_rng_below(&r, 6);
        cr_assert(k < 6);
        count[k]++;
    }
    for (int k = 0; k < 6; k++)   /* 10000 expected, sd ~91 */
        cr_expect(count[k] > 9500 && count[k] < 10500, "count[%d] = %d", k, count[k]);
    cr_expect(mg_rng_below(&r, 0) == 0);
    cr_expect(mg_rng_below(&r, 1) == 0);
    /* a bound just above 2^63 rejects almost half the draws: still in range */
    uint64_t big = (UINT64_C(1) << 63) + 12345;
    for (int i = 0; i < 1000; i++) cr_assert(mg_rng_below(&r, big) < big);
}

Test(rng, same_seed_same_stream_different_seed_different_stream) {
    mg_rng a, b, c;
    mg_rng_seed(&a, 99);
    mg_rng_seed(&b, 99);
    mg_rng_seed(&c, 100);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = mg_rng_next(&a);
        cr_expect(x == mg_rng_next(&b));
        differ += x != mg_rng_next(&c);
    }
    cr_expect(differ == 100);
}
