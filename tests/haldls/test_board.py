"""Board containers down to the Omnibus accesses of the FPGA's SPI and I2C masters."""

from __future__ import annotations

from typing import Any

import pytest

import fisch
import halco
import haldls
from haldls.errors import ContainerDecodeError


def omnibus(*accesses: tuple[str, int, int]) -> list[int]:
    """UT words of Omnibus writes ("w", address, word) and reads ("r", address, 0)."""
    out: list[int] = []
    for kind, address, word in accesses:
        a = halco.OmnibusAddress(address)
        out += fisch.Omnibus(word).encode_write(a) if kind == "w" else fisch.Omnibus.encode_read(a)
    return out


def ut_write(coord: Any, container: haldls.Container) -> list[int]:
    return [u for c, w in haldls.encode_write(coord, container) for u in w.encode_write(c)]


def ut_read(coord: Any, container_type: type[haldls.Container]) -> list[int]:
    word = container_type.backends[0]
    return [u for c in container_type.addresses(coord) for u in word.encode_read(c)]


SPI, I2C, STOP = 0x8800_7000, 0x8800_7800, 0x80


def test_shift_register_is_three_spi_bytes() -> None:
    sr = haldls.ShiftRegister()
    sr.set_enable_led(halco.LEDOnBoard.led_8, True)
    sr.select_analog_readout_mux_2_input = haldls.ShiftRegister.AnalogReadoutMux2Input.v_reset
    assert sr.get_enable_led(halco.LEDOnBoard.led_8) and sr.get_enable_vdd(halco.VDDOnBoard(0))
    # default 0xFF9C40 with led_8 on (bit 23 clear) and mux 2 = 1 (bit 2) = 0x7F9C44
    assert sr.encode_words() == [0x7F_9C44]
    expected = omnibus(("w", SPI + 1, 0x7F), ("w", SPI + 1, 0x9C), ("w", SPI + 1, 0x8000_0044))
    assert ut_write(halco.ShiftRegisterOnBoard(), sr) == expected


def test_dac_channel_and_control_over_spi() -> None:
    # DAC 0 channel 3, 0xFC1: frame channel << 12 | value, then the LDAC update
    expected = omnibus(
        ("w", SPI + 2, 0x3F), ("w", SPI + 2, 0x8000_00C1),
        ("w", SPI + 2, 0xA0), ("w", SPI + 2, 0x8000_0002),
    )  # fmt: skip
    assert ut_write(halco.DACChannelOnBoard(3), haldls.DACChannel(value=0xFC1)) == expected
    control = haldls.DACControl()
    control.set_enable_channel(halco.DACChannelOnDAC(7), False)
    assert not control.get_enable_channel(halco.DACChannelOnDAC(7))
    # DAC 1 at 0x8800_7004: gain/reference register 0 (0x80), power-down register 2 (0xC0)
    expected = omnibus(
        ("w", SPI + 4, 0x80), ("w", SPI + 4, 0x8000_000C),
        ("w", SPI + 4, 0xC0), ("w", SPI + 4, 0x8000_0080),
    )  # fmt: skip
    assert ut_write(halco.DACOnBoard(1), control) == expected


def test_ina219_over_i2c() -> None:
    config = haldls.INA219Config()
    # INA219 2 at 0x40 + 2: register 0, then 0x019F big-endian, stop on the last byte
    expected = omnibus(("w", I2C + 0x42, 0x00), ("w", I2C + 0x42, 0x01),
                       ("w", I2C + 0x42 | STOP, 0x9F))  # fmt: skip
    assert ut_write(halco.INA219ConfigOnBoard(2), config) == expected
    # a status read: bus register 2, then shunt register 1, two bytes each
    expected = omnibus(
        ("w", I2C + 0x42, 0x02), ("r", I2C + 0x42, 0), ("r", I2C + 0x42 | STOP, 0),
        ("w", I2C + 0x42, 0x01), ("r", I2C + 0x42, 0), ("r", I2C + 0x42 | STOP, 0),
    )  # fmt: skip
    assert ut_read(halco.INA219StatusOnBoard(2), haldls.INA219Status) == expected


