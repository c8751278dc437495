/* The board's I2C bus behind the FPGA's I2C master (Omnibus window 0x8800_7800 + 0x000..0x1FF,
 * prescaler at 0x8800_7A00), and the devices on it; the decisions are in chip_model.c. The
 * device addresses, register bytes and widths come from fisch's I2C words (field_map.inc).
 */
#include <string.h>

#include "chip_internal.h"
#include "field_map.inc"

#define KIND(dev) bss2_fm_i2c_device_kind[(dev) & 0x7Fu]
_Static_assert(BSS2_FM_I2C_MASTER == BSS2_CM_I2C_MASTER &&
                   BSS2_FM_I2C_PRESCALER == BSS2_CM_I2C_PRESCALER,
               "the master's window (chip_internal.h)");

/* What the INA219 power monitors measure, in halco's INA219OnBoard order (device 0x40 + n): the
 * rail's nominal voltage and a supply current (decisions, see chip_model.c). */
typedef struct bss2_cm_rail {
    uint32_t millivolts, milliamps;
} bss2_cm_rail;
static const bss2_cm_rail bss2_cm_ina219_rail[] = {
    {1200u, 200u}, /* vdd12_digital */
    {2500u, 50u},  /* vdd25_digital */
    {1200u, 150u}, /* vdd12_analog */
    {2500u, 100u}, /* vdd25_analog */
    {1200u, 20u},  /* vdd12_madc */
    {1200u, 10u},  /* vdd12_pll */
};
/* The TMP112's temperature register: 30 °C (0.0625 °C per LSB, 12 bits left-aligned). */
#define BSS2_CM_TMP112_TEMPERATURE ((30u * 16u) << 4)
/* The board ID in the EEPROM's bytes 0xFC-0xFF, most significant first: "BSS2". */
#define BSS2_CM_BOARD_ID 0x42535332u

/* Bytes of a register, by kind (the EEPROM is read and written a byte at a time). */
static const uint8_t width_of[BSS2_FM_I2C_KINDS + 1u] = {
    [BSS2_FM_I2C_EEPROM] = 1u,
    [BSS2_FM_I2C_TMP112] = BSS2_FM_I2C_TMP112_BYTES,
    [BSS2_FM_I2C_INA219] = BSS2_FM_I2C_INA219_BYTES,
    [BSS2_FM_I2C_TCA9554] = BSS2_FM_I2C_TCA9554_BYTES,
    [BSS2_FM_I2C_AD5252] = BSS2_FM_I2C_AD5252_BYTES,
    [BSS2_FM_I2C_DAC6573] = BSS2_FM_I2C_DAC6573_BYTES,
    [BSS2_FM_I2C_TCA9546] = BSS2_FM_I2C_TCA9546_BYTES,
};
_Static_assert(BSS2_FM_I2C_EEPROM_COUNT + BSS2_FM_I2C_TMP112_COUNT + BSS2_FM_I2C_INA219_COUNT +
                       BSS2_FM_I2C_TCA9554_COUNT + BSS2_FM_I2C_AD5252_COUNT +
                       BSS2_FM_I2C_DAC6573_COUNT + BSS2_FM_I2C_TCA9546_COUNT <=
                   BSS2_CM_I2C_SLOTS,
               "device slots");
_Static_assert(BSS2_FM_I2C_INA219_COUNT == sizeof bss2_cm_ina219_rail / sizeof(bss2_cm_rail),
               "one rail per INA219");
_Static_assert(BSS2_FM_I2C_INA219_RW_REGISTERS == ((1u << 0) | (1u << 5)) &&
                   BSS2_FM_I2C_INA219_RO_REGISTERS == 0x1Eu,
               "INA219: config 0, shunt 1, bus 2, power 3, current 4, calibration 5");
_Static_assert(BSS2_FM_I2C_TCA9554_RO_REGISTERS == 1u && BSS2_FM_I2C_TCA9554_RW_REGISTERS == 0xEu,
               "TCA9554: input 0, output 1, polarity 2, configuration 3");
_Static_assert(BSS2_FM_I2C_TMP112_RO_REGISTERS == 1u, "TMP112: temperature 0");

/* Power-on values (datasheets). */
#define INA219_CONFIG_RESET 0x399Fu
#define TMP112_RESET_CONFIG 0x60A0u
#define TMP112_RESET_T_LOW 0x4B00u
#define TMP112_RESET_T_HIGH 0x5000u
#define TCA9554_RESET_OUTPUT 0xFFu
#define TCA9554_RESET_CONFIG 0xFFu /* all pins inputs */
#define AD5252_MIDSCALE 0x80u      /* factory EEMEM value, loaded into the RDACs at power-on */
#define AD5252_EEMEM 0x20u         /* instruction byte: EEMEM (else RDAC) */
#define AD5252_COMMAND 0x80u       /* instruction byte: quick command, no data */

