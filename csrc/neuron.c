/* The analog neurons: AdEx membranes with exponential current- or conductance-based synaptic
 * inputs, driven by their CapMem cells and NeuronConfig (neuron_params.c), firing into the
 * digital backend (synapse.c). The decisions are in chip_model.c ("Analog neurons"), the
 * constants in analog.h.
 *
 * Integration is exact and event driven: between events a neuron's membrane is a sum of three
 * exponentials (leak or reset OTA, two synaptic currents) in closed form. A neuron that may fire
 * waits in a heap for the earliest time its threshold can be reached, found by conservative
 * advancement: from V < θ the membrane cannot rise faster than the sum of its rising terms'
 * slopes now, so it cannot reach θ before (θ - V) / slope. The crossing is located to its
 * cycle, which fixes exactly the edge of the neuron's refractory clock it fires at. A neuron
 * with an AdEx term on (exponential, adaptation, COBA) is "stepped": the same closed form holds
 * for one step at a time with those terms frozen (adex.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analog_input.h"
#include "analog_internal.h"

#define NOT_QUEUED 0xFFFFu
#define NEVER UINT64_MAX


static void build_rest(bss2_chip *c);

/* ---- life cycle --------------------------------------------------------------------------- */

int bss2_cm_analog_new(bss2_chip *c) {
    /* (aligned as its neurons: a neuron's fields that an event touches share three cache
     * lines, and its index is a shift) */
    size_t align = _Alignof(bss2_cm_analog);
    size_t size = (sizeof(bss2_cm_analog) + align - 1u) / align * align;
    bss2_cm_analog *an = aligned_alloc(align, size);
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
        [MM_TAU_EXC] = BSS2_AN_MM_TAU_SYN, [MM_TAU_INH] = BSS2_AN_MM_TAU_SYN,
        [MM_DELTA_T] = BSS2_AN_MM_DELTA_T, [MM_TAU_W] = BSS2_AN_MM_ADAPT,
        [MM_A] = BSS2_AN_MM_ADAPT, [MM_B] = BSS2_AN_MM_ADAPT};
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        for (unsigned k = 0; k < BSS2_CM_MM_PER_NEURON; k++) {
            an->mm[n][k] = (float)bss2_cm_gauss(c->seed, 1u + k, n);
            an->gain[n][k] = (float)exp(sigma_log[k] * an->mm[n][k]);
        }
    }
    an->madc_mm[0] = bss2_cm_gauss(c->seed, 200u, 0);
    an->madc_mm[1] = bss2_cm_gauss(c->seed, 200u, 1);
    for (unsigned ch = 0; ch < 2u * 2u * 256u; ch++) {
        float *mm = an->cadc_mm[ch / 512u][(ch / 256u) % 2u][ch % 256u];
        mm[0] = (float)bss2_cm_gauss(c->seed, 500u, ch);
        mm[1] = (float)bss2_cm_gauss(c->seed, 501u, ch);
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

/* Bring neuron x's state to cycle t. */
static void advance(bss2_cm_an_neuron *x, uint64_t t) {
    if (x->stepped) {
        bss2_cm_adex_step(x, t);
    } else {
        rebase(x, t);
    }
}

/* Coefficients of the closed form for the current phase, from the state at t0. */
static void coefficients(bss2_cm_an_neuron *x, int resetting) {
    int p = resetting != 0, gated = resetting && x->pause;
    x->rate = x->ph_rate[p];
    if (x->stepped) {
        bss2_cm_adex_coefficients(x, p, gated);
        return;
    }
    x->e_eff = x->ph_e_eff[p];
    x->ke = gated ? 0.0 : x->ie0 * x->ph_k_exc[p];
    x->ki = gated ? 0.0 : -x->ii0 * x->ph_k_inh[p];
    x->a = x->v0 - x->e_eff - x->ke - x->ki;
}

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
static void resume_phase(bss2_chip *c, unsigned n) {
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

/* A stepped neuron (not firing) waits at most until its next step (after what it waits for
 * else: resume, a blocked fire). The batched inputs never get here: they take no stepped ones. */
static void next_step(bss2_cm_analog *an, unsigned n) {
    const bss2_cm_an_neuron *x = &an->n[n];
    if (x->stepped && x->phase != BSS2_CM_FIRING) {
        uint64_t end = x->t0 + x->step;
        if (an->pos[n] == NOT_QUEUED || bss2_cm_t_lt(end, an->key[n])) {
            wait_until(an, n, end);
        }
    }
}

/* Continue neuron n at now in its phase (resume_phase), a stepped one until its next step. */
static void resume(bss2_chip *c, unsigned n) {
    resume_phase(c, n);
    next_step(c->analog, n);
}

void bss2_cm_analog_reset(bss2_chip *c, unsigned n, int pulse) {
    bss2_cm_madc_watch(c, n);
    bss2_cm_an_neuron *x = &c->analog->n[n];
    const bss2_cm_neuron *u = backend_of(c, n);
    unsigned hold = BSS2_AN_HOLDOFF_BASE - 2u * u->holdoff;
    unsigned ticks = u->refractory_time > hold ? u->refractory_time - hold : 0u;
    advance(x, c->now);
    if (c->analog->noise) { /* the comparator's noise, anew (analog.h: NOISE_MEMBRANE) */
        x->th_noise = BSS2_AN_NOISE_MEMBRANE * bss2_cm_noise(c);
        x->v_th = x->v_th0 + x->th_noise;
    }
    if (pulse >= 0 && x->adapt_on) { /* the adaptation pulse of a spike: b per its length */
        x->w = min2(max2(x->w + ldexp(x->b_w, pulse - BSS2_AN_ADAPT_PULSE_REF), x->w_lo), x->w_hi);
    }
    x->phase = BSS2_CM_RESET;
    x->phase_end = c->now + ((uint64_t)ticks << c->array.backend[u->block].scale[u->input_clock]);
    resume(c, n);
}

/* The backend samples the fire signal of neuron n now. */
static void fire(bss2_chip *c, unsigned n) {
    bss2_cm_an_neuron *x = &c->analog->n[n];
    advance(x, c->now);
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
    next_step(c->analog, n);
}

/* ---- the chip's side ---------------------------------------------------------------------- */

static void update(bss2_chip *c, unsigned n) {
    bss2_cm_madc_watch(c, n);
    advance(&c->analog->n[n], c->now);
    bss2_cm_analog_derive(c, n, &c->analog->n[n], 0);
    resume(c, n);
}

/* The neurons as a chip reset leaves them (cleared registers: nothing fires), at rest. */
static void build_rest(bss2_chip *c) {
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        bss2_cm_an_neuron *x = &c->analog->rest[n];
        memset(x, 0, sizeof *x);
        bss2_cm_analog_derive(c, n, x, 1);
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
    bss2_cm_correlation_chip_reset(c);
}

void bss2_cm_analog_set_noise(bss2_chip *c, int on) {
    bss2_cm_madc_before(c, c->now, 1);
    c->analog->noise = on != 0;
    for (unsigned n = 0; !on && n < BSS2_CM_NEURONS; n++) { /* (off: the comparators quiet) */
        bss2_cm_an_neuron *x = &c->analog->n[n];
        x->th_noise = 0.0;
        x->v_th = x->v_th0;
    }
}

void bss2_cm_analog_set_mismatch(bss2_chip *c, int on) {
    bss2_cm_madc_before(c, c->now, 1);
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
        } else if (off == BSS2_FM_CAPMEM_SYN_I_BIAS_STORE ||
                   off == BSS2_FM_CAPMEM_SYN_I_BIAS_RAMP) {
            bss2_cm_correlation_biases(c);
        }
        return;
    }
    unsigned word = 0;
    int e = bss2_fm_neuron_config_coord(address, &word);
    if (e >= 0) {
        bss2_cm_madc_stale(c); /* its readout switches may have changed */
        update(c, bss2_fm_neuron_config_atomic[e]);
        return;
    }
    for (unsigned b = 0; b < BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_COUNT; b++) {
        if (address == bss2_fm_common_neuron_backend_config_address[b][0]) {
            for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
                if (c->array.neuron[n].block == b) {
                    bss2_cm_madc_watch(c, n);
                    advance(&c->analog->n[n], c->now);
                    resume(c, n);
                }
            }
            return;
        }
    }
}

