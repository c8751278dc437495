/* C tests of the FPGA playback executor of the chip model (chip_model.c, executor.c, regfile.c,
 * jtag.c); built and run under ASan/UBSan by `make csan`. Times in FPGA cycles; the expected
 * numbers follow the decisions in chip_model.c's header comment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address_map.h"
#include "chip_internal.h"
#include "chip_model.h"
#include "ut.h"
#include "check.h"

/* ---- word builders --------------------------------------------------------------------------- */

static uint64_t W(unsigned h, uint64_t p) { return ((uint64_t)h << 56) | p; }
static uint64_t ob_write(uint32_t a, unsigned be) { return W(11, a | ((uint64_t)be << 32)); }
static uint64_t ob_read(uint32_t a) {
    return W(11, a | (UINT64_C(0xF) << 32) | (UINT64_C(1) << 36));
}
static uint64_t ob_data(uint32_t v) { return W(12, v); }
static uint64_t j_ins(unsigned ir) { return W(2, ir); }
static uint64_t j_data(unsigned nbits, uint64_t v, int keep) {
    return W(3, v | ((uint64_t)nbits << 40) | ((uint64_t)(keep != 0) << 48));
}
#define SETUP W(4, 0)
#define WAIT(v) W(5, (uint64_t)(v))
#define BARRIER(m) W(7, (m))
#define POLL(eq) W(8, (eq))
#define RESET(on) W(9, (on))
#define LOOPBACK(v) W(10, (v))
#define N(a) (sizeof(a) / sizeof((a)[0]))

#define MAXM 8192
/* The responses of a call, time annotation stripped, with the FPGA time the host decodes. */
typedef struct msgs {
    size_t n;         /* responses */
    size_t total;     /* messages including Systime/Sysdelta */
    size_t annotations;
    uint8_t h[MAXM];
    uint64_t p[MAXM];
    uint64_t t[MAXM];
} msgs;

static msgs M; /* test scratch */

/* Decode the last call's stream; 0 on success. */
static int decode(const bss2_chip *c, msgs *m) {
    size_t nw = 0;
    const uint64_t *w = bss2_chip_responses(c, &nw);
    m->n = m->total = m->annotations = 0;
    if (nw == 0) {
        return 0;
    }
    if (nw > MAXM) {
        return -1;
    }
    static uint8_t h[MAXM], hi[MAXM];
    static uint64_t p[MAXM], t[MAXM];
    size_t off = 0;
    int64_t k = bss2_ut_decode_from_fpga(w, nw, h, hi, p, MAXM, &off);
    if (k < 0) {
        return -1;
    }
    bss2_ut_fpga_times(h, p, (size_t)k, 0, t);
    m->total = (size_t)k;
    for (int64_t i = 0; i < k; i++) {
        if (h[i] == 5 || h[i] == 6) {
            m->annotations++;
            continue;
        }
        m->h[m->n] = h[i];
        m->p[m->n] = p[i];
        m->t[m->n] = t[i];
        m->n++;
    }
    return 0;
}

static int run(bss2_chip *c, const uint64_t *w, size_t n) {
    int s = bss2_chip_execute(c, w, n);
    if (s != BSS2_CHIP_OK) {
        fprintf(stderr, "execute: %d %s\n", s, bss2_chip_last_error(c));
        return s;
    }
    return decode(c, &M);
}

static bss2_chip_diagnostics diag(const bss2_chip *c) {
    bss2_chip_diagnostics d;
    bss2_chip_get_diagnostics(c, &d);
    return d;
}

/* An address of the given kind and side (bit 31), from the address map; `nth` picks later ones. */
static uint32_t find_address(uint32_t kind, int fpga, unsigned nth) {
    uint32_t nr = 0;
    const bss2_address_range *r = bss2_address_ranges(&nr);
    for (uint32_t i = 0; i < nr; i++) {
        if (r[i].kind == kind && (int)(r[i].first >> 31) == fpga && r[i].count > 0) {
            if (nth == 0) {
                return r[i].first;
            }
            nth--;
        }
    }
    return 0xFFFFFFFFu;
}

static uint32_t unknown_address(void) {
    uint32_t a = 0x7000F00Du;
    while (bss2_address_kind(a) != BSS2_ADDRESS_NONE) {
        a += 0x1000u;
    }
    return a;
}

