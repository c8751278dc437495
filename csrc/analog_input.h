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

#endif /* BSS2_ANALOG_INPUT_H */
