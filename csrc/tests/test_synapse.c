/* C tests of the chip model's synapse array path (synapse.c): the synapse memory's aliasing views,
 * the bypass path (L2 spike -> PADI bus -> driver -> synapse -> column switch -> neuron backend
 * -> crossbar -> FPGA), PADIEvent, refractory time, resets, the chip reset, hostile addresses.
 * Built and run under ASan/UBSan by `make csan`. Times in FPGA cycles; the expected numbers
 * follow chip_model.c's header comment ("Synapse array and neuron backends"). */

#include "harness.h"

_Static_assert(BSS2_FM_NEURON_CONFIG_ENABLE_FIRE_WORD ==
                   BSS2_FM_NEURON_CONFIG_ENABLE_BYPASS_EXCITATORY_WORD,
               "enable_fire and enable_bypass_excitatory share a word");

static const bss2_cm_array ZERO; /* all bits 0 */

/* The bypass path: configure_path with weight 42, and the neuron fires each excitatory event. */
static void configure(prog *p, const site *t, uint32_t L, uint32_t address_out,
                      uint32_t refractory, unsigned slow, unsigned fast) {
    configure_path(p, t, L, 42u, address_out, refractory, slow, fast);
    wr(p, NEURON_CONFIG(t->n, BSS2_FM_NEURON_CONFIG_ENABLE_FIRE_WORD),
       (1u << BSS2_FM_NEURON_CONFIG_ENABLE_FIRE_LSB) |
           (1u << BSS2_FM_NEURON_CONFIG_ENABLE_BYPASS_EXCITATORY_LSB));
}

/* ---- tests ----------------------------------------------------------------------------------- */

/* A synapse of weight 0 drives no current pulse (synram.c leaves it out of its row's index): the
 * bypass does not fire on it, and no synaptic event is counted. */
static void test_bypass_needs_a_weight(void) {
    site t = site_of(0, 37);
    bss2_chip *c = bss2_chip_new(2);
    prog *p = fresh();
    configure_path(p, &t, 0x2Du, 0u, 0xA5u, 0, 0, 0);
    wr(p, NEURON_CONFIG(t.n, BSS2_FM_NEURON_CONFIG_ENABLE_FIRE_WORD),
       (1u << BSS2_FM_NEURON_CONFIG_ENABLE_FIRE_LSB) |
           (1u << BSS2_FM_NEURON_CONFIG_ENABLE_BYPASS_EXCITATORY_LSB));
    int ok = run(c, p) == 0;
    p = fresh();
    put(p, SETUP);
    spike_at(p, 10, 0x2Du);
    put(p, WAIT(100));
    ok = ok && run(c, p) == 0;
    CHECKF(ok && NS == 0 && D.synaptic_events == 0 && D.neuron_spikes == 0,
          "bypass: a weight-0 synapse fires nothing (%zu spikes, %llu "
          "synaptic events, %llu neuron spikes)", NS, (unsigned long long)D.synaptic_events,
          (unsigned long long)D.neuron_spikes);
    bss2_chip_free(c);
}

static void test_encodings(void) {
    uint32_t d[3];
    driver_words(d);
    check(bss2_fm_synapse_driver_config_enable_address_out(d) == 1u &&
              bss2_fm_synapse_driver_config_row_mode_bottom(d) == BSS2_FM_ROW_MODE_EXCITATORY &&
              bss2_fm_synapse_driver_config_row_mode_top(d) == 0u,
          "encodings: driver words decode to address out on, bottom row excitatory, top off");
    uint32_t b[4];
    backend_words(b, 0xA5u, 10u, 1u);
    check(bss2_fm_neuron_backend_config_address_out(b) == 0xA5u &&
              bss2_fm_neuron_backend_config_refractory_time(b) == 10u &&
              bss2_fm_neuron_backend_config_reset_holdoff(b) == 0u,
          "encodings: backend words decode to address_out 0xA5, refractory 10");
    site t = site_of(0, 37);
    check(t.q == 36 && t.e == 2 && t.k == 1 && t.block == 0, "encodings: column 37's site");
}