#define RW (BSS2_ADDRESS_READ | BSS2_ADDRESS_WRITE)
#define CHIP_RW 0x0016002Au /* NeuronConfig word, reference §2.3 */
#define FPGA_RW 0x88000005u /* EventRecordingConfig */

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_validation(void) {
    bss2_chip *c = bss2_chip_new(1);
    check(c != NULL, "new");
    uint64_t ok[] = {LOOPBACK(1)};
    check(run(c, ok, 1) == 0 && M.n == 1, "a loopback call before the errors");
    uint64_t sys = bss2_chip_systime(c);

    uint64_t bad_header[] = {SETUP, SETUP, W(16, 0)};
    check(bss2_chip_execute(c, bad_header, 3) == BSS2_CHIP_BAD_INSTRUCTION, "header 16 refused");
    const char *e = bss2_chip_last_error(c);
    check(strstr(e, "word 2") && strstr(e, "0x1000000000000000") && strstr(e, "header 16"),
          "error names index, word and header");
    uint64_t comma[] = {UINT64_C(0x8A00000000000000)};
    check(bss2_chip_execute(c, comma, 1) == BSS2_CHIP_BAD_INSTRUCTION, "comma bit refused");
    check(strstr(bss2_chip_last_error(c), "comma") != NULL, "comma error text");
    uint64_t pad[] = {LOOPBACK(0), W(1, 0x100)};
    check(bss2_chip_execute(c, pad, 2) == BSS2_CHIP_BAD_INSTRUCTION, "scaler bit 8 refused");
    e = bss2_chip_last_error(c);
    check(strstr(e, "word 1") && strstr(e, "Scaler") && strstr(e, "padding"), "padding error text");
    uint64_t pad2[] = {W(4, 1)};
    check(bss2_chip_execute(c, pad2, 1) == BSS2_CHIP_BAD_INSTRUCTION, "Setup payload refused");
    uint64_t pad3[] = {W(11, UINT64_C(1) << 37)};
    check(bss2_chip_execute(c, pad3, 1) == BSS2_CHIP_BAD_INSTRUCTION, "address bit 37 refused");
    uint64_t maxok[] = {j_data(255, (UINT64_C(1) << 40) - 1, 1) | (UINT64_C(0x7F) << 49)};
    check(bss2_chip_execute(c, maxok, 0) == BSS2_CHIP_OK, "n = 0 with words");
    /* too long: checked before words are read */
    check(bss2_chip_execute(c, ok, (size_t)BSS2_CHIP_PLAYBACK_MEMORY_WORDS + 1u) ==
              BSS2_CHIP_TOO_LONG,
          "too long refused");
    check(strstr(bss2_chip_last_error(c), "4194305") != NULL, "too long error text");
    check(bss2_chip_execute(c, NULL, 3) == BSS2_CHIP_NULL, "NULL words with n > 0");
    check(bss2_chip_execute(NULL, ok, 1) == BSS2_CHIP_NULL, "NULL chip");
    check(bss2_chip_execute(c, bad_header, 3) == BSS2_CHIP_BAD_INSTRUCTION, "again an error");
    check(bss2_chip_systime(c) == sys, "errors leave time alone");
    size_t n1 = 0;
    const uint64_t *r1 = bss2_chip_responses(c, &n1);
    /* n = 0 succeeded in between: responses empty now */
    check(n1 == 0, "responses of the last successful call (empty) stay");
    check(bss2_chip_execute(c, ok, 1) == BSS2_CHIP_OK, "loopback again");
    r1 = bss2_chip_responses(c, &n1);
    check(bss2_chip_execute(c, pad, 2) == BSS2_CHIP_BAD_INSTRUCTION, "error after loopback");
    size_t n2 = 0;
    const uint64_t *r2 = bss2_chip_responses(c, &n2);
    check(n2 == n1 && n1 > 0 && r2[n2 - 1] == r1[n1 - 1], "previous responses stay on error");
    check(diag(c).instructions == 1, "previous diagnostics stay on error");
    check(bss2_chip_execute(c, NULL, 0) == BSS2_CHIP_OK, "NULL words with n == 0");
    check(bss2_chip_last_error(c)[0] == '\0', "success clears last_error");
    check(bss2_chip_execute(c, maxok, 1) == BSS2_CHIP_OK, "JTAG data may use all 56 bits");
    check(bss2_chip_membrane(c, 512) == 0.0 && bss2_chip_membrane(c, 511) >= 0.0,
          "membrane: a neuron out of range reads 0");
    bss2_chip_free(c);
    bss2_chip_free(NULL);
    bss2_chip_set_mismatch(NULL, 0); /* no-ops */
    bss2_chip_set_noise(NULL, 0);
    check(bss2_chip_membrane(NULL, 0) == 0.0, "membrane: NULL reads 0");
}

static void test_omnibus(void) {
    bss2_chip *c = bss2_chip_new(2);
    check(bss2_address_kind(CHIP_RW) == RW && bss2_address_kind(FPGA_RW) == RW,
          "test addresses RW");
    uint64_t w[] = {
        ob_write(CHIP_RW, 0xF), ob_data(0x11223344u), ob_read(CHIP_RW),
        ob_write(CHIP_RW, 0x5), ob_data(0xAABBCCDDu), ob_read(CHIP_RW),
        ob_write(FPGA_RW, 0xF), ob_data(0x1u),         ob_read(FPGA_RW),
        ob_write(CHIP_RW, 0x0), ob_data(0xFFFFFFFFu), ob_read(CHIP_RW),
    };
    check(run(c, w, N(w)) == 0, "omnibus program runs");
    check(M.n == 4 && M.h[0] == 1 && M.h[1] == 1 && M.h[2] == 1 && M.h[3] == 1,
          "four data responses");
    check(M.p[0] == 0x11223344u, "read back full write");
    check(M.p[1] == 0x11BB33DDu, "byte enables 0b0101 write bytes 0 and 2");
    check(M.p[2] == 1u, "FPGA register read back");
    check(M.p[3] == 0x11BB33DDu, "byte enables 0 write nothing");
    /* timing: write address 0, data 1 (bus until 3), read at 2 -> wait bus 3, done 35; ... */
    check(M.t[0] == 35, "chip read response after 32 cycles");
    check(M.t[1] > M.t[0] && M.t[2] > M.t[1] && M.t[3] > M.t[2], "responses in issue order");
    check(bss2_chip_peek(c, CHIP_RW) == 0x11BB33DDu, "peek");
    bss2_chip_diagnostics d = diag(c);
    check(d.instructions == N(w) && d.unknown_reads == 0 && d.unknown_writes == 0, "no unknowns");
    check(d.responses == M.total, "responses count all messages");

    /* robustness: orphan data, address followed by something else, address ending the call */
    uint64_t o[] = {ob_data(5),  ob_write(CHIP_RW, 0xF), LOOPBACK(0),
                    ob_data(7),  ob_write(CHIP_RW, 0xF), ob_write(CHIP_RW, 0xF),
                    ob_data(9),  ob_write(CHIP_RW, 0xF)};
    check(run(c, o, N(o)) == 0, "odd omnibus program runs");
    d = diag(c);
    check(d.orphan_data == 2, "two orphan data words");
    check(d.dropped_addresses == 3, "three dropped write addresses (incl. at the end)");
    check(bss2_chip_peek(c, CHIP_RW) == 9u, "the complete pair wrote");
    uint64_t next[] = {ob_data(1)};
    check(run(c, next, 1) == 0 && diag(c).orphan_data == 1, "no address carried over calls");
    check(bss2_chip_peek(c, CHIP_RW) == 9u, "orphan data writes nothing");
    bss2_chip_free(c);
}

