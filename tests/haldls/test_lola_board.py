"""lola DACChannelBlock and DACControlBlock: presets, voltages, words and addresses.

Expected values come from the facts (upstream lola dac.cpp): the LDO presets by channel name,
the reference voltages per channel; expected words and addresses from the haldls leaves
``DACChannel`` and ``DACControl`` at halco coordinates, never from the aggregates under test.
"""

from __future__ import annotations

import pickle

import pytest

import fisch
import halco
import haldls.lola
import stadls
from halco import DACChannelBlockOnBoard, DACChannelOnBoard, DACChannelOnDAC, DACOnBoard
from haldls import ContainerList, DACChannel, DACControl
from haldls.lola import DACChannelBlock, DACControlBlock

WITH_2V5 = ("i_ref_board", "ana_readout_debug_0", "ana_readout_debug_1", "mux_dac_25")
WITH_1V2 = ("v_reset", "v_res_meas", "mux_rfu_0", "mux_rfu_1")
WITH_LDO = (
    "vdd25_digital",
    "vdd12_digital",
    "vdd25_analog",
    "vdd12_analog",
    "vdd12_madc",
    "vdd12_pll",
    "general_purpose_0",
    "general_purpose_1",
)

LDO_1 = {
    "vdd25_digital": 275,
    "vdd25_analog": 275,
    "vdd12_digital": 315,
    "vdd12_analog": 315,
    "vdd12_madc": 440,
    "vdd12_pll": 440,
}
LDO_2 = {
    "vdd25_digital": 608,
    "vdd25_analog": 608,
    "vdd12_digital": 2090,
    "vdd12_analog": 1630,
    "vdd12_madc": 440,
    "vdd12_pll": 440,
}


def channel(name: str) -> DACChannelOnBoard:
    c = getattr(DACChannelOnBoard, name)
    assert isinstance(c, DACChannelOnBoard)
    return c


def codes(block: DACChannelBlock) -> dict[str, int]:
    """The non-zero codes by channel name."""
    names = WITH_1V2 + WITH_2V5 + WITH_LDO
    return {n: int(block.value[channel(n)]) for n in names if int(block.value[channel(n)])}


# -- DACChannelBlock -----------------------------------------------------------------------------
def test_channel_block_defaults_and_presets() -> None:
    assert [int(v) for v in DACChannelBlock().value] == [0] * 16
    assert codes(DACChannelBlock.default_ldo_1) == LDO_1
    assert codes(DACChannelBlock.default_ldo_2) == LDO_2
    assert DACChannelBlock.Value is DACChannel.Value


def test_presets_are_fresh_on_each_access() -> None:
    block = DACChannelBlock.default_ldo_2
    block.value[channel("vdd12_pll")] = 0
    assert codes(DACChannelBlock.default_ldo_2) == LDO_2
    assert DACChannelBlock().default_ldo_1 == DACChannelBlock.default_ldo_1
    assert DACChannelBlock.default_ldo_1 is not DACChannelBlock.default_ldo_1


@pytest.mark.parametrize(
    ("name", "reference"), [(n, 2.5) for n in WITH_2V5] + [(n, 1.2) for n in WITH_1V2]
)
def test_voltages(name: str, reference: float) -> None:
    block = DACChannelBlock()
    c = channel(name)
    block.set_voltage(c, reference)
    assert int(block.value[c]) == 4095
    assert block.get_voltage(c) == pytest.approx(reference)
    block.set_voltage(c, reference / 2)
    assert int(block.value[c]) == 2047  # 2047.5 truncated
    assert block.get_voltage(c) == pytest.approx(2047 / 4095 * reference)
    block.set_voltage(c, 0)
    assert int(block.value[c]) == 0 and block.get_voltage(c) == 0
    block.set_voltage(int(c.toEnum()), 0.1)  # plain enums are accepted
    assert int(block.value[c]) == int(0.1 / reference * 4095)
    others = [int(v) for i, v in enumerate(block.value) if i != int(c.toEnum())]
    assert others == [0] * 15


@pytest.mark.parametrize("name", WITH_LDO)
def test_ldo_channels_refuse_voltages(name: str) -> None:
    block = DACChannelBlock.default_ldo_2
    with pytest.raises(ValueError, match=f"channel {name} feeds an LDO"):
        block.set_voltage(channel(name), 1.0)
    with pytest.raises(ValueError, match=f"channel {name} feeds an LDO"):
        block.get_voltage(channel(name))
    assert block == DACChannelBlock.default_ldo_2


@pytest.mark.parametrize("volts", [-0.01, 1.21, float("nan"), float("inf")])
def test_voltages_outside_the_range_are_refused(volts: float) -> None:
    block = DACChannelBlock()
    with pytest.raises(ValueError, match=r"v_reset takes 0 to 1\.2 V"):
        block.set_voltage(channel("v_reset"), volts)
    assert block == DACChannelBlock()


