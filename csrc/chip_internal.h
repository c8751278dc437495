/* Private parts of the chip model (csrc/chip_model.c, executor.c, regfile.c, jtag.c).
 *
 * Not part of the public API and not seen by cffi; the C tests may include it to look inside an
 * instance. Every function here is prefixed bss2_cm_ (chip model) since all C files of csrc/
 * share one link unit. The model's decisions (timing numbers, reset semantics, ...) are
 * documented once, in the header comment of chip_model.c.
 */
#ifndef BSS2_CHIP_INTERNAL_H
#define BSS2_CHIP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "address_map.h"
#include "chip_model.h"

/* ---- constants ------------------------------------------------------------------------------ */

#define BSS2_CM_SYSTIME_MASK ((UINT64_C(1) << 43) - 1u)
#define BSS2_CM_PAYLOAD_MASK UINT64_C(0x00FFFFFFFFFFFFFF)

/* FPGA executor registers (haldls/_fpga.py; reference §2.2). */
#define BSS2_CM_EXECUTOR_BASE 0x88000000u
#define BSS2_CM_REG_INSTRUCTION_TIMEOUT (BSS2_CM_EXECUTOR_BASE + 0x9u)
#define BSS2_CM_REG_POLL_ADDRESS (BSS2_CM_EXECUTOR_BASE + 0x6u)
#define BSS2_CM_REG_POLL_TARGET (BSS2_CM_EXECUTOR_BASE + 0x7u)
#define BSS2_CM_REG_POLL_MASK (BSS2_CM_EXECUTOR_BASE + 0x8u)
#define BSS2_CM_REG_TIMER (BSS2_CM_EXECUTOR_BASE + 0xCu)
#define BSS2_CM_DEFAULT_INSTRUCTION_TIMEOUT 1250000u

/* Timing decisions (FPGA cycles, 125 MHz; see chip_model.c). */
#define BSS2_CM_WRITE_CYCLES_CHIP 2u
#define BSS2_CM_WRITE_CYCLES_FPGA 1u
#define BSS2_CM_READ_LATENCY_CHIP 32u
#define BSS2_CM_READ_LATENCY_FPGA 4u
#define BSS2_CM_SYSTIME_SYNC_CYCLES 100u
#define BSS2_CM_JTAG_DEFAULT_SCALER 3u
#define BSS2_CM_JTAG_INIT_BITS 5u /* TAP reset: five TCK cycles with TMS high */
#define BSS2_CM_JTAG_IR_BITS 7u

/* JTAG instruction register values (reference §6.1; fisch/_instructions.py). */
#define BSS2_CM_IR_IDCODE 1u
#define BSS2_CM_IR_PLL_TARGET_REG 3u
#define BSS2_CM_IR_SHIFT_PLL 4u
#define BSS2_CM_IR_OMNIBUS_ADDRESS 5u
#define BSS2_CM_IR_OMNIBUS_DATA 6u
#define BSS2_CM_IR_OMNIBUS_REQUEST 7u
#define BSS2_CM_PLL_BASE 0x00080000u /* chip Omnibus address of JTAG PLL register 0 */
#define BSS2_CM_PHYS 8u

/* From-FPGA headers (reference §6.1). */
#define BSS2_CM_FROM_JTAG_DATA 0u
#define BSS2_CM_FROM_OMNIBUS_DATA 1u
#define BSS2_CM_FROM_LOOPBACK 2u
#define BSS2_CM_FROM_TIMEOUT 4u
#define BSS2_CM_FROM_SYSTIME 5u
#define BSS2_CM_FROM_SYSDELTA 6u
#define BSS2_CM_FROM_MADC_PACK1 7u
#define BSS2_CM_FROM_SPIKE_PACK1 10u

/* ---- time: 64-bit cycle counts compared modulo 2^64 ------------------------------------------
 * Within one execute call time advances by less than 2^56 cycles (≤ 4 Mi words, each ≤ 2^33
 * cycles), and every stored time is brought up to `now` at the start of a call, so the signed
 * difference never overflows and comparisons stay right even when the counter wraps. */
static inline int bss2_cm_t_le(uint64_t a, uint64_t b) { return (int64_t)(a - b) <= 0; }
static inline int bss2_cm_t_lt(uint64_t a, uint64_t b) { return (int64_t)(a - b) < 0; }
static inline uint64_t bss2_cm_t_max(uint64_t a, uint64_t b) { return bss2_cm_t_le(a, b) ? b : a; }

/* ---- register map: open addressing, linear probing, uint32 -> uint32 ------------------------- */

typedef struct bss2_cm_slot {
    uint32_t key;
    uint32_t value;
    uint32_t gen; /* the slot is live iff gen == map.gen: clearing the map is O(1) */
} bss2_cm_slot;

typedef struct bss2_cm_regmap {
    bss2_cm_slot *slots;
    uint32_t cap;   /* power of two */
    uint32_t shift; /* of the block hash: 32 - (log2(cap) - 3), at most 32 */
    uint32_t count; /* live entries; kept <= 3/4 cap */
    uint32_t gen;   /* >= 1 */
} bss2_cm_regmap;

int bss2_cm_regmap_init(bss2_cm_regmap *m, uint32_t cap);
void bss2_cm_regmap_free(bss2_cm_regmap *m);
/* Make room for `extra` more entries without further allocation; -1 (map unchanged) if memory
 * runs out. */
