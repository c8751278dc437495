/* C tests of the chip model's event fabric (fabric.c): crossbar routing and masks, drop and event
 * counters, event recording, time stamps, background spike sources. Built and run under
 * ASan/UBSan by `make csan`. Times in FPGA cycles; the expected numbers follow the decisions in
 * chip_model.c's header comment ("Event fabric"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chip_internal.h"
#include "chip_model.h"
#include "field_map.inc"
#include "ut.h"
#include "check.h"

static uint64_t W(unsigned h, uint64_t p) { return ((uint64_t)h << 56) | p; }
#define SETUP W(4, 0)
#define WAIT(v) W(5, (uint64_t)(v))
#define RESET(on) W(9, (on))
#define PACK1(a) W(13, (a))
#define PACK3(a, b, c) W(15, ((uint64_t)(a) << 32) | ((uint64_t)(b) << 16) | (c))
#define L2(k, nl) ((uint32_t)(((k) << 14) | (nl)))
#define LAT BSS2_CM_L2_LATENCY

/* A program under construction. */
typedef struct prog {
    size_t n;
    uint64_t w[4096];
} prog;

static void put(prog *p, uint64_t w) { p->w[p->n++] = w; }
static void wr(prog *p, uint32_t a, uint32_t v) {
    put(p, W(11, a | (UINT64_C(0xF) << 32)));
    put(p, W(12, v));
}
static void rd(prog *p, uint32_t a) {
    put(p, W(11, a | (UINT64_C(0xF) << 32) | (UINT64_C(1) << 36)));
}

/* The decoded responses of the last call: headers, payloads, FPGA times, and the spikes. */
#define MAXM 131072
static uint8_t H[MAXM], HI[MAXM];
static uint64_t P[MAXM], T[MAXM];
static size_t NM;
typedef struct spike {
    uint16_t label;
    uint64_t fpga_time, chip_time;
} spike;
static spike S[MAXM];
static size_t NS;
static uint32_t R[MAXM]; /* Omnibus read values in order */
static size_t NR;

static int run(bss2_chip *c, const prog *p) {
    int s = bss2_chip_execute(c, p->w, p->n);
    if (s != BSS2_CHIP_OK) {
        fprintf(stderr, "execute: %d %s\n", s, bss2_chip_last_error(c));
        return s;
    }
    size_t nw = 0, off = 0;
    const uint64_t *w = bss2_chip_responses(c, &nw);
    NM = NS = NR = 0;
    if (nw == 0) {
        return 0;
    }
    int64_t k = bss2_ut_decode_from_fpga(w, nw, H, HI, P, MAXM, &off);
    if (k < 0) {
        return -1;
    }
    NM = (size_t)k;
    bss2_ut_fpga_times(H, P, NM, 0, T);
    static uint8_t rec[MAXM * BSS2_SPIKE_RECORD_BYTES];
    int64_t ns = bss2_ut_unpack_events(H, P, HI, T, NM, 0, rec, MAXM);
    if (ns < 0) {
        return -1;
    }
    NS = (size_t)ns;
    for (size_t i = 0; i < NS; i++) {
        const uint8_t *r = rec + i * BSS2_SPIKE_RECORD_BYTES;
        S[i].label = (uint16_t)(r[0] | (r[1] << 8));
        S[i].fpga_time = S[i].chip_time = 0;
        for (int b = 7; b >= 0; b--) {
            S[i].fpga_time = (S[i].fpga_time << 8) | r[2 + b];
            S[i].chip_time = (S[i].chip_time << 8) | r[10 + b];
        }
    }
    for (size_t i = 0; i < NM; i++) {
        if (H[i] == 1) {
            R[NR++] = (uint32_t)P[i];
        }
    }
    return 0;
}

/* Crossbar node index of (output, input); -1 if there is none. */
static int node(unsigned output, unsigned input) {
    for (unsigned n = 0; n < BSS2_FM_CROSSBAR_NODE_COUNT; n++) {
        if (bss2_fm_crossbar_node_output[n] == output && bss2_fm_crossbar_node_input[n] == input) {
            return (int)n;
        }
    }
    return -1;
}

static uint32_t node_word(uint32_t mask, uint32_t target, int drop_counter) {
    return (mask << BSS2_FM_CROSSBAR_NODE_MASK_LSB) | (target << BSS2_FM_CROSSBAR_NODE_TARGET_LSB) |
           ((uint32_t)(drop_counter != 0) << BSS2_FM_CROSSBAR_NODE_ENABLE_DROP_COUNTER_LSB);
}

