/* C tests of the analog neurons (neuron.c): a LIF with a constant current against its analytic
 * inter-spike interval, leak over threshold, synaptic inputs (PSP sign and growth with the
 * weight), the fixed pattern, and hostile parameters. Built and run under ASan/UBSan by
 * `make csan`; the model and its constants are chip_model.c's ("Analog neurons") and analog.h's.
 */
#include <math.h>

#include "harness.h"
#include "analog.h"

/* The backend of site t: spike out with address_out, `refractory` ticks of the slow clock at
 * `scale`, reset_holdoff 15 (one hold-off tick). */
static void spiking_backend(prog *p, const site *t, unsigned refractory, unsigned scale) {
    uint32_t b[4];
    backend_words(b, 0x11u, refractory, 0);
    b[0] |= 0xC0u; /* reset_holdoff bits 0-1 */
    b[1] |= 0xC0u; /* reset_holdoff bits 2-3 */
    for (unsigned i = 0; i < 4u; i++) {
        wr(p, BACKEND_CONFIG(t->n, i), b[i]);
    }
    wr(p, COMMON_BACKEND(t->block), common_backend(1, 0, scale, 0));
    wr(p, RECORDING, 1);
}

static double tau_leak(unsigned code) {
    return BSS2_AN_TAU_LEAK_A * pow(code, -BSS2_AN_TAU_LEAK_K);
}

/* A LIF driven by its constant current: every interval equals the analytic one within 0.5 %. */
static void test_constant_current(void) {
    site t = site_of(0, 37);
    const unsigned leak = 500, i_leak = 100, thr = 400, reset = 300, i_reset = 1022, off = 1000;
    const unsigned ref = 10; /* ticks of 8 ns: 9 resetting, 1 holding off */
    bss2_chip *c = bss2_chip_new(5);
    bss2_chip_set_mismatch(c, 0);
    bss2_chip_set_noise(c, 0); /* (the analytic interval: no comparator noise) */
    prog *p = fresh();
    spiking_backend(p, &t, ref, 0);
    CELL(p, t.n, V_LEAK, leak);
    CELL(p, t.n, I_BIAS_LEAK, i_leak);
    CELL(p, t.n, V_THRESHOLD, thr);
    CELL(p, t.n, V_RESET, reset);
    CELL(p, t.n, I_BIAS_RESET, i_reset);
    CELL(p, t.n, I_MEM_OFFSET, off);
    uint32_t w[6] = {0};
    spiking_config(w);
    NC(w, ENABLE_MEMBRANE_OFFSET, 1);
    neuron_config(p, t.n, w);
    put(p, SETUP);
    put(p, WAIT(125000)); /* 1 ms */
    int ok = run(c, p) == 0;

    double cap = (63.0 + BSS2_AN_C_INTRINSIC) * BSS2_AN_C_LSB, tau = tau_leak(i_leak);
    double tau_r = tau_leak(i_reset) / BSS2_AN_LEAK_MULTIPLICATION;
    double e = BSS2_AN_V_CAPMEM_LSB * leak - BSS2_AN_V_SOURCE_FOLLOWER;
    e += BSS2_AN_I_OFFSET_LSB * off / (cap / tau);
    double th = BSS2_AN_V_CAPMEM_LSB * thr;
    double vr = BSS2_AN_V_CAPMEM_LSB * reset - BSS2_AN_V_SOURCE_FOLLOWER; /* + the current: */
    vr += BSS2_AN_I_OFFSET_LSB * off / (cap / tau_r);
    double t_reset = 9 * 0.008, t_hold = 0.008;
    double v = vr + (th - vr) * exp(-t_reset / tau_r);
    v = e + (v - e) * exp(-t_hold / tau);
    double isi = t_reset + t_hold + tau * log((e - v) / (e - th)); /* µs */
    CHECKF(ok && NS > 50 && NS < 200, "constant current: %zu spikes in 1 ms (ISI %.3f us)", NS,
           isi);
    double worst = 0;
    for (size_t i = 1; i < NS; i++) {
        double d = (double)(S[i].fpga_time - S[i - 1].fpga_time) * 0.008;
        worst = fmax(worst, fabs(d - isi) / isi);
    }
    CHECKF(NS > 1 && worst < 0.005, "constant current: intervals within 0.5 %% of %.4f us (%.4f)",
           isi, worst);
    CHECKF(D.neuron_spikes == NS && D.events_to_host == NS, "constant current: every spike sent");
    bss2_chip_free(c);
}

