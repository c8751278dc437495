"""The chip model's event fabric (stage 3a) through stadls: spikes to the chip and back.

Spikes sent on L2 input 0 pass the crossbar's default nodes, leave at L2 output 0 and come back
as recorded spikes, stamped ``BSS2_CM_L2_LATENCY`` cycles after their instruction issued
(csrc/chip_internal.h; chip_model.c's header comment). A node set to drop them makes them
disappear and counts them in the input's drop counter.
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
LATENCY = int(
    re.search(
        r"#define BSS2_CM_L2_LATENCY (\d+)u", (ROOT / "csrc" / "chip_internal.h").read_text()
    )[1]  # type: ignore[index]
)
SPIKES = 1000
L2_INPUT_0 = halco.CrossbarInputOnDLS(8)
L2_LOOPBACK_0 = halco.CrossbarNodeOnDLS(halco.CrossbarOutputOnDLS(8), L2_INPUT_0)


def spike_train() -> tuple[np.ndarray, np.ndarray]:
    times = 100 + 7 * np.arange(SPIKES, dtype=np.int64)  # timer cycles after the Setup
    labels = (np.arange(SPIKES, dtype=np.int64) * 37) % (1 << 14)  # L2 channel 0 (bits 14-15)
    return times, labels


def program(drop: bool) -> tuple[stadls.PlaybackProgram, stadls.ContainerTicket]:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(
        halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(enable_event_recording=True)
    )
    if drop:
        builder.write(
            L2_LOOPBACK_0, haldls.CrossbarNode(mask=0, target=1, enable_drop_counter=True)
        )
    builder.write(halco.TimerOnDLS(), haldls.Timer())  # timing::Setup: the timer reads 0
    times, labels = spike_train()
    builder.write_spike_train(times, labels)
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(int(times[-1]) + 1000))
    ticket = builder.read(L2_INPUT_0, haldls.CrossbarInputDropCounter)
    return builder.done(), ticket


def test_spikes_come_back_with_labels_and_times() -> None:
    prog, ticket = program(drop=False)
    with ChipModelConnection() as connection:
        stadls.run(connection, prog)
        start = connection.diagnostics["start_systime"]
    spikes = prog.spikes.to_numpy()
    times, labels = spike_train()
    assert len(spikes) == SPIKES
    np.testing.assert_array_equal(spikes["label"], labels)  # bits 14-15: L2 output 0
    # the Setup issues within the first few instructions of the program (its writes first)
    setup = spikes["chip_time"].astype(np.int64) - times - LATENCY
    assert (setup == setup[0]).all()
    assert 0 <= setup[0] - start <= 4  # ±16 ns around "input time + latency"
    np.testing.assert_array_equal(spikes["fpga_time"], spikes["chip_time"])
    assert ticket.get() == haldls.CrossbarInputDropCounter(value=0)


def test_drop_node_counts_and_removes_spikes() -> None:
    prog, ticket = program(drop=True)
    with ChipModelConnection() as connection:
        stadls.run(connection, prog)
    assert len(prog.spikes) == 0
    assert ticket.get() == haldls.CrossbarInputDropCounter(value=SPIKES)


def test_no_recording_no_spikes() -> None:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.write_spike_train(np.array([10, 20]), np.array([1, 2]))
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(200))
    prog = builder.done()
    with ChipModelConnection() as connection:
        stadls.run(connection, prog)
    assert len(prog.spikes) == 0