#define RECORDING bss2_fm_event_recording_config_address[0][0]
#define OUTPUT_CONFIG bss2_fm_crossbar_output_config_address[0][0]
#define NODE(o, i) bss2_fm_crossbar_node_address[node((o), (i))][0]
#define DROPS(i) bss2_fm_crossbar_input_drop_counter_address[i][0]
#define COUNT(o) bss2_fm_crossbar_output_event_counter_address[o][0]
#define COUNT_ENABLE(o) (1u << bss2_fm_crossbar_output_config_enable_event_counter_lsb[o])
#define L2IN(k) (BSS2_FM_L2_INPUT_FIRST + (k))
#define L2OUT(k) (BSS2_FM_L2_OUTPUT_FIRST + (k))

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_topology(void) {
    check(node(L2OUT(0), L2IN(0)) >= 0 && node(L2OUT(1), L2IN(0)) < 0, "L2 loopback nodes");
    unsigned padi = 0;
    for (unsigned o = 0; o < BSS2_FM_PADI_BUSES; o++) {
        padi += node(o, L2IN(2)) >= 0;
    }
    check(padi == 8, "an L2 input reaches all PADI buses");
    check(node(0, 12) >= 0 && node(L2OUT(0), 12) >= 0 && node(L2OUT(0), 16) >= 0,
          "background source 0 and 4 nodes");
}

static void test_recording_and_timestamps(void) {
    bss2_chip *c = bss2_chip_new(1);
    prog p = {0};
    uint64_t s = bss2_chip_systime(c);
    put(&p, SETUP); /* s */
    wr(&p, RECORDING, 1);
    put(&p, WAIT(100));
    put(&p, PACK1(L2(0, 0x123))); /* issues at s + 100 */
    put(&p, WAIT(1000));
    put(&p, PACK3(L2(1, 7), L2(2, 0x3FFF), L2(3, 0))); /* s + 1000 */
    check(run(c, &p) == 0, "recording: runs");
    check(NS == 4 && NM == 4 && H[1] == 10 && H[3] == 12,
          "recording: a SpikePack1 and a SpikePack3 (same time), each after its annotation");
    check(NS == 4 && S[0].label == L2(0, 0x123) && S[0].fpga_time == s + 100 + LAT,
          "recording: first spike, label and time = input + latency");
    check(NS == 4 && S[1].label == L2(1, 7) && S[2].label == L2(2, 0x3FFF) &&
              S[3].label == L2(3, 0),
          "recording: a 3-pack's labels in order, the L2 channel kept");
    int times = 1;
    for (size_t i = 0; i < NS; i++) {
        times &= S[i].chip_time == S[i].fpga_time; /* chip systime == FPGA systime here */
    }
    check(times && NS == 4 && S[3].fpga_time == s + 1000 + LAT, "recording: chip time decodes");
    check(c->fabric.to_host == 4 && c->fabric.padi[0] == 4, "recording: counts");

    /* recording off: the events vanish at the FPGA */
    prog q = {0};
    wr(&q, RECORDING, 0);
    put(&q, PACK1(L2(0, 1)));
    check(run(c, &q) == 0 && NS == 0 && c->fabric.not_recorded == 1, "recording off: none");

    /* many spikes, one per 3 cycles, over several timestamp wraps */
    prog r = {0};
    wr(&r, RECORDING, 1);
    put(&r, SETUP);
    for (unsigned i = 0; i < 1000; i++) {
        put(&r, WAIT(500 + 3 * i));
        put(&r, PACK1(L2(i % 4u, i)));
    }
    uint64_t t0 = bss2_chip_systime(c) + 2;
    check(run(c, &r) == 0 && NS == 1000, "train: all spikes back");
    int ok = NS == 1000;
    for (size_t i = 0; ok && i < NS; i++) {
        ok = S[i].label == L2(i % 4u, i) && S[i].fpga_time == t0 + 500 + 3 * i + LAT &&
             S[i].chip_time == S[i].fpga_time;
    }
    check(ok, "train: labels, times and chip times");
    bss2_chip_free(c);
}

