/* The digital event fabric of the chip model (stage 3a): crossbar, its counters, the L2 path to
 * the FPGA and the background spike sources. Decisions are documented in chip_model.c's header
 * comment ("Event fabric"); register layouts and addresses come from field_map.inc, generated
 * from the haldls registry by tools/gen_field_map.py.
 *
 * Everything here happens at the executor's `now`: the executor routes spike packs when they
 * issue, and advance() calls bss2_cm_fabric_run() at each time bss2_cm_fabric_next() names, so
 * events are processed lazily, in time order, interleaved with the executor's responses.
 */
#include <string.h>

#include "chip_internal.h"
#include "field_map.inc"

_Static_assert(BSS2_FM_CROSSBAR_INPUTS == BSS2_CM_CROSSBAR_INPUTS, "crossbar inputs");
_Static_assert(BSS2_FM_CROSSBAR_OUTPUTS == BSS2_CM_CROSSBAR_OUTPUTS, "crossbar outputs");
_Static_assert(BSS2_FM_CROSSBAR_NODE_COUNT == BSS2_CM_CROSSBAR_NODES, "crossbar nodes");
_Static_assert(BSS2_FM_BACKGROUND_SPIKE_SOURCE_COUNT == BSS2_CM_BG_SOURCES, "sources");
_Static_assert(BSS2_FM_CROSSBAR_INPUT_DROP_COUNTER_COUNT == BSS2_CM_CROSSBAR_INPUTS, "drops");
_Static_assert(BSS2_FM_CROSSBAR_OUTPUT_EVENT_COUNTER_COUNT == BSS2_CM_CROSSBAR_OUTPUTS, "counts");
_Static_assert(BSS2_FM_PADI_BUSES == 8u, "PADI buses");
_Static_assert((BSS2_CM_L2_RING & (BSS2_CM_L2_RING - 1u)) == 0, "ring size a power of two");
_Static_assert(BSS2_FM_CROSSBAR_NODE_WORDS == 1u && BSS2_FM_CROSSBAR_OUTPUT_CONFIG_WORDS == 1u &&
                   BSS2_FM_EVENT_RECORDING_CONFIG_WORDS == 1u,
               "one-word containers");

#define FIELD BSS2_FM_FIELD
/* Register word `word` of background source i. */
#define BG_ADDRESS(i, NAME) bss2_fm_background_spike_source_address[i][BSS2_FM_##NAME##_WORD]
#define BG_WORD(c, i, NAME) chip_reg(c, BG_ADDRESS(i, NAME))

#define DROP_MASK 0xFFFFu
#define COUNT_MASK 0xFFFFFFu
#define LN2 0.6931471805599453

static inline uint32_t chip_reg(const bss2_chip *c, uint32_t address) {
    return bss2_cm_regmap_get(&c->chip_regs, address, 0);
}

void bss2_cm_fabric_init(bss2_cm_fabric *f) {
    memset(f, 0, sizeof *f);
    for (unsigned n = 0; n < BSS2_CM_CROSSBAR_NODES; n++) {
        unsigned i = bss2_fm_crossbar_node_input[n];
        f->in_nodes[i][f->in_count[i]++] = (uint8_t)n;
    }
}

void bss2_cm_fabric_chip_reset(bss2_chip *c) {
    bss2_cm_fabric *f = &c->fabric;
    memset(f->drop, 0, sizeof f->drop);
    memset(f->count, 0, sizeof f->count);
    memset(f->node_word, 0, sizeof f->node_word); /* the registers read 0 again */
    f->output_config = 0;
    memset(f->bg, 0, sizeof f->bg);
    f->bg_active = 0;
}

/* ---- crossbar -------------------------------------------------------------------------------- */

static void push_l2(bss2_chip *c, uint64_t t, uint32_t label, unsigned half) {
    bss2_cm_fabric *f = &c->fabric;
    if (f->len == BSS2_CM_L2_RING) {
        f->lost++; /* unreachable: see BSS2_CM_L2_RING */
        return;
    }
    f->ring[(f->head + f->len) & (BSS2_CM_L2_RING - 1u)] =
        (bss2_cm_l2_event){t, (uint16_t)label, (uint8_t)half};
    f->len++;
}