void bss2_cm_analog_input(bss2_chip *c, unsigned n, int inh, double weight) {
    bss2_cm_an_neuron *x = &c->analog->n[n];
    double k = inh ? x->k_inh : x->k_exc;
    if (k == 0.0) {
        return;
    }
    bss2_cm_madc_watch(c, n);
    advance(x, c->now);
    if (inh) {
        x->ii0 = saturate(x->ii0, weight * k * x->inv_sat_inh, x->sat_inh, x->inv_sat_inh);
    } else {
        x->ie0 = saturate(x->ie0, weight * k * x->inv_sat_exc, x->sat_exc, x->inv_sat_exc);
    }
    resume(c, n);
}

/* Pass 3 of bss2_cm_analog_inputs for `inh` (a constant where it is inlined): the free targets
 * take their inputs; those that may now cross, or are queued, join later[m...]. Returns the new
 * length of later. */
static inline __attribute__((always_inline)) unsigned
admit(bss2_chip *c, int inh, const uint16_t *targets, const double *weights, const uint16_t *fast,
      unsigned nf, const double *f, const double *g, const uint16_t *at, uint16_t *later,
      unsigned m) {
    bss2_cm_analog *an = c->analog;
    for (unsigned j = 0; j < nf; j++) {
        unsigned i = fast[j], n = targets[i];
        double up = !inh && at[j] == 256u
                        ? input_free(&an->n[n], &f[2u * j], 0.0, c->now, 0, weights[i], 1)
                        : input_free(&an->n[n], &f[2u * j], g[at[j]], c->now, inh, weights[i], 0);
        later[m] = (uint16_t)i; /* (kept without a branch: which ones is data, unpredictable) */
        m += (unsigned)(up >= an->n[n].v_th) | (unsigned)(an->pos[n] != NOT_QUEUED);
    }
    return m;
}