static void test_masks_and_counters(void) {
    bss2_chip *c = bss2_chip_new(2);
    prog p = {0};
    wr(&p, RECORDING, 1);
    wr(&p, OUTPUT_CONFIG, COUNT_ENABLE(L2OUT(0)) | COUNT_ENABLE(0));
    wr(&p, NODE(L2OUT(0), L2IN(0)), node_word(0x3FFF, 0x123, 1)); /* only label 0x123 */
    wr(&p, NODE(1, L2IN(0)), node_word(0, 1, 0));                  /* drop all, not counted */
    put(&p, PACK3(L2(0, 0x123), L2(0, 0x124), L2(0, 0x1123)));
    put(&p, WAIT(100));
    rd(&p, DROPS(L2IN(0)));
    rd(&p, COUNT(L2OUT(0)));
    rd(&p, COUNT(0));
    rd(&p, COUNT(2)); /* not enabled */
    check(run(c, &p) == 0, "masks: runs");
    check(NS == 1 && S[0].label == L2(0, 0x123), "masks: only the matching label passes");
    check(NR == 4 && R[0] == 2 && R[1] == 1 && R[2] == 3 && R[3] == 0,
          "masks: drop counter 2, L2 counter 1, PADI 0 counter 3, disabled counter 0");
    check(c->fabric.padi[1] == 0 && c->fabric.padi[2] == 3, "masks: drop_all node, default node");
    check(bss2_chip_peek(c, DROPS(L2IN(0))) == 2 && bss2_chip_peek(c, DROPS(L2IN(1))) == 0,
          "masks: peek reads the counters");

    /* writes to the counters are dropped (read-only registers) */
    prog q = {0};
    wr(&q, DROPS(L2IN(0)), 77);
    check(run(c, &q) == 0 && bss2_chip_peek(c, DROPS(L2IN(0))) == 2, "counters: read-only");

    /* wrap-around: 16 and 24 bit */
    c->fabric.drop[L2IN(0)] = 0xFFFFu;
    c->fabric.count[L2OUT(0)] = 0xFFFFFFu;
    prog w = {0};
    put(&w, PACK1(L2(0, 0x124)));
    put(&w, PACK1(L2(0, 0x123)));
    check(run(c, &w) == 0 && bss2_chip_peek(c, DROPS(L2IN(0))) == 0 &&
              bss2_chip_peek(c, COUNT(L2OUT(0))) == 0,
          "counters: wrap at 16 and 24 bit");

    /* a chip reset clears them, and the fabric holds no events while reset */
    prog r = {0};
    put(&r, PACK1(L2(0, 0x124)));
    put(&r, RESET(1));
    put(&r, PACK1(L2(0, 0x123)));
    put(&r, RESET(0));
    check(run(c, &r) == 0 && bss2_chip_peek(c, DROPS(L2IN(0))) == 0 &&
              bss2_chip_peek(c, COUNT(0)) == 0 && NS == 0,
          "counters: chip reset clears them; no routing in reset");
    bss2_chip_free(c);
}

static void test_interleaving(void) {
    bss2_chip *c = bss2_chip_new(3);
    prog p = {0};
    wr(&p, RECORDING, 1);
    put(&p, SETUP);
    rd(&p, 0x00130000u); /* chip read: answered 32 cycles later */
    put(&p, WAIT(10));
    put(&p, PACK1(L2(0, 5))); /* at 10 -> host at 10 + 24 = 34 > 33 */
    put(&p, WAIT(12));
    rd(&p, 0x00130000u); /* 12 -> 44 */
    check(run(c, &p) == 0 && NM >= 3, "interleave: runs");
    size_t k = 0;
    uint8_t order[3];
    uint64_t tt[3];
    for (size_t i = 0; i < NM && k < 3; i++) {
        if (H[i] == 1 || H[i] == 10) {
            order[k] = H[i];
            tt[k++] = T[i];
        }
    }
    check(k == 3 && order[0] == 1 && order[1] == 10 && order[2] == 1 && tt[1] - tt[0] == 1 &&
              tt[2] - tt[1] == 10,
          "interleave: read, spike, read in time order");
    bss2_chip_free(c);
}

