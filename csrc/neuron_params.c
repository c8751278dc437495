/* The analog neurons' parameters: from a neuron's CapMem cells, its NeuronConfig, its quadrant's
 * syn_i_bias_dac and the fixed pattern, through the transfer functions of analog.h. */
#include <math.h>

#include "analog_internal.h"

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


/* The parameters of neuron n into *x, from its registers (all 0 if `cleared`). */
void bss2_cm_analog_derive(const bss2_chip *c, unsigned n, bss2_cm_an_neuron *x, int cleared) {
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
    x->v_th0 = BSS2_AN_V_CAPMEM_LSB * CELL(V_THRESHOLD) +
               BSS2_AN_MM_COMPARATOR * draw(an, n, MM_COMPARATOR);
    x->v_th = x->v_th0 + x->th_noise;
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
    /* the AdEx terms (analog.h) */
    x->exp_on = (uint8_t)WFIELD(w, NEURON_CONFIG_ENABLE_EXPONENTIAL);
    x->exp_i0 = BSS2_AN_EXP_I_LSB * CELL(I_BIAS_EXP);
    x->v_exp = BSS2_AN_V_CAPMEM_LSB * CELL(V_EXP) - sf + BSS2_AN_MM_V_EXP * draw(an, n, MM_V_EXP);
    x->delta_t = BSS2_AN_EXP_DELTA_T * gain(an, n, MM_DELTA_T);
    x->adapt_on = (uint8_t)WFIELD(w, NEURON_CONFIG_ENABLE_ADAPTATION);
    x->tau_w = power_law(BSS2_AN_TAU_ADAPT_A, BSS2_AN_TAU_ADAPT_K, CELL(I_BIAS_ADAPT_TAU)) *
               gain(an, n, MM_TAU_W);
    x->a_w = BSS2_AN_ADAPT_A_LSB * CELL(I_BIAS_ADAPT_A) * gain(an, n, MM_A) *
             (WFIELD(w, NEURON_CONFIG_INVERT_ADAPTATION_A) ? -1.0 : 1.0);
    x->b_w = BSS2_AN_ADAPT_B_LSB * CELL(I_BIAS_ADAPT_B) * gain(an, n, MM_B) *
             (WFIELD(w, NEURON_CONFIG_INVERT_ADAPTATION_B) ? -1.0 : 1.0);
    x->e_adapt = BSS2_AN_V_CAPMEM_LSB * (CELL(V_ADAPT_LEAK) + BSS2_AN_ADAPT_LEAK_SHIFT) - sf;
    x->v_ref_w = BSS2_AN_V_CAPMEM_LSB * CELL(V_ADAPT_REF) - sf;
    x->w_lo = BSS2_AN_ADAPT_G_WM * (0.0 - x->v_ref_w);
    x->w_hi = BSS2_AN_ADAPT_G_WM * (BSS2_AN_V_DD - x->v_ref_w);
    if (!x->adapt_on) {
        x->w = 0.0; /* (decided: a switched-off adaptation state counts as relaxed to v_ref) */
    }
    x->w = min2(max2(x->w, x->w_lo), x->w_hi);
    x->coba_exc = (uint8_t)WFIELD(w, NEURON_CONFIG_ENABLE_SYNAPTIC_INPUT_EXCITATORY_COBA_MODE);
    x->coba_inh = (uint8_t)WFIELD(w, NEURON_CONFIG_ENABLE_SYNAPTIC_INPUT_INHIBITORY_COBA_MODE);
    x->sigma_exc = BSS2_AN_COBA_LSB * CELL(I_BIAS_SYNIN_EXC_COBA);
    x->sigma_inh = BSS2_AN_COBA_LSB * CELL(I_BIAS_SYNIN_INH_COBA);
    x->e_rev_exc = BSS2_AN_V_CAPMEM_LSB * CELL(E_SYNIN_EXC_REV) - sf;
    x->e_rev_inh = BSS2_AN_V_CAPMEM_LSB * CELL(E_SYNIN_INH_REV) - sf;
    x->stepped = (uint8_t)(x->exp_on || x->adapt_on || x->coba_exc || x->coba_inh);
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

