/* Plain C tests of the Omnibus address map; built and run under ASan/UBSan by `make csan`. */
#include <stdio.h>

#include "address_map.h"
#include "check.h"

#define RW (BSS2_ADDRESS_READ | BSS2_ADDRESS_WRITE)

/* Kind of the address as a linear scan of the table finds it (the reference for the search). */
static uint32_t scan_kind(const bss2_address_range *t, uint32_t n, uint32_t address) {
    for (uint32_t i = 0; i < n; i++) {
        if (address >= t[i].first && address - t[i].first < t[i].count) {
            return t[i].kind;
        }
    }
    return BSS2_ADDRESS_NONE;
}

static void test_table_shape(void) {
    uint32_t n = 0;
    const bss2_address_range *t = bss2_address_ranges(&n);
    check(t != NULL && n > 0, "table: non-empty");
    check(bss2_address_ranges(NULL) == t, "table: NULL length pointer allowed");
    int sorted = 1, nonzero = 1, kinds = 1, no_wrap = 1, merged = 1;
    for (uint32_t i = 0; i < n; i++) {
        nonzero &= t[i].count != 0;
        kinds &= t[i].kind == BSS2_ADDRESS_READ || t[i].kind == BSS2_ADDRESS_WRITE ||
                 t[i].kind == RW;
        /* the last address first + count - 1 fits 32 bits */
        no_wrap &= t[i].count == 0 || t[i].count - 1 <= UINT32_MAX - t[i].first;
        if (i > 0) {
            uint64_t end = (uint64_t)t[i - 1].first + t[i - 1].count;
            sorted &= end <= t[i].first;
            /* maximal ranges: touching neighbours differ in kind */
            merged &= end != t[i].first || t[i - 1].kind != t[i].kind;
        }
    }
    check(sorted, "table: sorted by first and disjoint");
    check(nonzero, "table: every count nonzero");
    check(kinds, "table: every kind READ, WRITE or both");
    check(no_wrap, "table: no range wraps past 0xFFFFFFFF");
    check(merged, "table: touching ranges of equal kind are merged");
}

static void test_every_boundary(void) {
    uint32_t n = 0;
    const bss2_address_range *t = bss2_address_ranges(&n);
    int inside = 1, before = 1, after = 1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t first = t[i].first, last = t[i].first + (t[i].count - 1);
        inside &= bss2_address_kind(first) == t[i].kind && bss2_address_kind(last) == t[i].kind;
        inside &= bss2_address_kind(first + (last - first) / 2) == t[i].kind;
        if (first > 0) {
            before &= bss2_address_kind(first - 1) == scan_kind(t, n, first - 1);
        }
        if (last < UINT32_MAX) {
            after &= bss2_address_kind(last + 1) == scan_kind(t, n, last + 1);
        }
    }
    check(inside, "kind: first, middle and last address of every range");
    check(before, "kind: the address before every range agrees with a linear scan");
    check(after, "kind: the address after every range agrees with a linear scan");

    const bss2_address_range *lo = &t[0], *hi = &t[n - 1];
    uint32_t hi_last = hi->first + (hi->count - 1);
    check(bss2_address_kind(lo->first) == lo->kind, "kind: first address of the first range");
    check(lo->first == 0 || bss2_address_kind(lo->first - 1) == BSS2_ADDRESS_NONE,
          "kind: NONE before the first range");
    check(bss2_address_kind(hi_last) == hi->kind, "kind: last address of the last range");
    check(hi_last == UINT32_MAX || bss2_address_kind(hi_last + 1) == BSS2_ADDRESS_NONE,
          "kind: NONE after the last range");
}

