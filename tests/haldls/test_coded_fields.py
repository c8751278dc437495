"""Fields stored as a code of their value: offset binary, thermometer, value - 1, one-hot cell."""

from __future__ import annotations

import numpy as np
import pytest

import haldls
from haldls.errors import ContainerDecodeError


def test_cadc_offset_is_offset_binary() -> None:
    assert haldls.CADCChannelConfig(offset=0).encode_words() == [0x80]
    assert haldls.CADCChannelConfig.decode([0x00]).offset == haldls.CADCChannelConfig.Offset(-128)
    cols = haldls.CADCChannelConfig.decode_columns(np.array([[0xFF], [0x7D]]))
    assert cols["offset"].tolist() == [127, -3]


def test_current_dac_thermometer() -> None:
    # 0xA7: LSBs 0x27 binary, MSBs 2 as thermometer 0b011 in bits 8-10
    assert haldls.CurrentDAC(current=0xA7).encode_words() == [0x327]
    with pytest.raises(ContainerDecodeError, match="encode"):
        haldls.CurrentDAC.decode([0x200])  # thermometer 0b010 is no pattern
    with pytest.raises(ContainerDecodeError, match="current"):
        haldls.CurrentDAC.decode_columns(np.array([[0x500]]))  # 0b101


def test_pll_pre_divider_is_stored_minus_one() -> None:
    words = haldls.ADPLL(pre_div_p0=4).encode_words()
    assert (words[0] >> 25) & 0x3 == 3
    with pytest.raises(ContainerDecodeError):
        haldls.ADPLL.decode([words[0] & ~(0x3 << 25), *words[1:]])  # code 0 -> 1, outside 2..4
