/* The analog neurons: leaky integrate-and-fire membranes with exponential current-based synaptic
 * inputs, driven by their CapMem cells and NeuronConfig, firing into the digital backend
 * (synapse.c). The decisions are in chip_model.c ("Analog neurons"), the constants in analog.h.
 *
 * Integration is exact and event driven: between events a neuron's membrane is a sum of three
 * exponentials (leak or reset OTA, two synaptic currents) in closed form. A neuron that may fire
 * waits in a heap for the earliest time its threshold can be reached, found by conservative
 * advancement: from V < θ the membrane cannot rise faster than the sum of its rising terms'
 * slopes now, so it cannot reach θ before (θ - V) / slope. The crossing is located to its
 * cycle, which fixes exactly the edge of the neuron's refractory clock it fires at.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analog.h"
#include "chip_internal.h"
#include "field_map.inc"

#define FIELD BSS2_FM_FIELD
#define WFIELD(w, NAME) FIELD((w)[BSS2_FM_##NAME##_WORD], NAME)
#define US_PER_CYCLE 0.008 /* 125 MHz */
#define NOT_QUEUED 0xFFFFu
#define NEVER UINT64_MAX

/* max/min for the hot paths (libm's fmax/fmin are calls: they order NaNs; no NaN gets here, the
 * parameters being finite) */
static inline double max2(double a, double b) { return a > b ? a : b; }
static inline double min2(double a, double b) { return a < b ? a : b; }

/* The per-neuron mismatch draws (indices into bss2_cm_analog.mm). */
enum { MM_SF, MM_RESET, MM_COMPARATOR, MM_G_LEAK, MM_G_RESET, MM_C, MM_TAU_EXC, MM_TAU_INH,
       MM_GM_EXC, MM_GM_INH };
_Static_assert(MM_GM_INH + 1 == BSS2_CM_MM_PER_NEURON, "mismatch draws");

/* ---- random draws: a counter-based hash of (seed, stream, index) -------------------------- */

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A standard normal draw truncated at ±MM_TRUNCATE (Box-Muller on two hashed uniforms). */
static double gauss(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t h = mix64(seed ^ mix64(stream * UINT64_C(0x9E3779B97F4A7C15) + index));
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53; /* (0, 1] */
    double u2 = (double)(mix64(h) >> 11) * 0x1.0p-53;
    double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    return fmax(-BSS2_AN_MM_TRUNCATE, fmin(BSS2_AN_MM_TRUNCATE, z));
}

static void build_rest(bss2_chip *c);

/* ---- life cycle --------------------------------------------------------------------------- */

static double power_law(double a, double k, unsigned code) { return a * pow(code ? code : 1u, -k); }

int bss2_cm_analog_new(bss2_chip *c) {
    /* (aligned: a neuron's fields that an event touches share three cache lines) */
    size_t size = (sizeof(bss2_cm_analog) + 63u) / 64u * 64u;
    bss2_cm_analog *an = aligned_alloc(64, size);
    if (an != NULL) {
        memset(an, 0, size);
    }
    if (an == NULL) {
        return -1;
    }
    for (unsigned i = 0; i < BSS2_CM_CODES; i++) {
        an->tau_leak[i] = power_law(BSS2_AN_TAU_LEAK_A, BSS2_AN_TAU_LEAK_K, i);
        an->tau_leak_div[i] = power_law(BSS2_AN_TAU_LEAK_DIV_A, BSS2_AN_TAU_LEAK_DIV_K, i);
        an->tau_exc[i] = power_law(BSS2_AN_TAU_EXC_A, BSS2_AN_TAU_EXC_K, i);
        an->tau_inh[i] = power_law(BSS2_AN_TAU_INH_A, BSS2_AN_TAU_INH_K, i);
    }
    static const double sigma_log[BSS2_CM_MM_PER_NEURON] = {
        [MM_G_LEAK] = BSS2_AN_MM_G_LEAK, [MM_G_RESET] = BSS2_AN_MM_G_RESET,
        [MM_TAU_EXC] = BSS2_AN_MM_TAU_SYN, [MM_TAU_INH] = BSS2_AN_MM_TAU_SYN};
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        for (unsigned k = 0; k < BSS2_CM_MM_PER_NEURON; k++) {
            an->mm[n][k] = (float)gauss(c->seed, 1u + k, n);
            an->gain[n][k] = (float)exp(sigma_log[k] * an->mm[n][k]);
        }
    }
    for (unsigned s = 0; s < BSS2_CM_SYNRAMS; s++) {
        for (unsigned r = 0; r < 256u; r++) {
            for (unsigned j = 0; j < 256u; j++) {
                double z = gauss(c->seed, 100u, (s * 256u + r) * 256u + j);
                an->syn_gain[s][r][j] = (float)z;
            }
        }
    }
    an->madc_mm[0] = gauss(c->seed, 200u, 0);
    an->madc_mm[1] = gauss(c->seed, 200u, 1);
    for (unsigned ch = 0; ch < 2u * 2u * 256u; ch++) {
        an->cadc_mm[ch / 512u][(ch / 256u) % 2u][ch % 256u][0] = (float)gauss(c->seed, 500u, ch);
        an->cadc_mm[ch / 512u][(ch / 256u) % 2u][ch % 256u][1] = (float)gauss(c->seed, 501u, ch);
    }
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        an->neuron_of[bss2_fm_neuron_capmem_block[n]][bss2_fm_neuron_capmem_column[n]] =
            (uint16_t)n;
    }
    an->mismatch = 1;
    an->noise = 1;
    c->analog = an;
    build_rest(c);
    bss2_cm_analog_chip_reset(c);
    return 0;
}

void bss2_cm_analog_free(bss2_chip *c) {
    free(c->analog);
    c->analog = NULL;
}

/* ---- the heap of waiting neurons ---------------------------------------------------------- */

static void heap_swap(bss2_cm_analog *an, uint32_t i, uint32_t j) {
    uint16_t a = an->heap[i], b = an->heap[j];
    an->heap[i] = b;
    an->heap[j] = a;
    an->pos[b] = (uint16_t)i;
    an->pos[a] = (uint16_t)j;
}

static int before(const bss2_cm_analog *an, uint32_t i, uint32_t j) {
    return bss2_cm_t_lt(an->key[an->heap[i]], an->key[an->heap[j]]);
}

