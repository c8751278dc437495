"""Spike trains: the vectorised path equals block_until + SpikePack writes one by one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection

PACKS = {1: haldls.SpikePack1ToChip, 2: haldls.SpikePack2ToChip, 3: haldls.SpikePack3ToChip}
COORDS = {1: halco.SpikePack1ToChipOnDLS(), 2: halco.SpikePack2ToChipOnDLS(),
          3: halco.SpikePack3ToChipOnDLS()}  # fmt: skip


def one_by_one(times: list[int], labels: list[int]) -> stadls.PlaybackProgramBuilder:
    """The train written with the per-command API: a wait per time, packs of up to three."""
    builder = stadls.PlaybackProgramBuilder()
    i = 0
    while i < len(times):
        j = i
        while j < len(times) and times[j] == times[i]:
            j += 1
        builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(times[i]))
        for k in range(i, j, 3):
            group = [halco.SpikeLabel(x) for x in labels[k : min(k + 3, j)]]
            builder.write(COORDS[len(group)], PACKS[len(group)](labels=group))
        i = j
    return builder


@given(
    spikes=st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 0xFFFF)), max_size=40).map(
        sorted
    ),
    repeat=st.integers(1, 7),
)
def test_vectorised_train_equals_one_by_one(spikes: list[tuple[int, int]], repeat: int) -> None:
    # repeat times so that several spikes share one (packs of 2 and 3)
    times = [t for t, _ in spikes for _ in range(repeat)]
    labels = [(label + r) % 0x10000 for _, label in spikes for r in range(repeat)]
    builder = stadls.PlaybackProgramBuilder()
    builder.write_spike_train(np.array(times, np.int64), np.array(labels, np.int64))
    expected = one_by_one(times, labels).done().to_fpga_words()
    assert builder.done().to_fpga_words().tolist() == expected.tolist()


def test_train_runs_and_bad_input() -> None:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.write_spike_train(np.arange(100, 1100, 100), np.arange(10))
    assert builder.size_to_fpga() == 1 + 20
    with ZeroMockConnection() as connection:
        stadls.run(connection, builder.done())
    with pytest.raises(ValueError, match="must not decrease"):
        builder.write_spike_train([5, 4], [1, 2])
    with pytest.raises(ValueError, match=r"labels\[1\] must be in \[0, 65535\], got 65536"):
        builder.write_spike_train([5, 6], [1, 0x10000])
    with pytest.raises(ValueError, match="times"):
        builder.write_spike_train([-1], [1])
    with pytest.raises(ValueError, match="2 spike times but 1 labels"):
        builder.write_spike_train([1, 2], [1])
    with pytest.raises(TypeError, match="integer"):
        builder.write_spike_train([1.5], [1])
    assert builder.empty()
    builder.write_spike_train([], [])
    assert builder.empty()