static void test_views(void) {
    bss2_chip *c = bss2_chip_new(1);
    const unsigned s = 1, row = 77, col = 13;
    const uint32_t w0 = 0xDEADBEEFu, w1 = 0x8BADF00Du;
    prog *p = fresh();
    wr(p, full_at(s, row, 0, col), w0);
    wr(p, full_at(s, row, 1, col), w1);
    rd(p, full_at(s, row, 0, col));
    rd(p, full_at(s, row, 1, col));
    rd(p, view_at(s, BSS2_FM_WEIGHT_VIEW, row, col));
    rd(p, view_at(s, BSS2_FM_LABEL_VIEW, row, col));
    rd(p, view_at(s, BSS2_FM_EVEN_2MSB_VIEW, row, col));
    rd(p, view_at(s, BSS2_FM_ODD_2MSB_VIEW, row, col));
    rd(p, view_at(s, BSS2_FM_WEIGHT_VIEW, row, col + 1));
    rd(p, view_at(0, BSS2_FM_WEIGHT_VIEW, row, col));
    check(run(c, p) == 0 && NR == 8 && R[0] == w0 && R[1] == w1, "views: full view reads back");
    check(NR == 8 && R[2] == (w0 & LOW6) && R[3] == (w1 & LOW6),
          "views: weight and label views: low 6 bits of each byte of word 0 and 1");
    check(NR == 8 && R[4] == (w0 & HIGH2) >> 6 && R[5] == (w1 & HIGH2) >> 6,
          "views: 2-MSB views: the top 2 bits moved to the byte's low bits");
    check(NR == 8 && R[6] == 0 && R[7] == 0, "views: neighbour and other synram untouched");
    check(c->array.syn[s][row][0][col] == w0 && c->array.syn[s][row][1][col] == w1,
          "views: the memory holds the full words");

    p = fresh();
    wr(p, view_at(s, BSS2_FM_WEIGHT_VIEW, row, col), 0xFFFFFFFFu);
    check(run(c, p) == 0 && bss2_chip_peek(c, full_at(s, row, 0, col)) == ((w0 & HIGH2) | LOW6) &&
              bss2_chip_peek(c, full_at(s, row, 1, col)) == w1 &&
              bss2_chip_peek(c, view_at(s, BSS2_FM_EVEN_2MSB_VIEW, row, col)) ==
                  (w0 & HIGH2) >> 6,
          "views: a weight-view write changes only the weight bits");
    p = fresh();
    wr_be(p, view_at(s, BSS2_FM_WEIGHT_VIEW, row, col), 0, 0x2);
    wr(p, view_at(s, BSS2_FM_EVEN_2MSB_VIEW, row, col), 0xFFFEFDFCu); /* 2-bit values 3, 2, 1, 0 */
    check(run(c, p) == 0 && bss2_chip_peek(c, full_at(s, row, 0, col)) == 0xFFBF403Fu,
          "views: byte enable 0x2 clears one weight; the 2-MSB write sets only the top bits");
    p = fresh();
    wr_be(p, full_at(s, row, 1, col), 0x12345678u, 0x5);
    wr_be(p, view_at(s, BSS2_FM_LABEL_VIEW, row, col), 0xFFFFFFFFu, 0x8);
    wr_be(p, view_at(s, BSS2_FM_ODD_2MSB_VIEW, row, col), 0, 0x0); /* no byte: nothing */
    uint32_t e1 = (w1 & 0xFF00FF00u) | 0x00340078u | 0x3F000000u;
    check(run(c, p) == 0 && bss2_chip_peek(c, full_at(s, row, 1, col)) == e1,
          "views: full-view and label-view writes honour their byte enables");
    check(bss2_chip_peek(c, view_at(s, BSS2_FM_ODD_2MSB_VIEW, row, col)) == (e1 & HIGH2) >> 6 &&
              bss2_chip_peek(c, view_at(s, BSS2_FM_LABEL_VIEW, row, col)) == (e1 & LOW6),
          "views: the other views see the new word");
    bss2_chip_free(c);
}