static void sift(bss2_cm_analog *an, uint32_t i) {
    while (i > 0 && before(an, i, (i - 1u) / 2u)) {
        heap_swap(an, i, (i - 1u) / 2u);
        i = (i - 1u) / 2u;
    }
    for (;;) {
        uint32_t l = 2u * i + 1u, m = i;
        if (l < an->heap_len && before(an, l, m)) {
            m = l;
        }
        if (l + 1u < an->heap_len && before(an, l + 1u, m)) {
            m = l + 1u;
        }
        if (m == i) {
            return;
        }
        heap_swap(an, i, m);
        i = m;
    }
}

/* Neuron n waits until cycle t (NEVER: it waits for nothing). */
static void wait_until(bss2_cm_analog *an, unsigned n, uint64_t t) {
    uint32_t p = an->pos[n];
    if (t == NEVER) {
        if (p != NOT_QUEUED) {
            uint32_t last = --an->heap_len;
            if (p != last) {
                heap_swap(an, p, last);
                an->pos[n] = NOT_QUEUED;
                sift(an, p);
            } else {
                an->pos[n] = NOT_QUEUED;
            }
        }
        return;
    }
    an->key[n] = t;
    if (p == NOT_QUEUED) {
        p = an->heap_len++;
        an->heap[p] = (uint16_t)n;
        an->pos[n] = (uint16_t)p;
    }
    sift(an, p);
}

/* ---- closed form -------------------------------------------------------------------------- */

static double elapsed(const bss2_cm_an_neuron *x, uint64_t t) {
    return (double)(int64_t)(t - x->t0) * US_PER_CYCLE;
}

/* 2^(-j/64), j = 0..63, correctly rounded. */
static const double exp2_neg64[64] = {
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
    return q * exp2_neg64[mi & 63u] * scale.d;
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
        v4d table = {exp2_neg64[mi[0] & 63], exp2_neg64[mi[1] & 63], exp2_neg64[mi[2] & 63],
                     exp2_neg64[mi[3] & 63]};
        v4d y = q * table * (v4d)scale;
        memcpy(f + j, &y, sizeof y);
    }
    for (; j < n; j++) {
        f[j] = exp_neg(f[j]);
    }
}

/* c e^(-s rate), without the exponential when c is 0 (a neuron at rest, an idle input). */
static inline double decay(double c, double s, double rate) {
    return c == 0.0 ? 0.0 : c * exp_neg(s * rate);
}

static double membrane_at(const bss2_cm_an_neuron *x, double s) {
    return x->e_eff + decay(x->a, s, x->rate) + decay(x->ke, s, x->rate_exc) +
           decay(x->ki, s, x->rate_inh);
}

/* Bring the state to cycle t (the membrane held within the rails). */
static void rebase(bss2_cm_an_neuron *x, uint64_t t) {
    double s = elapsed(x, t);
    if (s > 0) {
        /* the synaptic terms decay with their currents: one exponential each */
        double fe = x->ie0 != 0.0 || x->ke != 0.0 ? exp_neg(s * x->rate_exc) : 0.0;
        double fi = x->ii0 != 0.0 || x->ki != 0.0 ? exp_neg(s * x->rate_inh) : 0.0;
        double v = x->e_eff + decay(x->a, s, x->rate) + x->ke * fe + x->ki * fi;
        x->v0 = min2(max2(v, 0.0), BSS2_AN_V_DD);
        x->ie0 *= fe;
        x->ii0 *= fi;
    }
    x->t0 = t;
}

/* The constants of both phases (leak 0, reset 1), after the parameters changed: rates, target
 * with the constant current, and the factors of the particular solutions of
 * C dV/dt = -g (V - E) + I0 e^(-s/τx), I0 / (g - C/τx). A τx within 1e-4 of a phase's τ is
 * moved by 2e-4 (the resonant case has no pure exponential solution). */
static void phases(bss2_cm_an_neuron *x) {
    for (int p = 0; p < 2; p++) {
        double g = p ? x->g_reset : x->g_leak;
        double *taus[2] = {&x->tau_exc, &x->tau_inh};
        for (int k = 0; k < 2; k++) {
            if (fabs(g - x->c / *taus[k]) < 1e-4 * g) {
                *taus[k] *= 1.0 + 2e-4;
            }
        }
    }
    x->rate_exc = 1.0 / x->tau_exc;
    x->rate_inh = 1.0 / x->tau_inh;
    for (int p = 0; p < 2; p++) {
        double g = p ? x->g_reset : x->g_leak;
        x->ph_rate[p] = g / x->c;
        x->ph_e_eff[p] = (p ? x->e_reset : x->e_leak) + x->i_off / g;
        x->ph_k_exc[p] = 1.0 / (g - x->c * x->rate_exc);
        x->ph_k_inh[p] = 1.0 / (g - x->c * x->rate_inh);
    }
    x->peak_exc = max2(1.0 - x->ph_rate[0] * x->tau_exc, 0.0);
    x->peak_inh = max2(1.0 - x->ph_rate[0] * x->tau_inh, 0.0);
}

/* Coefficients of the closed form for the current phase, from the state at t0. */
static void coefficients(bss2_cm_an_neuron *x, int resetting) {
    int p = resetting != 0, gated = resetting && x->pause;
    x->rate = x->ph_rate[p];
    x->e_eff = x->ph_e_eff[p];
    x->ke = gated ? 0.0 : x->ie0 * x->ph_k_exc[p];
    x->ki = gated ? 0.0 : -x->ii0 * x->ph_k_inh[p];
    x->a = x->v0 - x->e_eff - x->ke - x->ki;
}

/* ---- parameters --------------------------------------------------------------------------- */

static inline uint32_t reg(const bss2_chip *c, uint32_t address) {
    return bss2_cm_regmap_get(&c->chip_regs, address, 0);
}

static unsigned cell(const bss2_chip *c, unsigned block, unsigned offset) {
    unsigned code = reg(c, bss2_fm_capmem_base[block] + offset) & 0x3FFu;
    return code == 1023u ? 0u : code; /* a cell without refresh drifts to 0 */
}

