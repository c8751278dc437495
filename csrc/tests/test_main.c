/* Plain C tests of the chip model; built and run under ASan/UBSan by `make csan`. */
#include <stdio.h>
#include <string.h>

#include "chip.h"
#include "ut.h"
#include "check.h"

static void test_ut_decode(void) {
    uint8_t h[8];
    uint8_t hi[8];
    uint64_t p[8];
    size_t off = 99;
    /* spike pack 1 (label 0x1234, timestamp 0x56), then a comma word, then omnibus data */
    uint64_t words[3] = {0x0A00000000561234ull, 0x8000000000000000ull, 0x01000000DEADBEEFull};
    int64_t n = bss2_ut_decode_from_fpga(words, 3, h, hi, p, 8, &off);
    check(n == 2, "decode: two messages around a comma word");
    check(h[0] == 10 && p[0] == 0x561234ull && hi[0] == 0, "decode: spike pack 1 payload");
    check(h[1] == 1 && p[1] == 0xDEADBEEFull, "decode: omnibus data payload");

    /* an 80-bit spike pack 3 followed by a 64-bit loopback halt and a comma flush */
    uint64_t packed[3] = {0x0C11111122222233ull, 0x3333020000000000ull, 0x0000800000000000ull};
    n = bss2_ut_decode_from_fpga(packed, 3, h, hi, p, 8, &off);
    check(n == 2, "decode: 80-bit message then 64-bit message");
    check(h[0] == 12 && hi[0] == 0x11 && p[0] == 0x1111222222333333ull, "decode: 72-bit payload");
    check(h[1] == 2 && p[1] == 0, "decode: unaligned loopback halt");

    uint64_t unknown[1] = {0x0D00000000000000ull};
    n = bss2_ut_decode_from_fpga(unknown, 1, h, hi, p, 8, &off);
    check(n == BSS2_UT_UNKNOWN_HEADER && off == 0, "decode: unknown header 13");

    uint64_t truncated[1] = {0x0C00000000000000ull};
    n = bss2_ut_decode_from_fpga(truncated, 1, h, hi, p, 8, &off);
    check(n == BSS2_UT_TRUNCATED && off == 0, "decode: truncated 80-bit message");

    uint64_t padding[1] = {0x0100000100000000ull};
    n = bss2_ut_decode_from_fpga(padding, 1, h, hi, p, 8, &off);
    check(n == BSS2_UT_NONZERO_PADDING, "decode: bit above a 32-bit payload");

    check(bss2_ut_decode_from_fpga(words, 3, h, hi, p, 2, &off) == BSS2_UT_CAPACITY,
          "decode: capacity below nwords");
    check(bss2_ut_decode_from_fpga(NULL, 3, h, hi, p, 8, &off) == BSS2_UT_NULL, "decode: NULL");
    check(bss2_ut_decode_from_fpga(NULL, 0, NULL, NULL, NULL, 0, NULL) == 0, "decode: empty");
    check(bss2_ut_from_fpga_payload_bits(12) == 72 && bss2_ut_from_fpga_payload_bits(13) == -1,
          "payload bits table");
}

