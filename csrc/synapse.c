/* The synapse array path of the chip model (stage 3b): PADI buses, synapse drivers, the rows'
 * events into synaptic inputs, and the neurons' digital backends (bypass,
 * refractory time, spike counters, resets, event outputs). Decisions are documented in
 * chip_model.c's header comment ("Synapse array and neuron backends"); the synapse memory
 * itself is synram.c's. Register layouts,
 * addresses and topology come from field_map.inc (tools/gen_field_map.py: haldls and halco).
 *
 * As in fabric.c everything happens at the executor's `now`: events wait in the PADI buses'
 * and the event outputs' queues, and advance() runs them when bss2_cm_array_next() says.
 */
#include <string.h>

#include "chip_internal.h"
#include "field_map.inc"

#define FIELD BSS2_FM_FIELD
/* Field NAME of a multi-word container's words w. */
#define WFIELD(w, NAME) FIELD((w)[BSS2_FM_##NAME##_WORD], NAME)
#define QC BSS2_CM_QUAD_COLUMNS
#define SYNAPSE_ROWS 256u
#define DRIVERS BSS2_FM_DRIVERS_PER_BLOCK
#define BUSES_PER_BLOCK BSS2_FM_PADI_BUSES_PER_BLOCK
#define COUNTER_MAX 255u

_Static_assert(BSS2_FM_QUAD_COLUMNS == BSS2_CM_QUAD_COLUMNS, "quad columns");
_Static_assert(BSS2_FM_QUADS_PER_SYNRAM / BSS2_FM_QUAD_COLUMNS == SYNAPSE_ROWS, "synapse rows");
_Static_assert(BSS2_FM_NEURON_CONFIG_COUNT == BSS2_CM_NEURONS, "neurons");
_Static_assert(BSS2_FM_DRIVERS_PER_BLOCK == 128u, "drivers per block");
_Static_assert(DRIVERS / BUSES_PER_BLOCK == 32u, "a bus's drivers fit bss2_cm_array.match");
_Static_assert(BSS2_FM_PADI_BUSES_PER_BLOCK * BSS2_CM_SYNRAMS == BSS2_CM_PADI_BUSES, "buses");
_Static_assert(BSS2_FM_PADI_BUSES == BSS2_CM_PADI_BUSES, "PADI buses are crossbar outputs");
_Static_assert(BSS2_FM_SYNAPSE_DRIVER_CONFIG_WORDS == 3u && BSS2_FM_NEURON_CONFIG_WORDS == 6u &&
                   BSS2_FM_NEURON_BACKEND_CONFIG_WORDS == 4u &&
                   BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_WORDS == 2u &&
                   BSS2_FM_COMMON_PADI_BUS_CONFIG_WORDS == 1u && BSS2_FM_PADI_EVENT_WORDS == 1u &&
                   BSS2_FM_COLUMN_CURRENT_QUAD_WORDS == 2u,
               "container sizes");
_Static_assert(BSS2_FM_NEURON_BACKEND_CONFIG_COUNT / BSS2_FM_NEURON_BACKEND_CONFIG_PER_BLOCK == 2u,
               "two backend blocks");
_Static_assert(BSS2_CM_OUTPUT_QUEUE * BSS2_CM_EVENT_OUTPUTS >= BSS2_CM_NEURONS,
               "an event register for every neuron");

static inline uint32_t chip_reg(const bss2_chip *c, uint32_t address) {
    return bss2_cm_regmap_get(&c->chip_regs, address, 0);
}

/* ---- configuration copies -------------------------------------------------------------------- */

static bss2_cm_driver decode_driver(const uint32_t *w) {
    return (bss2_cm_driver){
        (uint8_t)WFIELD(w, SYNAPSE_DRIVER_CONFIG_ENABLE_RECEIVER),
        (uint8_t)WFIELD(w, SYNAPSE_DRIVER_CONFIG_ROW_ADDRESS_COMPARE_MASK),
        (uint8_t)bss2_fm_synapse_driver_config_enable_address_out(w),
        (uint8_t)bss2_fm_synapse_driver_config_row_mode_top(w),
        (uint8_t)bss2_fm_synapse_driver_config_row_mode_bottom(w),
        (uint8_t)WFIELD(w, SYNAPSE_DRIVER_CONFIG_ENABLE_STP),
        (uint8_t)WFIELD(w, SYNAPSE_DRIVER_CONFIG_UTILIZATION),
        (uint8_t)bss2_fm_synapse_driver_config_recovery(w),
        (uint8_t)WFIELD(w, SYNAPSE_DRIVER_CONFIG_SELECT_TARGET_VOLTAGES),
        (uint8_t)WFIELD(w, SYNAPSE_DRIVER_CONFIG_ENABLE_RECOVERY),
    };
}

