/* The analog core as the readouts see it: membranes and synaptic input lines at a time, MADC
 * and CADC codes with their mismatch and noise. */
#include <math.h>

#include "analog_internal.h"

/* The membrane of neuron n at cycle t (no event of its own in between), soft-clipped. */
static inline double soft_clip(double v);

/* A standard normal draw keyed by (seed, stream, index): the sum of four 16-bit uniforms of one
 * hash (Irwin-Hall, within 3.5 σ). */
static double keyed_normal(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t h = mix64(seed ^ mix64(stream * UINT64_C(0x9E3779B97F4A7C15) + index));
    double sum = (double)((h & 0xFFFFu) + ((h >> 16) & 0xFFFFu) + ((h >> 32) & 0xFFFFu) +
                          (h >> 48));
    return (sum * 0x1.0p-16 - 2.0 + 0x1.0p-17 * 4.0) * 1.7320508075688772; /* (4 u - 2) sqrt 3 */
}

/* The membrane noise the readouts see (analog.h: NOISE_MEMBRANE) on neuron n: knot k of its
 * noise at cycle k * span, spans one τ_m (leak phase) long. */
#define NOISE_STREAM 500u
static uint64_t noise_span(const bss2_cm_an_neuron *x) {
    double tau = x->ph_rate[0] > 0.0 ? 1.0 / x->ph_rate[0] / US_PER_CYCLE : 0x1.0p40;
    return (uint64_t)max2(min2(tau, 0x1.0p40), 1.0);
}

/* Its value at cycle t, given knots k = t / span and k + 1 (g0, g1). */
static inline double noise_between(uint64_t t, uint64_t k, uint64_t span, double g0, double g1) {
    double u = (double)(t - k * span) / (double)span; /* (t % span) */
    return BSS2_AN_NOISE_MEMBRANE * ((1.0 - u) * g0 + u * g1) /
           sqrt((1.0 - u) * (1.0 - u) + u * u);
}

static double membrane_noise(const bss2_chip *c, unsigned n, const bss2_cm_an_neuron *x,
                             uint64_t t) {
    uint64_t span = noise_span(x), k = t / span;
    return noise_between(t, k, span, keyed_normal(c->seed, NOISE_STREAM + n, k),
                         keyed_normal(c->seed, NOISE_STREAM + n, k + 1u));
}

static double membrane_then(const bss2_chip *c, unsigned n, uint64_t t) {
    const bss2_cm_an_neuron *x = &c->analog->n[n];
    return soft_clip(membrane_at(x, elapsed(x, t)));
}

double bss2_cm_analog_readout(const bss2_chip *c, unsigned n, unsigned source, uint64_t t) {
    const bss2_cm_an_neuron *x = &c->analog->n[n];
    double s = elapsed(x, t);
    switch (source) {
    case 0:
        return membrane_then(c, n, t) + (c->analog->noise ? membrane_noise(c, n, x, t) : 0.0);
    case 1:
        return BSS2_AN_SYNIN_REST - BSS2_AN_SYNIN_R * decay(x->ie0, s, x->rate_exc);
    case 2:
        return BSS2_AN_SYNIN_REST + BSS2_AN_SYNIN_R * decay(x->ii0, s, x->rate_inh);
    default: { /* V_w, its current relaxing as in a step with V held */
        double w = 0.0;
        if (x->adapt_on) {
            double w_inf = x->a_w * (x->v0 - x->e_adapt);
            w = min2(max2(w_inf + (x->w - w_inf) * exp_neg(s / x->tau_w), x->w_lo), x->w_hi);
        }
        return soft_clip(x->v_ref_w + w / BSS2_AN_ADAPT_G_WM);
    }
    }
}

/* The soft clip of a readout near the rails. */
static inline double soft_clip(double v) {
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
    unsigned per = x->ki != 0.0 ? 3u : 2u; /* (an idle inhibitory term: no exponential) */
    for (unsigned at = 0; at < k; at += 128u) {
        unsigned m = k - at < 128u ? k - at : 128u;
        for (unsigned i = 0; i < m; i++) {
            double s = elapsed(x, t[at + i]);
            f[per * i] = s * x->rate;
            f[per * i + 1u] = s * x->rate_exc;
            if (per == 3u) {
                f[per * i + 2u] = s * x->rate_inh;
            }
        }
        bss2_cm_exp_neg_array(f, per * m);
        for (unsigned i = 0; i < m; i++) {
            double v = x->e_eff + (x->a == 0.0 ? 0.0 : x->a * f[per * i]) +
                       (x->ke == 0.0 ? 0.0 : x->ke * f[per * i + 1u]) +
                       (per == 2u ? 0.0 : x->ki * f[per * i + 2u]);
            acc[at + i] += soft_clip(v);
        }
    }
    if (!c->analog->noise) {
        return;
    }
    uint64_t span = noise_span(x), knot = UINT64_MAX; /* (the knots of the last sample) */
    uint64_t from = 1, to = 0;                      /* (its span's cycles: [from, to)) */
    double g0 = 0.0, g1 = 0.0;
    for (unsigned i = 0; i < k; i++) {
        if (t[i] < from || t[i] >= to) { /* (no division while the span holds) */
            uint64_t at = t[i] / span;
            int next = knot != UINT64_MAX && at == knot + 1u; /* (the last span's end) */
            g0 = next ? g1 : keyed_normal(c->seed, NOISE_STREAM + n, at);
            g1 = keyed_normal(c->seed, NOISE_STREAM + n, at + 1u);
            knot = at;
            from = at * span;
            to = from + span > from ? from + span : UINT64_MAX;
        }
        acc[i] += noise_between(t[i], knot, span, g0, g1);
    }
}

/* A temporal noise draw, mean 0 and variance 1, from the chip's noise counter (keyed_normal:
 * readout noise needs no exact tails, and Box-Muller's log and cos cost more than the rest of an
 * MADC sample). */
double bss2_cm_noise(bss2_chip *c) { return keyed_normal(c->seed, 300u, c->analog->noise_draws++); }

/* The MADC samples' noise comes from a counter of their own: a sample's value depends on no
 * other draw, so the samples may be converted after the neuron resets and CADC reads that happen
 * meanwhile (madc.c converts them when their neurons change, not at their times). */
#define MADC_STREAM 301u

void bss2_cm_analog_madc_codes(bss2_chip *c, const double *v, unsigned k, uint32_t *code) {
    bss2_cm_analog *an = c->analog;
    double offset = an->mismatch ? BSS2_AN_MM_MADC_OFFSET * an->madc_mm[0] : 0.0;
    double gain = an->mismatch ? 1.0 + BSS2_AN_MM_MADC_GAIN * an->madc_mm[1] : 1.0;
    double scale = gain * (1.0 / BSS2_AN_MADC_LSB);
    for (unsigned i = 0; i < k; i++) {
        double n = an->noise ? BSS2_AN_NOISE_MADC *
                                   keyed_normal(c->seed, MADC_STREAM, an->madc_draws++)
                             : 0.0;
        double x = (v[i] - BSS2_AN_MADC_V0) * scale + offset + n + 0.5; /* rounded */
        code[i] = x < 1.0 ? 0u : x >= 1023.0 ? 1023u : (uint32_t)x;
    }
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
    double n = an->noise ? BSS2_AN_NOISE_CADC * bss2_cm_noise(c) : 0.0;
    return (v - v0) / q * gain + offset + n;
}

double bss2_cm_analog_membrane(const bss2_chip *c, unsigned n) {
    return membrane_then(c, n, c->now);
}
