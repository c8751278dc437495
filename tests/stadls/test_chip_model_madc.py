"""The chip model's MADC and analog neurons, observed as on the real chip: MADC traces.

The neurons are configured through lola as in the BrainScaleS-2 tutorial (ts_00). Thresholds
follow from the model's documented constants (csrc/analog.h): V ≈ 1.76 mV per CapMem LSB minus a
≈ 0.42 V source-follower drop for leak and reset, 1.2 mV per MADC LSB; every test runs several
seeds (chips).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from analog_setup import US, readout, record_membrane, synaptic_input, wait

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection
from haldls import lola

SEEDS = (1, 2, 3)
NEURON = halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(37), halco.NeuronRowOnDLS(0))


def silent(v_leak: int) -> lola.AtomicNeuron:
    n = lola.AtomicNeuron()
    n.leak.v_leak = v_leak
    n.leak.i_bias = 1022
    n.membrane_capacitance.capacitance = 63
    return readout(n)


def leak_over_threshold() -> lola.AtomicNeuron:
    n = lola.AtomicNeuron()
    n.leak.v_leak, n.leak.i_bias = 1000, 150
    n.threshold.v_threshold, n.threshold.enable = 300, True
    n.reset.v_reset, n.reset.i_bias, n.reset.enable_multiplication = 400, 1022, True
    n.membrane_capacitance.capacitance = 63
    n.refractory_period.refractory_time = 255
    n.event_routing.analog_output = lola.AtomicNeuron.EventRouting.AnalogOutputMode.normal
    n.event_routing.enable_digital = True
    return readout(n)


@pytest.mark.parametrize("seed", SEEDS)
def test_silent_neuron_follows_v_leak(seed: int) -> None:
    means = []
    for v in (400, 550, 700, 850, 1000, 1022):
        samples, spikes = record_membrane(NEURON, silent(v), 20 * US, seed)
        assert len(samples) > 500 and len(spikes) == 0
        assert np.all(samples["channel"] == 0)
        means.append(samples["value"].mean())
    assert np.all(np.diff(means) > 0), means  # monotonic in v_leak
    assert 150 < means[0] < 350  # about (400 x 1.76 mV - 0.42 V) / 1.2 mV = 237


@pytest.mark.parametrize("seed", SEEDS)
def test_leak_over_threshold_is_a_sawtooth(seed: int) -> None:
    samples, spikes = record_membrane(NEURON, leak_over_threshold(), 200 * US, seed)
    values, times = samples["value"].astype(int), samples["fpga_time"].astype(int)
    spikes = spikes[(spikes["fpga_time"] >= times[0]) & (spikes["fpga_time"] <= times[-1])]
    assert 9 <= len(spikes) <= 16  # hardware: about 13 in 200 µs
    # between reset (≈ 240) and threshold (≈ 440): the tutorial's "roughly 230 to 400"
    assert 150 < np.percentile(values, 1) < 300
    assert 350 < np.percentile(values, 99) < 520
    # the membrane drops at every spike and rises in between (a spike reaches the FPGA 26 cycles
    # after its neuron fired: backend and L2 latency)
    for t in spikes["fpga_time"].astype(int)[1:-1]:
        before = values[(times > t - US) & (times <= t - 40)]
        after = values[(times > t + US) & (times <= t + 3 * US)]
        assert before.mean() - after.mean() > 100
    spacing = np.diff(times)
    assert abs(spacing.mean() - 17 / 4) < 0.05  # 29.4 MSa/s: 500 MHz / 17


def test_circuits_differ() -> None:
    """The same parameters on 10 circuits: different thresholds (the sawtooth's top)."""
    tops = []
    for j in range(0, 200, 20):
        coord = halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(j), halco.NeuronRowOnDLS(0))
        samples, _ = record_membrane(coord, leak_over_threshold(), 100 * US, 7)
        tops.append(np.percentile(samples["value"], 99))
    assert np.std(tops) > 3  # the comparator offsets: 10 mV ≈ 8 LSB


