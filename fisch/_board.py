"""Board-level words: the SPI shift register and DACs, and the I2C device registers.

Both buses are reached through Omnibus masters in the FPGA; every access below is a plain
``Omnibus`` write (byte enables 0xF) or read, so each word is a short sequence of Omnibus UT
messages (reference: the real fisch ``spi``/``i2c`` words).

SPI (master at ``0x8800_7000``): the master collects the low byte of each data word written to
one address, which picks the slave (shift register ``0x8800_7001``, DAC ``d`` at
``0x8800_7002 + 2d``); a data word with bit 31 set (``0x8000_0000``) ends the frame and sends it.
SPI words are write-only.

I2C (master at ``0x8800_7800``): the low 7 address bits are the device's I2C address; OR-ing
``0x80`` into the address makes the master send a stop after that access. A write sends the
register byte and then the value, most significant byte first, with the stop on the last byte.
A read writes the register byte, then reads N bytes (stop on the last); each of the N responses
carries one byte (first = most significant); bit 31 set means the device did not acknowledge,
and ``decode`` raises ``I2CAckMissingError``. The read-only (``Ro``) words are not writable here
(the real fisch gives them a write that emits nothing); writing one raises ``NotWritableError``.
The master's clock prescaler (``0x8800_7A00``) is not written by these words.

>>> from halco import I2CTCA9554RwRegisterOnBoard, I2CTCA9554RwRegisterOnTCA9554
>>> coord = I2CTCA9554RwRegisterOnBoard(I2CTCA9554RwRegisterOnTCA9554.polarity)
>>> [hex(w) for w in I2CTCA9554RwRegister(0x55).encode_write(coord)]
['0xb00000f88007838', '0xc00000000000002', '0xb00000f880078b8', '0xc00000000000055']
>>> I2CTCA9554RwRegister.decode([0x55])
I2CTCA9554RwRegister(85)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Self

from fisch._container import Container
from fisch._words import Omnibus
from fisch.errors import RunError
from halco import (
    I2CAD5252RwRegisterOnAD5252Channel,
    I2CAD5252RwRegisterOnBoard,
    I2CDAC6573RwRegisterOnBoard,
    I2CIdRegisterOnBoard,
    I2CINA219RoRegisterOnBoard,
    I2CINA219RwRegisterOnBoard,
    I2CTCA9546RegisterOnBoard,
    I2CTCA9554RoRegisterOnBoard,
    I2CTCA9554RwRegisterOnBoard,
    I2CTempRegisterOnBoard,
    OmnibusAddress,
    SPIDACControlRegisterOnBoard,
    SPIDACControlRegisterOnDAC,
    SPIDACDataRegisterOnBoard,
    SPIShiftRegisterOnBoard,
)
from halco.common import Coordinate, Ranged

__all__ = [
    "I2CAD5252RwRegister",
    "I2CAckMissingError",
    "I2CDAC6573RwRegister",
    "I2CINA219RoRegister",
    "I2CINA219RwRegister",
    "I2CIdRegister",
    "I2CTCA9546Register",
    "I2CTCA9554RoRegister",
    "I2CTCA9554RwRegister",
    "I2CTempRegister",
    "SPIDACControlRegister",
    "SPIDACDataRegister",
    "SPIShiftRegister",
]

#: Omnibus base address of the SPI master.
SPI_OVER_OMNIBUS_MASK = 0x8800_7000
#: Data-word flag ending an SPI frame.
SPI_OVER_OMNIBUS_STOP_BIT = 0x8000_0000
#: Omnibus base address of the I2C master (plus the 7-bit device address).
I2C_OVER_OMNIBUS_MASK = 0x8800_7800
#: Address flag: stop after this I2C access.
I2C_OVER_OMNIBUS_STOP = 0x80
#: Address flag: repeated start before this access (defined as in the real fisch, never used).
I2C_OVER_OMNIBUS_REPEAT_START = 0x100
#: Omnibus address of the I2C master's clock prescaler (the real hardware tests write 313).
I2C_PRESCALER_ADDRESS = 0x8800_7A00
#: Bit of an I2C read response that flags a missing acknowledge.
I2C_ACK_MISSING_BIT = 1 << 31

_SPI_SHIFT_REGISTER_ADDRESS = SPI_OVER_OMNIBUS_MASK | 1
#: Value the SPI DAC words write to the ``ldac`` control register after each data write.
_LDAC_UPDATE = 0x2
_LDAC: SPIDACControlRegisterOnDAC = SPIDACControlRegisterOnDAC.ldac  # type: ignore[attr-defined]


class I2CAckMissingError(RunError):
    """An I2C read response has the ack-missing bit (31) set: the device did not answer."""


def _write(address: int, word: int) -> list[int]:
    return Omnibus(word).encode_write(OmnibusAddress(address))


def _read(address: int) -> list[int]:
    return Omnibus.encode_read(OmnibusAddress(address))


def _spi_frame(address: int, data: Sequence[int]) -> list[int]:
    """Return the Omnibus writes of one SPI frame: the stop bit marks the last data word."""
    words: list[int] = []
    for i, d in enumerate(data):
        words += _write(address, d | (SPI_OVER_OMNIBUS_STOP_BIT if i == len(data) - 1 else 0))
    return words


def _spi_dac_address(dac: int) -> int:
    return SPI_OVER_OMNIBUS_MASK | (2 + 2 * dac)


def _qualify(cls: type[Container]) -> None:
    """Name the nested ``Value`` after its container, so range errors name the field."""
    cls.Value.__name__ = f"{cls.__name__}.Value"


# -- SPI ----------------------------------------------------------------------------------------
class SPIShiftRegister(Container):
    """The board's 24-bit shift register, sent as one 3-byte SPI frame (write-only).

    >>> [hex(w & 0xFFFF_FFFF) for w in SPIShiftRegister(0x123456).encode_write(0)][1::2]
    ['0x12', '0x34', '0x80000056']
    """

    __slots__ = ()
    coordinate_type = SPIShiftRegisterOnBoard

    class Value(Ranged, max=0xFF_FFFF):
        """Shift register content, 24 bits."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        v = self._value._e
        return _spi_frame(
            _SPI_SHIFT_REGISTER_ADDRESS, [(v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF]
        )


class SPIDACControlRegister(Container):
    """A control register of a board SPI DAC (write-only).

    The frame is ``0x80 | register << 5`` followed by the value. As in the real fisch the value
    range is 13 bits and the value is sent unmasked in the stop word, although the SPI master
    only sends a data word's low byte (the real stack writes values up to 0xFF).
    """

    __slots__ = ()
    coordinate_type = SPIDACControlRegisterOnBoard

    class Value(Ranged, max=0x1FFF):
        """Register content, 13 bits."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        dac, register = coord.split()  # type: ignore[attr-defined]
        return _spi_frame(_spi_dac_address(dac._e), [0x80 | register._e << 5, self._value._e])


class SPIDACDataRegister(Container):
    """A channel value of a board SPI DAC (write-only).

    The 16-bit frame holds the channel in bits 12-14 and the value in bits 0-11. Each write is
    followed, as in the real fisch, by a write of 0x2 to the same DAC's ``ldac`` control register.
    """

    __slots__ = ()
    coordinate_type = SPIDACDataRegisterOnBoard

    class Value(Ranged, max=0xFFF):
        """DAC value, 12 bits."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        dac, channel = coord.split()  # type: ignore[attr-defined]
        frame = channel._e << 12 | self._value._e
        ldac = SPIDACControlRegisterOnBoard(_LDAC, dac)
        return _spi_frame(_spi_dac_address(dac._e), [frame >> 8, frame & 0xFF]) + (
            SPIDACControlRegister(_LDAC_UPDATE)._write(ldac)
        )


for _cls in (SPIShiftRegister, SPIDACControlRegister, SPIDACDataRegister):
    _qualify(_cls)


# -- I2C ----------------------------------------------------------------------------------------
class _I2CRegister(Container, register=False):
    """Base of the I2C words: a register of ``register_size_bytes`` bytes on one I2C device.

    Subclasses set ``coordinate_type``, ``Value`` and ``_locate``; the byte count and the
    number of read responses follow from ``Value.max``.
    """

    __slots__ = ()
    is_readable = True
    response_queue = "omnibus"
    #: Bytes of the device register (big-endian on the wire).
    register_size_bytes: ClassVar[int]
    #: Position of the value's lowest bit within the register.
    value_shift: ClassVar[int] = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "Value" in cls.__dict__:
            bits = (cls.Value.max << cls.value_shift).bit_length()
            cls.register_size_bytes = cls.decode_ut_message_count = -(-bits // 8)
            _qualify(cls)
        super().__init_subclass__(**kwargs)

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:  # pragma: no cover - abstract
        """Return the 7-bit device address and the register byte of ``coord``."""
        raise NotImplementedError

    def _write(self, coord: Coordinate) -> list[int]:
        device, register = self._locate(coord)
        base = I2C_OVER_OMNIBUS_MASK | device
        n = self.register_size_bytes
        raw = self._value._e << self.value_shift
        words = _write(base, register)
        for i in range(n):
            stop = I2C_OVER_OMNIBUS_STOP if i == n - 1 else 0
            words += _write(base | stop, (raw >> 8 * (n - 1 - i)) & 0xFF)
        return words

    @classmethod
    def _read(cls, coord: Coordinate) -> list[int]:
        device, register = cls._locate(coord)
        base = I2C_OVER_OMNIBUS_MASK | device
        words = _write(base, register)
        for _ in range(cls.register_size_bytes - 1):
            words += _read(base)
        return words + _read(base | I2C_OVER_OMNIBUS_STOP)

    @classmethod
    def _decode(cls, payloads: Sequence[int]) -> Self:
        """Return the register value from one byte per response, most significant first.

        Raises
        ------
        I2CAckMissingError
            If a response has bit 31 set (the device did not acknowledge; data invalid).
        """
        raw = 0
        for i, p in enumerate(payloads):
            word = int(p)
            if word & I2C_ACK_MISSING_BIT:
                raise I2CAckMissingError(
                    f"{cls.__name__}.decode: response {i} of {len(payloads)} is {word:#x}: "
                    f"I2C ack missing (bit 31 set), data invalid"
                )
            raw = raw << 8 | word & 0xFF
        return cls(raw >> cls.value_shift)


class _I2CReadOnly(_I2CRegister, register=False):
    """Base of the read-only I2C words.

    Decision: unlike the real fisch (whose read-only words have a write that emits nothing and
    so count as writable), these are not writable; a write raises ``NotWritableError``.
    """

    __slots__ = ()
    is_writable = False


class I2CIdRegister(_I2CReadOnly):
    """The 32-bit board ID in the EEPROM (device 0x50, bytes 0xFC-0xFF; read-only)."""

    __slots__ = ()
    coordinate_type = I2CIdRegisterOnBoard

    class Value(Ranged, max=0xFFFF_FFFF):
        """Board ID, 32 bits."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        return 0x50, 0xFC


class I2CTempRegister(_I2CReadOnly):
    """Temperature register of the TMP112 sensor (device 0x48, register 0; read-only)."""

    __slots__ = ()
    coordinate_type = I2CTempRegisterOnBoard

    class Value(Ranged, max=0xFFFF):
        """Raw sensor reading, 16 bits."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        return 0x48, 0x00


class I2CINA219RoRegister(_I2CReadOnly):
    """Shunt, bus, power or current register (1-4) of an INA219 (device 0x40 + n; read-only)."""

    __slots__ = ()
    coordinate_type = I2CINA219RoRegisterOnBoard

    class Value(Ranged, max=0xFFFF):
        """Register content, 16 bits."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        ina, register = coord.split()
        return 0x40 + ina._e, register._e + 1


class I2CINA219RwRegister(_I2CRegister):
    """Configuration (0x00) or calibration (0x05) register of an INA219 (device 0x40 + n)."""

    __slots__ = ()
    coordinate_type = I2CINA219RwRegisterOnBoard

    class Value(Ranged, max=0xFFFF):
        """Register content, 16 bits."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        ina, register = coord.split()
        return 0x40 + ina._e, (0x00, 0x05)[register._e]


class I2CTCA9554RoRegister(_I2CReadOnly):
    """Input register (0) of the TCA9554 GPIO expander (device 0x38 + n; read-only)."""

    __slots__ = ()
    coordinate_type = I2CTCA9554RoRegisterOnBoard

    class Value(Ranged, max=0xFF):
        """Input levels, one bit per channel."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        tca, _register = coord.split()
        return 0x38 + tca._e, 0x00


class I2CTCA9554RwRegister(_I2CRegister):
    """Output, polarity or configuration register (1-3) of the TCA9554 (device 0x38 + n)."""

    __slots__ = ()
    coordinate_type = I2CTCA9554RwRegisterOnBoard

    class Value(Ranged, max=0xFF):
        """Register content, one bit per channel."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        tca, register = coord.split()
        return 0x38 + tca._e, register._e + 1


class I2CAD5252RwRegister(_I2CRegister):
    """Volatile (RDAC) or persistent (EEMEM) wiper of an AD5252 channel (device 0x2C + n).

    The register byte is the kind's prefix (0x00 or 0x20) plus the wiper number (1 or 3).
    """

    __slots__ = ()
    coordinate_type = I2CAD5252RwRegisterOnBoard
    _PREFIX = (
        I2CAD5252RwRegisterOnAD5252Channel.rdac_volatile_prefix,
        I2CAD5252RwRegisterOnAD5252Channel.eemem_persistent_prefix,
    )

    class Value(Ranged, max=0xFF):
        """Wiper setting, 8 bits."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        channel, register = coord.split()
        wiper = (1, 3)[channel.toAD5252ChannelOnAD5252()._e]
        return 0x2C + channel.toAD5252OnBoard()._e, cls._PREFIX[register._e] + wiper


class I2CDAC6573RwRegister(_I2CRegister):
    """A channel of the 10-bit DAC6573 (device 0x4C + n, register 0x10 + 2 * channel).

    The value sits in the top 10 bits of the 16-bit register: writes send ``value << 6``,
    reads return the register ``>> 6``.
    """

    __slots__ = ()
    coordinate_type = I2CDAC6573RwRegisterOnBoard
    value_shift = 6

    class Value(Ranged, max=0x3FF):
        """DAC value, 10 bits."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        dac, channel = coord.split()
        return 0x4C + dac._e, I2CDAC6573RwRegisterOnBoard.register_base_addr + (channel._e << 1)


class I2CTCA9546Register(_I2CRegister):
    """Channel enables of the TCA9546 I2C multiplexer (device 0x70; bit i = channel i).

    The mux has a single register and no register byte: a write is one byte with the stop flag,
    a read one byte with the stop flag.

    Decision: the real fisch's generic read first writes 0x00 to the mux, and the mux takes
    every written byte as its control register, so that read disconnects all four channels and
    answers 0. Here a read is the single read access the device defines; it leaves the mux as
    it is and answers what was written.
    """

    __slots__ = ()
    coordinate_type = I2CTCA9546RegisterOnBoard

    class Value(Ranged, max=0xFF):
        """Channel enable mask."""

        __slots__ = ()

    @classmethod
    def _locate(cls, coord: Any) -> tuple[int, int]:
        return 0x70, 0x00

    def _write(self, coord: Coordinate) -> list[int]:
        device, _register = self._locate(coord)
        return _write(I2C_OVER_OMNIBUS_MASK | device | I2C_OVER_OMNIBUS_STOP, self._value._e)

    @classmethod
    def _read(cls, coord: Coordinate) -> list[int]:
        device, _register = cls._locate(coord)
        return _read(I2C_OVER_OMNIBUS_MASK | device | I2C_OVER_OMNIBUS_STOP)