static void decode_neuron_config(bss2_cm_neuron *u, const uint32_t *w) {
    uint32_t fire = WFIELD(w, NEURON_CONFIG_ENABLE_FIRE);
    uint32_t exc = WFIELD(w, NEURON_CONFIG_ENABLE_BYPASS_EXCITATORY);
    uint32_t inh = WFIELD(w, NEURON_CONFIG_ENABLE_BYPASS_INHIBITORY);
    u->bypass = (uint8_t)(fire ? (exc | (inh << 1)) : 0u);
}

static void decode_backend_config(bss2_cm_neuron *u, const uint32_t *w) {
    u->spike_out = (uint8_t)WFIELD(w, NEURON_BACKEND_CONFIG_ENABLE_SPIKE_OUT);
    u->adapt_pulse = (uint8_t)WFIELD(w, NEURON_BACKEND_CONFIG_ENABLE_ADAPTATION_PULSE);
    u->address_out = (uint8_t)bss2_fm_neuron_backend_config_address_out(w);
    u->refractory_time = (uint8_t)bss2_fm_neuron_backend_config_refractory_time(w);
    u->input_clock = (uint8_t)WFIELD(w, NEURON_BACKEND_CONFIG_SELECT_INPUT_CLOCK);
    u->holdoff = (uint8_t)bss2_fm_neuron_backend_config_reset_holdoff(w);
}

static bss2_cm_backend decode_backend(const uint32_t *w) {
    return (bss2_cm_backend){
        (uint8_t)WFIELD(w, COMMON_NEURON_BACKEND_CONFIG_ENABLE_EVENT_REGISTERS),
        (uint8_t)WFIELD(w, COMMON_NEURON_BACKEND_CONFIG_FORCE_RESET),
        (uint8_t)WFIELD(w, COMMON_NEURON_BACKEND_CONFIG_ENABLE_CLOCKS),
        {(uint8_t)WFIELD(w, COMMON_NEURON_BACKEND_CONFIG_CLOCK_SCALE_SLOW),
         (uint8_t)WFIELD(w, COMMON_NEURON_BACKEND_CONFIG_CLOCK_SCALE_FAST)},
        (uint8_t)WFIELD(w, COMMON_NEURON_BACKEND_CONFIG_CLOCK_SCALE_ADAPTATION_PULSE),
    };
}

static void decode_padi(bss2_cm_array *a, unsigned block, uint32_t w) {
    for (unsigned b = 0; b < BUSES_PER_BLOCK; b++) {
        uint32_t bit = UINT32_C(1) << (block * BUSES_PER_BLOCK + b);
        uint32_t spl1 = (w >> bss2_fm_common_padi_bus_config_enable_spl1_lsb[b]) & 1u;
        uint32_t ext = (w >> bss2_fm_common_padi_bus_config_enable_extended_timing_lsb[b]) & 1u;
        a->spl1 = spl1 ? (a->spl1 | bit) : (a->spl1 & ~bit);
        a->extended = ext ? (a->extended | bit) : (a->extended & ~bit);
    }
}

void bss2_cm_array_init(bss2_cm_array *a) { bss2_cm_array_chip_reset(a); }