/* The per-neuron mismatch of kind k: a draw z (σ = 1), 0 without mismatch. */
static double draw(const bss2_cm_analog *an, unsigned n, unsigned k) {
    return an->mismatch ? (double)an->mm[n][k] : 0.0;
}

/* A log-normal gain e^(σ z) of kind k (precomputed: bss2_cm_analog.gain). */
static double gain(const bss2_cm_analog *an, unsigned n, unsigned k) {
    return an->mismatch ? (double)an->gain[n][k] : 1.0;
}

/* The OTA conductance from its bias code and switches (τ at C(63), then C / τ). */
static double conductance(const bss2_cm_analog *an, unsigned code, int div, int mul, int degen,
                          double gain) {
    double c63 = (63.0 + BSS2_AN_C_INTRINSIC) * BSS2_AN_C_LSB;
    double g = c63 / (div ? an->tau_leak_div[code] : an->tau_leak[code]);
    if (mul) {
        g *= BSS2_AN_LEAK_MULTIPLICATION;
    }
    if (degen) {
        g *= BSS2_AN_LEAK_DEGENERATION;
    }
    return g * gain;
}

/* The parameters of neuron n into *x, from its registers (all 0 if `cleared`). */
static void derive_into(const bss2_chip *c, unsigned n, bss2_cm_an_neuron *x, int cleared) {
    const bss2_cm_analog *an = c->analog;
    unsigned b = bss2_fm_neuron_capmem_block[n];
    unsigned col = bss2_fm_neuron_capmem_column[n] * BSS2_FM_CAPMEM_STRIDE;
    unsigned code[BSS2_FM_CAPMEM_ROWS] = {0}, dac_code = 0;
    uint32_t w[BSS2_FM_NEURON_CONFIG_WORDS] = {0};
    if (!cleared && c->chip_regs.count > 0) { /* (after a chip reset every register is 0) */
        for (unsigned r = 0; r < BSS2_FM_CAPMEM_ROWS; r++) {
            code[r] = cell(c, b, col + r);
        }
        dac_code = cell(c, b, BSS2_FM_CAPMEM_SYN_I_BIAS_DAC);
        unsigned e = bss2_fm_neuron_config_of_atomic[n];
        uint32_t first = bss2_fm_neuron_config_base[e / BSS2_FM_NEURON_CONFIG_PER_BLOCK] +
                         (e % BSS2_FM_NEURON_CONFIG_PER_BLOCK) * BSS2_FM_NEURON_CONFIG_STRIDE;
        for (unsigned i = 0; i < BSS2_FM_NEURON_CONFIG_WORDS; i++) {
            w[i] = reg(c, first + i);
        }
    }
#define CELL(ROW) code[BSS2_FM_CAPMEM_ROW_##ROW]
    double sf = BSS2_AN_V_SOURCE_FOLLOWER + BSS2_AN_MM_SOURCE_FOLLOWER * draw(an, n, MM_SF);
    x->c = ((double)WFIELD(w, NEURON_CONFIG_MEMBRANE_CAPACITOR_SIZE) + BSS2_AN_C_INTRINSIC) *
           BSS2_AN_C_LSB * (1.0 + BSS2_AN_MM_C * draw(an, n, MM_C));
    x->g_leak = conductance(an, CELL(I_BIAS_LEAK),
                            (int)WFIELD(w, NEURON_CONFIG_ENABLE_LEAK_DIVISION),
                            (int)WFIELD(w, NEURON_CONFIG_ENABLE_LEAK_MULTIPLICATION),
                            (int)WFIELD(w, NEURON_CONFIG_ENABLE_LEAK_DEGENERATION),
                            gain(an, n, MM_G_LEAK));
    x->g_reset = conductance(an, CELL(I_BIAS_RESET),
                             (int)WFIELD(w, NEURON_CONFIG_ENABLE_RESET_DIVISION),
                             (int)WFIELD(w, NEURON_CONFIG_ENABLE_RESET_MULTIPLICATION),
                             (int)WFIELD(w, NEURON_CONFIG_ENABLE_RESET_DEGENERATION),
                             gain(an, n, MM_G_RESET));
    x->e_leak = BSS2_AN_V_CAPMEM_LSB * CELL(V_LEAK) - sf;
    x->e_reset = BSS2_AN_V_CAPMEM_LSB * CELL(V_RESET) - sf +
                 BSS2_AN_MM_RESET * draw(an, n, MM_RESET);
    x->v_th = BSS2_AN_V_CAPMEM_LSB * CELL(V_THRESHOLD) +
              BSS2_AN_MM_COMPARATOR * draw(an, n, MM_COMPARATOR);
    double i_off = BSS2_AN_I_OFFSET_LSB * CELL(I_MEM_OFFSET);
    x->i_off = !WFIELD(w, NEURON_CONFIG_ENABLE_MEMBRANE_OFFSET)   ? 0.0
               : WFIELD(w, NEURON_CONFIG_INVERT_MEMBRANE_OFFSET) ? -i_off
                                                                  : i_off;
    double dac = dac_code / BSS2_AN_DAC_REF;
    struct {
        int on, small, high;
        unsigned tau_code, gm_code, mm_tau, mm_gm;
        const double *table;
        double *tau, *k, *sat;
    } in[2] = {
        {(int)WFIELD(w, NEURON_CONFIG_ENABLE_SYNAPTIC_INPUT_EXCITATORY),
         (int)WFIELD(w, NEURON_CONFIG_ENABLE_SYNAPTIC_INPUT_EXCITATORY_SMALL_CAPACITANCE),
         (int)WFIELD(w, NEURON_CONFIG_ENABLE_SYNAPTIC_INPUT_EXCITATORY_HIGH_RESISTANCE),
         CELL(I_BIAS_SYNIN_EXC_TAU), CELL(I_BIAS_SYNIN_EXC_GM), MM_TAU_EXC, MM_GM_EXC, an->tau_exc,
         &x->tau_exc, &x->k_exc, &x->sat_exc},
        {(int)WFIELD(w, NEURON_CONFIG_ENABLE_SYNAPTIC_INPUT_INHIBITORY),
         (int)WFIELD(w, NEURON_CONFIG_ENABLE_SYNAPTIC_INPUT_INHIBITORY_SMALL_CAPACITANCE),
         (int)WFIELD(w, NEURON_CONFIG_ENABLE_SYNAPTIC_INPUT_INHIBITORY_HIGH_RESISTANCE),
         CELL(I_BIAS_SYNIN_INH_TAU), CELL(I_BIAS_SYNIN_INH_GM), MM_TAU_INH, MM_GM_INH, an->tau_inh,
         &x->tau_inh, &x->k_inh, &x->sat_inh},
    };
#undef CELL
    for (int k = 0; k < 2; k++) {
        double tau = in[k].table[in[k].tau_code] * gain(an, n, in[k].mm_tau);
        double step = 1.0;
        if (in[k].small) {
            tau /= BSS2_AN_SMALL_CAPACITANCE;
        } else {
            step /= BSS2_AN_SMALL_CAPACITANCE;
        }
        if (in[k].high) {
            tau *= BSS2_AN_HIGH_RESISTANCE;
        }
        double gm = in[k].gm_code / BSS2_AN_GM_REF;
        gm *= 1.0 + BSS2_AN_MM_GM * draw(an, n, in[k].mm_gm);
        *in[k].tau = tau;
        *in[k].k = in[k].on ? BSS2_AN_I_SYN_LSB * dac * gm * step : 0.0;
        *in[k].sat = BSS2_AN_I_SYN_LSB * BSS2_AN_SAT_WEIGHTS * fmax(gm, 1e-3);
    }
    x->can_fire = (uint8_t)(WFIELD(w, NEURON_CONFIG_ENABLE_THRESHOLD_COMPARATOR) &&
                            WFIELD(w, NEURON_CONFIG_ENABLE_FIRE));
    x->pause = (uint8_t)WFIELD(w, NEURON_CONFIG_ENABLE_PAUSE);
    x->inv_sat_exc = 1.0 / x->sat_exc;
    x->inv_sat_inh = 1.0 / x->sat_inh;
    phases(x);
}

