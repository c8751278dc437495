/* The chip model: one opaque instance per connection executes to-FPGA word streams.
 *
 * An instance holds the FPGA playback executor (timer, systime, JTAG state, instruction timeout),
 * the chip's and the FPGA's register files and, in later stages, the event fabric and the analog
 * core. It never calls back into Python and has no global state; instances are independent.
 */
#ifndef BSS2_CHIP_MODEL_H
#define BSS2_CHIP_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Status codes (negative = error; bss2_chip_last_error() then says what happened). */
#define BSS2_CHIP_OK 0
#define BSS2_CHIP_NULL (-1)           /* a required pointer is NULL */
#define BSS2_CHIP_NO_MEMORY (-2)      /* an allocation failed; the instance is unchanged */
#define BSS2_CHIP_TOO_LONG (-3)       /* more words than the playback memory holds */
#define BSS2_CHIP_BAD_INSTRUCTION (-4) /* unknown header or nonzero padding in a to-FPGA word */

/* Instructions the FPGA's playback memory holds (fisch constants: 4 194 304). */
#define BSS2_CHIP_PLAYBACK_MEMORY_WORDS 4194304u

/* The chip's JTAG ID code (IR IDCODE): version 3 in bits 31-28, part number 0x4858 in bits 27-12,
 * manufacturer id 0x057 in bits 11-1, bit 0 = 1 as JTAG requires. (Added in stage 2.) */
#define BSS2_CHIP_JTAG_IDCODE 0x348580AFu

typedef struct bss2_chip bss2_chip;

/* What the last execute call met besides regular traffic (reset at the start of each call). */
typedef struct bss2_chip_diagnostics {
    uint64_t instructions;          /* to-FPGA words executed */
    uint64_t responses;             /* from-FPGA messages produced */
    uint64_t unknown_reads;         /* Omnibus reads of addresses no register lives at (read 0) */
    uint64_t unknown_writes;        /* Omnibus writes to such addresses (dropped) */
    uint32_t first_unknown_address; /* the first such address, if any */
    uint32_t timeouts;              /* instruction timeouts reported */
    uint64_t start_systime;         /* FPGA systime (125 MHz cycles) when the call began */
    uint64_t end_systime;           /* ... and when it ended */
    /* Added in stage 2 (at the end, so the fields above keep their offsets): */
    uint64_t orphan_data;           /* Omnibus data words without a write address (dropped) */
    uint64_t dropped_addresses;     /* Omnibus write addresses not followed by data (dropped) */
    uint64_t readonly_writes;       /* writes to read-only registers (dropped) */
    uint64_t reset_drops;           /* chip register accesses while the chip reset is asserted
                                     * (writes dropped, reads 0) */
    uint64_t events_to_chip;        /* spike labels sent to the chip (SpikePack1..3 words) */
    /* Added in stage 3 (event fabric, synapse array, neuron backends): */
    uint64_t events_to_host;      /* recorded events sent to the host */
    uint64_t events_not_recorded; /* events that reached the FPGA while recording was off */
    uint64_t events_lost;         /* events dropped at the FPGA (the call's message limit) */
    uint64_t padi_events;         /* events the PADI buses carried to their synapse drivers */
    uint64_t padi_blocked;        /* crossbar events at buses without enable_spl1 (dropped) */
    uint64_t padi_drops;          /* events dropped at full PADI bus queues */
    uint64_t synaptic_events;     /* synapses that drove a current into their column's neuron */
    uint64_t neuron_spikes;       /* spikes the neuron backends registered (and counted) */
    uint64_t fires_ignored;       /* fire signals while refractory, reset or without clocks */
    uint64_t output_drops;        /* spikes lost because the neuron's event register was full */
    /* Added with the board's I2C devices: */
    uint64_t i2c_nacks; /* I2C accesses to addresses no device answers (reads: bit 31 set) */
    /* Added with the analog core: */
    uint64_t madc_samples;      /* MADC samples sent to the host */
    uint64_t madc_not_recorded; /* MADC samples taken while event recording was off */
} bss2_chip_diagnostics;

/* A new instance with everything in its reset state; `seed` keys every random stream. Returns
 * NULL only if memory runs out. */
bss2_chip *bss2_chip_new(uint64_t seed);

/* Release an instance (NULL is ignored). */
void bss2_chip_free(bss2_chip *chip);

/* Execute `n` to-FPGA words (one UT message each, reference bss2-lowlevel.md §6.1) in order, as
 * the FPGA's playback executor would, and store the from-FPGA word stream it answers with (read
 * back with bss2_chip_responses). Returns BSS2_CHIP_OK or a negative status; on error nothing of
 * the stream is executed and the instance's state is unchanged (the stream is validated first).
 * Model time goes on from the previous call. */
int bss2_chip_execute(bss2_chip *chip, const uint64_t *words, size_t n);

/* The from-FPGA words of the last successful execute call, and their number; valid until the
 * next call on the instance. */
const uint64_t *bss2_chip_responses(const bss2_chip *chip, size_t *n);

/* Diagnostics of the last execute call. */
void bss2_chip_get_diagnostics(const bss2_chip *chip, bss2_chip_diagnostics *out);

/* Text of the last error on the instance ("" if none); owned by the instance. */
const char *bss2_chip_last_error(const bss2_chip *chip);

/* The current FPGA systime of the instance (125 MHz cycles since it was created, wrapping at
 * 43 bits). */
uint64_t bss2_chip_systime(const bss2_chip *chip);

/* Added in stage 2: */

/* The chip's systime counter now (43 bit): 0 while the chip reset is asserted, counting from 0
 * after a release, equal to the FPGA systime after a systime sync (timing::SystimeInit(1)).
 * 0 for NULL. */
uint64_t bss2_chip_chip_systime(const bss2_chip *chip);

/* What an Omnibus read of `address` would return now, without side effects or diagnostics
 * (0 for NULL and for addresses without a register). */
uint32_t bss2_chip_peek(const bss2_chip *chip, uint32_t address);

/* Added with the analog core: */

/* Apply (on != 0, the default) or leave out the fixed-pattern mismatch of the analog circuits.
 * The pattern itself belongs to the seed (the "chip serial"). Takes effect now: every neuron
 * continues from its present state with the changed parameters. No-op for NULL. */
void bss2_chip_set_mismatch(bss2_chip *chip, int on);

/* Add (on != 0, the default) or leave out the temporal noise: the read noise of the MADC and
 * CADC, and the membrane noise, seen by the readouts and the threshold comparators (analog.h).
 * Its random streams are keyed by the seed and the FPGA time or count on over the instance's
 * life, so a seed and a sequence of programs always give the same bytes. No-op for NULL. */
void bss2_chip_set_noise(bss2_chip *chip, int on);

/* Membrane voltage of atomic neuron `neuron` (0..511) now, in volts, as a readout sees it
 * (within the rails); 0 for NULL or a neuron out of range. */
double bss2_chip_membrane(const bss2_chip *chip, unsigned neuron);

#endif /* BSS2_CHIP_MODEL_H */
