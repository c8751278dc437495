"""AdEx terms of the chip model's neurons, configured through lola as the BrainScaleS-2 AdEx
tutorial does (ts_08: leak 700/70, threshold 620, reset 1022 with multiplication, refractory 30
with pause, a constant current as the stimulus from 100 to 700 µs of a 1 ms recording).

The thresholds follow from the model's documented constants (csrc/analog.h), not from one seed:
every test runs several seeds, with the fixed pattern on.
"""

from __future__ import annotations

import numpy as np
import pytest
from analog_setup import (
    US,
    madc_to,
    readout,
    record_membrane,
    start_madc,
    synaptic_input,
    wait,
)

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection
from haldls import lola

SEEDS = (1, 2, 3)
#: The stimulus lies between these times (µs from the MADC's start).
ON, OFF = 100, 700


def tutorial(
    *, v_exp: int = 900, a: int = 0, b: int = 0, exponential: bool = True
) -> lola.AtomicNeuron:
    """The AdEx tutorial's neuron (its GUI defaults, with `a`, `b` and `v_exp` as given)."""
    n = lola.AtomicNeuron()
    n.leak.v_leak, n.leak.i_bias = 700, 70
    n.reset.v_reset, n.reset.i_bias, n.reset.enable_multiplication = 600, 1022, True
    n.membrane_capacitance.capacitance = 63
    n.refractory_period.refractory_time = 30
    n.refractory_period.enable_pause = True
    n.threshold.v_threshold, n.threshold.enable = 620, True
    n.adaptation.enable_pulse = True
    n.adaptation.enable = a != 0 or b != 0
    n.adaptation.i_bias_a, n.adaptation.i_bias_b = a, b
    n.adaptation.i_bias_tau, n.adaptation.v_ref = 100, 500
    n.adaptation.v_leak = 500  # 500 + leak - 700: no offset current
    n.exponential.enable = exponential
    n.exponential.v_exp, n.exponential.i_bias = v_exp, 300
    n.constant_current.i_offset = 300
    n.event_routing.analog_output = lola.AtomicNeuron.EventRouting.AnalogOutputMode.normal
    n.event_routing.enable_digital = True
    return n


