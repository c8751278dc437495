/* The FPGA playback executor: time, the from-FPGA response stream, and the instructions.
 *
 * The timing model and every decision are described in chip_model.c's header comment. All time
 * passes through advance(): it emits the responses that fall due and lets the event fabric
 * (fabric.c) run, both in time order; next_change() asks the fabric when counters may change.
 */
#include <stdlib.h>
#include <string.h>

#include "chip_internal.h"

#define M43 BSS2_CM_SYSTIME_MASK

uint32_t bss2_cm_timer(const bss2_chip *c) { return (uint32_t)(c->now - c->timer_origin); }

/* ---- the from-FPGA word stream (same framing as bss2_ut_encode_from_fpga) -------------------- */

static int grow_out(bss2_chip *c, size_t words) {
    size_t cap = c->out_cap ? c->out_cap : 64u;
    while (cap < words) {
        if (cap > SIZE_MAX / 2u / sizeof *c->out) {
            return -1;
        }
        cap *= 2u;
    }
    uint64_t *out = realloc(c->out, cap * sizeof *out);
    if (out == NULL) {
        return -1;
    }
    c->out = out;
    c->out_cap = cap;
    return 0;
}

int bss2_cm_reserve_out(bss2_chip *c, size_t words) {
    return words <= c->out_cap ? 0 : grow_out(c, words);
}

/* Append one message MSB-first (8 bytes, 10 for the 3-packs, headers 9 and 12). */
static void put_message(bss2_chip *c, unsigned h, uint64_t payload, unsigned payload_high) {
    size_t len = (h == 9u || h == 12u) ? 10u : 8u;
    size_t pos = c->out_bytes;
    if ((pos + len + 7u) / 8u > c->out_cap && grow_out(c, (pos + len + 7u) / 8u) != 0) {
        c->lost_messages++; /* unreachable: the call reserved room for every response */
        return;
    }
    c->diag.responses++;
    if ((pos & 7u) == 0 && len == 8u) {
        c->out[pos >> 3] = ((uint64_t)h << 56) | payload;
        c->out_bytes = pos + 8u;
        return;
    }
    uint8_t bytes[10];
    bytes[0] = (uint8_t)h;
    if (len == 10u) {
        bytes[1] = (uint8_t)payload_high;
        for (size_t k = 0; k < 8; k++) {
            bytes[2 + k] = (uint8_t)(payload >> (56u - 8u * k));
        }
    } else {
        for (size_t k = 0; k < 7; k++) {
            bytes[1 + k] = (uint8_t)(payload >> (48u - 8u * k));
        }
    }
    for (size_t k = 0; k < len; k++, pos++) {
        if ((pos & 7u) == 0) {
            c->out[pos >> 3] = 0;
        }
        c->out[pos >> 3] |= (uint64_t)bytes[k] << (56u - 8u * (pos & 7u));
    }
    c->out_bytes = pos;
}

void bss2_cm_flush_stream(bss2_chip *c) {
    if (c->out_bytes & 7u) { /* a comma right after the last message */
        c->out[c->out_bytes >> 3] |= (uint64_t)0x80u << (56u - 8u * (c->out_bytes & 7u));
        c->out_bytes = (c->out_bytes | 7u) + 1u;
    }
    c->out_words = c->out_bytes >> 3;
}

/* A response produced at FPGA time t, preceded by the time annotation the host decoder needs to
 * arrive at t (it adds 1 per message; Sysdelta adds its payload, Systime sets the time). */
static void emit(bss2_chip *c, uint64_t t, unsigned h, uint64_t payload, unsigned payload_high) {
    uint64_t rt = t & M43;
    uint64_t d = c->dec_time;
    if (((d + 1u) & M43) != rt) {
        uint64_t gap = (rt - d - 2u) & M43;
        if (gap <= 0xFFu) {
            put_message(c, BSS2_CM_FROM_SYSDELTA, gap, 0);
        } else {
            put_message(c, BSS2_CM_FROM_SYSTIME, (rt - 1u) & M43, 0);
        }
    }
    c->dec_time = rt;
    put_message(c, h, payload, payload_high);
    if (h == BSS2_CM_FROM_OMNIBUS_DATA && c->reads_in_flight > 0) {
        c->reads_in_flight--;
    }
}

/* ---- responses waiting for their time: a ring sorted by time (stable) ------------------------ */

static inline bss2_cm_pending *pend_at(const bss2_chip *c, size_t k) {
    return &c->pend[(c->pend_head + k) & (c->pend_cap - 1u)];
}