int bss2_cm_regmap_reserve(bss2_cm_regmap *m, uint64_t extra);
/* The live slot of `key`, or NULL. */
bss2_cm_slot *bss2_cm_regmap_find(const bss2_cm_regmap *m, uint32_t key);
/* Value of `key`, or `dflt` if absent. */
uint32_t bss2_cm_regmap_get(const bss2_cm_regmap *m, uint32_t key, uint32_t dflt);
/* The slot of `key`, inserted with value 0 if absent; NULL only if the map is full and cannot
 * grow (never after a successful reserve covering the insertions). */
bss2_cm_slot *bss2_cm_regmap_upsert(bss2_cm_regmap *m, uint32_t key);
/* Remove every entry (O(1) amortised). */
void bss2_cm_regmap_clear(bss2_cm_regmap *m);

/* ---- JTAG TAP -------------------------------------------------------------------------------- */

typedef struct bss2_cm_jtag {
    uint32_t scaler;            /* FPGA side: clock divider, survives chip resets */
    uint32_t ir;                /* 7-bit instruction register */
    uint64_t omnibus_address;   /* 33 bit: bit 32 = read */
    uint32_t omnibus_data;
    uint32_t pll_target;        /* 4 bit (the PLL registers live in the chip register file) */
    uint32_t phy[BSS2_CM_PHYS]; /* 22 bit each */
    uint64_t busy_until;        /* the JTAG engine is idle from then on */
} bss2_cm_jtag;

/* ---- responses waiting for their time -------------------------------------------------------- */

typedef struct bss2_cm_pending {
    uint64_t time;
    uint64_t payload;
    uint8_t header;
    uint8_t payload_high;
} bss2_cm_pending;

/* ---- event fabric (fabric.c) ---------------------------------------------------------------- */

/* FPGA cycles from an event's crossbar input to its arrival at the FPGA; the chip stamps it
 * then too (see chip_model.c). */
#define BSS2_CM_L2_LATENCY 24u
/* Events on their way to the FPGA at most: ≤ 3 labels per cycle from the executor plus 16 from
 * the background sources (2 per cycle each), for L2_LATENCY + 1 cycles, fit. */
#define BSS2_CM_L2_RING 1024u
/* Event messages (SpikePack1..3) one call sends at most; later events are dropped at the FPGA
 * (bss2_cm_fabric.overflow): bounds the response stream (≤ 18 bytes a message with its time
 * annotation, so ≤ 72 MiB) whatever the background sources and waits of a program. */
#define BSS2_CM_MAX_EVENT_MESSAGES (UINT64_C(1) << 22)
#define BSS2_CM_CROSSBAR_INPUTS 20u
#define BSS2_CM_CROSSBAR_OUTPUTS 12u
#define BSS2_CM_CROSSBAR_NODES 76u
#define BSS2_CM_BG_SOURCES 8u

typedef struct bss2_cm_l2_event {
    uint64_t time;  /* FPGA cycle it reaches the FPGA */
    uint16_t label; /* 16-bit SpikeLabel (bits 14-15: the L2 channel) */
    uint8_t half;   /* it left in the second half of the cycle (250 MHz timestamp bit 0) */
} bss2_cm_l2_event;

typedef struct bss2_cm_bg_source {
    uint64_t next;  /* FPGA cycle of the next event */
    uint64_t draws; /* random numbers drawn since the enable edge */
    uint32_t seed;  /* the seed register, latched at the enable edge */
    uint8_t half;   /* the next event lies in the second half of its cycle */
    uint8_t rbits;  /* random label bits of the next event (random mode) */
} bss2_cm_bg_source;

typedef struct bss2_cm_fabric {
    uint32_t drop[BSS2_CM_CROSSBAR_INPUTS];    /* 16-bit drop counters (wrap) */
    uint32_t count[BSS2_CM_CROSSBAR_OUTPUTS];  /* 24-bit event counters (wrap) */
    uint64_t padi[8];                          /* events that reached each PADI bus */
    uint64_t to_host;      /* SpikePack1 messages sent to the host */
    uint64_t not_recorded; /* events that reached the FPGA with recording disabled */
    uint64_t lost;         /* events dropped because the ring was full (never, see RING) */
    uint64_t overflow;     /* events dropped at the FPGA: MAX_EVENT_MESSAGES reached */
    uint64_t call_messages; /* event messages of the running call */
    /* copies of the crossbar's registers, kept current by bss2_cm_fabric_written (every chip
     * register write that changes a value comes through it) and cleared by the chip reset, so
     * that routing an event reads no hash map */
    uint32_t node_word[BSS2_CM_CROSSBAR_NODES];
    uint32_t output_config;
    uint8_t in_nodes[BSS2_CM_CROSSBAR_INPUTS][BSS2_CM_CROSSBAR_OUTPUTS]; /* node indices */
    uint8_t in_count[BSS2_CM_CROSSBAR_INPUTS];
    bss2_cm_l2_event ring[BSS2_CM_L2_RING]; /* sorted by time */
    size_t head, len;
    bss2_cm_bg_source bg[BSS2_CM_BG_SOURCES];
    uint32_t bg_active; /* bit i: source i is running */
} bss2_cm_fabric;

/* ---- synapse array and neuron backends (synapse.c, synram.c) ------------------------------- */

