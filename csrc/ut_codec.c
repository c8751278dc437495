/* From-FPGA UT stream decoder: a byte-level state machine equivalent to hxcomm's decoder. */
#include "ut.h"

#include <string.h>

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

#define SYSTIME_MASK ((1ull << 43) - 1u)

/* The time annotation of a message after time t (bss2_ut_fpga_times). */
static inline uint64_t time_after(uint64_t t, unsigned h, uint64_t payload) {
    /* (selects, not branches: the annotations and the messages they time alternate) */
    uint64_t next = (t + 1u + (h == 6 ? payload : 0u)) & SYSTIME_MASK;
    return h == 5 ? payload & SYSTIME_MASK : next;
}

/* bss2_ut_decode_from_fpga, and if `timed` (a constant where it is inlined) each message's time
 * from *t and the count per header (counts: BSS2_UT_FROM_FPGA_COUNT entries, added to). */
static inline __attribute__((always_inline)) int64_t
decode(const uint64_t *words, size_t nwords, uint8_t *header, uint8_t *payload_high,
       uint64_t *payload, size_t capacity, size_t *err_offset, int timed, uint64_t *time,
       uint64_t *t, uint64_t *counts) {
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
                if (timed) {
                    *t = time[count] = time_after(*t, h, body);
                    counts[h]++;
                }
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
        if (timed) {
            *t = time[count] = time_after(*t, h, lo);
            counts[h]++;
        }
        count++;
        pos += len;
    }
    return count;
}


int64_t bss2_ut_decode_from_fpga(const uint64_t *words, size_t nwords, uint8_t *header,
                                 uint8_t *payload_high, uint64_t *payload, size_t capacity,
                                 size_t *err_offset) {
    return decode(words, nwords, header, payload_high, payload, capacity, err_offset, 0, NULL,
                  NULL, NULL);
}

int64_t bss2_ut_decode_timed(const uint64_t *words, size_t nwords, uint8_t *header,
                             uint8_t *payload_high, uint64_t *payload, uint64_t *time,
                             size_t capacity, uint64_t *t, uint64_t *counts,
                             size_t *err_offset) {
    if (nwords > 0 && (time == NULL || t == NULL || counts == NULL)) {
        return BSS2_UT_NULL;
    }
    if (counts != NULL) {
        memset(counts, 0, BSS2_UT_FROM_FPGA_COUNT * sizeof *counts);
    }
    uint64_t t0 = t != NULL ? *t & SYSTIME_MASK : 0u, *tp = t != NULL ? &t0 : NULL;
    int64_t n = decode(words, nwords, header, payload_high, payload, capacity, err_offset, 1,
                       time, tp, counts);
    if (t != NULL && n >= 0) {
        *t = t0;
    }
    return n;
}

uint64_t bss2_ut_fpga_times(const uint8_t *header, const uint64_t *payload, size_t n, uint64_t t0,
                            uint64_t *out) {
    uint64_t t = t0 & SYSTIME_MASK;
    if (header == NULL || payload == NULL || out == NULL) {
        return t;
    }
    for (size_t i = 0; i < n; i++) {
        t = out[i] = time_after(t, header[i], payload[i]);
    }
    return t;
}

static inline void put_le(uint8_t *dst, uint64_t v, size_t bytes) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(dst, &v, bytes); /* the low bytes of v come first on a little-endian host */
#else
    for (size_t k = 0; k < bytes; k++) {
        dst[k] = (uint8_t)(v >> (8u * k));
    }
#endif
}

static inline uint64_t chip_time(uint64_t t, unsigned timestamp) {
    uint64_t ct = (t & ~(uint64_t)0x7F) | (uint64_t)(timestamp >> 1);
    uint64_t later = (uint64_t)(ct > t); /* then the timestamp belongs to the previous period */
    return (ct - (later << 7)) & SYSTIME_MASK;
}

/* Write the record of event e (24 bits) of a message at FPGA time t into r. */
static inline void record(uint8_t *r, int madc, uint64_t e, uint64_t t) {
    uint64_t ct = chip_time(t, (unsigned)(e >> 16));
    if (madc) {
        put_le(r, e & 0x3FFu, 2);
        r[2] = (uint8_t)((e >> 10) & 1u);
        put_le(r + 3, t, 8);
        put_le(r + 11, ct, 8);
    } else {
        put_le(r, e & 0xFFFFu, 2);
        put_le(r + 2, t, 8);
        put_le(r + 10, ct, 8);
    }
}

/* The records of the spike packs (kind 0) and MADC sample packs (kind 1) among n messages into
 * out[kind] (capacity[kind] records), the kinds in `kinds` (bit k: kind k) only; their counts
 * into count[]. Returns 0 or BSS2_UT_CAPACITY. */