/* One spike through the bypass path of the neuron in column j of synram s. */
static void test_bypass(unsigned s, unsigned j) {
    const uint32_t L = 0x2Du, A = 0xA5u; /* A's row select (A >> 6 = 2) misses driver 0 */
    site t = site_of(s, j);
    uint32_t label = L2(t.k % 4u, (t.k << BSS2_FM_LABEL_EVENT_OUTPUT_LSB) | A);
    bss2_chip *c = bss2_chip_new(2);
    prog *p = fresh();
    configure(p, &t, L, A, 0, 0, 0);
    int ok = run(c, p) == 0;
    const bss2_cm_array *a = &c->array;
    const bss2_cm_driver *d = &a->driver[s][0];
    CHECKF(ok && d->receiver && d->mask == 31 && d->address_out && d->mode_top == 0 &&
               d->mode_bottom == BSS2_FM_ROW_MODE_EXCITATORY && a->spl1 == (1u << (4u * s)),
           "bypass %u/%u: driver and bus copies", s, j);
    CHECKF(a->column_switch[s][j] == 1 && a->neuron[t.n].bypass == 1 &&
               a->neuron[t.n].spike_out && a->neuron[t.n].address_out == A &&
               a->neuron[t.n].refractory_time == 0 && a->backend[t.block].clocks &&
               a->backend[t.block].event_registers,
           "bypass %u/%u: switch, neuron and backend copies", s, j);

    uint64_t t0 = bss2_chip_systime(c);
    p = fresh();
    put(p, SETUP);
    spike_at(p, 10, (0u << BSS2_FM_LABEL_ROW_SELECT_LSB) | L);
    put(p, WAIT(100));
    rd(p, COUNTER_READ(t.n));
    ok = run(c, p) == 0;
    CHECKF(ok && NS == 1 && S[0].label == label, "bypass %u/%u: one spike, label %x (%zu)", s, j,
           NS ? S[0].label : 0u, NS);
    CHECKF(NS == 1 && S[0].fpga_time == t0 + 10 + LAT, "bypass %u/%u: %u cycles later", s, j,
           LAT);
    CHECKF(NR == 1 && R[0] == 1u << BSS2_FM_SPIKE_COUNTER_READ_COUNT_LSB,
           "bypass %u/%u: spike counter reads 1", s, j);
    CHECKF(D.padi_events == 1 && D.padi_blocked == 9 && D.synaptic_events == 1 &&
               D.neuron_spikes == 1 && D.fires_ignored == 0 && D.events_to_host == 1,
           "bypass %u/%u: diagnostics", s, j);

    p = fresh();
    wr(p, COUNTER_RESET(t.n), 0);
    ok = bss2_chip_peek(c, COUNTER_READ(t.n)) == 1 && run(c, p) == 0;
    CHECKF(ok && bss2_chip_peek(c, COUNTER_READ(t.n)) == 0,
           "bypass %u/%u: SpikeCounterReset clears the counter", s, j);

    p = fresh();
    spike_at(p, 0, L ^ 1u);
    spike_at(p, 0, (1u << BSS2_FM_LABEL_ROW_SELECT_LSB) | L);
    ok = run(c, p) == 0;
    CHECKF(ok && NS == 0 && D.padi_events == 2 && D.synaptic_events == 0 &&
               D.neuron_spikes == 0,
           "bypass %u/%u: a wrong address or row select fires nothing", s, j);

    t0 = bss2_chip_systime(c);
    p = fresh();
    put(p, SETUP);
    wr(p, PADI_CONFIG(s), 0);
    spike_at(p, 0, L);
    put(p, WAIT(50));
    wr(p, PADI_EVENT(s), padi_event(0, 0, L)); /* accepted at t0 + 51 */
    ok = run(c, p) == 0;
    CHECKF(ok && D.padi_blocked == 10 && NS == 1 && S[0].label == label &&
               S[0].fpga_time == t0 + 51 + LAT,
           "bypass %u/%u: without spl1 only PADIEvent fires the neuron", s, j);
    p = fresh();
    wr(p, PADI_EVENT(s), padi_event(1, 0, L));
    wr(p, PADI_EVENT(s), padi_event(0, 1, L));
    wr(p, PADI_EVENT(s), padi_event(0, 0, L ^ 0x20u));
    ok = run(c, p) == 0;
    CHECKF(ok && NS == 0 && D.padi_events == 3 && D.neuron_spikes == 0 &&
               bss2_chip_peek(c, COUNTER_READ(t.n)) == 1,
           "bypass %u/%u: PADIEvent on another bus, row select or address fires nothing", s, j);
    bss2_chip_free(c);
}