#define BSS2_CM_SYNRAMS 2u
#define BSS2_CM_SYNRAM_ROWS 258u /* 256 synapse rows, then the two rows of column switches */
#define BSS2_CM_QUAD_COLUMNS 64u
#define BSS2_CM_NEURONS 512u
#define BSS2_CM_PADI_BUSES 8u
#define BSS2_CM_EVENT_OUTPUTS 8u
/* FPGA cycles from an event's crossbar input to its delivery to the synapse drivers (PADI bus),
 * and from a spike the backend registers to its event entering the crossbar (see chip_model.c). */
#define BSS2_CM_PADI_LATENCY 1u
#define BSS2_CM_BACKEND_LATENCY 2u
/* Events a PADI bus holds while it is busy; more are dropped (see chip_model.c). */
#define BSS2_CM_PADI_FIFO 16u
/* Spikes an event output holds: one event register per neuron, 64 neurons per output. */
#define BSS2_CM_OUTPUT_QUEUE 64u
/* A call that ends with events inside the chip waits for them this many rounds at most (each
 * round: until the last event in flight has reached the FPGA). */
#define BSS2_CM_DRAIN_ROUNDS 16u

typedef struct bss2_cm_padi_event {
    uint64_t time;  /* FPGA cycle the drivers receive it */
    uint16_t label; /* 11-bit PADI label */
    uint8_t half;
} bss2_cm_padi_event;

typedef struct bss2_cm_padi_bus {
    bss2_cm_padi_event q[BSS2_CM_PADI_FIFO]; /* sorted by time */
    uint32_t head, len;
    uint64_t free; /* the bus carries its next event at this cycle at the earliest */
} bss2_cm_padi_bus;

typedef struct bss2_cm_out_event {
    uint64_t time; /* FPGA cycle it enters the crossbar */
    uint16_t neuron;
    uint16_t label; /* 14-bit neuron label */
    uint8_t half;
} bss2_cm_out_event;

typedef struct bss2_cm_event_output {
    bss2_cm_out_event q[BSS2_CM_OUTPUT_QUEUE]; /* sorted by time */
    uint32_t head, len;
    uint64_t free;
} bss2_cm_event_output;

typedef struct bss2_cm_driver { /* a synapse driver's configuration, decoded */
    uint8_t receiver, mask, address_out, mode_top, mode_bottom;
    uint8_t stp, utilization, recovery, target, recover; /* STP: enable_stp, ..., enable_recovery */
} bss2_cm_driver;

typedef struct bss2_cm_neuron {
    uint64_t refractory_until; /* no fire is registered before this cycle */
    uint8_t holdoff;           /* reset_holdoff */
    uint8_t count, overflow;   /* the spike counter */
    uint8_t pending;           /* its event waits at the event output */
    /* configuration, decoded */
    uint8_t bypass;    /* bit 0 excitatory, bit 1 inhibitory (with enable_fire) */
    uint8_t spike_out; /* enable_spike_out */
    uint8_t adapt_pulse; /* enable_adaptation_pulse */
    uint8_t address_out, refractory_time, input_clock, block;
} bss2_cm_neuron;

typedef struct bss2_cm_backend { /* CommonNeuronBackendConfig, decoded */
    uint8_t event_registers, force_reset, clocks, scale[2]; /* scale: slow, fast */
    uint8_t adapt_scale; /* clock_scale_adaptation_pulse */
} bss2_cm_backend;

typedef struct bss2_cm_array {
    /* the synapse memory: [synram][row][0: weights and time calibs, 1: labels and amp calibs]
     * [quad column], as the full SynapseQuad view holds it; every other view aliases it */
    uint32_t syn[BSS2_CM_SYNRAMS][BSS2_CM_SYNRAM_ROWS][2][BSS2_CM_QUAD_COLUMNS];
    uint8_t column_switch[BSS2_CM_SYNRAMS][256]; /* bit 0 excitatory, bit 1 inhibitory */
    uint16_t bypassing[BSS2_CM_SYNRAMS];            /* neurons with a bypass bit, per synram */
    /* per synapse row, the columns of its synapses with a weight, grouped by label: label l's
     * are by_label[s][r][first[s][r][l] .. first[s][r][l + 1]); rebuilt when `stale` */
    uint8_t by_label[BSS2_CM_SYNRAMS][256][256];
    /* the weight of each by_label entry, times its synapse's gain (bss2_cm_analog_synapse_gain) */
    float weight_by_label[BSS2_CM_SYNRAMS][256][256];
    uint16_t first[BSS2_CM_SYNRAMS][256][65];
    uint8_t stale[BSS2_CM_SYNRAMS][256];
    bss2_cm_driver driver[BSS2_CM_SYNRAMS][128];
    /* per PADI bus and row select: the drivers k (bit k, driver k * 4 + bus) whose receiver takes
     * it; rebuilt when `match_stale` after a driver's configuration changed */
    uint32_t match[BSS2_CM_PADI_BUSES][32];
    uint8_t match_stale;
    bss2_cm_neuron neuron[BSS2_CM_NEURONS];
    bss2_cm_backend backend[2];
    uint32_t spl1;     /* bit b: PADI bus b takes events from the crossbar */
    uint32_t extended; /* bit b: PADI bus b has enable_extended_timing */
    bss2_cm_padi_bus bus[BSS2_CM_PADI_BUSES];
    bss2_cm_event_output out[BSS2_CM_EVENT_OUTPUTS];
    uint32_t busy; /* bit b: bus b has events; bit 8 + k: event output k has */
} bss2_cm_array;

/* ---- analog neurons (neuron.c) --------------------------------------------------------------- */