static void derive(bss2_chip *c, unsigned n) { derive_into(c, n, &c->analog->n[n], 0); }

/* ---- phases and the threshold ------------------------------------------------------------- */

static const bss2_cm_neuron *backend_of(const bss2_chip *c, unsigned n) {
    return &c->array.neuron[n];
}

/* FPGA cycles of one tick of neuron n's refractory clock. */
static uint64_t tick(const bss2_chip *c, unsigned n) {
    const bss2_cm_neuron *u = backend_of(c, n);
    return UINT64_C(1) << c->array.backend[u->block].scale[u->input_clock];
}

/* The first edge of neuron n's refractory clock at or after cycle t. */
static uint64_t edge(const bss2_chip *c, unsigned n, uint64_t t) {
    uint64_t p = tick(c, n);
    return (t + p - 1u) / p * p;
}

static void fire_at(bss2_chip *c, unsigned n, uint64_t t) {
    bss2_cm_an_neuron *x = &c->analog->n[n];
    x->phase = BSS2_CM_FIRING;
    x->phase_end = edge(c, n, t);
    wait_until(c->analog, n, x->phase_end);
}

/* Beyond this (µs), a predicted crossing is scheduled by a bound, not located. */
#define FAR_US 0.5

/* For a membrane of at most two exponentials from now, V(s) = e_eff + a e^(-s/τ) + k e^(-s/tk)
 * below th at s = 0: a lower bound (µs) of the first s with V(s) >= th, or -1 if
 * there is none. V has at most one stationary point s* (where a/τ e^(-s/τ) = -k/tk e^(-s/tk)),
 * so it reaches th iff e_eff >= th or V(s*) >= th, and rises monotonically until then. */
static double first_reach(const bss2_cm_an_neuron *x, double k, double rk, double th) {
    double a = x->a, ra = x->rate, hi = -1.0; /* (rates: 1/τ) */
    /* With the slower term cs e^(-s rs) and the faster cf e^(-s rf), X = e^(-s rs):
     * V - e_eff = cs X + cf X^q, q = rf/rs > 1. It peaks inside only if cs > 0 > cf, at
     * cs X* (1 - 1/q) with X* <= 1 (else it falls from the start); otherwise it moves
     * monotonically towards e_eff after at most a dip. */
    int a_slow = ra < rk;
    double cs = a_slow ? a : k, cf = a_slow ? k : a, q = a_slow ? rk / ra : ra / rk;
    if (cs > 0.0 && cf < 0.0 && ra != rk && x->e_eff + cs * (1.0 - 1.0 / q) >= th) {
        double s = log(-(k * rk) / (a * ra)) / (rk - ra); /* the peak */
        if (s > 0.0 && x->e_eff + decay(a, s, ra) + decay(k, s, rk) >= th) {
            hi = s;
        }
    }
    if (hi < 0.0 && x->e_eff < th) {
        return -1.0;
    }
    /* it crosses: while that is more than FAR away by the bound of the rising terms' slopes,
     * that bound will do (an input may well come first and change everything) */
    double v = x->e_eff + a + k;
    double slope = max2(-a * ra, 0.0) + max2(-k * rk, 0.0);
    if ((th - v) > FAR_US * slope) {
        return (th - v) / slope;
    }
    if (hi < 0.0) {
        hi = 1.0 / fmin(ra, rk); /* rising towards e_eff >= th: double until reached */
        while (membrane_at(x, hi) < th && hi < 0x1.0p40) {
            hi *= 2.0;
        }
        if (!(hi < 0x1.0p40)) {
            return -1.0; /* (e_eff == th: reached only in the limit) */
        }
    }
    /* Newton from below, safeguarded by the bracket [lo, hi] (V(lo) < th <= V(hi)): on the
     * concave rise before a peak each step stays below the crossing; a step that does not is
     * replaced by bisection. To half a cycle: the caller needs only the cycle. */
    double lo = 0.0;
    for (int i = 0; i < 100 && hi - lo > 0.5 * US_PER_CYCLE; i++) {
        double xa = decay(a, lo, ra), xk = decay(k, lo, rk);
        double f = x->e_eff + xa + xk - th, slope = -xa * ra - xk * rk;
        double next = slope > 0.0 ? lo - f / slope : hi;
        if (!(next > lo && next < hi)) {
            next = 0.5 * (lo + hi);
        }
        if (membrane_at(x, next) >= th) { /* overshot: close in from both sides */
            hi = next;
            double mid = 0.5 * (lo + hi);
            if (membrane_at(x, mid) >= th) {
                hi = mid;
            } else {
                lo = mid;
            }
        } else {
            lo = next;
        }
    }
    return lo;
}