void bss2_cm_fabric_route(bss2_chip *c, unsigned input, uint32_t nl, unsigned half) {
    bss2_cm_fabric *f = &c->fabric;
    if (c->chip_reset) {
        return; /* the chip's fabric is held in reset */
    }
    uint32_t cfg = f->output_config;
    for (unsigned k = 0; k < f->in_count[input]; k++) {
        unsigned n = f->in_nodes[input][k];
        unsigned o = bss2_fm_crossbar_node_output[n];
        uint32_t w = f->node_word[n];
        uint32_t count_drop = FIELD(w, CROSSBAR_NODE_ENABLE_DROP_COUNTER);
        if ((nl & FIELD(w, CROSSBAR_NODE_MASK)) != FIELD(w, CROSSBAR_NODE_TARGET)) {
            if (count_drop) {
                f->drop[input] = (f->drop[input] + 1u) & DROP_MASK;
            }
            continue;
        }
        if ((cfg >> bss2_fm_crossbar_output_config_enable_event_counter_lsb[o]) & 1u) {
            f->count[o] = (f->count[o] + 1u) & COUNT_MASK;
        }
        if (o < BSS2_FM_PADI_BUSES) {
            f->padi[o]++;
            bss2_cm_padi_arrive(c, o, nl, half, input, (int)count_drop);
        } else {
            uint32_t channel = o - BSS2_FM_L2_OUTPUT_FIRST;
            push_l2(c, c->now + BSS2_CM_L2_LATENCY, (channel << 14) | nl, half);
        }
    }
}

void bss2_cm_fabric_spike_pack(bss2_chip *c, unsigned header, uint64_t p) {
    unsigned n = header - 12u; /* labels, the first in the most significant 16 bits */
    for (unsigned j = 0; j < n; j++) {
        uint32_t label = (uint32_t)(p >> (16u * (n - 1u - j))) & 0xFFFFu;
        bss2_cm_fabric_route(c, BSS2_FM_L2_INPUT_FIRST + (label >> 14), label & 0x3FFFu, 0);
    }
}

/* ---- background spike sources ---------------------------------------------------------------- */