#define BSS2_CM_CODES 1024u /* CapMem codes */
/* Per-neuron mismatch draws (z-scores; neuron.c names them). */
#define BSS2_CM_MM_PER_NEURON 15u

enum { BSS2_CM_FREE, BSS2_CM_FIRING, BSS2_CM_RESET, BSS2_CM_HOLDOFF, BSS2_CM_BLOCKED };

typedef struct bss2_cm_an_neuron {
    /* state, in closed form since cycle t0: V(s) = e_eff + a e^(-s rate) + ke e^(-s rate_exc)
     * + ki e^(-s rate_inh), I_exc(s) = ie0 e^(-s rate_exc), I_inh likewise (s in µs). The
     * fields an excitatory synaptic event touches come first (three cache lines). */
    uint64_t t0;
    double rate, rate_exc; /* rate: 1/τ of the present phase; 1/τ_syn */
    double e_eff, a, ke, ki;
    uint8_t phase;    /* BSS2_CM_FREE ... */
    uint8_t can_fire; /* enable_threshold_comparator and enable_fire */
    uint8_t pause;    /* enable_pause: no synaptic input (nor exponential term) while resetting */
    uint8_t stepped;  /* AdEx terms on (exponential, adaptation or COBA): integrated in steps */
    double ie0, ii0, v0;
    double v_th;         /* threshold: v_th0 + th_noise */
    double k_exc, k_inh; /* peak current per weight LSB (0: the input is off) */
    double inv_sat_exc, inv_sat_inh;
    double sat_exc, sat_inh; /* saturation current of the input OTA */
    /* per phase (0 leak, 1 reset): 1/(g - C/τx), 1/τ, the target with the constant current */
    double ph_k_exc[2], ph_k_inh[2];
    /* 1 - (1/τ_m) τx in the leak phase, at least 0: a peak's bound (bss2_cm_analog_inputs) */
    double peak_exc, peak_inh;
    double rate_inh;
    double ph_rate[2], ph_e_eff[2];
    uint64_t phase_end; /* RESET: its end; HOLDOFF: the end of refractoriness */
    double v_th0, th_noise; /* the threshold (with its fixed pattern); the comparator's noise */
    /* parameters, from CapMem, NeuronConfig and the mismatch (units: analog.h) */
    double c;                /* membrane capacitance */
    double g_leak, g_reset;  /* OTA conductance while leaking / resetting */
    double e_leak, e_reset;  /* its target voltage */
    double i_off;            /* constant current (signed) */
    double tau_exc, tau_inh; /* synaptic time constants */
    /* AdEx (a stepped neuron): between two steps the closed form above holds with the exponential
     * term, the adaptation current and the COBA factors frozen at their values at t0 (e_eff
     * carries the currents, ke and ki the factors); the next step is due `step` cycles after t0 */
    uint64_t step;
    double w;                /* adaptation current onto the membrane's negative side, µA */
    double i_exp;            /* the exponential term's current at t0 (0 while off or gated) */
    uint8_t exp_on, adapt_on, coba_exc, coba_inh;
    double exp_i0, v_exp, delta_t; /* I_exp = exp_i0 e^((V - v_exp) / delta_t) */
    double tau_w, a_w, b_w;        /* adaptation: τ_w, a (µS), b per pulse (µA), all signed */
    double e_adapt, v_ref_w;       /* a's reference voltage; V_w at w = 0 */
    double w_lo, w_hi;             /* w within V_w's rails */
    double sigma_exc, sigma_inh;   /* COBA slope 1/(E_rev - E_ref) */
    double e_rev_exc, e_rev_inh;   /* reversal potentials */
} __attribute__((aligned(512))) bss2_cm_an_neuron; /* (a power of two: an index is a shift) */
_Static_assert(offsetof(bss2_cm_an_neuron, stepped) == offsetof(bss2_cm_an_neuron, phase) + 3u &&
                   BSS2_CM_FREE == 0,
               "phase to stepped: one word (bss2_cm_analog_inputs)");

