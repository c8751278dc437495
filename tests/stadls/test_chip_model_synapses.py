"""The chip model's synapse memory views, triggers and neuron backends through stadls.

The network of tests/support/bypass_network.py (the bypass experiment's) is reused here.
"""

from __future__ import annotations

import numpy as np
from bypass_network import configure, expected_label, neuron

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection


def quad(row: int, col: int, synram: int = 0) -> halco.SynapseQuadOnDLS:
    on_synram = halco.SynapseQuadOnSynram(
        halco.SynapseQuadColumnOnDLS(col), halco.SynapseRowOnSynram(row)
    )
    return halco.SynapseQuadOnDLS(on_synram, halco.SynramOnDLS(synram))


def test_views_alias_one_memory() -> None:
    """Every synapse view reads what another wrote, as the chip's one SRAM does."""
    full = haldls.SynapseQuad(
        weights=[1, 63, 32, 0],
        labels=[5, 6, 7, 63],
        time_calibs=[0, 1, 2, 3],
        amp_calibs=[3, 2, 1, 0],
    )
    c = quad(17, 40, synram=1)
    builder = stadls.PlaybackProgramBuilder()
    builder.write(c, full)
    weight = builder.read(halco.SynapseWeightQuadOnDLS(int(c)), haldls.SynapseWeightQuad)
    label = builder.read(halco.SynapseLabelQuadOnDLS(int(c)), haldls.SynapseLabelQuad)
    calib = builder.read(
        halco.SynapseCorrelationCalibQuadOnDLS(int(c)), haldls.SynapseCorrelationCalibQuad
    )
    builder.write(
        halco.SynapseWeightQuadOnDLS(int(c)), haldls.SynapseWeightQuad(values=[9, 8, 7, 6])
    )
    after = builder.read(c, haldls.SynapseQuad)
    prog = builder.done()
    with ChipModelConnection() as connection:
        stadls.run(connection, prog)
    assert [int(v) for v in weight.get().values] == [1, 63, 32, 0]
    assert [int(v) for v in label.get().values] == [5, 6, 7, 63]
    assert [int(v) for v in calib.get().time_calibs] == [0, 1, 2, 3]
    assert [int(v) for v in calib.get().amp_calibs] == [3, 2, 1, 0]
    expected = full.copy()
    expected.weights = [9, 8, 7, 6]  # the weight view changes the weights only
    assert after.get() == expected


def run(
    builder: stadls.PlaybackProgramBuilder, config: bool = True
) -> tuple[np.ndarray, dict[str, int]]:
    prog = builder.done()
    with ChipModelConnection() as connection:
        if config:
            first = stadls.PlaybackProgramBuilder()
            configure(first)
            stadls.run(connection, first.done())
        stadls.run(connection, prog)
        return prog.spikes.to_numpy(), connection.diagnostics


def test_padi_event_fires_the_bypassed_neuron() -> None:
    builder = stadls.PlaybackProgramBuilder()
    padi = haldls.CommonPADIBusConfig()  # enable_spl1 off: the trigger register still fires
    builder.write(halco.CommonPADIBusConfigOnDLS(0), padi)
    event = haldls.PADIEvent(event_address=5, row_select_address=0)
    event.fire_bus[0] = True
    builder.write(halco.PADIEventOnDLS(0), event)
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(200))
    spikes, diagnostics = run(builder)
    assert list(spikes["label"]) == [expected_label(5)]
    assert diagnostics["padi_blocked"] == 0 and diagnostics["padi_events"] == 1


def train(builder: stadls.PlaybackProgramBuilder, times: list[int], column: int) -> None:
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.write_spike_train(np.array(times), np.full(len(times), column))
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(times[-1] + 200))