/* Enable background source i with the given fields. */
static void bg_enable(prog *p, unsigned i, uint32_t period, int random, uint32_t rate,
                      uint32_t mask, uint32_t label, uint32_t seed) {
    const uint32_t *a = bss2_fm_background_spike_source_address[i];
    wr(p, a[BSS2_FM_BACKGROUND_SPIKE_SOURCE_SEED_WORD], seed);
    wr(p, a[BSS2_FM_BACKGROUND_SPIKE_SOURCE_RATE_WORD],
       (rate << BSS2_FM_BACKGROUND_SPIKE_SOURCE_RATE_LSB) |
           (mask << BSS2_FM_BACKGROUND_SPIKE_SOURCE_MASK_LSB) |
           (label << BSS2_FM_BACKGROUND_SPIKE_SOURCE_NEURON_LABEL_LSB));
    wr(p, a[BSS2_FM_BACKGROUND_SPIKE_SOURCE_ENABLE_WORD],
       (1u << BSS2_FM_BACKGROUND_SPIKE_SOURCE_ENABLE_LSB) |
           ((uint32_t)(random != 0) << BSS2_FM_BACKGROUND_SPIKE_SOURCE_ENABLE_RANDOM_LSB) |
           (period << BSS2_FM_BACKGROUND_SPIKE_SOURCE_PERIOD_LSB));
}

static void bg_disable(prog *p, unsigned i) {
    wr(p, bss2_fm_background_spike_source_address[i][BSS2_FM_BACKGROUND_SPIKE_SOURCE_ENABLE_WORD],
       0);
}

static void test_background_regular(void) {
    bss2_chip *c = bss2_chip_new(4);
    uint64_t dummy = 0;
    check(!bss2_cm_fabric_next(c, &dummy), "bg: nothing scheduled when disabled");
    const uint32_t periods[] = {0, 1, 2, 99, 1000, 65535};
    for (size_t k = 0; k < sizeof periods / sizeof *periods; k++) {
        uint32_t period = periods[k];
        uint64_t s = bss2_chip_systime(c);
        prog p = {0};
        wr(&p, RECORDING, 1);                                        /* s, s + 1 */
        wr(&p, OUTPUT_CONFIG, COUNT_ENABLE(0) | COUNT_ENABLE(L2OUT(0))); /* s + 2, s + 3 */
        put(&p, SETUP);                                              /* s + 4 */
        bg_enable(&p, 0, period, 0, 0, 0xFF, 0x2AB, 0); /* enable word written at s + 10 */
        put(&p, WAIT(20000)); /* s + 20004 */
        rd(&p, COUNT(0));
        bg_disable(&p, 0); /* written at s + 20006 */
        put(&p, WAIT(30000));
        check(run(c, &p) == 0 && NR == 1, "bg regular: runs");
        /* ticks of 250 MHz from the cycle after the enable (s + 11) to the end of the cycle of
         * the read or the disable: one event per period + 1 ticks, the first after a full one */
        uint64_t counted = (2u * (20004u - 11u) + 1u) / (period + 1u);
        uint64_t recorded = (2u * (20006u - 11u) + 1u) / (period + 1u);
        char what[128];
        snprintf(what, sizeof what, "bg regular: period %u: count %u, expected %llu", period,
                 R[0], (unsigned long long)counted);
        check(R[0] == counted, what);
        snprintf(what, sizeof what, "bg regular: period %u: %zu recorded, expected %llu", period,
                 NS, (unsigned long long)recorded);
        check(NS == recorded, what);
        /* fixed label; raw 250 MHz time stamps exactly period + 1 apart; first one right */
        int ok = NS == 0 || S[0].fpga_time == s + 11 + (period + 1u) / 2u + LAT;
        uint64_t prev = 0;
        size_t j = 0;
        for (size_t i = 0; ok && i < NM; i++) {
            unsigned np = H[i] >= 10 && H[i] <= 12 ? H[i] - 9u : 0u;
            for (unsigned e = 0; ok && e < np; e++) {
                unsigned shift = 24u * (np - 1u - e);
                uint64_t el = shift < 64u ? P[i] >> shift : 0u;
                if (shift > 40u) {
                    el |= (uint64_t)HI[i] << (64u - shift);
                }
                uint64_t ts = (el >> 16) & 0xFFu;
                ok = (el & 0xFFFFu) == L2(0, 0x2AB) &&
                     (j == 0 || ((ts - prev) & 0xFFu) == ((period + 1u) & 0xFFu));
                prev = ts;
                j++;
            }
        }
        ok &= j == NS;
        snprintf(what, sizeof what, "bg regular: period %u: labels and time stamps", period);
        check(ok, what);
        check(!(c->fabric.bg_active & 1u), "bg regular: disabled again");
        prog z = {0};
        put(&z, RESET(1)); /* counters back to 0 */
        put(&z, RESET(0));
        check(run(c, &z) == 0, "bg regular: reset");
    }
    bss2_chip_free(c);
}

