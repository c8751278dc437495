"""Board peripherals behind the FPGA's SPI and I2C masters.

xBoard (single-chip carrier): the 24-bit ``ShiftRegister`` (analog readout muxes, reference
current, LEDs, supply enables), two 8-channel 12-bit DACs (``DACChannel``, ``DACControl``) and six
INA219 power monitors (``INA219Config``, ``INA219Status``); the chip carrier's TMP112 temperature
sensor (``TMP112Status``); jBOA (multi-chip board): the TCA9554 I/O expander, AD5252 digital
potentiometers, the DAC6573 10-bit DAC and the TCA9546 I2C multiplexer. Each container's words are
the values of its fisch SPI/I2C words; ``addresses`` are those words' coordinates (fisch turns
them into Omnibus accesses of the SPI master at 0x8800_7000 and the I2C master at 0x8800_7800).

>>> [hex(w.get()) for w in INA219Config().encode()]
['0x19f']
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import attrs

import fisch
import halco
from halco import (
    DACChannelOnBoard,
    DACChannelOnDAC,
    DACOnBoard,
    INA219ConfigOnBoard,
    INA219StatusOnBoard,
    LEDOnBoard,
    ShiftRegisterOnBoard,
    TMP112StatusOnBoard,
    VDDOnBoard,
)
from halco.common import Ranged
from haldls._container import Container
from haldls._field import ArrayField, Field, Seg, at

__all__ = [
    "AD5252ChannelConfig",
    "AD5252ChannelConfigPersistent",
    "DAC6573ChannelConfig",
    "DACChannel",
    "DACControl",
    "INA219Config",
    "INA219Status",
    "ShiftRegister",
    "TCA9546ChannelConfig",
    "TCA9554Config",
    "TCA9554Inputs",
    "TMP112Status",
]


#: Upstream's simulation target has no board: reads of the I2C devices are unsupported there.
#: (The embedded chip model stands for both targets and models the devices.)
_NOT_SIMULATED = frozenset({"simulation"})


# -- xBoard SPI ----------------------------------------------------------------------------------
_LED_BITS = (10, 11, 12, 15, 22, 23)


class ShiftRegister(Container):
    """The xBoard's 24-bit shift register (write-only): readout muxes, LEDs, supply enables.

    Defaults: reference current on, every supply on, every LED off. The LED bits are stored
    inverted (a set bit turns the LED off).
    """

    coordinate_type = ShiftRegisterOnBoard
    base_address = 0
    words = 1
    backends = (fisch.SPIShiftRegister,)
    word_bits = 24
    is_readable = False

    class AnalogReadoutMux1Input(enum.IntEnum):
        """Input of the first analog readout mux."""

        off = 0
        readout_chain_0 = 1
        readout_chain_1 = 2
        mux_rfu_0 = 3

    class AnalogReadoutMux2Input(enum.IntEnum):
        """Input of the second analog readout mux."""

        off = 0
        v_reset = 1
        vdd_res_meas = 2
        mux_dac_25 = 3

    class AnalogReadoutMux3Input(enum.IntEnum):
        """Input of the third analog readout mux."""

        off = 0
        i_ref = 1
        mux_rfu_1 = 2
        mux_rfu_2 = 3

    #: Bit of each LED (``LEDOnBoard`` order led_1, 2, 3, 4, 7, 8).
    LED_BITS: ClassVar[tuple[int, ...]] = _LED_BITS

    select_analog_readout_mux_1_input = Field(AnalogReadoutMux1Input, at(0, 0, 2))
    select_analog_readout_mux_2_input = Field(AnalogReadoutMux2Input, at(0, 2, 2))
    select_analog_readout_mux_3_input = Field(AnalogReadoutMux3Input, at(0, 4, 2))
    enable_i_ref_board = Field(bool, at(0, 6), default=True)
    enable_measure_i_ref = Field(bool, at(0, 7))
    enable_dac_to_readout_0 = Field(bool, at(0, 8))
    enable_dac_to_readout_1 = Field(bool, at(0, 9))
    enable_led = ArrayField(LEDOnBoard, bool, lambda i: at(0, _LED_BITS[i]), invert=True)
    enable_adc_power_down = Field(bool, at(0, 13))
    enable_adc_reset = Field(bool, at(0, 14))
    enable_vdd = ArrayField(VDDOnBoard, bool, lambda i: at(0, 16 + i), default=True)

    def get_enable_led(self, led: Any) -> bool:
        """Return whether ``led`` (a ``LEDOnBoard``) is on."""
        return bool(self.enable_led[led])

    def set_enable_led(self, led: Any, value: bool) -> None:
        """Turn ``led`` on or off."""
        self.enable_led[led] = value

    def get_enable_vdd(self, vdd: Any) -> bool:
        """Return whether supply ``vdd`` (a ``VDDOnBoard``) is on."""
        return bool(self.enable_vdd[vdd])

    def set_enable_vdd(self, vdd: Any, value: bool) -> None:
        """Turn supply ``vdd`` on or off."""
        self.enable_vdd[vdd] = value


class DACChannel(Container):
    """One channel of an xBoard DAC (write-only); fisch follows each write with an LDAC update."""

    coordinate_type = DACChannelOnBoard
    words = 1
    backends = (fisch.SPIDACDataRegister,)
    word_bits = 12
    is_readable = False

    class Value(Ranged, max=4095):
        """12-bit DAC code."""

        __slots__ = ()

    value = Field(Value, at(0, 0, 12))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [coord._e]  # SPIDACDataRegisterOnBoard: the same channel and DAC


#: SPIDACControlRegisterOnDAC: gain/reference and power-down registers.
_GAIN_REFERENCE, _POWER_DOWN = 0, 2


class DACControl(Container):
    """Which channels of an xBoard DAC are powered (write-only; all by default).

    Two words: the gain/reference register (always 0b001100), then the power-down register,
    whose bit i is set when channel i is off.
    """

    coordinate_type = DACOnBoard
    words = 2
    backends = (fisch.SPIDACControlRegister,)
    word_bits = 13
    is_readable = False
    _fixed = (0b001100, 0)
    enable_channel = ArrayField(
        DACChannelOnDAC, bool, lambda i: at(1, i), default=True, invert=True
    )

    def get_enable_channel(self, channel: Any) -> bool:
        """Return whether ``channel`` (a ``DACChannelOnDAC``) is powered."""
        return bool(self.enable_channel[channel])

    def set_enable_channel(self, channel: Any, value: bool) -> None:
        """Power ``channel`` up or down."""
        self.enable_channel[channel] = value

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [4 * coord._e + _GAIN_REFERENCE, 4 * coord._e + _POWER_DOWN]


# -- xBoard I2C: power monitors ------------------------------------------------------------------
class INA219Config(Container):
    """ADC modes of an INA219 power monitor (continuous shunt and bus conversion).

    The mode bits 2-0 are always written 0b111 and the ranges (bits 11-13) and reset (bit 15)
    0; a read ignores them.

    Decision: the sample-averaging modes are written as their enum values, as upstream does
    (the INA219 datasheet codes averaging as 0b1000 + log2(samples)).
    """

    coordinate_type = INA219ConfigOnBoard
    words = 1
    backends = (fisch.I2CINA219RwRegister,)
    unsupported_read_targets = _NOT_SIMULATED
    word_bits = 16
    _fixed = (0b111,)
    _ignored = (0xF807,)

    class ADCMode(enum.IntEnum):
        """Resolution or averaging of a conversion."""

        bits9 = 0
        bits10 = 1
        bits11 = 2
        bits12 = 3
        bits12_samples1 = 4
        bits12_samples2 = 5
        bits12_samples4 = 6
        bits12_samples8 = 7
        bits12_samples16 = 8
        bits12_samples32 = 9
        bits12_samples64 = 10
        bits12_samples128 = 11

    bus_adc_mode = Field(ADCMode, at(0, 7, 4), default=ADCMode.bits12)
    shunt_adc_mode = Field(ADCMode, at(0, 3, 4), default=ADCMode.bits12)

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [2 * coord._e]  # I2CINA219RwRegisterOnBoard(config, ina)


@attrs.frozen
class UncalibratedPower:
    """Bus voltage, shunt voltage (V) and shunt resistance (Ω) of an INA219 reading."""

    uncalibrated_bus_voltage: float
    uncalibrated_shunt_voltage: float
    shunt_resistance: float = 0.027

    def calculate(self) -> float:
        """Return the power in W (bus voltage x shunt current)."""
        return (
            self.uncalibrated_bus_voltage * self.uncalibrated_shunt_voltage / self.shunt_resistance
        )


class INA219Status(Container):
    """Bus and shunt voltage of an INA219 (read-only): the bus register, then the shunt register.

    The bus voltage is register bits 15-3 (4 mV steps), its overflow flag bit 0; the conversion
    ready bit 1 is ignored. The shunt voltage (10 µV steps) is the 12 low bits with the sign in
    bit 15; the sign-extension bits 14-12 are ignored.
    """

    coordinate_type = INA219StatusOnBoard
    words = 2
    backends = (fisch.I2CINA219RoRegister,)
    unsupported_read_targets = _NOT_SIMULATED
    word_bits = 16
    is_writable = False
    _ignored = (0b110, 0x7000)

    class BusVoltage(Ranged, max=4000):
        """Bus voltage in 4 mV steps."""

        __slots__ = ()

        def toUncalibratedVoltage(self) -> float:
            """Return the voltage in V."""
            return int(self) * 4 / 1000

    class ShuntVoltage(Ranged, min=-4000, max=4000):
        """Shunt voltage in 10 µV steps."""

        __slots__ = ()

        def toUncalibratedVoltage(self) -> float:
            """Return the voltage in V."""
            return int(self) * 10 / 1e6

    bus_voltage = Field(BusVoltage, at(0, 3, 13))
    bus_voltage_overflow = Field(bool, at(0, 0))
    shunt_voltage = Field(ShuntVoltage, (Seg(1, 0, 12), Seg(1, 15, 1)), default=0)

    def toUncalibratedPower(self) -> UncalibratedPower:
        """Return the reading in volts, with the board's shunt resistance."""
        return UncalibratedPower(
            self.bus_voltage.toUncalibratedVoltage(), self.shunt_voltage.toUncalibratedVoltage()
        )

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [4 * coord._e + 1, 4 * coord._e]  # I2CINA219RoRegisterOnBoard(bus, shunt)