static void test_unknown_and_readonly(void) {
    bss2_chip *c = bss2_chip_new(3);
    uint32_t u = unknown_address();
    uint32_t ro = find_address(BSS2_ADDRESS_READ, 0, 0);
    uint32_t ro_fpga = find_address(BSS2_ADDRESS_READ, 1, 0);
    check(ro != 0xFFFFFFFFu && ro_fpga != 0xFFFFFFFFu, "read-only addresses exist");
    uint64_t w[] = {ob_write(u, 0xF), ob_data(42), ob_read(u), ob_read(u + 1),
                    ob_write(ro, 0xF), ob_data(42), ob_read(ro),
                    ob_write(ro_fpga, 0xF), ob_data(42), ob_read(ro_fpga)};
    check(run(c, w, N(w)) == 0, "unknown program runs");
    bss2_chip_diagnostics d = diag(c);
    check(d.unknown_writes == 1 && d.unknown_reads == 2, "unknown reads and writes counted");
    check(d.first_unknown_address == u, "first unknown address");
    check(d.readonly_writes == 2, "read-only writes counted");
    check(M.n == 4 && M.p[0] == 0 && M.p[1] == 0 && M.p[2] == 0, "unknown and read-only read 0");
    check(ro_fpga == BSS2_CM_REG_TIMER || M.p[3] == 0, "FPGA read-only reads its stored 0");
    /* the FPGA read-only register gets read 4 cycles after issue; chip ones after 32 */
    uint64_t t[] = {ob_read(0x88000000u)};
    check(run(c, t, 1) == 0 && diag(c).first_unknown_address == 0x88000000u,
          "executor base +0 has no register");
    bss2_chip_free(c);
}

static void test_timer_and_systime(void) {
    bss2_chip *c = bss2_chip_new(4);
    check(bss2_chip_systime(c) == 0, "systime starts at 0");
    uint64_t w[] = {SETUP, WAIT(1000), ob_read(BSS2_CM_REG_TIMER), WAIT(5),
                    ob_read(BSS2_CM_REG_TIMER)};
    check(run(c, w, N(w)) == 0, "timer program runs");
    check(M.n == 2 && M.p[0] == 1000u, "timer reads 1000 right after WaitUntil(1000)");
    check(M.p[1] == 1002u, "WaitUntil(5) at timer 1001 is a no-op");
    check(M.t[0] == 1004 && M.t[1] == 1006, "FPGA reads answer after 4 cycles");
    bss2_chip_diagnostics d = diag(c);
    check(d.start_systime == 0 && d.end_systime == 1006, "call start and end systime");
    check(bss2_chip_systime(c) == 1006, "systime after the call (waits for the last read)");
    check(bss2_chip_peek(c, BSS2_CM_REG_TIMER) == 1006u, "timer continues with systime");

    /* a maximal wait is arithmetic; the timer then wraps and compares unsigned */
    uint64_t w2[] = {SETUP, WAIT(0xFFFFFFF0u), WAIT(5), ob_read(BSS2_CM_REG_TIMER),
                     WAIT(0xFFFFFFFFu), ob_read(BSS2_CM_REG_TIMER), WAIT(3),
                     ob_read(BSS2_CM_REG_TIMER)};
    check(run(c, w2, N(w2)) == 0, "long wait runs");
    uint64_t t_setup = 1006;
    check(M.n == 3 && M.p[0] == 0xFFFFFFF1u, "WaitUntil(5) at a high timer is a no-op");
    check(M.p[1] == 0xFFFFFFFFu, "timer at 2^32-1");
    check(M.p[2] == 3u, "after the wrap the timer compares unsigned: WaitUntil(3) waits");
    check(M.t[1] == ((t_setup + 0xFFFFFFFFu + 4u) & BSS2_CM_SYSTIME_MASK),
          "decoded time of a far response");
    check(bss2_chip_systime(c) == ((t_setup + (UINT64_C(1) << 32) + 7u) & BSS2_CM_SYSTIME_MASK),
          "systime after the long wait");
    check(diag(c).timeouts == 0, "WaitUntil never times out");
    /* the timer without Setup equals systime mod 2^32 at creation */
    bss2_chip *c2 = bss2_chip_new(5);
    uint64_t w3[] = {WAIT(300), ob_read(BSS2_CM_REG_TIMER)};
    check(run(c2, w3, N(w3)) == 0 && M.p[0] == 300u && M.t[0] == 304u, "timer from creation");
    bss2_chip_free(c2);
    bss2_chip_free(c);
}