static int pend_grow(bss2_chip *c) {
    if (c->pend_cap > SIZE_MAX / 2u / sizeof *c->pend) {
        return -1;
    }
    size_t cap = c->pend_cap * 2u;
    bss2_cm_pending *p = malloc(cap * sizeof *p);
    if (p == NULL) {
        return -1;
    }
    for (size_t k = 0; k < c->pend_len; k++) {
        p[k] = *pend_at(c, k);
    }
    free(c->pend);
    c->pend = p;
    c->pend_cap = cap;
    c->pend_head = 0;
    return 0;
}

void bss2_cm_respond_wide(bss2_chip *c, uint64_t t, unsigned header, uint64_t payload,
                          unsigned payload_high) {
    /* invariant: everything pending lies after now, so a response due now goes out at once */
    if (bss2_cm_t_le(t, c->now)) {
        bss2_cm_madc_before(c, t, 1); /* (the samples due then first) */
        emit(c, t, header, payload, payload_high);
        return;
    }
    if (c->pend_len == c->pend_cap && pend_grow(c) != 0) {
        /* never with this stage's bounded in-flight work; out of order, yet the Systime
         * annotation keeps its time exact */
        bss2_cm_madc_before(c, t, 1);
        emit(c, t, header, payload, payload_high);
        return;
    }
    size_t k = c->pend_len;
    while (k > 0 && bss2_cm_t_lt(t, pend_at(c, k - 1u)->time)) {
        *pend_at(c, k) = *pend_at(c, k - 1u);
        k--;
    }
    *pend_at(c, k) = (bss2_cm_pending){t, payload, (uint8_t)header, (uint8_t)payload_high};
    c->pend_len++;
}

void bss2_cm_respond(bss2_chip *c, uint64_t t, unsigned header, uint64_t payload) {
    bss2_cm_respond_wide(c, t, header, payload, 0);
}

void bss2_cm_respond_ordered(bss2_chip *c, uint64_t t, unsigned header, uint64_t payload) {
    while (c->pend_len > 0 && bss2_cm_t_le(pend_at(c, 0)->time, t)) { /* (earlier or tied) */
        bss2_cm_pending p = *pend_at(c, 0);
        c->pend_head = (c->pend_head + 1u) & (c->pend_cap - 1u);
        c->pend_len--;
        emit(c, p.time, p.header, p.payload, p.payload_high);
    }
    emit(c, t, header, payload, 0);
}

void bss2_cm_respond_ordered_many(bss2_chip *c, const uint64_t *t, unsigned header,
                                  const uint64_t *payload, unsigned k) {
    /* mostly nothing pends and the stream ends on a word: then emit's words go out directly */
    int direct = header != BSS2_CM_FROM_OMNIBUS_DATA && header != 9u && header != 12u &&
                 c->out_bytes / 8u + 2u * k <= c->out_cap; /* (9, 12: 10-byte messages) */
    if (!direct || c->pend_len > 0 || (c->out_bytes & 7u) != 0) {
        for (unsigned i = 0; i < k; i++) {
            bss2_cm_respond_ordered(c, t[i], header, payload[i]);
        }
        return;
    }
    uint64_t d = c->dec_time, *w = c->out + c->out_bytes / 8u, *start = w;
    for (unsigned i = 0; i < k; i++) {
        uint64_t rt = t[i] & M43;
        if (((d + 1u) & M43) != rt) { /* the time annotation, as emit writes it */
            uint64_t gap = (rt - d - 2u) & M43;
            *w++ = gap <= 0xFFu ? ((uint64_t)BSS2_CM_FROM_SYSDELTA << 56) | gap
                                : ((uint64_t)BSS2_CM_FROM_SYSTIME << 56) | ((rt - 1u) & M43);
        }
        *w++ = ((uint64_t)header << 56) | payload[i];
        d = rt;
    }
    c->diag.responses += (uint64_t)(w - start);
    c->out_bytes = (size_t)(w - c->out) * 8u;
    c->dec_time = d;
}

/* ---- time ------------------------------------------------------------------------------------ */