class TMP112Status(Container):
    """Temperature of the chip carrier's TMP112 sensor (read-only)."""

    coordinate_type = TMP112StatusOnBoard
    base_address = 0
    words = 1
    backends = (fisch.I2CTempRegister,)
    unsupported_read_targets = _NOT_SIMULATED
    word_bits = 16
    is_writable = False

    class Temperature(Ranged, min=-14080, max=32752):
        """Raw reading in 1/256 °C (12 significant bits, -55 °C to 127.9 °C)."""

        __slots__ = ()

        def toUncalibratedTemperature(self) -> float:
            """Return °C (the 12-bit value, truncated toward zero, times 0.0625)."""
            return int(int(self) / 16) * 0.0625

    temperature = Field(Temperature, at(0, 0, 16), default=0)


# -- jBOA I2C ------------------------------------------------------------------------------------
class TCA9554Inputs(Container):
    """Input levels of the TCA9554 I/O expander's eight channels (read-only)."""

    coordinate_type = halco.TCA9554InputsOnBoard
    words = 1
    backends = (fisch.I2CTCA9554RoRegister,)
    unsupported_read_targets = _NOT_SIMULATED
    word_bits = 8
    is_writable = False
    channel_input = ArrayField(halco.TCA9554ChannelOnBoard, bool, lambda i: at(0, i))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [coord._e]  # I2CTCA9554RoRegisterOnBoard(inputs, tca)