double bss2_cm_analog_first_reach(double e, double a, double ra, double k, double rk, double th) {
    bss2_cm_an_neuron x = {0};
    x.e_eff = e, x.a = a, x.rate = ra, x.ke = k, x.rate_exc = rk, x.rate_inh = 1.0;
    return first_reach(&x, k, rk, th);
}

/* The threshold comparator of a free neuron, at now (state rebased to now): fire, or wait until
 * the earliest cycle the threshold can be reached, or for nothing. */
static void check(bss2_chip *c, unsigned n) {
    bss2_cm_an_neuron *x = &c->analog->n[n];
    double th = x->v_th, v = x->e_eff + x->a + x->ke + x->ki;
    if (v >= th) {
        fire_at(c, n, c->now + 1u); /* (a decision now fires at a later edge: progress) */
        return;
    }
    double up = x->e_eff + max2(x->a, 0.0) + max2(x->ke, 0.0) + max2(x->ki, 0.0);
    if (up < th) { /* even the rising bound stays below: no crossing until something changes */
        wait_until(c->analog, n, NEVER);
        return;
    }
    double safe; /* cycles from now without a crossing */
    if (x->ke == 0.0 || x->ki == 0.0) { /* two exponentials at most: exact */
        double k = x->ke != 0.0 ? x->ke : x->ki, rk = x->ke != 0.0 ? x->rate_exc : x->rate_inh;
        double reach = first_reach(x, k, rk, th); /* µs */
        if (reach < 0.0) {
            wait_until(c->analog, n, NEVER);
            return;
        }
        safe = reach / US_PER_CYCLE;
    } else { /* the rising terms' slopes now bound the slope ever after */
        double slope = max2(-x->a * x->rate, 0.0) + max2(-x->ke * x->rate_exc, 0.0) +
                       max2(-x->ki * x->rate_inh, 0.0);
        safe = (th - v) / slope / US_PER_CYCLE;
    }
    if (safe >= 1.0) {
        wait_until(c->analog, n, c->now + (uint64_t)min2(safe, 0x1.0p40));
        return;
    }
    if (membrane_at(x, US_PER_CYCLE) < th) {
        wait_until(c->analog, n, c->now + 1u);
        return;
    }
    /* the crossing lies in (now, now + 1]: every clock edge is a whole cycle, so the first edge
     * at or after it is the first edge at or after now + 1, wherever in the cycle it lies */
    fire_at(c, n, c->now + 1u);
}

/* Continue neuron n at now (state rebased to now) in its phase: the coefficients of its
 * dynamics, and what it waits for. */
static void resume(bss2_chip *c, unsigned n) {
    bss2_cm_an_neuron *x = &c->analog->n[n];
    const bss2_cm_neuron *u = backend_of(c, n);
    const bss2_cm_backend *b = &c->array.backend[u->block];
    if (b->force_reset) {
        x->phase = BSS2_CM_BLOCKED;
        coefficients(x, 1);
        wait_until(c->analog, n, NEVER);
        return;
    }
    if (x->phase == BSS2_CM_BLOCKED) {
        x->phase = BSS2_CM_FREE;
    }
    if (x->phase == BSS2_CM_RESET && !bss2_cm_t_lt(c->now, x->phase_end)) {
        x->phase = BSS2_CM_HOLDOFF;
        x->phase_end = u->refractory_until;
    }
    if (x->phase == BSS2_CM_HOLDOFF && !bss2_cm_t_lt(c->now, x->phase_end)) {
        x->phase = BSS2_CM_FREE;
    }
    coefficients(x, x->phase == BSS2_CM_RESET);
    if (x->phase == BSS2_CM_RESET || x->phase == BSS2_CM_HOLDOFF || x->phase == BSS2_CM_FIRING) {
        wait_until(c->analog, n, x->phase_end);
    } else if (x->can_fire && b->clocks) {
        check(c, n);
    } else {
        wait_until(c->analog, n, NEVER);
    }
}

void bss2_cm_analog_reset(bss2_chip *c, unsigned n) {
    bss2_cm_an_neuron *x = &c->analog->n[n];
    const bss2_cm_neuron *u = backend_of(c, n);
    unsigned hold = BSS2_AN_HOLDOFF_BASE - 2u * u->holdoff;
    unsigned ticks = u->refractory_time > hold ? u->refractory_time - hold : 0u;
    rebase(x, c->now);
    x->phase = BSS2_CM_RESET;
    x->phase_end = c->now + ((uint64_t)ticks << c->array.backend[u->block].scale[u->input_clock]);
    resume(c, n);
}

/* The backend samples the fire signal of neuron n now. */
static void fire(bss2_chip *c, unsigned n) {
    bss2_cm_an_neuron *x = &c->analog->n[n];
    rebase(x, c->now);
    x->phase = BSS2_CM_FREE;
    if (bss2_cm_neuron_fire(c, n, 0)) {
        return; /* registered: the backend reset it (bss2_cm_analog_reset) */
    }
    const bss2_cm_neuron *u = backend_of(c, n);
    if (bss2_cm_t_lt(c->now, u->refractory_until)) { /* an artificial reset holds it */
        x->phase = BSS2_CM_HOLDOFF;
        x->phase_end = u->refractory_until;
        resume(c, n);
        return;
    }
    /* clocks off: the comparator's fire goes nowhere until the neuron or its block changes */
    x->phase = BSS2_CM_BLOCKED;
    coefficients(x, 0);
    wait_until(c->analog, n, NEVER);
}

/* ---- the chip's side ---------------------------------------------------------------------- */

static void update(bss2_chip *c, unsigned n) {
    rebase(&c->analog->n[n], c->now);
    derive(c, n);
    resume(c, n);
}

/* The neurons as a chip reset leaves them (cleared registers: nothing fires), at rest. */
static void build_rest(bss2_chip *c) {
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        bss2_cm_an_neuron *x = &c->analog->rest[n];
        memset(x, 0, sizeof *x);
        derive_into(c, n, x, 1);
        x->v0 = fmin(fmax(x->e_leak + x->i_off / x->g_leak, 0.0), BSS2_AN_V_DD);
        x->phase = BSS2_CM_FREE;
        coefficients(x, 0);
    }
}