/* The single way time passes. */
static inline void advance(bss2_chip *c, uint64_t t) {
    if (bss2_cm_t_le(t, c->now)) {
        return;
    }
    for (;;) {
        /* the earlier of the next pending response and the next event of the fabric; on a tie
         * the response first (so that nothing pending lies at or before now afterwards) */
        uint64_t tf = 0;
        int fabric = bss2_cm_fabric_next(c, &tf) && bss2_cm_t_le(tf, t);
        int pending = c->pend_len > 0 && bss2_cm_t_le(pend_at(c, 0)->time, t);
        if (pending && (!fabric || bss2_cm_t_le(pend_at(c, 0)->time, tf))) {
            bss2_cm_pending p = *pend_at(c, 0);
            c->pend_head = (c->pend_head + 1u) & (c->pend_cap - 1u);
            c->pend_len--;
            c->now = p.time;
            bss2_cm_madc_before(c, p.time, 0); /* (on a tie the response first, as above) */
            emit(c, p.time, p.header, p.payload, p.payload_high);
        } else if (fabric) {
            c->now = tf;
            bss2_cm_fabric_run(c);
        } else {
            break;
        }
    }
    c->now = t;
}

void bss2_cm_advance_to(bss2_chip *c, uint64_t t) { advance(c, t); }

/* The next time at which the register at `address` may change by itself (only the event
 * fabric's counters do: whenever the fabric has something to do); 0 = never. Must lie after now
 * when it returns 1. */
static int next_change(const bss2_chip *c, uint32_t address, uint64_t *t) {
    uint32_t unused = 0;
    if ((address >> 31) || !bss2_cm_fabric_counter(c, address, &unused)) {
        return 0;
    }
    return bss2_cm_fabric_next(c, t);
}

/* Cycles until a free-running 32-bit counter at `timer` first satisfies
 * ((counter & mask) == target) == expect_equal; 0 = never (*dt unchanged). */
int bss2_cm_timer_poll_delay(uint32_t timer, uint32_t mask, uint32_t target, int expect_equal,
                             uint64_t *dt) {
    if (((timer & mask) == target) == (expect_equal != 0)) {
        *dt = 0;
        return 1;
    }
    if (expect_equal) {
        if (target & ~mask) {
            return 0;
        }
        /* smallest x > timer with x & mask == target: x keeps timer's bits above some bit d at
         * which timer has 0 and x has 1, and is minimal (target's bits) below d */
        for (unsigned d = 0; d < 32u; d++) {
            uint32_t below = (d == 0) ? 0u : (UINT32_C(0xFFFFFFFF) >> (32u - d));
            uint32_t above = (d == 31u) ? 0u : (UINT32_C(0xFFFFFFFF) << (d + 1u));
            uint32_t bit = UINT32_C(1) << d;
            if ((timer & bit) || ((mask & bit) && !(target & bit)) ||
                ((timer ^ target) & mask & above)) {
                continue;
            }
            uint32_t x = (timer & above) | bit | (target & below);
            *dt = (uint64_t)(x - timer);
            return 1;
        }
        *dt = (UINT64_C(1) << 32) - timer + target; /* after the counter wraps */
        return 1;
    }
    if (mask == 0) {
        return 0; /* (0 != target) never changes */
    }
    /* the masked bits first change when the lowest masked bit flips */
    uint64_t low = mask & (~mask + 1u);
    *dt = (((uint64_t)timer | (low - 1u)) + 1u) - timer;
    return 1;
}

/* ---- instructions ---------------------------------------------------------------------------- */

/* The instruction that issued at `issue` is done; the next one issues at the later of the end of
 * its blocking and one cycle after its issue. */
static inline void finish(bss2_chip *c, uint64_t issue) {
    advance(c, bss2_cm_t_max(c->now, issue + 1u));
}

static inline uint64_t stall_until(bss2_chip *c, uint64_t t) {
    advance(c, t);
    return c->now;
}

static void timeout(bss2_chip *c, uint64_t t) {
    uint64_t reads = c->reads_in_flight > 63u ? 63u : c->reads_in_flight;
    bss2_cm_respond(c, t, BSS2_CM_FROM_TIMEOUT, (uint64_t)(uint32_t)c->index | (reads << 39));
    c->diag.timeouts++;
}

/* Block from `issue` until `until`, or report a timeout when that is longer than allowed. */
static void block_until(bss2_chip *c, uint64_t issue, uint64_t until) {
    uint64_t deadline = issue + bss2_cm_fpga_reg(c, BSS2_CM_REG_INSTRUCTION_TIMEOUT);
    if (bss2_cm_t_lt(deadline, until)) {
        advance(c, deadline);
        timeout(c, deadline);
    } else {
        advance(c, until);
    }
}