typedef struct bss2_cm_analog {
    int mismatch; /* the fixed pattern is applied (else every draw is 0) */
    int noise;    /* temporal noise is added */
    uint64_t noise_draws; /* draws of the temporal noise so far (its counter) */
    uint64_t madc_draws;  /* the MADC samples' own (their noise depends on no other draw) */
    /* transfer tables by CapMem code: τ_m at C = 63 (plain, divided), τ_syn (exc, inh) */
    double tau_leak[BSS2_CM_CODES], tau_leak_div[BSS2_CM_CODES];
    double tau_exc[BSS2_CM_CODES], tau_inh[BSS2_CM_CODES];
    float mm[BSS2_CM_NEURONS][BSS2_CM_MM_PER_NEURON];     /* per-neuron draws */
    float gain[BSS2_CM_NEURONS][BSS2_CM_MM_PER_NEURON];   /* e^(σ draw), log-normal kinds */
    float syn_gain[BSS2_CM_SYNRAMS][256][256];              /* per-synapse DAC gain */
    uint8_t syn_drawn[BSS2_CM_SYNRAMS][256];                /* a row's syn_gain is drawn */
    bss2_cm_an_neuron n[BSS2_CM_NEURONS];
    bss2_cm_an_neuron rest[BSS2_CM_NEURONS]; /* as the chip reset leaves them */
    uint16_t neuron_of[4][128]; /* the neuron of CapMem (block, column) */
    /* STP per synapse driver: the state voltage, the cycle of its last event, whether used */
    double stp_v[2][128];
    uint64_t stp_t[2][128];
    uint8_t stp_used[2][128];
    double madc_mm[2];          /* the MADC's offset and gain draws */
    /* correlation sensors (stp_correlation.c): per synapse the causal [0] and acausal [1] charge
     * (V, before saturation) and its last pre event; per column its last post pulse (UINT64_MAX:
     * none); per synapse the fixed pattern of η and τ (gains), drawn at a row's first use;
     * corr_on[s] bit k: quadrant k of synram s accumulates (its store and ramp biases on) */
    float corr[2][256][256][2];
    uint64_t t_pre[2][256][256];
    uint64_t t_post[2][256];
    float corr_eta[2][256][256], corr_tau[2][256][256];
    uint8_t corr_drawn[2][256];
    uint8_t corr_on[2];
    float cadc_mm[2][2][256][2]; /* per CADC channel (synram, type, column): offset, gain draws */
    /* neurons waiting for a time (check, fire, phase end): a binary min-heap on key */
    uint64_t key[BSS2_CM_NEURONS];
    uint16_t heap[BSS2_CM_NEURONS], pos[BSS2_CM_NEURONS]; /* pos: 0xFFFF = not in the heap */
    uint32_t heap_len;
    /* per neuron the last batch of inputs it was in (bss2_cm_analog_inputs: a repeat takes the
     * general path), and the batches so far */
    uint32_t batch_of[BSS2_CM_NEURONS], batches;
} bss2_cm_analog;

/* ---- MADC (madc.c) -------------------------------------------------------------------------- */

#define BSS2_CM_MADC_LINE_DRIVERS 16u /* neurons on one readout line the model averages at most */

typedef struct bss2_cm_madc {
    uint8_t awake, sampling, continuous, power_down;
    uint64_t next;   /* MADC clock tick (4 per FPGA cycle) of the next sample */
    uint64_t period; /* ticks between samples */
    uint32_t left;   /* samples still to take (unless continuous) */
    uint64_t taken;  /* samples since the start */
    uint32_t config[10]; /* MADCConfig's words at the start */
    /* the neurons driving each readout line (2 × hemisphere + parity), and their sources */
    uint16_t driver[4][BSS2_CM_MADC_LINE_DRIVERS];
    uint8_t source[4][BSS2_CM_MADC_LINE_DRIVERS];
    uint8_t count[4];
    uint8_t on[2][4]; /* the readout selection's switches of mux input i to line l */
    uint8_t stale;    /* a NeuronConfig or the readout selection changed since */
    /* set while the neurons' own events run (bss2_cm_analog_run): a sample due now sees them;
     * a sample due now goes before any other change now */
    uint8_t neurons_first;
    uint8_t watched[BSS2_CM_NEURONS]; /* the neurons driving a readout line while sampling */
} bss2_cm_madc;

/* ---- CADC (cadc.c) --------------------------------------------------------------------------- */

typedef struct bss2_cm_cadc {
    uint8_t buffer[2][2][256]; /* the last conversion: [synram][causal, acausal][column] */
} bss2_cm_cadc;

/* ---- board I2C (i2c.c) ----------------------------------------------------------------------- */

/* The FPGA's I2C master: accesses to MASTER + 0x000..0x1FF (bits 0-6 the device address, 7 stop,
 * 8 repeated start) are I2C transfers; PRESCALER is its clock divider. */
#define BSS2_CM_I2C_MASTER 0x88007800u
#define BSS2_CM_I2C_PRESCALER 0x88007A00u
#define BSS2_CM_I2C_DEFAULT_PRESCALER 313u /* 100 kHz SCL from 125 MHz (see chip_model.c) */
#define BSS2_CM_I2C_SLOTS 16u               /* devices on the bus at most */

static inline int bss2_cm_i2c_is(uint32_t address) {
    return address - BSS2_CM_I2C_MASTER < 0x200u || address == BSS2_CM_I2C_PRESCALER;
}

typedef struct bss2_cm_i2c_device {
    uint16_t reg[64]; /* by register byte (device-specific decoding, i2c.c) */
    uint8_t pointer;  /* the register byte of the last write transfer */
    uint8_t staged;   /* the first byte of a two-byte register being written */
} bss2_cm_i2c_device;

typedef struct bss2_cm_i2c {
    uint32_t prescaler;
    int16_t active;  /* device address of the transfer in progress; -1: stopped */
    uint8_t reading; /* its direction */
    uint32_t bytes;  /* data bytes since its (repeated) start */
    uint8_t slot[128]; /* device address -> dev[] index; 0xFF: nobody answers */
    bss2_cm_i2c_device dev[BSS2_CM_I2C_SLOTS];
} bss2_cm_i2c;

/* ---- the instance ---------------------------------------------------------------------------- */

struct bss2_chip {
    uint64_t seed;

    /* time */
    uint64_t now;          /* FPGA cycles since creation (mod 2^64); the next issue time */
    uint64_t timer_origin; /* timer = (now - timer_origin) mod 2^32 */
    uint64_t chip_origin;  /* chip systime = (now - chip_origin) mod 2^43 while out of reset */
    uint64_t sync_busy_until;
    int chip_reset; /* the chip reset line is asserted */