static void test_ut_times_events_encode(void) {
    /* systime 1000, spike pack 3 (80 bit), sysdelta 20, MADC pack 1 */
    uint8_t h[4] = {5, 12, 6, 7};
    uint64_t p[4] = {1000, 0x1111222222333333ull, 20, 0x020405ull};
    uint8_t hi[4] = {0, 0xFE, 0, 0};
    uint64_t t[4];
    check(bss2_ut_fpga_times(h, p, 4, 7, t) == 1023, "fpga times: time after the last message");
    check(t[0] == 1000 && t[1] == 1001 && t[2] == 1022 && t[3] == 1023, "fpga times");
    check(bss2_ut_fpga_times(h + 1, p + 1, 1, 41, t) == 42, "fpga times continue from t0");
    uint8_t rec[3 * BSS2_SPIKE_RECORD_BYTES];
    check(bss2_ut_unpack_events(h, p, hi, t, 4, 0, rec, 3) == 3, "unpack three spikes");
    check(rec[0] == 0x11 && rec[1] == 0x11, "first spike label comes from the top of the pack");
    check(rec[2] == (1001 & 0xFF) && rec[3] == (1001 >> 8), "spike fpga_time little-endian");
    check(bss2_ut_unpack_events(h, p, hi, t, 4, 0, rec, 2) == BSS2_UT_CAPACITY, "spike capacity");
    uint8_t mrec[BSS2_MADC_RECORD_BYTES];
    check(bss2_ut_unpack_events(h, p, hi, t, 4, 1, mrec, 1) == 1, "unpack one MADC sample");
    check(mrec[0] == 0x05 && mrec[1] == 0 && mrec[2] == 1, "MADC value 10 bit, channel bit 10");

    uint8_t srec[3 * BSS2_SPIKE_RECORD_BYTES], both[BSS2_MADC_RECORD_BYTES];
    int64_t written[2] = {-1, -1};
    check(bss2_ut_unpack_all(h, p, hi, t, 4, srec, 3, both, 1, written) == 0 &&
              written[0] == 3 && written[1] == 1,
          "unpack both kinds in one pass");
    check(memcmp(srec, rec, sizeof rec) == 0 && memcmp(both, mrec, sizeof mrec) == 0,
          "the one pass writes the records of the two");
    check(bss2_ut_unpack_all(h, p, hi, t, 4, srec, 3, NULL, 0, written) == BSS2_UT_CAPACITY,
          "unpack both: a kind without room");
    check(bss2_ut_unpack_all(h, p, hi, t, 4, srec, 3, both, 1, NULL) == BSS2_UT_NULL,
          "unpack both: NULL counts");

    uint64_t out[4] = {0};
    size_t err = 0;
    int64_t n = bss2_ut_encode_from_fpga(h, p, hi, 4, out, 4, &err);
    /* 8 + 10 + 8 + 8 = 34 bytes -> 5 words needed, capacity 4 */
    check(n == BSS2_UT_CAPACITY, "encode capacity");
    uint64_t out5[5] = {0};
    n = bss2_ut_encode_from_fpga(h, p, hi, 4, out5, 5, &err);
    check(n == 5, "encode five words");
    uint8_t dh[5], dhi[5];
    uint64_t dp[5];
    check(bss2_ut_decode_from_fpga(out5, 5, dh, dhi, dp, 5, &err) == 4, "encode/decode round trip");
    check(dh[1] == 12 && dhi[1] == 0xFE && dp[1] == p[1] && dp[3] == p[3], "round trip payloads");
    uint8_t th[5], thi[5];
    uint64_t tp[5], tt[5], tc[BSS2_UT_FROM_FPGA_COUNT], t0 = 7, ref[4];
    bss2_ut_fpga_times(dh, dp, 4, 7, ref);
    check(bss2_ut_decode_timed(out5, 5, th, thi, tp, tt, 5, &t0, tc, &err) == 4 && t0 == 1023,
          "decode with times: the time after the last message");
    check(memcmp(th, dh, 4) == 0 && memcmp(tp, dp, 4 * sizeof tp[0]) == 0 &&
              memcmp(tt, ref, sizeof ref) == 0,
          "decode with times: the messages and bss2_ut_fpga_times' times");
    check(tc[5] == 1 && tc[6] == 1 && tc[7] == 1 && tc[12] == 1 && tc[0] == 0,
          "decode with times: the counts per header");
    check(bss2_ut_decode_timed(out5, 5, th, thi, tp, NULL, 5, &t0, tc, &err) == BSS2_UT_NULL,
          "decode with times: NULL times");
    uint8_t bad_h[1] = {13};
    check(bss2_ut_encode_from_fpga(bad_h, p, hi, 1, out5, 5, &err) == BSS2_UT_UNKNOWN_HEADER,
          "encode unknown header");
    uint64_t wide[1] = {1ull << 33};
    check(bss2_ut_encode_from_fpga(h + 3, wide, hi, 1, out5, 5, &err) == BSS2_UT_NONZERO_PADDING,
          "encode payload too wide");
}

int main(void) {
    test_ut_decode();
    test_ut_times_events_encode();
    check(strcmp(bss2_chip_version(), "0.1.0") == 0, "bss2_chip_version() == \"0.1.0\"");
    check(bss2_chip_abi() == 1, "bss2_chip_abi() == 1");
    return check_report();
}