void bss2_cm_i2c_power_on(bss2_cm_i2c *m) {
    memset(m, 0, sizeof *m);
    m->prescaler = BSS2_CM_I2C_DEFAULT_PRESCALER;
    m->active = -1;
    memset(m->slot, 0xFF, sizeof m->slot);
    unsigned n = 0;
    for (unsigned dev = 0; dev < 128u; dev++) {
        unsigned kind = KIND(dev);
        if (kind == 0) {
            continue;
        }
        m->slot[dev] = (uint8_t)n;
        bss2_cm_i2c_device *d = &m->dev[n++];
        switch (kind) {
        case BSS2_FM_I2C_INA219:
            d->reg[0] = INA219_CONFIG_RESET;
            break;
        case BSS2_FM_I2C_TMP112:
            d->reg[1] = TMP112_RESET_CONFIG;
            d->reg[2] = TMP112_RESET_T_LOW;
            d->reg[3] = TMP112_RESET_T_HIGH;
            break;
        case BSS2_FM_I2C_TCA9554:
            d->reg[1] = TCA9554_RESET_OUTPUT;
            d->reg[3] = TCA9554_RESET_CONFIG;
            break;
        case BSS2_FM_I2C_AD5252:
            for (unsigned w = 1; w <= 3; w += 2) {
                d->reg[AD5252_EEMEM | w] = AD5252_MIDSCALE;
                d->reg[w] = AD5252_MIDSCALE;
            }
            break;
        default:
            break;
        }
    }
}

/* INA219 status registers of rail `r` (datasheet: Current = Shunt × Cal / 4096, Power =
 * Current × Bus / 5000, Bus = register >> 3 in 4 mV steps). */
static uint32_t ina219_status(const bss2_cm_i2c_device *d, unsigned r, unsigned reg) {
    const bss2_cm_rail *rail = &bss2_cm_ina219_rail[r];
    int32_t shunt = (int32_t)((rail->milliamps * 27u + 5u) / 10u); /* 27 mΩ, 10 µV steps */
    uint32_t bus = rail->millivolts / 4u;
    int32_t current = (int32_t)(((int64_t)shunt * d->reg[5]) / 4096);
    switch (reg) {
    case 1:
        return (uint32_t)shunt & 0xFFFFu;
    case 2:
        return (bus << 3) | 0x2u; /* conversion ready, no overflow */
    case 3:
        return (uint32_t)(((int64_t)current * bus) / 5000) & 0xFFFFu;
    default:
        return (uint32_t)current & 0xFFFFu;
    }
}

/* The value of register `reg` of device `dev` (slot d). */
static uint32_t load(const bss2_cm_i2c_device *d, unsigned dev, unsigned reg) {
    switch (KIND(dev)) {
    case BSS2_FM_I2C_TMP112:
        return reg == 0 ? BSS2_CM_TMP112_TEMPERATURE : d->reg[reg & 3u];
    case BSS2_FM_I2C_INA219:
        if (reg >= 1 && reg <= 4) {
            return ina219_status(d, dev - BSS2_FM_I2C_INA219_FIRST, reg);
        }
        return reg <= 5 ? d->reg[reg] : 0u;
    case BSS2_FM_I2C_TCA9554: {
        reg &= 3u; /* the command byte's low 2 bits select the register */
        if (reg != 0) {
            return d->reg[reg];
        }
        /* input port: pins that are inputs float high (internal pull-ups), inverted where the
         * polarity register says; output pins read the output register */
        uint32_t config = d->reg[3], polarity = d->reg[2], output = d->reg[1];
        return ((config & (0xFFu ^ polarity)) | (~config & output)) & 0xFFu;
    }
    case BSS2_FM_I2C_AD5252:
        return (reg & AD5252_COMMAND) ? 0u : d->reg[reg & 0x3Fu];
    case BSS2_FM_I2C_DAC6573:
        return d->reg[(reg >> 1) & 3u]; /* the control byte's channel select */
    default:
        return 0;
    }
}

static void store(bss2_cm_i2c_device *d, unsigned dev, unsigned reg, uint32_t v) {
    switch (KIND(dev)) {
    case BSS2_FM_I2C_TMP112:
        if ((reg & 3u) != 0) {
            d->reg[reg & 3u] = (uint16_t)v;
        }
        break;
    case BSS2_FM_I2C_INA219:
        if (reg == 0 && (v & 0x8000u)) { /* RST: every register to its power-on value */
            memset(d->reg, 0, sizeof d->reg);
            d->reg[0] = INA219_CONFIG_RESET;
        } else if (reg == 0) {
            d->reg[0] = (uint16_t)v;
        } else if (reg == 5) {
            d->reg[5] = (uint16_t)(v & 0xFFFEu); /* bit 0 reads 0 */
        }
        break;
    case BSS2_FM_I2C_TCA9554:
        if ((reg & 3u) != 0) {
            d->reg[reg & 3u] = (uint16_t)(v & 0xFFu);
        }
        break;
    case BSS2_FM_I2C_AD5252:
        if (!(reg & AD5252_COMMAND)) {
            d->reg[reg & 0x3Fu] = (uint16_t)(v & 0xFFu);
        }
        break;
    case BSS2_FM_I2C_DAC6573:
        d->reg[(reg >> 1) & 3u] = (uint16_t)(v & 0xFFC0u); /* 10 bits, left-aligned */
        break;
    default:
        break;
    }
}

