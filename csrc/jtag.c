/* The chip's JTAG TAP as the FPGA's JTAG engine drives it (to_fpga_jtag Init/Scaler/Ins/Data).
 *
 * A Data shift of num_bits bits shifts out the previous content of the data register the IR
 * selects (masked to num_bits) and then holds the bits shifted in (payload bits 0..39, masked to
 * num_bits and to the register's width; a shorter shift leaves the upper bits 0). Registers:
 * IDCODE (IR 1, constant BSS2_CHIP_JTAG_IDCODE), PLL_TARGET_REG (3, 4 bit), SHIFT_PLL (4, 32 bit:
 * the PLL register r that PLL_TARGET_REG selects, which is the chip register at Omnibus
 * 0x0008_0000 + r (haldls/_clock.py), written like a JTAG Omnibus write), OMNIBUS_ADDRESS (5,
 * 33 bit, bit 32 = read), OMNIBUS_DATA (6, 32 bit), OMNIBUS_REQUEST (7: the update performs the
 * Omnibus access; a read loads OMNIBUS_DATA), PHY registers (IR 1<<6 | phy<<3 | 4, 22 bit
 * each); every other IR (BYPASS, EXTEST, ...) shifts out zeros and keeps nothing.
 */
#include <string.h>

#include "chip_internal.h"

static inline uint64_t low_bits(unsigned n) {
    return n >= 64u ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1u;
}

void bss2_cm_jtag_power_on(bss2_cm_jtag *j) {
    memset(j, 0, sizeof *j);
    j->scaler = BSS2_CM_JTAG_DEFAULT_SCALER;
    j->ir = BSS2_CM_IR_IDCODE;
}

void bss2_cm_jtag_chip_reset(bss2_cm_jtag *j) {
    /* the scaler and the engine belong to the FPGA */
    uint32_t scaler = j->scaler;
    uint64_t busy_until = j->busy_until;
    bss2_cm_jtag_power_on(j);
    j->scaler = scaler;
    j->busy_until = busy_until;
}

uint64_t bss2_cm_jtag_cycles(const bss2_cm_jtag *j, unsigned header, uint64_t payload) {
    uint64_t per_bit = 2u * ((uint64_t)j->scaler + 1u);
    switch (header) {
    case 0:
        return BSS2_CM_JTAG_INIT_BITS * per_bit;
    case 2:
        return BSS2_CM_JTAG_IR_BITS * per_bit;
    case 3:
        return ((payload >> 40) & 0xFFu) * per_bit;
    default: /* Scaler: a setting of the engine */
        return 0;
    }
}

static inline int is_phy_ir(uint32_t ir) { return (ir & 0x47u) == 0x44u; }

static uint64_t shift_dr(bss2_chip *c, uint64_t in) {
    bss2_cm_jtag *j = &c->jtag;
    uint64_t out = 0;
    switch (j->ir) {
    case BSS2_CM_IR_IDCODE:
        return BSS2_CHIP_JTAG_IDCODE;
    case BSS2_CM_IR_PLL_TARGET_REG:
        out = j->pll_target;
        j->pll_target = (uint32_t)(in & 0xFu);
        return out;
    case BSS2_CM_IR_SHIFT_PLL: { /* PLL register r is chip Omnibus 0x0008_0000 + r */
        uint32_t address = BSS2_CM_PLL_BASE + j->pll_target;
        out = bss2_cm_peek(c, address);
        bss2_cm_bus_write(c, address, (uint32_t)in, 0xFu, 1);
        return out;
    }
    case BSS2_CM_IR_OMNIBUS_ADDRESS:
        out = j->omnibus_address;
        j->omnibus_address = in & low_bits(33);
        return out;
    case BSS2_CM_IR_OMNIBUS_DATA:
        out = j->omnibus_data;
        j->omnibus_data = (uint32_t)in;
        return out;
    case BSS2_CM_IR_OMNIBUS_REQUEST: {
        uint32_t address = (uint32_t)j->omnibus_address;
        if ((j->omnibus_address >> 32) & 1u) {
            j->omnibus_data = bss2_cm_bus_read(c, address, 1);
        } else {
            bss2_cm_bus_write(c, address, j->omnibus_data, 0xFu, 1);
        }
        return 0;
    }
    default:
        if (is_phy_ir(j->ir)) {
            uint32_t *phy = &j->phy[(j->ir >> 3) & 7u];
            out = *phy;
            *phy = (uint32_t)(in & low_bits(22));
            return out;
        }
        return 0;
    }
}

uint64_t bss2_cm_jtag_apply(bss2_chip *c, unsigned header, uint64_t payload) {
    bss2_cm_jtag *j = &c->jtag;
    switch (header) {
    case 0: /* Init: TAP reset, IR back to IDCODE */
        j->ir = BSS2_CM_IR_IDCODE;
        return 0;
    case 1:
        j->scaler = (uint32_t)(payload & 0xFFu);
        return 0;
    case 2:
        j->ir = (uint32_t)(payload & 0x7Fu);
        return 0;
    default: { /* 3: Data */
        unsigned nbits = (unsigned)((payload >> 40) & 0xFFu);
        uint64_t in = payload & low_bits(nbits < 40u ? nbits : 40u);
        return shift_dr(c, in) & low_bits(nbits);
    }
    }
}