class TCA9554Config(Container):
    """Outputs, polarity and direction of the TCA9554's eight channels: three registers."""

    coordinate_type = halco.TCA9554ConfigOnBoard
    words = 3
    backends = (fisch.I2CTCA9554RwRegister,)
    unsupported_read_targets = _NOT_SIMULATED
    word_bits = 8

    class ChannelPolarity(enum.IntEnum):
        """Whether an input reads inverted."""

        normal = 0
        inverted = 1

    class ChannelMode(enum.IntEnum):
        """Direction of a channel."""

        output = 0
        input = 1

    channel_output = ArrayField(halco.TCA9554ChannelOnBoard, bool, lambda i: at(0, i))
    channel_polarity = ArrayField(halco.TCA9554ChannelOnBoard, ChannelPolarity, lambda i: at(1, i))
    channel_mode = ArrayField(halco.TCA9554ChannelOnBoard, ChannelMode, lambda i: at(2, i))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [3 * coord._e + r for r in range(3)]  # outputs, polarity, config registers


class _AD5252Channel(Container, register=False):
    words = 1
    backends = (fisch.I2CAD5252RwRegister,)
    unsupported_read_targets = _NOT_SIMULATED
    word_bits = 8
    #: I2CAD5252RwRegisterOnAD5252Channel: rdac_volatile (0) or eemem_persistent (1).
    _register: ClassVar[int]

    class WiperSetting(Ranged, max=255):
        """Wiper position."""

        __slots__ = ()

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [2 * coord._e + cls._register]