static void test_barrier(void) {
    bss2_chip *c = bss2_chip_new(6);
    uint64_t w[] = {ob_read(CHIP_RW), BARRIER(1), LOOPBACK(1)};
    check(run(c, w, N(w)) == 0 && M.n == 2, "barrier program runs");
    check(M.h[0] == 1 && M.t[0] == 32 && M.h[1] == 2 && M.t[1] == 32,
          "loopback after the barrier comes when the read is answered");
    uint64_t w0[] = {ob_read(CHIP_RW), LOOPBACK(1)};
    uint64_t t0 = bss2_chip_systime(c);
    check(run(c, w0, N(w0)) == 0 && M.n == 2, "no barrier runs");
    check(M.h[0] == 2 && M.t[0] == t0 + 1 && M.h[1] == 1 && M.t[1] == t0 + 32,
          "without barrier the loopback overtakes the read");
    /* barrier with nothing to wait for, and unused bits: one cycle */
    t0 = bss2_chip_systime(c);
    uint64_t w1[] = {BARRIER(0x1F), BARRIER(0x18), LOOPBACK(0)};
    check(run(c, w1, N(w1)) == 0 && M.n == 1 && M.t[0] == t0 + 2, "idle barriers take 1 cycle");

    /* timeout: 10 cycles allowed, a chip read needs 32 */
    t0 = bss2_chip_systime(c);
    uint64_t w2[] = {ob_write(BSS2_CM_REG_INSTRUCTION_TIMEOUT, 0xF), ob_data(10), ob_read(CHIP_RW),
                     ob_read(CHIP_RW), BARRIER(1), LOOPBACK(0)};
    check(run(c, w2, N(w2)) == 0, "barrier timeout program runs");
    check(M.n == 4 && M.h[0] == 4, "timeout notification first");
    /* write address t0, data t0+1 (bus +1), read t0+2 (done +34), read t0+3 (done +35), barrier
     * t0+4 -> timeout at t0+14 */
    check(M.t[0] == t0 + 14, "timeout at issue + 10");
    check((M.p[0] & 0xFFFFFFFFu) == 4 && ((M.p[0] >> 32) & 0x7F) == 0 && (M.p[0] >> 39) == 2,
          "timeout payload: index 4, two reads in flight");
    check(M.h[1] == 2 && M.t[1] == t0 + 14, "execution goes on at the timeout");
    check(M.h[2] == 1 && M.h[3] == 1 && M.t[3] == t0 + 35, "the reads complete later");
    check(diag(c).timeouts == 1, "timeouts counted");
    check(bss2_chip_peek(c, BSS2_CM_REG_INSTRUCTION_TIMEOUT) == 10u, "timeout register reads back");
    bss2_chip_free(c);
}

static void test_polling(void) {
    bss2_chip *c = bss2_chip_new(7);
    check(bss2_chip_peek(c, BSS2_CM_REG_INSTRUCTION_TIMEOUT) == 1250000u, "default timeout");
    /* defaults: address 0, mask 0, target 0 -> equality holds at once */
    uint64_t w0[] = {POLL(1), LOOPBACK(0)};
    check(run(c, w0, N(w0)) == 0 && M.n == 1 && M.t[0] == 1, "default poll passes at once");
    uint64_t t0 = bss2_chip_systime(c);
    uint64_t w[] = {
        ob_write(BSS2_CM_REG_POLL_ADDRESS, 0xF), ob_data(FPGA_RW),
        ob_write(BSS2_CM_REG_POLL_TARGET, 0xF),  ob_data(1),
        ob_write(BSS2_CM_REG_POLL_MASK, 0xF),    ob_data(1),
        ob_write(FPGA_RW, 0xF),                  ob_data(3),
        ob_write(BSS2_CM_REG_INSTRUCTION_TIMEOUT, 0xF), ob_data(100),
        POLL(1), LOOPBACK(1), /* (3 & 1) == 1: passes */
        POLL(0), LOOPBACK(0), /* until != 1: times out after 100 */
    };
    check(run(c, w, N(w)) == 0, "poll program runs");
    check(M.n == 3 && M.h[0] == 2 && M.t[0] == t0 + 11, "equal poll passes at once");
    check(M.h[1] == 4 && M.t[1] == t0 + 12 + 100 && (M.p[1] & 0xFFFFFFFFu) == 12,
          "unequal poll times out with its index");
    check(M.h[2] == 2 && M.p[2] == 0 && M.t[2] == t0 + 112, "execution continues");
    check(diag(c).timeouts == 1, "one timeout");

    /* polling the timer: passes when the timer reaches the target */
    t0 = bss2_chip_systime(c);
    uint64_t w2[] = {
        ob_write(BSS2_CM_REG_POLL_ADDRESS, 0xF), ob_data(BSS2_CM_REG_TIMER),
        ob_write(BSS2_CM_REG_POLL_TARGET, 0xF),  ob_data(500),
        ob_write(BSS2_CM_REG_POLL_MASK, 0xF),    ob_data(0xFFFFFFFFu),
        ob_write(BSS2_CM_REG_INSTRUCTION_TIMEOUT, 0xF), ob_data(1000),
        SETUP, POLL(1), LOOPBACK(1),
        POLL(1), LOOPBACK(0), /* 500 again only after a wrap: timeout */
    };
    check(run(c, w2, N(w2)) == 0, "timer poll runs");
    check(M.n == 3 && M.h[0] == 2 && M.t[0] == t0 + 8 + 500, "timer poll passes at timer 500");
    check(M.h[1] == 4 && M.t[1] == t0 + 8 + 501 + 1000, "second timer poll times out");
    bss2_chip_free(c);

    /* the arithmetic of timer polls against brute force */
    uint64_t x = 88172645463325252ull;
    int bad = 0;
    for (int k = 0; k < 3000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint32_t timer = (uint32_t)x;
        uint32_t mask = (uint32_t)(x >> 32) & ((k & 1) ? 0x3FFu : 0x80000FF0u);
        uint32_t target = (uint32_t)(x >> 20) & mask;
        if (k % 7 == 0) {
            target |= 0x1000u; /* outside the mask: never equal */
        }
        int eq = (k >> 1) & 1;
        uint64_t dt = 0;
        int ok = bss2_cm_timer_poll_delay(timer, mask, target, eq, &dt);
        uint64_t limit = (uint64_t)1 << 14;
        uint64_t found = 0;
        int has = 0;
        for (uint64_t d = 0; d < limit; d++) {
            uint32_t v = (uint32_t)(timer + d);
            if (((v & mask) == target) == eq) {
                found = d;
                has = 1;
                break;
            }
        }
        if (has) {
            bad += !(ok && dt == found);
        } else if (ok) {
            uint32_t v = (uint32_t)(timer + dt);
            bad += !(dt >= limit && ((v & mask) == target) == eq);
            uint32_t u = (uint32_t)(timer + dt - 1);
            bad += !(((u & mask) == target) != eq);
        } else {
            bad += eq ? (target & ~mask) == 0 : mask != 0; /* "never" must be right */
        }
    }
    check(bad == 0, "timer poll delay matches brute force");
}