void bss2_cm_analog_chip_reset(bss2_chip *c) {
    bss2_cm_analog *an = c->analog;
    an->heap_len = 0;
    memset(an->stp_used, 0, sizeof an->stp_used);
    memset(an->pos, 0xFF, sizeof an->pos); /* NOT_QUEUED */
    memcpy(an->n, an->rest, sizeof an->n);
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        an->n[n].t0 = c->now;
    }
}

void bss2_cm_analog_set_noise(bss2_chip *c, int on) { c->analog->noise = on != 0; }

void bss2_cm_analog_set_mismatch(bss2_chip *c, int on) {
    c->analog->mismatch = on != 0;
    memset(c->array.stale, 1, sizeof c->array.stale); /* the rows' weights carry the gains */
    build_rest(c);
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        update(c, n);
    }
}

void bss2_cm_analog_written(bss2_chip *c, uint32_t address) {
    for (unsigned b = 0; b < BSS2_FM_CAPMEM_BLOCKS; b++) {
        uint32_t off = address - bss2_fm_capmem_base[b];
        if (off >= BSS2_FM_CAPMEM_COLUMNS * BSS2_FM_CAPMEM_STRIDE) {
            continue;
        }
        unsigned col = off / BSS2_FM_CAPMEM_STRIDE;
        if (col < 128u && off % BSS2_FM_CAPMEM_STRIDE < BSS2_FM_CAPMEM_ROWS) {
            update(c, c->analog->neuron_of[b][col]);
        } else if (off == BSS2_FM_CAPMEM_SYN_I_BIAS_DAC) {
            for (unsigned k = 0; k < 128u; k++) {
                update(c, c->analog->neuron_of[b][k]);
            }
        }
        return;
    }
    unsigned word = 0;
    int e = bss2_fm_neuron_config_coord(address, &word);
    if (e >= 0) {
        c->madc.stale = 1; /* its readout switches may have changed */
        update(c, bss2_fm_neuron_config_atomic[e]);
        return;
    }
    for (unsigned b = 0; b < BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_COUNT; b++) {
        if (address == bss2_fm_common_neuron_backend_config_address[b][0]) {
            for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
                if (c->array.neuron[n].block == b) {
                    rebase(&c->analog->n[n], c->now);
                    resume(c, n);
                }
            }
            return;
        }
    }
}

/* The input OTA's current i after an event of d = weight k / sat: its line voltage adds
 * linearly, I = sat tanh(u), so tanh(u + d) = (I/sat + tanh d) / (1 + I/sat tanh d). */
static inline double saturate(double i, double d, double sat, double inv_sat) {
    double r = min2(max2(i * inv_sat, -0.999999), 0.999999);
    double t = fabs(d) < 0.2 ? d * (1.0 - d * d * (1.0 / 3.0 - d * d * (2.0 / 15.0))) : tanh(d);
    return sat * (r + t) / (1.0 + r * t);
}

void bss2_cm_analog_input(bss2_chip *c, unsigned n, int inh, double weight) {
    bss2_cm_an_neuron *x = &c->analog->n[n];
    double k = inh ? x->k_inh : x->k_exc;
    if (k == 0.0) {
        return;
    }
    rebase(x, c->now);
    if (inh) {
        x->ii0 = saturate(x->ii0, weight * k * x->inv_sat_inh, x->sat_inh, x->inv_sat_inh);
    } else {
        x->ie0 = saturate(x->ie0, weight * k * x->inv_sat_exc, x->sat_exc, x->inv_sat_exc);
    }
    resume(c, n);
}

/* The batched path of bss2_cm_analog_inputs for a free neuron: given the decay factors fm, fe,
 * fi since t0, rebase to now, the input and the leak phase's coefficients as in
 * bss2_cm_analog_input; returns a bound of the membrane from now on (see first_reach): with a
 * rising slow leak term a > 0 and one falling faster synaptic term alone, V - e_eff = a X + k X^q
 * (X = e^(-s/τ_m), q = τ_m/τx > 1) peaks below a (1 - 1/q); with a falling slower one it is
 * convex in X, so at most max(V, e_eff); otherwise the rising terms' sum. */
static inline double input_free(bss2_cm_an_neuron *x, const double *f, double fi, uint64_t now,
                                int inh, double weight) {
    double v = x->e_eff + x->a * f[0] + x->ke * f[1] + x->ki * fi;
    double v0 = min2(max2(v, 0.0), BSS2_AN_V_DD);
    double ie = x->ie0 * f[1], ii = x->ii0 * fi;
    if (inh) {
        ii = saturate(ii, weight * x->k_inh * x->inv_sat_inh, x->sat_inh, x->inv_sat_inh);
    } else {
        ie = saturate(ie, weight * x->k_exc * x->inv_sat_exc, x->sat_exc, x->inv_sat_exc);
    }
    double ke = ie * x->ph_k_exc[0], ki = -ii * x->ph_k_inh[0];
    double a = v0 - x->e_eff - ke - ki;
    x->t0 = now;
    x->v0 = v0;
    x->ie0 = ie;
    x->ii0 = ii;
    x->ke = ke;
    x->ki = ki;
    x->a = a;
    double fa = ke < 0.0 && ki == 0.0 ? x->peak_exc : ki < 0.0 && ke == 0.0 ? x->peak_inh : 1.0;
    return max2(x->e_eff + max2(a, 0.0) * fa + max2(ke, 0.0) + max2(ki, 0.0), v0);
}

#define SLOW 0x8000u

/* In three passes (the exponentials' arguments, the exponentials, the rest), each short enough
 * that the CPU overlaps many targets: one pass for it all is a chain too long for that. The
 * inhibitory term's exponential only where it is active (as in an excitatory network). */
