"""I2C register coordinates of the board devices (what the fisch I2C words are written to).

``Ro`` registers can only be read, ``Rw`` registers read and written. Compound coordinates follow
the mixin rule ``enum = outer * inner.size + inner``, e.g. ``I2CINA219RoRegisterOnBoard`` is
``ina219 * 4 + register``.
"""

from __future__ import annotations

from typing import ClassVar

from halco._base import Coordinate, Mixin, Ranged
from halco._board import INA219OnBoard
from halco._jboa import (
    AD5252ChannelOnAD5252,
    AD5252ChannelOnBoard,
    DAC6573ChannelOnDAC6573,
    DAC6573OnBoard,
    TCA9554OnBoard,
)

__all__ = [
    "I2CAD5252RwRegisterOnAD5252Channel",
    "I2CAD5252RwRegisterOnBoard",
    "I2CDAC6573RwRegisterOnBoard",
    "I2CINA219RoRegisterOnBoard",
    "I2CINA219RoRegisterOnINA219",
    "I2CINA219RwRegisterOnBoard",
    "I2CINA219RwRegisterOnINA219",
    "I2CTCA9546RegisterOnBoard",
    "I2CTCA9554RoRegisterOnBoard",
    "I2CTCA9554RoRegisterOnTCA9554",
    "I2CTCA9554RwRegisterOnBoard",
    "I2CTCA9554RwRegisterOnTCA9554",
]


def _statics(cls: type[Coordinate], names: tuple[str, ...]) -> None:
    for i, name in enumerate(names):
        setattr(cls, name, cls._from_enum(i))


# -- INA219 supply monitors ---------------------------------------------------------------------
class I2CINA219RoRegisterOnINA219(Ranged, max=3):
    """Read-only register of an INA219: ``shunt``, ``bus``, ``power``, ``current``."""

    __slots__ = ()


_statics(I2CINA219RoRegisterOnINA219, ("shunt", "bus", "power", "current"))


class I2CINA219RwRegisterOnINA219(Ranged, max=1):
    """Read/write register of an INA219: ``config``, ``calibration``."""

    __slots__ = ()


_statics(I2CINA219RwRegisterOnINA219, ("config", "calibration"))


class I2CINA219RoRegisterOnBoard(
    Mixin, local=I2CINA219RoRegisterOnINA219, outer=INA219OnBoard, names=("register", "ina219")
):
    """Read-only register of one of the 6 INA219s (``ina219 * 4 + register``)."""

    __slots__ = ()


class I2CINA219RwRegisterOnBoard(
    Mixin, local=I2CINA219RwRegisterOnINA219, outer=INA219OnBoard, names=("register", "ina219")
):
    """Read/write register of one of the 6 INA219s (``ina219 * 2 + register``)."""

    __slots__ = ()


# -- TCA9554 GPIO expander ----------------------------------------------------------------------
class I2CTCA9554RoRegisterOnTCA9554(Ranged, max=0):
    """Read-only register of the TCA9554: ``inputs``."""

    __slots__ = ()


_statics(I2CTCA9554RoRegisterOnTCA9554, ("inputs",))


class I2CTCA9554RwRegisterOnTCA9554(Ranged, max=2):
    """Read/write register of the TCA9554: ``outputs``, ``polarity``, ``config``."""

    __slots__ = ()


_statics(I2CTCA9554RwRegisterOnTCA9554, ("outputs", "polarity", "config"))


class I2CTCA9554RoRegisterOnBoard(
    Mixin, local=I2CTCA9554RoRegisterOnTCA9554, outer=TCA9554OnBoard, names=("register", "tca9554")
):
    """Read-only register of a TCA9554 on the board."""

    __slots__ = ()


class I2CTCA9554RwRegisterOnBoard(
    Mixin, local=I2CTCA9554RwRegisterOnTCA9554, outer=TCA9554OnBoard, names=("register", "tca9554")
):
    """Read/write register of a TCA9554 on the board (``tca9554 * 3 + register``)."""

    __slots__ = ()


# -- AD5252 potentiometers, DAC6573, TCA9546 ----------------------------------------------------
class I2CAD5252RwRegisterOnAD5252Channel(Ranged, max=1):
    """Wiper register of a potentiometer channel: ``rdac_volatile``, ``eemem_persistent``.

    The register byte is the prefix of the kind plus the wiper's channel number (1 or 3).
    """

    __slots__ = ()
    #: Instruction prefix of the volatile wiper register (RDAC).
    rdac_volatile_prefix: ClassVar[int] = 0x00
    #: Instruction prefix of the persistent wiper register (EEMEM).
    eemem_persistent_prefix: ClassVar[int] = 0x20


_statics(I2CAD5252RwRegisterOnAD5252Channel, ("rdac_volatile", "eemem_persistent"))


class I2CAD5252RwRegisterOnBoard(
    Mixin,
    local=I2CAD5252RwRegisterOnAD5252Channel,
    outer=AD5252ChannelOnBoard,
    names=("register", "channel"),
):
    """Wiper register of one of the 6 potentiometer channels (``channel * 2 + register``)."""

    __slots__ = ()

    def toAD5252ChannelOnAD5252(self) -> AD5252ChannelOnAD5252:
        """Return the wiper channel within its AD5252."""
        channel: AD5252ChannelOnAD5252 = self._outer().toAD5252ChannelOnAD5252()
        return channel


class I2CDAC6573RwRegisterOnBoard(
    Mixin, local=DAC6573ChannelOnDAC6573, outer=DAC6573OnBoard, names=("channel", "dac6573")
):
    """Data register of a DAC6573 channel (``dac6573 * 4 + channel``)."""

    __slots__ = ()
    #: Register byte of channel 0; channel ``c`` is at ``register_base_addr + 2 * c``.
    register_base_addr: ClassVar[int] = 0x10


class I2CTCA9546RegisterOnBoard(Ranged, max=0):
    """Control register of the TCA9546 I2C multiplexer."""

    __slots__ = ()
