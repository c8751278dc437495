/* C tests of the AdEx terms (neuron.c's steps): an adapting exponential neuron driven by its
 * constant current against a fine Runge-Kutta integration of the same equations (analog.h's
 * constants, no mismatch), and the steps' sanity (spike-triggered adaptation lengthens the
 * intervals; COBA inputs vanish at the reversal potential). Built and run under ASan/UBSan by
 * `make csan`.
 */
#include <math.h>

#include "harness.h"
#include "analog.h"

/* The neuron's codes. */
enum { LEAK = 560, I_LEAK = 80, THR = 560, RESET = 350, OFF = 400, V_EXP = 620, I_EXP = 300,
       TAU_W = 60, A = 40, B = 150, V_REF = 500, REFRACTORY = 100, PULSE_SCALE = 7 };

/* Site t as an adapting exponential neuron (b only if `pulse`), refractory REFRACTORY ticks of
 * 8 ns with one hold-off tick, enable_pause. */
static void adex_neuron(prog *p, const site *t, int pulse) {
    uint32_t b[4];
    backend_words(b, 0x11u, REFRACTORY, 0);
    b[0] |= 0xC0u; /* reset_holdoff 15: one hold-off tick */
    b[1] |= 0xC0u;
    b[BSS2_FM_NEURON_BACKEND_CONFIG_ENABLE_ADAPTATION_PULSE_WORD] |=
        (uint32_t)pulse << BSS2_FM_NEURON_BACKEND_CONFIG_ENABLE_ADAPTATION_PULSE_LSB;
    for (unsigned i = 0; i < 4u; i++) {
        wr(p, BACKEND_CONFIG(t->n, i), b[i]);
    }
    wr(p, COMMON_BACKEND(t->block),
       common_backend(1, 0, 0, 0) |
           (PULSE_SCALE << BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_CLOCK_SCALE_ADAPTATION_PULSE_LSB));
    wr(p, RECORDING, 1);
    CELL(p, t->n, V_LEAK, LEAK);
    CELL(p, t->n, I_BIAS_LEAK, I_LEAK);
    CELL(p, t->n, V_THRESHOLD, THR);
    CELL(p, t->n, V_RESET, RESET);
    CELL(p, t->n, I_BIAS_RESET, 1022);
    CELL(p, t->n, I_MEM_OFFSET, OFF);
    CELL(p, t->n, V_EXP, V_EXP);
    CELL(p, t->n, I_BIAS_EXP, I_EXP);
    CELL(p, t->n, I_BIAS_ADAPT_TAU, TAU_W);
    CELL(p, t->n, I_BIAS_ADAPT_A, A);
    CELL(p, t->n, I_BIAS_ADAPT_B, B);
    CELL(p, t->n, V_ADAPT_LEAK, LEAK - 200);
    CELL(p, t->n, V_ADAPT_REF, V_REF);
    uint32_t w[6] = {0};
    spiking_config(w);
    NC(w, ENABLE_PAUSE, 1);
    NC(w, ENABLE_MEMBRANE_OFFSET, 1);
    NC(w, ENABLE_EXPONENTIAL, 1);
    NC(w, ENABLE_ADAPTATION, 1);
    neuron_config(p, t->n, w);
}

/* The same equations, integrated by classic Runge-Kutta in steps of DT µs: the spike cycles
 * (a crossing inside cycle k fires at the edge k + 1) into out[], at most `max`. */
#define DT 0.0005
typedef struct {
    double c, gl, gr, el, er, th, ioff, i0, vt, dt, tau, a, b, ea, wlo, whi;
} model;

static void derivatives(const model *m, int resetting, const double y[2], double d[2]) {
    double g = resetting ? m->gr : m->gl, e = resetting ? m->er : m->el;
    double iexp = resetting ? 0.0 : fmin(m->i0 * exp((y[0] - m->vt) / m->dt), BSS2_AN_EXP_I_MAX);
    d[0] = (-g * (y[0] - e) + m->ioff + iexp - y[1]) / m->c;
    d[1] = (-y[1] + m->a * (y[0] - m->ea)) / m->tau;
}

