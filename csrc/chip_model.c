/* The chip model's public API (chip_model.h): instances, validation, execution entry point.
 *
 * Stage 2 models the FPGA's playback executor and the register files (executor.c, regfile.c,
 * jtag.c; private header chip_internal.h). Everything lives in the instance: no globals, no
 * static mutable state, so instances are independent and may run in different threads.
 *
 * Decisions (numbers in FPGA cycles of 125 MHz):
 *
 * Validation. bss2_chip_execute first checks n <= BSS2_CHIP_PLAYBACK_MEMORY_WORDS (before
 * touching `words`), then every word: the comma bit (63) clear, a known to-FPGA header 0..15, no
 * payload bit above the instruction's payload width (reference §6.1). On an error it returns the
 * status, sets last_error to a text naming the word index, the word in hex and what is wrong, and
 * changes nothing else: the responses (and diagnostics) of the previous call stay as they were.
 * The same pass counts an upper bound of the responses and register insertions of the call,
 * and all memory they may need is reserved before anything executes; if that fails the call
 * returns BSS2_CHIP_NO_MEMORY, again with the instance unchanged (a grown buffer or a rehashed
 * map holds the same content). A successful call clears last_error. NULL words with n == 0 is an
 * empty program.
 *
 * Time. The FPGA systime counts from 0 at bss2_chip_new and only advances; it is reported modulo
 * 2^43 (internally a 64-bit count compared modulo 2^64). Every instruction takes 1 cycle to
 * issue: the next one issues one cycle later, or when the instruction stops blocking, whichever
 * is later. Immediate responses (Loopback, TimeoutNotification) are produced at the time they
 * arise. The executor timer (32 bit, wraps) is (systime - t_setup) mod 2^32: timing::Setup at
 * issue time t_setup makes it 0 then, 1 for the next instruction; before any Setup it equals the
 * systime mod 2^32. timing::WaitUntil(v) compares timer < v as unsigned 32-bit numbers, as the
 * hardware's counter compare would: if so, the next instruction issues exactly when the timer
 * reads v (a plain addition, however far); otherwise (timer >= v, also after the timer wrapped
 * past v) it is a no-op. WaitUntil never times out. All time passes through one function,
 * advance() in executor.c (bss2_cm_advance_to), which emits the responses falling due; the event
 * fabric of later stages hooks in there.
 *
 * Omnibus. An address word with is_read = 0 latches address and byte enables; the next word,
 * if it is a data word, performs the write; a write address followed by anything else (or ending
 * the call) is dropped (diagnostics.dropped_addresses), and a data word without a latched
 * address too (diagnostics.orphan_data). A request waits for the bus, which a write occupies for
 * 2 cycles (chip address) or 1 (FPGA address, bit 31 set) and a read for 1. A read's response
 * comes 32 cycles (chip) or 4 (FPGA) after the bus accepted it, while later instructions go on;
 * responses come out in issue order (at least 1 cycle apart). Register effects happen in program
 * order when the bus accepts the request (a read samples its value then). Byte enable bit i
 * selects bits 8i..8i+7 of a write. Addresses bss2_address_kind calls NONE read 0 and drop
 * writes (unknown_reads/unknown_writes/first_unknown_address); registers of kind READ without
 * WRITE keep their stored value (0 until later stages compute them) and drop writes
 * (readonly_writes); registers of kind WRITE without READ (triggers such as PADIEvent) act on
 * every write, with the stored word after the write's byte enables, and reads return that word
 * (the reference defines no read of them). The timer readout 0x8800_000C reads the current
 * timer. The executor's parameters are ordinary FPGA registers it reads when it needs them:
 * InstructionTimeoutConfig 0x8800_0009 (default 1,250,000 = 10 ms, preset at creation),
 * PollingOmnibusBlockConfig address/target/mask at 0x8800_0006/7/8 (default 0).
 * Register storage: two open-addressing hash maps (chip, FPGA; regfile.c), 64 slots at first,
 * doubling at load 3/4, blocks of 8 consecutive addresses kept together for cache locality, O(1)
 * clear by generation count.
 *
 * Blocking and timeouts. timing::Barrier(mask): bit 0 waits until every Omnibus write finished
 * (bus free) and every read's response is out, bit 1 until the JTAG engine is idle, bit 2 until
 * a systime sync finished; other bits are no-ops. timing::PollingOmnibusBlock(1) waits until
 * (*address & mask) == target, (0) until !=. Nothing changes registers by itself yet, except the
 * timer, whose first matching time is computed arithmetically; otherwise a poll passes at once or
 * waits until the timeout. A Barrier or PollingOmnibusBlock that would block longer than the
 * instruction timeout T (read at its issue) ends at issue + T with a from-FPGA TimeoutNotification
 * (payload bits 0-31 the word's index in the call, 32-38 trace stall count 0, 39-44 Omnibus reads
 * in flight, at most 63) and execution goes on with the next word (diagnostics.timeouts). Waiting
 * for the bus or the JTAG engine is not subject to the timeout (bounded: 2 and 130,560 cycles).
 *
 * JTAG (jtag.c). One operation at a time: a JTAG word waits until the engine is idle, then the
 * engine is busy for bits × 2 × (scaler + 1) cycles — Init 5 bits (TAP reset), Ins 7 bits, Data
 * num_bits bits, Scaler 0 — with scaler 3 after creation (to_fpga_jtag::Scaler sets it; it
 * belongs to the FPGA and survives chip resets). A Data shift with keep_response answers
 * jtag_from_hicann::Data when the shift ends. Init sets the IR to IDCODE. Omnibus over JTAG uses
 * the chip's register file and address map; FPGA addresses (bit 31 set) are unknown there. The
 * JTAG PLL register r (PLL_TARGET_REG, SHIFT_PLL) is the chip register at 0x0008_0000 + r.
 *
 * Chip reset (system::Reset). Asserting the line (payload 1) removes every chip register
 * (addresses with bit 31 clear, the PLL registers among them) and resets the JTAG TAP's
 * registers (IR, Omnibus address/data, PLL target, PHY registers; not the scaler); while it is
 * asserted, chip register writes are dropped and reads return 0 (diagnostics.reset_drops). FPGA
 * registers keep their values. The line is released at creation.
 *
 * Systime sync. timing::SystimeInit(1) makes the chip's systime equal to the FPGA systime and
 * keeps the systime barrier busy for 100 cycles; SystimeInit(0) does nothing. The chip's counter
 * reads 0 while the reset is asserted and restarts at 0 on release (bss2_chip_chip_systime).
 * The SystimeSyncBase registers (0x0, 0x1) are stored but not used.
 *
 * Events to the chip (SpikePack1..3) are counted (diagnostics.events_to_chip, in labels) and
 * enter the event fabric.
 *
 * Event fabric (stage 3a, fabric.c; register layouts and addresses from field_map.inc, which
 * tools/gen_field_map.py generates from the haldls registry and halco). Crossbar: 20 inputs
 * (0-7 the neuron event outputs; 8-11 the L2 channels from the FPGA; 12-19 the
 * background sources), 12 outputs (0-7 PADI buses, 8-11 L2 to the FPGA), the 76 nodes of halco.
 * A spike pack's labels (the first in the most significant 16 bits) enter input 8 + (label >> 14)
 * when the instruction issues, with neuron label bits 0-13. Routing takes no time: at that
 * moment, each node of the input passes the event to its output iff (label & mask) == target
 * (the node's register as it is then; a never-written register reads 0, so mask 0 target 0:
 * everything passes, as the reference's default node does). A node that rejects an event and has
 * enable_drop_counter set adds 1 to its input's drop counter (one count per rejecting node). An
 * output whose bit in CrossbarOutputConfig.enable_event_counter is set counts every event it
 * passes. Counters: drop 16 bit, event 24 bit, both wrap (modulo 2^16, 2^24); reads return them
 * and do not clear them (haldls has no reset container and the registers are read-only: writes
 * are dropped as for any read-only register); the chip reset clears them. enable_slow is stored
 * and ignored; the L2 outputs have no rate limit (the PADI buses have, see below). Events at
 * output b < 8 go to PADI bus b (synapse.c, below). An event at L2 output k reaches the FPGA
 * BSS2_CM_L2_LATENCY = 24 cycles (192 ns) after it entered the crossbar and is stamped then:
 * label bits 0-13 the neuron label, bits 14-15 k, timestamp (2 × chip systime + h) & 0xFF at
 * 250 MHz (h = 1 for a background event in the second half of its cycle), so the host's decoded
 * chip_time equals the chip systime of the arrival (= the FPGA time while the two are in sync).
 * Events arriving in the same cycle travel together, up to 3 per SpikePack1/2/3 message (in
 * arrival order, the first in the most significant 24 bits). Only if EventRecordingConfig's
 * enable_event_recording is set when they arrive (FPGA register 0x8800_0005, read then) are they
 * sent; otherwise they vanish at the FPGA. A call sends at most BSS2_CM_MAX_EVENT_MESSAGES = 2^22
 * event messages (later ones are dropped, bounding the stream at ~72 MiB). Event messages
 * interleave with the executor's responses in time order (a response due in the same cycle goes
 * first); the call ends when the events that were on their way when its words were done have
 * arrived. While the chip reset is asserted nothing is routed (events entering are lost); the
 * reset clears the counters and stops the background sources, events already on the link arrive.
 * The output buffer is reserved for one message per spike-pack label; background events grow it
 * as they come (the one allocation during execution; a failure loses messages).
 *
 * Background spike sources (8; source i feeds crossbar input 12 + i). Clock 250 MHz: 2 ticks per
 * FPGA cycle. A source counts from the cycle after the write that sets enable (disabled ->
 * enabled edge; the seed register is latched then), and its first event (or first bin) ends one
 * full interval later. Interval: period + 1 ticks (a counter running from period down to 0; the
 * reference's "ISI = period" read as the reload value, so that period 0 is the fastest rate, one
 * event per tick = 250 MEvent/s, not a division by zero). Regular mode: exactly one event per
 * period + 1 ticks with label neuron_label. Random mode (enable_random): every interval is a bin
 * that holds an event with probability (rate + 1) / 256 (pyNN's rule; rate 255: every bin); the
 * label's bits under `mask` (8 bit) are replaced by random bits. The number of bins up to the
 * next event is drawn at once (geometric, by inversion of a uniform in (0, 1] with a libm-free
 * logarithm), so the work is O(events) and nothing runs while a source is disabled. Random
 * numbers: a counter-based splitmix64 hash of (instance seed, latched seed register, source
 * index, draw index), one 64-bit draw per event: bits 11-63 give the next gap, bits 0-7 the next
 * label bits; no global state, so the same seeds give the same events. Register changes of an
 * enabled source (period, rate, mask, label, mode) apply from its next event on (the interval in
 * progress keeps its length); clearing enable stops it at once. Sources are not throttled to the
 * reference's 125 MEvent/s.
 *
 * Synapse array and neuron backends (stage 3b, synapse.c; layouts, addresses and topology from
 * field_map.inc). PADI bus b (hemisphere b / 4) takes events from the crossbar only while
 * CommonPADIBusConfig.enable_spl1[b % 4] is set (else they are dropped: padi_blocked); a write
 * to PADIEvent puts (row_select_address << 6) | event_address on each bus of fire_bus whatever
 * enable_spl1 says. A bus carries one event per cycle (two cycles per event with
 * enable_extended_timing): an event reaches the drivers BSS2_CM_PADI_LATENCY = 1 cycle after it
 * entered the crossbar, later if the bus is busy; a bus holds at most BSS2_CM_PADI_FIFO = 16
 * waiting events, further ones are dropped (diagnostics.padi_drops) and, from the crossbar,
 * counted in the input's drop counter if that node has enable_drop_counter (reference §6's
 * "fidelity" rule; queue depth and latencies are decisions, the reference gives none). Of the
 * 32 drivers on the bus, driver number k accepts the 11-bit label if enable_receiver is set and
 * (row select ^ k) & row_address_compare_mask == 0; it forwards the 6-bit address (only its MSB
 * without enable_address_out) to its top row (odd, row_mode_top) and bottom row (even,
 * row_mode_bottom) unless their mode is disabled. A synapse of such a row whose label equals the
 * address and whose weight is not 0 drives its column's excitatory and/or inhibitory line, as
 * the row mode says; the line reaches neuron (column, hemisphere) only through the column's
 * ColumnCurrentQuad switch (diagnostics.synaptic_events). STP, the dacen pulse length and the
 * synaptic currents themselves are the analog core's (stage 4). Synapse memory: one array per
 * synram of 258 rows × 64 quads × 2 words, as the full SynapseQuad view lays it out (rows 256
 * and 257 hold the column switches); the weight, label and 2-MSB views (SynapseWeightQuad,
 * SynapseLabelQuad, SynapseCorrelationCalibQuad, ColumnCurrentQuad, ...) read and write their
 * bits of the same words, so every view sees what any other wrote, as on the chip. Neurons:
 * with enable_fire set, enable_bypass_excitatory (inhibitory) turns every excitatory
 * (inhibitory) synaptic event into a fire signal at once (the real chip needs long dacen pulses
 * for this; the model does not). The backend registers a fire unless its block's
 * CommonNeuronBackendConfig has enable_clocks clear or force_reset set, or the neuron is
 * refractory; a registered spike increments the spike counter (8 bit, saturating at 255 with
 * the overflow bit set; SpikeCounterReset clears both; reads do not) and makes the neuron
 * refractory for refractory_time ticks of its input clock (select_input_clock 0: slow, 1: fast;
 * a tick is 2^clock_scale FPGA cycles, 250 MHz / 2^(scale + 1)); hold-off and the analog reset
 * are stage 4's. With enable_spike_out and the block's enable_event_registers, the spike's event
 * (label (event output << 8) | address_out) enters crossbar input column / 32 (its event output)
 * BSS2_CM_BACKEND_LATENCY = 2 cycles later; an output sends one event per cycle, the others wait
 * in their neurons' event registers (one per neuron: a spike while its register is full is lost,
 * diagnostics.output_drops). So a relayed spike reaches the FPGA PADI_LATENCY + BACKEND_LATENCY
 * + L2_LATENCY = 27 cycles (216 ns) after its input when nothing queues. NeuronReset (and
 * NeuronResetQuad for its four neurons) makes a neuron refractory as a spike would, without
 * counting or sending anything. A call waits for the events inside the chip when its words are
 * done (at most BSS2_CM_DRAIN_ROUNDS rounds, so a recurrent network cannot hold it forever).
 * The chip reset clears the synapse memory and everything above.
 *
 * Analog neurons (stage 4a, neuron.c; constants in analog.h, CapMem layout in field_map.inc). Each
 * of the 512 circuits is a leaky integrate-and-fire membrane with two exponentially decaying
 * current inputs, integrated exactly between events (closed form; time in µs from the 125 MHz
 * cycle count). Parameters come from the neuron's 24 CapMem cells, its NeuronConfig and its
 * quadrant's syn_i_bias_dac through analog.h's transfer functions, whenever one of them is written
 * (the CapMem's settling, enable_capmem and the reference generator are not modelled: a written
 * cell holds at once; code 1023, no refresh, counts as 0). Leak and reset share the OTA:
 * conductance C(63)/τ(I) from the fitted τ_m(I) curves (division, ×8 multiplication, ×0.5
 * degeneration), target v_leak or v_reset minus the source-follower drop; the threshold is
 * v_threshold without drop; i_mem_offset adds a constant current (sign: invert_membrane_offset)
 * when enabled. A synaptic event adds weight × gain × I_SYN_LSB × (dac/600) × (gm/500) to the
 * input's current (×4 with enable_small_capacitance; none unless the input is enabled), through a
 * tanh saturation of the OTA's line voltage; the current decays with τ_syn(I). The membrane lies
 * within [0, V_DD] at every event; readouts clip softly in the last 50 mV. Spikes: a neuron with
 * enable_threshold_comparator and enable_fire crosses v_threshold (found exactly for two
 * exponentials, by conservative advancement for three) and fires at the first edge of its
 * refractory clock after the cycle the crossing lies in; locating it finer inside that cycle would
 * change nothing (edges fall on whole cycles), so it is not; a spike the backend registers (chip
 * model I's rules: clocks, force_reset, refractory) resets the membrane: (refractory_time -
 * hold-off) ticks towards v_reset with the reset conductance (with enable_pause the synaptic
 * currents do not reach the membrane then), the hold-off ticks (31 - 2 × reset_holdoff, at most
 * the period) leaking, and at the end of refractoriness a membrane still above threshold fires at
 * once. force_reset holds the block's membranes in reset; without clocks a crossing fires nothing
 * until the neuron or its block is written again. A bypass spike and NeuronReset reset the
 * membrane likewise. Mismatch: a fixed pattern keyed by the seed (the "chip serial": counter-based
 * Gaussian draws, truncated at ±4σ) shifts the source-follower drop, the reset level and the
 * comparator, and scales the conductances, the capacitance, τ_syn and g_m per neuron and the DAC
 * gain per synapse (σ in analog.h); bss2_chip_set_mismatch(0) leaves it out. AdEx (stage 4b): a
 * neuron with enable_exponential, enable_adaptation or a COBA input is integrated in steps
 * (adex.c): between two steps the same closed form holds with the exponential current, the
 * adaptation current and the COBA factors σ (E_rev - V) frozen at the step's predicted middle
 * (a midpoint rule); the adaptation current follows τ_w dw/dt = -w + a (V - E_a) exactly with
 * the step's V, jumps by b at each registered spike whose backend has enable_adaptation_pulse
 * (b scaled by the pulse length 2^clock_scale_adaptation_pulse), and reads out as V_w =
 * v_adapt_ref + w / g_wm. Steps last at most 256 cycles, fewer while the frozen currents drift
 * (analog.h: STEP_*); every event and phase change starts a new one; crossings are found within
 * a step as for the LIF. The exponential and the synaptic inputs are gated while resetting with
 * enable_pause. An adapting exponential neuron's spike times agree with a fine Runge-Kutta
 * integration to 0.03 % (csrc/tests/test_adex.c). Transfer curves and constants: analog.h
 * [EST]. Correlation sensors (stp_correlation.c, analog.h [EST form, calix's targets]): per
 * synapse a causal and an acausal storage, nearest neighbour: a registered spike's post pulse
 * adds η e^(-Δt/τ) (since the synapse's last pre event) to the causal storage of every synapse
 * of its column, a pre event (a row event whose label matches) adds η e^(-Δt/τ) (since the
 * column's last post pulse) to its acausal storage; η and τ follow the quadrant's
 * syn_i_bias_store and syn_i_bias_ramp (either 0: the quadrant does not accumulate), the
 * synapse's amp_calib and time_calib bits and a per-synapse fixed pattern; the CADC reads the
 * reset level (≈ 200) lowered by the softly saturating storage; CorrelationReset clears four
 * synapses (the NeuronResetQuad side effect on row 0 is not modelled). Not modelled: the
 * multicompartment switches (each neuron circuit is a compartment of its own). STP (enable_stp
 * on a synapse driver) scales the synaptic currents of the driver's rows by its pulse width,
 * from a state voltage per driver (analog.h: utilisation towards v_charge at each event after
 * recovery towards v_recover).
 * Speed: the targets of one bus event go through the analog core as a batch (their exponentials
 * together, e^-x by a table and polynomial to 2e-13, the same bits on every platform: no fused
 * multiply-adds), and a neuron whose membrane provably stays below threshold (a peak bound of
 * its closed form) needs no threshold search.
 *
 * MADC (madc.c). MADCControl is a trigger register: a write's wake_up powers the MADC up (at
 * once), start_recording starts sampling if it is awake (else nothing happens),
 * stop_recording stops it (and powers it down with enable_power_down_after_sampling);
 * enable_continuous_sampling and enable_power_down_after_sampling are taken from each write.
 * Sampling reads MADCConfig at the start: a sample every 12 + sample_duration_adjust ticks of
 * the 500 MHz MADC clock (× 2 (scale + 1) with clock scaling), the first one period after the
 * start, number_of_samples of them (unless continuous), then idle (powered down if so
 * enabled). The multiplexer stays on active_mux_initially_selected_input, or alternates every
 * active_mux_input_select_length samples. Input i carries the readout lines that
 * ReadoutSourceSelection buffer i connects (neuron_even/odd per hemisphere; several: their
 * mean); a line carries the neurons of its hemisphere and column parity whose NeuronConfig has
 * enable_readout with enable_readout_amplifier, or enable_unbuffered_access (several: their mean,
 * the first 16), each its readout_source: membrane, the exc/inh synaptic input line (analog.h:
 * SYNIN_REST ∓ SYNIN_R × current), adaptation (V_w). Nothing
 * connected, or the preamp/active-mux path of MADCConfig switched off: 0 V. The code is
 * (V - V0) / 1.2 mV with a chip-wide offset and gain mismatch and per-sample noise (σ 1.5 LSB,
 * bss2_chip_set_noise), rounded and clamped to 0..1023; enable_dummy_data gives the sample count
 * (a sawtooth) instead. Each sample goes to the host as an MADCSamplePack1 (bits 0-9 value, bit
 * 10 the input) stamped like a spike, if event recording is on (else diagnostics
 * madc_not_recorded); samples count toward the call's event message limit. A sample changes
 * nothing, and a neuron follows its closed form until something changes it, so the samples are
 * converted late, in one go: before a neuron the MADC watches (one on a readout line) changes,
 * before any other response or register write, and at the program's end. They read and respond
 * as if converted at their times: the same values, responses and order (a sample and a change
 * of its neuron in the same cycle: the sample first, except for the neuron's own events (fire,
 * reset, phase end), which it sees). The temporal noise is a sum of four uniforms
 * (variance 1, within 3.5σ) of a counter-based hash: readouts need no exact Gaussian tails; the
 * MADC samples count their own draws (their noise depends on no other draw).
 *
 * CADC (cadc.c). A trigger read of a CADCSampleQuad converts its whole row of that synram and
 * channel type (causal or acausal; conversion time not modelled) into the buffer and answers
 * the quad's 4 samples (entry 0 in the top byte); a buffered read answers from the buffer of
 * the last conversion; nothing converts without CADCConfig.enable (all 0). Column j's channel
 * sees, by its ColumnCorrelationQuad switches: the synapse's correlation storage
 * (enable_internal_*: its reset level for now, ≈ 0.88 V with a per-synapse spread), the
 * column's neuron (enable_cadc_neuron_readout_*: its readout_source signal when its readout
 * amplifier is on, else 0 V), both (their mean) or nothing (0 V). Code = (V - V0) / q with the
 * quadrant's ramp cells (analog.h), a channel offset and gain mismatch and read noise
 * (σ 0.7 LSB), plus the channel's CADCChannelConfig offset (a never-written channel: 0),
 * rounded and clamped to 0..255; a ramp slope of 0 reads 255.
 *
 * Board I2C (i2c.c; device addresses, register bytes and widths from fisch's I2C words via
 * field_map.inc). The FPGA's I2C master answers Omnibus accesses to 0x8800_7800 + 0x000..0x1FF
 * (bits 0-6 the device, 7 stop after this byte, 8 repeated start before it); an access
 * transfers one byte (a write's low data byte; byte enables 0: nothing). Like the upstream
 * master, an access to the device and direction of the transfer in progress continues it;
 * anything else (or the repeat-start flag) first sends a (repeated) start and the address byte.
 * The transfer holds the Omnibus for its bit times, one SCL period (4 × prescaler cycles) each:
 * 9 per byte, 10 more for start and address, 1 for a stop; a read's byte comes that much later.
 * The prescaler register 0x8800_7A00 reads back and starts at 313 (100 kHz, the value the
 * hardware tests write). A device address nobody answers (diagnostics.i2c_nacks) reads bit 31
 * set (fisch raises I2CAckMissingError) and ends the transfer. The first byte written in a
 * transfer is the register byte, later ones the register's data, most significant first (no
 * auto-increment, except the EEPROM's sequential reads); reads return the register's bytes.
 * Devices (power-on values from their datasheets): six INA219 (0x40 + n, halco's order:
 * config 0x399F, bit 15 resets the device; calibration bit 0 reads 0; bus register = the rail's
 * nominal 1.2 V or 2.5 V with conversion ready; shunt = a fixed supply current (vdd12_digital
 * 200 mA, vdd25_digital 50, vdd12_analog 150, vdd25_analog 100, vdd12_madc 20, vdd12_pll 10)
 * through 27 mΩ; current and power by the datasheet's formulas from the calibration); the
 * TMP112 (0x48: 30 °C; config 0x60A0, limits 0x4B00/0x5000 stored as written); the TCA9554
 * (0x38: output 0xFF, polarity 0, config 0xFF; input pins are pulled up and read 1, inverted
 * where the polarity says, output pins read their output); three AD5252 (0x2C + n: RDAC and
 * EEMEM registers by instruction byte, both 0x80 at power-on; quick commands ignored); the
 * DAC6573 (0x4C: the control byte's channel select picks the channel, 10 bits kept
 * left-aligned); the TCA9546 mux (0x70: every written byte is its control register, 0 at
 * power-on); the EEPROM (0x50: write-protected, the board ID "BSS2" = 0x42535332 at bytes
 * 0xFC-0xFF, 0xFF elsewhere). Nothing else about the board is modelled (rail voltages do not
 * follow the potentiometers). The chip reset does not touch the board. A poll of the window
 * starts no transfer: it sees 0 (the prescaler: its value).
 *
 * Polls: timing::PollingOmnibusBlock on a counter register re-reads it whenever the fabric has
 * something to do (an event arriving or a source firing); other registers never change by
 * themselves.
 *
 * Responses. Each call's stream is decoded by the host from time 0 (reference §4.3: every
 * message adds 1, Systime sets, Sysdelta adds). Before a response produced at time t (43 bit),
 * with the decoder at d: nothing if d + 1 == t, else Sysdelta(t - d - 2) if that is 0..255, else
 * Systime(t - 1). Messages are framed as bss2_ut_encode_from_fpga does (MSB first, comma flush
 * of the last word). diagnostics.responses counts all messages including Systime/Sysdelta. The
 * call ends when all in-flight work (reads, writes, JTAG, sync) is done: systime advances to
 * that point and every response of the call is in its stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address_map.h"
#include "chip_internal.h"
#include "ut.h"

static const char *const names[16] = {
    "to_fpga_jtag::Init",      "to_fpga_jtag::Scaler",        "to_fpga_jtag::Ins",
    "to_fpga_jtag::Data",      "timing::Setup",               "timing::WaitUntil",
    "timing::SystimeInit",     "timing::Barrier",             "timing::PollingOmnibusBlock",
    "system::Reset",           "system::Loopback",            "omnibus_to_fpga::Address",
    "omnibus_to_fpga::Data",   "event_to_fpga::SpikePack<1>", "event_to_fpga::SpikePack<2>",
    "event_to_fpga::SpikePack<3>",
};

bss2_chip *bss2_chip_new(uint64_t seed) {
    bss2_chip *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->seed = seed;
    c->pend_cap = 64;
    c->pend = malloc(c->pend_cap * sizeof *c->pend);
    if (c->pend == NULL || bss2_cm_regmap_init(&c->chip_regs, 64) != 0 ||
        bss2_cm_regmap_init(&c->fpga_regs, 64) != 0) {
        bss2_chip_free(c);
        return NULL;
    }
    bss2_cm_jtag_power_on(&c->jtag);
    bss2_cm_fabric_init(&c->fabric);
    bss2_cm_array_init(&c->array);
    bss2_cm_i2c_power_on(&c->i2c);
    c->madc.stale = 1;
    if (bss2_cm_analog_new(c) != 0) {
        bss2_chip_free(c);
        return NULL;
    }
    c->ranges = bss2_address_ranges(&c->nranges);
    if (c->nranges == 0) {
        c->ranges = NULL;
    }
    /* the one executor register whose reset value is not 0 (64 slots: cannot fail) */
    bss2_cm_slot *s = bss2_cm_regmap_upsert(&c->fpga_regs, BSS2_CM_REG_INSTRUCTION_TIMEOUT);
    if (s == NULL) {
        bss2_chip_free(c);
        return NULL;
    }
    s->value = BSS2_CM_DEFAULT_INSTRUCTION_TIMEOUT;
    return c;
}