def _psp(weight: int, inhibitory: bool, seed: int) -> float:
    """The PSP of one input spike: the extreme of the smoothed trace against the baseline."""
    n = lola.AtomicNeuron()
    n.leak.v_leak, n.leak.i_bias = 600, 84
    n.membrane_capacitance.capacitance = 63
    for syn in (n.excitatory_input, n.inhibitory_input):
        syn.enable, syn.i_bias_tau, syn.i_bias_gm = True, 30, 500
    readout(n)

    def spike(builder: stadls.PlaybackProgramBuilder) -> None:
        synaptic_input(builder, NEURON, weight, inhibitory)
        wait(builder, 5 * US)
        builder.write(halco.SpikePack1ToChipOnDLS(), haldls.SpikePack1ToChip([halco.SpikeLabel(5)]))
        wait(builder, 20 * US)

    samples, _ = record_membrane(NEURON, n, 25 * US, seed, extra=spike)
    v = samples["value"].astype(float)
    baseline = v[:100].mean()  # the first 3.4 µs, before the spike
    smooth = np.convolve(v, np.ones(30) / 30, mode="valid")
    return float((smooth.min() if inhibitory else smooth.max()) - baseline)


@pytest.mark.parametrize("seed", SEEDS)
def test_psps_grow_with_the_weight_and_have_a_sign(seed: int) -> None:
    excitatory = [_psp(w, False, seed) for w in (10, 30, 63)]
    assert 2 < excitatory[0] < excitatory[1] < excitatory[2]
    assert excitatory[2] / excitatory[1] == pytest.approx(63 / 30, rel=0.25)  # ∝ weight
    assert 30 < excitatory[2] < 90  # ≈ 15 CADC ≈ 64 mV at full weight (reference §3.3)
    assert _psp(40, True, seed) < -5


def test_same_seed_same_samples_and_noise_switch() -> None:
    a, _ = record_membrane(NEURON, silent(700), 5 * US, 4)
    b, _ = record_membrane(NEURON, silent(700), 5 * US, 4)
    assert np.array_equal(a, b)
    quiet, _ = record_membrane(NEURON, silent(700), 5 * US, 4, noise=False)
    assert np.ptp(quiet["value"]) == 0 < np.ptp(a["value"])  # readout noise: sigma 1.5 LSB
    ideal = [
        record_membrane(NEURON, silent(700), US, s, mismatch=False, noise=False)[0] for s in (1, 2)
    ]
    assert np.array_equal(ideal[0]["value"], ideal[1]["value"])  # ideal chips are alike


def test_madc_control() -> None:
    """No samples without wake-up; number_of_samples; the dummy sawtooth; the mux alternation."""

    def run(*writes: tuple[object, object], cycles: int = 20 * US) -> np.ndarray:
        builder = stadls.PlaybackProgramBuilder()
        builder.write(halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(True))
        for coord, container in writes:
            builder.write(coord, container)
        wait(builder, cycles)
        program = builder.done()
        with ChipModelConnection(seed=1) as conn:
            stadls.run(conn, program)
        return program.madc_samples.to_numpy()

    control, config = halco.MADCControlOnDLS(), halco.MADCConfigOnDLS()
    start = haldls.MADCControl(start_recording=True)
    assert len(run((config, haldls.MADCConfig(number_of_samples=10)), (control, start))) == 0
    woken = haldls.MADCControl(wake_up=True)
    dummy = haldls.MADCConfig(number_of_samples=300, enable_dummy_data=True)
    samples = run((config, dummy), (control, woken), (control, start))
    assert len(samples) == 300
    assert np.array_equal(samples["value"], np.arange(300))
    alternating = haldls.MADCConfig(number_of_samples=12, active_mux_input_select_length=3)
    samples = run((config, alternating), (control, woken), (control, start))
    assert list(samples["channel"]) == [0, 0, 0, 1, 1, 1] * 2


def _psp_neuron() -> lola.AtomicNeuron:
    """A neuron at rest (leak 600) with its excitatory input on (τ_syn code 30), read out."""
    n = lola.AtomicNeuron()
    n.leak.v_leak, n.leak.i_bias = 600, 84
    n.membrane_capacitance.capacitance = 63
    n.excitatory_input.enable, n.excitatory_input.i_bias_tau = True, 30
    n.excitatory_input.i_bias_gm = 500
    return readout(n)


