/* The analog core's arithmetic: e^-x over arrays (vectorised, the same bits as exp_neg) and the
 * Gaussian draws of the fixed pattern. */
#include <math.h>

#include "analog_internal.h"

/* 2^(-j/64), j = 0..63, correctly rounded. */
const double bss2_cm_exp2_neg64[64] = {
    0x1.0000000000000p+0, 0x1.fa7c1819e90d8p-1, 0x1.f50765b6e4540p-1, 0x1.efa1bee615a27p-1,
    0x1.ea4afa2a490dap-1, 0x1.e502ee78b3ff6p-1, 0x1.dfc97337b9b5fp-1, 0x1.da9e603db3285p-1,
    0x1.d5818dcfba487p-1, 0x1.d072d4a07897cp-1, 0x1.cb720dcef9069p-1, 0x1.c67f12e57d14bp-1,
    0x1.c199bdd85529cp-1, 0x1.bcc1e904bc1d2p-1, 0x1.b7f76f2fb5e47p-1, 0x1.b33a2b84f15fbp-1,
    0x1.ae89f995ad3adp-1, 0x1.a9e6b5579fdbfp-1, 0x1.a5503b23e255dp-1, 0x1.a0c667b5de565p-1,
    0x1.9c49182a3f090p-1, 0x1.97d829fde4e50p-1, 0x1.93737b0cdc5e5p-1, 0x1.8f1ae99157736p-1,
    0x1.8ace5422aa0dbp-1, 0x1.868d99b4492edp-1, 0x1.82589994cce13p-1, 0x1.7e2f336cf4e62p-1,
    0x1.7a11473eb0187p-1, 0x1.75feb564267c9p-1, 0x1.71f75e8ec5f74p-1, 0x1.6dfb23c651a2fp-1,
    0x1.6a09e667f3bcdp-1, 0x1.6623882552225p-1, 0x1.6247eb03a5585p-1, 0x1.5e76f15ad2148p-1,
    0x1.5ab07dd485429p-1, 0x1.56f4736b527dap-1, 0x1.5342b569d4f82p-1, 0x1.4f9b2769d2ca7p-1,
    0x1.4bfdad5362a27p-1, 0x1.486a2b5c13cd0p-1, 0x1.44e086061892dp-1, 0x1.4160a21f72e2ap-1,
    0x1.3dea64c123422p-1, 0x1.3a7db34e59ff7p-1, 0x1.371a7373aa9cbp-1, 0x1.33c08b26416ffp-1,
    0x1.306fe0a31b715p-1, 0x1.2d285a6e4030bp-1, 0x1.29e9df51fdee1p-1, 0x1.26b4565e27cddp-1,
    0x1.2387a6e756238p-1, 0x1.2063b88628cd6p-1, 0x1.1d4873168b9aap-1, 0x1.1a35beb6fcb75p-1,
    0x1.172b83c7d517bp-1, 0x1.1429aaea92de0p-1, 0x1.11301d0125b51p-1, 0x1.0e3ec32d3d1a2p-1,
    0x1.0b5586cf9890fp-1, 0x1.0874518759bc8p-1, 0x1.059b0d3158574p-1, 0x1.02c9a3e778061p-1,
};

/* The Gaussian of the fixed pattern, truncated at ±MM_TRUNCATE. */
double bss2_cm_gauss(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t h = mix64(seed ^ mix64(stream * UINT64_C(0x9E3779B97F4A7C15) + index));
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53; /* (0, 1] */
    double u2 = (double)(mix64(h) >> 11) * 0x1.0p-53;
    double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    return fmax(-BSS2_AN_MM_TRUNCATE, fmin(BSS2_AN_MM_TRUNCATE, z));
}

/* exp_neg over f[0 .. n), in place, four at a time (GCC/Clang vector extensions: the same
 * operations as exp_neg lane by lane, so the same bits, -ffp-contract=off keeping multiplies and
 * adds apart). On x86-64 Linux a second version for AVX2 is picked at load time where the CPU has
 * it (four lanes in one register instead of two): the same bits again, in half the time. */
typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4i __attribute__((vector_size(32)));

#if defined(__x86_64__) && defined(__linux__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef CLONES
#define CLONES
#endif

CLONES static void exp_neg_array(double *f, unsigned n) {
    const v4d lim = {700.0, 700.0, 700.0, 700.0};
    const v4d magic = {0x1.8p52, 0x1.8p52, 0x1.8p52, 0x1.8p52};
    unsigned j = 0;
    for (; j + 4u <= n; j += 4u) {
        v4d x;
        memcpy(&x, f + j, sizeof x);
        v4i below = x < lim;
        x = (v4d)(((v4i)x & below) | ((v4i)lim & ~below));
        x = (v4d)((v4i)x & (x > 0.0)); /* (as exp_neg: max(min(x, 700), 0)) */
        v4d t = x * (64.0 / 0.6931471805599453) + magic;
        v4d m = t - magic;
        v4d r = x - m * (0.6931471805599453 / 64.0);
        v4d q = 1.0 - r * (1.0 - r * (0.5 - r * (1.0 / 6.0 - r * (1.0 / 24.0))));
        v4i mi = (v4i)t & 0xFFFFF;
        v4i scale = (1023 - (mi >> 6)) << 52;
        const double *e = bss2_cm_exp2_neg64;
        v4d table = {e[mi[0] & 63], e[mi[1] & 63], e[mi[2] & 63], e[mi[3] & 63]};
        v4d y = q * table * (v4d)scale;
        memcpy(f + j, &y, sizeof y);
    }
    for (; j < n; j++) {
        f[j] = exp_neg(f[j]);
    }
}

/* (The clones stay static: clang resolves a target_clones function of another translation unit
 * only in its own, so the others call this.) */
void bss2_cm_exp_neg_array(double *f, unsigned n) { exp_neg_array(f, n); }
