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

static void find_drivers(bss2_chip *c);

/* The sampling ends (powered down if so enabled): no neuron is watched. */
static void stop(bss2_chip *c) {
    bss2_cm_madc *m = &c->madc;
    m->sampling = 0;
    if (m->power_down) {
        m->awake = 0;
    }
    memset(m->watched, 0, sizeof m->watched);
}

void bss2_cm_madc_control(bss2_chip *c, uint32_t word) {
    bss2_cm_madc *m = &c->madc;
#define CONTROL(NAME) FIELD(word, MADC_CONTROL_##NAME)
    m->continuous = (uint8_t)CONTROL(ENABLE_CONTINUOUS_SAMPLING);
    m->power_down = (uint8_t)CONTROL(ENABLE_POWER_DOWN_AFTER_SAMPLING);
    if (CONTROL(STOP_RECORDING) && m->sampling) {
        stop(c);
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
        if (m->sampling) {
            find_drivers(c); /* (the neurons to watch) */
        }
    }
#undef CONTROL
}

void bss2_cm_madc_written(bss2_chip *c, uint32_t address) {
    if (address == bss2_fm_readout_source_selection_address[0][0] ||
        address == bss2_fm_readout_source_selection_address[0][1]) {
        bss2_cm_madc_stale(c);
    }
}