void bss2_cm_array_chip_reset(bss2_cm_array *a) {
    /* every register reads 0 again: decode the copies from zero words (some fields are stored
     * inverted, so zero words are not zero values) */
    static const uint32_t zero[8] = {0};
    memset(a, 0, sizeof *a);
    bss2_cm_driver d = decode_driver(zero);
    for (unsigned s = 0; s < BSS2_CM_SYNRAMS; s++) {
        for (unsigned k = 0; k < DRIVERS; k++) {
            a->driver[s][k] = d;
        }
    }
    a->match_stale = 1;
    for (unsigned n = 0; n < BSS2_CM_NEURONS; n++) {
        bss2_cm_neuron *u = &a->neuron[n];
        decode_neuron_config(u, zero);
        decode_backend_config(u, zero);
        u->block = (uint8_t)(bss2_fm_neuron_backend_config_of_atomic[n] /
                             BSS2_FM_NEURON_BACKEND_CONFIG_PER_BLOCK);
    }
    a->backend[0] = a->backend[1] = decode_backend(zero);
}

/* The words of coordinate e of an affine container (base per block, stride, consecutive). */
static void affine_words(const bss2_chip *c, const uint32_t *base, unsigned per, unsigned stride,
                         unsigned e, unsigned n, uint32_t *w) {
    uint32_t first = base[e / per] + (e % per) * stride;
    for (unsigned i = 0; i < n; i++) {
        w[i] = chip_reg(c, first + i);
    }
}

void bss2_cm_array_written(bss2_chip *c, uint32_t address) {
    bss2_cm_array *a = &c->array;
    uint32_t w[8];
    unsigned word = 0;
    int e = bss2_fm_synapse_driver_config_coord(address, &word);
    if (e >= 0) {
        affine_words(c, bss2_fm_synapse_driver_config_base, BSS2_FM_SYNAPSE_DRIVER_CONFIG_PER_BLOCK,
                     BSS2_FM_SYNAPSE_DRIVER_CONFIG_STRIDE, (unsigned)e,
                     BSS2_FM_SYNAPSE_DRIVER_CONFIG_WORDS, w);
        a->driver[(unsigned)e / DRIVERS][(unsigned)e % DRIVERS] = decode_driver(w);
        a->match_stale = 1;
        return;
    }
    e = bss2_fm_neuron_config_coord(address, &word);
    if (e >= 0) {
        affine_words(c, bss2_fm_neuron_config_base, BSS2_FM_NEURON_CONFIG_PER_BLOCK,
                     BSS2_FM_NEURON_CONFIG_STRIDE, (unsigned)e, BSS2_FM_NEURON_CONFIG_WORDS, w);
        unsigned n = bss2_fm_neuron_config_atomic[e];
        a->bypassing[n / 256u] -= a->neuron[n].bypass != 0;
        decode_neuron_config(&a->neuron[n], w);
        a->bypassing[n / 256u] += a->neuron[n].bypass != 0;
        return;
    }
    e = bss2_fm_neuron_backend_config_coord(address, &word);
    if (e >= 0) {
        affine_words(c, bss2_fm_neuron_backend_config_base,
                     BSS2_FM_NEURON_BACKEND_CONFIG_PER_BLOCK, BSS2_FM_NEURON_BACKEND_CONFIG_STRIDE,
                     (unsigned)e, BSS2_FM_NEURON_BACKEND_CONFIG_WORDS, w);
        decode_backend_config(&a->neuron[bss2_fm_neuron_backend_config_atomic[e]], w);
        return;
    }
    for (unsigned b = 0; b < BSS2_FM_COMMON_NEURON_BACKEND_CONFIG_COUNT; b++) {
        const uint32_t *addr = bss2_fm_common_neuron_backend_config_address[b];
        if (address == addr[0] || address == addr[1]) {
            w[0] = chip_reg(c, addr[0]);
            w[1] = chip_reg(c, addr[1]);
            a->backend[b] = decode_backend(w);
            return;
        }
    }
    for (unsigned b = 0; b < BSS2_FM_COMMON_PADI_BUS_CONFIG_COUNT; b++) {
        if (address == bss2_fm_common_padi_bus_config_address[b][0]) {
            decode_padi(a, b, chip_reg(c, address));
            return;
        }
    }
}

/* ---- PADI buses ------------------------------------------------------------------------------ */

