/* The C tests' program harness: to-FPGA words, a program under construction, running it and
 * collecting spikes (label, FPGA time), Omnibus read values and diagnostics, the addresses of the
 * event path's registers (field_map.inc) and the configuration of a path from L2 to a neuron.
 * Included once by each test program that drives the event path (its statics are its own). */
#ifndef BSS2_TESTS_HARNESS_H
#define BSS2_TESTS_HARNESS_H

#include <stdio.h>
#include <string.h>

#include "chip_internal.h"
#include "chip_model.h"
#include "field_map.inc"
#include "ut.h"
#include "check.h"

static inline uint64_t W(unsigned h, uint64_t p) { return ((uint64_t)h << 56) | p; }
#define SETUP W(4, 0)
#define WAIT(v) W(5, (uint64_t)(v))
#define RESET(on) W(9, (on))
#define PACK1(a) W(13, (a))
#define L2(k, nl) ((uint32_t)(((k) << 14) | (nl)))
#define LAT (BSS2_CM_PADI_LATENCY + BSS2_CM_BACKEND_LATENCY + BSS2_CM_L2_LATENCY)
#define QC BSS2_FM_QUAD_COLUMNS
#define LOW6 0x3F3F3F3Fu
#define HIGH2 0xC0C0C0C0u

/* A program under construction (one, reused). */
#define MAXW 16384
typedef struct prog {
    size_t n;
    uint64_t w[MAXW];
} prog;
static prog G;
static inline prog *fresh(void) {
    G.n = 0;
    return &G;
}
static inline void put(prog *p, uint64_t w) {
    if (p->n < MAXW) {
        p->w[p->n] = w;
    }
    p->n++; /* run() refuses a program that overflowed */
}
static inline void wr_be(prog *p, uint32_t a, uint32_t v, unsigned be) {
    put(p, W(11, a | ((uint64_t)be << 32)));
    put(p, W(12, v));
}
static inline void wr(prog *p, uint32_t a, uint32_t v) { wr_be(p, a, v, 0xF); }
static inline void rd(prog *p, uint32_t a) {
    put(p, W(11, a | (UINT64_C(0xF) << 32) | (UINT64_C(1) << 36)));
}
/* A spike with neuron label nl on L2 channel 0 when the timer reads v (now if v is 0; a
 * WaitUntil takes a cycle even as a no-op, so a spike right after another needs none). */
static inline void spike_at(prog *p, uint32_t v, uint32_t nl) {
    if (v != 0) {
        put(p, WAIT(v));
    }
    put(p, PACK1(L2(0, nl)));
}

/* The last call: spikes (label, FPGA time), Omnibus read values, diagnostics. */
#define MAXM 65536
static uint8_t H[MAXM], HI[MAXM], REC[MAXM * BSS2_SPIKE_RECORD_BYTES];
static uint64_t P[MAXM], T[MAXM];
static size_t NS, NR;
static struct {
    uint16_t label;
    uint64_t fpga_time;
} S[MAXM];
static uint32_t R[MAXM];
static bss2_chip_diagnostics D;

static inline int run(bss2_chip *c, const prog *p) {
    NS = NR = 0;
    int s = p->n > MAXW ? BSS2_CHIP_TOO_LONG : bss2_chip_execute(c, p->w, p->n);
    bss2_chip_get_diagnostics(c, &D);
    size_t nw = 0, off = 0;
    const uint64_t *w = bss2_chip_responses(c, &nw);
    int64_t k = s != BSS2_CHIP_OK ? -1 : bss2_ut_decode_from_fpga(w, nw, H, HI, P, MAXM, &off);
    if (k < 0) {
        fprintf(stderr, "run: %d %s\n", s, bss2_chip_last_error(c));
        return -1;
    }
    bss2_ut_fpga_times(H, P, (size_t)k, 0, T);
    int64_t ns = bss2_ut_unpack_events(H, P, HI, T, (size_t)k, 0, REC, MAXM);
    for (int64_t i = 0; i < ns; i++, NS++) {
        const uint8_t *r = REC + i * BSS2_SPIKE_RECORD_BYTES;
        S[i].label = (uint16_t)(r[0] | (r[1] << 8));
        S[i].fpga_time = 0;
        for (int b = 7; b >= 0; b--) { /* little-endian */
            S[i].fpga_time = (S[i].fpga_time << 8) | r[2 + b];
        }
    }
    for (int64_t i = 0; i < k; i++) {
        if (H[i] == 1) {
            R[NR++] = (uint32_t)P[i];
        }
    }
    return ns < 0 ? -1 : 0;
}

