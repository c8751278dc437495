/* C tests of the board's I2C bus (i2c.c): the master's transfer rules (continuation, repeated
 * start, stop), the devices' registers, missing acknowledges, bus time, hostile accesses.
 * Built and run under ASan/UBSan by `make csan`; the rules are chip_model.c's ("Board I2C"). */
#include "harness.h"

#define MASTER BSS2_FM_I2C_MASTER
#define STOP BSS2_FM_I2C_STOP
#define RESTART BSS2_FM_I2C_REPEAT_START
#define TCA9554 BSS2_FM_I2C_TCA9554_FIRST
#define INA219 BSS2_FM_I2C_INA219_FIRST
#define EEPROM BSS2_FM_I2C_EEPROM_FIRST
#define MUX BSS2_FM_I2C_TCA9546_FIRST
#define AD5252 BSS2_FM_I2C_AD5252_FIRST
#define DAC BSS2_FM_I2C_DAC6573_FIRST

/* The harness's program (one, reused): the words since the last run. */
#define PUT(w) put(&G, (w))
#define WR_BE(a, v, be) wr_be(&G, (a), (v), (be))
#define WR(a, v) wr(&G, (a), (v))
#define RD(a) rd(&G, (a))
#define PN (G.n)
static int run_i2c(bss2_chip *c) {
    int s = run(c, &G);
    G.n = 0;
    return s;
}

/* Register `reg` of device `dev`: a write transfer of the register byte and `n` data bytes (most
 * significant first), and a read transfer of `n` bytes. */
static void put_register(unsigned dev, unsigned reg, uint32_t v, unsigned n) {
    WR(MASTER | dev, reg);
    for (unsigned i = 0; i < n; i++) {
        WR(MASTER | dev | (i + 1 == n ? STOP : 0u), (v >> (8u * (n - 1u - i))) & 0xFFu);
    }
}
static void get_register(unsigned dev, unsigned reg, unsigned n) {
    WR(MASTER | dev, reg);
    for (unsigned i = 0; i < n; i++) {
        RD(MASTER | dev | (i + 1 == n ? STOP : 0u));
    }
}

static void test_registers(void) {
    bss2_chip *c = bss2_chip_new(1);
    RD(BSS2_FM_I2C_PRESCALER);
    put_register(TCA9554, 2, 0x55, 1);               /* polarity */
    get_register(TCA9554, 2, 1);
    put_register(INA219, 0, 0x1234, 2);              /* configuration */
    get_register(INA219, 0, 2);
    get_register(INA219 + 1, 0, 2);                  /* another INA219: power-on value */
    put_register(DAC, 0x10 + 2 * 3, 0xFFFF, 2);      /* channel 3: 10 bits kept */
    get_register(DAC, 0x10 + 2 * 3, 2);
    get_register(AD5252, 0x21, 1);                   /* EEMEM: factory midscale */
    get_register(EEPROM, BSS2_FM_I2C_EEPROM_ID_REGISTER, 4);
    RD(MASTER | EEPROM | STOP);                      /* sequential: the byte address wrapped */
    check(run_i2c(c) == 0, "registers: run");
    CHECKF(NR == 14, "registers: 14 reads, got %zu", NR);
    CHECKF(R[0] == BSS2_CM_I2C_DEFAULT_PRESCALER, "prescaler at power-on: %u", R[0]);
    CHECKF(R[1] == 0x55, "TCA9554 polarity reads back: 0x%X", R[1]);
    CHECKF(R[2] == 0x12 && R[3] == 0x34, "INA219 config reads back: 0x%X 0x%X", R[2], R[3]);
    CHECKF(R[4] == 0x39 && R[5] == 0x9F, "INA219 power-on config: 0x%X 0x%X", R[4], R[5]);
    CHECKF(R[6] == 0xFF && R[7] == 0xC0, "DAC6573 keeps 10 bits: 0x%X 0x%X", R[6], R[7]);
    CHECKF(R[8] == 0x80, "AD5252 EEMEM: 0x%X", R[8]);
    CHECKF(R[9] == 'B' && R[10] == 'S' && R[11] == 'S' && R[12] == '2', "board ID");
    CHECKF(R[13] == 0xFF, "past the ID the EEPROM reads erased: 0x%X", R[13] & 0xFFu);
    CHECKF(D.i2c_nacks == 0 && D.unknown_reads == 0 && D.unknown_writes == 0, "no nacks");
    bss2_chip_free(c);
}