def _train(stp: int | None, seed: int) -> list[float]:
    """PSP increments of 5 input spikes 20 µs apart through driver 0 (STP target set `stp`, or
    STP off): each the smoothed trace's peak after the spike minus its value at the spike."""
    n = _psp_neuron()
    gap = 20 * US

    def train(builder: stadls.PlaybackProgramBuilder) -> None:
        synaptic_input(builder, NEURON, 40)
        if stp is not None:
            block = NEURON.toCapMemBlockOnDLS()  # driver 0 (even): its synram's west block
            cells = {0: (100, 400), 1: (330, 50)}[stp]  # calix's sets: (v_charge, v_recover)
            names = (f"stp_v_charge_{stp}", f"stp_v_recover_{stp}")
            for name, value in zip(names, cells, strict=True):
                cell = halco.CapMemCellOnDLS(getattr(halco.CapMemCellOnCapMemBlock, name), block)
                builder.write(cell, haldls.CapMemCell(haldls.CapMemCell.Value(value)))
            mode = haldls.SynapseDriverConfig.RowMode.excitatory
            driver = haldls.SynapseDriverConfig(
                enable_receiver=True, row_mode_bottom=mode, enable_stp=True,
                utilization=8, select_target_voltages=stp,
            )  # fmt: skip
            builder.write(halco.SynapseDriverOnDLS(0), driver)
        builder.write(halco.TimerOnDLS(), haldls.Timer())
        for k in range(5):
            builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(5 * US + k * gap))
            builder.write(
                halco.SpikePack1ToChipOnDLS(), haldls.SpikePack1ToChip([halco.SpikeLabel(5)])
            )
        builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(5 * US + 5 * gap))

    samples, spikes = record_membrane(NEURON, n, 5 * US + 5 * gap, seed, extra=train)
    t, v = samples["fpga_time"].astype(int), samples["value"].astype(float)
    smooth = np.convolve(v, np.ones(15) / 15, mode="valid")  # at t[7:-7]
    ts = t[7:-7]
    # the input spikes also come back over the L2 loopback (24 cycles later): their times
    inputs = spikes["fpga_time"][(spikes["label"] & 0x3FFF) == 5].astype(int) - 24
    assert len(inputs) == 5
    out = []
    for at in inputs:
        before = smooth[np.searchsorted(ts, at) - 1]
        window = (ts > at) & (ts < at + gap - US)
        out.append(float(smooth[window].max() - before))
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_stp_depresses_or_facilitates_a_train(seed: int) -> None:
    """Against the same train without STP (whose increments shrink a little only because each
    PSP rides on the decay of the one before)."""
    static = _train(None, seed)
    depressing = _train(1, seed)
    facilitating = _train(0, seed)
    base = static[4] / static[0]
    assert 0.5 < base <= 1.0
    assert depressing[4] / depressing[0] < 0.7 * base
    assert facilitating[4] / facilitating[0] > 1.3 * base
    assert all(x > 0 for x in depressing + facilitating)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("inputs", [False, True])