void bss2_chip_free(bss2_chip *chip) {
    if (chip == NULL) {
        return;
    }
    bss2_cm_regmap_free(&chip->chip_regs);
    bss2_cm_regmap_free(&chip->fpga_regs);
    free(chip->pend);
    free(chip->out);
    bss2_cm_analog_free(chip);
    free(chip);
}

/* Upper bounds of what a call may need, counted while validating. */
typedef struct bounds {
    uint64_t responses;   /* messages answering words (each may need one annotation more) */
    uint64_t chip_writes; /* insertions into the chip map (Omnibus and JTAG) */
    uint64_t fpga_writes; /* insertions into the FPGA map */
} bounds;

static int validate(bss2_chip *c, const uint64_t *words, size_t n, bounds *b) {
    int write_address = 0; /* the previous word latched a write address */
    uint64_t fpga = 0;     /* ... with bit 31 set */
    for (size_t i = 0; i < n; i++) {
        uint64_t w = words[i];
        unsigned h = (unsigned)(w >> 56);
        if (h >= 16u) {
            if (h & 0x80u) {
                snprintf(c->error, sizeof c->error,
                         "word %zu (0x%016llx): comma bit (bit 63) set; to-FPGA words carry a "
                         "header 0..15 in bits 56-63",
                         i, (unsigned long long)w);
            } else {
                snprintf(c->error, sizeof c->error,
                         "word %zu (0x%016llx): unknown to-FPGA header %u (known: 0..15)", i,
                         (unsigned long long)w, h);
            }
            return BSS2_CHIP_BAD_INSTRUCTION;
        }
        if ((w & BSS2_CM_PAYLOAD_MASK) >> bss2_ut_to_fpga_bits[h]) {
            snprintf(c->error, sizeof c->error,
                     "word %zu (0x%016llx): nonzero padding: %s takes %u payload bits, bits "
                     "%u..55 must be 0",
                     i, (unsigned long long)w, names[h], (unsigned)bss2_ut_to_fpga_bits[h],
                     (unsigned)bss2_ut_to_fpga_bits[h]);
            return BSS2_CHIP_BAD_INSTRUCTION;
        }
        switch (h) {
        case 3:
            b->chip_writes++; /* an OMNIBUS_REQUEST or not: a bound */
            b->responses += (w >> 48) & 1u;
            break;
        case 7: case 8: case 10:
            b->responses++;
            break;
        case 11:
            b->responses += (w >> 36) & 1u;
            break;
        case 13: case 14: case 15: /* each label reaches one L2 output at most */
            b->responses += h - 12u;
            break;
        case 12:
            if (write_address) {
                b->fpga_writes += fpga;
                b->chip_writes += !fpga;
            }
            break;
        default:
            break;
        }
        write_address = h == 11u && !((w >> 36) & 1u);
        fpga = (w >> 31) & 1u;
    }
    return BSS2_CHIP_OK;
}