static void test_reset(void) {
    bss2_chip *c = bss2_chip_new(8);
    uint64_t w[] = {ob_write(CHIP_RW, 0xF), ob_data(77), ob_write(FPGA_RW, 0xF), ob_data(5),
                    WAIT(50), RESET(1), ob_write(CHIP_RW, 0xF), ob_data(78), ob_read(CHIP_RW),
                    WAIT(100), RESET(0), ob_read(CHIP_RW), ob_read(FPGA_RW),
                    ob_write(CHIP_RW, 0xF), ob_data(79), ob_read(CHIP_RW)};
    check(run(c, w, N(w)) == 0 && M.n == 4, "reset program runs");
    check(M.p[0] == 0, "reads 0 while in reset");
    check(M.p[1] == 0, "chip register cleared by reset");
    check(M.p[2] == 5, "FPGA register kept");
    check(M.p[3] == 79, "writes work after release");
    check(diag(c).reset_drops == 2, "write and read during reset counted");
    check(bss2_chip_chip_systime(c) == bss2_chip_systime(c) - 100,
          "chip systime restarts at release");
    uint64_t w2[] = {RESET(1)};
    check(run(c, w2, 1) == 0 && bss2_chip_chip_systime(c) == 0, "chip systime 0 in reset");
    check(bss2_chip_peek(c, CHIP_RW) == 0 && bss2_chip_peek(c, FPGA_RW) == 5, "peek after reset");
    uint64_t w3[] = {RESET(0), WAIT(0), W(6, 1), BARRIER(4), LOOPBACK(0)};
    uint64_t t0 = bss2_chip_systime(c);
    check(run(c, w3, N(w3)) == 0, "sync program runs");
    check(bss2_chip_chip_systime(c) == bss2_chip_systime(c), "chip systime = FPGA after sync");
    check(M.n == 1 && M.t[0] == t0 + 2 + 100, "systime barrier waits for the sync");
    bss2_chip_free(c);
}

static void test_loopback_and_events(void) {
    bss2_chip *c = bss2_chip_new(9);
    uint64_t w[] = {LOOPBACK(1), LOOPBACK(0), W(13, 0x1234), W(14, 0x12345678), W(15, 1),
                    LOOPBACK(1)};
    check(run(c, w, N(w)) == 0 && M.n == 3, "loopback program runs");
    check(M.h[0] == 2 && M.p[0] == 1 && M.h[1] == 2 && M.p[1] == 0 && M.p[2] == 1, "loopback echo");
    check(M.t[0] == 0 && M.t[1] == 1 && M.t[2] == 5, "loopback times");
    check(diag(c).events_to_chip == 6, "spike labels counted");
    bss2_chip_free(c);
}