/* Queue an 11-bit PADI label on bus `bus` now; -1 if its queue is full (dropped). */
static int enqueue(bss2_chip *c, unsigned bus, uint32_t label, unsigned half) {
    bss2_cm_array *a = &c->array;
    bss2_cm_padi_bus *p = &a->bus[bus];
    if (p->len == BSS2_CM_PADI_FIFO) {
        c->diag.padi_drops++;
        return -1;
    }
    uint64_t t = bss2_cm_t_max(c->now + BSS2_CM_PADI_LATENCY, p->free);
    if (t != c->now + BSS2_CM_PADI_LATENCY) {
        half = 0; /* a queued event leaves on a cycle edge */
    }
    p->free = t + (((a->extended >> bus) & 1u) ? 2u : 1u);
    p->q[(p->head + p->len) % BSS2_CM_PADI_FIFO] =
        (bss2_cm_padi_event){t, (uint16_t)(label & BSS2_FM_LABEL_PADI_MASK), (uint8_t)half};
    p->len++;
    a->busy |= UINT32_C(1) << bus;
    return 0;
}

void bss2_cm_padi_arrive(bss2_chip *c, unsigned bus, uint32_t nl, unsigned half, unsigned input,
                         int count_drop) {
    if (!((c->array.spl1 >> bus) & 1u)) {
        c->diag.padi_blocked++; /* the bus listens to its PADIEvent register only */
        return;
    }
    if (enqueue(c, bus, nl, half) != 0 && count_drop) {
        c->fabric.drop[input] = (c->fabric.drop[input] + 1u) & 0xFFFFu;
    }
}

/* ---- neurons --------------------------------------------------------------------------------- */

/* The neuron's fire signal reaches its backend now. */
int bss2_cm_neuron_fire(bss2_chip *c, unsigned n, unsigned half) {
    bss2_cm_array *a = &c->array;
    bss2_cm_neuron *u = &a->neuron[n];
    const bss2_cm_backend *b = &a->backend[u->block];
    if (!b->clocks || b->force_reset || bss2_cm_t_lt(c->now, u->refractory_until)) {
        c->diag.fires_ignored++;
        return 0;
    }
    c->diag.neuron_spikes++;
    if (u->count == COUNTER_MAX) {
        u->overflow = 1;
    } else {
        u->count++;
    }
    u->refractory_until = c->now + ((uint64_t)u->refractory_time << b->scale[u->input_clock]);
    bss2_cm_analog_reset(c, n, u->adapt_pulse ? (int)b->adapt_scale : -1); /* the membrane resets */
    if (c->analog->corr_on[n / 256u]) {
        bss2_cm_correlation_post(c, n); /* the post pulse to the synapses of its column */
    }
    if (!u->spike_out || !b->event_registers) {
        return 1;
    }
    if (u->pending) { /* its event register still holds the previous spike */
        c->diag.output_drops++;
        return 1;
    }
    unsigned k = bss2_fm_neuron_event_output[n % 256u];
    bss2_cm_event_output *o = &a->out[k];
    uint64_t t = bss2_cm_t_max(c->now + BSS2_CM_BACKEND_LATENCY, o->free);
    if (t != c->now + BSS2_CM_BACKEND_LATENCY) {
        half = 0;
    }
    o->free = t + 1u; /* one event per cycle and output */
    uint32_t label = (k << BSS2_FM_LABEL_EVENT_OUTPUT_LSB) | u->address_out;
    o->q[(o->head + o->len) % BSS2_CM_OUTPUT_QUEUE] =
        (bss2_cm_out_event){t, (uint16_t)n, (uint16_t)label, (uint8_t)half};
    o->len++; /* <= 64: one pending event per neuron of the output */
    u->pending = 1;
    a->busy |= UINT32_C(1) << (BSS2_CM_PADI_BUSES + k);
    return 1;
}

/* The artificial reset (NeuronReset, NeuronResetQuad): the neuron is held as after a spike
 * (refractory) but emits and counts nothing. */
static void reset_neuron(bss2_chip *c, unsigned n) {
    bss2_cm_neuron *u = &c->array.neuron[n];
    const bss2_cm_backend *b = &c->array.backend[u->block];
    u->refractory_until = c->now + ((uint64_t)u->refractory_time << b->scale[u->input_clock]);
    bss2_cm_analog_reset(c, n, -1);
}

/* The synaptic inputs of one bus event, gathered over its rows and handed to the analog core in
 * one batch per kind (bss2_cm_analog_inputs): few and long batches overlap best. */
