"""I2C devices of the boards: TCA9554 GPIO expander, AD5252 potentiometers, DAC6573, TCA9546 mux.

The AD5252 digital potentiometers and the 10-bit DAC6573 sit on the multi-chip jBOA board; each
AD5252 has the two wiper channels 1 and 3 (``AD5252ChannelOnAD5252`` 0 and 1). Compound
coordinates follow the mixin rule ``enum = outer * inner.size + inner``.
"""

from __future__ import annotations

from halco._base import Coordinate, Mixin, Ranged, _enum_to

__all__ = [
    "AD5252ChannelConfigOnBoard",
    "AD5252ChannelConfigPersistentOnBoard",
    "AD5252ChannelOnAD5252",
    "AD5252ChannelOnBoard",
    "AD5252OnBoard",
    "DAC6573ChannelOnBoard",
    "DAC6573ChannelOnDAC6573",
    "DAC6573OnBoard",
    "TCA9546ChannelOnBoard",
    "TCA9546OnBoard",
    "TCA9554ChannelOnBoard",
    "TCA9554ConfigOnBoard",
    "TCA9554InputsOnBoard",
    "TCA9554OnBoard",
]


def _statics(cls: type[Coordinate], names: tuple[str, ...]) -> None:
    for i, name in enumerate(names):
        setattr(cls, name, cls._from_enum(i))


def _same_enum(classes: tuple[type[Coordinate], ...]) -> None:
    """Give each class ``to<Other>()`` for every other class (same enum)."""
    for cls in classes:
        for other in classes:
            name = "to" + other.__name__
            if other is not cls and name not in cls.__dict__:
                setattr(cls, name, _enum_to(other))


# -- TCA9554 GPIO expander ----------------------------------------------------------------------
class TCA9554OnBoard(Ranged, max=0):
    """The TCA9554 8-bit I2C GPIO expander (supply and LED switches)."""

    __slots__ = ()


class TCA9554InputsOnBoard(Ranged, max=0):
    """Input levels of the TCA9554's channels."""

    __slots__ = ()


class TCA9554ConfigOnBoard(Ranged, max=0):
    """Configuration of the TCA9554 (outputs, polarity, direction)."""

    __slots__ = ()


_same_enum((TCA9554OnBoard, TCA9554InputsOnBoard, TCA9554ConfigOnBoard))


class TCA9554ChannelOnBoard(Ranged, max=7):
    """One of the 8 TCA9554 channels; named statics such as ``disable_vdd12_madc``."""

    __slots__ = ()

    def toTCA9554OnBoard(self) -> TCA9554OnBoard:
        """Return the expander of this channel (``enum // 8``)."""
        return TCA9554OnBoard._from_enum(self._e // 8)


_TCA9554_CHANNELS = ("disable_vdd25_digital", "disable_vdd12_digital", "disable_vdd12_pll",
                     "disable_vdd12_madc", "disable_vdd25_analog", "disable_vdd12_analog",
                     "disable_led", "disable_power")  # fmt: skip
_statics(TCA9554ChannelOnBoard, _TCA9554_CHANNELS)


# -- AD5252 digital potentiometers --------------------------------------------------------------
class AD5252OnBoard(Ranged, max=2):
    """One of the three AD5252 dual potentiometers, named by the supplies they set."""

    __slots__ = ()


_statics(AD5252OnBoard, ("vdd_25digital_12digital", "vdd_12pll_12madc", "vdd_12analog_25analog"))


class AD5252ChannelOnAD5252(Ranged, max=1):
    """Wiper channel of an AD5252 (the part has channels 1 and 3 only)."""

    __slots__ = ()


_statics(AD5252ChannelOnAD5252, ("channel_1", "channel_3"))

_AD5252_CHANNELS = ("vdd_25digital", "vdd_12digital", "vdd_12pll", "vdd_12madc", "vdd_12analog",
                    "vdd_25analog")  # fmt: skip


class AD5252ChannelOnBoard(
    Mixin, local=AD5252ChannelOnAD5252, outer=AD5252OnBoard, names=("channel", "ad5252")
):
    """One of the 6 potentiometer channels, named by supply (``vdd_25digital`` …)."""

    __slots__ = ()


class AD5252ChannelConfigOnBoard(
    Mixin, local=AD5252ChannelOnAD5252, outer=AD5252OnBoard, names=("channel", "ad5252")
):
    """Volatile wiper setting of a potentiometer channel (same enum as the channel)."""

    __slots__ = ()


class AD5252ChannelConfigPersistentOnBoard(
    Mixin, local=AD5252ChannelOnAD5252, outer=AD5252OnBoard, names=("channel", "ad5252")
):
    """Persistent (EEMEM) wiper setting of a potentiometer channel (same enum as the channel)."""

    __slots__ = ()


_AD5252 = (AD5252ChannelOnBoard, AD5252ChannelConfigOnBoard, AD5252ChannelConfigPersistentOnBoard)
_same_enum(_AD5252)
for _cls in _AD5252:
    _statics(_cls, _AD5252_CHANNELS)


# -- DAC6573 ------------------------------------------------------------------------------------
class DAC6573OnBoard(Ranged, max=0):
    """The 10-bit four-channel I2C DAC6573."""

    __slots__ = ()


class DAC6573ChannelOnDAC6573(Ranged, max=3):
    """Channel of the DAC6573."""

    __slots__ = ()


class DAC6573ChannelOnBoard(
    Mixin, local=DAC6573ChannelOnDAC6573, outer=DAC6573OnBoard, names=("channel", "dac6573")
):
    """One of the DAC6573 channels: ``v_reset``, ``i_ref_board``, ``v_res_meas``, ``v_readout``."""

    __slots__ = ()


_statics(DAC6573ChannelOnBoard, ("v_reset", "i_ref_board", "v_res_meas", "v_readout"))


# -- TCA9546 I2C multiplexer --------------------------------------------------------------------
class TCA9546OnBoard(Ranged, max=0):
    """The TCA9546 four-channel I2C multiplexer."""

    __slots__ = ()


class TCA9546ChannelOnBoard(Ranged, max=3):
    """One of the 4 downstream channels of the TCA9546."""

    __slots__ = ()

    def toTCA9546OnBoard(self) -> TCA9546OnBoard:
        """Return the multiplexer of this channel (``enum // 4``)."""
        return TCA9546OnBoard._from_enum(self._e // 4)