    /* Omnibus */
    uint64_t bus_free;       /* the bus accepts the next request from then on */
    uint64_t last_read_done; /* time of the last read's response */
    uint32_t reads_in_flight;
    int write_address_pending;
    uint32_t write_address;
    uint32_t write_byte_enables;
    const bss2_address_range *ranges; /* the address map's table (address_map.h) */
    uint32_t nranges;
    uint32_t range_hint;      /* index of the range the last lookup hit */
    bss2_cm_regmap chip_regs; /* addresses with bit 31 clear */
    bss2_cm_regmap fpga_regs; /* addresses with bit 31 set */
    uint8_t recording;        /* EventRecordingConfig.enable_event_recording (a copy) */

    bss2_cm_jtag jtag;
    bss2_cm_fabric fabric;
    bss2_cm_array array;
    bss2_cm_i2c i2c; /* the board: survives chip resets */
    bss2_cm_madc madc;
    bss2_cm_cadc cadc;
    bss2_cm_analog *analog; /* the analog core (heap: large) */

    /* responses: pending ring (sorted by time), then the encoded from-FPGA stream */
    bss2_cm_pending *pend;
    size_t pend_cap; /* power of two */
    size_t pend_head;
    size_t pend_len;
    uint64_t *out;
    size_t out_cap;      /* words */
    size_t out_bytes;    /* bytes written into out */
    size_t out_words;    /* words of the last successful call */
    uint64_t dec_time;   /* time the host decoder has reached (43 bit) */
    uint64_t lost_messages; /* messages dropped because out could not grow (never, see reserve) */

    size_t index; /* index of the executing word in the call */
    bss2_chip_diagnostics diag;
    char error[256];
};


/* executor.c */
/* Let time pass up to t (no-op if t is not after now), emitting the responses that fall due. */
void bss2_cm_advance_to(bss2_chip *c, uint64_t t);
/* Schedule a response produced at time t (at once if t is not after now); the _wide form
 * carries payload bits 64-71 of the 80-bit messages (headers 9, 12). */
void bss2_cm_respond(bss2_chip *c, uint64_t t, unsigned header, uint64_t payload);
/* A response at t when no other response at or before t is still to come (the MADC's samples,
 * converted late: madc.c): the responses pending until t go out, then this one (no wait in the
 * pending ring). */
void bss2_cm_respond_ordered(bss2_chip *c, uint64_t t, unsigned header, uint64_t payload);
void bss2_cm_respond_wide(bss2_chip *c, uint64_t t, unsigned header, uint64_t payload,
                          unsigned payload_high);
/* bss2_cm_respond_ordered for k responses of one kind, at times t[0..k) in order. */
void bss2_cm_respond_ordered_many(bss2_chip *c, const uint64_t *t, unsigned header,
                                const uint64_t *payload, unsigned k);
/* End the stream: comma-flush the last word and publish its length (out_words). */
void bss2_cm_flush_stream(bss2_chip *c);
/* Run n validated words (room reserved), then wait for in-flight work and flush the stream. */
void bss2_cm_execute_words(bss2_chip *c, const uint64_t *words, size_t n);
/* The executor timer now. */
uint32_t bss2_cm_timer(const bss2_chip *c);
/* Make room for `words` response words; -1 (buffer and content unchanged) if memory runs out. */
int bss2_cm_reserve_out(bss2_chip *c, size_t words);
/* Cycles until a free-running 32-bit counter now at `timer` first satisfies
 * ((counter & mask) == target) == expect_equal, in *dt; returns 0 if it never does. */
int bss2_cm_timer_poll_delay(uint32_t timer, uint32_t mask, uint32_t target, int expect_equal,
                             uint64_t *dt);

/* regfile.c: Omnibus accesses at the current time (`via_jtag`: the chip's bus reached over
 * JTAG, which cannot reach FPGA addresses). */
uint32_t bss2_cm_bus_read(bss2_chip *c, uint32_t address, int via_jtag);
void bss2_cm_bus_write(bss2_chip *c, uint32_t address, uint32_t data, uint32_t byte_enables,
                       int via_jtag);
/* Kind of the register at `address`, as bss2_address_kind says, in O(1) for runs of nearby
 * addresses (cache of the last range hit). */
uint32_t bss2_cm_address_kind(bss2_chip *c, uint32_t address);
/* What a read would return, without diagnostics. */
uint32_t bss2_cm_peek(const bss2_chip *c, uint32_t address);
/* An executor parameter register (stored value, the default if never written). */
uint32_t bss2_cm_fpga_reg(const bss2_chip *c, uint32_t address);
/* Assert (1) or release (0) the chip reset line. */
void bss2_cm_chip_reset(bss2_chip *c, int assert_line);

/* fabric.c */
void bss2_cm_fabric_init(bss2_cm_fabric *f);
/* The chip reset: counters 0, background sources stopped (events on the link stay). */
void bss2_cm_fabric_chip_reset(bss2_chip *c);
/* A SpikePack1..3 (header 13..15, payload p) issued now. */
void bss2_cm_fabric_spike_pack(bss2_chip *c, unsigned header, uint64_t p);
/* The earliest time after now something happens in the fabric, in *t; 0 if nothing will (the
 * MADC's samples are no events: madc.c). */