static int64_t unpack(const uint8_t *header, const uint64_t *payload, const uint8_t *payload_high,
                      const uint64_t *fpga_time, size_t n, unsigned kinds, uint8_t *const out[2],
                      const size_t capacity[2], size_t count[2]) {
    count[0] = count[1] = 0;
    const unsigned want = (kinds >> 1) & 1u; /* MADC samples */
    uint8_t scratch[BSS2_MADC_RECORD_BYTES];
    for (size_t i = 0; i < n; i++) {
        unsigned h = header[i];
        if (h <= 7u) { /* a single MADC sample or no event: without a branch on which (they
                        * alternate with their time annotations); the record of no event goes
                        * where the next one will, or to scratch */
            unsigned take = (h == 7u) & want;
            if (take && count[1] >= capacity[1]) {
                return BSS2_UT_CAPACITY;
            }
            uint8_t *dst = want && count[1] < capacity[1] && out[1] != NULL
                               ? out[1] + BSS2_MADC_RECORD_BYTES * count[1]
                               : scratch;
            record(dst, 1, payload[i] & 0xFFFFFFu, fpga_time[i]);
            count[1] += take;
            continue;
        }
        int madc = h <= 9u;
        if ((!madc && (h < 10u || h > 12u)) || !((kinds >> madc) & 1u)) {
            continue;
        }
        unsigned np = h - (madc ? 7u : 10u) + 1u;
        if (count[madc] + np > capacity[madc] || out[madc] == NULL) {
            return BSS2_UT_CAPACITY;
        }
        const size_t rec = madc ? BSS2_MADC_RECORD_BYTES : BSS2_SPIKE_RECORD_BYTES;
        for (unsigned j = 0; j < np; j++) {
            unsigned shift = 24u * (np - 1u - j);
            uint64_t e = (shift < 64u) ? (payload[i] >> shift) : 0u;
            if (shift > 40u) { /* element reaches into payload bits 64-71 */
                e |= (uint64_t)payload_high[i] << (64u - shift);
            }
            record(out[madc] + rec * count[madc], madc, e & 0xFFFFFFu, fpga_time[i]);
            count[madc]++;
        }
    }
    return 0;
}

int64_t bss2_ut_unpack_all(const uint8_t *header, const uint64_t *payload,
                           const uint8_t *payload_high, const uint64_t *fpga_time, size_t n,
                           uint8_t *spikes, size_t spike_capacity, uint8_t *samples,
                           size_t sample_capacity, int64_t *written) {
    if (written == NULL) {
        return BSS2_UT_NULL;
    }
    written[0] = written[1] = 0;
    if (n == 0) {
        return 0;
    }
    if (header == NULL || payload == NULL || payload_high == NULL || fpga_time == NULL) {
        return BSS2_UT_NULL;
    }
    uint8_t *const out[2] = {spikes, samples};
    const size_t capacity[2] = {spike_capacity, sample_capacity};
    size_t count[2];
    int64_t e = unpack(header, payload, payload_high, fpga_time, n, 3u, out, capacity, count);
    written[0] = (int64_t)count[0];
    written[1] = (int64_t)count[1];
    return e;
}

int64_t bss2_ut_unpack_events(const uint8_t *header, const uint64_t *payload,
                              const uint8_t *payload_high, const uint64_t *fpga_time, size_t n,
                              int madc, uint8_t *out, size_t capacity) {
    if (n == 0) {
        return 0;
    }
    if (header == NULL || payload == NULL || payload_high == NULL || fpga_time == NULL) {
        return BSS2_UT_NULL;
    }
    unsigned kind = madc != 0;
    uint8_t *const outs[2] = {kind ? NULL : out, kind ? out : NULL};
    const size_t capacity2[2] = {kind ? 0u : capacity, kind ? capacity : 0u};
    size_t count[2];
    int64_t e = unpack(header, payload, payload_high, fpga_time, n, 1u << kind, outs, capacity2,
                       count);
    return e < 0 ? e : (int64_t)count[kind];
}

