/* What the analog core's files share (neuron.c, neuron_params.c, analog_math.c, readout.c,
 * stp_correlation.c): small inline helpers, the exponential, the random draws. Private to them. */
#ifndef BSS2_ANALOG_INTERNAL_H
#define BSS2_ANALOG_INTERNAL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "analog.h"
#include "chip_internal.h"
#include "field_map.inc"

#define FIELD BSS2_FM_FIELD
#define WFIELD(w, NAME) FIELD((w)[BSS2_FM_##NAME##_WORD], NAME)
#define US_PER_CYCLE 0.008 /* 125 MHz */

/* max/min for the hot paths (libm's fmax/fmin are calls: they order NaNs; no NaN gets here, the
 * parameters being finite) */
static inline double max2(double a, double b) { return a > b ? a : b; }
static inline double min2(double a, double b) { return a < b ? a : b; }

/* The per-neuron mismatch draws (indices into bss2_cm_analog.mm). */
enum { MM_SF, MM_RESET, MM_COMPARATOR, MM_G_LEAK, MM_G_RESET, MM_C, MM_TAU_EXC, MM_TAU_INH,
       MM_GM_EXC, MM_GM_INH, MM_V_EXP, MM_DELTA_T, MM_TAU_W, MM_A, MM_B };
_Static_assert(MM_B + 1 == BSS2_CM_MM_PER_NEURON, "mismatch draws");

/* ---- random draws: a counter-based hash of (seed, stream, index) -------------------------- */

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}


/* A standard normal draw truncated at ±MM_TRUNCATE (Box-Muller on two hashed uniforms). */
double bss2_cm_gauss(uint64_t seed, uint64_t stream, uint64_t index);

/* A temporal noise draw (readout.c), mean 0 and variance 1, from the chip's noise counter. */
double bss2_cm_noise(bss2_chip *c);

/* ---- the exponential ---------------------------------------------------------------------- */

/* 2^(-j/64), j = 0..63, correctly rounded (analog_math.c). */
extern const double bss2_cm_exp2_neg64[64];

/* e^(-x) for x >= 0, to 2e-13 relative: e^(-x) = 2^(-m/64) e^(-r) with m = round(64 x / ln 2)
 * (rounded by adding 1.5 2^52, which leaves m in the low bits), |r| <= ln(2)/128, a degree-4
 * Taylor polynomial for e^(-r) and the table; x is held within [0, 700]. Plain arithmetic without
 * branches, so the same on every platform (libm's exp may differ in the last bit between
 * versions), several times faster than a libm call, and pipelined by the batched input path. */
static inline double exp_neg(double x) {
    x = max2(min2(x, 700.0), 0.0); /* (x < 0, never asked for, gives 1; NaN gives e^-700) */
    union {
        double d;
        uint64_t u;
    } t = {.d = x * (64.0 / 0.6931471805599453) + 0x1.8p52}, scale;
    double m = t.d - 0x1.8p52;
    double r = x - m * (0.6931471805599453 / 64.0);
    double q = 1.0 - r * (1.0 - r * (0.5 - r * (1.0 / 6.0 - r * (1.0 / 24.0))));
    uint64_t mi = t.u & 0xFFFFFu; /* m < 2^16 */
    scale.u = (uint64_t)(1023u - (mi >> 6)) << 52; /* 2^-(m / 64), m / 64 <= 1010 */
    return q * bss2_cm_exp2_neg64[mi & 63u] * scale.d;
}

/* exp_neg over f[0, n), in place (analog_math.c: the same bits, vectorised). */
void bss2_cm_exp_neg_array(double *f, unsigned n);

/* c e^(-s rate), without the exponential when c is 0 (a neuron at rest, an idle input). */
static inline double decay(double c, double s, double rate) {
    return c == 0.0 ? 0.0 : c * exp_neg(s * rate);
}

/* ---- the closed form ---------------------------------------------------------------------- */

static inline double elapsed(const bss2_cm_an_neuron *x, uint64_t t) {
    return (double)(int64_t)(t - x->t0) * US_PER_CYCLE;
}


static inline double membrane_at(const bss2_cm_an_neuron *x, double s) {
    return x->e_eff + decay(x->a, s, x->rate) + decay(x->ke, s, x->rate_exc) +
           decay(x->ki, s, x->rate_inh);
}


/* A transfer curve A · code^-K (codes below 1 count as 1). */
static inline double power_law(double a, double k, unsigned code) {
    return a * pow(code ? code : 1u, -k);
}

/* ---- registers ---------------------------------------------------------------------------- */

static inline uint32_t reg(const bss2_chip *c, uint32_t address) {
    return bss2_cm_regmap_get(&c->chip_regs, address, 0);
}

static inline unsigned cell(const bss2_chip *c, unsigned block, unsigned offset) {
    unsigned code = reg(c, bss2_fm_capmem_base[block] + offset) & 0x3FFu;
    return code == 1023u ? 0u : code; /* a cell without refresh drifts to 0 */
}


/* The parameters of neuron n into *x, from its registers (all 0 if `cleared`): neuron_params.c. */
void bss2_cm_analog_derive(const bss2_chip *c, unsigned n, bss2_cm_an_neuron *x, int cleared);

/* A stepped neuron (adex.c): its state to cycle t (the adaptation current along the step's
 * closed form); its coefficients in phase p (gated: inputs and exponential off) with the AdEx
 * terms frozen at the next step's middle, and that step's length (bss2_cm_an_neuron.step). */
void bss2_cm_adex_step(bss2_cm_an_neuron *x, uint64_t t);
void bss2_cm_adex_coefficients(bss2_cm_an_neuron *x, int p, int gated);

#endif /* BSS2_ANALOG_INTERNAL_H */