void bss2_cm_analog_inputs(bss2_chip *c, int inh, const uint16_t *targets, const double *weights,
                           unsigned count) {
    bss2_cm_analog *an = c->analog;
    uint16_t fast[256], later[256]; /* free targets; those that may cross, are queued or not free */
    uint16_t at[256];               /* where a free target's inhibitory factor is in g */
    double f[2 * 256], g[257];      /* (g[256]: the factor of an idle inhibitory term, 0) */
    unsigned nf = 0, ng = 0, m = 0;
    count = count < 256u ? count : 256u;
    g[256] = 0.0;
    for (unsigned i = 0; i < count; i++) {
        const bss2_cm_an_neuron *x = &an->n[targets[i]];
        if (x->phase != BSS2_CM_FREE) {
            later[m++] = (uint16_t)(i | SLOW);
        } else if ((inh ? x->k_inh : x->k_exc) != 0.0) {
            double s = elapsed(x, c->now);
            f[2u * nf] = s * x->rate;
            f[2u * nf + 1u] = s * x->rate_exc;
            at[nf] = 256u;
            if (inh || x->ii0 != 0.0 || x->ki != 0.0) {
                at[nf] = (uint16_t)ng;
                g[ng++] = s * x->rate_inh;
            }
            fast[nf++] = (uint16_t)i;
        }
    }
    exp_neg_array(f, 2u * nf);
    exp_neg_array(g, ng);
    for (unsigned j = 0; j < nf; j++) {
        unsigned i = fast[j], n = targets[i];
        double up = input_free(&an->n[n], &f[2u * j], g[at[j]], c->now, inh, weights[i]);
        later[m] = (uint16_t)i; /* (kept without a branch: which ones is data, unpredictable) */
        m += (unsigned)(up >= an->n[n].v_th) | (unsigned)(an->pos[n] != NOT_QUEUED);
    }
    for (unsigned j = 0; j < m; j++) {
        unsigned i = later[j] & ~SLOW, n = targets[i];
        bss2_cm_an_neuron *x = &an->n[n];
        if (later[j] & SLOW) {
            bss2_cm_analog_input(c, n, inh, weights[i]); /* not free: the general path */
        } else if (x->can_fire && c->array.backend[backend_of(c, n)->block].clocks) {
            check(c, n);
        } else {
            wait_until(an, n, NEVER);
        }
    }
}

double bss2_cm_analog_synapse_gain(const bss2_chip *c, unsigned s, unsigned r, unsigned j) {
    const bss2_cm_analog *an = c->analog;
    double z = an->mismatch ? (double)an->syn_gain[s][r][j] : 0.0;
    return max2(1.0 + BSS2_AN_MM_SYNAPSE * z, 0.0);
}

int bss2_cm_analog_next(const bss2_chip *c, uint64_t *t) {
    const bss2_cm_analog *an = c->analog;
    if (an->heap_len == 0) {
        return 0;
    }
    *t = an->key[an->heap[0]];
    return 1;
}

void bss2_cm_analog_run(bss2_chip *c) {
    bss2_cm_analog *an = c->analog;
    while (an->heap_len > 0 && bss2_cm_t_le(an->key[an->heap[0]], c->now)) {
        unsigned n = an->heap[0];
        bss2_cm_an_neuron *x = &an->n[n];
        if (x->phase == BSS2_CM_FIRING) {
            fire(c, n);
        } else {
            rebase(x, c->now);
            resume(c, n);
        }
    }
}

/* The membrane of neuron n at cycle t (no event of its own in between), soft-clipped. */
static double soft_clip(double v);

static double membrane_then(const bss2_chip *c, unsigned n, uint64_t t) {
    const bss2_cm_an_neuron *x = &c->analog->n[n];
    return soft_clip(membrane_at(x, elapsed(x, t)));
}

double bss2_cm_analog_readout(const bss2_chip *c, unsigned n, unsigned source, uint64_t t) {
    const bss2_cm_an_neuron *x = &c->analog->n[n];
    double s = elapsed(x, t);
    switch (source) {
    case 0:
        return membrane_then(c, n, t);
    case 1:
        return BSS2_AN_SYNIN_REST - BSS2_AN_SYNIN_R * decay(x->ie0, s, x->rate_exc);
    case 2:
        return BSS2_AN_SYNIN_REST + BSS2_AN_SYNIN_R * decay(x->ii0, s, x->rate_inh);
    default:
        return BSS2_AN_ADAPT_REST;
    }
}

/* The soft clip of a readout near the rails. */
static double soft_clip(double v) {
    double lo = BSS2_AN_SOFT_CLIP, hi = BSS2_AN_V_DD - BSS2_AN_SOFT_CLIP;
    if (v > hi) {
        return hi + BSS2_AN_SOFT_CLIP * (1.0 - exp(-(v - hi) / BSS2_AN_SOFT_CLIP));
    }
    if (v < lo) {
        return BSS2_AN_SOFT_CLIP * exp((v - lo) / BSS2_AN_SOFT_CLIP);
    }
    return v;
}

void bss2_cm_analog_readouts(const bss2_chip *c, unsigned n, unsigned source, const uint64_t *t,
                             unsigned k, double *acc) {
    const bss2_cm_an_neuron *x = &c->analog->n[n];
    if (source != 0) {
        for (unsigned i = 0; i < k; i++) {
            acc[i] += bss2_cm_analog_readout(c, n, source, t[i]);
        }
        return;
    }
    double f[3 * 128]; /* membrane_then's exponentials, all at once (the same bits) */
    for (unsigned at = 0; at < k; at += 128u) {
        unsigned m = k - at < 128u ? k - at : 128u;
        for (unsigned i = 0; i < m; i++) {
            double s = elapsed(x, t[at + i]);
            f[3u * i] = s * x->rate;
            f[3u * i + 1u] = s * x->rate_exc;
            f[3u * i + 2u] = s * x->rate_inh;
        }
        exp_neg_array(f, 3u * m);
        for (unsigned i = 0; i < m; i++) {
            double v = x->e_eff + (x->a == 0.0 ? 0.0 : x->a * f[3u * i]) +
                       (x->ke == 0.0 ? 0.0 : x->ke * f[3u * i + 1u]) +
                       (x->ki == 0.0 ? 0.0 : x->ki * f[3u * i + 2u]);
            acc[at + i] += soft_clip(v);
        }
    }
}

/* A temporal noise draw, mean 0 and variance 1: the sum of four 16-bit uniforms of one hash
 * (Irwin-Hall, within 3.5 sigma): readout noise needs no exact tails, and Box-Muller's log and
 * cos cost more than the rest of an MADC sample. */