def test_samples_do_not_depend_on_when_they_are_converted(seed: int, inputs: bool) -> None:
    """The MADC converts its samples late, when a neuron it watches changes or something else
    responds (madc.c): a program with register reads at 40 times (each read's response makes
    the samples before it convert) and one without see the same samples, spikes and times, and
    each read gets its data; with input spikes reaching the neuron too."""
    cycles = 60 * US
    reads = []

    def program(stepwise: bool) -> Callable[[stadls.PlaybackProgramBuilder], None]:
        def extra(builder: stadls.PlaybackProgramBuilder) -> None:
            if inputs:
                synaptic_input(builder, NEURON, 30)
            builder.write(halco.TimerOnDLS(), haldls.Timer())
            for step in range(1, 41):  # (absolute times: the reads delay nothing)
                builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(step * cycles // 40))
                if inputs and step % 3 == 0:
                    spike = haldls.SpikePack1ToChip([halco.SpikeLabel(5)])
                    builder.write(halco.SpikePack1ToChipOnDLS(), spike)
                if stepwise:
                    reads.append(builder.read(halco.TimerOnDLS()))

        return extra

    neuron = leak_over_threshold()
    neuron.excitatory_input.enable = inputs
    neuron.excitatory_input.i_bias_tau, neuron.excitatory_input.i_bias_gm = 30, 500
    one = record_membrane(NEURON, neuron, cycles, seed, extra=program(False))
    steps = record_membrane(NEURON, neuron, cycles, seed, extra=program(True))
    assert len(one[0]) > 1000 and len(one[1]) > 2  # it fires while sampling
    # (the program with reads ends when the last read is back: it may take one more sample)
    assert len(one[0]) <= len(steps[0]) <= len(one[0]) + 1
    np.testing.assert_array_equal(one[0], steps[0][: len(one[0])])
    last = int(one[0]["fpga_time"][-1])
    np.testing.assert_array_equal(one[1], steps[1][steps[1]["fpga_time"] <= last])
    assert len(reads) == 40 and all(r.valid() for r in reads)
    if inputs:  # the inputs show in the trace: it differs from one without them
        neuron.excitatory_input.enable = False
        alone = record_membrane(NEURON, neuron, cycles, seed, extra=program(False))[0]
        assert not np.array_equal(one[0]["value"], alone["value"])


def _psp_trace(weights: tuple[int, ...]) -> np.ndarray:
    """The MADC trace of one input spike reaching NEURON over one synapse row per weight (rows 0
    and 1: the bottom and top row of driver 0, one label), without mismatch and noise."""
    n = _psp_neuron()

    def spike(builder: stadls.PlaybackProgramBuilder) -> None:
        synaptic_input(builder, NEURON, weights[0])
        if len(weights) > 1:  # the top row too, same label, same column
            mode = haldls.SynapseDriverConfig.RowMode.excitatory
            driver = haldls.SynapseDriverConfig(
                enable_receiver=True, row_mode_bottom=mode, row_mode_top=mode
            )
            builder.write(halco.SynapseDriverOnDLS(0), driver)
            e = int(NEURON.toNeuronColumnOnDLS().toSynapseOnSynapseRow().toEntryOnQuad())
            quad = haldls.SynapseQuad()
            quad.weights[e], quad.labels[e] = weights[1], 5
            on_synram = halco.SynapseQuadOnSynram(
                halco.SynapseQuadColumnOnDLS(int(NEURON.toSynapseQuadColumnOnDLS())),
                halco.SynapseRowOnSynram(1),
            )
            builder.write(halco.SynapseQuadOnDLS(on_synram, halco.SynramOnDLS(0)), quad)
        wait(builder, 5 * US)
        builder.write(halco.SpikePack1ToChipOnDLS(), haldls.SpikePack1ToChip([halco.SpikeLabel(5)]))
        wait(builder, 20 * US)

    samples, _ = record_membrane(NEURON, n, 25 * US, 1, extra=spike, mismatch=False, noise=False)
    return samples["value"].astype(int)


def test_one_event_over_two_rows_adds_like_one_synapse_of_both_weights() -> None:
    """The synaptic inputs of one bus event reach the neurons in one batch; a neuron that two of
    its rows reach takes both inputs (in u = atanh(I/I_sat) they add exactly)."""
    both = _psp_trace((20, 20))
    assert np.abs(both - _psp_trace((40,))).max() <= 1  # (rounding of the MADC codes)
    assert both.max() - both[:100].mean() > 1.5 * (_psp_trace((20,)).max() - both[:100].mean())


@pytest.mark.parametrize("seed", SEEDS)
def test_membrane_noise_wanders_on_the_scale_of_tau_m(seed: int) -> None:
    """Membrane noise (analog.h: sigma_V 1.2 mV, ≈ 1 MADC LSB, correlated over τ_m) survives 1 µs
    of averaging, which the MADC's white read noise (1.5 LSB: 0.27 LSB after it) does not."""
    v = record_membrane(NEURON, silent(700), 100 * US, seed)[0]["value"].astype(float)
    smooth = np.convolve(v, np.ones(30) / 30, mode="valid")
    assert 0.5 < smooth.std() < 2.0


@pytest.mark.parametrize("seed", SEEDS)
def test_membrane_noise_jitters_the_spike_times(seed: int) -> None:
    """The threshold comparator sees the membrane noise (a new offset per reset): a slow approach
    to the threshold (leak 560 just above it) spikes irregularly; without noise regularly."""
    n = leak_over_threshold()
    n.leak.v_leak, n.refractory_period.refractory_time = 560, 20

    def intervals(noise: bool) -> np.ndarray:
        spikes = record_membrane(NEURON, n, 200 * US, seed, noise=noise)[1]
        return np.diff(np.sort(spikes["chip_time"].astype(float)))

    quiet, noisy = intervals(False), intervals(True)
    assert quiet.std() == 0  # the integration between events is deterministic
    assert noisy.std() > 5  # cycles: sigma_V over the membrane's slope near the threshold
    assert noisy.mean() == pytest.approx(quiet.mean(), rel=0.05)
