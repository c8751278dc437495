"""The chip model's whole event path through stadls, with the neurons in bypass mode.

Spikes from the FPGA enter the crossbar at L2 input 0, reach PADI bus 0, synapse driver 0 and
the synapses of row 0, whose labels pick one of ``COLUMNS`` neurons; each neuron relays the event
(bypass) with its own ``address_out`` through its event output and the crossbar's L2 outputs back
to the FPGA. The loop's latency is the sum of the model's documented latencies
(csrc/chip_internal.h; chip_model.c's header comment).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection

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


def run_train(
    labels: np.ndarray, driver_mask: int = 31, spacing: int = 9, node_mask: int = ROW_SELECT
) -> tuple[np.ndarray, np.ndarray, dict[str, int], int, list[stadls.ContainerTicket]]:
    """Configure, then send ``labels`` ``spacing`` cycles apart; returns the spikes and more."""
    times = 100 + spacing * np.arange(len(labels), dtype=np.int64)
    config = stadls.PlaybackProgramBuilder()
    configure(config, driver_mask, node_mask)
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())  # the first instruction: timing::Setup
    builder.write_spike_train(times, labels)
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(int(times[-1]) + 1000))
    tickets = [builder.read(L2_INPUT_0, haldls.CrossbarInputDropCounter)]
    tickets += [
        builder.read(neuron(j).toSpikeCounterReadOnDLS(), haldls.SpikeCounterRead)
        for j in range(COLUMNS)
    ]
    prog = builder.done()
    with ChipModelConnection() as connection:
        stadls.run(connection, config.done())
        stadls.run(connection, prog)
        diagnostics = connection.diagnostics
    return times, prog.spikes.to_numpy(), diagnostics, diagnostics["start_systime"], tickets


def test_bypass_train_comes_back_at_labels_and_times() -> None:
    rng = np.random.default_rng(7)
    columns = rng.integers(0, COLUMNS, SPIKES)
    times, spikes, diagnostics, start, tickets = run_train(columns)  # row select 0, channel 0
    expected = np.array([expected_label(int(j)) for j in columns])
    # every spike comes back (≥ 99 % required), in order, at its neuron's label
    assert len(spikes) >= 0.99 * SPIKES
    assert len(spikes) == SPIKES
    np.testing.assert_array_equal(spikes["label"], expected)
    # at input time + latency: the Setup issued at the program's start (± 16 ns = 2 cycles)
    offset = spikes["chip_time"].astype(np.int64) - times - LATENCY - start
    assert (np.abs(offset) <= 2).all(), offset
    assert diagnostics["neuron_spikes"] == diagnostics["synaptic_events"] == SPIKES
    assert diagnostics["padi_events"] == SPIKES and diagnostics["padi_drops"] == 0
    assert int(tickets[0].get().value) == 0
    counts = [t.get() for t in tickets[1:]]
    for j, count in enumerate(counts):
        n = int((columns == j).sum())
        assert count == haldls.SpikeCounterRead(count=min(n, 255), overflow=n > 255)


def test_wrong_row_select_drops_at_the_node_and_counts() -> None:
    labels = (1 << 6) | np.arange(SPIKES) % COLUMNS  # row select 1: the node wants 0
    _, spikes, diagnostics, _, tickets = run_train(labels)
    assert len(spikes) == 0
    assert tickets[0].get() == haldls.CrossbarInputDropCounter(value=SPIKES)
    assert diagnostics["padi_events"] == 0


def test_wrong_synapse_label_reaches_no_neuron() -> None:
    labels = COLUMNS + np.arange(SPIKES) % (64 - COLUMNS)  # addresses no synapse holds
    _, spikes, diagnostics, _, tickets = run_train(labels)
    assert len(spikes) == 0
    assert diagnostics["padi_events"] == SPIKES and diagnostics["synaptic_events"] == 0
    assert int(tickets[0].get().value) == 0
    assert all(int(t.get().count) == 0 for t in tickets[1:])


def test_driver_compare_mask_selects_rows() -> None:
    """Row select 1 reaches driver 0 (index 0 on its bus) only where the mask ignores bit 0."""
    labels = (1 << 6) | np.arange(SPIKES) % COLUMNS
    _, spikes, diagnostics, _, _ = run_train(labels, driver_mask=31, node_mask=0)
    assert len(spikes) == 0 and diagnostics["padi_events"] == SPIKES
    _, spikes, _, _, _ = run_train(labels, driver_mask=0b11110, node_mask=0)
    assert len(spikes) == SPIKES


def test_bursts_overflow_the_bus_and_the_drop_counter_says_so() -> None:
    """Three labels a cycle (one instruction each) fill bus 0, which carries one a cycle."""
    labels = np.arange(300) % COLUMNS
    _, spikes, diagnostics, _, tickets = run_train(labels, spacing=0)
    drops = diagnostics["padi_drops"]
    assert drops > 0
    assert len(spikes) + drops == len(labels)
    assert int(tickets[0].get().value) == drops