/* In three passes (the exponentials' arguments, the exponentials, the rest), each short enough
 * that the CPU overlaps many targets: one pass for it all is a chain too long for that. The
 * inhibitory term's exponential only where it is active (as in an excitatory network). */
void bss2_cm_analog_inputs(bss2_chip *c, int inh, const uint16_t *targets, const double *weights,
                           unsigned count) {
    bss2_cm_analog *an = c->analog;
    uint16_t fast[256], later[256]; /* free targets; those that may cross, are queued or not free */
    uint16_t at[256];               /* where a free target's inhibitory factor is in g */
    double f[2 * 256], g[257];      /* (g[256]: the factor of an idle inhibitory term, 0) */
    count = count < 256u ? count : 256u;
    g[256] = 0.0;
    uint32_t batch = ++an->batches;
    if (batch == 0u) { /* (wrapped: no neuron was in batch 0) */
        memset(an->batch_of, 0, sizeof an->batch_of);
        batch = an->batches = 1u;
    }
    unsigned k[3];
    if (inh) {
        classify(c, 1, targets, count, batch, f, g, at, fast, later, k);
    } else {
        classify(c, 0, targets, count, batch, f, g, at, fast, later, k);
    }
    unsigned nf = k[0], ng = k[1], m = k[2];
    bss2_cm_exp_neg_array(f, 2u * nf);
    bss2_cm_exp_neg_array(g, ng);
    m = inh ? admit(c, 1, targets, weights, fast, nf, f, g, at, later, m)
            : admit(c, 0, targets, weights, fast, nf, f, g, at, later, m);
    for (unsigned j = 0; j < m; j++) {
        unsigned i = later[j] & ~SLOW, n = targets[i];
        bss2_cm_an_neuron *x = &an->n[n];
        if (later[j] & SLOW) {
            bss2_cm_analog_input(c, n, inh, weights[i]); /* not free, or a repeat: in general */
        } else if (x->phase != BSS2_CM_FREE) {
            continue; /* (a repeat's input fired it: fire_at took over) */
        } else if (x->can_fire && c->array.backend[backend_of(c, n)->block].clocks) {
            check(c, n);
        } else {
            wait_until(an, n, NEVER);
        }
    }
}

double bss2_cm_analog_synapse_gain(bss2_chip *c, unsigned s, unsigned r, unsigned j) {
    bss2_cm_analog *an = c->analog;
    if (!an->syn_drawn[s][r]) { /* (a row's draws at its first use: most rows stay unused) */
        for (unsigned k = 0; k < 256u; k++) {
            double z = bss2_cm_gauss(c->seed, 100u, (s * 256u + r) * 256u + k);
            an->syn_gain[s][r][k] = (float)z;
        }
        an->syn_drawn[s][r] = 1;
    }
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
    c->madc.neurons_first = 1; /* (a sample due now sees these events) */
    while (an->heap_len > 0 && bss2_cm_t_le(an->key[an->heap[0]], c->now)) {
        unsigned n = an->heap[0];
        bss2_cm_an_neuron *x = &an->n[n];
        bss2_cm_madc_watch(c, n);
        if (x->phase == BSS2_CM_FIRING) {
            fire(c, n);
        } else {
            advance(x, c->now);
            resume(c, n);
        }
    }
    c->madc.neurons_first = 0;
}
