/* The chip model's public API (chip_model.h): instances, validation, execution entry point.
 *
 * Stage 2 models the FPGA's playback executor and the register files (executor.c, regfile.c,
 * jtag.c; private header chip_internal.h). Everything lives in the instance: no globals, no
 * static mutable state, so instances are independent and may run in different threads.
 *
 * Decisions (numbers in FPGA cycles of 125 MHz):
 *
 * Validation. bss2_chip_execute first checks n <= BSS2_CHIP_PLAYBACK_MEMORY_WORDS (before
 * touching `words`), then every word: the comma bit (63) clear, a known to-FPGA header 0..15, no
 * payload bit above the instruction's payload width (reference §6.1). On an error it returns the
 * status, sets last_error to a text naming the word index, the word in hex and what is wrong, and
 * changes nothing else: the responses (and diagnostics) of the previous call stay as they were.
 * The same pass counts an upper bound of the responses and register insertions of the call,
 * and all memory they may need is reserved before anything executes; if that fails the call
 * returns BSS2_CHIP_NO_MEMORY, again with the instance unchanged (a grown buffer or a rehashed
 * map holds the same content). A successful call clears last_error. NULL words with n == 0 is an
 * empty program.
 *
 * Time. The FPGA systime counts from 0 at bss2_chip_new and only advances; it is reported modulo
 * 2^43 (internally a 64-bit count compared modulo 2^64). Every instruction takes 1 cycle to
 * issue: the next one issues one cycle later, or when the instruction stops blocking, whichever
 * is later. Immediate responses (Loopback, TimeoutNotification) are produced at the time they
 * arise. The executor timer (32 bit, wraps) is (systime - t_setup) mod 2^32: timing::Setup at
 * issue time t_setup makes it 0 then, 1 for the next instruction; before any Setup it equals the
 * systime mod 2^32. timing::WaitUntil(v) compares timer < v as unsigned 32-bit numbers, as the
 * hardware's counter compare would: if so, the next instruction issues exactly when the timer
 * reads v (a plain addition, however far); otherwise (timer >= v, also after the timer wrapped
 * past v) it is a no-op. WaitUntil never times out. All time passes through one function,
 * advance() in executor.c (bss2_cm_advance_to), which emits the responses falling due; the event
 * fabric of later stages hooks in there.
 *
 * Omnibus. An address word with is_read = 0 latches address and byte enables; the next word,
 * if it is a data word, performs the write; a write address followed by anything else (or ending
 * the call) is dropped (diagnostics.dropped_addresses), and a data word without a latched
 * address too (diagnostics.orphan_data). A request waits for the bus, which a write occupies for
 * 2 cycles (chip address) or 1 (FPGA address, bit 31 set) and a read for 1. A read's response
 * comes 32 cycles (chip) or 4 (FPGA) after the bus accepted it, while later instructions go on;
 * responses come out in issue order (at least 1 cycle apart). Register effects happen in program
 * order when the bus accepts the request (a read samples its value then). Byte enable bit i
 * selects bits 8i..8i+7 of a write. Addresses bss2_address_kind calls NONE read 0 and drop
 * writes (unknown_reads/unknown_writes/first_unknown_address); registers of kind READ without
 * WRITE keep their stored value (0 until later stages compute them) and drop writes
 * (readonly_writes). The timer readout 0x8800_000C reads the current timer. The executor's
 * parameters are ordinary FPGA registers it reads when it needs them: InstructionTimeoutConfig
 * 0x8800_0009 (default 1,250,000 = 10 ms, preset at creation), PollingOmnibusBlockConfig
 * address/target/mask at 0x8800_0006/7/8 (default 0).
 * Register storage: two open-addressing hash maps (chip, FPGA; regfile.c), 64 slots at first,
 * doubling at load 3/4, blocks of 8 consecutive addresses kept together for cache locality, O(1)
 * clear by generation count.
 *
 * Blocking and timeouts. timing::Barrier(mask): bit 0 waits until every Omnibus write finished
 * (bus free) and every read's response is out, bit 1 until the JTAG engine is idle, bit 2 until
 * a systime sync finished; other bits are no-ops. timing::PollingOmnibusBlock(1) waits until
 * (*address & mask) == target, (0) until !=. Nothing changes registers by itself yet, except the
 * timer, whose first matching time is computed arithmetically; otherwise a poll passes at once or
 * waits until the timeout. A Barrier or PollingOmnibusBlock that would block longer than the
 * instruction timeout T (read at its issue) ends at issue + T with a from-FPGA TimeoutNotification
 * (payload bits 0-31 the word's index in the call, 32-38 trace stall count 0, 39-44 Omnibus reads
 * in flight, at most 63) and execution goes on with the next word (diagnostics.timeouts). Waiting
 * for the bus or the JTAG engine is not subject to the timeout (bounded: 2 and 130,560 cycles).
 *
 * JTAG (jtag.c). One operation at a time: a JTAG word waits until the engine is idle, then the
 * engine is busy for bits × 2 × (scaler + 1) cycles — Init 5 bits (TAP reset), Ins 7 bits, Data
 * num_bits bits, Scaler 0 — with scaler 3 after creation (to_fpga_jtag::Scaler sets it; it
 * belongs to the FPGA and survives chip resets). A Data shift with keep_response answers
 * jtag_from_hicann::Data when the shift ends. Init sets the IR to IDCODE. Omnibus over JTAG uses
 * the chip's register file and address map; FPGA addresses (bit 31 set) are unknown there. The
 * JTAG PLL register r (PLL_TARGET_REG, SHIFT_PLL) is the chip register at 0x0008_0000 + r.
 *
 * Chip reset (system::Reset). Asserting the line (payload 1) removes every chip register
 * (addresses with bit 31 clear, the PLL registers among them) and resets the JTAG TAP's
 * registers (IR, Omnibus address/data, PLL target, PHY registers; not the scaler); while it is
 * asserted, chip register writes are dropped and reads return 0 (diagnostics.reset_drops). FPGA
 * registers keep their values. The line is released at creation.
 *
 * Systime sync. timing::SystimeInit(1) makes the chip's systime equal to the FPGA systime and
 * keeps the systime barrier busy for 100 cycles; SystimeInit(0) does nothing. The chip's counter
 * reads 0 while the reset is asserted and restarts at 0 on release (bss2_chip_chip_systime).
 * The SystimeSyncBase registers (0x0, 0x1) are stored but not used.
 *
 * Events to the chip (SpikePack1..3) are counted (diagnostics.events_to_chip, in labels).
 *
 * Responses. Each call's stream is decoded by the host from time 0 (reference §4.3: every
 * message adds 1, Systime sets, Sysdelta adds). Before a response produced at time t (43 bit),
 * with the decoder at d: nothing if d + 1 == t, else Sysdelta(t - d - 2) if that is 0..255, else
 * Systime(t - 1). Messages are framed as bss2_ut_encode_from_fpga does (MSB first, comma flush
 * of the last word). diagnostics.responses counts all messages including Systime/Sysdelta. The
 * call ends when all in-flight work (reads, writes, JTAG, sync) is done: systime advances to
 * that point and every response of the call is in its stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address_map.h"
#include "chip_internal.h"

/* Payload bits of the to-FPGA instructions, by header (reference §6.1). */
static const uint8_t payload_bits[16] = {0, 8, 7, 56, 0, 32, 1, 5, 1, 1, 1, 37, 32, 16, 32, 48};
static const char *const names[16] = {
    "to_fpga_jtag::Init",      "to_fpga_jtag::Scaler",        "to_fpga_jtag::Ins",
    "to_fpga_jtag::Data",      "timing::Setup",               "timing::WaitUntil",
    "timing::SystimeInit",     "timing::Barrier",             "timing::PollingOmnibusBlock",
    "system::Reset",           "system::Loopback",            "omnibus_to_fpga::Address",
    "omnibus_to_fpga::Data",   "event_to_fpga::SpikePack<1>", "event_to_fpga::SpikePack<2>",
    "event_to_fpga::SpikePack<3>",
};