def test_refractory_time_ignores_fires_and_counts_the_rest() -> None:
    """refractory_time 10 on the slow clock of scale 2 (4 cycles a tick): 40 cycles."""
    builder = stadls.PlaybackProgramBuilder()
    backend = haldls.CommonNeuronBackendConfig(clock_scale_slow=2)
    builder.write(halco.CommonNeuronBackendConfigOnDLS(0), backend)
    config = haldls.NeuronBackendConfig(enable_spike_out=True, refractory_time=10, address_out=3)
    builder.write(neuron(7).toNeuronBackendConfigOnDLS(), config)
    train(builder, [100, 120, 139, 141, 200], column=7)
    count = builder.read(neuron(7).toSpikeCounterReadOnDLS(), haldls.SpikeCounterRead)
    builder.write(neuron(7).toSpikeCounterResetOnDLS(), haldls.SpikeCounterReset())
    cleared = builder.read(neuron(7).toSpikeCounterReadOnDLS(), haldls.SpikeCounterRead)
    spikes, diagnostics = run(builder)
    assert len(spikes) == 3  # 100, 141 (40 cycles later), 200
    assert diagnostics["fires_ignored"] == 2
    assert count.get() == haldls.SpikeCounterRead(count=3, overflow=False)
    assert cleared.get() == haldls.SpikeCounterRead(count=0, overflow=False)


def test_neuron_reset_holds_the_neuron_without_a_spike() -> None:
    builder = stadls.PlaybackProgramBuilder()
    config = haldls.NeuronBackendConfig(enable_spike_out=True, refractory_time=100, address_out=3)
    builder.write(neuron(2).toNeuronBackendConfigOnDLS(), config)
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.write(neuron(2).toNeuronResetOnDLS(), haldls.NeuronReset())
    builder.write_spike_train(np.array([50, 150]), np.array([2, 2]))
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(400))
    spikes, diagnostics = run(builder)
    assert len(spikes) == 1 and diagnostics["fires_ignored"] == 1  # the reset's 100 cycles


def test_inhibitory_rows_need_the_inhibitory_bypass_and_switch() -> None:
    builder = stadls.PlaybackProgramBuilder()
    driver = haldls.SynapseDriverConfig(
        enable_receiver=True, row_mode_bottom=haldls.SynapseDriverConfig.RowMode.inhibitory
    )
    builder.write(halco.SynapseDriverOnDLS(0), driver)
    train(builder, [100], column=9)
    spikes, diagnostics = run(builder)
    assert len(spikes) == 0 and diagnostics["synaptic_events"] == 0  # no inhibitory switch
    n = neuron(9)
    e = int(halco.NeuronColumnOnDLS(9).toSynapseOnSynapseRow().toEntryOnQuad())
    switch = haldls.ColumnCurrentQuad()
    switch.switches[e].enable_synaptic_current_inhibitory = True
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.SynapseDriverOnDLS(0), driver)
    builder.write(n.toColumnCurrentQuadOnDLS(), switch)
    train(builder, [100], column=9)
    spikes, diagnostics = run(builder)
    assert diagnostics["synaptic_events"] == 1 and len(spikes) == 0  # excitatory bypass only
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.SynapseDriverOnDLS(0), driver)
    builder.write(n.toColumnCurrentQuadOnDLS(), switch)
    builder.write(
        n.toNeuronConfigOnDLS(),
        haldls.NeuronConfig(enable_fire=True, enable_bypass_inhibitory=True),
    )
    train(builder, [100], column=9)
    spikes, _ = run(builder)
    assert list(spikes["label"]) == [expected_label(9)]


def test_zero_weight_silences_a_synapse() -> None:
    n = neuron(4)
    q = int(n.toSynapseQuadColumnOnDLS())
    e = int(halco.NeuronColumnOnDLS(4).toSynapseOnSynapseRow().toEntryOnQuad())
    weights = haldls.SynapseWeightQuad()  # all 0; the quad's other columns lose theirs too
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.SynapseWeightQuadOnDLS(int(quad(0, q))), weights)
    train(builder, [100, 110], column=4)
    spikes, diagnostics = run(builder)
    assert len(spikes) == 0 and diagnostics["synaptic_events"] == 0
    assert e in range(4)


def test_chip_reset_clears_the_synapse_array() -> None:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.ResetChipOnDLS(), haldls.ResetChip(True))
    builder.write(halco.ResetChipOnDLS(), haldls.ResetChip(False))
    builder.write(
        halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(enable_event_recording=True)
    )
    weight = builder.read(halco.SynapseWeightQuadOnDLS(int(quad(0, 0))), haldls.SynapseWeightQuad)
    train(builder, [100, 110], column=0)
    spikes, diagnostics = run(builder)
    assert diagnostics["synaptic_events"] == 0 and diagnostics["padi_events"] == 0
    assert list(spikes["label"]) == [0, 0]  # the default loopback node passes them straight back
    assert weight.get() == haldls.SynapseWeightQuad()