static void test_jtag(void) {
    bss2_chip *c = bss2_chip_new(10);
    uint64_t w[] = {W(0, 0), j_data(32, 0, 1), j_ins(BSS2_CM_IR_IDCODE), j_data(32, 0, 1)};
    check(run(c, w, N(w)) == 0 && M.n == 2, "IDCODE program runs");
    check(M.h[0] == 0 && M.p[0] == BSS2_CHIP_JTAG_IDCODE && M.p[1] == BSS2_CHIP_JTAG_IDCODE,
          "IDCODE after Init and after Ins");
    check((BSS2_CHIP_JTAG_IDCODE & 1u) && (BSS2_CHIP_JTAG_IDCODE >> 28) == 3u &&
              ((BSS2_CHIP_JTAG_IDCODE >> 12) & 0xFFFFu) == 0x4858u &&
              ((BSS2_CHIP_JTAG_IDCODE >> 1) & 0x7FFu) == 0x057u,
          "IDCODE fields");
    /* Init 5 bits x 8 = 40; Data 32 x 8 = 256 -> 296; Ins 56 -> 352; Data -> 608 */
    check(M.t[0] == 296 && M.t[1] == 608, "JTAG shift times with scaler 3");
    uint64_t w1[] = {W(1, 0), j_ins(BSS2_CM_IR_IDCODE), j_data(8, 0, 1), BARRIER(2), LOOPBACK(0)};
    uint64_t t0 = bss2_chip_systime(c);
    check(run(c, w1, N(w1)) == 0 && M.n == 2, "scaler program runs");
    check(M.p[0] == (BSS2_CHIP_JTAG_IDCODE & 0xFFu) && M.t[0] == t0 + 1 + 14 + 16,
          "scaler 0: 2 cycles a bit; response masked to num_bits");
    check(M.t[1] == M.t[0], "JTAG barrier waits for the engine");

    /* Omnibus over JTAG, as fisch encodes it, then a highspeed read */
    uint64_t w2[] = {
        j_ins(BSS2_CM_IR_OMNIBUS_ADDRESS), j_data(33, CHIP_RW, 0),
        j_ins(BSS2_CM_IR_OMNIBUS_DATA),    j_data(32, 0xCAFEF00Du, 0),
        j_ins(BSS2_CM_IR_OMNIBUS_REQUEST), j_data(3, 0, 0),
        BARRIER(2), ob_read(CHIP_RW),
    };
    check(run(c, w2, N(w2)) == 0 && M.n == 1 && M.p[0] == 0xCAFEF00Du,
          "JTAG write, highspeed read");
    uint64_t w3[] = {
        ob_write(CHIP_RW, 0xF), ob_data(0x600DBEEFu), BARRIER(1),
        j_ins(BSS2_CM_IR_OMNIBUS_ADDRESS), j_data(33, CHIP_RW | (UINT64_C(1) << 32), 0),
        j_ins(BSS2_CM_IR_OMNIBUS_REQUEST), j_data(3, 0, 0),
        j_ins(BSS2_CM_IR_OMNIBUS_DATA),    j_data(32, 0, 1),
    };
    check(run(c, w3, N(w3)) == 0 && M.n == 1 && M.h[0] == 0 && M.p[0] == 0x600DBEEFu,
          "highspeed write, JTAG read");
    /* FPGA addresses are not on the chip's bus */
    uint64_t w4[] = {
        j_ins(BSS2_CM_IR_OMNIBUS_ADDRESS), j_data(33, FPGA_RW, 0),
        j_ins(BSS2_CM_IR_OMNIBUS_REQUEST), j_data(3, 0, 0),
    };
    check(run(c, w4, N(w4)) == 0 && diag(c).unknown_writes == 1,
          "JTAG to an FPGA address is unknown");
    /* PLL and PHY registers */
    uint64_t w5[] = {
        j_ins(BSS2_CM_IR_PLL_TARGET_REG), j_data(4, 5, 0),
        j_ins(BSS2_CM_IR_SHIFT_PLL),      j_data(32, 0x12345678u, 0),
        j_ins(BSS2_CM_IR_SHIFT_PLL),      j_data(32, 0x9u, 1),
        j_ins((1u << 6) | (3u << 3) | 4u), j_data(22, 0x3FFFFFu, 0),
        j_ins((1u << 6) | (3u << 3) | 4u), j_data(22, 1, 1),
        j_ins(127), j_data(33, 0x1FFFFFFFFull, 1),
    };
    check(run(c, w5, N(w5)) == 0 && M.n == 3, "PLL/PHY program runs");
    check(M.p[0] == 0x12345678u && bss2_chip_peek(c, 0x00080005u) == 9u,
          "PLL register 5 (chip Omnibus 0x8_0005) written and shifted out");
    check(M.p[1] == 0x3FFFFFu && c->jtag.phy[3] == 1u, "PHY register written and shifted out");
    check(M.p[2] == 0, "BYPASS shifts out zeros");
    uint64_t w6[] = {RESET(1), RESET(0), j_data(32, 0, 1)};
    check(run(c, w6, N(w6)) == 0 && M.p[0] == BSS2_CHIP_JTAG_IDCODE &&
              bss2_chip_peek(c, 0x00080005u) == 0 && c->jtag.phy[3] == 0,
          "chip reset resets the TAP and the PLL registers");
    /* a PLL register written over JTAG reads back over the Omnibus, and the other way round */
    uint64_t w7[] = {
        j_ins(BSS2_CM_IR_PLL_TARGET_REG), j_data(4, 2, 0),
        j_ins(BSS2_CM_IR_SHIFT_PLL),      j_data(32, 0xABCD0123u, 0),
        BARRIER(2), ob_read(0x00080002u),
        ob_write(0x00080003u, 0xF), ob_data(0x55AA55AAu), BARRIER(1),
        j_ins(BSS2_CM_IR_PLL_TARGET_REG), j_data(4, 3, 0),
        j_ins(BSS2_CM_IR_SHIFT_PLL),      j_data(32, 0x55AA55AAu, 1),
    };
    check(run(c, w7, N(w7)) == 0 && M.n == 2 && M.p[0] == 0xABCD0123u && M.p[1] == 0x55AA55AAu,
          "JTAG PLL registers are chip Omnibus 0x8_0000 + r");
    bss2_chip_free(c);
}

static void test_time_annotation(void) {
    bss2_chip *c = bss2_chip_new(11);
    /* responses at 1 (nothing), 6 (Sysdelta 3), 1000 (Systime 999), 1001 (nothing) */
    uint64_t w[] = {SETUP, LOOPBACK(1), ob_read(FPGA_RW), WAIT(1000), LOOPBACK(0), LOOPBACK(1)};
    check(run(c, w, N(w)) == 0, "annotation program runs");
    size_t nw = 0;
    const uint64_t *r = bss2_chip_responses(c, &nw);
    check(nw == 6, "six words: 4 responses, 1 Sysdelta, 1 Systime");
    check(nw == 6 && r[0] == W(2, 1) && r[1] == W(6, 3) && r[2] == W(1, 0) &&
              r[3] == W(5, 999) && r[4] == W(2, 0) && r[5] == W(2, 1),
          "exact response words");
    check(M.n == 4 && M.t[0] == 1 && M.t[1] == 6 && M.t[2] == 1000 && M.t[3] == 1001,
          "decoded times");
    /* a new call decodes from 0 again: its first response needs a Systime */
    uint64_t w2[] = {LOOPBACK(1), WAIT(1300), LOOPBACK(1)};
    uint64_t t0 = bss2_chip_systime(c);
    check(run(c, w2, N(w2)) == 0 && M.n == 2 && M.annotations == 2, "second call annotated");
    check(t0 == 1002 && M.t[0] == t0 && M.t[1] == 1300, "second call times");
    /* from time 0 a response at 0 needs Systime(2^43 - 1); a gap of 257 is Sysdelta 255, one of
     * 258 a Systime */
    bss2_chip *d = bss2_chip_new(12);
    uint64_t w4[] = {LOOPBACK(0), WAIT(257), LOOPBACK(0), WAIT(257 + 258), LOOPBACK(0)};
    check(run(d, w4, N(w4)) == 0, "gap program runs");
    r = bss2_chip_responses(d, &nw);
    check(nw == 6 && r[0] == W(5, BSS2_CM_SYSTIME_MASK) && r[2] == W(6, 255) && r[4] == W(5, 514),
          "Sysdelta up to 255, then Systime");
    check(M.t[0] == 0 && M.t[1] == 257 && M.t[2] == 515, "decoded gap times");
    bss2_chip_free(d);
    bss2_chip_free(c);
}

