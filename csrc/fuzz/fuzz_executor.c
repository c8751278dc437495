/* libFuzzer target: arbitrary bytes as to-FPGA words for the chip model's executor.
 *
 * The input is read as big-endian 64-bit words (a trailing partial word is dropped). Half of the
 * inputs are executed as they are (mostly refused by validation), the other half with every word
 * made valid: header taken modulo 16, payload masked to that instruction's width, so that the
 * executor itself is exercised. Each input is also handed to a HostARQ engine as a received
 * datagram (arq.c's parser and windows). One instance runs all inputs of a process, so state
 * carries over between programs as it does on a connection. Built and run by `make fuzz` under ASan/UBSan.
 *
 * The event fabric (stage 3a) costs time per event, so the harness bounds the simulated work of an
 * input, in both halves: WaitUntil payloads keep their low 10 bits; the instance starts with an
 * instruction timeout of 2^16 - 1 cycles (not the default 1,250,000) and timeouts written are
 * below 2^16; background sources run with periods of at least 2^15 ticks (an Omnibus write to a
 * source's enable word gets byte 3 enabled and bit 31 of its data set, whatever byte enables the
 * input chose; a JTAG data shift of less than 31 bits that would be such an address gets bit 0
 * flipped, since OMNIBUS_DATA may hold any value, a JTAG read loads it; longer shifts get bit 30
 * set, which takes them off the chip's addresses); and after each input a short program disables
 * the sources, so that they run only within the input that enabled them. So a word causes at most
 * 64 background events (8 sources, one per 2^14 cycles, ≤ 2^17 cycles a word: a JTAG shift);
 * without these bounds one timed-out poll let a period-0 source fire 2.5 million times.
 * In the valid half, an Omnibus address word whose bit 40 is set (a payload bit validation
 * refuses anyway; looked at before the payload is masked) gets one of the fabric's registers as
 * its address (event recording, output config, crossbar nodes, background sources, counters,
 * PADI buses, synapse drivers, synapse views, neuron configs, spike counters, resets, CapMem
 * cells, the MADC and its readout selection, the CADC and its switches), so that routing,
 * recording, sources, the synapse array, the analog neurons and the readouts get exercised; a
 * write address picked so is followed by a data word (the next word becomes one), and bit 1 of
 * the first byte keeps the chip out of reset (system::Reset words release it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arq.h"
#include "chip_model.h"
#include "ut.h"
#include "field_map.inc"

static bss2_chip *chip;

/* Registers of the event fabric and the synapse array (field_map.inc). */
static uint32_t fabric_address(uint64_t r) {
    uint32_t k = (uint32_t)(r >> 4), s = k & 1u, n = (k >> 1) % 512u;
    switch (r % 22u) {
    case 0: return bss2_fm_event_recording_config_address[0][0];
    case 1: return bss2_fm_crossbar_output_config_address[0][0];
    case 2: case 3: return bss2_fm_background_spike_source_address[k % 8u][(k >> 3) % 3u];
    case 4: return bss2_fm_crossbar_input_drop_counter_address[0][0] + k % 32u; /* counters */
    case 5: case 6: return bss2_fm_crossbar_node_address[k % 76u][0];
    case 7: return (k & 2u) ? bss2_fm_padi_event_address[s][0]
                            : bss2_fm_common_padi_bus_config_address[s][0];
    case 8: return bss2_fm_synapse_driver_config_base[s] +
                   ((k >> 2) % 128u) * BSS2_FM_SYNAPSE_DRIVER_CONFIG_STRIDE + (k >> 9) % 3u;
    case 9: return bss2_fm_synapse_quad_base[s] + (k >> 1) % (258u * 128u); /* full view */
    case 10: return bss2_fm_synapse_access_base[s] + ((k >> 3) & 1u ? BSS2_FM_LABEL_VIEW : 0u) +
                    (k >> 4) % (258u * 64u); /* weight and label views */
    case 11: return bss2_fm_column_current_quad_address[(k >> 1) % 128u][(k >> 8) & 1u];
    case 12: return bss2_fm_neuron_config_base[n / 128u] +
                    (n % 128u) * BSS2_FM_NEURON_CONFIG_STRIDE + (k >> 10) % 6u;
    case 13: return bss2_fm_neuron_backend_config_base[n / 256u] +
                    (n % 256u) * BSS2_FM_NEURON_BACKEND_CONFIG_STRIDE + (k >> 10) % 4u;
    case 14: return bss2_fm_common_neuron_backend_config_address[s][(k >> 1) & 1u];
    case 16: case 17: /* CapMem cells: the neurons' (columns 0-127) and the shared ones */
        return bss2_fm_capmem_base[k % 4u] + ((k >> 2) % BSS2_FM_CAPMEM_COLUMNS) *
               BSS2_FM_CAPMEM_STRIDE + (k >> 10) % BSS2_FM_CAPMEM_ROWS;
    case 18: return (k & 1u) ? bss2_fm_madc_control_address[0][0]
                             : bss2_fm_madc_config_address[0][(k >> 1) % 10u];
    case 19: return bss2_fm_readout_source_selection_address[0][k & 1u];
    case 20: /* CADC samples: trigger or buffered reads (writes are dropped: read-only) */
        return (bss2_fm_cadc_sample_base[k & 1u][(k >> 1) & 1u] + (k >> 3) % (256u * 64u)) |
               ((k & 4u) ? BSS2_FM_CADC_BUFFERED : 0u);
    case 21: /* CADC configuration and the column correlation switches */
        return (k & 1u) ? bss2_fm_cadc_config_address[(k >> 1) & 1u][0]
                        : bss2_fm_column_correlation_quad_address[(k >> 1) % 128u][(k >> 8) % 4u];
    default: /* spike counters (read, reset) and neuron resets */
        return ((k >> 10) % 3u == 0   ? bss2_fm_spike_counter_read_base
                : (k >> 10) % 3u == 1 ? bss2_fm_spike_counter_reset_base
                                      : bss2_fm_neuron_reset_base)[n / 256u] +
               (n % 256u) * BSS2_FM_NEURON_RESET_STRIDE;
    }
}

