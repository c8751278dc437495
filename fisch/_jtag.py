"""JTAG word containers: clock scaler, TAP reset, ID code, PLL and PHY registers, Omnibus over JTAG.

JTAG accesses are sequences of ``to_fpga_jtag.Ins`` (select an instruction register) and
``to_fpga_jtag.Data`` (shift ``num_bits`` bits; ``keep_response`` returns the shifted-out bits as a
``jtag_from_hicann.Data`` message) — reference §4.1 and §6.1.
"""

from __future__ import annotations

from fisch._container import Container
from fisch._instructions import instruction
from fisch._words import NoValue
from halco import (
    JTAGClockScalerOnDLS,
    JTAGIdCodeOnDLS,
    JTAGPhyRegisterOnDLS,
    JTAGPLLRegisterOnDLS,
    OmnibusChipOverJTAGAddress,
    ResetJTAGTapOnDLS,
)
from halco.common import BaseType, Coordinate, Ranged

__all__ = [
    "JTAGClockScaler",
    "JTAGIdCode",
    "JTAGPLLRegister",
    "JTAGPhyRegister",
    "OmnibusChipOverJTAG",
    "ResetJTAGTap",
]

_INS = instruction("to_fpga_jtag.Ins")
_DATA = instruction("to_fpga_jtag.Data")
_IR = _INS.constants
#: Bits of the PLL register address shifted in before ``SHIFT_PLL`` (HX v3: 4).
PLL_REGISTER_ADDRESS_BITS = 4


def _ins(register: int) -> int:
    return _INS.encode(register)


def _data(num_bits: int, payload: int = 0, keep_response: bool = False) -> int:
    return _DATA.encode(
        _DATA.pack(payload=payload, num_bits=num_bits, keep_response=int(keep_response))
    )


class JTAGClockScaler(Container):
    """Divider of the JTAG clock (``to_fpga_jtag.Scaler``)."""

    __slots__ = ()
    coordinate_type = JTAGClockScalerOnDLS

    class Value(Ranged, max=0xFF):
        """Clock divider, 0..255."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        return [instruction("to_fpga_jtag.Scaler").encode(self._value._e)]


class ResetJTAGTap(NoValue):
    """Resets the JTAG TAP state machine (``to_fpga_jtag.Init``)."""

    __slots__ = ()
    coordinate_type = ResetJTAGTapOnDLS

    def _write(self, coord: Coordinate) -> list[int]:
        return [instruction("to_fpga_jtag.Init").encode()]


class JTAGIdCode(Container):
    """The chip's 32-bit JTAG ID code (read-only)."""

    __slots__ = ()
    coordinate_type = JTAGIdCodeOnDLS
    is_readable = True
    is_writable = False
    response_queue = "jtag"
    decode_ut_message_count = 1

    class Value(BaseType, bits=32):
        """JTAG ID code."""

        __slots__ = ()

    @classmethod
    def _read(cls, coord: Coordinate) -> list[int]:
        return [_ins(_IR["IDCODE"]), _data(32, 0, keep_response=True)]


class JTAGPLLRegister(Container):
    """A 32-bit PLL configuration register written over JTAG (write-only)."""

    __slots__ = ()
    coordinate_type = JTAGPLLRegisterOnDLS

    class Value(BaseType, bits=32):
        """Register content."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        return [
            _ins(_IR["PLL_TARGET_REG"]),
            _data(PLL_REGISTER_ADDRESS_BITS, coord._e),
            _ins(_IR["SHIFT_PLL"]),
            _data(32, self._value._e),
        ]


class JTAGPhyRegister(Container):
    """A 22-bit chip PHY configuration register written over JTAG (write-only)."""

    __slots__ = ()
    coordinate_type = JTAGPhyRegisterOnDLS

    class Value(Ranged, max=(1 << 22) - 1):
        """Register content, 22 bits."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        # instruction register: 1 << 6 selects the PHY block, bits 5-3 the PHY, 4 = write
        return [_ins((1 << 6) | (coord._e << 3) | 4), _data(22, self._value._e)]


class OmnibusChipOverJTAG(Container):
    """A 32-bit word on the chip's Omnibus, reached over JTAG (works before the highspeed link)."""

    __slots__ = ()
    coordinate_type = OmnibusChipOverJTAGAddress
    is_readable = True
    response_queue = "jtag"
    decode_ut_message_count = 1

    class Value(BaseType, bits=32):
        """Word value."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        return [
            _ins(_IR["OMNIBUS_ADDRESS"]),
            _data(33, coord._e),
            _ins(_IR["OMNIBUS_DATA"]),
            _data(32, self._value._e),
            _ins(_IR["OMNIBUS_REQUEST"]),
            _data(3, 0),
        ]

    @classmethod
    def _read(cls, coord: Coordinate) -> list[int]:
        return [
            _ins(_IR["OMNIBUS_ADDRESS"]),
            _data(33, coord._e | (1 << 32)),  # bit 32: read
            _ins(_IR["OMNIBUS_REQUEST"]),
            _data(3, 0),
            _ins(_IR["OMNIBUS_DATA"]),
            _data(32, 0, keep_response=True),
        ]