def test_channel_values_are_checked() -> None:
    block = DACChannelBlock()
    with pytest.raises(ValueError):
        block.value[0] = 4096
    with pytest.raises(ValueError):
        block.value = [0] * 15
    with pytest.raises(halco.errors.CoordinateTypeError):
        block.set_voltage(DACOnBoard(0), 1.0)


def test_channel_block_words_and_addresses() -> None:
    block = DACChannelBlock.default_ldo_2
    block.set_voltage(channel("i_ref_board"), 1.25)
    addresses, words = block.encode_write_arrays(DACChannelBlockOnBoard())
    expected_addresses, expected_words = [], []
    for e in range(16):
        leaf = DACChannel(value=int(block.value[e]))
        (address,) = DACChannel.addresses(DACChannelOnBoard(e))
        expected_addresses.append(int(address))
        expected_words += leaf.encode_words()
    assert addresses.tolist() == expected_addresses == list(range(16))
    assert words.tolist() == expected_words
    assert words[int(channel("i_ref_board").toEnum())] == 2047
    assert [(int(c.toEnum()), leaf) for c, leaf in block.leaves()] == [
        (e, DACChannel(value=int(block.value[e]))) for e in range(16)
    ]


def test_channel_block_differential_write() -> None:
    block = DACChannelBlock.default_ldo_2
    block.set_voltage(channel("v_res_meas"), 0.3)
    addresses, words = block.encode_write_arrays(reference=DACChannelBlock.default_ldo_2)
    assert addresses.tolist() == [int(channel("v_res_meas").toEnum())]
    assert words.tolist() == [int(0.3 / 1.2 * 4095)]


# -- DACControlBlock -----------------------------------------------------------------------------
def test_control_block_words_and_addresses() -> None:
    block = DACControlBlock()
    assert list(block.enable) == [True] * 16
    off = DACChannelOnBoard(DACChannelOnDAC(2), DACOnBoard(1))
    block.enable[off] = False
    addresses, words = block.encode_write_arrays()
    expected_addresses, expected_words = [], []
    for d in range(2):
        leaf = DACControl()
        if d == 1:
            leaf.set_enable_channel(DACChannelOnDAC(2), False)
        expected_addresses += [int(a) for a in DACControl.addresses(DACOnBoard(d))]
        expected_words += leaf.encode_words()
    assert addresses.tolist() == expected_addresses
    assert words.tolist() == expected_words == [12, 0, 12, 0b100]  # power-down bit 2 of DAC 1
    only_two = DACControlBlock(enable=[i == 2 for i in range(16)])
    assert only_two.encode_array().tolist() == [12, 0xFB, 12, 0xFF]  # facts: upstream test
    assert [c for c, _ in block.leaves()] == [DACOnBoard(0), DACOnBoard(1)]
    diff_addresses, diff_words = block.encode_write_arrays(reference=DACControlBlock())
    assert (diff_addresses.tolist(), diff_words.tolist()) == ([expected_addresses[3]], [4])


def test_control_block_values_are_checked() -> None:
    block = DACControlBlock()
    with pytest.raises(TypeError):
        block.enable[0] = "yes"
    with pytest.raises(ValueError):
        block.enable = [True] * 8


# -- both ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [DACChannelBlock, DACControlBlock])
def test_write_only_and_registered(cls: type[haldls.lola.Aggregate]) -> None:
    assert not cls.is_readable and cls.is_writable
    assert haldls.lola.containers[cls.__name__] is cls
    assert cls.__name__ in haldls.lola.__all__ and getattr(haldls.lola, cls.__name__) is cls
    # the builder writes the block as its leaves' SPI words, exactly as leaf by leaf
    block = cls()
    direct = stadls.PlaybackProgramBuilder()
    direct.write(cls.coordinate_type(), block)
    leafwise = stadls.PlaybackProgramBuilder()
    for leaf_coord, leaf in block.leaves():
        leafwise.write(leaf_coord, leaf)
    assert direct.done() == leafwise.done()
    builder = stadls.PlaybackProgramBuilder()
    with pytest.raises(fisch.errors.NotReadableError):
        builder.read(cls.coordinate_type(), cls)


def test_container_lists_pickle_and_copies() -> None:
    block = DACChannelBlock.default_ldo_1
    block.set_voltage(channel("mux_dac_25"), 2.0)
    control = DACControlBlock(enable=[i % 3 != 0 for i in range(16)])
    for x in (block, control):
        cls = type(x)
        listing = x.to_container_list()
        assert cls.from_container_list(ContainerList.from_binary(listing.to_binary())) == x
        assert cls.decode_array(x.encode_array()) == x
        assert pickle.loads(pickle.dumps(x)) == x
        y = x.copy()
        assert y == x and y is not x
    copy = block.copy()
    copy.value[0] = 1
    assert int(block.value[0]) == 0
    # a single leaf over the default
    leaf = [(DACChannelOnBoard(4), DACChannel(value=99))]
    assert int(DACChannelBlock.from_container_list(leaf).value[4]) == 99