/* The tutorial's leak over threshold: regular, about 13 spikes in 200 µs, on several circuits
 * and seeds; the circuits differ (fixed pattern) and each is regular. */
static void leak_over_threshold(prog *p, const site *t) {
    spiking_backend(p, t, 255, 3);
    CELL(p, t->n, V_LEAK, 1000);
    CELL(p, t->n, I_BIAS_LEAK, 150);
    CELL(p, t->n, V_THRESHOLD, 300);
    CELL(p, t->n, V_RESET, 400);
    CELL(p, t->n, I_BIAS_RESET, 1022);
    uint32_t w[6] = {0};
    spiking_config(w);
    neuron_config(p, t->n, w);
}

static void test_leak_over_threshold(void) {
    for (uint64_t seed = 1; seed <= 3; seed++) {
        bss2_chip *c = bss2_chip_new(seed);
        for (unsigned j = 0; j < 256u; j += 51u) {
            site t = site_of(1, j);
            prog *p = fresh();
            leak_over_threshold(p, &t);
            put(p, SETUP);
            put(p, WAIT(25000)); /* 200 µs */
            int ok = run(c, p) == 0;
            double mean = 0, var = 0;
            for (size_t i = 1; i < NS; i++) {
                mean += (double)(S[i].fpga_time - S[i - 1].fpga_time) / (double)(NS - 1);
            }
            for (size_t i = 1; i < NS; i++) {
                double d = (double)(S[i].fpga_time - S[i - 1].fpga_time) - mean;
                var += d * d / (double)(NS - 1);
            }
            CHECKF(ok && NS >= 10 && NS <= 16, "leak over threshold %u/%llu: %zu spikes", j,
                   (unsigned long long)seed, NS);
            CHECKF(NS > 2 && sqrt(var) < 0.02 * mean, "leak over threshold %u: regular", j);
            double v = bss2_chip_membrane(c, t.n);
            CHECKF(v > 0.1 && v < 0.7, "leak over threshold %u: membrane %.3f V in range", j, v);
            p = fresh(); /* silence it for the next circuit */
            wr(p, NEURON_CONFIG(t.n, BSS2_FM_NEURON_CONFIG_ENABLE_FIRE_WORD), 0);
            run(c, p);
        }
        bss2_chip_free(c);
    }
}

