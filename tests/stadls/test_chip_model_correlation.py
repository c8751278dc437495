"""The chip model's correlation sensors, read through the CADC as an STDP experiment would.

One synapse (synram 0, row 0, neuron 5's column) receives pre events from L2; its neuron relays
each of them (bypass) at once, so every pre event is followed by a post pulse within a few cycles:
a causal pairing. Expected: each pairing lowers the causal read by about η (calix's target 0.5
CADC LSB at the model's reference biases, csrc/analog.h, with a 25 % fixed pattern), the acausal
read hardly moves (its pairings are 20 µs apart: e^-4 of η), CorrelationReset restores the reset
level, and quadrants whose store bias is 0 do not accumulate. Several seeds each.
"""

from __future__ import annotations

import numpy as np
import pytest
from analog_setup import ramp, synaptic_input, wait

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection

SEEDS = (1, 2, 3)
COORD = halco.AtomicNeuronOnDLS(5)
SYNRAM = halco.SynramOnDLS(0)
QUAD = int(COORD.toSynapseQuadColumnOnDLS())
ENTRY = int(halco.NeuronColumnOnDLS(5).toSynapseOnSynapseRow().toEntryOnQuad())


def sensors(builder: stadls.PlaybackProgramBuilder, store: int) -> None:
    """Store and ramp biases of every quadrant; both storages of the column on their CADCs."""
    for block in halco.iter_all(halco.CapMemBlockOnDLS):
        for name, value in (("syn_i_bias_store", store), ("syn_i_bias_ramp", 500)):
            cell = halco.CapMemCellOnDLS(getattr(halco.CapMemCellOnCapMemBlock, name), block)
            builder.write(cell, haldls.CapMemCell(haldls.CapMemCell.Value(value)))
    quad = haldls.ColumnCorrelationQuad()
    quad.switches[ENTRY].enable_internal_causal = True
    quad.switches[ENTRY].enable_internal_acausal = True
    builder.write(
        halco.ColumnCorrelationQuadOnDLS(halco.ColumnCorrelationQuadOnSynram(QUAD), SYNRAM), quad
    )


def read(builder: stadls.PlaybackProgramBuilder) -> list:
    """Tickets of the synapse's causal and acausal samples (trigger reads)."""
    on = halco.SynapseQuadOnSynram(halco.SynapseQuadColumnOnDLS(QUAD), halco.SynapseRowOnSynram(0))
    tickets = []
    for t in (0, 1):
        quad = halco.CADCSampleQuadUnspecifiedReadoutOnSynram(on, halco.CADCChannelType(t))
        kind = halco.CADCReadoutType(0)
        coord = halco.CADCSampleQuadOnDLS(halco.CADCSampleQuadOnSynram(quad, kind), SYNRAM)
        tickets.append(builder.read(coord))
    return tickets


def pairings(builder: stadls.PlaybackProgramBuilder, n: int) -> None:
    """`n` pre events 20 µs apart, each relayed by the neuron: n causal pairings."""
    for _ in range(n):
        builder.write(halco.SpikePack1ToChipOnDLS(), haldls.SpikePack1ToChip([halco.SpikeLabel(5)]))
        wait(builder, 20 * 125)


def experiment(seed: int, store: int = 500) -> np.ndarray:
    """Reads (causal, acausal) after a reset, after 10 and 20 pairings, after a reset again."""
    builder = stadls.PlaybackProgramBuilder()
    ramp(builder)
    sensors(builder, store)
    synaptic_input(builder, COORD, weight=10)
    for block in halco.iter_all(halco.CommonNeuronBackendConfigOnDLS):  # clocks: spikes register
        builder.write(block, haldls.CommonNeuronBackendConfig())
    relay = haldls.NeuronConfig(enable_fire=True, enable_bypass_excitatory=True)
    builder.write(COORD.toNeuronConfigOnDLS(), relay)
    reset = halco.CorrelationResetOnDLS(
        halco.SynapseQuadOnSynram(halco.SynapseQuadColumnOnDLS(QUAD), halco.SynapseRowOnSynram(0)),
        SYNRAM,
    )
    builder.write(reset, haldls.CorrelationReset())
    tickets = [read(builder)]
    pairings(builder, 10)
    tickets.append(read(builder))
    pairings(builder, 10)
    tickets.append(read(builder))
    builder.write(reset, haldls.CorrelationReset())
    tickets.append(read(builder))
    with ChipModelConnection(seed=seed) as connection:
        stadls.run(connection, builder.done())
    return np.array([[int(t.get().samples[ENTRY]) for t in pair] for pair in tickets])


@pytest.mark.parametrize("seed", SEEDS)
def test_causal_pairings_lower_the_causal_read(seed: int) -> None:
    codes = experiment(seed)
    causal, acausal = codes[:, 0], codes[:, 1]
    assert 170 < causal[0] < 230  # the reset level reads high
    # 10 pairings of about 0.5 LSB each (a 25 % fixed pattern, 0.7 LSB read noise)
    assert 2 <= causal[0] - causal[1] <= 10
    assert 2 <= causal[1] - causal[2] <= 10
    assert abs(int(acausal[2]) - int(acausal[0])) <= 3
    assert abs(int(causal[3]) - int(causal[0])) <= 3  # CorrelationReset: back to the reset level


def test_without_store_bias_nothing_accumulates() -> None:
    codes = experiment(1, store=0)
    assert abs(int(codes[2, 0]) - int(codes[0, 0])) <= 3