def test_ina219_reads_ignore_status_and_mode_bits() -> None:
    # the power-on config 0x399F sets the range bits a read ignores
    assert haldls.INA219Config.decode([0x399F]) == haldls.INA219Config()
    # bus: 1000 * 4 mV with conversion ready (bit 1) and overflow (bit 0); shunt: -5 (10 µV
    # steps) as the INA219 sends it, sign-extended from bit 15 down to bit 12
    status = haldls.INA219Status.decode([1000 << 3 | 0b011, 0xFFFB])
    assert status == haldls.INA219Status(
        bus_voltage=1000, bus_voltage_overflow=True, shunt_voltage=-5
    )
    power = status.toUncalibratedPower()
    assert power.uncalibrated_bus_voltage == pytest.approx(4.0)
    assert power.uncalibrated_shunt_voltage == pytest.approx(-50e-6)
    assert power.calculate() == pytest.approx(4.0 * -50e-6 / 0.027)
    with pytest.raises(ContainerDecodeError, match="bus_voltage"):
        haldls.INA219Status.decode([4001 << 3, 0])
    with pytest.raises(fisch.errors.NotWritableError):
        haldls.INA219Status().encode()


def test_tmp112_temperature() -> None:
    status = haldls.TMP112Status.decode([0xFD00])  # -3 °C
    assert int(status.temperature) == -768
    assert status.temperature.toUncalibratedTemperature() == -3.0
    assert haldls.TMP112Status(temperature=6400).temperature.toUncalibratedTemperature() == 25.0
    # below -55 °C is no valid reading
    with pytest.raises(ContainerDecodeError, match="temperature"):
        haldls.TMP112Status.decode([0xC800])
    expected = omnibus(("w", I2C + 0x48, 0x00), ("r", I2C + 0x48, 0), ("r", I2C + 0x48 | STOP, 0))
    assert ut_read(halco.TMP112StatusOnBoard(), haldls.TMP112Status) == expected


def test_jboa_devices_over_i2c() -> None:
    # AD5252 1, channel 3 (vdd_12madc) at 0x2D: register 0x03, then the wiper
    wiper = haldls.AD5252ChannelConfig(value=0x70)
    expected = omnibus(("w", I2C + 0x2D, 0x03), ("w", I2C + 0x2D | STOP, 0x70))
    assert ut_write(halco.AD5252ChannelConfigOnBoard(3), wiper) == expected
    persistent = haldls.AD5252ChannelConfigPersistent(value=0x70)
    expected = omnibus(("w", I2C + 0x2D, 0x23), ("w", I2C + 0x2D | STOP, 0x70))
    assert ut_write(halco.AD5252ChannelConfigPersistentOnBoard(3), persistent) == expected
    assert int(haldls.AD5252ChannelConfig().value) == 0x90
    assert int(haldls.AD5252ChannelConfig.default_pot_25) == 0xA7
    assert not isinstance(persistent, haldls.AD5252ChannelConfig)
    # DAC6573 channel 2: register 0x14, the 10-bit value left-aligned in 16 bits
    dac = haldls.DAC6573ChannelConfig(value=0x3FA)
    expected = omnibus(("w", I2C + 0x4C, 0x14), ("w", I2C + 0x4C, 0xFE),
                       ("w", I2C + 0x4C | STOP, 0x80))  # fmt: skip
    assert ut_write(halco.DAC6573ChannelOnBoard(2), dac) == expected
    # TCA9554 config: outputs, polarity, config registers 1, 2, 3 at 0x38
    tca = haldls.TCA9554Config(channel_output=[True] + [False] * 7)
    expected = omnibus(
        ("w", I2C + 0x38, 1), ("w", I2C + 0x38 | STOP, 1),
        ("w", I2C + 0x38, 2), ("w", I2C + 0x38 | STOP, 0),
        ("w", I2C + 0x38, 3), ("w", I2C + 0x38 | STOP, 0),
    )  # fmt: skip
    assert ut_write(halco.TCA9554ConfigOnBoard(), tca) == expected
    # TCA9546: one access, no register byte
    mux = haldls.TCA9546ChannelConfig()
    assert ut_write(halco.TCA9546OnBoard(), mux) == omnibus(("w", I2C + 0x70 | STOP, 0x0F))


def test_write_only_board_containers_refuse_reads() -> None:
    for container in (haldls.ShiftRegister, haldls.DACChannel, haldls.DACControl):
        assert not container.is_readable
        assert not container.backends[0].is_readable
    for container in (haldls.TCA9554Inputs, haldls.INA219Status, haldls.TMP112Status):
        assert not container.is_writable
