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

double bss2_cm_analog_correlation(const bss2_chip *c, unsigned s, unsigned t, unsigned r,
                                  unsigned j) {
    uint64_t synapse = (s * 256u + r) * 256u + j;
    double z = c->analog->mismatch ? bss2_cm_gauss(c->seed, 400u + t, synapse) : 0.0;
    return BSS2_AN_CORRELATION_BASELINE + BSS2_AN_MM_BASELINE * z;
}