typedef struct inputs {
    uint16_t target[2][256];
    double weight[2][256];
    unsigned count[2];
} inputs;

static void flush(bss2_chip *c, inputs *in) {
    for (unsigned k = 0; k < 2u; k++) {
        if (in->count[k]) {
            bss2_cm_analog_inputs(c, (int)k, in->target[k], in->weight[k], in->count[k]);
            in->count[k] = 0;
        }
    }
}

/* Synapse row r of synram s receives 6-bit address `addr` in row mode `mode`: its inputs join
 * `in`. A row with bypass fires flushes them, then fires, as the row's own order wants. */
static void row_event(bss2_chip *c, unsigned s, unsigned r, uint32_t addr, unsigned mode,
                      double pulse, unsigned half, inputs *in) {
    bss2_cm_array *a = &c->array;
    if (a->stale[s][r]) {
        bss2_cm_synram_index_row(c, s, r);
    }
    if (c->analog->corr_on[s]) { /* the correlation sensors see every label match */
        bss2_cm_correlation_pre(c, s, r, addr);
    }
    const uint16_t *first = a->first[s][r];
    uint16_t fires[256];
    unsigned nfire = 0;
    unsigned most = in->count[0] > in->count[1] ? in->count[0] : in->count[1];
    if ((unsigned)(first[addr + 1u] - first[addr]) > 256u - most) {
        flush(c, in); /* (room for a whole row) */
    }
    /* kinds: bit 0 excitatory, bit 1 inhibitory, as the column switches and bypass bits */
    unsigned want = ((mode & BSS2_FM_ROW_MODE_EXCITATORY) ? 1u : 0u) |
                    ((mode & BSS2_FM_ROW_MODE_INHIBITORY) ? 2u : 0u);
    const uint8_t *column = a->by_label[s][r], *switches = a->column_switch[s];
    const float *weight = a->weight_by_label[s][r];
    unsigned ne = in->count[0], ni = in->count[1], events = 0, end = first[addr + 1u];
    if ((want == 1u || want == 2u) && a->bypassing[s] == 0) { /* (mostly: one kind, no bypass) */
        unsigned k = want - 1u, m = in->count[k];
        uint16_t *target = in->target[k];
        double *w = in->weight[k];
        for (unsigned i = first[addr]; i < end; i++) {
            unsigned j = column[i];
            target[m] = (uint16_t)(s * 256u + j); /* (kept without a branch, as below) */
            w[m] = weight[i] * pulse;
            m += (switches[j] >> k) & 1u;
        }
        c->diag.synaptic_events += m - in->count[k];
        in->count[k] = m;
        return;
    }
    for (unsigned i = first[addr]; i < end; i++) {
        unsigned j = column[i], kinds = switches[j] & want;
        if (kinds == 0u) {
            continue;
        }
        events++;
        unsigned n = s * 256u + j;
        double w = weight[i] * pulse;
        if (kinds & 1u) {
            in->target[0][ne] = (uint16_t)n;
            in->weight[0][ne++] = w;
        }
        if (kinds & 2u) {
            in->target[1][ni] = (uint16_t)n;
            in->weight[1][ni++] = w;
        }
        if (kinds & a->neuron[n].bypass) {
            fires[nfire++] = (uint16_t)n;
        }
    }
    in->count[0] = ne;
    in->count[1] = ni;
    c->diag.synaptic_events += events;
    /* the bypass fires after the row's inputs: each target's own order is kept, and a target's
     * input or fire touches no other neuron */
    if (nfire > 0u) {
        flush(c, in);
        for (unsigned i = 0; i < nfire; i++) {
            bss2_cm_neuron_fire(c, fires[i], half);
        }
    }
}

/* Which drivers take which row select, per bus (bss2_cm_array.match). */
static void match_drivers(bss2_cm_array *a) {
    for (unsigned bus = 0; bus < BSS2_CM_PADI_BUSES; bus++) {
        unsigned s = bus / BUSES_PER_BLOCK, b = bus % BUSES_PER_BLOCK;
        for (unsigned select = 0; select < 32u; select++) {
            uint32_t m = 0;
            for (unsigned k = 0; k < DRIVERS / BUSES_PER_BLOCK; k++) {
                const bss2_cm_driver *drv = &a->driver[s][k * BUSES_PER_BLOCK + b];
                if (drv->receiver && !((select ^ k) & drv->mask)) {
                    m |= UINT32_C(1) << k;
                }
            }
            a->match[bus][select] = m;
        }
    }
    a->match_stale = 0;
}