bss2_chip *bss2_chip_new(uint64_t seed) {
    bss2_chip *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->seed = seed;
    c->pend_cap = 64;
    c->pend = malloc(c->pend_cap * sizeof *c->pend);
    if (c->pend == NULL || bss2_cm_regmap_init(&c->chip_regs, 64) != 0 ||
        bss2_cm_regmap_init(&c->fpga_regs, 64) != 0) {
        bss2_chip_free(c);
        return NULL;
    }
    bss2_cm_jtag_power_on(&c->jtag);
    c->ranges = bss2_address_ranges(&c->nranges);
    if (c->nranges == 0) {
        c->ranges = NULL;
    }
    /* the one executor register whose reset value is not 0 (64 slots: cannot fail) */
    bss2_cm_slot *s = bss2_cm_regmap_upsert(&c->fpga_regs, BSS2_CM_REG_INSTRUCTION_TIMEOUT);
    if (s == NULL) {
        bss2_chip_free(c);
        return NULL;
    }
    s->value = BSS2_CM_DEFAULT_INSTRUCTION_TIMEOUT;
    return c;
}

void bss2_chip_free(bss2_chip *chip) {
    if (chip == NULL) {
        return;
    }
    bss2_cm_regmap_free(&chip->chip_regs);
    bss2_cm_regmap_free(&chip->fpga_regs);
    free(chip->pend);
    free(chip->out);
    free(chip);
}

/* Upper bounds of what a call may need, counted while validating. */
typedef struct bounds {
    uint64_t responses;   /* messages answering words (each may need one annotation more) */
    uint64_t chip_writes; /* insertions into the chip map (Omnibus and JTAG) */
    uint64_t fpga_writes; /* insertions into the FPGA map */
} bounds;

