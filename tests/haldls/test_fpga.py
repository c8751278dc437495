"""Block-until conditions and the executor containers' special rules."""

from __future__ import annotations

import pickle

import pytest

import fisch
import halco
import haldls
from halco.errors import CoordinateTypeError


def test_block_until_registry() -> None:
    assert set(haldls.block_untils) == {"Timer.Value", "Barrier", "PollingOmnibusBlock"}
    assert haldls.block_untils["Timer.Value"] is haldls.Timer.Value


def test_timer_value_waits_until() -> None:
    pairs = haldls.Timer.Value(1000).encode_block_until(halco.TimerOnDLS())
    assert pairs == [(halco.WaitUntilOnFPGA(), fisch.WaitUntil(1000))]
    assert int(haldls.Timer.Value.fpga_clock_cycles_per_us) == 125
    with pytest.raises(CoordinateTypeError):
        haldls.Timer.Value(1).encode_block_until(halco.BarrierOnFPGA())


@pytest.mark.parametrize(
    ("kind", "mask"),
    [("omnibus", 1), ("jtag", 2), ("systime", 4), ("multi_fpga", 8), ("systime_correction", 16)],
)
def test_barrier_statics(kind: str, mask: int) -> None:
    barrier = getattr(haldls.Barrier, kind)
    assert barrier.encode_block_until() == [(halco.BarrierOnFPGA(), fisch.Barrier(mask))]
    assert pickle.loads(pickle.dumps(barrier)) == barrier
    both = haldls.Barrier(enable_omnibus=True, enable_systime=True)
    assert both.encode_block_until()[0][1] == fisch.Barrier(5)


def test_polling_block() -> None:
    assert haldls.PollingOmnibusBlock().encode_block_until()[0][1] == fisch.PollingOmnibusBlock(
        True
    )
    not_equal = haldls.PollingOmnibusBlock(enable_expects_equality=False)
    assert not_equal.encode_block_until()[0][1] == fisch.PollingOmnibusBlock(False)


def test_timer_write_only_resets() -> None:
    """A timer read may decode any count, but fisch refuses to write anything but 0."""
    assert haldls.Timer.decode([12345]).value == haldls.Timer.Value(12345)
    builder = fisch.PlaybackProgramBuilder()
    ((coord, word),) = haldls.encode_write(halco.TimerOnDLS(), haldls.Timer(value=5))
    with pytest.raises(ValueError, match="only be written with value 0"):
        builder.write(coord, word)


def test_jtag_id_marker() -> None:
    with pytest.raises(haldls.errors.ContainerDecodeError, match="lacks the fixed bits 0x1"):
        haldls.JTAGIdCode.decode([0x2484_90AE])
    with pytest.raises(fisch.errors.NotWritableError):
        haldls.encode_write(halco.JTAGIdCodeOnDLS(), haldls.JTAGIdCode())


def test_spike_pack_labels() -> None:
    pack = haldls.SpikePack2ToChip()
    pack.labels[1] = halco.SpikeLabel(7)
    assert pack.encode() == [fisch.SpikePack2ToChip((halco.SpikeLabel(0), halco.SpikeLabel(7)))]
    with pytest.raises(ValueError, match="needs 2 values"):
        pack.labels = [1, 2, 3]