int bss2_cm_fabric_next(const bss2_chip *c, uint64_t *t);
/* Let everything happen that is due at or before now (called by advance() only). */
void bss2_cm_fabric_run(bss2_chip *c);
/* The time the last event on its way to the FPGA arrives; 0 if none is. */
int bss2_cm_fabric_last(const bss2_chip *c, uint64_t *t);
/* A chip register's value changed from `old` by an Omnibus write (enable edges). */
void bss2_cm_fabric_written(bss2_chip *c, uint32_t address, uint32_t old);
/* The value of a counter register at `address` in *v; 0 if it is none. */
int bss2_cm_fabric_counter(const bss2_chip *c, uint32_t address, uint32_t *v);

/* fabric.c, for synapse.c: an event with 14-bit neuron label `nl` enters crossbar input `input`
 * now. */
void bss2_cm_fabric_route(bss2_chip *c, unsigned input, uint32_t nl, unsigned half);

/* synram.c */
/* Whether `address` lies in a view of the synapse memory; reads and writes of such addresses go
 * to the memory: _read stores the value in *value, both return 0 (and do nothing) for other
 * addresses. */
int bss2_cm_synram_is(uint32_t address);
int bss2_cm_synram_read(const bss2_chip *c, uint32_t address, uint32_t *value);
int bss2_cm_synram_write(bss2_chip *c, uint32_t address, uint32_t data, uint32_t byte_mask);
/* Group row r of synram s's weighted synapses by label (a counting sort over its 256 columns:
 * bss2_cm_array.first, by_label, weight_by_label); the row is no longer stale. */
void bss2_cm_synram_index_row(bss2_chip *c, unsigned s, unsigned r);

/* synapse.c */
void bss2_cm_array_init(bss2_cm_array *a);
/* The chip reset: synapse memory, configuration copies, counters and queues cleared. */
void bss2_cm_array_chip_reset(bss2_cm_array *a);
/* A chip register's value changed (configuration copies), or a write-only register was written
 * (triggers: PADIEvent, NeuronReset, NeuronResetQuad, SpikeCounterReset). */
void bss2_cm_array_written(bss2_chip *c, uint32_t address);
void bss2_cm_array_trigger(bss2_chip *c, uint32_t address, uint32_t data);
/* An event reaches PADI bus `bus` from the crossbar now (count_drop: the node counts drops at
 * `input`). */
void bss2_cm_padi_arrive(bss2_chip *c, unsigned bus, uint32_t nl, unsigned half, unsigned input,
                         int count_drop);
/* The earliest time after now something happens in the array, in *t; 0 if nothing will. */
int bss2_cm_array_next(const bss2_chip *c, uint64_t *t);
/* Let everything happen that is due at or before now. */
void bss2_cm_array_run(bss2_chip *c);
/* The latest time an event now inside the array can reach the FPGA; 0 if none is inside. */
int bss2_cm_array_last(const bss2_chip *c, uint64_t *t);
/* The value of a spike counter register at `address` in *v; 0 if it is none. */
int bss2_cm_array_counter(const bss2_chip *c, uint32_t address, uint32_t *v);

/* madc.c: a chip register changed */
void bss2_cm_madc_written(bss2_chip *c, uint32_t address);

/* neuron.c */
/* A new analog core for `c` (its seed keys the mismatch); -1 if memory runs out. */
int bss2_cm_analog_new(bss2_chip *c);
void bss2_cm_analog_free(bss2_chip *c);
/* Turn the fixed-pattern mismatch on or off (redraws nothing: the pattern belongs to the seed). */
void bss2_cm_analog_set_mismatch(bss2_chip *c, int on);
/* Turn the temporal noise on or off. */
void bss2_cm_analog_set_noise(bss2_chip *c, int on);
/* The chip reset: every neuron at rest with the (cleared) registers' parameters. */
void bss2_cm_analog_chip_reset(bss2_chip *c);
/* A chip register changed: CapMem cells, NeuronConfig, the backend configurations. */
void bss2_cm_analog_written(bss2_chip *c, uint32_t address);
/* A synaptic event reaches neuron n now: `weight` (6-bit weight × the synapse's gain) on its
 * excitatory (inh 0) or inhibitory (inh 1) input. */
void bss2_cm_analog_input(bss2_chip *c, unsigned n, int inh, double weight);
/* The same for the targets of one bus event, at most 256, in order (a target may repeat). */
void bss2_cm_analog_inputs(bss2_chip *c, int inh, const uint16_t *targets, const double *weights,
                           unsigned count);
/* The membrane resets (a registered spike, NeuronReset); `pulse` >= 0: with an adaptation pulse of
 * that clock scale (a spike with enable_adaptation_pulse), -1: none. */
void bss2_cm_analog_reset(bss2_chip *c, unsigned n, int pulse);
/* The per-synapse gain of synapse (row r, column j) of synram s. */
double bss2_cm_analog_synapse_gain(bss2_chip *c, unsigned s, unsigned r, unsigned j);
int bss2_cm_analog_next(const bss2_chip *c, uint64_t *t);
void bss2_cm_analog_run(bss2_chip *c);
/* Membrane voltage of neuron n now (V, soft-clipped to the rails as a readout sees it). */
double bss2_cm_analog_membrane(const bss2_chip *c, unsigned n);

/* Synapse driver d of synram s passes an event now with STP: its state's update, and the
 * factor its pulse width gives the synaptic currents (1 without STP). */
double bss2_cm_analog_stp(bss2_chip *c, unsigned s, unsigned d);

/* The readout signal of neuron n at cycle t, the neuron unchanged between t and now (source:
 * NeuronConfig.readout_source), in volts. */