/* Reference bss2-lowlevel.md §2.2 (and §4.1 for the timer and the board buses). */
static void test_golden(void) {
    /* chip side */
    check(bss2_address_kind(0x00000000u) == RW, "systime: SystimeSyncBase word 0");
    check(bss2_address_kind(0x00000001u) == RW, "systime: SystimeSyncBase word 1");
    check(bss2_address_kind(0x00000002u) == BSS2_ADDRESS_NONE, "systime: after its 2 words");
    check(bss2_address_kind(0x000C0000u) == BSS2_ADDRESS_WRITE, "MADCControl is write-only");
    check(bss2_address_kind(0x000C0001u) == RW, "MADCConfig word 0");
    check(bss2_address_kind(0x0016002Au) == RW, "NeuronConfig: neuron 5 word 0 (0x0016002A)");
    check(bss2_address_kind(0x0016002Fu) == RW, "NeuronConfig: neuron 5 word 5");
    check(bss2_address_kind(0x00160030u) == BSS2_ADDRESS_NONE, "NeuronConfig: gap after n 5");
    check(bss2_address_kind(0x00160031u) == BSS2_ADDRESS_NONE, "NeuronConfig: gap before n 6");
    check(bss2_address_kind(0x00160032u) == RW, "NeuronConfig: neuron 6 word 0");
    check(bss2_address_kind(0x00122000u) == BSS2_ADDRESS_WRITE, "NeuronReset is write-only");
    check(bss2_address_kind(0x00122800u) == BSS2_ADDRESS_READ, "SpikeCounterRead is read-only");
    check(bss2_address_kind(0x00122C00u) == BSS2_ADDRESS_WRITE, "SpikeCounterReset: write-only");
    check(bss2_address_kind(0x02800000u) == RW, "PPU memory top: first word");
    check(bss2_address_kind(0x02800FFFu) == RW, "PPU memory top: last word");
    check(bss2_address_kind(0x02801000u) == BSS2_ADDRESS_NONE, "PPU memory top: one past");
    check(bss2_address_kind(0x02A00000u) == RW, "PPUControlRegister top");
    check(bss2_address_kind(0x02A00001u) == BSS2_ADDRESS_READ, "PPUStatusRegister is read-only");
    check(bss2_address_kind(0x02CF0000u + 3u * 128u + 5u) == RW, "SynapseQuad top (3, 5)");
    check(bss2_address_kind(0x02CF0000u + 3u * 128u + 5u + 64u) == RW, "SynapseQuad word 2");
    check(bss2_address_kind(0x02C80000u + 7u * 64u + 2u) == BSS2_ADDRESS_READ,
          "causal CADC sample quad is read-only");
    check(bss2_address_kind(0x02E80000u) == BSS2_ADDRESS_READ, "buffered CADC sample quad");
    check(bss2_address_kind(0x7FFFFFFFu) == BSS2_ADDRESS_NONE, "last chip address: nothing");

    /* FPGA side */
    check(bss2_address_kind(0x80000000u) == RW, "external PPU memory: first word");
    check(bss2_address_kind(0x80007FFFu) == RW, "external PPU memory: last of 32 Ki words");
    check(bss2_address_kind(0x80008000u) == BSS2_ADDRESS_NONE, "external PPU memory: one past");
    check(bss2_address_kind(0x84000000u) == RW, "external PPU DRAM: first word");
    check(bss2_address_kind(0x87FFFFFFu) == RW, "external PPU DRAM: last word of 256 MiB");
    check(bss2_address_kind(0x88000000u) == BSS2_ADDRESS_NONE, "executor register 0: nothing");
    check(bss2_address_kind(0x88000003u) == BSS2_ADDRESS_READ, "FPGADeviceDNA is read-only");
    check(bss2_address_kind(0x88000005u) == RW, "EventRecordingConfig");
    check(bss2_address_kind(0x8800000Cu) == BSS2_ADDRESS_READ,
          "timer readout 0x8800000C: read (a timer write is timing.Setup, no Omnibus write)");
    check(bss2_address_kind(0x88007001u) == BSS2_ADDRESS_WRITE, "SPI shift register: write-only");
    check(bss2_address_kind(0x880078C8u) == BSS2_ADDRESS_READ, "I2C TMP112 read with stop");
    check(bss2_address_kind(0x88008000u) == RW, "PerfTest");
    check(bss2_address_kind(0x8800C010u) == BSS2_ADDRESS_READ, "HicannARQStatus is read-only");
    check(bss2_address_kind(0xFFFFFFFFu) == BSS2_ADDRESS_NONE, "0xFFFFFFFF: nothing");
}

int main(void) {
    test_table_shape();
    test_every_boundary();
    test_golden();
    return check_report();
}