/* Cycles of `bits` bit times on the bus: one SCL period is 4 × prescaler FPGA cycles. */
static uint64_t bit_cycles(const bss2_cm_i2c *m, uint64_t bits) {
    return bits * 4u * (m->prescaler == 0 ? 1u : m->prescaler);
}

/* Begin the access's byte: a (repeated) start and the address byte unless the transfer in
 * progress continues; returns the bit times so far. *d is the device, NULL if nobody
 * acknowledged the address. */
static uint64_t begin(bss2_chip *c, unsigned offset, int reading, bss2_cm_i2c_device **d) {
    bss2_cm_i2c *m = &c->i2c;
    unsigned dev = offset & 0x7Fu;
    uint64_t bits = 9u; /* the data byte and its acknowledge */
    if (m->active != (int)dev || m->reading != reading ||
        (offset & BSS2_FM_I2C_REPEAT_START) != 0) {
        bits += 1u + 9u; /* start, address byte and acknowledge */
        m->active = (int16_t)dev;
        m->reading = (uint8_t)reading;
        m->bytes = 0;
    }
    *d = m->slot[dev] == 0xFFu ? NULL : &m->dev[m->slot[dev]];
    if (*d == NULL) { /* no acknowledge: the master gives up the transfer */
        m->active = -1;
        c->diag.i2c_nacks++;
    }
    return bits;
}

static uint64_t end(bss2_cm_i2c *m, unsigned offset, uint64_t bits) {
    if (offset & BSS2_FM_I2C_STOP) {
        m->active = -1;
        bits += 1u;
    }
    m->bytes++;
    return bit_cycles(m, bits);
}

uint64_t bss2_cm_i2c_write(bss2_chip *c, uint32_t address, uint32_t data) {
    bss2_cm_i2c *m = &c->i2c;
    if (address == BSS2_FM_I2C_PRESCALER) {
        m->prescaler = data;
        return 0;
    }
    unsigned offset = address - BSS2_FM_I2C_MASTER, dev = offset & 0x7Fu;
    bss2_cm_i2c_device *d = NULL;
    uint64_t bits = begin(c, offset, 0, &d);
    if (d == NULL) {
        return bit_cycles(m, bits);
    }
    uint32_t byte = data & 0xFFu, k = m->bytes;
    unsigned kind = KIND(dev);
    if (kind == BSS2_FM_I2C_TCA9546) { /* no register byte: every byte is the control register */
        d->reg[0] = (uint16_t)byte;
    } else if (k == 0) {
        d->pointer = (uint8_t)byte;
    } else if (kind == BSS2_FM_I2C_EEPROM) { /* write-protected: the data is not stored */
        d->pointer = (uint8_t)(d->pointer + 1u);
    } else if (width_of[kind] == 1u) {
        store(d, dev, d->pointer, byte);
    } else if ((k - 1u) % 2u == 0) { /* most significant byte first */
        d->staged = (uint8_t)byte;
    } else {
        store(d, dev, d->pointer, ((uint32_t)d->staged << 8) | byte);
    }
    return end(m, offset, bits);
}

uint32_t bss2_cm_i2c_read(bss2_chip *c, uint32_t address, uint64_t *cycles) {
    bss2_cm_i2c *m = &c->i2c;
    if (address == BSS2_FM_I2C_PRESCALER) {
        *cycles = 0;
        return m->prescaler;
    }
    unsigned offset = address - BSS2_FM_I2C_MASTER, dev = offset & 0x7Fu;
    bss2_cm_i2c_device *d = NULL;
    uint64_t bits = begin(c, offset, 1, &d);
    if (d == NULL) {
        *cycles = bit_cycles(m, bits);
        return BSS2_FM_I2C_ACK_MISSING;
    }
    uint32_t k = m->bytes, v;
    unsigned kind = KIND(dev);
    if (kind == BSS2_FM_I2C_TCA9546) {
        v = d->reg[0];
    } else if (kind == BSS2_FM_I2C_EEPROM) { /* sequential read from the byte address */
        unsigned p = d->pointer, id = BSS2_FM_I2C_EEPROM_ID_REGISTER;
        v = p >= id && p - id < 4u ? (BSS2_CM_BOARD_ID >> (8u * (3u - (p - id)))) & 0xFFu : 0xFFu;
        d->pointer = (uint8_t)(p + 1u);
    } else if (width_of[kind] == 1u) {
        v = load(d, dev, d->pointer) & 0xFFu;
    } else {
        uint32_t reg = load(d, dev, d->pointer);
        v = k % 2u == 0 ? (reg >> 8) & 0xFFu : reg & 0xFFu;
    }
    *cycles = end(m, offset, bits);
    return v;
}
