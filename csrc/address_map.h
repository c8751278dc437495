/* Which Omnibus addresses hold a register, and what kind (reference bss2-lowlevel.md §2.2).
 *
 * The table (address_map_table.inc) lists every address a haldls container of the registry
 * reads or writes, merged into ranges; tools/gen_address_map.py generates it and a test checks
 * that it is current. Addresses with bit 31 set are the FPGA's, the others the chip's.
 */
#ifndef BSS2_ADDRESS_MAP_H
#define BSS2_ADDRESS_MAP_H

#include <stdint.h>

/* Kinds of register (bit flags). */
#define BSS2_ADDRESS_NONE 0u     /* no register: reads 0, writes are dropped (diagnostics) */
#define BSS2_ADDRESS_READ 1u     /* some container reads it */
#define BSS2_ADDRESS_WRITE 2u    /* some container writes it */

/* One range of consecutive addresses of the same kind. */
typedef struct bss2_address_range {
    uint32_t first;
    uint32_t count;
    uint32_t kind;
} bss2_address_range;

/* Kind of the register at `address` (BSS2_ADDRESS_NONE if there is none). O(log ranges). */
uint32_t bss2_address_kind(uint32_t address);

/* The table itself, sorted by `first`, ranges disjoint; *n receives its length. */
const bss2_address_range *bss2_address_ranges(uint32_t *n);

#endif /* BSS2_ADDRESS_MAP_H */