int64_t bss2_ut_encode_from_fpga(const uint8_t *header, const uint64_t *payload,
                                 const uint8_t *payload_high, size_t n, uint64_t *out,
                                 size_t capacity, size_t *err_index) {
    size_t dummy = 0;
    if (err_index == NULL) {
        err_index = &dummy;
    }
    if (n == 0) {
        return 0;
    }
    if (header == NULL || payload == NULL || payload_high == NULL || out == NULL) {
        return BSS2_UT_NULL;
    }
    size_t pos = 0; /* byte position in the output stream */
    for (size_t i = 0; i < n; i++) {
        unsigned h = header[i];
        if (h >= BSS2_UT_FROM_FPGA_COUNT) {
            *err_index = i;
            return BSS2_UT_UNKNOWN_HEADER;
        }
        int bits = payload_bits[h];
        int over = (bits >= 64) ? ((payload_high[i] >> (bits - 64)) != 0)
                                : (payload_high[i] != 0 || (payload[i] >> bits) != 0);
        if (over) {
            *err_index = i;
            return BSS2_UT_NONZERO_PADDING;
        }
        size_t len = (h == 9 || h == 12) ? 10u : 8u;
        if ((pos + len + 7u) / 8u > capacity) {
            return BSS2_UT_CAPACITY;
        }
        if ((pos & 7u) == 0 && len == 8u) { /* aligned 64-bit message */
            out[pos >> 3] = ((uint64_t)h << 56) | payload[i];
            pos += 8;
            continue;
        }
        uint8_t bytes[10];
        bytes[0] = (uint8_t)h;
        if (len == 10u) {
            bytes[1] = payload_high[i];
            for (size_t k = 0; k < 8; k++) {
                bytes[2 + k] = (uint8_t)(payload[i] >> (56u - 8u * k));
            }
        } else {
            for (size_t k = 0; k < 7; k++) {
                bytes[1 + k] = (uint8_t)(payload[i] >> (48u - 8u * k));
            }
        }
        for (size_t k = 0; k < len; k++, pos++) {
            if ((pos & 7u) == 0) {
                out[pos >> 3] = 0;
            }
            out[pos >> 3] |= (uint64_t)bytes[k] << (56u - 8u * (pos & 7u));
        }
    }
    if (pos & 7u) { /* flush: a comma right after the last message */
        out[pos >> 3] |= (uint64_t)0x80u << (56u - 8u * (pos & 7u));
        pos = (pos | 7u) + 1u;
    }
    return (int64_t)(pos >> 3);
}

int64_t bss2_ut_count_halts(const uint64_t *words, size_t nwords, size_t *pos,
                            uint64_t *counts) {
    if (pos == NULL || (words == NULL && nwords != 0)) {
        return BSS2_UT_NULL;
    }
    const size_t nbytes = nwords * 8u;
    int64_t halts = 0;
    while (*pos < nbytes) {
        unsigned h = byte_at(words, *pos);
        if (h & 0x80u) { /* comma: the rest of the word is padding */
            *pos = (*pos | 7u) + 1u;
            continue;
        }
        if (h >= BSS2_UT_FROM_FPGA_COUNT) {
            return BSS2_UT_UNKNOWN_HEADER;
        }
        size_t len = (h == 9 || h == 12) ? 10u : 8u;
        if (*pos + len > nbytes) {
            break; /* (the rest comes with the next piece) */
        }
        unsigned rest = 0;
        for (size_t k = 1; h == 2u && k < len; k++) {
            rest |= byte_at(words, *pos + k);
        }
        halts += h == 2u && rest == 0u;
        if (counts != NULL) {
            counts[h]++;
        }
        *pos += len;
    }
    return halts;
}

/* (The Python dictionary fisch._instructions holds the same widths; a test compares them.) */
const uint8_t bss2_ut_to_fpga_bits[BSS2_UT_TO_FPGA_COUNT] = {0, 8, 7, 56, 0, 32, 1, 5,
                                                             1, 1, 1, 37, 32, 16, 32, 48};

int bss2_ut_to_fpga_payload_bits(int header) {
    return header >= 0 && header < BSS2_UT_TO_FPGA_COUNT ? bss2_ut_to_fpga_bits[header] : -1;
}

int64_t bss2_ut_count_requests(const uint64_t *words, size_t n, uint64_t *out,
                               size_t *err_index) {
    if ((words == NULL && n > 0) || out == NULL || err_index == NULL) {
        return BSS2_UT_NULL;
    }
    out[0] = out[1] = out[2] = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = words[i] >> 56, p = words[i] & 0x00FFFFFFFFFFFFFFull;
        if (h >= BSS2_UT_TO_FPGA_COUNT) {
            *err_index = i;
            return BSS2_UT_UNKNOWN_HEADER;
        }
        if (p >> bss2_ut_to_fpga_bits[h]) {
            *err_index = i;
            return BSS2_UT_NONZERO_PADDING;
        }
        out[0] += h == 10 && p == 0;
        out[1] += h == 11 && ((p >> 36) & 1u);
        out[2] += h == 3 && ((p >> 48) & 1u);
    }
    return 0;
}
