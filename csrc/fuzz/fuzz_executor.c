/* libFuzzer target: arbitrary bytes as to-FPGA words for the chip model's executor.
 *
 * The input is read as big-endian 64-bit words (a trailing partial word is dropped). Half of the
 * inputs are executed as they are (mostly refused by validation), the other half with every word
 * made valid: header taken modulo 16, payload masked to that instruction's width, so that the
 * executor itself is exercised. One instance runs all inputs of a process, so state carries over
 * between programs as it does on a connection. Built and run by `make fuzz` under ASan/UBSan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chip_model.h"

/* Payload bits of the 16 to-FPGA instructions (reference bss2-lowlevel.md §6.1). */
static const unsigned payload_bits[16] = {0, 8, 7, 56, 0, 32, 1, 5, 1, 1, 1, 37, 32, 16, 32, 48};

static bss2_chip *chip;

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
    data++;
    size--;
    size_t n = size / 8;
    if (n > 4096) {
        n = 4096;
    }
    uint64_t words[4096];
    for (size_t i = 0; i < n; i++) {
        uint64_t w = 0;
        for (size_t k = 0; k < 8; k++) {
            w = (w << 8) | data[8 * i + k];
        }
        if (make_valid) {
            unsigned h = (unsigned)(w >> 56) & 15u;
            uint64_t mask = payload_bits[h] >= 56 ? 0x00FFFFFFFFFFFFFFull
                                                  : ((1ull << payload_bits[h]) - 1u);
            w = ((uint64_t)h << 56) | (w & mask);
        }
        words[i] = w;
    }
    int status = bss2_chip_execute(chip, n ? words : NULL, n);
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
    return 0;
}