def stimulate(
    neuron: lola.AtomicNeuron, seed: int, source: int = 0, e: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Record `neuron` (at AtomicNeuronOnDLS `e`) for 1 ms with the stimulus on from ON to OFF;
    return the MADC samples' times (µs) and values, and the spike times (µs), all from the
    MADC's start."""
    coord = halco.AtomicNeuronOnDLS(e)
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(True))
    backend = haldls.CommonNeuronBackendConfig(
        clock_scale_slow=3, clock_scale_fast=3, clock_scale_adaptation_pulse=7
    )
    for block in halco.iter_all(halco.CommonNeuronBackendConfigOnDLS):
        builder.write(block, backend)
    neuron = readout(neuron, source)
    builder.write(coord, neuron)
    madc_to(builder, coord)
    wait(builder, 600 * US)  # six adaptation time constants: what the configuration stirred settles
    start_madc(builder, samples=1000 * US * 4 // 17)
    wait(builder, ON * US)
    neuron.constant_current.enable = True
    builder.write(coord, neuron)
    wait(builder, (OFF - ON) * US)
    neuron.constant_current.enable = False
    builder.write(coord, neuron)
    wait(builder, (1000 - OFF) * US)
    program = builder.done()
    with ChipModelConnection(seed=seed) as connection:
        stadls.run(connection, program)
    samples = program.madc_samples.to_numpy()
    t0 = int(samples["fpga_time"][0])
    t = (samples["fpga_time"].astype(np.int64) - t0) / US
    spikes = (program.spikes.to_numpy()["fpga_time"].astype(np.int64) - t0) / US
    return t, samples["value"].astype(float), spikes


def during(spikes: np.ndarray) -> np.ndarray:
    return spikes[(spikes > ON) & (spikes < OFF + 5)]


@pytest.mark.parametrize("seed", SEEDS)
def test_lowering_the_exponential_onset_brings_spikes_during_the_stimulus(seed: int) -> None:
    """The tutorial's step: reduce v_exp until the neuron fires, and only while stimulated."""
    counts = []
    for v_exp in (900, 790, 760):
        _, _, spikes = stimulate(tutorial(v_exp=v_exp), seed)
        assert len(spikes) == len(during(spikes))  # never without the stimulus
        counts.append(len(spikes))
    assert counts[0] == 0  # onset above the threshold: the leak and the stimulus do not reach it
    assert 0 < counts[1] < counts[2]
    _, _, spikes = stimulate(tutorial(v_exp=760, exponential=False), seed)
    assert len(spikes) == 0  # the threshold is reached through the exponential term alone


@pytest.mark.parametrize("seed", SEEDS)
def test_spike_triggered_adaptation_lengthens_the_intervals(seed: int) -> None:
    """b (adaptation pulses) slows the firing during the stimulus; without it stays regular."""
    _, _, plain = stimulate(tutorial(v_exp=760), seed)
    _, _, adapted = stimulate(tutorial(v_exp=760, b=200), seed)
    isi = np.diff(during(plain))
    assert len(isi) >= 8 and isi.std() < 0.05 * isi.mean()
    isi_b = np.diff(during(adapted))
    assert len(isi_b) >= 3 and len(adapted) < len(plain)
    assert isi_b[-1] > 1.15 * isi_b[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_subthreshold_adaptation_overshoots_at_the_stimulus_edges(seed: int) -> None:
    """With a, the membrane overshoots at the stimulus' onset and undershoots at its end (the
    tutorial's "ringing"); without adaptation it settles monotonically."""

    def edges(a: int) -> tuple[float, float]:
        t, v, spikes = stimulate(tutorial(a=a, exponential=False), seed)
        assert len(spikes) == 0
        plateau = v[(t > OFF - 150) & (t < OFF)].mean()
        rest = v[t > 1000 - 100].mean()
        over = v[(t > ON) & (t < ON + 150)].max() - plateau
        under = rest - v[(t > OFF) & (t < OFF + 150)].min()
        return over, under

    over, under = edges(100)
    assert over > 15 and under > 15  # MADC LSB: well above its noise (1.5 LSB per sample)
    over, under = edges(0)
    assert over < 8 and under < 8


@pytest.mark.parametrize("seed", SEEDS)
def test_adaptation_readout_follows_the_pulses(seed: int) -> None:
    """The adaptation source's MADC trace rises with positive b while the neuron fires and relaxes
    back after the stimulus; with invert_b it falls (and, now exciting, keeps the neuron firing)."""
    levels = {}
    for invert in (False, True):
        neuron = tutorial(v_exp=760, b=200)
        neuron.adaptation.invert_b = invert
        t, v, _ = stimulate(neuron, seed, source=3)
        before = v[t < ON].mean()
        levels[invert] = v[(t > OFF - 100) & (t < OFF)].mean() - before
        if not invert:
            assert abs(v[t > 1000 - 50].mean() - before) < levels[invert] / 4
    assert levels[False] > 40 and levels[True] < -40


def psp(e_rev: int, seed: int, coba: bool = True) -> float:
    """The peak deviation from rest (MADC LSB, signed, of the trace averaged over 1 µs) of one
    excitatory PSP of a COBA neuron with reversal potential `e_rev`."""
    coord = halco.AtomicNeuronOnDLS(5)
    neuron = lola.AtomicNeuron()
    neuron.leak.v_leak, neuron.leak.i_bias = 600, 80
    neuron.membrane_capacitance.capacitance = 63
    exc = neuron.excitatory_input
    exc.enable, exc.i_bias_tau, exc.i_bias_gm = True, 125, 500
    exc.enable_coba_mode, exc.i_bias_coba, exc.v_rev_coba = coba, 200, e_rev
    neuron = readout(neuron)

    def inputs(builder: stadls.PlaybackProgramBuilder) -> None:
        synaptic_input(builder, coord, weight=63)
        wait(builder, 20 * US)
        builder.write(halco.SpikePack1ToChipOnDLS(), haldls.SpikePack1ToChip([halco.SpikeLabel(5)]))
        wait(builder, 60 * US)

    samples, _ = record_membrane(coord, neuron, 80 * US, seed, extra=inputs)
    v = samples["value"].astype(float)
    n = len(v) * 20 // 80  # the samples before the spike
    smooth = np.convolve(v[n:], np.ones(30) / 30, mode="valid")  # (1 µs: the readout noise)
    deviation = smooth - np.median(v[:n])
    return float(deviation[np.argmax(np.abs(deviation))])


@pytest.mark.parametrize("seed", SEEDS)
def test_coba_input_reverses_at_its_reversal_potential(seed: int) -> None:
    """A COBA excitatory PSP shrinks as E_rev nears the resting potential and turns negative
    below it; far above it matches a CUBA input of comparable size."""
    high, near, below = psp(1000, seed), psp(600, seed), psp(400, seed)
    assert high > 20
    assert abs(near) < 0.25 * high
    assert below < -5