/* The threshold of 10 circuits of one chip differs beyond the model's numerical noise. */
static void test_fixed_pattern(void) {
    bss2_chip *c = bss2_chip_new(9);
    double lo = 1e9, hi = -1e9;
    for (unsigned j = 0; j < 10u; j++) {
        site t = site_of(0, j);
        prog *p = fresh();
        CELL(p, t.n, V_LEAK, 600);
        CELL(p, t.n, I_BIAS_LEAK, 500);
        put(p, SETUP);
        put(p, WAIT(12500)); /* settle: 100 µs */
        run(c, p);
        double v = bss2_chip_membrane(c, t.n);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    CHECKF(hi - lo > 0.005 && hi - lo < 0.2, "fixed pattern: resting levels spread %.4f V",
           hi - lo);
    bss2_chip_set_mismatch(c, 0);
    prog *p = fresh();
    put(p, SETUP);
    put(p, WAIT(12500));
    run(c, p);
    double v0 = bss2_chip_membrane(c, 0), v9 = bss2_chip_membrane(c, 9);
    CHECKF(fabs(v0 - v9) < 1e-9, "fixed pattern: switched off, equal circuits rest equally");
    bss2_chip_free(c);
}

/* External spikes through an excitatory row raise the membrane, more for larger weights; an
 * inhibitory row lowers it. The peak matches the closed-form PSP. */
static double psp(unsigned weight, int inhibitory, double *predicted) {
    site t = site_of(0, 37);
    const uint32_t L = 5;
    bss2_chip *c = bss2_chip_new(3);
    bss2_chip_set_mismatch(c, 0);
    prog *p = fresh();
    configure_path(p, &t, L, weight, 0x11u, 0, 0, 0);
    if (inhibitory) { /* bottom row inhibitory, the column's inhibitory switch */
        uint32_t d[3];
        driver_words(d);
        d[1] = 1u << 6;
        wr(p, DRIVER_CONFIG(0, 1), d[1]);
        const uint32_t *cc = bss2_fm_column_current_quad_address[t.q];
        wr(p, cc[bss2_fm_column_current_quad_switches_enable_synaptic_current_inhibitory_word[t.e]],
           1u << bss2_fm_column_current_quad_switches_enable_synaptic_current_inhibitory_lsb[t.e]);
    }
    CELL(p, t.n, V_LEAK, 600);
    CELL(p, t.n, I_BIAS_LEAK, 84);
    CELL(p, t.n, I_BIAS_SYNIN_EXC_TAU, 30);
    CELL(p, t.n, I_BIAS_SYNIN_EXC_GM, 500);
    CELL(p, t.n, I_BIAS_SYNIN_INH_TAU, 30);
    CELL(p, t.n, I_BIAS_SYNIN_INH_GM, 500);
    wr(p, bss2_fm_capmem_base[bss2_fm_neuron_capmem_block[t.n]] + BSS2_FM_CAPMEM_SYN_I_BIAS_DAC,
       600);
    uint32_t w[6] = {0};
    NC(w, MEMBRANE_CAPACITOR_SIZE, 63);
    NC(w, ENABLE_SYNAPTIC_INPUT_EXCITATORY, 1);
    NC(w, ENABLE_SYNAPTIC_INPUT_INHIBITORY, 1);
    NC(w, ENABLE_SYNAPTIC_INPUT_EXCITATORY_SMALL_CAPACITANCE, 1);
    NC(w, ENABLE_SYNAPTIC_INPUT_INHIBITORY_SMALL_CAPACITANCE, 1);
    neuron_config(p, t.n, w);
    put(p, SETUP);
    put(p, WAIT(25000)); /* settle: 200 µs */
    run(c, p);
    double rest = bss2_chip_membrane(c, t.n), peak = rest;
    p = fresh();
    spike_at(p, 0, L);
    run(c, p);
    for (unsigned k = 0; k < 400u; k++) { /* 20 µs in steps of 50 ns */
        p = fresh();
        put(p, SETUP);
        put(p, WAIT(6));
        run(c, p);
        double v = bss2_chip_membrane(c, t.n);
        peak = inhibitory ? fmin(peak, v) : fmax(peak, v);
    }
    double cap = (63.0 + BSS2_AN_C_INTRINSIC) * BSS2_AN_C_LSB, tau_m = tau_leak(84);
    double tau_s = BSS2_AN_TAU_EXC_A * pow(30, -BSS2_AN_TAU_EXC_K) / BSS2_AN_SMALL_CAPACITANCE;
    if (inhibitory) {
        tau_s = BSS2_AN_TAU_INH_A * pow(30, -BSS2_AN_TAU_INH_K) / BSS2_AN_SMALL_CAPACITANCE;
    }
    double sat = BSS2_AN_I_SYN_LSB * BSS2_AN_SAT_WEIGHTS;
    double i0 = sat * tanh(weight * BSS2_AN_I_SYN_LSB / sat), g = cap / tau_m;
    double ts = tau_m * tau_s / (tau_m - tau_s) * log(tau_m / tau_s);
    *predicted = i0 / g * tau_s / (tau_s - tau_m) * (exp(-ts / tau_s) - exp(-ts / tau_m)) *
                 (inhibitory ? -1.0 : 1.0);
    bss2_chip_free(c);
    return peak - rest;
}

static void test_synaptic_input(void) {
    double last = 0, predicted = 0;
    for (unsigned w = 10; w <= 60; w += 25) {
        double d = psp(w, 0, &predicted);
        CHECKF(d > last && fabs(d - predicted) < 0.02 * fabs(predicted) + 2e-4,
               "excitatory PSP w=%u: %.4f V (closed form %.4f)", w, d, predicted);
        last = d;
    }
    double d = psp(40, 1, &predicted);
    CHECKF(d < 0 && fabs(d - predicted) < 0.02 * fabs(predicted) + 2e-4,
           "inhibitory PSP w=40: %.4f V (closed form %.4f)", d, predicted);
}

/* The crossing prediction against brute force: two exponentials of random signs and rates
 * (µs), sampled every 4 ns over 200 µs. */
static void test_first_reach(void) {
    uint64_t h = 7;
    unsigned wrong = 0, late = 0, n = 0;
    for (unsigned i = 0; i < 1000u; i++) {
        double u[7];
        for (unsigned j = 0; j < 7u; j++) {
            h = h * 6364136223846793005u + 1442695040888963407u;
            u[j] = (double)(h >> 11) * 0x1.0p-53;
        }
        double e = u[0], a = 2 * u[1] - 1, k = 2 * u[2] - 1, ra = 0.05 + u[3], rk = 0.05 + 2 * u[4];
        double th = e + a + k + 0.5 * u[5];
        if (e + a + k >= th) {
            continue;
        }
        n++;
        double first = -1.0;
        for (double s = 4e-3; s < 200.0 && first < 0; s += 4e-3) {
            if (e + a * exp(-ra * s) + k * exp(-rk * s) >= th) {
                first = s;
            }
        }
        double got = bss2_cm_analog_first_reach(e, a, ra, k, rk, th);
        wrong += (got < 0) != (first < 0);
        late += got >= 0 && first >= 0 && got > first; /* a lower bound */
    }
    CHECKF(n > 300 && wrong == 0 && late == 0,
           "first reach: %u cases, %u wrong predictions, %u late bounds", n, wrong, late);
}

/* Random cells and switches on every neuron, random input: finite membranes, no hang. */
static void test_hostile(void) {
    bss2_chip *c = bss2_chip_new(11);
    uint64_t h = 1;
    for (unsigned round = 0; round < 4u; round++) {
        prog *p = fresh();
        for (unsigned n = 0; n < BSS2_CM_NEURONS; n += 7u) {
            for (unsigned r = 0; r < BSS2_FM_CAPMEM_ROWS; r++) {
                h = h * 6364136223846793005u + 1442695040888963407u;
                wr(p, capmem(n, r), (uint32_t)(h >> 40) % 1024u);
            }
            for (unsigned i = 0; i < BSS2_FM_NEURON_CONFIG_WORDS; i++) {
                h = h * 6364136223846793005u + 1442695040888963407u;
                wr(p, NEURON_CONFIG(n, i), (uint32_t)(h >> 33));
            }
        }
        wr(p, COMMON_BACKEND(0), common_backend(1, 0, 0, 0));
        put(p, SETUP);
        put(p, WAIT(2000));
        check(run(c, p) == 0, "hostile: run");
        int finite = 1;
        for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
            double v = bss2_chip_membrane(c, n);
            finite &= isfinite(v) && v >= 0.0 && v <= BSS2_AN_V_DD;
        }
        CHECKF(finite, "hostile round %u: every membrane finite and within the rails", round);
    }
    bss2_chip_free(c);
}

int main(void) {
    test_constant_current();
    test_leak_over_threshold();
    test_fixed_pattern();
    test_synaptic_input();
    test_first_reach();
    test_hostile();
    return check_report();
}