static char msg[192];
#define CHECKF(ok, ...) (snprintf(msg, sizeof msg, __VA_ARGS__), check((ok), msg))

/* ---- addresses ------------------------------------------------------------------------------- */

static inline uint32_t full_at(unsigned s, unsigned row, unsigned word, unsigned col) {
    return bss2_fm_synapse_quad_base[s] + row * 2u * QC + word * QC + col;
}
static inline uint32_t view_at(unsigned s, uint32_t view, unsigned row, unsigned col) {
    return bss2_fm_synapse_access_base[s] + view + row * QC + col;
}
/* Register word `word` of coordinate e of an affine container NAME. */
#define AFFINE(NAME, name, e, word)                                                              \
    (bss2_fm_##name##_base[(e) / BSS2_FM_##NAME##_PER_BLOCK] +                                   \
     ((e) % BSS2_FM_##NAME##_PER_BLOCK) * BSS2_FM_##NAME##_STRIDE + (word))
/* ... of the coordinate of atomic neuron n. */
#define OF_NEURON(NAME, name, n, word) AFFINE(NAME, name, bss2_fm_##name##_of_atomic[n], word)
#define NEURON_CONFIG(n, w) OF_NEURON(NEURON_CONFIG, neuron_config, n, w)
#define BACKEND_CONFIG(n, w) OF_NEURON(NEURON_BACKEND_CONFIG, neuron_backend_config, n, w)
#define COUNTER_READ(n) OF_NEURON(SPIKE_COUNTER_READ, spike_counter_read, n, 0)
#define COUNTER_RESET(n) OF_NEURON(SPIKE_COUNTER_RESET, spike_counter_reset, n, 0)
#define NEURON_RESET(n) OF_NEURON(NEURON_RESET, neuron_reset, n, 0)
#define DRIVER_CONFIG(e, w) AFFINE(SYNAPSE_DRIVER_CONFIG, synapse_driver_config, e, w)
#define PADI_CONFIG(s) bss2_fm_common_padi_bus_config_address[s][0]
#define PADI_EVENT(s) bss2_fm_padi_event_address[s][0]
#define COMMON_BACKEND(b) bss2_fm_common_neuron_backend_config_address[b][0]
#define RECORDING bss2_fm_event_recording_config_address[0][0]
#define SPL1(b) (1u << bss2_fm_common_padi_bus_config_enable_spl1_lsb[b])
#define EXC_WORD bss2_fm_column_current_quad_switches_enable_synaptic_current_excitatory_word
#define EXC_LSB bss2_fm_column_current_quad_switches_enable_synaptic_current_excitatory_lsb

static inline uint32_t padi_event(unsigned bus, uint32_t select, uint32_t address) {
    return (1u << bss2_fm_padi_event_fire_bus_lsb[bus]) |
           (select << BSS2_FM_PADI_EVENT_ROW_SELECT_ADDRESS_LSB) |
           (address << BSS2_FM_PADI_EVENT_EVENT_ADDRESS_LSB);
}

/* Crossbar node of (output, input); the L2 loopback of channel 0 is (8, 8). */
static inline uint32_t node_address(unsigned output, unsigned input) {
    for (unsigned n = 0; n < BSS2_FM_CROSSBAR_NODE_COUNT; n++) {
        if (bss2_fm_crossbar_node_output[n] == output && bss2_fm_crossbar_node_input[n] == input) {
            return bss2_fm_crossbar_node_address[n][0];
        }
    }
    return 0;
}

/* ---- the bypass configuration ---------------------------------------------------------------- */

/* Neuron in column j of synram s: its synapse quad column and entry, event output, block. */
typedef struct site {
    unsigned s, j, n, q, e, k, block;
} site;

static inline site site_of(unsigned s, unsigned j) {
    site t = {s, j, s * 256u + j, 0, 0, bss2_fm_neuron_event_output[j], 0};
    for (unsigned i = 0; i < 4u * QC; i++) {
        if (bss2_fm_synapse_column[i] == j) {
            t.q = i / 4u;
            t.e = i % 4u;
        }
    }
    t.block = bss2_fm_neuron_backend_config_of_atomic[t.n] /
              BSS2_FM_NEURON_BACKEND_CONFIG_PER_BLOCK;
    return t;
}

/* SynapseDriverConfig: receiver on, compare mask 31, address out on (stored inverted: word 0
 * bit 14 clear), bottom row excitatory (row modes split: bit 0 in word 1 bit 4, bit 1 in bit 6). */
static inline void driver_words(uint32_t w[3]) {
    w[0] = (1u << BSS2_FM_SYNAPSE_DRIVER_CONFIG_ENABLE_RECEIVER_LSB) |
           (31u << BSS2_FM_SYNAPSE_DRIVER_CONFIG_ROW_ADDRESS_COMPARE_MASK_LSB);
    w[1] = 1u << 4;
    w[2] = 0;
}

/* NeuronBackendConfig with spike out; address_out (word 1 bits 4-5, word 0 bits 0-5) and
 * refractory_time (word 2 bits 2-5, word 1 bits 0-3) are split and stored inverted. */
static inline void backend_words(uint32_t w[4], uint32_t address_out, uint32_t refractory,
                          unsigned clock) {
    uint32_t a = ~address_out & 0xFFu, r = ~refractory & 0xFFu;
    w[0] = a >> 2;
    w[1] = ((a & 3u) << 4) | (r >> 4);
    w[2] = ((r & 0xFu) << 2) | (clock << BSS2_FM_NEURON_BACKEND_CONFIG_SELECT_INPUT_CLOCK_LSB);
    w[3] = 1u << BSS2_FM_NEURON_BACKEND_CONFIG_ENABLE_SPIKE_OUT_LSB;
}

static inline uint32_t common_backend(int clocks, int force_reset, unsigned slow, unsigned fast) {
    return ((uint32_t)(clocks != 0) << BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_ENABLE_CLOCKS_LSB) |
           (1u << BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_ENABLE_EVENT_REGISTERS_LSB) |
           ((uint32_t)(force_reset != 0) << BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_FORCE_RESET_LSB) |
           (slow << BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_CLOCK_SCALE_SLOW_LSB) |
           (fast << BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_CLOCK_SCALE_FAST_LSB);
}

static inline void backend(prog *p, const site *t, uint32_t address_out, uint32_t refractory,
                    unsigned clock) {
    uint32_t b[4];
    backend_words(b, address_out, refractory, clock);
    for (unsigned i = 0; i < 4u; i++) {
        wr(p, BACKEND_CONFIG(t->n, i), b[i]);
    }
}

/* The stored bits of 6-bit weight w (the weight's bits are permuted in the synapse memory). */
static inline uint32_t weight_bits(uint32_t w) {
    for (uint32_t raw = 0; raw < 64u; raw++) {
        if (bss2_fm_synapse_quad_weights_unperm[raw] == w) {
            return raw;
        }
    }
    return 0;
}

/* Everything a path from L2 channel 0 to neuron column j of synram s needs but the neuron: event
 * recording, a crossbar that drops the L2 loopback, PADI bus 0 of block s, driver 0 (receiver,
 * bottom row excitatory), its synapse in column j (label L, weight `weight`, calibration bits
 * set too), the column's excitatory switch, and the backend (address_out, refractory time on
 * the slow clock) and its block (clocks, event registers, the two clock scales). */
static inline void configure_path(prog *p, const site *t, uint32_t L, uint32_t weight,
                                  uint32_t address_out, uint32_t refractory, unsigned slow,
                                  unsigned fast) {
    wr(p, RECORDING, 1);
    wr(p, node_address(BSS2_FM_L2_OUTPUT_FIRST, BSS2_FM_L2_INPUT_FIRST),
       1u << BSS2_FM_CROSSBAR_NODE_TARGET_LSB); /* mask 0, target 1: drops all */
    wr(p, PADI_CONFIG(t->s), SPL1(0));
    uint32_t d[3];
    driver_words(d);
    for (unsigned i = 0; i < 3u; i++) {
        wr(p, DRIVER_CONFIG(t->s * BSS2_FM_SYNAPSE_DRIVER_CONFIG_PER_BLOCK, i), d[i]);
    }
    unsigned e = t->e, row = bss2_fm_driver_row_bottom[0];
    wr(p, full_at(t->s, row, bss2_fm_synapse_quad_weights_word[e], t->q),
       (weight_bits(weight) << bss2_fm_synapse_quad_weights_lsb[e]) |
           (3u << bss2_fm_synapse_quad_time_calibs_lsb[e]));
    wr(p, full_at(t->s, row, bss2_fm_synapse_quad_labels_word[e], t->q),
       (L << bss2_fm_synapse_quad_labels_lsb[e]) | (2u << bss2_fm_synapse_quad_amp_calibs_lsb[e]));
    const uint32_t *cc = bss2_fm_column_current_quad_address[t->s * QC + t->q];
    wr(p, cc[EXC_WORD[e]], 1u << EXC_LSB[e]);
    backend(p, t, address_out, refractory, 0);
    wr(p, COMMON_BACKEND(t->block), common_backend(1, 0, slow, fast));
}

/* Analog neurons: set field NAME of NeuronConfig words w; neuron n's CapMem cell of row ROW. */
#define NC(w, NAME, v)                                                                             \
    ((w)[BSS2_FM_NEURON_CONFIG_##NAME##_WORD] |=                                                   \
     (uint32_t)(v) << BSS2_FM_NEURON_CONFIG_##NAME##_LSB)

static inline uint32_t capmem(unsigned n, unsigned row) {
    return bss2_fm_capmem_base[bss2_fm_neuron_capmem_block[n]] +
           bss2_fm_neuron_capmem_column[n] * BSS2_FM_CAPMEM_STRIDE + row;
}
#define CELL(p, n, ROW, v) wr((p), capmem((n), BSS2_FM_CAPMEM_ROW_##ROW), (v))

/* NeuronConfig words w of a spiking neuron: capacitance 63, reset multiplied, threshold
 * comparator and fire on (the tutorial's leak over threshold). */
static inline void spiking_config(uint32_t *w) {
    NC(w, MEMBRANE_CAPACITOR_SIZE, 63);
    NC(w, ENABLE_RESET_MULTIPLICATION, 1);
    NC(w, ENABLE_THRESHOLD_COMPARATOR, 1);
    NC(w, ENABLE_FIRE, 1);
}

/* Write the NeuronConfig words w of neuron n. */
static inline void neuron_config(prog *p, unsigned n, const uint32_t *w) {
    for (unsigned i = 0; i < BSS2_FM_NEURON_CONFIG_WORDS; i++) {
        wr(p, NEURON_CONFIG(n, i), w[i]);
    }
}

#endif /* BSS2_TESTS_HARNESS_H */