/* Bus `bus` carries `label` to its drivers now. */
static void deliver(bss2_chip *c, unsigned bus, uint32_t label, unsigned half) {
    bss2_cm_array *a = &c->array;
    unsigned s = bus / BUSES_PER_BLOCK, b = bus % BUSES_PER_BLOCK;
    uint32_t select = (label >> BSS2_FM_LABEL_ROW_SELECT_LSB) & 0x1Fu;
    uint32_t addr = label & 0x3Fu;
    c->diag.padi_events++;
    if (a->match_stale) {
        match_drivers(a);
    }
    inputs in;
    in.count[0] = in.count[1] = 0;
    for (uint32_t todo = a->match[bus][select]; todo != 0; todo &= todo - 1u) {
        unsigned k = (unsigned)__builtin_ctz(todo), d = k * BUSES_PER_BLOCK + b;
        const bss2_cm_driver *drv = &a->driver[s][d];
        uint32_t out = drv->address_out ? addr : (addr & 0x20u); /* else only the MSB (hagen) */
        double pulse = drv->stp ? bss2_cm_analog_stp(c, s, d) : 1.0;
        if (drv->mode_top) {
            row_event(c, s, bss2_fm_driver_row_top[d], out, drv->mode_top, pulse, half, &in);
        }
        if (drv->mode_bottom) {
            row_event(c, s, bss2_fm_driver_row_bottom[d], out, drv->mode_bottom, pulse, half, &in);
        }
    }
    flush(c, &in);
}
/* ---- triggers and counters ------------------------------------------------------------------- */

void bss2_cm_array_trigger(bss2_chip *c, uint32_t address, uint32_t data) {
    if (address == bss2_fm_madc_control_address[0][0]) {
        bss2_cm_madc_control(c, data);
        return;
    }
    unsigned word = 0;
    int e = bss2_fm_neuron_reset_coord(address, &word);
    if (e >= 0) {
        reset_neuron(c, bss2_fm_neuron_reset_atomic[e]);
        return;
    }
    e = bss2_fm_spike_counter_reset_coord(address, &word);
    if (e >= 0) {
        bss2_cm_neuron *u = &c->array.neuron[bss2_fm_spike_counter_reset_atomic[e]];
        u->count = 0;
        u->overflow = 0;
        return;
    }
    for (unsigned s = 0; s < BSS2_CM_SYNRAMS; s++) {
        uint32_t d = address - bss2_fm_synapse_access_base[s] - BSS2_FM_CORRELATION_RESET_VIEW;
        if (d < SYNAPSE_ROWS * QC) {
            bss2_cm_correlation_reset(c, s, d / QC, d % QC);
            return;
        }
    }
    e = bss2_fm_neuron_reset_quad_coord(address, &word);
    if (e >= 0) {
        for (unsigned i = 0; i < 4u; i++) {
            reset_neuron(c, bss2_fm_neuron_reset_quad_atomic[4u * (unsigned)e + i]);
        }
        return;
    }
    for (unsigned s = 0; s < BSS2_FM_PADI_EVENT_COUNT; s++) {
        if (address != bss2_fm_padi_event_address[s][0]) {
            continue;
        }
        uint32_t label = FIELD(data, PADI_EVENT_ROW_SELECT_ADDRESS);
        label = (label << BSS2_FM_LABEL_ROW_SELECT_LSB) | FIELD(data, PADI_EVENT_EVENT_ADDRESS);
        for (unsigned b = 0; b < BUSES_PER_BLOCK; b++) {
            if ((data >> bss2_fm_padi_event_fire_bus_lsb[b]) & 1u) {
                (void)enqueue(c, s * BUSES_PER_BLOCK + b, label, 0);
            }
        }
        return;
    }
}