int bss2_chip_execute(bss2_chip *chip, const uint64_t *words, size_t n) {
    if (chip == NULL) {
        return BSS2_CHIP_NULL;
    }
    if (n > BSS2_CHIP_PLAYBACK_MEMORY_WORDS) {
        snprintf(chip->error, sizeof chip->error,
                 "%zu words exceed the playback memory of %u instructions", n,
                 BSS2_CHIP_PLAYBACK_MEMORY_WORDS);
        return BSS2_CHIP_TOO_LONG;
    }
    if (words == NULL && n > 0) {
        snprintf(chip->error, sizeof chip->error, "words is NULL but n = %zu", n);
        return BSS2_CHIP_NULL;
    }
    bounds b = {0, 0, 0};
    int status = validate(chip, words, n, &b);
    if (status != BSS2_CHIP_OK) {
        return status;
    }
    /* every response may be preceded by a Systime/Sysdelta; 10 bytes covers any message */
    uint64_t messages = 2u * b.responses;
    size_t out_words = (size_t)((messages * 10u + 7u) / 8u + 1u);
    if (bss2_cm_reserve_out(chip, out_words) != 0 ||
        bss2_cm_regmap_reserve(&chip->chip_regs, b.chip_writes) != 0 ||
        bss2_cm_regmap_reserve(&chip->fpga_regs, b.fpga_writes) != 0) {
        snprintf(chip->error, sizeof chip->error,
                 "out of memory reserving room for %zu words (%llu responses, %llu register "
                 "writes)",
                 n, (unsigned long long)b.responses,
                 (unsigned long long)(b.chip_writes + b.fpga_writes));
        return BSS2_CHIP_NO_MEMORY;
    }
    bss2_cm_execute_words(chip, words, n);
    chip->error[0] = '\0';
    return BSS2_CHIP_OK;
}