static void polling_block(bss2_chip *c, uint64_t issue, int expect_equal) {
    uint32_t address = bss2_cm_fpga_reg(c, BSS2_CM_REG_POLL_ADDRESS);
    uint32_t target = bss2_cm_fpga_reg(c, BSS2_CM_REG_POLL_TARGET);
    uint32_t mask = bss2_cm_fpga_reg(c, BSS2_CM_REG_POLL_MASK);
    uint64_t deadline = issue + bss2_cm_fpga_reg(c, BSS2_CM_REG_INSTRUCTION_TIMEOUT);
    for (;;) {
        uint32_t v = bss2_cm_peek(c, address);
        if (((v & mask) == target) == (expect_equal != 0)) {
            return;
        }
        uint64_t next = 0;
        int changes;
        if (address == BSS2_CM_REG_TIMER) {
            uint64_t dt = 0;
            changes = bss2_cm_timer_poll_delay(bss2_cm_timer(c), mask, target, expect_equal, &dt);
            next = c->now + dt;
        } else {
            changes = next_change(c, address, &next);
        }
        /* (strict progress keeps the loop finite whatever next_change says) */
        if (!changes || !bss2_cm_t_lt(c->now, next) || bss2_cm_t_lt(deadline, next)) {
            advance(c, deadline);
            timeout(c, deadline);
            return;
        }
        advance(c, next);
    }
}

static void omnibus_address(bss2_chip *c, uint64_t s, uint64_t p) {
    uint32_t address = (uint32_t)p;
    if (!((p >> 36) & 1u)) {
        c->write_address_pending = 1;
        c->write_address = address;
        c->write_byte_enables = (uint32_t)(p >> 32) & 0xFu;
        finish(c, s);
        return;
    }
    uint64_t issue = stall_until(c, c->bus_free);
    c->bus_free = issue + 1u;
    uint64_t latency = (address >> 31) ? BSS2_CM_READ_LATENCY_FPGA : BSS2_CM_READ_LATENCY_CHIP;
    uint32_t value;
    if (bss2_cm_i2c_is(address)) { /* the transfer holds the bus; the byte comes after it */
        uint64_t cycles = 0;
        value = bss2_cm_i2c_read(c, address, &cycles);
        c->bus_free = issue + 1u + cycles;
        latency += cycles;
    } else {
        value = bss2_cm_bus_read(c, address, 0); /* sampled when the request is accepted */
    }
    uint64_t done = bss2_cm_t_max(issue + latency, c->last_read_done + 1u);
    c->last_read_done = done;
    c->reads_in_flight++;
    bss2_cm_respond(c, done, BSS2_CM_FROM_OMNIBUS_DATA, value);
    finish(c, issue);
}

static void omnibus_data(bss2_chip *c, uint64_t s, uint64_t p) {
    if (!c->write_address_pending) {
        c->diag.orphan_data++;
        finish(c, s);
        return;
    }
    c->write_address_pending = 0;
    uint32_t address = c->write_address;
    uint64_t issue = stall_until(c, c->bus_free);
    c->bus_free = issue + ((address >> 31) ? BSS2_CM_WRITE_CYCLES_FPGA : BSS2_CM_WRITE_CYCLES_CHIP);
    if (bss2_cm_i2c_is(address)) { /* the transfer holds the bus */
        if (c->write_byte_enables != 0) {
            c->bus_free += bss2_cm_i2c_write(c, address, (uint32_t)p);
        }
    } else {
        bss2_cm_bus_write(c, address, (uint32_t)p, c->write_byte_enables, 0);
    }
    finish(c, issue);
}

static void jtag(bss2_chip *c, unsigned h, uint64_t p) {
    uint64_t issue = stall_until(c, c->jtag.busy_until); /* one JTAG operation at a time */
    uint64_t cycles = bss2_cm_jtag_cycles(&c->jtag, h, p);
    bss2_cm_madc_before(c, issue, 1);
    uint64_t out = bss2_cm_jtag_apply(c, h, p);
    c->jtag.busy_until = issue + cycles;
    if (h == 3u && ((p >> 48) & 1u)) {
        uint64_t bits33 = out & ((UINT64_C(1) << 33) - 1u);
        bss2_cm_respond(c, issue + cycles, BSS2_CM_FROM_JTAG_DATA, bits33);
    }
    finish(c, issue);
}