class AD5252ChannelConfig(_AD5252Channel):
    """Volatile wiper setting of an AD5252 potentiometer channel (a jBOA supply voltage)."""

    coordinate_type = halco.AD5252ChannelConfigOnBoard
    _register = 0
    WiperSetting = _AD5252Channel.WiperSetting
    #: Settings for the 2.5 V, 1.2 V and 1.25 V (digital) supplies.
    default_pot_25: ClassVar[Ranged] = WiperSetting(0xA7)
    default_pot_12: ClassVar[Ranged] = WiperSetting(0xA8)
    default_pot_12_digital: ClassVar[Ranged] = WiperSetting(0x93)
    value = Field(WiperSetting, at(0, 0, 8), default=0x90)


class AD5252ChannelConfigPersistent(_AD5252Channel):
    """Wiper setting an AD5252 channel keeps in its EEPROM (loaded at power-up)."""

    coordinate_type = halco.AD5252ChannelConfigPersistentOnBoard
    _register = 1
    WiperSetting = _AD5252Channel.WiperSetting
    value = Field(WiperSetting, at(0, 0, 8), default=0x90)


class DAC6573ChannelConfig(Container):
    """One channel of the jBOA's 10-bit DAC6573."""

    coordinate_type = halco.DAC6573ChannelOnBoard
    words = 1
    backends = (fisch.I2CDAC6573RwRegister,)
    unsupported_read_targets = _NOT_SIMULATED
    word_bits = 10

    class Value(Ranged, max=1023):
        """10-bit DAC code."""

        __slots__ = ()

    value = Field(Value, at(0, 0, 10))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [coord._e]  # I2CDAC6573RwRegisterOnBoard: the same channel and DAC


class TCA9546ChannelConfig(Container):
    """Which of the TCA9546 I2C multiplexer's four channels are connected (all by default)."""

    coordinate_type = halco.TCA9546OnBoard
    base_address = 0
    words = 1
    backends = (fisch.I2CTCA9546Register,)
    unsupported_read_targets = _NOT_SIMULATED
    word_bits = 8
    #: The jBOA's usual setting: channels 0-2 on.
    default_mux: ClassVar[tuple[bool, ...]] = (True, True, True, False)
    channel_status = ArrayField(halco.TCA9546ChannelOnBoard, bool, lambda i: at(0, i), default=True)