int bss2_cm_array_counter(const bss2_chip *c, uint32_t address, uint32_t *v) {
    unsigned word = 0;
    int e = bss2_fm_spike_counter_read_coord(address, &word);
    if (e < 0) {
        return 0;
    }
    const bss2_cm_neuron *u = &c->array.neuron[bss2_fm_spike_counter_read_atomic[e]];
    *v = ((uint32_t)u->count << BSS2_FM_SPIKE_COUNTER_READ_COUNT_LSB) |
         ((uint32_t)u->overflow << BSS2_FM_SPIKE_COUNTER_READ_OVERFLOW_LSB);
    return 1;
}

/* ---- time ------------------------------------------------------------------------------------ */

static inline uint64_t head_time(const bss2_cm_array *a, unsigned i) {
    if (i < BSS2_CM_PADI_BUSES) {
        return a->bus[i].q[a->bus[i].head].time;
    }
    const bss2_cm_event_output *o = &a->out[i - BSS2_CM_PADI_BUSES];
    return o->q[o->head].time;
}

int bss2_cm_array_next(const bss2_chip *c, uint64_t *t) {
    const bss2_cm_array *a = &c->array;
    uint64_t best = 0;
    int any = bss2_cm_analog_next(c, &best); /* the analog neurons (neuron.c) */
    for (uint32_t m = a->busy; m != 0; m &= m - 1u) {
        uint64_t n = head_time(a, (unsigned)__builtin_ctz(m));
        if (!any || bss2_cm_t_lt(n, best)) {
            best = n;
            any = 1;
        }
    }
    *t = best;
    return any;
}

int bss2_cm_array_last(const bss2_chip *c, uint64_t *t) {
    const bss2_cm_array *a = &c->array;
    int any = 0;
    uint64_t last = 0;
    for (uint32_t m = a->busy; m != 0; m &= m - 1u) {
        unsigned i = (unsigned)__builtin_ctz(m);
        uint64_t n;
        if (i < BSS2_CM_PADI_BUSES) {
            const bss2_cm_padi_bus *p = &a->bus[i];
            n = p->q[(p->head + p->len - 1u) % BSS2_CM_PADI_FIFO].time + BSS2_CM_BACKEND_LATENCY;
        } else {
            const bss2_cm_event_output *o = &a->out[i - BSS2_CM_PADI_BUSES];
            n = o->q[(o->head + o->len - 1u) % BSS2_CM_OUTPUT_QUEUE].time;
        }
        n += BSS2_CM_L2_LATENCY;
        if (!any || bss2_cm_t_lt(last, n)) {
            last = n;
            any = 1;
        }
    }
    *t = last;
    return any;
}

void bss2_cm_array_run(bss2_chip *c) {
    bss2_cm_array *a = &c->array;
    bss2_cm_analog_run(c); /* neurons fire into their event outputs */
    for (uint32_t todo = a->busy & ((UINT32_C(1) << BSS2_CM_PADI_BUSES) - 1u); todo != 0;
         todo &= todo - 1u) { /* (the buses with events) */
        unsigned bus = (unsigned)__builtin_ctz(todo);
        bss2_cm_padi_bus *p = &a->bus[bus];
        while (p->len > 0 && bss2_cm_t_le(p->q[p->head].time, c->now)) {
            bss2_cm_padi_event ev = p->q[p->head];
            p->head = (p->head + 1u) % BSS2_CM_PADI_FIFO;
            p->len--;
            deliver(c, bus, ev.label, ev.half);
        }
        if (p->len == 0) {
            a->busy &= ~(UINT32_C(1) << bus);
        }
    }
    for (uint32_t todo = a->busy >> BSS2_CM_PADI_BUSES; todo != 0; todo &= todo - 1u) {
        unsigned k = (unsigned)__builtin_ctz(todo);
        bss2_cm_event_output *o = &a->out[k];
        while (o->len > 0 && bss2_cm_t_le(o->q[o->head].time, c->now)) {
            bss2_cm_out_event ev = o->q[o->head];
            o->head = (o->head + 1u) % BSS2_CM_OUTPUT_QUEUE;
            o->len--;
            a->neuron[ev.neuron].pending = 0;
            bss2_cm_fabric_route(c, k, ev.label, ev.half);
        }
        if (o->len == 0) {
            a->busy &= ~(UINT32_C(1) << (BSS2_CM_PADI_BUSES + k));
        }
    }
}
