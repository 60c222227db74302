/* rng.c -- a small seeded PRNG that gives the same numbers everywhere.
 *
 * The generator is xoshiro256** (Blackman and Vigna, 2018): 256 bits of
 * state, period 2^256 - 1, and only 64-bit shifts, rotations, xors and
 * multiplications modulo 2^64, so every C11 compiler on every platform
 * produces the same stream.  Its four state words are filled by splitmix64,
 * which turns any 64-bit seed (0 included) into a well-mixed state that is
 * never all zeros.  Doubles come from the top 53 bits, so they too are
 * exact and identical everywhere; only mg_rng_normal goes through libm
 * (sqrt and log). */
#include "core/core.h"

#include <math.h>

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* splitmix64: step the counter by the golden-ratio constant, then scramble
 * it with two xor-shift-multiply rounds. */
static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void mg_rng_seed(mg_rng *r, uint64_t seed) {
    if (!r) return;
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

uint64_t mg_rng_next(mg_rng *r) {
    uint64_t *s = r->s;
    /* the "**" scrambler: rotate-and-multiply the second word */
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* [0, 1) in steps of 2^-53: every value is an exact double. */
static double unit(mg_rng *r) { return (double)(mg_rng_next(r) >> 11) * 0x1.0p-53; }

double mg_rng_uniform(mg_rng *r, double lo, double hi) {
    double x = lo + (hi - lo) * unit(r);
    /* lo + (hi-lo)*u can round up to hi for some lo, hi: keep [lo, hi) */
    return x < hi ? x : lo;
}

/* Marsaglia's polar method: a point uniform in the unit disc (rejecting the
 * corners of the square and the centre) gives a normal deviate.  The second
 * deviate it could give is dropped, so the state stays four words. */
double mg_rng_normal(mg_rng *r) {
    for (;;) {
        double u = 2.0 * unit(r) - 1.0, v = 2.0 * unit(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * sqrt(-2.0 * log(s) / s);
    }
}

/* Rejection on the low end: 2^64 mod n values would make the smallest
 * residues more likely, so draws below that threshold are redrawn (fewer
 * than one in two on average, usually none). */
uint64_t mg_rng_below(mg_rng *r, uint64_t n) {
    if (n == 0) return 0;
    uint64_t threshold = (0 - n) % n;   /* = 2^64 mod n */
    for (;;) {
        uint64_t x = mg_rng_next(r);
        if (x >= threshold) return x % n;
    }
}
