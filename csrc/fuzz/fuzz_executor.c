/* libFuzzer target: arbitrary bytes as to-FPGA words for the chip model's executor.
 *
 * The input is read as big-endian 64-bit words (a trailing partial word is dropped). Half of the
 * inputs are executed as they are (mostly refused by validation), the other half with every word
 * made valid: header taken modulo 16, payload masked to that instruction's width, so that the
 * executor itself is exercised. One instance runs all inputs of a process, so state carries over
 * between programs as it does on a connection. Built and run by `make fuzz` under ASan/UBSan.
 *
 * The event fabric (stage 3a) costs time per event, so the harness bounds the simulated work of an
 * input, in both halves: WaitUntil payloads keep their low 10 bits, instruction timeouts written
 * are at most 2^16 cycles, background sources run with periods of at least 2^15 ticks (bit 31 of
 * Omnibus data words after a source's enable address set; over JTAG 2^14: bit 30 of every JTAG
 * data shift set), and after each input a short program disables the sources, so that they run
 * only within the input that enabled them. In the valid half, an Omnibus address word whose bit
 * 40 is set (a payload bit validation refuses anyway; looked at before the payload is masked)
 * gets one of the fabric's registers as its address (event recording, output config, crossbar
 * nodes, background sources, counters), so that routing, recording and sources get exercised; a
 * write address picked so is followed by a data word (the next word becomes one), and bit 1 of
 * the first byte keeps the chip out of reset (system::Reset words release it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chip_model.h"

/* Payload bits of the 16 to-FPGA instructions (reference bss2-lowlevel.md §6.1). */
static const unsigned payload_bits[16] = {0, 8, 7, 56, 0, 32, 1, 5, 1, 1, 1, 37, 32, 16, 32, 48};

static bss2_chip *chip;

/* Registers of the event fabric (reference bss2-lowlevel.md §2.2; field_map.inc). */
static uint32_t fabric_address(uint64_t r) {
    switch (r % 8u) {
    case 0: return 0x88000005u; /* EventRecordingConfig */
    case 1: return 0x00130000u;                       /* CrossbarOutputConfig */
    case 2: case 3: return 0x00130001u + (uint32_t)((r >> 3) % 24u); /* background sources */
    case 4: return 0x00130065u + (uint32_t)((r >> 3) % 32u);         /* counters */
    default: return 0x00130019u + (uint32_t)((r >> 3) % 76u);        /* crossbar nodes */
    }
}

#define INSTRUCTION_TIMEOUT 0x88000009u
#define EVENT_RECORDING 0x88000005u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (chip == NULL) {
        chip = bss2_chip_new(1);
        if (chip == NULL) {
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
            uint64_t mask = payload_bits[h] >= 56 ? 0x00FFFFFFFFFFFFFFull
                                                  : ((1ull << payload_bits[h]) - 1u);
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
            } else if (a >= 0x00130001u && a < 0x00130019u && (a - 0x00130001u) % 3u == 0) {
                w |= UINT64_C(0x80000000); /* background source: period >= 2^15 */
            }
        }
        words[i] = w;
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