static void test_background_poisson(void) {
    bss2_chip *c = bss2_chip_new(5);
    const uint32_t rates[] = {0, 25, 128, 254, 255};
    for (size_t k = 0; k < sizeof rates / sizeof *rates; k++) {
        uint32_t rate = rates[k], period = 9; /* bins of 10 ticks = 40 ns */
        prog p = {0};
        wr(&p, OUTPUT_CONFIG, COUNT_ENABLE(1));
        put(&p, SETUP);
        bg_enable(&p, 1, period, 1, rate, 0x0F, 0x3A50, 1234);
        put(&p, WAIT(1000000)); /* 2e6 ticks: 200000 bins */
        rd(&p, COUNT(1));
        bg_disable(&p, 1);
        check(run(c, &p) == 0 && NR == 1, "bg poisson: runs");
        double bins = 2.0 * (1000000 - 7) / (period + 1);
        double prob = (rate + 1) / 256.0;
        double mean = bins * prob, var = bins * prob * (1 - prob) + 1.0, dev = R[0] - mean;
        char what[96];
        snprintf(what, sizeof what, "bg poisson: rate %u: %u events, expected %.0f", rate, R[0],
                 mean);
        check(dev * dev <= 25.0 * var, what); /* within 5 sigma */
        prog z = {0};
        put(&z, RESET(1));
        put(&z, RESET(0));
        check(run(c, &z) == 0, "bg poisson: reset");
    }

    /* labels: the masked bits random (all 16 values seen), the others fixed; deterministic */
    uint16_t first[2][64];
    for (int inst = 0; inst < 2; inst++) {
        bss2_chip *d = bss2_chip_new(77);
        prog p = {0};
        wr(&p, RECORDING, 1);
        bg_enable(&p, 5, 3, 1, 255, 0x0F, 0x3A50, 99); /* source 5 -> L2 out 1 */
        put(&p, WAIT(2000));
        bg_disable(&p, 5);
        check(run(d, &p) == 0 && NS > 500, "bg labels: runs");
        unsigned seen = 0;
        int fixed = 1;
        for (size_t i = 0; i < NS; i++) {
            seen |= 1u << (S[i].label & 0xF);
            fixed &= (S[i].label & ~0xFu) == L2(1, 0x3A50);
            if (i < 64) {
                first[inst][i] = S[i].label;
            }
        }
        check(seen == 0xFFFF && fixed, "bg labels: masked bits random, the rest fixed");
        bss2_chip_free(d);
    }
    check(memcmp(first[0], first[1], sizeof first[0]) == 0, "bg labels: same seed, same labels");
    bss2_chip_free(c);
}

static void test_polling_on_counter(void) {
    bss2_chip *c = bss2_chip_new(6);
    prog p = {0};
    wr(&p, OUTPUT_CONFIG, COUNT_ENABLE(2));
    wr(&p, 0x88000006u, COUNT(2)); /* PollingOmnibusBlockConfig: address, target, mask */
    wr(&p, 0x88000007u, 5);
    wr(&p, 0x88000008u, 0xFFFFFF);
    put(&p, SETUP);
    bg_enable(&p, 2, 199, 0, 0, 0, 1, 0); /* one event per 200 ticks = 100 cycles */
    put(&p, W(8, 1));                      /* wait until the counter reads 5 */
    put(&p, W(10, 0));                     /* loopback: when did the poll end? */
    check(run(c, &p) == 0, "poll: runs");
    uint64_t loop = 0;
    for (size_t i = 0; i < NM; i++) {
        loop = H[i] == 2 ? T[i] : loop;
    }
    bss2_chip_diagnostics d;
    bss2_chip_get_diagnostics(c, &d);
    /* the enable word is written at start + 14, events every 100 cycles from start + 15 */
    check(d.timeouts == 0 && loop == d.start_systime + 15 + 500, "poll: ends at the fifth event");
    bss2_chip_free(c);
}

int main(void) {
    test_topology();
    test_recording_and_timestamps();
    test_masks_and_counters();
    test_interleaving();
    test_background_regular();
    test_background_poisson();
    test_polling_on_counter();
    return check_report();
}
