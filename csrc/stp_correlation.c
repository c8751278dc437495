/* Per synapse driver and synapse: short-term plasticity and the correlation sensors. */
#include <math.h>

#include "analog_internal.h"

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

/* ---- correlation sensors ------------------------------------------------------------------ */

#define NEVER UINT64_MAX

/* The quadrants whose sensors accumulate (syn_i_bias_store and syn_i_bias_ramp both on), after a
 * CapMem write or a reset. */
void bss2_cm_correlation_biases(bss2_chip *c) {
    bss2_cm_analog *an = c->analog;
    an->corr_on[0] = an->corr_on[1] = 0;
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n += 128u) { /* one neuron per quadrant */
        unsigned b = bss2_fm_neuron_capmem_block[n];
        int on = cell(c, b, BSS2_FM_CAPMEM_SYN_I_BIAS_STORE) != 0 &&
                 cell(c, b, BSS2_FM_CAPMEM_SYN_I_BIAS_RAMP) != 0;
        an->corr_on[n / 256u] |= (uint8_t)(on << ((n / 128u) % 2u));
    }
}

void bss2_cm_correlation_chip_reset(bss2_chip *c) {
    bss2_cm_analog *an = c->analog;
    memset(an->corr, 0, sizeof an->corr);
    memset(an->t_pre, 0xFF, sizeof an->t_pre); /* NEVER */
    memset(an->t_post, 0xFF, sizeof an->t_post);
    memset(an->corr_drawn, 0, sizeof an->corr_drawn);
    an->corr_on[0] = an->corr_on[1] = 0;
}

/* The biases of quadrant block b relative to their references: store (η) and ramp (1/τ). */
typedef struct {
    double store, ramp;
} biases;

static biases biases_of(const bss2_chip *c, unsigned b) {
    return (biases){cell(c, b, BSS2_FM_CAPMEM_SYN_I_BIAS_STORE) / BSS2_AN_CORR_STORE_REF,
                    cell(c, b, BSS2_FM_CAPMEM_SYN_I_BIAS_RAMP) / BSS2_AN_CORR_RAMP_REF};
}

/* η (V per correlated event at Δt = 0) and 1/τ (per µs) of synapse (s, r, j) (entry e of quad
 * column q) from its quadrant's biases, its calibration bits (amp_calib, time_calib) and the
 * fixed pattern. */
typedef struct {
    double eta, rate;
} sensor;

static sensor sensor_of(bss2_chip *c, biases q_bias, unsigned s, unsigned r, unsigned q,
                        unsigned e) {
    bss2_cm_analog *an = c->analog;
    unsigned j = bss2_fm_synapse_column[4u * q + e];
    if (!an->corr_drawn[s][r]) { /* the row's fixed pattern, drawn at its first use */
        for (unsigned k = 0; k < 256u; k++) {
            uint64_t synapse = (s * 256u + r) * 256u + k;
            an->corr_eta[s][r][k] =
                (float)exp(BSS2_AN_MM_CORR_ETA * bss2_cm_gauss(c->seed, 410u, synapse));
            an->corr_tau[s][r][k] =
                (float)exp(BSS2_AN_MM_CORR_TAU * bss2_cm_gauss(c->seed, 411u, synapse));
        }
        an->corr_drawn[s][r] = 1;
    }
    uint32_t w0 = c->array.syn[s][r][bss2_fm_synapse_quad_time_calibs_word[e]][q];
    uint32_t w1 = c->array.syn[s][r][bss2_fm_synapse_quad_amp_calibs_word[e]][q];
    unsigned time_calib = (w0 >> bss2_fm_synapse_quad_time_calibs_lsb[e]) & 3u;
    unsigned amp_calib = (w1 >> bss2_fm_synapse_quad_amp_calibs_lsb[e]) & 3u;
    double eta = BSS2_AN_CORR_ETA * q_bias.store / (1.0 + BSS2_AN_CORR_AMP_CALIB * amp_calib);
    double tau = BSS2_AN_CORR_TAU / q_bias.ramp / (1.0 + BSS2_AN_CORR_TIME_CALIB * time_calib);
    if (an->mismatch) {
        eta *= an->corr_eta[s][r][j];
        tau *= an->corr_tau[s][r][j];
    }
    return (sensor){eta, 1.0 / tau};
}

