"""The chip model's whole event path through stadls, with the neurons in bypass mode.

Spikes from the FPGA enter the crossbar at L2 input 0, reach PADI bus 0, synapse driver 0 and
the synapses of row 0, whose labels pick one of ``COLUMNS`` neurons; each neuron relays the event
(bypass) with its own ``address_out`` through its event output and the crossbar's L2 outputs back
to the FPGA. The loop's latency is the sum of the model's documented latencies
(csrc/chip_internal.h; chip_model.c's header comment). Every test runs over both paths: in
process and through the setup emulator.
"""

from __future__ import annotations

import numpy as np
import pytest
from bypass_network import (
    COLUMNS,
    L2_INPUT_0,
    LATENCY,
    ROW_SELECT,
    SPIKES,
    configure,
    expected_label,
    neuron,
)
from setups import KINDS, connect

import halco
import haldls
import stadls

pytestmark = pytest.mark.parametrize("kind", KINDS)


def run_train(
    kind: str,
    labels: np.ndarray,
    driver_mask: int = 31,
    spacing: int = 9,
    node_mask: int = ROW_SELECT,
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
    with connect(kind) as (connection, model):
        stadls.run(connection, config.done())
        stadls.run(connection, prog)
        diagnostics = model.diagnostics
    return times, prog.spikes.to_numpy(), diagnostics, diagnostics["start_systime"], tickets


def test_bypass_train_comes_back_at_labels_and_times(kind: str) -> None:
    rng = np.random.default_rng(7)
    columns = rng.integers(0, COLUMNS, SPIKES)
    times, spikes, diagnostics, start, tickets = run_train(kind, columns)  # row select 0, channel 0
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


def test_wrong_row_select_drops_at_the_node_and_counts(kind: str) -> None:
    labels = (1 << 6) | np.arange(SPIKES) % COLUMNS  # row select 1: the node wants 0
    _, spikes, diagnostics, _, tickets = run_train(kind, labels)
    assert len(spikes) == 0
    assert tickets[0].get() == haldls.CrossbarInputDropCounter(value=SPIKES)
    assert diagnostics["padi_events"] == 0


def test_wrong_synapse_label_reaches_no_neuron(kind: str) -> None:
    labels = COLUMNS + np.arange(SPIKES) % (64 - COLUMNS)  # addresses no synapse holds
    _, spikes, diagnostics, _, tickets = run_train(kind, labels)
    assert len(spikes) == 0
    assert diagnostics["padi_events"] == SPIKES and diagnostics["synaptic_events"] == 0
    assert int(tickets[0].get().value) == 0
    assert all(int(t.get().count) == 0 for t in tickets[1:])


def test_driver_compare_mask_selects_rows(kind: str) -> None:
    """Row select 1 reaches driver 0 (index 0 on its bus) only where the mask ignores bit 0."""
    labels = (1 << 6) | np.arange(SPIKES) % COLUMNS
    _, spikes, diagnostics, _, _ = run_train(kind, labels, driver_mask=31, node_mask=0)
    assert len(spikes) == 0 and diagnostics["padi_events"] == SPIKES
    _, spikes, _, _, _ = run_train(kind, labels, driver_mask=0b11110, node_mask=0)
    assert len(spikes) == SPIKES


def test_bursts_overflow_the_bus_and_the_drop_counter_says_so(kind: str) -> None:
    """Three labels a cycle (one instruction each) fill bus 0, which carries one a cycle."""
    labels = np.arange(300) % COLUMNS
    _, spikes, diagnostics, _, tickets = run_train(kind, labels, spacing=0)
    drops = diagnostics["padi_drops"]
    assert drops > 0
    assert len(spikes) + drops == len(labels)
    assert int(tickets[0].get().value) == drops