static void execute_one(bss2_chip *c, uint64_t w) {
    unsigned h = (unsigned)(w >> 56);
    uint64_t p = w & BSS2_CM_PAYLOAD_MASK;
    uint64_t s = c->now;
    if (c->write_address_pending && h != 12u) {
        c->write_address_pending = 0;
        c->diag.dropped_addresses++;
    }
    switch (h) {
    case 0: case 1: case 2: case 3:
        jtag(c, h, p);
        return;
    case 4: /* timing::Setup */
        c->timer_origin = s;
        break;
    case 5: { /* timing::WaitUntil: unsigned 32-bit compare, no wrap-around wait */
        uint32_t timer = bss2_cm_timer(c);
        if (timer < (uint32_t)p) {
            advance(c, s + ((uint32_t)p - timer));
        }
        break;
    }
    case 6: /* timing::SystimeInit */
        if (p & 1u) {
            bss2_cm_madc_before(c, s, 1); /* (the samples before have the old time stamps) */
            c->sync_busy_until = s + BSS2_CM_SYSTIME_SYNC_CYCLES;
            c->chip_origin = 0; /* chip systime := FPGA systime */
        }
        break;
    case 7: { /* timing::Barrier */
        uint64_t until = s;
        if (p & 1u) {
            until = bss2_cm_t_max(until, bss2_cm_t_max(c->bus_free, c->last_read_done));
        }
        if (p & 2u) {
            until = bss2_cm_t_max(until, c->jtag.busy_until);
        }
        if (p & 4u) {
            until = bss2_cm_t_max(until, c->sync_busy_until);
        }
        block_until(c, s, until);
        break;
    }
    case 8:
        polling_block(c, s, (int)(p & 1u));
        break;
    case 9:
        bss2_cm_chip_reset(c, (int)(p & 1u));
        break;
    case 10:
        bss2_cm_respond(c, s, BSS2_CM_FROM_LOOPBACK, p & 1u);
        break;
    case 11:
        omnibus_address(c, s, p);
        return;
    case 12:
        omnibus_data(c, s, p);
        return;
    default: /* 13..15: spike packs to the chip enter the crossbar now */
        c->diag.events_to_chip += h - 12u;
        bss2_cm_fabric_spike_pack(c, h, p);
        break;
    }
    finish(c, s);
}

void bss2_cm_execute_words(bss2_chip *c, const uint64_t *words, size_t n) {
    /* bring stale completion times up to now (keeps the modular comparisons valid) */
    c->bus_free = bss2_cm_t_max(c->bus_free, c->now);
    c->last_read_done = bss2_cm_t_max(c->last_read_done, c->now);
    c->jtag.busy_until = bss2_cm_t_max(c->jtag.busy_until, c->now);
    c->sync_busy_until = bss2_cm_t_max(c->sync_busy_until, c->now);
    c->out_bytes = 0;
    c->fabric.call_messages = 0;
    c->dec_time = 0;
    c->lost_messages = 0;
    memset(&c->diag, 0, sizeof c->diag);
    c->diag.start_systime = c->now & M43;

    for (size_t i = 0; i < n; i++) {
        c->index = i;
        execute_one(c, words[i]);
    }
    c->diag.instructions = n;
    if (c->write_address_pending) { /* a call's program ends with its own words */
        c->write_address_pending = 0;
        c->diag.dropped_addresses++;
    }

    /* the call ends when all in-flight work is done */
    uint64_t end = bss2_cm_t_max(c->now, bss2_cm_t_max(c->bus_free, c->last_read_done));
    end = bss2_cm_t_max(end, bss2_cm_t_max(c->jtag.busy_until, c->sync_busy_until));
    if (c->pend_len > 0) {
        end = bss2_cm_t_max(end, pend_at(c, c->pend_len - 1u)->time);
    }
    advance(c, end);
    /* events inside the chip (PADI buses, event outputs) finish their way, unless they keep
     * each other going (a recurrent network) longer than the drain rounds */
    for (unsigned r = 0; r < BSS2_CM_DRAIN_ROUNDS; r++) {
        uint64_t t = 0;
        if (!bss2_cm_array_last(c, &t) || bss2_cm_t_le(t, c->now)) {
            break;
        }
        advance(c, t);
    }
    uint64_t last_event = 0;
    if (bss2_cm_fabric_last(c, &last_event)) { /* events already on their way to the FPGA */
        advance(c, last_event);
    }
    bss2_cm_madc_before(c, c->now, 1); /* the samples due by the end */

    bss2_cm_flush_stream(c);
    c->diag.end_systime = c->now & M43;
}
