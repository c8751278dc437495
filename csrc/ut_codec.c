/* From-FPGA UT stream decoder: a byte-level state machine equivalent to hxcomm's decoder. */
#include "ut.h"

/* Payload bits per from-FPGA header (jtag data, omnibus data, loopback, highspeed-link
 * notification, timeout notification, systime, sysdelta, MADC packs 1-3, spike packs 1-3). */
static const int8_t payload_bits[BSS2_UT_FROM_FPGA_COUNT] = {33, 32, 1, 8, 45, 43, 8,
                                                             24, 48, 72, 24, 48, 72};

int bss2_ut_from_fpga_payload_bits(int header) {
    if (header < 0 || header >= BSS2_UT_FROM_FPGA_COUNT) {
        return -1;
    }
    return payload_bits[header];
}

static inline uint8_t byte_at(const uint64_t *words, size_t pos) {
    return (uint8_t)(words[pos >> 3] >> (56u - 8u * (unsigned)(pos & 7u)));
}

int64_t bss2_ut_decode_from_fpga(const uint64_t *words, size_t nwords, uint8_t *header,
                                 uint8_t *payload_high, uint64_t *payload, size_t capacity,
                                 size_t *err_offset) {
    size_t dummy = 0;
    if (err_offset == NULL) {
        err_offset = &dummy;
    }
    *err_offset = 0;
    if (nwords == 0) {
        return 0;
    }
    if (words == NULL || header == NULL || payload_high == NULL || payload == NULL) {
        return BSS2_UT_NULL;
    }
    if (capacity < nwords) {
        return BSS2_UT_CAPACITY;
    }
    const size_t nbytes = nwords * 8u;
    size_t pos = 0;
    int64_t count = 0;
    while (pos < nbytes) {
        /* fast path: an aligned 64-bit message */
        if ((pos & 7u) == 0) {
            uint64_t w = words[pos >> 3];
            unsigned h = (unsigned)(w >> 56);
            if (h & 0x80u) { /* comma: drop the whole word */
                pos += 8;
                continue;
            }
            if (h < BSS2_UT_FROM_FPGA_COUNT && h != 9 && h != 12) {
                uint64_t body = w & 0x00FFFFFFFFFFFFFFull;
                if (body >> payload_bits[h]) {
                    *err_offset = pos;
                    return BSS2_UT_NONZERO_PADDING;
                }
                header[count] = (uint8_t)h;
                payload_high[count] = 0;
                payload[count] = body;
                count++;
                pos += 8;
                continue;
            }
        }
        unsigned h = byte_at(words, pos);
        if (h & 0x80u) { /* comma: drop the rest of this word */
            pos = (pos | 7u) + 1u;
            continue;
        }
        if (h >= BSS2_UT_FROM_FPGA_COUNT) {
            *err_offset = pos;
            return BSS2_UT_UNKNOWN_HEADER;
        }
        size_t len = (h == 9 || h == 12) ? 10u : 8u;
        if (pos + len > nbytes) {
            *err_offset = pos;
            return BSS2_UT_TRUNCATED;
        }
        uint64_t lo = 0;
        unsigned hi = 0;
        for (size_t k = 1; k < len; k++) {
            hi = (unsigned)(lo >> 56);
            lo = (lo << 8) | byte_at(words, pos + k);
        }
        if (len == 8u) {
            hi = 0;
        }
        int bits = payload_bits[h];
        int padded = (bits >= 64) ? ((hi >> (bits - 64)) != 0) : (hi != 0 || (lo >> bits) != 0);
        if (padded) {
            *err_offset = pos;
            return BSS2_UT_NONZERO_PADDING;
        }
        header[count] = (uint8_t)h;
        payload_high[count] = (uint8_t)hi;
        payload[count] = lo;
        count++;
        pos += len;
    }
    return count;
}
