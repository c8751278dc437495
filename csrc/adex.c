/* The AdEx terms of a stepped neuron (neuron.c's "stepped" kind: exponential term, adaptation or
 * COBA inputs on): its step to a later cycle, and the closed form's coefficients with those terms
 * frozen over the next step. The decisions are in chip_model.c ("Analog neurons"), the constants
 * in analog.h (STEP_* and the AdEx transfer curves).
 */
#include <math.h>

#include "analog_internal.h"

/* e^y for any y, from exp_neg (the same bits everywhere). */
static double exp_any(double y) { return y <= 0.0 ? exp_neg(-y) : 1.0 / exp_neg(y); }

/* A stepped neuron to cycle t: the step's closed form brings V and the synaptic currents there,
 * and the adaptation current follows τ_w dw/dt = -w + a (V - E_a) with that V exactly: each
 * term c e^(-s r) of V adds a c (e^(-s r) - e^(-s/τ_w)) / (1 - r τ_w) to w (its limit s/τ_w
 * e^(-s/τ_w) at r τ_w = 1). Then w is held within V_w's rails. */
void bss2_cm_adex_step(bss2_cm_an_neuron *x, uint64_t t) {
    double s = elapsed(x, t);
    if (s > 0.0) { /* (rebase, sharing its exponentials) */
        double f[3] = {x->a != 0.0 ? exp_neg(s * x->rate) : 0.0,
                       x->ie0 != 0.0 || x->ke != 0.0 ? exp_neg(s * x->rate_exc) : 0.0,
                       x->ii0 != 0.0 || x->ki != 0.0 ? exp_neg(s * x->rate_inh) : 0.0};
        const double c[3] = {x->a, x->ke, x->ki}, r[3] = {x->rate, x->rate_exc, x->rate_inh};
        if (x->adapt_on) {
            double ew = exp_neg(s / x->tau_w), u = (x->e_eff - x->e_adapt) * (1.0 - ew);
            for (int k = 0; k < 3; k++) {
                if (c[k] != 0.0) {
                    double q = 1.0 - r[k] * x->tau_w;
                    u += c[k] * (fabs(q) > 1e-6 ? (f[k] - ew) / q : s / x->tau_w * ew);
                }
            }
            x->w = min2(max2(x->w * ew + x->a_w * u, x->w_lo), x->w_hi);
        }
        double v = x->e_eff + c[0] * f[0] + c[1] * f[1] + c[2] * f[2];
        x->v0 = min2(max2(v, 0.0), BSS2_AN_V_DD);
        x->ie0 *= f[1];
        x->ii0 *= f[2];
    }
    x->t0 = t;
}


/* The closed form's coefficients in phase p (gated: the inputs and the exponential term off)
 * with the AdEx terms frozen at membrane v and adaptation current w: the exponential current
 * and minus the adaptation current move the target e_eff; the COBA factors σ (E_rev - v) scale
 * the synaptic terms. */
static void terms_at(bss2_cm_an_neuron *x, int p, int gated, double v, double w) {
    double fe = x->coba_exc ? x->sigma_exc * (x->e_rev_exc - v) : 1.0;
    double fi = x->coba_inh ? x->sigma_inh * (v - x->e_rev_inh) : 1.0;
    x->i_exp = 0.0;
    if (x->exp_on && !gated) {
        x->i_exp = min2(x->exp_i0 * exp_any((v - x->v_exp) / x->delta_t), BSS2_AN_EXP_I_MAX);
    }
    x->e_eff = x->ph_e_eff[p] + ((x->adapt_on ? -w : 0.0) + x->i_exp) / (x->ph_rate[p] * x->c);
    x->ke = gated ? 0.0 : x->ie0 * x->ph_k_exc[p] * fe;
    x->ki = gated ? 0.0 : -x->ii0 * x->ph_k_inh[p] * fi;
    x->a = x->v0 - x->e_eff - x->ke - x->ki;
}

/* The cycles of the step from t0 (analog.h: STEP_*): at most STEP_MAX; the frozen currents
 * drifting by at most STEP_DRIFT g_L Δ_T over the step at their present rates (the exponential
 * current as V moves at its present slope, unless a rail holds it, though V may always move by
 * STEP_DV Δ_T; the adaptation current; the COBA currents with V); at most STEP_COUPLING of τ_w
 * and of the COBA inputs' C/g. At least one cycle. */
static uint64_t step_cycles(const bss2_cm_an_neuron *x) {
    double h = (double)BSS2_AN_STEP_MAX * US_PER_CYCLE; /* µs */
    double slope = -(x->a * x->rate + x->ke * x->rate_exc + x->ki * x->rate_inh); /* V/µs */
    int pinned = (x->v0 >= BSS2_AN_V_DD && slope > 0.0) || (x->v0 <= 0.0 && slope < 0.0);
    double drift = 0.0, g = 0.0; /* µA/µs; µS */
    if (!pinned && x->i_exp > 0.0 && slope != 0.0) { /* I_exp grows e-fold per Δ_T */
        double grow = log(1.0 + BSS2_AN_STEP_DRIFT * x->g_leak * x->delta_t / x->i_exp);
        h = min2(h, max2(grow, BSS2_AN_STEP_DV) * x->delta_t / fabs(slope));
    }
    if (x->adapt_on) {
        h = min2(h, BSS2_AN_STEP_COUPLING * x->tau_w);
        drift += fabs(x->a_w * (x->v0 - x->e_adapt) - x->w) / x->tau_w;
    }
    g = (x->coba_exc ? x->sigma_exc * fabs(x->ie0) : 0.0) +
        (x->coba_inh ? x->sigma_inh * fabs(x->ii0) : 0.0);
    if (g > 0.0) {
        h = min2(h, BSS2_AN_STEP_COUPLING * x->c / g);
        drift += g * fabs(slope);
    }
    if (drift * h > BSS2_AN_STEP_DRIFT * x->g_leak * x->delta_t) {
        h = BSS2_AN_STEP_DRIFT * x->g_leak * x->delta_t / drift;
    }
    return h >= US_PER_CYCLE ? (uint64_t)(h / US_PER_CYCLE) : 1u;
}

/* A stepped neuron's coefficients: its step's length from the terms at t0 (step_cycles), then
 * the terms frozen at the step's predicted middle (V from the terms at t0, w moved by half a
 * step at its present slope), a midpoint rule that keeps the steps' error second order. */
void bss2_cm_adex_coefficients(bss2_cm_an_neuron *x, int p, int gated) {
    terms_at(x, p, gated, x->v0, x->w);
    x->step = step_cycles(x);
    double half = 0.5 * (double)x->step * US_PER_CYCLE;
    double v = min2(max2(membrane_at(x, half), 0.0), BSS2_AN_V_DD);
    double w = x->w + (x->a_w * (x->v0 - x->e_adapt) - x->w) * half / x->tau_w;
    terms_at(x, p, gated, v, w);
}

