/* Register files of the chip model: a growable uint32 -> uint32 hash map and the Omnibus
 * accesses on top of it (address kinds, byte enables, special registers, chip reset). */
#include <stdlib.h>
#include <string.h>

#include "address_map.h"
#include "chip_internal.h"
#include "field_map.inc"

/* ---- hash map ---------------------------------------------------------------------------------
 * Open addressing with linear probing. Programs mostly touch runs of consecutive addresses, so
 * the hash keeps blocks of 8 consecutive addresses together: Fibonacci hashing of address >> 3
 * picks the block's place, the low 3 bits the slot in it. Neighbouring registers then share
 * cache lines (a full chip configuration runs about 3x faster than with every address hashed on
 * its own, at the price of longer, sequential probes: about 1.5 slots on average at load 1/2).
 * Load factor <= 3/4. A slot is live iff its generation equals the map's, so clear() only bumps
 * the generation (chip resets stay O(1) however large the map grew); when the 32-bit generation
 * wraps the slots are zeroed once. */

#define MIN_CAP 16u
#define MAX_CAP (UINT32_C(1) << 30)

static uint32_t log2_u32(uint32_t v) {
    uint32_t r = 0;
    while (v > 1u) {
        v >>= 1;
        r++;
    }
    return r;
}

#define BLOCK_BITS 3u

static inline uint32_t slot_of(const bss2_cm_regmap *m, uint32_t key) {
    uint64_t block = (uint32_t)((key >> BLOCK_BITS) * UINT32_C(2654435769));
    uint32_t low = key & ((UINT32_C(1) << BLOCK_BITS) - 1u);
    return (((uint32_t)(block >> m->shift) << BLOCK_BITS) | low) & (m->cap - 1u);
}

static inline uint32_t shift_for(uint32_t cap) {
    uint32_t k = log2_u32(cap);
    return k > BLOCK_BITS ? 32u - (k - BLOCK_BITS) : 32u;
}

int bss2_cm_regmap_init(bss2_cm_regmap *m, uint32_t cap) {
    uint32_t c = MIN_CAP;
    while (c < cap && c < MAX_CAP) {
        c <<= 1;
    }
    m->slots = calloc(c, sizeof *m->slots);
    if (m->slots == NULL) {
        memset(m, 0, sizeof *m);
        return -1;
    }
    m->cap = c;
    m->shift = shift_for(c);
    m->count = 0;
    m->gen = 1;
    return 0;
}

