"""A small network for the chip model's event path: neurons in bypass mode behind one driver.

Spikes from the FPGA enter the crossbar at L2 input 0, reach PADI bus 0 (row select 0 only),
synapse driver 0 and the synapses of row 0, whose labels 0..COLUMNS-1 pick one of ``COLUMNS``
top-row neurons; each relays the event (bypass) with its own ``address_out`` through its event
output and the crossbar's L2 outputs back to the FPGA. ``LATENCY`` is the loop's latency, the
sum of the model's documented latencies (csrc/chip_internal.h; chip_model.c's header comment).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import halco
import haldls
import stadls

ROOT = Path(__file__).resolve().parents[2]
_INTERNAL = (ROOT / "csrc" / "chip_internal.h").read_text()


def _define(name: str) -> int:
    return int(re.search(rf"#define {name} (\d+)u", _INTERNAL)[1])  # type: ignore[index]


#: FPGA cycles from a spike's instruction to its relayed spike reaching the FPGA.
LATENCY = sum(
    _define(n) for n in ("BSS2_CM_PADI_LATENCY", "BSS2_CM_BACKEND_LATENCY", "BSS2_CM_L2_LATENCY")
)
SPIKES = 1000
COLUMNS = 48  # neurons 0..47 of the top row, synapse labels 0..47 in synapse row 0
L2_INPUT_0 = halco.CrossbarInputOnDLS(8)
ROW_SELECT = 0b11111 << 6  # the row select bits of a label


def neuron(j: int) -> halco.AtomicNeuronOnDLS:
    return halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(j), halco.NeuronRowOnDLS(0))


def address_out(j: int) -> int:
    return (37 * j + 11) % 256


def node(output: int, input_: int) -> halco.CrossbarNodeOnDLS:
    return halco.CrossbarNodeOnDLS(
        halco.CrossbarOutputOnDLS(output), halco.CrossbarInputOnDLS(input_)
    )


def configure(
    builder: stadls.PlaybackProgramBuilder, driver_mask: int = 31, node_mask: int = ROW_SELECT
) -> None:
    """Route L2 input 0 to bus 0 only (row select 0 unless ``node_mask`` is 0), and neurons
    0..COLUMNS-1 in bypass mode."""
    builder.write(
        halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(enable_event_recording=True)
    )
    drop_all = haldls.CrossbarNode(mask=0, target=1)
    to_bus_0 = haldls.CrossbarNode(mask=node_mask, target=0, enable_drop_counter=True)
    builder.write(node(0, 8), to_bus_0)
    builder.write(node(8, 8), drop_all)  # no direct loopback
    for k in range(8):  # no recurrence: neuron events go to the FPGA only
        builder.write(node(k, k), drop_all)
        builder.write(node(k + 4 if k < 4 else k - 4, k), drop_all)
    padi = haldls.CommonPADIBusConfig()
    padi.enable_spl1[0] = True
    builder.write(halco.CommonPADIBusConfigOnDLS(0), padi)
    driver = haldls.SynapseDriverConfig(
        enable_receiver=True,
        row_address_compare_mask=driver_mask,
        row_mode_bottom=haldls.SynapseDriverConfig.RowMode.excitatory,
    )
    builder.write(halco.SynapseDriverOnDLS(0), driver)  # rows 0 (bottom) and 1 (top)
    row = halco.SynapseRowOnSynram(int(halco.SynapseDriverOnDLS(0).toSynapseRowOnSynram()[1]))
    assert int(row) == 0
    quads: dict[int, haldls.SynapseQuad] = {}
    switches: dict[int, haldls.ColumnCurrentQuad] = {}
    for j in range(COLUMNS):
        n = neuron(j)
        q = int(n.toSynapseQuadColumnOnDLS())
        e = int(halco.NeuronColumnOnDLS(j).toSynapseOnSynapseRow().toEntryOnQuad())
        quad = quads.setdefault(q, haldls.SynapseQuad())
        quad.weights[e], quad.labels[e] = 63, j
        sw = switches.setdefault(q, haldls.ColumnCurrentQuad())
        sw.switches[e].enable_synaptic_current_excitatory = True
        builder.write(
            n.toNeuronConfigOnDLS(),
            haldls.NeuronConfig(enable_fire=True, enable_bypass_excitatory=True),
        )
        builder.write(
            n.toNeuronBackendConfigOnDLS(),
            haldls.NeuronBackendConfig(enable_spike_out=True, address_out=address_out(j)),
        )
    for q, quad in quads.items():
        on_synram = halco.SynapseQuadOnSynram(halco.SynapseQuadColumnOnDLS(q), row)
        builder.write(halco.SynapseQuadOnDLS(on_synram, halco.SynramOnDLS(0)), quad)
        on_dls = halco.ColumnCurrentQuadOnDLS(
            halco.ColumnCurrentQuadOnSynram(q), halco.SynramOnDLS(0)
        )
        builder.write(on_dls, switches[q])
    for b in range(2):
        builder.write(halco.CommonNeuronBackendConfigOnDLS(b), haldls.CommonNeuronBackendConfig())


def expected_label(j: int) -> int:
    """The SpikeLabel neuron j's relayed spike arrives with (its L2 channel in bits 14-15)."""
    output = int(halco.NeuronColumnOnDLS(j).toNeuronEventOutputOnDLS())
    channel = output if output < 4 else output - 4  # the crossbar's L2 output of that output
    return (channel << 14) | (output << 8) | address_out(j)


def experiment(connection: object) -> tuple[list[object], np.ndarray]:
    """Configure the network, send 60 spikes, read a crossbar node and the timer back; return
    the reads and the spikes."""
    rng = np.random.default_rng(3)
    columns = rng.integers(0, COLUMNS, 60)
    config = stadls.PlaybackProgramBuilder()
    configure(config, 31, 0)
    node = haldls.CrossbarNode(mask=0x155, target=0x2A)
    config.write(halco.CrossbarNodeOnDLS(7), node)
    stadls.run(connection, config.done())
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    times = 100 + 9 * np.arange(len(columns))
    builder.write_spike_train(times, columns)  # (row select 0: a neuron's synapse label)
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(int(times[-1]) + 1000))
    tickets = [builder.read(halco.CrossbarNodeOnDLS(7)), builder.read(halco.TimerOnDLS())]
    program = builder.done()
    stadls.run(connection, program)
    return [t.get() for t in tickets], program.spikes.to_numpy()