const uint64_t *bss2_chip_responses(const bss2_chip *chip, size_t *n) {
    if (chip == NULL) {
        if (n != NULL) {
            *n = 0;
        }
        return NULL;
    }
    if (n != NULL) {
        *n = chip->out_words;
    }
    return chip->out;
}

void bss2_chip_get_diagnostics(const bss2_chip *chip, bss2_chip_diagnostics *out) {
    if (out == NULL) {
        return;
    }
    if (chip == NULL) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = chip->diag;
}

const char *bss2_chip_last_error(const bss2_chip *chip) {
    return chip == NULL ? "chip is NULL" : chip->error;
}

uint64_t bss2_chip_systime(const bss2_chip *chip) {
    return chip == NULL ? 0u : chip->now & BSS2_CM_SYSTIME_MASK;
}

uint64_t bss2_chip_chip_systime(const bss2_chip *chip) {
    if (chip == NULL || chip->chip_reset) {
        return 0;
    }
    return (chip->now - chip->chip_origin) & BSS2_CM_SYSTIME_MASK;
}

uint32_t bss2_chip_peek(const bss2_chip *chip, uint32_t address) {
    return chip == NULL ? 0u : bss2_cm_peek(chip, address);
}

void bss2_chip_set_mismatch(bss2_chip *chip, int on) {
    if (chip != NULL) {
        bss2_cm_analog_set_mismatch(chip, on);
    }
}

void bss2_chip_set_noise(bss2_chip *chip, int on) {
    if (chip != NULL) {
        bss2_cm_analog_set_noise(chip, on);
    }
}

double bss2_chip_membrane(const bss2_chip *chip, unsigned neuron) {
    return chip == NULL || neuron >= BSS2_CM_NEURONS ? 0.0 : bss2_cm_analog_membrane(chip, neuron);
}