static int validate(bss2_chip *c, const uint64_t *words, size_t n, bounds *b) {
    int write_address = 0; /* the previous word latched a write address */
    uint64_t fpga = 0;     /* ... with bit 31 set */
    for (size_t i = 0; i < n; i++) {
        uint64_t w = words[i];
        unsigned h = (unsigned)(w >> 56);
        if (h >= 16u) {
            if (h & 0x80u) {
                snprintf(c->error, sizeof c->error,
                         "word %zu (0x%016llx): comma bit (bit 63) set; to-FPGA words carry a "
                         "header 0..15 in bits 56-63",
                         i, (unsigned long long)w);
            } else {
                snprintf(c->error, sizeof c->error,
                         "word %zu (0x%016llx): unknown to-FPGA header %u (known: 0..15)", i,
                         (unsigned long long)w, h);
            }
            return BSS2_CHIP_BAD_INSTRUCTION;
        }
        if ((w & BSS2_CM_PAYLOAD_MASK) >> payload_bits[h]) {
            snprintf(c->error, sizeof c->error,
                     "word %zu (0x%016llx): nonzero padding: %s takes %u payload bits, bits "
                     "%u..55 must be 0",
                     i, (unsigned long long)w, names[h], (unsigned)payload_bits[h],
                     (unsigned)payload_bits[h]);
            return BSS2_CHIP_BAD_INSTRUCTION;
        }
        switch (h) {
        case 3:
            b->chip_writes++; /* an OMNIBUS_REQUEST or not: a bound */
            b->responses += (w >> 48) & 1u;
            break;
        case 7: case 8: case 10:
            b->responses++;
            break;
        case 11:
            b->responses += (w >> 36) & 1u;
            break;
        case 12:
            if (write_address) {
                b->fpga_writes += fpga;
                b->chip_writes += !fpga;
            }
            break;
        default:
            break;
        }
        write_address = h == 11u && !((w >> 36) & 1u);
        fpga = (w >> 31) & 1u;
    }
    return BSS2_CHIP_OK;
}

int bss2_chip_execute(bss2_chip *chip, const uint64_t *words, size_t n) {
    if (chip == NULL) {
        return BSS2_CHIP_NULL;
    }
    if (n > BSS2_CHIP_PLAYBACK_MEMORY_WORDS) {
        snprintf(chip->error, sizeof chip->error,
                 "%zu words exceed the playback memory of %u instructions", n,
                 BSS2_CHIP_PLAYBACK_MEMORY_WORDS);
        return BSS2_CHIP_TOO_LONG;
    }
    if (words == NULL && n > 0) {
        snprintf(chip->error, sizeof chip->error, "words is NULL but n = %zu", n);
        return BSS2_CHIP_NULL;
    }
    bounds b = {0, 0, 0};
    int status = validate(chip, words, n, &b);
    if (status != BSS2_CHIP_OK) {
        return status;
    }
    /* every response may be preceded by a Systime/Sysdelta; 10 bytes covers any message */
    uint64_t messages = 2u * b.responses;
    size_t out_words = (size_t)((messages * 10u + 7u) / 8u + 1u);
    if (bss2_cm_reserve_out(chip, out_words) != 0 ||
        bss2_cm_regmap_reserve(&chip->chip_regs, b.chip_writes) != 0 ||
        bss2_cm_regmap_reserve(&chip->fpga_regs, b.fpga_writes) != 0) {
        snprintf(chip->error, sizeof chip->error,
                 "out of memory reserving room for %zu words (%llu responses, %llu register "
                 "writes)",
                 n, (unsigned long long)b.responses,
                 (unsigned long long)(b.chip_writes + b.fpga_writes));
        return BSS2_CHIP_NO_MEMORY;
    }
    bss2_cm_execute_words(chip, words, n);
    chip->error[0] = '\0';
    return BSS2_CHIP_OK;
}

const uint64_t *bss2_chip_responses(const bss2_chip *chip, size_t *n) {
    if (chip == NULL) {
        if (n != NULL) {
            *n = 0;
        }
        return NULL;
    }
    if (n != NULL) {
        *n = chip->out_words;
    }
    return chip->out;
}

void bss2_chip_get_diagnostics(const bss2_chip *chip, bss2_chip_diagnostics *out) {
    if (out == NULL) {
        return;
    }
    if (chip == NULL) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = chip->diag;
}

const char *bss2_chip_last_error(const bss2_chip *chip) {
    return chip == NULL ? "chip is NULL" : chip->error;
}

uint64_t bss2_chip_systime(const bss2_chip *chip) {
    return chip == NULL ? 0u : chip->now & BSS2_CM_SYSTIME_MASK;
}

uint64_t bss2_chip_chip_systime(const bss2_chip *chip) {
    if (chip == NULL || chip->chip_reset) {
        return 0;
    }
    return (chip->now - chip->chip_origin) & BSS2_CM_SYSTIME_MASK;
}

uint32_t bss2_chip_peek(const bss2_chip *chip, uint32_t address) {
    return chip == NULL ? 0u : bss2_cm_peek(chip, address);
}