#define INSTRUCTION_TIMEOUT 0x88000009u
#define EVENT_RECORDING 0x88000005u

/* A background source's enable word (which holds its period too). */
static int source_enable(uint64_t a) {
    return a >= 0x00130001u && a < 0x00130019u && (a - 0x00130001u) % 3u == 0;
}

static bss2_arq *arq;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (arq == NULL) { /* every input is also a datagram for a HostARQ engine (no socket) */
        arq = bss2_arq_new(-1, 1000, 20000, 10);
        if (arq == NULL) {
            abort();
        }
    }
    (void)bss2_arq_handle(arq, data, size);
    uint16_t ptype;
    uint64_t frame[BSS2_ARQ_PDUWORDS];
    while (bss2_arq_take(arq, &ptype, frame, BSS2_ARQ_PDUWORDS) >= 0) {
    }
    if (chip == NULL) {
        chip = bss2_chip_new(1);
        if (chip == NULL) {
            abort();
        }
        const uint64_t setup[2] = {
            (UINT64_C(11) << 56) | (UINT64_C(0xF) << 32) | INSTRUCTION_TIMEOUT,
            (UINT64_C(12) << 56) | 0xFFFFu, /* then capped below 2^16 by every write */
        };
        if (bss2_chip_execute(chip, setup, 2) != BSS2_CHIP_OK) {
            abort();
        }
    }
    if (size < 1) {
        return 0;
    }
    const int make_valid = data[0] & 1;
    const int keep_chip = make_valid && (data[0] & 2); /* no chip reset: sources keep running */
    data++;
    size--;
    size_t n = size / 8;
    if (n > 4096) {
        n = 4096;
    }
    uint64_t words[4096];
    int force_data = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t w = 0;
        for (size_t k = 0; k < 8; k++) {
            w = (w << 8) | data[8 * i + k];
        }
        const int pick_fabric = (int)((w >> 40) & 1u);
        const uint64_t pick = w >> 41;
        if (make_valid) {
            unsigned h = (unsigned)(w >> 56) & 15u;
            uint64_t mask = bss2_ut_to_fpga_bits[h] >= 56 ? 0x00FFFFFFFFFFFFFFull
                                                  : ((1ull << bss2_ut_to_fpga_bits[h]) - 1u);
            w = ((uint64_t)h << 56) | (w & mask);
        }
        if (force_data) { /* the write to a fabric register gets its data word */
            w = (UINT64_C(12) << 56) | (w & UINT64_C(0xFFFFFFFF));
            if ((uint32_t)words[i - 1] == EVENT_RECORDING) {
                w |= 1u; /* recording on (random Omnibus writes turn it off now and then) */
            }
            force_data = 0;
        }
        unsigned h = (unsigned)(w >> 56);
        if (make_valid && h == 11u && pick_fabric) {
            w = (w & ~UINT64_C(0xFFFFFFFF)) | fabric_address(pick);
            force_data = !((w >> 36) & 1u);
        }
        if (h == 11u && !((w >> 36) & 1u) && source_enable((uint32_t)w)) {
            w |= UINT64_C(1) << 35; /* byte 3 written: the data word's bit 31 sets the period */
        }
        if (h == 3u) {
            unsigned bits = (unsigned)(w >> 40) & 0xFFu;
            if (bits < 31u && source_enable(w & ((UINT64_C(1) << bits) - 1u))) {
                w ^= 1u; /* no JTAG Omnibus address of a source's enable word */
            }
        }
        if (keep_chip && h == 9u) {
            w &= ~UINT64_C(1);
        }
        if (h == 3u) {
            w |= UINT64_C(1) << 30; /* JTAG data: Omnibus writes over JTAG get long periods too */
        }
        if (h == 5u) {
            w &= ~UINT64_C(0xFFFFFC00); /* short waits (padding bits 32-55 kept) */
        }
        if (h == 12u && i > 0 && (words[i - 1] >> 56) == 11u) {
            uint32_t a = (uint32_t)words[i - 1];
            if (a == INSTRUCTION_TIMEOUT) {
                w &= ~UINT64_C(0xFFFF0000); /* timeouts < 2^16 cycles */
            } else if (source_enable(a)) {
                w |= UINT64_C(0x80000000); /* background source: period >= 2^15 */
            }
        }
        words[i] = w;
    }
    size_t at = 0; /* the halt counter walks any stream as a transport's answer, in two pieces */
    uint64_t counts[BSS2_UT_FROM_FPGA_COUNT] = {0};
    if (bss2_ut_count_halts(words, n / 2, &at, NULL) >= 0 &&
        bss2_ut_count_halts(words, n, &at, counts) >= 0 && at > 8u * n) {
        abort();
    }
    int status = bss2_chip_execute(chip, n ? words : NULL, n);
    /* background sources run within the input that enabled them only (bounded work per input) */
    uint64_t stop[16];
    for (unsigned i = 0; i < 8; i++) {
        stop[2 * i] = (UINT64_C(11) << 56) | (UINT64_C(0xF) << 32) | (0x00130001u + 3u * i);
        stop[2 * i + 1] = UINT64_C(12) << 56;
    }
    if (status == BSS2_CHIP_OK) {
        size_t count = 0;
        const uint64_t *out = bss2_chip_responses(chip, &count);
        volatile uint64_t sink = 0;
        for (size_t i = 0; i < count; i++) {
            sink ^= out[i];
        }
        (void)sink;
    } else if (bss2_chip_last_error(chip)[0] == '\0') {
        abort(); /* every refusal says why */
    }
    if (bss2_chip_execute(chip, stop, 16) != BSS2_CHIP_OK) {
        abort();
    }
    return 0;
}
