"""The board's I2C devices in the chip model: what the read-only registers answer, and the bus.

The read-only readings are the model's documented constants (csrc/chip_model.c): each rail's
nominal voltage and a fixed supply current, 30 °C at the TMP112, pulled-up TCA9554 inputs.
"""

from __future__ import annotations

import pytest

import fisch
import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection

#: One SCL period is 4 x prescaler FPGA cycles; a byte and its acknowledge take 9.
BYTE_CYCLES = 9 * 4 * 313


def read_all(coords: list[object]) -> tuple[list[object], dict[str, int]]:
    """Read every coordinate in one program; return the values and the run's diagnostics."""
    builder = stadls.PlaybackProgramBuilder()
    tickets = [builder.read(coord) for coord in coords]
    with ChipModelConnection() as connection:
        stadls.run(connection, builder.done())
        diagnostics = connection.diagnostics
    return [t.get() for t in tickets], diagnostics


def test_power_monitors_read_their_rails() -> None:
    rails = [n for n in dir(halco.INA219StatusOnBoard) if n.startswith("vdd")]
    assert len(rails) == halco.INA219StatusOnBoard.size
    statuses, diagnostics = read_all([getattr(halco.INA219StatusOnBoard, n) for n in rails])
    assert diagnostics["i2c_nacks"] == 0
    for name, status in zip(rails, statuses, strict=True):
        power = status.toUncalibratedPower()
        nominal = 2.5 if "vdd25" in name else 1.2
        assert power.uncalibrated_bus_voltage == pytest.approx(nominal), name
        assert not status.bus_voltage_overflow
        assert 0 < power.uncalibrated_shunt_voltage < 0.01, name  # a supply current flows
        assert 0 < power.calculate() < 1.0, name


def test_temperature_and_inputs() -> None:
    (temperature, inputs), _ = read_all([halco.TMP112StatusOnBoard(), halco.TCA9554InputsOnBoard()])
    assert temperature.temperature.toUncalibratedTemperature() == 30.0
    assert all(inputs.channel_input)  # power-on: every pin an input, pulled up


def test_expander_inputs_follow_its_configuration() -> None:
    """Input pins read high (inverted where the polarity says); output pins their output."""
    config = haldls.TCA9554Config()
    mode, polarity = haldls.TCA9554Config.ChannelMode, haldls.TCA9554Config.ChannelPolarity
    for i, ch in enumerate(halco.iter_all(halco.TCA9554ChannelOnBoard)):
        config.channel_mode[ch] = mode.output if i < 4 else mode.input
        config.channel_output[ch] = i % 2 == 1
        config.channel_polarity[ch] = polarity.inverted if i >= 6 else polarity.normal
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TCA9554ConfigOnBoard(), config)
    ticket = builder.read(halco.TCA9554InputsOnBoard())
    with ChipModelConnection() as connection:
        stadls.run(connection, builder.done())
    expected = [False, True, False, True, True, True, False, False]
    assert list(ticket.get().channel_input) == expected


def test_mux_reads_do_not_disturb_it() -> None:
    mux = haldls.TCA9546ChannelConfig(channel_status=haldls.TCA9546ChannelConfig.default_mux)
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TCA9546OnBoard(), mux)
    first = builder.read(halco.TCA9546OnBoard())
    second = builder.read(halco.TCA9546OnBoard())
    with ChipModelConnection() as connection:
        stadls.run(connection, builder.done())
    assert first.get() == second.get() == mux


def test_fisch_words_board_id_and_current_register() -> None:
    """The EEPROM holds the board ID; an INA219's current register follows its calibration."""
    ina = halco.INA219OnBoard(0)
    calibration = halco.I2CINA219RwRegisterOnBoard(
        halco.I2CINA219RwRegisterOnINA219.calibration, ina
    )
    register = halco.I2CINA219RoRegisterOnINA219
    builder = fisch.PlaybackProgramBuilder()
    board_id = builder.read(halco.I2CIdRegisterOnBoard())
    before = builder.read(halco.I2CINA219RoRegisterOnBoard(register(3), ina))  # current
    builder.write(calibration, fisch.I2CINA219RwRegister(4097))  # bit 0 does not exist
    cal = builder.read(calibration)
    shunt = builder.read(halco.I2CINA219RoRegisterOnBoard(register(0), ina))
    current = builder.read(halco.I2CINA219RoRegisterOnBoard(register(3), ina))
    with ChipModelConnection() as connection:
        fisch.run(connection, builder.done())
    assert int(board_id.get()[0].value) == 0x4253_5332  # "BSS2"
    assert int(before.get()[0].value) == 0  # no calibration yet
    assert int(cal.get()[0].value) == 4096
    assert int(current.get()[0].value) == int(shunt.get()[0].value)  # Shunt x 4096 / 4096


def test_absent_device_does_not_acknowledge() -> None:
    builder = fisch.PlaybackProgramBuilder()
    base = fisch._board.I2C_OVER_OMNIBUS_MASK | 0x11  # nobody at 0x11
    builder.write(halco.OmnibusAddress(base), fisch.Omnibus(0))
    ticket = builder.read(halco.OmnibusAddress(base | fisch._board.I2C_OVER_OMNIBUS_STOP))
    with ChipModelConnection() as connection:
        fisch.run(connection, builder.done())
        diagnostics = connection.diagnostics
    assert int(ticket.get()[0].get().word) == fisch._board.I2C_ACK_MISSING_BIT
    assert diagnostics["i2c_nacks"] == 2
    assert diagnostics["unknown_reads"] == diagnostics["unknown_writes"] == 0


def test_transfers_take_bus_time() -> None:
    """A TMP112 read: start, address, register byte; repeated start, address, two bytes."""
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    ticket = builder.read(halco.TMP112StatusOnBoard())
    with ChipModelConnection() as connection:
        start = connection.systime
        stadls.run(connection, builder.done())
        elapsed = connection.systime - start
    assert ticket.get().temperature.toUncalibratedTemperature() == 30.0
    assert elapsed >= 5 * BYTE_CYCLES
    assert elapsed < 6 * BYTE_CYCLES