static double noise(bss2_chip *c) {
    uint64_t h = mix64(c->seed ^ mix64(UINT64_C(300) * UINT64_C(0x9E3779B97F4A7C15) +
                                       c->analog->noise_draws++));
    double sum = (double)((h & 0xFFFFu) + ((h >> 16) & 0xFFFFu) + ((h >> 32) & 0xFFFFu) +
                          (h >> 48));
    return (sum * 0x1.0p-16 - 2.0 + 0x1.0p-17 * 4.0) * 1.7320508075688772; /* (4 u - 2) sqrt 3 */
}

double bss2_cm_analog_madc_code(bss2_chip *c, double v) {
    const bss2_cm_analog *an = c->analog;
    double offset = an->mismatch ? BSS2_AN_MM_MADC_OFFSET * an->madc_mm[0] : 0.0;
    double gain = an->mismatch ? 1.0 + BSS2_AN_MM_MADC_GAIN * an->madc_mm[1] : 1.0;
    double n = an->noise ? BSS2_AN_NOISE_MADC * noise(c) : 0.0;
    return (v - BSS2_AN_MADC_V0) * (gain * (1.0 / BSS2_AN_MADC_LSB)) + offset + n;
}

double bss2_cm_analog_stp(bss2_chip *c, unsigned s, unsigned d) {
    bss2_cm_analog *an = c->analog;
    const bss2_cm_driver *drv = &c->array.driver[s][d];
    unsigned b = 2u * s + (d & 1u); /* west block for even drivers, east for odd */
    unsigned charge_cell = drv->target ? BSS2_FM_CAPMEM_STP_V_CHARGE_1
                                       : BSS2_FM_CAPMEM_STP_V_CHARGE_0;
    unsigned recover_cell = drv->target ? BSS2_FM_CAPMEM_STP_V_RECOVER_1
                                        : BSS2_FM_CAPMEM_STP_V_RECOVER_0;
    double charge = BSS2_AN_V_CAPMEM_LSB * cell(c, b, charge_cell);
    double recover = BSS2_AN_V_CAPMEM_LSB * cell(c, b, recover_cell);
    double *v = &an->stp_v[s][d];
    if (!an->stp_used[s][d]) {
        *v = recover;
        an->stp_used[s][d] = 1;
    } else {
        uint32_t common = reg(c, bss2_fm_common_stp_config_address[s][0]);
        if (drv->recover && FIELD(common, COMMON_STP_CONFIG_ENABLE_RECOVERY_CLOCK)) {
            double tau = BSS2_AN_STP_TICK *
                         (double)(1u << FIELD(common, COMMON_STP_CONFIG_RECOVERY_CLOCK_SPEED)) *
                         64.0 / (drv->recovery + 1.0);
            double dt = (double)(c->now - an->stp_t[s][d]) * US_PER_CYCLE;
            *v = recover + (*v - recover) * exp_neg(dt / tau);
        }
    }
    an->stp_t[s][d] = c->now;
    *v += (BSS2_AN_STP_U0 + BSS2_AN_STP_U_SLOPE * drv->utilization / 15.0) * (charge - *v);
    double f = (BSS2_AN_STP_V_TOP - *v) / (BSS2_AN_STP_V_TOP - BSS2_AN_STP_V_NORM);
    return min2(max2(f, 0.0), BSS2_AN_STP_MAX);
}

double bss2_cm_analog_correlation(const bss2_chip *c, unsigned s, unsigned t, unsigned r,
                                  unsigned j) {
    double z = c->analog->mismatch ? gauss(c->seed, 400u + t, (s * 256u + r) * 256u + j) : 0.0;
    return BSS2_AN_CORRELATION_BASELINE + BSS2_AN_MM_BASELINE * z;
}

double bss2_cm_analog_cadc_neuron(const bss2_chip *c, unsigned n) {
    unsigned e = bss2_fm_neuron_config_of_atomic[n];
    uint32_t w1 = reg(c, bss2_fm_neuron_config_base[e / BSS2_FM_NEURON_CONFIG_PER_BLOCK] +
                             (e % BSS2_FM_NEURON_CONFIG_PER_BLOCK) * BSS2_FM_NEURON_CONFIG_STRIDE +
                             BSS2_FM_NEURON_CONFIG_READOUT_SOURCE_WORD);
    if (!FIELD(w1, NEURON_CONFIG_ENABLE_READOUT_AMPLIFIER)) {
        return 0.0; /* nothing drives the column's line */
    }
    return bss2_cm_analog_readout(c, n, FIELD(w1, NEURON_CONFIG_READOUT_SOURCE), c->now);
}

_Static_assert(BSS2_FM_NEURON_CONFIG_READOUT_SOURCE_WORD ==
                   BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_AMPLIFIER_WORD,
               "the readout switches share a word");

double bss2_cm_analog_cadc_code(bss2_chip *c, unsigned s, unsigned t, unsigned j, double v) {
    const bss2_cm_analog *an = c->analog;
    unsigned b = bss2_fm_neuron_capmem_block[s * 256u + j];
    unsigned slope = cell(c, b, BSS2_FM_CAPMEM_CADC_I_RAMP_SLOPE);
    if (slope == 0) {
        return 255.0; /* the ramp never crosses */
    }
    double q = BSS2_AN_CADC_Q_REF * BSS2_AN_CADC_SLOPE_REF / slope;
    double v0 = BSS2_AN_V_CAPMEM_LSB * cell(c, b, BSS2_FM_CAPMEM_CADC_V_RAMP_OFFSET) -
                BSS2_AN_CADC_V0_DROP;
    const float *mm = an->cadc_mm[s][t][j];
    double offset = an->mismatch ? BSS2_AN_MM_CADC_OFFSET * mm[0] : 0.0;
    double gain = an->mismatch ? 1.0 + BSS2_AN_MM_CADC_GAIN * mm[1] : 1.0;
    double n = an->noise ? BSS2_AN_NOISE_CADC * noise(c) : 0.0;
    return (v - v0) / q * gain + offset + n;
}

double bss2_cm_analog_membrane(const bss2_chip *c, unsigned n) {
    return membrane_then(c, n, c->now);
}