static void test_transfer_rules(void) {
    bss2_chip *c = bss2_chip_new(2);
    /* the second byte of a transfer is data; with the repeated-start flag it is a new register
     * byte: config (3) gets 0x0F, polarity (2) keeps 0 */
    WR(MASTER | TCA9554, 2);
    WR(MASTER | TCA9554 | RESTART, 3);
    WR(MASTER | TCA9554 | STOP, 0x0F);
    get_register(TCA9554, 2, 1);
    get_register(TCA9554, 3, 1);
    /* a byte to another device ends the transfer: the INA219's first byte is its register */
    WR(MASTER | TCA9554, 1);
    WR(MASTER | INA219, 5);
    WR(MASTER | INA219, 0x00);
    WR(MASTER | INA219 | STOP, 0x03);
    get_register(INA219, 5, 2);                     /* calibration: bit 0 reads 0 */
    /* the mux: every written byte is its register, reads do not change it */
    WR(MASTER | MUX | STOP, 0x05);
    RD(MASTER | MUX | STOP);
    RD(MASTER | MUX | STOP);
    /* a write with byte enables 0 is no transfer */
    WR_BE(MASTER | MUX | STOP, 0x0A, 0);
    RD(MASTER | MUX | STOP);
    check(run_i2c(c) == 0, "rules: run");
    CHECKF(NR == 7, "rules: 7 reads, got %zu", NR);
    CHECKF(R[0] == 0 && R[1] == 0x0F, "repeated start: polarity 0x%X config 0x%X", R[0], R[1]);
    CHECKF(R[2] == 0x00 && R[3] == 0x02, "INA219 calibration 0x%X%02X", R[2], R[3]);
    CHECKF(R[4] == 5 && R[5] == 5 && R[6] == 5, "mux: %u %u %u", R[4], R[5], R[6]);
    /* the INA219's reset bit: calibration back to 0 */
    put_register(INA219, 0, 0x8000, 2);
    get_register(INA219, 5, 2);
    get_register(INA219, 0, 2);
    check(run_i2c(c) == 0, "reset: run");
    CHECKF(NR == 4 && R[0] == 0 && R[1] == 0 && R[2] == 0x39 && R[3] == 0x9F,
           "INA219 RST: calibration 0, config power-on");
    bss2_chip_free(c);
}

static void test_nacks_and_time(void) {
    bss2_chip *c = bss2_chip_new(3);
    WR(MASTER | 0x11, 0);
    RD(MASTER | 0x11 | STOP);
    check(run_i2c(c) == 0, "nack: run");
    CHECKF(NR == 1 && R[0] == BSS2_FM_I2C_ACK_MISSING, "no device: ack missing 0x%X", R[0]);
    CHECKF(D.i2c_nacks == 2 && D.unknown_reads == 0, "nacks counted: %llu",
           (unsigned long long)D.i2c_nacks);
    /* bus time: one byte to the mux = start + address + data + stop = 20 bit times of
     * 4 × prescaler cycles */
    WR(BSS2_FM_I2C_PRESCALER, 10);
    check(run_i2c(c) == 0, "prescaler: run");
    WR(MASTER | MUX | STOP, 1);
    check(run_i2c(c) == 0, "time: run");
    uint64_t took = D.end_systime - D.start_systime;
    CHECKF(took >= 20u * 4u * 10u && took < 20u * 4u * 10u + 8u, "one byte: %llu cycles",
           (unsigned long long)took);
    /* the chip reset leaves the board alone */
    PUT(W(9, 1));
    PUT(W(9, 0));
    RD(MASTER | MUX | STOP);
    check(run_i2c(c) == 0, "chip reset: run");
    CHECKF(NR == 1 && R[0] == 1, "mux survives the chip reset: %u", R[0]);
    bss2_chip_free(c);
}

/* Every offset of the window, written and read with every byte enable and odd data: nothing
 * breaks, every read answers once. */
static void test_hostile(void) {
    bss2_chip *c = bss2_chip_new(4);
    WR(BSS2_FM_I2C_PRESCALER, 0); /* fast */
    check(run_i2c(c) == 0, "hostile: prescaler");
    size_t reads = 0;
    for (uint32_t off = 0; off < 0x200u; off++) {
        WR_BE(MASTER + off, 0xFFFFFF00u | off, off & 0xFu);
        RD(MASTER + off);
        RD(MASTER + off);
        reads += 2;
        if (PN + 8 > MAXW) {
            check(run_i2c(c) == 0, "hostile: run");
            CHECKF(NR == reads, "hostile: %zu reads answered of %zu", NR, reads);
            reads = 0;
        }
    }
    check(run_i2c(c) == 0, "hostile: last run");
    CHECKF(NR == reads, "hostile: %zu reads answered of %zu", NR, reads);
    bss2_chip_free(c);
}

int main(void) {
    test_registers();
    test_transfer_rules();
    test_nacks_and_time();
    test_hostile();
    return check_report();
}
