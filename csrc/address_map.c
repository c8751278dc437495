/* The Omnibus address map: a constant table generated from the haldls registry. */
#include "address_map.h"

#include <stddef.h>

/* Sorted by first, disjoint (tools/gen_address_map.py, checked by tests). */
static const bss2_address_range table[] = {
#include "address_map_table.inc"
};

#define TABLE_LENGTH ((uint32_t)(sizeof table / sizeof table[0]))

uint32_t bss2_address_kind(uint32_t address) {
    /* the last range whose first address is <= address, if any */
    uint32_t lo = 0, hi = TABLE_LENGTH;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (table[mid].first <= address) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return BSS2_ADDRESS_NONE;
    }
    const bss2_address_range *r = &table[lo - 1];
    /* address - first cannot wrap: first <= address */
    return address - r->first < r->count ? r->kind : BSS2_ADDRESS_NONE;
}

const bss2_address_range *bss2_address_ranges(uint32_t *n) {
    if (n != NULL) {
        *n = TABLE_LENGTH;
    }
    return table;
}