static void test_refractory(void) {
    site t = site_of(0, 37);
    const uint32_t L = 7, N = 10;
    const unsigned slow = 3, fast = 1, B = 1000; /* N << slow = 80, N << fast = 20 */
    bss2_chip *c = bss2_chip_new(3);
    prog *p = fresh();
    configure(p, &t, L, 0x11, N, slow, fast);
    check(run(c, p) == 0, "refractory: configures");
    uint64_t t0 = bss2_chip_systime(c);
    p = fresh();
    put(p, SETUP);
    const unsigned at[] = {B, B + 79, 0, B + 159, 0}; /* 0: the cycle after the previous */
    for (unsigned i = 0; i < 5u; i++) {
        spike_at(p, at[i], L);
    }
    check(run(c, p) == 0 && NS == 3 && D.neuron_spikes == 3 && D.fires_ignored == 2,
          "refractory: slow clock: spikes within 80 cycles are ignored");
    check(NS == 3 && S[0].fpga_time == t0 + B + LAT && S[1].fpga_time == t0 + B + 80 + LAT &&
              S[2].fpga_time == t0 + B + 160 + LAT && bss2_chip_peek(c, COUNTER_READ(t.n)) == 3,
          "refractory: slow clock: spikes 80 cycles apart register; counter 3");

    p = fresh();
    backend(p, &t, 0x11, N, 1);
    put(p, SETUP);
    spike_at(p, B, L);
    spike_at(p, B + 19, L);
    spike_at(p, 0, L);
    check(run(c, p) == 0 && NS == 2 && D.fires_ignored == 1 && c->array.neuron[t.n].input_clock,
          "refractory: fast clock: 20 cycles");

    t0 = bss2_chip_systime(c);
    p = fresh();
    put(p, SETUP);
    put(p, WAIT(B));
    wr(p, NEURON_RESET(t.n), 0); /* accepted at B + 1: refractory until B + 21 */
    spike_at(p, B + 19, L);
    spike_at(p, 0, L); /* B + 20 */
    check(run(c, p) == 0 && NS == 1 && D.neuron_spikes == 1 && D.fires_ignored == 1 &&
              S[0].fpga_time == t0 + B + 20 + LAT && bss2_chip_peek(c, COUNTER_READ(t.n)) == 6,
          "refractory: NeuronReset holds the neuron without a spike or a count");

    p = fresh();
    put(p, SETUP);
    wr(p, COMMON_BACKEND(t.block), common_backend(0, 0, slow, fast));
    spike_at(p, B, L);
    wr(p, COMMON_BACKEND(t.block), common_backend(1, 1, slow, fast));
    spike_at(p, 2 * B, L);
    check(run(c, p) == 0 && NS == 0 && D.neuron_spikes == 0 && D.fires_ignored == 2,
          "refractory: no clocks or force_reset: fires ignored");
    bss2_chip_free(c);
}

static void test_chip_reset(void) {
    site t = site_of(1, 200);
    const uint32_t L = 0x15;
    bss2_chip *c = bss2_chip_new(4);
    prog *p = fresh();
    configure(p, &t, L, 0x42, 0, 0, 0);
    spike_at(p, 0, L);
    wr(p, view_at(0, BSS2_FM_WEIGHT_VIEW, 255, 63), 0x01020304u);
    wr(p, view_at(1, BSS2_FM_LABEL_VIEW, 100, 0), 0x3F3F3F3Fu);
    check(run(c, p) == 0 && NS == 1 && bss2_chip_peek(c, COUNTER_READ(t.n)) == 1 &&
              bss2_chip_peek(c, view_at(0, BSS2_FM_WEIGHT_VIEW, 255, 63)) == 0x01020304u,
          "chip reset: set up, a spike counted");
    p = fresh();
    put(p, RESET(1));
    wr(p, view_at(0, BSS2_FM_WEIGHT_VIEW, 3, 3), 0x3F);
    put(p, RESET(0));
    check(run(c, p) == 0 && D.reset_drops == 1, "chip reset: synapse write in reset dropped");
    check(memcmp(c->array.syn, ZERO.syn, sizeof ZERO.syn) == 0 &&
              memcmp(c->array.column_switch, ZERO.column_switch, sizeof ZERO.column_switch) == 0,
          "chip reset: synapse memory and column switches cleared");
    check(bss2_chip_peek(c, view_at(0, BSS2_FM_WEIGHT_VIEW, 255, 63)) == 0 &&
              bss2_chip_peek(c, view_at(1, BSS2_FM_LABEL_VIEW, 100, 0)) == 0 &&
              bss2_chip_peek(c, COUNTER_READ(t.n)) == 0,
          "chip reset: views and the spike counter read 0");
    p = fresh();
    wr(p, RECORDING, 1);
    spike_at(p, 0, L);
    check(run(c, p) == 0 && NS == 1 && S[0].label == L2(0, L) && D.padi_blocked == 8 &&
              D.synaptic_events == 0,
          "chip reset: the path is gone; only the loopback node, back to pass-all, returns it");
    bss2_chip_free(c);
}

