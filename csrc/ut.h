/* UT message framing of the from-FPGA word stream (HX v3; reference bss2-lowlevel.md §6.1). */
#ifndef BSS2_UT_H
#define BSS2_UT_H

#include <stddef.h>
#include <stdint.h>

/* Status codes of bss2_ut_decode_from_fpga (negative = error). */
#define BSS2_UT_UNKNOWN_HEADER (-1)  /* header >= 13 without the comma bit */
#define BSS2_UT_TRUNCATED (-2)       /* the stream ends inside a message */
#define BSS2_UT_NONZERO_PADDING (-3) /* bits between header and payload are set */
#define BSS2_UT_CAPACITY (-4)        /* output arrays too small (capacity < nwords) */
#define BSS2_UT_NULL (-5)            /* a required pointer is NULL */

/* Number of instructions in the from-FPGA dictionary. */
#define BSS2_UT_FROM_FPGA_COUNT 13

/* Payload width in bits of from-FPGA instruction `header`, or -1 if unknown. */
int bss2_ut_from_fpga_payload_bits(int header);

/* Decode `nwords` 64-bit words of the from-FPGA stream (each word's most significant byte first
 * on the wire) into messages, with the semantics of the hxcomm decoder: at every message start a
 * set top bit (comma) discards the rest of the current word; otherwise the byte is the header and
 * the message takes 8 bytes (10 for the 3-packs, headers 9 and 12). Payloads are right-aligned:
 * bits 0-63 go to payload[i], bits 64-71 to payload_high[i]. The arrays must hold `capacity`
 * entries; capacity >= nwords always suffices. Returns the number of messages, or a negative
 * BSS2_UT_* code with *err_offset set to the byte offset of the offending message. */
int64_t bss2_ut_decode_from_fpga(const uint64_t *words, size_t nwords, uint8_t *header,
                                 uint8_t *payload_high, uint64_t *payload, size_t capacity,
                                 size_t *err_offset);

/* bss2_ut_decode_from_fpga with each message's FPGA time into time[] (as bss2_ut_fpga_times,
 * from *t, which is left at the time after the last message) and the number of messages per
 * header into counts[0..BSS2_UT_FROM_FPGA_COUNT), in the same pass. */
int64_t bss2_ut_decode_timed(const uint64_t *words, size_t nwords, uint8_t *header,
                             uint8_t *payload_high, uint64_t *payload, uint64_t *time,
                             size_t capacity, uint64_t *t, uint64_t *counts,
                             size_t *err_offset);

/* FPGA time of every message, as the playback decoder tracks it from time t0 (the time of the
 * message before): each message advances the time by one cycle, a Systime message (header 5) sets
 * it to its payload, a Sysdelta message (header 6) adds its payload; times wrap at 43 bits.
 * Returns the time after the last message (t0 if n == 0). */
uint64_t bss2_ut_fpga_times(const uint8_t *header, const uint64_t *payload, size_t n, uint64_t t0,
                            uint64_t *out);

/* Size in bytes of one unpacked event record (spike: label u16, fpga_time u64, chip_time u64;
 * MADC sample: value u16, channel u8, fpga_time u64, chip_time u64; packed, little-endian). */
#define BSS2_SPIKE_RECORD_BYTES 18
#define BSS2_MADC_RECORD_BYTES 19

/* Unpack the spike packs (madc = 0; headers 10-12) or MADC sample packs (madc = 1; headers 7-9)
 * among n messages into records, in stream order (first element of a pack first), with the chip
 * time reconstructed from each 8-bit timestamp (250 MHz) and the message's FPGA time. Returns the
 * number of records, or BSS2_UT_CAPACITY if more than `capacity` would be written. */
int64_t bss2_ut_unpack_events(const uint8_t *header, const uint64_t *payload,
                              const uint8_t *payload_high, const uint64_t *fpga_time, size_t n,
                              int madc, uint8_t *out, size_t capacity);

/* Both kinds in one pass: spike records into `spikes`, MADC sample records into `samples`, their
 * numbers into written[0] and written[1]. Returns 0, or BSS2_UT_CAPACITY if a kind's records
 * exceed its capacity (a NULL output holds none), or BSS2_UT_NULL. */
int64_t bss2_ut_unpack_all(const uint8_t *header, const uint64_t *payload,
                           const uint8_t *payload_high, const uint64_t *fpga_time, size_t n,
                           uint8_t *spikes, size_t spike_capacity, uint8_t *samples,
                           size_t sample_capacity, int64_t *written);

/* Encode n from-FPGA messages MSB-first into 64-bit words, comma-flushing the last word.
 * Returns the number of words, BSS2_UT_UNKNOWN_HEADER / BSS2_UT_NONZERO_PADDING (with *err_index
 * set) for a bad message, or BSS2_UT_CAPACITY if `capacity` words do not suffice. */
int64_t bss2_ut_encode_from_fpga(const uint8_t *header, const uint64_t *payload,
                                 const uint8_t *payload_high, size_t n, uint64_t *out,
                                 size_t capacity, size_t *err_index);

/* Scans a from-FPGA stream that arrives in pieces: walks the whole messages from byte offset *pos
 * (a message start), leaves *pos at the first message not yet whole (or the end), and adds the
 * number of messages per header to counts[0..BSS2_UT_FROM_FPGA_COUNT) (NULL: not counted).
 * Returns the number of halt loopbacks (header 2, payload 0) among them, BSS2_UT_UNKNOWN_HEADER
 * (*pos at the message), or BSS2_UT_NULL. A transport uses it to know that a program's answer
 * is complete. */
int64_t bss2_ut_count_halts(const uint64_t *words, size_t nwords, size_t *pos, uint64_t *counts);

/* Number of instructions in the to-FPGA dictionary, their payload widths in bits by header
 * (reference bss2-lowlevel.md §6.1; the one table of the C code), and the width of `header`
 * (-1 if unknown). */
#define BSS2_UT_TO_FPGA_COUNT 16
extern const uint8_t bss2_ut_to_fpga_bits[BSS2_UT_TO_FPGA_COUNT];
int bss2_ut_to_fpga_payload_bits(int header);

/* Checks n to-FPGA words (one message each: header byte, right-aligned payload) and counts what
 * asks for an answer: out[0] the halts (system::Loopback with payload 0), out[1] the Omnibus
 * reads (omnibus_to_fpga::Address with bit 36 set), out[2] the JTAG data shifts that keep their
 * response (to_fpga_jtag::Data with bit 48 set). Returns 0, or BSS2_UT_UNKNOWN_HEADER /
 * BSS2_UT_NONZERO_PADDING with *err_index at the first bad word, or BSS2_UT_NULL. */
int64_t bss2_ut_count_requests(const uint64_t *words, size_t n, uint64_t *out,
                               size_t *err_index);

#endif /* BSS2_UT_H */
