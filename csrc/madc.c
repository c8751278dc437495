/* The MADC: a 10-bit sampling ADC behind a two-input multiplexer, fed by the neurons' readout
 * lines; its samples go to the host as MADCSamplePack1 messages. The decisions are in
 * chip_model.c ("MADC"), the constants in analog.h, register layouts in field_map.inc.
 */
#include <math.h>
#include <string.h>

#include "analog.h"
#include "chip_internal.h"
#include "field_map.inc"

#define FIELD BSS2_FM_FIELD
#define CONFIG(NAME) FIELD(config[BSS2_FM_MADC_CONFIG_##NAME##_WORD], MADC_CONFIG_##NAME)
#define TICKS_PER_CYCLE 4u /* the MADC clock (500 MHz) per FPGA cycle (125 MHz) */

_Static_assert(BSS2_FM_MADC_CONFIG_WORDS == sizeof((bss2_cm_madc *)0)->config / sizeof(uint32_t),
               "bss2_cm_madc.config holds MADCConfig");

static inline uint32_t reg(const bss2_chip *c, uint32_t address) {
    return bss2_cm_regmap_get(&c->chip_regs, address, 0);
}

static void read_config(const bss2_chip *c, uint32_t config[BSS2_FM_MADC_CONFIG_WORDS]) {
    for (unsigned i = 0; i < BSS2_FM_MADC_CONFIG_WORDS; i++) {
        config[i] = reg(c, bss2_fm_madc_config_address[0][i]);
    }
}

/* MADC clock ticks between two samples. */
static uint64_t period(const uint32_t *config) {
    uint64_t ticks = 12u + CONFIG(SAMPLE_DURATION_ADJUST);
    if (CONFIG(ENABLE_MADC_CLOCK_SCALING)) {
        ticks *= 2u * (CONFIG(MADC_CLOCK_SCALE_VALUE) + 1u);
    }
    return ticks;
}

void bss2_cm_madc_control(bss2_chip *c, uint32_t word) {
    bss2_cm_madc *m = &c->madc;
#define CONTROL(NAME) FIELD(word, MADC_CONTROL_##NAME)
    m->continuous = (uint8_t)CONTROL(ENABLE_CONTINUOUS_SAMPLING);
    m->power_down = (uint8_t)CONTROL(ENABLE_POWER_DOWN_AFTER_SAMPLING);
    if (CONTROL(STOP_RECORDING)) {
        m->sampling = 0;
        if (m->power_down) {
            m->awake = 0;
        }
    }
    if (CONTROL(WAKE_UP)) {
        m->awake = 1;
    }
    if (CONTROL(START_RECORDING) && m->awake && !m->sampling) {
        uint32_t *config = m->config; /* read once: the sampling runs on these settings */
        read_config(c, config);
        m->left = CONFIG(NUMBER_OF_SAMPLES);
        m->sampling = m->continuous || m->left > 0;
        m->period = period(config);
        m->next = c->now * TICKS_PER_CYCLE + m->period; /* the first conversion takes a period */
        m->taken = 0;
    }
#undef CONTROL
}

int bss2_cm_madc_next(const bss2_chip *c, uint64_t *t) {
    if (!c->madc.sampling) {
        return 0;
    }
    *t = c->madc.next / TICKS_PER_CYCLE;
    return 1;
}

void bss2_cm_madc_written(bss2_chip *c, uint32_t address) {
    if (address == bss2_fm_readout_source_selection_address[0][0] ||
        address == bss2_fm_readout_source_selection_address[0][1]) {
        c->madc.stale = 1;
    }
}

/* The neurons that drive each readout line (hemisphere h, parity p: 0 even, 1 odd columns) and
 * their readout sources, from the NeuronConfigs, and the readout selection's switches (rebuilt
 * when one changed). */
static void find_drivers(bss2_chip *c) {
    bss2_cm_madc *m = &c->madc;
    uint32_t words[2] = {reg(c, bss2_fm_readout_source_selection_address[0][0]),
                         reg(c, bss2_fm_readout_source_selection_address[0][1])};
    for (unsigned i = 0; i < 2u; i++) {
#define SWITCH(NAME) (uint8_t)((words[bss2_fm_readout_source_selection_buffers_##NAME##_word[i]] >>  \
                                bss2_fm_readout_source_selection_buffers_##NAME##_lsb[i]) & 1u)
        m->on[i][0] = SWITCH(neuron_even_0);
        m->on[i][1] = SWITCH(neuron_odd_0);
        m->on[i][2] = SWITCH(neuron_even_1);
        m->on[i][3] = SWITCH(neuron_odd_1);
#undef SWITCH
    }
    memset(m->count, 0, sizeof m->count);
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        unsigned e = bss2_fm_neuron_config_of_atomic[n];
        uint32_t w1 = reg(c, bss2_fm_neuron_config_base[e / BSS2_FM_NEURON_CONFIG_PER_BLOCK] +
                                 (e % BSS2_FM_NEURON_CONFIG_PER_BLOCK) *
                                     BSS2_FM_NEURON_CONFIG_STRIDE +
                                 BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_WORD);
        int buffered = FIELD(w1, NEURON_CONFIG_ENABLE_READOUT) &&
                       FIELD(w1, NEURON_CONFIG_ENABLE_READOUT_AMPLIFIER);
        if (!buffered && !FIELD(w1, NEURON_CONFIG_ENABLE_UNBUFFERED_ACCESS)) {
            continue;
        }
        unsigned l = (n / 256u) * 2u + (n % 256u) % 2u, k = m->count[l];
        if (k < BSS2_CM_MADC_LINE_DRIVERS) { /* (more drivers than that: the first ones) */
            m->driver[l][k] = (uint16_t)n;
            m->source[l][k] = (uint8_t)FIELD(w1, NEURON_CONFIG_READOUT_SOURCE);
            m->count[l] = (uint8_t)(k + 1u);
        }
    }
    m->stale = 0;
}

