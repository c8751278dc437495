"""Analog neurons of the chip model, configured through lola as the BrainScaleS-2 tutorial does.

Observed the way the real chip is observed: recorded spikes (the MADC follows with its stage);
the thresholds below follow from the model's documented constants (csrc/analog.h), not from one
seed: every test runs several.
"""

from __future__ import annotations

import numpy as np
import pytest

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection
from haldls import lola

#: 200 µs of hardware time in FPGA cycles.
CYCLES_200US = 25_000


def leak_over_threshold() -> lola.AtomicNeuron:
    """The tutorial's "leak over threshold" neuron (ts_00, part 2)."""
    n = lola.AtomicNeuron()
    n.leak.v_leak = 1000
    n.leak.i_bias = 150
    n.threshold.v_threshold = 300
    n.threshold.enable = True
    n.reset.v_reset = 400
    n.reset.i_bias = 1022
    n.reset.enable_multiplication = True
    n.membrane_capacitance.capacitance = 63
    n.refractory_period.refractory_time = 255
    n.event_routing.analog_output = lola.AtomicNeuron.EventRouting.AnalogOutputMode.normal
    n.event_routing.enable_digital = True
    n.event_routing.address = 0x2A
    return n


def record(neurons: dict[int, lola.AtomicNeuron], seed: int, **kwargs: bool) -> np.ndarray:
    """Configure the neurons, let them run for 200 µs; return the spikes recorded meanwhile."""
    builder = stadls.PlaybackProgramBuilder()
    backend = haldls.CommonNeuronBackendConfig(clock_scale_slow=3)  # 64 ns refractory ticks
    for block in halco.iter_all(halco.CommonNeuronBackendConfigOnDLS):
        builder.write(block, backend)
    builder.write(halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(True))
    for e, neuron in neurons.items():
        builder.write(halco.AtomicNeuronOnDLS(e), neuron)
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(CYCLES_200US))
    program = builder.done()
    with ChipModelConnection(seed=seed, **kwargs) as connection:
        stadls.run(connection, program)
    return program.spikes.to_numpy()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_leak_over_threshold_is_a_regular_sawtooth(seed: int) -> None:
    """On hardware about 13 spikes in 200 µs; here the refractory period dominates likewise."""
    spikes = record({7: leak_over_threshold()}, seed)
    assert 10 <= len(spikes) <= 16
    assert np.all(spikes["label"] & 0xFF == 0x2A)
    isi = np.diff(spikes["fpga_time"].astype(np.int64))
    assert isi.std() < 0.02 * isi.mean()  # regular


def test_threshold_off_or_low_leak_is_silent() -> None:
    off = leak_over_threshold()
    off.threshold.enable = False
    below = leak_over_threshold()
    below.leak.v_leak = 400  # the resting level stays under the threshold
    for seed in (1, 2):
        assert len(record({3: off, 4: below}, seed)) == 0


def test_circuits_differ_but_each_is_regular() -> None:
    """A weaker leak makes the rise to threshold visible; the fixed pattern spreads it."""
    neurons = {}
    for k in range(10):
        neuron = leak_over_threshold()
        neuron.leak.v_leak = 600
        neuron.leak.i_bias = 80
        neuron.refractory_period.refractory_time = 20
        neuron.event_routing.address = k  # tells the spikes apart
        neurons[10 * k] = neuron

    def mean_intervals(spikes: np.ndarray) -> np.ndarray:
        means = []
        for k in range(10):
            times = spikes["fpga_time"][spikes["label"] & 0xFF == k].astype(np.int64)
            isi = np.diff(times)
            assert len(isi) >= 5 and isi.std() < 0.05 * isi.mean()  # each one regular
            means.append(isi.mean())
        return np.array(means)

    for seed in (4, 5):
        means = mean_intervals(record(neurons, seed))
        assert means.std() > 0.02 * means.mean()  # the circuits differ
    ideal = mean_intervals(record(neurons, 4, mismatch=False, noise=False))
    assert np.ptp(ideal) <= 1  # ideal circuits without noise: equal within a cycle