static void test_regmap(void) {
    bss2_cm_regmap m;
    check(bss2_cm_regmap_init(&m, 16) == 0, "map init");
    int bad = 0;
    for (uint32_t i = 0; i < 100000u; i++) {
        bss2_cm_slot *s = bss2_cm_regmap_upsert(&m, i * 7u + 0x80000000u);
        bad += s == NULL;
        if (s) {
            s->value = i;
        }
    }
    check(bad == 0 && m.count == 100000u && m.cap >= 131072u, "map grows by doubling");
    for (uint32_t i = 0; i < 100000u; i++) {
        bad += bss2_cm_regmap_get(&m, i * 7u + 0x80000000u, 0xFFFFFFFFu) != i;
    }
    bad += bss2_cm_regmap_find(&m, 3u) != NULL;
    check(bad == 0, "map lookups");
    uint32_t cap = m.cap;
    check(bss2_cm_regmap_reserve(&m, 10) == 0 && m.cap == cap, "reserve within capacity");
    bss2_cm_regmap_clear(&m);
    check(m.count == 0 && bss2_cm_regmap_find(&m, 0x80000007u) == NULL, "clear");
    m.gen = 0xFFFFFFFFu; /* force the generation wrap */
    bss2_cm_regmap_upsert(&m, 1u)->value = 5;
    bss2_cm_regmap_clear(&m);
    check(m.gen == 1 && bss2_cm_regmap_find(&m, 1u) == NULL, "generation wrap zeroes slots");
    bss2_cm_regmap_upsert(&m, 0xFFFFFFFFu)->value = 3;
    bss2_cm_regmap_upsert(&m, 0u)->value = 4;
    check(bss2_cm_regmap_get(&m, 0xFFFFFFFFu, 9) == 3 && bss2_cm_regmap_get(&m, 0, 9) == 4,
          "keys 0 and 0xFFFFFFFF");
    bss2_cm_regmap_free(&m);
}

static uint64_t rng_mix(uint64_t x) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