/* A pre event reaches row r of synram s with 6-bit address `label`: every synapse of an active
 * quadrant whose label matches (whatever its weight) restarts its pre trace and adds the post
 * trace of its column to its acausal storage (nearest neighbour). */
void bss2_cm_correlation_pre(bss2_chip *c, unsigned s, unsigned r, unsigned label) {
    bss2_cm_analog *an = c->analog;
    const uint32_t *labels = c->array.syn[s][r][bss2_fm_synapse_quad_labels_word[0]];
    biases half[2] = {biases_of(c, bss2_fm_neuron_capmem_block[s * 256u]),
                      biases_of(c, bss2_fm_neuron_capmem_block[s * 256u + 128u])};
    for (unsigned q = 0; q < 64u; q++) {
        for (unsigned e = 0; e < 4u; e++) {
            unsigned j = bss2_fm_synapse_column[4u * q + e];
            if (((labels[q] >> bss2_fm_synapse_quad_labels_lsb[e]) & 0x3Fu) != label ||
                !((an->corr_on[s] >> (j / 128u)) & 1u)) {
                continue;
            }
            an->t_pre[s][r][j] = c->now;
            uint64_t post = an->t_post[s][j];
            if (post != NEVER) {
                sensor x = sensor_of(c, half[j / 128u], s, r, q, e);
                double dt = (double)(c->now - post) * US_PER_CYCLE;
                an->corr[s][r][j][1] += (float)(x.eta * exp_neg(dt * x.rate));
            }
        }
    }
}

/* Neuron n's post pulse (its spike registered): every synapse of its column in an active
 * quadrant adds its pre trace to its causal storage; the column's post trace restarts. */
void bss2_cm_correlation_post(bss2_chip *c, unsigned n) {
    bss2_cm_analog *an = c->analog;
    unsigned s = n / 256u, j = n % 256u;
    if (!((an->corr_on[s] >> (j / 128u)) & 1u)) {
        return;
    }
    an->t_post[s][j] = c->now;
    unsigned q = 0, e = 0;
    while (bss2_fm_synapse_column[4u * q + e] != j) { /* (its quad column and entry) */
        e = (e + 1u) % 4u;
        q += e == 0u;
    }
    biases column = biases_of(c, bss2_fm_neuron_capmem_block[n]);
    for (unsigned r = 0; r < 256u; r++) {
        uint64_t pre = an->t_pre[s][r][j];
        if (pre != NEVER) {
            sensor x = sensor_of(c, column, s, r, q, e);
            double dt = (double)(c->now - pre) * US_PER_CYCLE;
            an->corr[s][r][j][0] += (float)(x.eta * exp_neg(dt * x.rate));
        }
    }
}

/* CorrelationReset of quad column q in row r of synram s: its four storages back to the reset
 * level. */
void bss2_cm_correlation_reset(bss2_chip *c, unsigned s, unsigned r, unsigned q) {
    for (unsigned e = 0; e < 4u; e++) {
        unsigned j = bss2_fm_synapse_column[4u * q + e];
        c->analog->corr[s][r][j][0] = c->analog->corr[s][r][j][1] = 0.0f;
    }
}

/* The storage of channel type t (0 causal, 1 acausal) of synapse (s, r, j) as the CADC sees it:
 * the reset level (with its fixed pattern) lowered by the accumulated charge, which saturates
 * softly at CORR_A_MAX below it. */
double bss2_cm_analog_correlation(const bss2_chip *c, unsigned s, unsigned t, unsigned r,
                                  unsigned j) {
    uint64_t synapse = (s * 256u + r) * 256u + j;
    double z = c->analog->mismatch ? bss2_cm_gauss(c->seed, 400u + t, synapse) : 0.0;
    double a = c->analog->corr[s][r][j][t];
    a = BSS2_AN_CORR_A_MAX * (1.0 - exp_neg(a / BSS2_AN_CORR_A_MAX));
    return BSS2_AN_CORRELATION_BASELINE + BSS2_AN_MM_BASELINE * z - a;
}
