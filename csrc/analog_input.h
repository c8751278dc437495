/* A synaptic input's arithmetic: the saturating input OTA, and the batched path's update
 * of a free neuron. Private to neuron.c. */
#ifndef BSS2_ANALOG_INPUT_H
#define BSS2_ANALOG_INPUT_H

#include "analog_internal.h"

/* The input OTA's current i after an event of d = weight k / sat: its line voltage adds
 * linearly, I = sat tanh(u), so tanh(u + d) = (I/sat + tanh d) / (1 + I/sat tanh d). */
static inline double saturate(double i, double d, double sat, double inv_sat) {
    double r = min2(max2(i * inv_sat, -0.999999), 0.999999);
    double t = fabs(d) < 0.2 ? d * (1.0 - d * d * (1.0 / 3.0 - d * d * (2.0 / 15.0))) : tanh(d);
    return sat * (r + t) / (1.0 + r * t);
}

/* The batched path of bss2_cm_analog_inputs for a free neuron: given the decay factors fm, fe,
 * fi since t0, rebase to now, the input and the leak phase's coefficients as in
 * bss2_cm_analog_input; returns a bound of the membrane from now on (see first_reach): with a
 * rising slow leak term a > 0 and one falling faster synaptic term alone, V - e_eff = a X + k X^q
 * (X = e^(-s/τ_m), q = τ_m/τx > 1) peaks below a (1 - 1/q); with a falling slower one it is
 * convex in X, so at most max(V, e_eff); otherwise the rising terms' sum. */
/* `idle` (a constant where it is inlined): an excitatory input where the inhibitory term is idle
 * (ii0 and ki zero, its decay factor fi 0). What that leaves out gives the same bits (ii0 * 0 is
 * ii0; ki * 0 and max(ki, 0) add a zero; ki == 0 picks the bound's factor), with a seventh fewer
 * instructions. */
static inline __attribute__((always_inline)) double
input_free(bss2_cm_an_neuron *x, const double *f, double fi, uint64_t now, int inh, double weight,
           int idle) {
    double v = x->e_eff + x->a * f[0] + x->ke * f[1];
    v = idle ? v : v + x->ki * fi;
    double v0 = min2(max2(v, 0.0), BSS2_AN_V_DD);
    double ie = x->ie0 * f[1], ii = idle ? x->ii0 : x->ii0 * fi;
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
    if (idle) {
        return max2(x->e_eff + max2(a, 0.0) * (ke < 0.0 ? x->peak_exc : 1.0) + max2(ke, 0.0), v0);
    }
    double fa = ke < 0.0 && ki == 0.0 ? x->peak_exc : ki < 0.0 && ke == 0.0 ? x->peak_inh : 1.0;
    return max2(x->e_eff + max2(a, 0.0) * fa + max2(ke, 0.0) + max2(ki, 0.0), v0);
}

/* A double's bits without the sign: 0 for +-0.0 (a test for zero without the compare's NaN
 * handling; the values here are finite). */
static inline uint64_t magnitude(double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u << 1;
}

#define SLOW 0x8000u /* (a later[] entry for the general path) */

/* Pass 1 of bss2_cm_analog_inputs, for `inh` (a constant where it is inlined): the free targets
 * into fast[] with their exponentials' arguments (f: the membrane's and their own input's; g:
 * the inhibitory term's where it is active, its index in at[], else 256); the targets not free,
 * stepped, watched by the MADC, or a repeat in this batch into later[], marked SLOW; targets
 * whose input is off nowhere. Counts into n[0..3): fast, g, later. */
static inline __attribute__((always_inline)) void
classify(bss2_chip *c, int inh, const uint16_t *targets, unsigned count, uint32_t batch, double *f,
         double *g, uint16_t *at, uint16_t *fast, uint16_t *later, unsigned n[3]) {
    bss2_cm_analog *an = c->analog;
    unsigned nf = 0, ng = 0, m = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned t = targets[i];
        const bss2_cm_an_neuron *x = &an->n[t];
        uint32_t flags; /* phase, can_fire, pause, stepped: phase FREE (0) and not stepped? */
        memcpy(&flags, &x->phase, sizeof flags);
        unsigned repeat = an->batch_of[t] == batch;
        an->batch_of[t] = batch;
        if ((flags & UINT32_C(0xFF0000FF)) | repeat | c->madc.watched[t]) {
            later[m++] = (uint16_t)(i | SLOW);
            continue;
        }
        if (magnitude(inh ? x->k_inh : x->k_exc) == 0) {
            continue;
        }
        double s = elapsed(x, c->now);
        f[2u * nf] = s * x->rate;
        f[2u * nf + 1u] = s * x->rate_exc;
        fast[nf] = (uint16_t)i;
        at[nf] = 256u;
        if (inh || (magnitude(x->ii0) | magnitude(x->ki)) != 0) {
            at[nf] = (uint16_t)ng;
            g[ng++] = s * x->rate_inh;
        }
        nf++;
    }
    n[0] = nf;
    n[1] = ng;
    n[2] = m;
}

#endif /* BSS2_ANALOG_INPUT_H */