/* What line l carries at cycle t, in volts, in *v; 0 if no neuron drives it. Neurons sharing a
 * line short their outputs: the mean. */
static int line(const bss2_chip *c, unsigned l, double *v, uint64_t t) {
    const bss2_cm_madc *m = &c->madc;
    double sum = 0;
    for (unsigned k = 0; k < m->count[l]; k++) {
        sum += bss2_cm_analog_readout(c, m->driver[l][k], m->source[l][k], t);
    }
    *v = m->count[l] ? sum / m->count[l] : 0.0;
    return m->count[l] > 0;
}

_Static_assert(BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_WORD ==
                       BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_AMPLIFIER_WORD &&
                   BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_WORD ==
                       BSS2_FM_NEURON_CONFIG_ENABLE_UNBUFFERED_ACCESS_WORD &&
                   BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_WORD ==
                       BSS2_FM_NEURON_CONFIG_READOUT_SOURCE_WORD,
               "the readout switches share a word");

/* The 10-bit code of a sample of multiplexer input `input` at cycle t. */
static uint32_t convert(bss2_chip *c, const uint32_t *config, unsigned input, uint64_t t) {
    if (CONFIG(ENABLE_DUMMY_DATA)) { /* a sawtooth test pattern */
        return (uint32_t)(c->madc.taken & 0x3FFu);
    }
    double v = 0;
    if (CONFIG(CONNECT_PREAMP_TO_MADC) && CONFIG(SIGNAL_SELECTION_CONNECT_PREAMP) &&
        CONFIG(SIGNAL_SELECTION_CONNECT_ACTIVE_MUX)) {
        double sum = 0, value = 0;
        unsigned k = 0;
        for (unsigned l = 0; l < 4u; l++) { /* (lines: 2 hemisphere + parity) */
            if (c->madc.on[input][l] && line(c, l, &value, t)) {
                sum += value;
                k++;
            }
        }
        v = k ? sum / k : 0.0; /* an input nothing drives reads 0 V */
    }
    double code = bss2_cm_analog_madc_code(c, v) + 0.5; /* rounded, within 10 bits */
    return code < 1.0 ? 0u : code >= 1023.0 ? 1023u : (uint32_t)code;
}

/* At most this many samples are taken ahead of now (they wait among the responses). */
#define AHEAD 1024u

/* The samples due now; then, if nothing else is due now, those due before the next thing that
 * happens elsewhere (and by `limit`, the time advance() goes to: the program acts then): until
 * then every neuron follows its closed form, and a sample changes nothing but the responses, so
 * taking them now in one go gives the same samples as one step each, for less. */
void bss2_cm_madc_run(bss2_chip *c, uint64_t limit) {
    bss2_cm_madc *m = &c->madc;
    if (!m->sampling) {
        return;
    }
    const uint32_t *config = m->config;
    if (m->stale) {
        find_drivers(c);
    }
    uint64_t horizon = c->now, other = 0;
    if (!bss2_cm_fabric_next_but_madc(c, &other) || bss2_cm_t_lt(c->now, other)) {
        horizon = limit;
        if (other != 0 && bss2_cm_t_lt(other - 1u, horizon)) {
            horizon = other - 1u;
        }
        uint64_t cap = c->now + (AHEAD * m->period) / TICKS_PER_CYCLE;
        horizon = bss2_cm_t_lt(cap, horizon) ? cap : horizon;
        horizon = bss2_cm_t_lt(horizon, c->now) ? c->now : horizon;
    }
    unsigned length = CONFIG(ACTIVE_MUX_INPUT_SELECT_LENGTH);
    unsigned first = CONFIG(ACTIVE_MUX_INITIALLY_SELECTED_INPUT);
    while (m->sampling && bss2_cm_t_le(m->next / TICKS_PER_CYCLE, horizon)) {
        /* the mux stays on its initial input, or alternates every `length` samples */
        unsigned input = length ? (first + (unsigned)(m->taken / length)) % 2u : first;
        uint64_t t = m->next / TICKS_PER_CYCLE;
        t = bss2_cm_t_lt(t, c->now) ? c->now : t; /* (one falling due while time stood) */
        uint32_t value = convert(c, config, input, t);
        unsigned half = (unsigned)(m->next % TICKS_PER_CYCLE) >= TICKS_PER_CYCLE / 2u;
        bss2_cm_fabric_sample(c, (value & 0x3FFu) | (input << 10), t, half);
        m->taken++;
        m->next += m->period;
        if (!m->continuous && --m->left == 0) {
            m->sampling = 0;
            if (m->power_down) {
                m->awake = 0;
            }
        }
    }
}
