"""Carrier board peripherals: DACs, shift register, ADC sources, LEDs, supplies, I2C devices."""

from __future__ import annotations

from halco._base import Mixin, Ranged

__all__ = [
    "ADCOnBoard",
    "ADCSourceOnBoard",
    "DACChannelBlockOnBoard",
    "DACChannelOnBoard",
    "DACChannelOnDAC",
    "DACControlBlockOnBoard",
    "DACOnBoard",
    "I2CIdRegisterOnBoard",
    "I2CTempRegisterOnBoard",
    "INA219ConfigOnBoard",
    "INA219OnBoard",
    "INA219StatusOnBoard",
    "LEDOnBoard",
    "SPIDACControlRegisterOnBoard",
    "SPIDACControlRegisterOnDAC",
    "SPIDACDataRegisterOnBoard",
    "SPIDACDataRegisterOnDAC",
    "SPIShiftRegisterOnBoard",
    "ShiftRegisterOnBoard",
    "TMP112StatusOnBoard",
    "VDDOnBoard",
]


_VDD = ("vdd25_digital", "vdd12_digital", "vdd25_analog", "vdd12_analog", "vdd12_madc",
        "vdd12_pll")  # fmt: skip


def _statics(cls: type[Ranged], names: tuple[str, ...]) -> None:
    for i, name in enumerate(names):
        setattr(cls, name, cls(i))


class DACOnBoard(Ranged, max=1):
    """One of the two board DACs."""

    __slots__ = ()


class DACChannelOnDAC(Ranged, max=7):
    """Channel of a board DAC."""

    __slots__ = ()


class DACChannelOnBoard(Mixin, local=DACChannelOnDAC, outer=DACOnBoard, names=("channel", "dac")):
    """One of 16 board DAC channels; named statics such as ``v_reset`` or ``vdd12_madc``."""

    __slots__ = ()

    def toVDDOnBoard(self) -> VDDOnBoard:
        """Return the supply set by this channel.

        Raises
        ------
        ValueError
            If the channel does not set a supply (only DAC 1, channels 0-5 do).
        """
        dac, channel = self.split()
        if dac._e != 1 or channel._e > 5:
            raise ValueError(f"{self!r} sets no VDD supply (only DAC 1, channels 0-5 do)")
        return VDDOnBoard._from_enum(channel._e)


_DAC_CHANNELS = ("v_reset", "v_res_meas", "mux_rfu_0", "mux_rfu_1", "i_ref_board",
                 "ana_readout_debug_0", "ana_readout_debug_1", "mux_dac_25", *_VDD,
                 "general_purpose_0", "general_purpose_1")  # fmt: skip
for _i, _n in enumerate(_DAC_CHANNELS):
    setattr(DACChannelOnBoard, _n, DACChannelOnBoard(_i))


class DACControlBlockOnBoard(Ranged, max=0):
    """Control registers of both board DACs."""

    __slots__ = ()


class DACChannelBlockOnBoard(Ranged, max=0):
    """All board DAC channels."""

    __slots__ = ()


class ShiftRegisterOnBoard(Ranged, max=0):
    """The board's SPI shift register (LEDs, supply enables, ADC mux)."""

    __slots__ = ()


class ADCSourceOnBoard(Ranged, max=9):
    """Input of the board ADC multiplexer."""

    __slots__ = ()


_statics(ADCSourceOnBoard, ("readout_chain_0", "readout_chain_1", "mux_rfu_0", "v_reset",
                            "vdd_res_meas", "mux_dac_25", "i_ref", "mux_rfu_1", "mux_rfu_2",
                            "none"))  # fmt: skip


class LEDOnBoard(Ranged, max=5):
    """One of the board LEDs."""

    __slots__ = ()


_statics(LEDOnBoard, ("led_1", "led_2", "led_3", "led_4", "led_7", "led_8"))


class VDDOnBoard(Ranged, max=5):
    """One of the six chip supplies."""

    __slots__ = ()

    def toDACChannelOnBoard(self) -> DACChannelOnBoard:
        """Return the DAC channel setting this supply (DAC 1)."""
        return DACChannelOnBoard(DACChannelOnDAC(self._e), DACOnBoard(1))


_statics(VDDOnBoard, _VDD)


class ADCOnBoard(Ranged, max=0):
    """The board ADC."""

    __slots__ = ()


class INA219OnBoard(Ranged, max=5):
    """Current/voltage monitor of one supply."""

    __slots__ = ()


class INA219ConfigOnBoard(Ranged, max=5):
    """Configuration of a supply monitor."""

    __slots__ = ()


class INA219StatusOnBoard(Ranged, max=5):
    """Readings of a supply monitor."""

    __slots__ = ()


#: INA219 order as in the real halco; it differs from ``VDDOnBoard`` (1.2 V first).
_INA219 = ("vdd12_digital", "vdd25_digital", "vdd12_analog", "vdd25_analog", "vdd12_madc",
           "vdd12_pll")  # fmt: skip
for _cls in (INA219OnBoard, INA219ConfigOnBoard, INA219StatusOnBoard):
    _statics(_cls, _INA219)
    for _other in (INA219OnBoard, INA219ConfigOnBoard, INA219StatusOnBoard):
        if _other is not _cls:
            setattr(_cls, "to" + _other.__name__, lambda self, _t=_other: _t._from_enum(self._e))


class SPIShiftRegisterOnBoard(Ranged, max=0):
    """SPI access to the shift register."""

    __slots__ = ()


class SPIDACDataRegisterOnDAC(Ranged, max=7):
    """Data register of a board DAC channel."""

    __slots__ = ()


class SPIDACControlRegisterOnDAC(Ranged, max=3):
    """Control register of a board DAC."""

    __slots__ = ()


_statics(SPIDACControlRegisterOnDAC, ("gain_reference", "ldac", "power_down", "reset"))


class SPIDACDataRegisterOnBoard(
    Mixin, local=SPIDACDataRegisterOnDAC, outer=DACOnBoard, names=("channel", "dac")
):
    """Data register of one of the 16 DAC channels."""

    __slots__ = ()


class SPIDACControlRegisterOnBoard(
    Mixin, local=SPIDACControlRegisterOnDAC, outer=DACOnBoard, names=("channel", "dac")
):
    """Control register of a board DAC."""

    __slots__ = ()


class I2CIdRegisterOnBoard(Ranged, max=0):
    """Board ID EEPROM."""

    __slots__ = ()


class I2CTempRegisterOnBoard(Ranged, max=0):
    """Board temperature sensor."""

    __slots__ = ()


class TMP112StatusOnBoard(Ranged, max=0):
    """Chip carrier temperature sensor."""

    __slots__ = ()