double bss2_cm_analog_readout(const bss2_chip *c, unsigned n, unsigned source, uint64_t t);
/* acc[i] += that at t[i], i < k (likewise). */
void bss2_cm_analog_readouts(const bss2_chip *c, unsigned n, unsigned source, const uint64_t *t,
                             unsigned k, double *acc);
/* The MADC's 10-bit codes of k inputs of v volts (with its mismatch and noise: one draw each, in
 * order), rounded and clamped. */
void bss2_cm_analog_madc_codes(bss2_chip *c, const double *v, unsigned k, uint32_t *code);

/* The CADC's inputs (neuron.c): the correlation storage of synapse (row r, column j) of synram s,
 * channel type t, and neuron n's readout, in volts; the code of v at channel (s, t, j) before
 * the digital offset (with the ramp of its quadrant, mismatch and read noise). */
/* Correlation sensors (stp_correlation.c): the quadrants' biases changed, a chip reset, a pre
 * event at row r with 6-bit address `label`, neuron n's post pulse, a CorrelationReset. */
void bss2_cm_correlation_biases(bss2_chip *c);
void bss2_cm_correlation_chip_reset(bss2_chip *c);
void bss2_cm_correlation_pre(bss2_chip *c, unsigned s, unsigned r, unsigned label);
void bss2_cm_correlation_post(bss2_chip *c, unsigned n);
void bss2_cm_correlation_reset(bss2_chip *c, unsigned s, unsigned r, unsigned q);
double bss2_cm_analog_correlation(const bss2_chip *c, unsigned s, unsigned t, unsigned r,
                                  unsigned j);
double bss2_cm_analog_cadc_neuron(const bss2_chip *c, unsigned n);
double bss2_cm_analog_cadc_code(bss2_chip *c, unsigned s, unsigned t, unsigned j, double v);

/* cadc.c: reads of CADCSampleQuad (a trigger read converts the row); _peek converts nothing.
 * Both return 0 for other addresses. */
int bss2_cm_cadc_is(uint32_t address);
int bss2_cm_cadc_read(bss2_chip *c, uint32_t address, uint32_t *v);
int bss2_cm_cadc_peek(const bss2_chip *c, uint32_t address, uint32_t *v);

/* madc.c */
/* A write of MADCControl (a trigger register) now. */
void bss2_cm_madc_control(bss2_chip *c, uint32_t word);
/* The samples due before cycle t (and at t if `at_t`): converted now and sent (see madc.c). */
void bss2_cm_madc_convert(bss2_chip *c, uint64_t t, int at_t);
/* A NeuronConfig or the readout selection changed: the readout lines' drivers are found again. */
void bss2_cm_madc_stale(bss2_chip *c);

/* The hooks: before something changes at cycle t that a sample due then or earlier must not see
 * (a watched neuron, a register, the stream of responses), those samples are converted. */
static inline void bss2_cm_madc_before(bss2_chip *c, uint64_t t, int at_t) {
    const bss2_cm_madc *m = &c->madc;
    if (m->sampling && bss2_cm_t_le(m->next / 4u, at_t ? t : t - 1u)) {
        bss2_cm_madc_convert(c, t, at_t);
    }
}

/* ... before neuron n changes now. */
static inline void bss2_cm_madc_watch(bss2_chip *c, unsigned n) {
    if (c->madc.watched[n]) {
        bss2_cm_madc_before(c, c->now, !c->madc.neurons_first);
    }
}

/* fabric.c, for madc.c: k MADC samples (bits 0-9 value, 10 channel) reach the FPGA at cycles
 * t[0..k) (in order; `half`: in the second half of the cycle), when no other response at or
 * before them is still to come (bss2_cm_respond_ordered). */
void bss2_cm_fabric_samples(bss2_chip *c, const uint32_t *field, const uint64_t *t,
                            const uint8_t *half, unsigned k);

/* For the C tests: when e + a e^(-s ra) + k e^(-s rk), below th at s = 0, first reaches th (a
 * lower bound in µs, within half a cycle), or -1 if never. */
double bss2_cm_analog_first_reach(double e, double a, double ra, double k, double rk, double th);

/* synapse.c, for neuron.c: the backend registers a fire of neuron n now (as a bypass event
 * does); 1 if it registered a spike (and so started the refractory period). */
int bss2_cm_neuron_fire(bss2_chip *c, unsigned n, unsigned half);

/* i2c.c: an Omnibus write or read of the I2C master's window (bss2_cm_i2c_is) now; both give
 * the cycles the transfer occupies the bus (a read's value: the byte, or bit 31 on no ack). */
void bss2_cm_i2c_power_on(bss2_cm_i2c *m);
uint64_t bss2_cm_i2c_write(bss2_chip *c, uint32_t address, uint32_t data);
uint32_t bss2_cm_i2c_read(bss2_chip *c, uint32_t address, uint64_t *cycles);

/* jtag.c */
void bss2_cm_jtag_power_on(bss2_cm_jtag *j);
void bss2_cm_jtag_chip_reset(bss2_cm_jtag *j);
/* Cycles the engine needs for a to-FPGA JTAG word (header 0..3). */
uint64_t bss2_cm_jtag_cycles(const bss2_cm_jtag *j, unsigned header, uint64_t payload);
/* Apply a to-FPGA JTAG word; for a Data shift returns the bits shifted out (else 0). */
uint64_t bss2_cm_jtag_apply(bss2_chip *c, unsigned header, uint64_t payload);

#endif /* BSS2_CHIP_INTERNAL_H */