static uint64_t rng_next(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* 80-bit messages (later stages' event packs) take the same framing as bss2_ut_encode_from_fpga */
static void test_stream_framing(void) {
    bss2_chip *c = bss2_chip_new(14);
    uint64_t w[] = {WAIT(100)};
    check(run(c, w, 1) == 0 && bss2_chip_systime(c) == 100, "framing: setup call");
    static const uint8_t hs[] = {12, 1, 9, 12, 10, 2, 11, 7, 12, 12, 3};
    static const unsigned bits[] = {72, 32, 72, 72, 24, 1, 48, 24, 72, 72, 8};
    enum { K = sizeof hs };
    uint64_t ps[K];
    uint8_t his[K];
    uint64_t x = 0x1234567887654321ull;
    for (int k = 0; k < K; k++) {
        x = rng_mix(x);
        ps[k] = bits[k] >= 64 ? x : x & ((UINT64_C(1) << bits[k]) - 1u);
        his[k] = bits[k] > 64 ? (uint8_t)(x >> 13) : 0;
    }
    /* as a call does it: fresh stream, responses at now + 0, 3, 6, ... (some in the future) */
    c->out_bytes = 0;
    c->dec_time = 0;
    check(bss2_cm_reserve_out(c, 64) == 0, "framing: reserve");
    uint64_t t0 = c->now;
    for (int k = 0; k < K; k++) {
        bss2_cm_respond_wide(c, t0 + (uint64_t)(k % 4) * 300u + (uint64_t)k, hs[k], ps[k], his[k]);
    }
    bss2_cm_advance_to(c, t0 + 2000);
    bss2_cm_flush_stream(c);
    size_t nw = 0;
    const uint64_t *r = bss2_chip_responses(c, &nw);
    uint8_t h[64], hi[64];
    uint64_t p[64], t[64];
    size_t off = 0;
    int64_t n = bss2_ut_decode_from_fpga(r, nw, h, hi, p, 64, &off);
    check(n > K, "framing: the stream decodes");
    uint64_t re[64];
    size_t err = 0;
    int64_t nre = n > 0 ? bss2_ut_encode_from_fpga(h, p, hi, (size_t)n, re, 64, &err) : -1;
    check(nre == (int64_t)nw && memcmp(re, r, nw * sizeof *r) == 0,
          "framing: word for word what bss2_ut_encode_from_fpga writes");
    bss2_ut_fpga_times(h, p, n > 0 ? (size_t)n : 0, 0, t);
    int bad = 0, seen[K] = {0};
    for (int64_t i = 0; i < n; i++) {
        if (h[i] == 5 || h[i] == 6) {
            continue;
        }
        int k = -1;
        for (int j = 0; j < K; j++) {
            if (!seen[j] && hs[j] == h[i] && ps[j] == p[i] && his[j] == hi[i]) {
                k = j;
                break;
            }
        }
        if (k < 0) {
            bad++;
            continue;
        }
        seen[k] = 1;
        bad += t[i] != t0 + (uint64_t)(k % 4) * 300u + (uint64_t)k;
        bad += i > 0 && t[i] < t[i - 1];
    }
    for (int j = 0; j < K; j++) {
        bad += !seen[j];
    }
    check(bad == 0, "framing: every message once, at its time, in time order");
    bss2_chip_free(c);
}

/* the instance's cached address kinds agree with bss2_address_kind */
static void test_address_kind_cache(void) {
    bss2_chip *c = bss2_chip_new(15);
    uint32_t nr = 0;
    const bss2_address_range *r = bss2_address_ranges(&nr);
    int bad = 0;
    for (uint32_t i = 0; i < nr; i++) {
        uint32_t probes[] = {r[i].first - 1u, r[i].first, r[i].first + 1u,
                             r[i].first + r[i].count - 1u, r[i].first + r[i].count};
        for (size_t k = 0; k < N(probes); k++) {
            bad += bss2_cm_address_kind(c, probes[k]) != bss2_address_kind(probes[k]);
        }
    }
    uint64_t x = 0xDEADBEEFCAFEull;
    for (int k = 0; k < 100000; k++) {
        x = rng_mix(x);
        uint32_t a = (k & 1) ? (uint32_t)x : (uint32_t)(x & 0x8803FFFFu);
        bad += bss2_cm_address_kind(c, a) != bss2_address_kind(a);
    }
    for (uint32_t a = 0x00110000u; a < 0x00190000u; a++) { /* a sweep through many ranges */
        bad += bss2_cm_address_kind(c, a) != bss2_address_kind(a);
    }
    bad += bss2_cm_address_kind(c, 0xFFFFFFFFu) != bss2_address_kind(0xFFFFFFFFu);
    bad += bss2_cm_address_kind(c, 0) != bss2_address_kind(0);
    check(bad == 0, "cached address kinds agree with bss2_address_kind");
    bss2_chip_free(c);
}

/* ---- random streams -------------------------------------------------------------------------- */

static void test_random_streams(void) {
    static const unsigned widths[16] = {0, 8, 7, 56, 0, 32, 1, 5, 1, 1, 1, 37, 32, 16, 32, 48};
    const uint32_t pool[] = {CHIP_RW, CHIP_RW + 1u, FPGA_RW, BSS2_CM_REG_TIMER,
                             BSS2_CM_REG_POLL_ADDRESS, BSS2_CM_REG_POLL_TARGET,
                             BSS2_CM_REG_POLL_MASK, BSS2_CM_REG_INSTRUCTION_TIMEOUT,
                             find_address(BSS2_ADDRESS_READ, 0, 3), unknown_address(), 0u, 1u};
    uint64_t s = 0x9E3779B97F4A7C15ull;
    uint64_t words[300];
    bss2_chip *c = bss2_chip_new(13);
    int bad_status = 0, bad_decode = 0, bad_count = 0, bad_order = 0, bad_unchanged = 0;
    int refused = 0, executed = 0;
    for (int it = 0; it < 2000; it++) {
        size_t n = (size_t)(rng_next(&s) % 301u);
        int hostile = (it % 5) == 4;
        uint64_t expect = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t r = rng_next(&s);
            if (hostile && (r & 0xF) == 0) {
                words[i] = rng_next(&s); /* anything */
                continue;
            }
            unsigned h = (unsigned)(rng_next(&s) % 16u);
            uint64_t p = widths[h] >= 64 ? r : (r & ((UINT64_C(1) << widths[h]) - 1u));
            if (h == 11 || h == 12) {
                if (h == 11 && (r >> 40) % 4u != 0) {
                    p = (p & ~UINT64_C(0xFFFFFFFF)) | pool[(r >> 8) % N(pool)];
                }
                if (h == 12 && i > 0 && (words[i - 1] >> 56) == 11 &&
                    (uint32_t)words[i - 1] == BSS2_CM_REG_INSTRUCTION_TIMEOUT) {
                    p = r % 3000u; /* short timeouts now and then */
                }
            }
            if (h == 5 && (r >> 60) != 0) {
                p &= 0xFFFFu; /* mostly short waits */
            }
            if (h == 3 && (r >> 58) != 0) {
                p &= ~(UINT64_C(0xC0) << 40); /* mostly <= 63 bits */
            }
            words[i] = W(h, p);
        }
        for (size_t i = 0; i < n; i++) {
            unsigned h = (unsigned)(words[i] >> 56);
            uint64_t p = words[i] & BSS2_CM_PAYLOAD_MASK;
            expect += (h == 11 && ((p >> 36) & 1u)) || (h == 3 && ((p >> 48) & 1u)) || h == 10;
        }
        uint64_t before = bss2_chip_systime(c);
        size_t nb = 0;
        bss2_chip_responses(c, &nb);
        int status = bss2_chip_execute(c, words, n);
        if (status == BSS2_CHIP_BAD_INSTRUCTION) {
            refused++;
            size_t na = 0;
            bss2_chip_responses(c, &na);
            bad_unchanged += bss2_chip_systime(c) != before || na != nb;
            continue;
        }
        if (status != BSS2_CHIP_OK) {
            bad_status++;
            continue;
        }
        executed++;
        if (decode(c, &M) != 0) {
            bad_decode++;
            continue;
        }
        bss2_chip_diagnostics d = diag(c);
        size_t spikes = 0; /* (a random write may enable event recording: spikes come back) */
        for (size_t k = 0; k < M.n; k++) {
            spikes += M.h[k] >= BSS2_CM_FROM_SPIKE_PACK1 && M.h[k] <= BSS2_CM_FROM_SPIKE_PACK1 + 2u;
        }
        bad_count += M.n != expect + d.timeouts + spikes || d.responses != M.total ||
                     d.instructions != n;
        /* nondecreasing modulo the 43-bit wrap */
        const uint64_t half = UINT64_C(1) << 42;
        for (size_t k = 1; k < M.n; k++) {
            bad_order += ((M.t[k] - M.t[k - 1]) & BSS2_CM_SYSTIME_MASK) >= half;
        }
        if (M.n > 0) {
            bad_order += ((d.end_systime - M.t[M.n - 1]) & BSS2_CM_SYSTIME_MASK) >= half;
            bad_order += ((M.t[0] - d.start_systime) & BSS2_CM_SYSTIME_MASK) >= half;
        }
    }
    check(bad_status == 0, "random: statuses");
    check(bad_decode == 0, "random: streams decode");
    check(bad_count == 0, "random: response counts");
    check(bad_order == 0, "random: response times in order");
    check(bad_unchanged == 0, "random: refused calls change nothing");
    check(refused > 0 && executed > 1000, "random: both kinds of streams ran");
    bss2_chip_free(c);
}

int main(void) {
    test_validation();
    test_omnibus();
    test_unknown_and_readonly();
    test_timer_and_systime();
    test_barrier();
    test_polling();
    test_reset();
    test_loopback_and_events();
    test_jtag();
    test_time_annotation();
    test_regmap();
    test_stream_framing();
    test_address_kind_cache();
    test_random_streams();
    return check_report();
}
