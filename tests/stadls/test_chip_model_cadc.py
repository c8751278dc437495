"""The chip model's CADC: membranes and correlation storage read as 8-bit samples.

Expected codes follow the model's documented constants (csrc/analog.h): with the ramp at
cadc_v_ramp_offset 400 and cadc_i_ramp_slope 350, code ≈ (V - 39 mV) / 4.22 mV, plus per-channel
offsets (sigma 8 LSB) and read noise; several seeds each.
"""

from __future__ import annotations

import numpy as np
import pytest
from analog_setup import ramp, readout, wait

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection
from haldls import lola

SEEDS = (1, 2, 3)
SYNRAM = halco.SynramOnDLS(0)


def switches(builder: stadls.PlaybackProgramBuilder, neuron: bool, internal: bool) -> None:
    """Every column of synram 0: the neuron and/or the correlation storage on the causal CADC."""
    quad = haldls.ColumnCorrelationQuad()
    for e in range(4):
        quad.switches[e].enable_cadc_neuron_readout_causal = neuron
        quad.switches[e].enable_internal_causal = internal
    for q in range(64):
        builder.write(
            halco.ColumnCorrelationQuadOnDLS(halco.ColumnCorrelationQuadOnSynram(q), SYNRAM), quad
        )


def row_samples(builder: stadls.PlaybackProgramBuilder, buffered: bool = False) -> list:
    """Tickets of the causal samples of synapse row 0 (trigger read, or the buffer)."""
    kind = halco.CADCReadoutType(1 if buffered else 0)
    tickets = []
    for q in range(64):
        on = halco.SynapseQuadOnSynram(halco.SynapseQuadColumnOnDLS(q), halco.SynapseRowOnSynram(0))
        quad = halco.CADCSampleQuadUnspecifiedReadoutOnSynram(on, halco.CADCChannelType(0))
        coord = halco.CADCSampleQuadOnDLS(halco.CADCSampleQuadOnSynram(quad, kind), SYNRAM)
        tickets.append(builder.read(coord))
    return tickets


def codes(tickets: list) -> np.ndarray:
    """The 256 samples of row 0 in column order (halco's interleaved quads)."""
    out = np.zeros(256, int)
    for q, t in enumerate(tickets):
        for e in range(4):
            column = halco.SynapseOnSynapseRow(
                halco.EntryOnQuad(e), halco.SynapseQuadColumnOnDLS(q)
            ).toNeuronColumnOnDLS()
            out[int(column)] = int(t.get().samples[e])
    return out


def membranes(v_leak: int, seed: int, **kw: bool) -> np.ndarray:
    builder = stadls.PlaybackProgramBuilder()
    ramp(builder)
    switches(builder, neuron=True, internal=False)
    neuron = lola.AtomicNeuron()
    neuron.leak.v_leak, neuron.leak.i_bias = v_leak, 1022
    neuron.membrane_capacitance.capacitance = 63
    readout(neuron)
    for j in range(256):
        builder.write(
            halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(j), halco.NeuronRowOnDLS(0)), neuron
        )
    wait(builder, 20 * 125)
    tickets = row_samples(builder)
    with ChipModelConnection(seed=seed, **kw) as conn:
        stadls.run(conn, builder.done())
    return codes(tickets)


@pytest.mark.parametrize("seed", SEEDS)
def test_membranes_through_the_cadc(seed: int) -> None:
    means = [membranes(v, seed).mean() for v in (400, 500, 600, 700)]
    assert np.all(np.diff(means) > 15)  # 100 CapMem LSB ≈ 176 mV ≈ 42 CADC LSB
    expected = (600 * 1.76e-3 - 0.42 - 0.039) / 4.22e-3  # ≈ 141
    assert abs(means[2] - expected) < 8
    spread = membranes(600, seed).std()
    assert 4 < spread < 25  # channel offsets and the neurons' fixed pattern
    ideal = membranes(600, seed, mismatch=False, noise=False)
    assert np.ptp(ideal) == 0 and abs(ideal[0] - expected) <= 1


@pytest.mark.parametrize("seed", SEEDS)
def test_correlation_baseline_and_buffer(seed: int) -> None:
    builder = stadls.PlaybackProgramBuilder()
    ramp(builder)
    switches(builder, neuron=False, internal=True)
    trigger = row_samples(builder)
    channel = halco.CADCChannelConfigOnSynram(
        halco.CADCChannelColumnOnSynram(5), halco.CADCChannelType(0)
    )
    offset = halco.CADCChannelConfigOnDLS(channel, SYNRAM)
    builder.write(offset, haldls.CADCChannelConfig(offset=-20))
    buffered = row_samples(builder, buffered=True)
    again = row_samples(builder)
    with ChipModelConnection(seed=seed) as conn:
        stadls.run(conn, builder.done())
    first, buffer, second = codes(trigger), codes(buffered), codes(again)
    assert 185 < first.mean() < 215  # the reset level reads high (reference: ≈ 200)
    # every trigger read converts the whole row anew; the buffer holds the last conversion,
    # that of quad 63's read
    last = [int(halco.SynapseOnSynapseRow(halco.EntryOnQuad(e), halco.SynapseQuadColumnOnDLS(63))
                .toNeuronColumnOnDLS()) for e in range(4)]  # fmt: skip
    assert np.array_equal(first[last], buffer[last])
    assert np.abs(first.astype(int) - buffer).max() <= 5  # the others: read noise apart
    assert abs(int(second[5]) - int(first[5]) + 20) <= 3  # the digital offset, plus read noise


def test_disabled_cadc_and_flat_ramp() -> None:
    builder = stadls.PlaybackProgramBuilder()
    switches(builder, neuron=False, internal=True)
    off = row_samples(builder)  # CADCConfig.enable never set
    ramp(builder, slope=0)
    flat = row_samples(builder)
    with ChipModelConnection(seed=1) as conn:
        stadls.run(conn, builder.done())
    assert np.all(codes(off) == 0)
    assert np.all(codes(flat) == 255)  # a ramp that never rises never crosses
