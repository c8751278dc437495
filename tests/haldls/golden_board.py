"""Golden words of the board containers (SPI shift register and DACs, I2C devices).

Loaded by ``conftest.py``. Their words are the values of fisch SPI/I2C words, so the "addresses"
here are the enums of those words' coordinates (e.g. ``I2CINA219RwRegisterOnBoard`` = INA219 * 2 +
register); ``test_board.py`` follows them down to the Omnibus accesses. Words written by hand from
the upstream bit layouts (comments show the sums).
"""

from __future__ import annotations

from typing import Any

import halco
import haldls

SR = haldls.ShiftRegister
TCA = haldls.TCA9554Config

GOLDEN: dict[str, tuple[Any, haldls.Container, list[tuple[int, int]]]] = {
    "ShiftRegister": (
        halco.ShiftRegisterOnBoard(),
        SR(
            enable_dac_to_readout_0=True,
            enable_adc_power_down=True,
            enable_led=[True, True, True, True, False, False],
            enable_vdd=[False] * 6,
        ),
        # i_ref_board bit 6, dac_to_readout_0 bit 8, adc_power_down bit 13 = 0x2140; LEDs 7 and 8
        # off: inverted bits 22, 23 = 0xC0_0000; supplies off: bits 16-21 clear
        [(0, 0xC0_2140)],
    ),
    "DACChannel": (
        # DAC 1, channel 3 (vdd12_analog): SPIDACDataRegisterOnBoard 8 + 3
        halco.DACChannelOnBoard(11),
        haldls.DACChannel(value=0xFC1),
        [(11, 0xFC1)],
    ),
    "DACControl": (
        # DAC 1: control registers 4 + 0 (gain/reference, always 0b001100) and 4 + 2 (power-down)
        halco.DACOnBoard(1),
        haldls.DACControl(enable_channel=[i == 2 for i in range(8)]),
        [(4, 0b001100), (6, 0xFF ^ (1 << 2))],
    ),
    "INA219Config": (
        # INA219 2, config register (I2CINA219RwRegisterOnBoard 2 * 2 + 0)
        halco.INA219ConfigOnBoard(2),
        haldls.INA219Config(
            bus_adc_mode=haldls.INA219Config.ADCMode.bits12_samples128,
            shunt_adc_mode=haldls.INA219Config.ADCMode.bits9,
        ),
        # mode 0b111; shunt mode 0 at bits 6-3; bus mode 11 at bits 10-7 = 0x580
        [(4, 0x587)],
    ),
    "INA219Status": (
        # INA219 5: bus register 5 * 4 + 1, then shunt register 5 * 4 + 0
        halco.INA219StatusOnBoard(5),
        haldls.INA219Status(bus_voltage=3300, shunt_voltage=1234),
        [(21, 3300 << 3), (20, 1234)],
    ),
    "TMP112Status": (
        halco.TMP112StatusOnBoard(),
        haldls.TMP112Status(temperature=25 * 256),  # 25 °C
        [(0, 0x1900)],
    ),
    "TCA9554Inputs": (
        halco.TCA9554InputsOnBoard(),
        haldls.TCA9554Inputs(channel_input=[i in (0, 7) for i in range(8)]),
        [(0, 0x81)],
    ),
    "TCA9554Config": (
        halco.TCA9554ConfigOnBoard(),
        TCA(
            channel_output=[i % 2 == 1 for i in range(8)],
            channel_polarity=[
                TCA.ChannelPolarity.inverted if i % 2 == 0 else TCA.ChannelPolarity.normal
                for i in range(8)
            ],
        ),
        # outputs, polarity, config registers; bit i = channel i
        [(0, 0b1010_1010), (1, 0b0101_0101), (2, 0)],
    ),
    "AD5252ChannelConfig": (
        # vdd_12madc: AD5252 1, channel 3 = AD5252ChannelOnBoard 3; volatile register 3 * 2 + 0
        halco.AD5252ChannelConfigOnBoard(3),
        haldls.AD5252ChannelConfig(value=0x70),
        [(6, 0x70)],
    ),
    "AD5252ChannelConfigPersistent": (
        # AD5252 2, channel 3; persistent register 5 * 2 + 1
        halco.AD5252ChannelConfigPersistentOnBoard(5),
        haldls.AD5252ChannelConfigPersistent(value=0xA7),
        [(11, 0xA7)],
    ),
    "DAC6573ChannelConfig": (
        halco.DAC6573ChannelOnBoard(2),  # v_res_meas
        haldls.DAC6573ChannelConfig(value=0x3FA),
        [(2, 0x3FA)],
    ),
    "TCA9546ChannelConfig": (
        halco.TCA9546OnBoard(),
        haldls.TCA9546ChannelConfig(channel_status=haldls.TCA9546ChannelConfig.default_mux),
        [(0, 0b0111)],
    ),
}
