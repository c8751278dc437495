/* The CADC: per synram a ramp ADC of 2 × 256 channels (causal and acausal per synapse column),
 * read by the host as CADCSampleQuad (a trigger read converts the quad's whole row, a buffered
 * read returns the last conversion). The decisions are in chip_model.c ("CADC"), the constants
 * in analog.h, the layouts in field_map.inc.
 */
#include <math.h>

#include "analog.h"
#include "chip_internal.h"
#include "field_map.inc"

#define FIELD BSS2_FM_FIELD
#define ROWS 256u
#define QUADS 64u

/* Which sample register `address` is: synram *s, channel type *t, row *r, quad column *q and
 * whether it is a buffered read; 0 if none. */
static int decode(uint32_t address, unsigned *s, unsigned *t, unsigned *r, unsigned *q,
                  int *buffered) {
    for (unsigned i = 0; i < 2u; i++) {
        for (unsigned k = 0; k < 2u; k++) {
            uint32_t off = (address & ~BSS2_FM_CADC_BUFFERED) - bss2_fm_cadc_sample_base[i][k];
            if (off < ROWS * QUADS) {
                *s = i, *t = k, *r = off / QUADS, *q = off % QUADS;
                *buffered = (address & BSS2_FM_CADC_BUFFERED) != 0;
                return 1;
            }
        }
    }
    return 0;
}

int bss2_cm_cadc_is(uint32_t address) {
    unsigned s, t, r, q;
    int b;
    return decode(address, &s, &t, &r, &q, &b);
}

/* Bit `NAME` of entry e of the column correlation quad whose words are w. */
#define SW(w, e, name)                                                                             \
    (((w)[bss2_fm_column_correlation_quad_switches_##name##_word[e]] >>                            \
      bss2_fm_column_correlation_quad_switches_##name##_lsb[e]) &                                  \
     1u)

/* Convert row r of channel type t of synram s into the buffer. */
static void convert_row(bss2_chip *c, unsigned s, unsigned t, unsigned r) {
    uint32_t config = bss2_cm_peek(c, bss2_fm_cadc_config_address[s][0]);
    for (unsigned qc = 0; qc < QUADS; qc++) {
        const uint32_t *address = bss2_fm_column_correlation_quad_address[s * QUADS + qc];
        uint32_t w[BSS2_FM_COLUMN_CORRELATION_QUAD_WORDS];
        for (unsigned i = 0; i < BSS2_FM_COLUMN_CORRELATION_QUAD_WORDS; i++) {
            w[i] = bss2_cm_peek(c, address[i]);
        }
        for (unsigned e = 0; e < 4u; e++) {
            unsigned j = bss2_fm_synapse_column[4u * qc + e];
            if (!FIELD(config, CADC_CONFIG_ENABLE)) {
                c->cadc.buffer[s][t][j] = 0;
                continue;
            }
            unsigned internal = t ? SW(w, e, enable_internal_acausal)
                                  : SW(w, e, enable_internal_causal);
            unsigned neuron = t ? SW(w, e, enable_cadc_neuron_readout_acausal)
                                : SW(w, e, enable_cadc_neuron_readout_causal);
            double sum = 0;
            unsigned k = 0;
            if (internal) { /* the synapse's correlation storage: its baseline, for now */
                sum += bss2_cm_analog_correlation(c, s, t, r, j);
                k++;
            }
            if (neuron) {
                sum += bss2_cm_analog_cadc_neuron(c, s * 256u + j);
                k++;
            }
            double v = k ? sum / k : 0.0; /* shorted lines: the mean; none: 0 V */
            /* the offset, stored offset-binary; a never-written channel has offset 0 */
            unsigned raw = bss2_cm_regmap_get(&c->chip_regs, bss2_fm_cadc_channel_offset[s][t][j],
                                              0x80u) & 0xFFu;
            double code = bss2_cm_analog_cadc_code(c, s, t, j, v) + ((double)raw - 128.0);
            code = code < 0.0 ? 0.0 : code > 255.0 ? 255.0 : floor(code + 0.5);
            c->cadc.buffer[s][t][j] = (uint8_t)code;
        }
    }
}

int bss2_cm_cadc_read(bss2_chip *c, uint32_t address, uint32_t *v) {
    unsigned s, t, r, q;
    int buffered;
    if (!decode(address, &s, &t, &r, &q, &buffered)) {
        return 0;
    }
    if (!buffered) {
        convert_row(c, s, t, r);
    }
    uint32_t word = 0;
    for (unsigned e = 0; e < 4u; e++) {
        word |= (uint32_t)c->cadc.buffer[s][t][bss2_fm_synapse_column[4u * q + e]]
                << bss2_fm_cadc_sample_quad_samples_lsb[e];
    }
    *v = word;
    return 1;
}

int bss2_cm_cadc_peek(const bss2_chip *c, uint32_t address, uint32_t *v) {
    unsigned s, t, r, q;
    int buffered;
    if (!decode(address, &s, &t, &r, &q, &buffered)) {
        return 0;
    }
    uint32_t word = 0; /* a look converts nothing: the buffer */
    for (unsigned e = 0; e < 4u; e++) {
        word |= (uint32_t)c->cadc.buffer[s][t][bss2_fm_synapse_column[4u * q + e]]
                << bss2_fm_cadc_sample_quad_samples_lsb[e];
    }
    *v = word;
    return 1;
}