void bss2_cm_regmap_free(bss2_cm_regmap *m) {
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static inline uint64_t max_load(uint64_t cap) { return cap - cap / 4u; }

int bss2_cm_regmap_reserve(bss2_cm_regmap *m, uint64_t extra) {
    uint64_t need = (uint64_t)m->count + extra;
    if (need <= max_load(m->cap)) {
        return 0;
    }
    uint64_t c = m->cap;
    while (max_load(c) < need) {
        if (c >= MAX_CAP) {
            return -1;
        }
        c <<= 1;
    }
    bss2_cm_slot *slots = calloc((size_t)c, sizeof *slots);
    if (slots == NULL) {
        return -1;
    }
    bss2_cm_regmap n = {slots, (uint32_t)c, shift_for((uint32_t)c), 0, 1};
    for (uint32_t i = 0; i < m->cap; i++) {
        const bss2_cm_slot *s = &m->slots[i];
        if (s->gen != m->gen) {
            continue;
        }
        uint32_t k = slot_of(&n, s->key);
        while (slots[k].gen == n.gen) {
            k = (k + 1u) & (n.cap - 1u);
        }
        slots[k] = (bss2_cm_slot){s->key, s->value, n.gen};
        n.count++;
    }
    free(m->slots);
    *m = n;
    return 0;
}

bss2_cm_slot *bss2_cm_regmap_find(const bss2_cm_regmap *m, uint32_t key) {
    uint32_t k = slot_of(m, key);
    for (;;) {
        bss2_cm_slot *s = &m->slots[k];
        if (s->gen != m->gen) {
            return NULL;
        }
        if (s->key == key) {
            return s;
        }
        k = (k + 1u) & (m->cap - 1u);
    }
}

uint32_t bss2_cm_regmap_get(const bss2_cm_regmap *m, uint32_t key, uint32_t dflt) {
    const bss2_cm_slot *s = bss2_cm_regmap_find(m, key);
    return s != NULL ? s->value : dflt;
}

bss2_cm_slot *bss2_cm_regmap_upsert(bss2_cm_regmap *m, uint32_t key) {
    uint32_t k = slot_of(m, key);
    for (;;) {
        bss2_cm_slot *s = &m->slots[k];
        if (s->gen != m->gen) {
            break;
        }
        if (s->key == key) {
            return s;
        }
        k = (k + 1u) & (m->cap - 1u);
    }
    if ((uint64_t)m->count + 1u > max_load(m->cap)) {
        /* only without a covering reserve (not in the executor): grow, re-probe */
        if (bss2_cm_regmap_reserve(m, 1) != 0) {
            return NULL;
        }
        return bss2_cm_regmap_upsert(m, key);
    }
    bss2_cm_slot *s = &m->slots[k];
    *s = (bss2_cm_slot){key, 0, m->gen};
    m->count++;
    return s;
}

void bss2_cm_regmap_clear(bss2_cm_regmap *m) {
    if (m->count == 0) {
        return;
    }
    m->count = 0;
    m->gen++;
    if (m->gen == 0) { /* wrapped: stale slots could look live again */
        memset(m->slots, 0, (size_t)m->cap * sizeof *m->slots);
        m->gen = 1;
    }
}

/* ---- address kinds ------------------------------------------------------------------------------
 * bss2_address_kind searches the table of ranges (O(log ranges)) on every call; programs mostly
 * go through the table in order, so the instance remembers the range of its last hit and tries
 * it and the next one first. The table (bss2_address_ranges) is sorted by first and disjoint. */

static uint32_t kind_search(const bss2_chip *c, uint32_t address, uint32_t *index) {
    const bss2_address_range *r = c->ranges;
    uint32_t lo = 0, hi = c->nranges;
    while (lo < hi) { /* the last range whose first address is <= address */
        uint32_t mid = lo + (hi - lo) / 2u;
        if (r[mid].first <= address) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    if (lo == 0 || address - r[lo - 1u].first >= r[lo - 1u].count) {
        return BSS2_ADDRESS_NONE;
    }
    *index = lo - 1u;
    return r[lo - 1u].kind;
}

static inline int in_range(const bss2_address_range *r, uint32_t address) {
    return address >= r->first && address - r->first < r->count;
}

uint32_t bss2_cm_address_kind(bss2_chip *c, uint32_t address) {
    if (c->ranges == NULL) {
        return bss2_address_kind(address);
    }
    uint32_t i = c->range_hint;
    if (i < c->nranges) {
        if (in_range(&c->ranges[i], address)) {
            return c->ranges[i].kind;
        }
        if (i + 1u < c->nranges && in_range(&c->ranges[i + 1u], address)) {
            c->range_hint = i + 1u;
            return c->ranges[i + 1u].kind;
        }
    }
    return kind_search(c, address, &c->range_hint);
}

static uint32_t kind_const(const bss2_chip *c, uint32_t address) {
    uint32_t unused = 0;
    return c->ranges == NULL ? bss2_address_kind(address) : kind_search(c, address, &unused);
}

/* ---- Omnibus accesses ------------------------------------------------------------------------ */

static const uint32_t byte_mask[16] = {
    0x00000000u, 0x000000FFu, 0x0000FF00u, 0x0000FFFFu, 0x00FF0000u, 0x00FF00FFu,
    0x00FFFF00u, 0x00FFFFFFu, 0xFF000000u, 0xFF0000FFu, 0xFF00FF00u, 0xFF00FFFFu,
    0xFFFF0000u, 0xFFFF00FFu, 0xFFFFFF00u, 0xFFFFFFFFu,
};

static inline int is_fpga(uint32_t address) { return (address >> 31) != 0; }

static void note_unknown(bss2_chip *c, uint32_t address) {
    if (c->diag.unknown_reads == 0 && c->diag.unknown_writes == 0) {
        c->diag.first_unknown_address = address;
    }
}

uint32_t bss2_cm_peek(const bss2_chip *c, uint32_t address) {
    if (address == BSS2_CM_REG_TIMER) {
        return bss2_cm_timer(c);
    }
    if (bss2_cm_i2c_is(address)) { /* a look starts no I2C transfer */
        return address == BSS2_CM_I2C_PRESCALER ? c->i2c.prescaler : 0u;
    }
    if (kind_const(c, address) == BSS2_ADDRESS_NONE) {
        return 0;
    }
    if (is_fpga(address)) {
        return bss2_cm_fpga_reg(c, address);
    }
    uint32_t v = 0;
    if (c->chip_reset) {
        return 0;
    }
    if (bss2_cm_synram_read(c, address, &v) || bss2_cm_fabric_counter(c, address, &v) ||
        bss2_cm_cadc_peek(c, address, &v)) {
        return v;
    }
    return bss2_cm_regmap_get(&c->chip_regs, address, 0);
}

uint32_t bss2_cm_bus_read(bss2_chip *c, uint32_t address, int via_jtag) {
    int fpga = is_fpga(address);
    if ((via_jtag && fpga) || bss2_cm_address_kind(c, address) == BSS2_ADDRESS_NONE) {
        note_unknown(c, address);
        c->diag.unknown_reads++;
        return 0;
    }
    if (fpga) {
        return address == BSS2_CM_REG_TIMER ? bss2_cm_timer(c) : bss2_cm_fpga_reg(c, address);
    }
    if (c->chip_reset) {
        c->diag.reset_drops++;
        return 0;
    }
    uint32_t v = 0;
    if (bss2_cm_synram_read(c, address, &v) || bss2_cm_fabric_counter(c, address, &v) ||
        bss2_cm_cadc_read(c, address, &v)) {
        return v;
    }
    return bss2_cm_regmap_get(&c->chip_regs, address, 0);
}

void bss2_cm_bus_write(bss2_chip *c, uint32_t address, uint32_t data, uint32_t byte_enables,
                       int via_jtag) {
    int fpga = is_fpga(address);
    uint32_t kind = (via_jtag && fpga) ? BSS2_ADDRESS_NONE : bss2_cm_address_kind(c, address);
    if (kind == BSS2_ADDRESS_NONE) {
        note_unknown(c, address);
        c->diag.unknown_writes++;
        return;
    }
    if (!(kind & BSS2_ADDRESS_WRITE)) {
        c->diag.readonly_writes++;
        return;
    }
    if (!fpga && c->chip_reset) {
        c->diag.reset_drops++;
        return;
    }
    uint32_t mask = byte_mask[byte_enables & 0xFu];
    if (mask == 0) {
        return;
    }
    bss2_cm_madc_before(c, c->now, 1); /* (the samples due by now read what was before) */
    if (!fpga && bss2_cm_synram_write(c, address, data, mask)) { /* a synapse memory view */
        return;
    }
    bss2_cm_slot *s = bss2_cm_regmap_upsert(fpga ? &c->fpga_regs : &c->chip_regs, address);
    if (s == NULL) { /* unreachable: the executor reserves room for every write of a call */
        c->diag.unknown_writes++;
        return;
    }
    uint32_t old = s->value;
    s->value = (s->value & ~mask) | (data & mask);
    if (fpga) {
        if (address == bss2_fm_event_recording_config_address[0][0]) {
            c->recording =
                (uint8_t)BSS2_FM_FIELD(s->value, EVENT_RECORDING_CONFIG_ENABLE_EVENT_RECORDING);
        }
        return;
    }
    if (s->value != old) {
        bss2_cm_fabric_written(c, address, old);
        bss2_cm_array_written(c, address);
        bss2_cm_analog_written(c, address);
        bss2_cm_madc_written(c, address);
    }
    if (!(kind & BSS2_ADDRESS_READ)) { /* write-only registers: triggers act on every write */
        bss2_cm_array_trigger(c, address, s->value);
    }
}

uint32_t bss2_cm_fpga_reg(const bss2_chip *c, uint32_t address) {
    uint32_t dflt = address == BSS2_CM_REG_INSTRUCTION_TIMEOUT ? BSS2_CM_DEFAULT_INSTRUCTION_TIMEOUT
                                                               : 0u;
    return bss2_cm_regmap_get(&c->fpga_regs, address, dflt);
}

void bss2_cm_chip_reset(bss2_chip *c, int assert_line) {
    bss2_cm_madc_before(c, c->now, 1);
    if (assert_line) {
        bss2_cm_regmap_clear(&c->chip_regs);
        bss2_cm_jtag_chip_reset(&c->jtag);
        bss2_cm_fabric_chip_reset(c);
        bss2_cm_array_chip_reset(&c->array);
        bss2_cm_analog_chip_reset(c);
        memset(&c->madc, 0, sizeof c->madc); /* powered down */
        memset(&c->cadc, 0, sizeof c->cadc);
        c->madc.stale = 1;
        c->chip_reset = 1;
    } else if (c->chip_reset) {
        c->chip_reset = 0;
        c->chip_origin = c->now; /* the chip's systime counter restarts at 0 */
    }
}