static inline uint64_t mix64(uint64_t z) { /* splitmix64's finaliser (a bijection) */
    z += UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Random number `draws` of source i: a pure function of (instance seed, seed register latched at
 * the enable edge, source index, draw index). */
static uint64_t draw(const bss2_chip *c, unsigned i, const bss2_cm_bg_source *s) {
    uint64_t k = mix64(mix64(c->seed) ^ (((uint64_t)s->seed << 8) | i));
    return mix64(k ^ s->draws);
}

/* ln(m / 2^shift) for m >= 1 (no libm: portable and link-free; error ~1e-16 relative). */
static double ln_scaled(uint64_t m, int shift) {
    int e = 63 - __builtin_clzll(m);
    double x = (double)m / (double)(UINT64_C(1) << e); /* [1, 2), exact */
    double z = (x - 1.0) / (x + 1.0), z2 = z * z, term = z, sum = 0.0;
    for (int k = 1; k < 40; k += 2) { /* z < 1/3: 2 atanh(z) converges fast */
        sum += term / k;
        term *= z2;
    }
    return 2.0 * sum + (double)(e - shift) * LN2;
}

/* Place source i's next event (bins × (period + 1) ticks of 250 MHz after cycle/half). */
static void schedule(bss2_chip *c, unsigned i, uint64_t cycle, unsigned half) {
    bss2_cm_bg_source *s = &c->fabric.bg[i];
    uint32_t w2 = BG_WORD(c, i, BACKGROUND_SPIKE_SOURCE_PERIOD);
    uint64_t ticks = (uint64_t)FIELD(w2, BACKGROUND_SPIKE_SOURCE_PERIOD) + 1u;
    uint64_t bins = 1;
    if (FIELD(w2, BACKGROUND_SPIKE_SOURCE_ENABLE_RANDOM)) {
        uint32_t w1 = BG_WORD(c, i, BACKGROUND_SPIKE_SOURCE_RATE);
        uint32_t rate = FIELD(w1, BACKGROUND_SPIKE_SOURCE_RATE);
        uint64_t d = draw(c, i, s);
        s->draws++;
        s->rbits = (uint8_t)d;
        if (rate < 255u) { /* geometric number of bins, success probability (rate + 1) / 256 */
            double ln_u = ln_scaled((d >> 11) + 1u, 53); /* u in (0, 1] */
            double g = ln_u / ln_scaled(255u - rate, 8);
            bins += g < 1e12 ? (uint64_t)g : UINT64_C(1000000000000);
        }
    }
    uint64_t total = half + bins * ticks;
    s->next = cycle + (total >> 1);
    s->half = (uint8_t)(total & 1u);
}

static void fire(bss2_chip *c, unsigned i) {
    bss2_cm_bg_source *s = &c->fabric.bg[i];
    uint32_t w1 = BG_WORD(c, i, BACKGROUND_SPIKE_SOURCE_NEURON_LABEL);
    uint32_t w2 = BG_WORD(c, i, BACKGROUND_SPIKE_SOURCE_ENABLE_RANDOM);
    uint32_t nl = FIELD(w1, BACKGROUND_SPIKE_SOURCE_NEURON_LABEL);
    if (FIELD(w2, BACKGROUND_SPIKE_SOURCE_ENABLE_RANDOM)) {
        uint32_t mask = FIELD(w1, BACKGROUND_SPIKE_SOURCE_MASK);
        nl = (nl & ~mask) | (s->rbits & mask);
    }
    bss2_cm_fabric_route(c, bss2_fm_background_spike_source_input[i], nl, s->half);
    schedule(c, i, s->next, s->half);
}

void bss2_cm_fabric_written(bss2_chip *c, uint32_t address, uint32_t old) {
    uint32_t node = address - bss2_fm_crossbar_node_address[0][0];
    if (node < BSS2_CM_CROSSBAR_NODES && bss2_fm_crossbar_node_address[node][0] == address) {
        c->fabric.node_word[node] = chip_reg(c, address);
        return;
    }
    if (address == bss2_fm_crossbar_output_config_address[0][0]) {
        c->fabric.output_config = chip_reg(c, address);
        return;
    }
    uint32_t first = BG_ADDRESS(0, BACKGROUND_SPIKE_SOURCE_ENABLE);
    uint32_t d = address - first;
    if (d >= 3u * BSS2_CM_BG_SOURCES || d % 3u != 0) {
        return;
    }
    unsigned i = d / 3u;
    if (BG_ADDRESS(i, BACKGROUND_SPIKE_SOURCE_ENABLE) != address) {
        return;
    }
    uint32_t was = FIELD(old, BACKGROUND_SPIKE_SOURCE_ENABLE);
    uint32_t is = FIELD(chip_reg(c, address), BACKGROUND_SPIKE_SOURCE_ENABLE);
    bss2_cm_bg_source *s = &c->fabric.bg[i];
    if (!was && is) { /* enable edge: latch the seed, count from the next cycle on */
        memset(s, 0, sizeof *s);
        s->seed = BG_WORD(c, i, BACKGROUND_SPIKE_SOURCE_SEED);
        c->fabric.bg_active |= 1u << i;
        schedule(c, i, c->now + 1u, 0);
    } else if (was && !is) {
        c->fabric.bg_active &= ~(1u << i);
    }
}

/* ---- time ------------------------------------------------------------------------------------ */

int bss2_cm_fabric_next(const bss2_chip *c, uint64_t *t) {
    const bss2_cm_fabric *f = &c->fabric;
    uint64_t best = 0;
    int any = bss2_cm_array_next(c, &best); /* the synapse array's queues (synapse.c) */
    if (f->len > 0 && (!any || bss2_cm_t_lt(f->ring[f->head].time, best))) {
        best = f->ring[f->head].time;
        any = 1;
    }
    for (uint32_t m = f->bg_active; m != 0; m &= m - 1u) {
        uint64_t n = f->bg[__builtin_ctz(m)].next;
        if (!any || bss2_cm_t_lt(n, best)) {
            best = n;
            any = 1;
        }
    }
    *t = best;
    return any;
}

int bss2_cm_fabric_last(const bss2_chip *c, uint64_t *t) {
    const bss2_cm_fabric *f = &c->fabric;
    if (f->len == 0) {
        return 0;
    }
    *t = f->ring[(f->head + f->len - 1u) & (BSS2_CM_L2_RING - 1u)].time;
    return 1;
}

void bss2_cm_fabric_run(bss2_chip *c) {
    bss2_cm_fabric *f = &c->fabric;
    bss2_cm_array_run(c); /* PADI buses and event outputs: they feed the crossbar */
    for (uint32_t m = f->bg_active; m != 0; m &= m - 1u) { /* sources first: they feed the ring */
        unsigned i = (unsigned)__builtin_ctz(m);
        while ((f->bg_active >> i) & 1u && bss2_cm_t_le(f->bg[i].next, c->now)) {
            fire(c, i);
        }
    }
    /* events reaching the FPGA in the same cycle travel together, up to 3 in one SpikePack */
    while (f->len > 0 && bss2_cm_t_le(f->ring[f->head].time, c->now)) {
        uint64_t t = f->ring[f->head].time;
        int recording = c->recording;
        uint64_t chip_time = c->chip_reset ? 0u : (t - c->chip_origin);
        uint64_t payload = 0;
        unsigned high = 0, n = 0;
        while (n < 3u && f->len > 0 && f->ring[f->head].time == t) {
            bss2_cm_l2_event e = f->ring[f->head];
            f->head = (f->head + 1u) & (BSS2_CM_L2_RING - 1u);
            f->len--;
            uint64_t ts = (2u * chip_time + e.half) & 0xFFu; /* 250 MHz */
            high = (unsigned)(payload >> 40) & 0xFFu;       /* element 0 of a 3-pack: bits 64-71 */
            payload = (payload << 24) | (ts << 16) | e.label;
            n++;
        }
        if (!recording) {
            f->not_recorded += n;
            c->diag.events_not_recorded += n;
            continue;
        }
        if (f->call_messages >= BSS2_CM_MAX_EVENT_MESSAGES) {
            f->overflow += n;
            c->diag.events_lost += n;
            continue;
        }
        f->call_messages++;
        f->to_host += n;
        c->diag.events_to_host += n;
        bss2_cm_respond_wide(c, t, BSS2_CM_FROM_SPIKE_PACK1 + n - 1u, payload, n == 3u ? high : 0);
    }
}

void bss2_cm_fabric_samples(bss2_chip *c, const uint32_t *field, const uint64_t *t,
                            const uint8_t *half, unsigned k) {
    bss2_cm_fabric *f = &c->fabric;
    if (!c->recording) {
        c->diag.madc_not_recorded += k;
        return;
    }
    /* (the chip time: 0 while the chip is held in reset) */
    uint64_t origin = c->chip_origin, held = c->chip_reset ? UINT64_MAX : 0u;
    for (unsigned at = 0; at < k; at += 256u) { /* (GO: 256 at a time) */
        uint64_t payload[256];
        unsigned m = k - at < 256u ? k - at : 256u;
        uint64_t room = f->call_messages < BSS2_CM_MAX_EVENT_MESSAGES
                            ? BSS2_CM_MAX_EVENT_MESSAGES - f->call_messages
                            : 0u;
        unsigned n = room < m ? (unsigned)room : m;
        f->call_messages += n;
        for (unsigned i = 0; i < n; i++) {
            uint64_t chip_time = (t[at + i] - origin) & ~held;
            uint64_t ts = (2u * chip_time + half[at + i]) & 0xFFu; /* 250 MHz, as for spikes */
            payload[i] = (ts << 16) | (field[at + i] & 0xFFFFu);
        }
        c->diag.madc_samples += n;
        c->diag.events_lost += m - n;
        bss2_cm_respond_ordered_many(c, t + at, BSS2_CM_FROM_MADC_PACK1, payload, n);
    }
}

/* ---- counters -------------------------------------------------------------------------------- */

int bss2_cm_fabric_counter(const bss2_chip *c, uint32_t address, uint32_t *v) {
    uint32_t d = address - bss2_fm_crossbar_input_drop_counter_address[0][0];
    if (d < BSS2_CM_CROSSBAR_INPUTS &&
        bss2_fm_crossbar_input_drop_counter_address[d][0] == address) {
        *v = c->fabric.drop[d] << BSS2_FM_CROSSBAR_INPUT_DROP_COUNTER_VALUE_LSB;
        return 1;
    }
    d = address - bss2_fm_crossbar_output_event_counter_address[0][0];
    if (d < BSS2_CM_CROSSBAR_OUTPUTS &&
        bss2_fm_crossbar_output_event_counter_address[d][0] == address) {
        *v = c->fabric.count[d] << BSS2_FM_CROSSBAR_OUTPUT_EVENT_COUNTER_VALUE_LSB;
        return 1;
    }
    return bss2_cm_array_counter(c, address, v); /* spike counters */
}