/* Writes and reads at rows 256.. of every view: the switch rows alias, the rest is unknown. */
static void test_hostile(void) {
    static const uint32_t views[4] = {BSS2_FM_WEIGHT_VIEW, BSS2_FM_LABEL_VIEW,
                                      BSS2_FM_EVEN_2MSB_VIEW, BSS2_FM_ODD_2MSB_VIEW};
    static const uint32_t masks[4] = {LOW6, LOW6, 0x03030303u, 0x03030303u};
    static const unsigned rows[5] = {256, 257, 258, 259, 511};
    static uint32_t addr[8192], want[8192];
    size_t n = 0, unknown = 0;
    for (unsigned s = 0; s < BSS2_CM_SYNRAMS; s++) {
        for (unsigned r = 0; r < 5u; r++) {
            for (unsigned col = 0; col < QC; col++) {
                for (unsigned v = 0; v < 6u; v++) {
                    uint32_t a = v < 4u ? view_at(s, views[v], rows[r], col)
                                        : full_at(s, rows[r], v - 4u, col);
                    int known = bss2_address_kind(a) != BSS2_ADDRESS_NONE;
                    addr[n] = a;
                    want[n++] = known ? (v < 4u ? masks[v] : 0xFFFFFFFFu) : 0u;
                    unknown += !known;
                }
            }
        }
    }
    bss2_chip *c = bss2_chip_new(5);
    prog *p = fresh();
    for (size_t i = 0; i < n; i++) {
        wr(p, addr[i], 0xFFFFFFFFu);
        rd(p, addr[i]);
    }
    check(p->n == 3 * n && run(c, p) == 0 && NR == n, "hostile: runs");
    size_t bad = 0;
    for (size_t i = 0; i < NR; i++) {
        bad += R[i] != want[i];
    }
    CHECKF(bad == 0, "hostile: reads give the view's bits or 0 (%zu wrong)", bad);
    CHECKF(D.unknown_writes == unknown && unknown > 0 && unknown < n,
           "hostile: %zu of %zu writes unknown", (size_t)D.unknown_writes, n);
    static uint32_t ones[2][2][QC];
    memset(ones, 0xFF, sizeof ones);
    int rows_ok = 1, sw = 1;
    for (unsigned s = 0; s < BSS2_CM_SYNRAMS; s++) {
        rows_ok &= memcmp(c->array.syn[s], ZERO.syn[s], sizeof ZERO.syn[s][0] * 256u) == 0 &&
                   memcmp(c->array.syn[s][256], ones, sizeof ones) == 0;
        for (unsigned j = 0; j < 256u; j++) {
            sw &= c->array.column_switch[s][j] == 3;
        }
    }
    check(rows_ok, "hostile: rows 256 and 257 all ones, the synapse rows untouched");
    check(sw, "hostile: the 2-MSB views of row 256 set every column switch");

    /* straight into synapse.c, past the address map: nothing outside the array changes */
    static bss2_cm_array before;
    memcpy(&before, &c->array, sizeof before);
    size_t is = 0, nonzero = 0;
    for (unsigned s = 0; s < BSS2_CM_SYNRAMS; s++) {
        for (unsigned v = 0; v < 5u; v++) { /* 4: the full view */
            uint32_t first = v < 4u ? view_at(s, views[v], BSS2_CM_SYNRAM_ROWS, 0)
                                    : full_at(s, BSS2_CM_SYNRAM_ROWS, 0, 0);
            uint32_t last = v < 4u ? bss2_fm_synapse_access_base[s] + views[v] + 0xFFFFu
                                   : bss2_fm_synapse_quad_base[s] + 0xFFFFu;
            is += bss2_cm_synram_is(first - 1u) == 1 && bss2_cm_synram_is(first) == 0;
            for (uint32_t a = first; a <= last; a++) {
                uint32_t got = 0;
                bss2_cm_synram_write(c, a, 0xFFFFFFFFu, 0xFFFFFFFFu);
                bss2_cm_synram_read(c, a, &got);
                nonzero += got != 0;
            }
        }
    }
    const uint32_t odd[] = {0, 0xFFFFFFFFu, 0x7FFFFFFFu, bss2_fm_synapse_access_base[0] - 1u,
                            bss2_fm_synapse_quad_base[1] + 0x10000u};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        uint32_t got = 0;
        bss2_cm_synram_write(c, odd[i], 0xFFFFFFFFu, 0xFFFFFFFFu);
        bss2_cm_synram_read(c, odd[i], &got);
        nonzero += got != 0;
    }
    check(is == 10, "hostile: the last row is 257 in every view");
    check(nonzero == 0 && memcmp(&before, &c->array, sizeof before) == 0,
          "hostile: writes past row 257 read 0 and change nothing");
    bss2_chip_free(c);
}

int main(void) {
    test_encodings();
    test_views();
    test_bypass(0, 37);
    test_bypass_needs_a_weight();
    test_bypass(1, 200);
    test_refractory();
    test_chip_reset();
    test_hostile();
    return check_report();
}
