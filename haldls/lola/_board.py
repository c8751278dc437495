"""xBoard DAC aggregates: ``DACChannelBlock`` (all 16 channel values) and ``DACControlBlock``.

Both are write-only, as their leaves ``DACChannel`` and ``DACControl`` are: the board DACs cannot
be read back. ``decode_array`` still turns words into a block (for container lists), but a
builder refuses to read them. Their leaves travel as the fisch SPI DAC words, not as Omnibus
words (a builder writes an aggregate as its leaves' default word type).

>>> block = DACChannelBlock.default_ldo_2
>>> block.set_voltage(DACChannelOnBoard.v_reset, 0.6)
>>> int(block.value[DACChannelOnBoard.v_reset])
2047
>>> round(block.get_voltage(DACChannelOnBoard.v_reset), 4)
0.5999
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from halco import DACChannelBlockOnBoard, DACChannelOnBoard, DACControlBlockOnBoard, DACOnBoard
from halco.common import Coordinate
from haldls._board import DACChannel, DACControl
from haldls.lola._base import Aggregate, Slot, ValueArrayField

__all__ = ["DACChannelBlock", "DACControlBlock"]

_N = DACChannelOnBoard.size
#: Channels per DAC (``DACChannelOnDAC``): channel c of DAC d is ``DACChannelOnBoard`` 8 d + c.
_PER_DAC = _N // DACOnBoard.size

#: halco's static name of each DACChannelOnBoard, by enum (for messages).
_NAMES = {
    int(v.toEnum()): name
    for name, v in vars(DACChannelOnBoard).items()
    if isinstance(v, DACChannelOnBoard)
}

#: Full-scale voltage (V) of each channel without an LDO; the other channels set supplies.
_REFERENCE = {
    **dict.fromkeys(
        ("i_ref_board", "ana_readout_debug_0", "ana_readout_debug_1", "mux_dac_25"), 2.5
    ),
    **dict.fromkeys(("v_reset", "v_res_meas", "mux_rfu_0", "mux_rfu_1"), 1.2),
}


class _Preset:
    """A class attribute that returns a new block with the given channel codes on each access.

    Presets thus stay as upstream defines them, whatever a user does with the block returned.
    """

    def __init__(self, doc: str, **codes: int) -> None:
        self.__doc__ = doc
        self.codes = codes

    def __get__(self, obj: object, owner: type[DACChannelBlock]) -> DACChannelBlock:
        block = owner()
        for name, code in self.codes.items():
            block.value[getattr(DACChannelOnBoard, name)] = code
        return block


class DACChannelBlock(Aggregate):
    """The values of all 16 xBoard DAC channels (``value[DACChannelOnBoard]``, default 0).

    Visits one ``DACChannel`` per ``DACChannelOnBoard``, in enum order. ``default_ldo_1`` and
    ``default_ldo_2`` are the supply settings for the two LDO versions of the xBoard (each
    access returns a new block). Write-only.
    """

    coordinate_type = DACChannelBlockOnBoard
    is_readable = False
    Value = DACChannel.Value
    value = ValueArrayField(DACChannelOnBoard, DACChannel.Value, 0, "Each channel's 12-bit code.")

    default_ldo_1 = _Preset(
        "Supply codes of xBoard LDO version 1.",
        vdd25_digital=4095 - 3820,
        vdd25_analog=4095 - 3820,
        vdd12_digital=4095 - 3780,
        vdd12_analog=4095 - 3780,
        vdd12_madc=4095 - 3655,
        vdd12_pll=4095 - 3655,
    )
    default_ldo_2 = _Preset(
        "Supply codes of xBoard LDO version 2 (the default of a cube board init).",
        vdd25_digital=4095 - 3487,
        vdd25_analog=4095 - 3487,
        vdd12_digital=4095 - 2005,
        vdd12_analog=4095 - 2465,
        vdd12_madc=4095 - 3655,
        vdd12_pll=4095 - 3655,
    )

    @staticmethod
    def _reference(channel: Any) -> tuple[DACChannelOnBoard, float]:
        c = DACChannelOnBoard._coerce(channel, "DACChannelBlock", "channel")
        name = _NAMES[int(c.toEnum())]
        if name not in _REFERENCE:
            raise ValueError(
                f"DACChannelBlock: channel {name} feeds an LDO; voltages can be set only for the "
                f"channels without LDOs ({', '.join(_REFERENCE)})"
            )
        return c, _REFERENCE[name]

    def set_voltage(self, channel: Any, volts: float) -> None:
        """Set ``channel`` to ``volts`` (code = volts / reference * 4095, truncated).

        The reference is 2.5 V for i_ref_board, ana_readout_debug_0/1 and mux_dac_25, 1.2 V for
        v_reset, v_res_meas and mux_rfu_0/1.

        Raises
        ------
        ValueError
            If ``channel`` feeds an LDO, or ``volts`` lies outside 0 to the reference.
        CoordinateTypeError
            If ``channel`` is not a ``DACChannelOnBoard``.
        """
        c, reference = self._reference(channel)
        code = float(volts) / reference * DACChannel.Value.max
        if math.isnan(code) or not 0 <= code < DACChannel.Value.max + 1:
            raise ValueError(
                f"DACChannelBlock: channel {_NAMES[int(c.toEnum())]} takes 0 to {reference} V, "
                f"got {volts}"
            )
        self.value[c] = int(code)

    def get_voltage(self, channel: Any) -> float:
        """Return the voltage (V) ``channel`` is set to (code / 4095 * reference).

        Raises
        ------
        ValueError
            If ``channel`` feeds an LDO.
        CoordinateTypeError
            If ``channel`` is not a ``DACChannelOnBoard``.
        """
        c, reference = self._reference(channel)
        return int(self.value[c]) / DACChannel.Value.max * reference

    def _visit(self, coord: Any) -> Iterator[Slot]:
        values = self._values

        def coords() -> list[Coordinate]:
            return [DACChannelOnBoard(e) for e in range(_N)]

        def get() -> dict[str, npt.NDArray[np.int64]]:
            return {"value": np.array([int(v) for v in values["value"]], np.int64)}

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            values["value"] = type(self).value.make_array(columns["value"].tolist())

        yield Slot(DACChannel, _N, coords, get, set_)


class DACControlBlock(Aggregate):
    """Which of the 16 xBoard DAC channels are powered (``enable[DACChannelOnBoard]``, all on).

    Visits one ``DACControl`` per ``DACOnBoard``; DAC d takes the entries of its channels
    ``DACChannelOnBoard(c, d)``. Write-only.
    """

    coordinate_type = DACControlBlockOnBoard
    is_readable = False
    enable = ValueArrayField(DACChannelOnBoard, bool, True, "Whether each channel is powered.")

    def _visit(self, coord: Any) -> Iterator[Slot]:
        values = self._values

        def coords() -> list[Coordinate]:
            return [DACOnBoard(d) for d in range(DACOnBoard.size)]

        def get() -> dict[str, npt.NDArray[np.int64]]:
            flags = np.array([bool(v) for v in values["enable"]], np.int64)
            return {"enable_channel": flags.reshape(DACOnBoard.size, _PER_DAC)}

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            flags = columns["enable_channel"].reshape(-1).tolist()
            values["enable"] = type(self).enable.make_array(bool(f) for f in flags)

        yield Slot(DACControl, DACOnBoard.size, coords, get, set_)