void bss2_cm_madc_stale(bss2_chip *c) {
    c->madc.stale = 1;
    if (c->madc.sampling) { /* until the drivers are found again, every neuron is watched */
        memset(c->madc.watched, 1, sizeof c->madc.watched);
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
#define SWITCH(NAME)                                                                               \
    (uint8_t)((words[bss2_fm_readout_source_selection_buffers_##NAME##_word[i]] >>                 \
               bss2_fm_readout_source_selection_buffers_##NAME##_lsb[i]) & 1u)
        m->on[i][0] = SWITCH(neuron_even_0);
        m->on[i][1] = SWITCH(neuron_odd_0);
        m->on[i][2] = SWITCH(neuron_even_1);
        m->on[i][3] = SWITCH(neuron_odd_1);
#undef SWITCH
    }
    memset(m->count, 0, sizeof m->count);
    memset(m->watched, 0, sizeof m->watched);
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
            m->watched[n] = 1;
        }
    }
    m->stale = 0;
}

_Static_assert(BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_WORD ==
                       BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_AMPLIFIER_WORD &&
                   BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_WORD ==
                       BSS2_FM_NEURON_CONFIG_ENABLE_UNBUFFERED_ACCESS_WORD &&
                   BSS2_FM_NEURON_CONFIG_ENABLE_READOUT_WORD ==
                       BSS2_FM_NEURON_CONFIG_READOUT_SOURCE_WORD,
               "the readout switches share a word");

/* The samples of one go: cycle, half cycle, multiplexer input. */
#define GO 256u

/* The 10-bit codes of k samples (times t, multiplexer inputs in) into code. Neurons sharing a
 * readout line short their outputs (the line carries their mean); lines both switched to the
 * input likewise; an input nothing drives reads 0 V. The readouts of a line at all k times go at
 * once (bss2_cm_analog_readouts), then each sample's code in order (its noise draw). */
static void convert(bss2_chip *c, const uint32_t *config, const uint64_t *t, const uint8_t *in,
                    unsigned k, uint64_t taken, uint32_t *code) {
    const bss2_cm_madc *m = &c->madc;
    if (CONFIG(ENABLE_DUMMY_DATA)) { /* a sawtooth test pattern: the count of the sample */
        for (unsigned i = 0; i < k; i++) {
            code[i] = (uint32_t)((taken + i) & 0x3FFu);
        }
        return;
    }
    int connected = CONFIG(CONNECT_PREAMP_TO_MADC) && CONFIG(SIGNAL_SELECTION_CONNECT_PREAMP) &&
                    CONFIG(SIGNAL_SELECTION_CONNECT_ACTIVE_MUX);
    double line[4][GO];
    for (unsigned l = 0; l < 4u; l++) { /* (lines: 2 hemisphere + parity) */
        if (connected && m->count[l] > 0 && (m->on[0][l] || m->on[1][l])) {
            memset(line[l], 0, k * sizeof line[l][0]); /* (all-zero bits: 0.0) */
            for (unsigned d = 0; d < m->count[l]; d++) {
                bss2_cm_analog_readouts(c, m->driver[l][d], m->source[l][d], t, k, line[l]);
            }
        }
    }
    int single[2]; /* per input its one line with one neuron, if so (mostly: no arithmetic) */
    for (unsigned i = 0; i < 2u; i++) {
        unsigned lines = 0, last = 0;
        for (unsigned l = 0; connected && l < 4u; l++) {
            if (m->on[i][l] && m->count[l] > 0) {
                lines++;
                last = l;
            }
        }
        single[i] = lines == 1u && m->count[last] == 1u ? (int)last : -1;
    }
    double v[GO];
    for (unsigned i = 0; i < k; i++) {
        if (single[in[i]] >= 0) {
            v[i] = line[single[in[i]]][i];
            continue;
        }
        double sum = 0;
        unsigned lines = 0;
        for (unsigned l = 0; connected && l < 4u; l++) {
            if (m->on[in[i]][l] && m->count[l] > 0) {
                sum += m->count[l] == 1u ? line[l][i] : line[l][i] / m->count[l];
                lines++;
            }
        }
        v[i] = lines > 1u ? sum / lines : sum;
    }
    bss2_cm_analog_madc_codes(c, v, k, code);
}

/* The samples due before cycle t (and those due at t if `at_t`), converted with the neurons as
 * they are now and sent. The hooks (bss2_cm_madc_watch) call it before every change of a neuron
 * the MADC watches, every other response, every write and the end of a program: until then each
 * watched neuron follows its closed form and nothing else responds, so a sample converted late
 * reads, and lands in the responses, as if it had been converted at its time. (Taking samples
 * at their times instead costs a step of the event loop each: several times their conversion.) */
void bss2_cm_madc_convert(bss2_chip *c, uint64_t t, int at_t) {
    bss2_cm_madc *m = &c->madc;
    uint64_t last = at_t ? t : t - 1u; /* (the last cycle whose samples are due: some are, as
                                        * bss2_cm_madc_before checked) */
    if (m->stale) {
        find_drivers(c);
    }
    const uint32_t *config = m->config;
    unsigned length = CONFIG(ACTIVE_MUX_INPUT_SELECT_LENGTH);
    unsigned first = CONFIG(ACTIVE_MUX_INITIALLY_SELECTED_INPUT);
    while (m->sampling && bss2_cm_t_le(m->next / TICKS_PER_CYCLE, last)) {
        uint64_t times[GO];
        uint8_t half[GO], in[GO];
        uint32_t code[GO];
        uint64_t taken = m->taken;
        unsigned k = 0;
        while (k < GO && m->sampling && bss2_cm_t_le(m->next / TICKS_PER_CYCLE, last)) {
            /* the mux stays on its initial input, or alternates every `length` samples */
            in[k] = (uint8_t)(length ? (first + (unsigned)(m->taken / length)) % 2u : first);
            times[k] = m->next / TICKS_PER_CYCLE;
            half[k] = (uint8_t)((unsigned)(m->next % TICKS_PER_CYCLE) >= TICKS_PER_CYCLE / 2u);
            k++;
            m->taken++;
            m->next += m->period;
            if (!m->continuous && --m->left == 0) {
                stop(c);
            }
        }
        convert(c, config, times, in, k, taken, code);
        for (unsigned i = 0; i < k; i++) {
            code[i] = (code[i] & 0x3FFu) | ((uint32_t)in[i] << 10);
        }
        bss2_cm_fabric_samples(c, code, times, half, k);
    }
}
