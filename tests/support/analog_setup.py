"""Building blocks for the chip model's analog tests: MADC recording, one synaptic input, the CADC.

``record_membrane`` records one neuron's membrane with the MADC the way the real stack's
examples do (readout buffer of its hemisphere and column parity on MADC input 0, wake up, wait,
start); ``synaptic_input`` connects L2 input 0 through PADI bus 0 and synapse driver 0 to one
synapse of the neuron's column, on an excitatory or inhibitory row; ``ramp`` enables the CADCs
with the reference ramp.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection
from haldls import lola

#: FPGA cycles per µs.
US = 125


def wait(builder: stadls.PlaybackProgramBuilder, cycles: int) -> None:
    """Let `cycles` FPGA cycles pass (the timer restarts)."""
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(cycles))


def readout(neuron: lola.AtomicNeuron, source: int = 0) -> lola.AtomicNeuron:
    """The neuron with its readout amplifier on (buffered access) for `source`."""
    neuron.readout.enable_amplifier = True
    neuron.readout.enable_buffered_access = True
    neuron.readout.source = lola.AtomicNeuron.Readout.Source(source)
    return neuron


def madc_to(builder: stadls.PlaybackProgramBuilder, coord: halco.AtomicNeuronOnDLS) -> None:
    """Connect the readout line of `coord` (hemisphere, column parity) to MADC input 0."""
    selection = haldls.ReadoutSourceSelection()
    mux = halco.SourceMultiplexerOnReadoutSourceSelection(0)
    buffer = selection.get_buffer(mux)
    hemisphere = halco.HemisphereOnDLS(int(coord.toNeuronRowOnDLS()))
    column = int(coord.toNeuronColumnOnDLS())
    (buffer.neuron_odd if column % 2 else buffer.neuron_even)[hemisphere] = True
    selection.set_buffer(mux, buffer)
    builder.write(halco.ReadoutSourceSelectionOnDLS(), selection)


def start_madc(builder: stadls.PlaybackProgramBuilder, samples: int) -> None:
    """Configure `samples` samples, wake the MADC up, and start it after 1 µs."""
    builder.write(halco.MADCConfigOnDLS(), haldls.MADCConfig(number_of_samples=samples))
    builder.write(halco.MADCControlOnDLS(), haldls.MADCControl(wake_up=True))
    wait(builder, US)
    builder.write(halco.MADCControlOnDLS(), haldls.MADCControl(start_recording=True))


def record_membrane(
    coord: halco.AtomicNeuronOnDLS,
    neuron: lola.AtomicNeuron,
    cycles: int,
    seed: int,
    *,
    settle: int = 100 * US,
    extra: Callable[[stadls.PlaybackProgramBuilder], None] | None = None,
    **connection: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Configure `neuron` at `coord`, let it settle, record its readout for `cycles` cycles
    (one MADC sample per 34 ns); return the MADC samples and the spikes recorded meanwhile.
    `extra` adds to the program once the MADC runs (e.g. input spikes)."""
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(True))
    for block in halco.iter_all(halco.CommonNeuronBackendConfigOnDLS):  # 64 ns refractory ticks
        builder.write(block, haldls.CommonNeuronBackendConfig(clock_scale_slow=3))
    builder.write(coord, neuron)
    madc_to(builder, coord)
    wait(builder, settle)
    start_madc(builder, samples=cycles * 4 // 17 + 2)
    if extra is None:
        wait(builder, cycles)
    else:
        extra(builder)
    program = builder.done()
    with ChipModelConnection(seed=seed, **connection) as conn:
        stadls.run(conn, program)
    return program.madc_samples.to_numpy(), program.spikes.to_numpy()


def synaptic_input(
    builder: stadls.PlaybackProgramBuilder,
    coord: halco.AtomicNeuronOnDLS,
    weight: int,
    inhibitory: bool = False,
    label: int = 5,
) -> None:
    """Spikes of `label` at L2 input 0 reach the synapse (row 0, weight `weight`) of `coord`'s
    column on an excitatory (or inhibitory) row; the synapse DAC bias is 600."""
    assert int(coord.toNeuronRowOnDLS()) == 0, "synram 0 (top) only"
    node = halco.CrossbarNodeOnDLS(halco.CrossbarOutputOnDLS(0), halco.CrossbarInputOnDLS(8))
    builder.write(node, haldls.CrossbarNode(mask=0, target=0))
    padi = haldls.CommonPADIBusConfig()
    padi.enable_spl1[0] = True
    builder.write(halco.CommonPADIBusConfigOnDLS(0), padi)
    mode = haldls.SynapseDriverConfig.RowMode
    driver = haldls.SynapseDriverConfig(
        enable_receiver=True,
        row_mode_bottom=mode.inhibitory if inhibitory else mode.excitatory,
    )
    builder.write(halco.SynapseDriverOnDLS(0), driver)  # its bottom row is synapse row 0
    column = halco.NeuronColumnOnDLS(int(coord.toNeuronColumnOnDLS()))
    q = int(coord.toSynapseQuadColumnOnDLS())
    e = int(column.toSynapseOnSynapseRow().toEntryOnQuad())
    quad = haldls.SynapseQuad()
    quad.weights[e], quad.labels[e] = weight, label
    on_synram = halco.SynapseQuadOnSynram(
        halco.SynapseQuadColumnOnDLS(q), halco.SynapseRowOnSynram(0)
    )
    builder.write(halco.SynapseQuadOnDLS(on_synram, halco.SynramOnDLS(0)), quad)
    switches = haldls.ColumnCurrentQuad()
    if inhibitory:
        switches.switches[e].enable_synaptic_current_inhibitory = True
    else:
        switches.switches[e].enable_synaptic_current_excitatory = True
    on_dls = halco.ColumnCurrentQuadOnDLS(halco.ColumnCurrentQuadOnSynram(q), halco.SynramOnDLS(0))
    builder.write(on_dls, switches)
    dac = halco.CapMemCellOnDLS(
        halco.CapMemCellOnCapMemBlock.syn_i_bias_dac, coord.toCapMemBlockOnDLS()
    )
    builder.write(dac, haldls.CapMemCell(haldls.CapMemCell.Value(600)))


def ramp(builder: stadls.PlaybackProgramBuilder, slope: int = 350) -> None:
    """Enable both CADCs with the reference ramp on every quadrant."""
    for block in halco.iter_all(halco.CapMemBlockOnDLS):
        for name, value in (("cadc_v_ramp_offset", 400), ("cadc_i_ramp_slope", slope)):
            cell = halco.CapMemCellOnDLS(getattr(halco.CapMemCellOnCapMemBlock, name), block)
            builder.write(cell, haldls.CapMemCell(haldls.CapMemCell.Value(value)))
    for cadc in halco.iter_all(halco.CADCConfigOnDLS):
        builder.write(cadc, haldls.CADCConfig(enable=True))