static size_t reference(const model *m, double v0, double t_end, uint64_t *out, size_t max) {
    double y[2] = {v0, 0.0};
    size_t k = 0;
    uint64_t reset_until = 0, refractory_until = 0;
    int firing = 0;
    uint64_t fire_cycle = 0;
    for (long i = 0; i * DT < t_end && k < max; i++) {
        double t = i * DT;
        uint64_t cycle = (uint64_t)floor(t / 0.008 + 1e-9);
        if (firing && cycle >= fire_cycle) { /* the edge: spike, reset, adaptation pulse */
            out[k++] = fire_cycle;
            firing = 0;
            reset_until = fire_cycle + REFRACTORY - 1u;
            refractory_until = fire_cycle + REFRACTORY;
            y[1] = fmin(fmax(y[1] + m->b, m->wlo), m->whi);
        }
        int resetting = cycle < reset_until;
        double k1[2], k2[2], k3[2], k4[2], z[2];
        derivatives(m, resetting, y, k1);
        z[0] = y[0] + 0.5 * DT * k1[0], z[1] = y[1] + 0.5 * DT * k1[1];
        derivatives(m, resetting, z, k2);
        z[0] = y[0] + 0.5 * DT * k2[0], z[1] = y[1] + 0.5 * DT * k2[1];
        derivatives(m, resetting, z, k3);
        z[0] = y[0] + DT * k3[0], z[1] = y[1] + DT * k3[1];
        derivatives(m, resetting, z, k4);
        double v = y[0] + DT / 6.0 * (k1[0] + 2.0 * k2[0] + 2.0 * k3[0] + k4[0]);
        y[1] += DT / 6.0 * (k1[1] + 2.0 * k2[1] + 2.0 * k3[1] + k4[1]);
        if (!firing && cycle >= refractory_until && y[0] < m->th && v >= m->th) {
            double cross = t + DT * (m->th - y[0]) / (v - y[0]); /* (linear within DT) */
            firing = 1;
            fire_cycle = (uint64_t)ceil(cross / 0.008);
        }
        y[0] = fmin(fmax(v, 0.0), BSS2_AN_V_DD);
    }
    return k;
}

static model model_of(int pulse) {
    model m;
    double lsb = BSS2_AN_V_CAPMEM_LSB, sf = BSS2_AN_V_SOURCE_FOLLOWER;
    m.c = (63.0 + BSS2_AN_C_INTRINSIC) * BSS2_AN_C_LSB;
    m.gl = m.c / (BSS2_AN_TAU_LEAK_A * pow(I_LEAK, -BSS2_AN_TAU_LEAK_K));
    m.gr = m.c / (BSS2_AN_TAU_LEAK_A * pow(1022, -BSS2_AN_TAU_LEAK_K)) *
           BSS2_AN_LEAK_MULTIPLICATION;
    m.el = lsb * LEAK - sf, m.er = lsb * RESET - sf, m.th = lsb * THR;
    m.ioff = BSS2_AN_I_OFFSET_LSB * OFF;
    m.i0 = BSS2_AN_EXP_I_LSB * I_EXP, m.vt = lsb * V_EXP - sf, m.dt = BSS2_AN_EXP_DELTA_T;
    m.tau = BSS2_AN_TAU_ADAPT_A * pow(TAU_W, -BSS2_AN_TAU_ADAPT_K);
    m.a = BSS2_AN_ADAPT_A_LSB * A;
    m.b = pulse ? BSS2_AN_ADAPT_B_LSB * B * ldexp(1.0, PULSE_SCALE - BSS2_AN_ADAPT_PULSE_REF) : 0;
    m.ea = lsb * (LEAK - 200 + BSS2_AN_ADAPT_LEAK_SHIFT) - sf;
    m.wlo = BSS2_AN_ADAPT_G_WM * (0.0 - (lsb * V_REF - sf));
    m.whi = BSS2_AN_ADAPT_G_WM * (BSS2_AN_V_DD - (lsb * V_REF - sf));
    return m;
}

/* The model's spike cycles against the reference's for 300 µs, both from the state the setup
 * leaves (the membrane as the model has it, no adaptation current: NeuronConfig comes last). */
static void test_against_reference(int pulse) {
    site t = site_of(0, 77);
    bss2_chip *c = bss2_chip_new(3);
    bss2_chip_set_mismatch(c, 0);
    bss2_chip_set_noise(c, 0);
    prog *p = fresh();
    adex_neuron(p, &t, pulse);
    put(p, SETUP);
    int ok = run(c, p) == 0;
    double v0 = bss2_chip_membrane(c, t.n);
    p = fresh();
    put(p, WAIT(37500)); /* 300 µs */
    ok &= run(c, p) == 0;
    model m = model_of(pulse);
    uint64_t ref[64];
    size_t nr = reference(&m, v0, 300.0, ref, 64);
    const char *what = pulse ? "adex with b" : "adex";
    CHECKF(ok && NS >= 5 && NS + 1 >= nr && nr + 1 >= NS, /* (one may fall at the very end) */
           "%s: %zu spikes, the reference %zu", what, NS, nr);
    double worst = 0.0, isi = 0.0;
    size_t n = NS < nr ? NS : nr;
    for (size_t i = 1; i < n; i++) {
        double d = (double)(S[i].fpga_time - S[0].fpga_time) - (double)(ref[i] - ref[0]);
        isi = (double)(ref[i] - ref[i - 1]);
        worst = fmax(worst, fabs(d));
    }
    CHECKF(n > 1 && worst <= fmax(2.0, 0.005 * isi),
           "%s: spike times within 0.5 %% of an interval (%.1f cycles off at most, interval %.0f)",
           what, worst, isi);
    if (pulse && NS >= 3) { /* spike-triggered adaptation: the intervals grow */
        double first = (double)(S[2].fpga_time - S[1].fpga_time);
        double last = (double)(S[NS - 1].fpga_time - S[NS - 2].fpga_time);
        CHECKF(last > 1.1 * first, "%s: intervals grow (%.0f -> %.0f)", what, first, last);
    }
    bss2_chip_free(c);
}

int main(void) {
    test_against_reference(0);
    test_against_reference(1);
    return check_report();
}
