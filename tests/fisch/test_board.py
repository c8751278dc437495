"""SPI and I2C words: golden Omnibus sequences (the real fisch's worked examples), address maps,
decoding of multi-byte responses, ack errors, and bad values and coordinates."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisch
import halco
from fisch import (
    I2CAckMissingError,
    I2CAD5252RwRegister,
    I2CDAC6573RwRegister,
    I2CIdRegister,
    I2CINA219RoRegister,
    I2CINA219RwRegister,
    I2CTCA9546Register,
    I2CTCA9554RoRegister,
    I2CTCA9554RwRegister,
    I2CTempRegister,
    PlaybackProgramBuilder,
    SPIDACControlRegister,
    SPIDACDataRegister,
    SPIShiftRegister,
    run,
)
from fisch.connection import ConnectionBase, ZeroMockConnection
from fisch.errors import NotReadableError, NotWritableError, RunError
from halco import (
    AD5252ChannelOnBoard,
    DACOnBoard,
    I2CAD5252RwRegisterOnAD5252Channel,
    I2CAD5252RwRegisterOnBoard,
    I2CDAC6573RwRegisterOnBoard,
    I2CINA219RoRegisterOnBoard,
    I2CINA219RoRegisterOnINA219,
    I2CINA219RwRegisterOnBoard,
    I2CINA219RwRegisterOnINA219,
    I2CTCA9554RwRegisterOnBoard,
    I2CTCA9554RwRegisterOnTCA9554,
    INA219OnBoard,
    SPIDACControlRegisterOnBoard,
    SPIDACControlRegisterOnDAC,
    SPIDACDataRegisterOnBoard,
    SPIDACDataRegisterOnDAC,
)
from halco.errors import CoordinateRangeError, CoordinateTypeError


def W(address: int, data: int) -> list[int]:
    """One Omnibus write, byte enables 0xF: an Address message, then a Data message."""
    return [0x0B00000F_00000000 | address, 0x0C000000_00000000 | data]


def R(address: int) -> list[int]:
    """One Omnibus read (Address message with is_read and byte enables 0xF)."""
    return [0x0B00001F_00000000 | address]


INA_VDD12_ANALOG = INA219OnBoard.vdd12_analog

# (container type, value, coordinate, write words or None, read words or None)
GOLDEN: list[tuple[type[fisch.Container], int, Any, list[int] | None, list[int] | None]] = [
    (SPIShiftRegister, 0x123456, halco.SPIShiftRegisterOnBoard(),
     W(0x8800_7001, 0x12) + W(0x8800_7001, 0x34) + W(0x8800_7001, 0x8000_0056), None),
    # data frame (DAC 0, channel 3), then the LDAC update: 0x2 to control register ldac
    (SPIDACDataRegister, 0xFC1, SPIDACDataRegisterOnBoard(3),
     W(0x8800_7002, 0x3F) + W(0x8800_7002, 0x8000_00C1)
     + W(0x8800_7002, 0xA0) + W(0x8800_7002, 0x8000_0002), None),
    # DAC 1 sits at 0x8800_7004 (2 + 2 * dac)
    (SPIDACDataRegister, 0x123,
     SPIDACDataRegisterOnBoard(SPIDACDataRegisterOnDAC(5), DACOnBoard(1)),
     W(0x8800_7004, 0x51) + W(0x8800_7004, 0x8000_0023)
     + W(0x8800_7004, 0xA0) + W(0x8800_7004, 0x8000_0002), None),
    (SPIDACControlRegister, 12, SPIDACControlRegisterOnBoard(3),
     W(0x8800_7002, 0xE0) + W(0x8800_7002, 0x8000_000C), None),
    (SPIDACControlRegister, 0x0C,
     SPIDACControlRegisterOnBoard(SPIDACControlRegisterOnDAC.gain_reference, DACOnBoard(1)),
     W(0x8800_7004, 0x80) + W(0x8800_7004, 0x8000_000C), None),
    # 13-bit values are sent unmasked, as in the real fisch
    (SPIDACControlRegister, 0x1FFF, SPIDACControlRegisterOnBoard(2),
     W(0x8800_7002, 0xC0) + W(0x8800_7002, 0x8000_1FFF), None),
    (I2CIdRegister, 0, halco.I2CIdRegisterOnBoard(), None,
     W(0x8800_7850, 0xFC) + R(0x8800_7850) * 3 + R(0x8800_78D0)),
    (I2CTempRegister, 0, halco.I2CTempRegisterOnBoard(), None,
     W(0x8800_7848, 0x00) + R(0x8800_7848) + R(0x8800_78C8)),
    (I2CINA219RoRegister, 0,
     I2CINA219RoRegisterOnBoard(I2CINA219RoRegisterOnINA219.bus, INA_VDD12_ANALOG),
     None, W(0x8800_7842, 0x02) + R(0x8800_7842) + R(0x8800_78C2)),
    (I2CINA219RwRegister, 0x1234,
     I2CINA219RwRegisterOnBoard(I2CINA219RwRegisterOnINA219.calibration, INA_VDD12_ANALOG),
     W(0x8800_7842, 0x05) + W(0x8800_7842, 0x12) + W(0x8800_78C2, 0x34),
     W(0x8800_7842, 0x05) + R(0x8800_7842) + R(0x8800_78C2)),
    (I2CTCA9554RoRegister, 0, halco.I2CTCA9554RoRegisterOnBoard(), None,
     W(0x8800_7838, 0x00) + R(0x8800_78B8)),
    (I2CTCA9554RwRegister, 0x55,
     I2CTCA9554RwRegisterOnBoard(I2CTCA9554RwRegisterOnTCA9554.polarity),
     W(0x8800_7838, 0x02) + W(0x8800_78B8, 0x55),
     W(0x8800_7838, 0x02) + R(0x8800_78B8)),
    (I2CAD5252RwRegister, 0x70,
     I2CAD5252RwRegisterOnBoard(I2CAD5252RwRegisterOnAD5252Channel.rdac_volatile,
                                AD5252ChannelOnBoard.vdd_12madc),
     W(0x8800_782D, 0x03) + W(0x8800_78AD, 0x70),
     W(0x8800_782D, 0x03) + R(0x8800_78AD)),
    # 10-bit value in the top of a 16-bit register: 0x3FA << 6 = 0xFE80
    (I2CDAC6573RwRegister, 0x3FA, I2CDAC6573RwRegisterOnBoard(2),
     W(0x8800_784C, 0x14) + W(0x8800_784C, 0xFE) + W(0x8800_78CC, 0x80),
     W(0x8800_784C, 0x14) + R(0x8800_784C) + R(0x8800_78CC)),
    # the mux's single register: one access with stop, no register byte (reads too)
    (I2CTCA9546Register, 0x0F, halco.I2CTCA9546RegisterOnBoard(), W(0x8800_78F0, 0x0F),
     R(0x8800_78F0)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("ctype", "value", "coord", "write", "read"),
    GOLDEN,
    ids=[f"{g[0].__name__}-{i}" for i, g in enumerate(GOLDEN)],
)
def test_golden_sequences(
    ctype: type[fisch.Container],
    value: int,
    coord: Any,
    write: list[int] | None,
    read: list[int] | None,
) -> None:
    c = ctype(value)
    if write is not None:
        assert c.encode_write(coord) == write
        fisch.decode_to_fpga(np.array(write, np.uint64))  # valid UT words
    if read is not None:
        assert ctype.encode_read(coord) == read
        register_byte = 0 if ctype is I2CTCA9546Register else 2  # the mux has none
        assert ctype.decode_ut_message_count == len(read) - register_byte  # then N reads
        assert ctype.response_queue == "omnibus"


def test_read_and_write_support() -> None:
    for spi in (SPIShiftRegister, SPIDACDataRegister, SPIDACControlRegister):
        assert spi.is_writable and not spi.is_readable and spi.response_queue is None
        with pytest.raises(NotReadableError, match=f"{spi.__name__} cannot be read"):
            spi.encode_read(0)
        with pytest.raises(NotReadableError):
            spi.decode([0])
    for ro in (I2CIdRegister, I2CTempRegister, I2CINA219RoRegister, I2CTCA9554RoRegister):
        assert ro.is_readable and not ro.is_writable
        with pytest.raises(NotWritableError, match=f"{ro.__name__} cannot be written"):
            ro(1).encode_write(0)
    rw = (I2CINA219RwRegister, I2CTCA9554RwRegister, I2CAD5252RwRegister, I2CDAC6573RwRegister,
          I2CTCA9546Register)  # fmt: skip
    for ctype in rw:
        assert ctype.is_readable and ctype.is_writable
    sizes = {I2CIdRegister: 4, I2CTempRegister: 2, I2CINA219RoRegister: 2, I2CINA219RwRegister: 2,
             I2CTCA9554RoRegister: 1, I2CTCA9554RwRegister: 1, I2CAD5252RwRegister: 1,
             I2CDAC6573RwRegister: 2, I2CTCA9546Register: 1}  # fmt: skip
    for ctype, n in sizes.items():
        assert ctype.decode_ut_message_count == ctype.register_size_bytes == n


# -- address maps over every coordinate ---------------------------------------------------------
def _register_access(words: list[int]) -> tuple[int, int]:
    """(Omnibus address, data byte) of the register write that starts an I2C read."""
    return words[0] & 0xFFFF_FFFF, words[1] & 0xFFFF_FFFF


def test_ina219_addresses_and_register_bytes() -> None:
    for ina in range(6):
        for reg in range(4):
            coord = I2CINA219RoRegisterOnBoard(I2CINA219RoRegisterOnINA219(reg), INA219OnBoard(ina))
            assert int(coord) == ina * 4 + reg
            assert I2CINA219RoRegister.encode_read(coord) == (
                W(0x8800_7840 + ina, reg + 1) + R(0x8800_7840 + ina) + R(0x8800_78C0 + ina)
            )
        for reg, byte in enumerate((0x00, 0x05)):
            coord = I2CINA219RwRegisterOnBoard(I2CINA219RwRegisterOnINA219(reg), INA219OnBoard(ina))
            assert _register_access(I2CINA219RwRegister.encode_read(coord)) == (
                0x8800_7840 + ina,
                byte,
            )


def test_tca9554_register_bytes() -> None:
    for reg, byte in enumerate((1, 2, 3)):
        words = I2CTCA9554RwRegister(0xA5).encode_write(I2CTCA9554RwRegisterOnBoard(reg))
        assert words == W(0x8800_7838, byte) + W(0x8800_78B8, 0xA5)


def test_ad5252_device_and_register_bytes() -> None:
    # enum = channel * 2 + register; channels alternate wiper 1 / wiper 3 across AD5252 0..2
    expected = [(0x2C, 0x01), (0x2C, 0x21), (0x2C, 0x03), (0x2C, 0x23),
                (0x2D, 0x01), (0x2D, 0x21), (0x2D, 0x03), (0x2D, 0x23),
                (0x2E, 0x01), (0x2E, 0x21), (0x2E, 0x03), (0x2E, 0x23)]  # fmt: skip
    for e, (device, byte) in enumerate(expected):
        coord = I2CAD5252RwRegisterOnBoard(e)
        assert I2CAD5252RwRegister(0x90).encode_write(coord) == (
            W(0x8800_7800 | device, byte) + W(0x8800_7880 | device, 0x90)
        )


def test_dac6573_register_bytes() -> None:
    for ch, byte in enumerate((0x10, 0x12, 0x14, 0x16)):
        words = I2CDAC6573RwRegister(0x3FF).encode_write(I2CDAC6573RwRegisterOnBoard(ch))
        assert words == W(0x8800_784C, byte) + W(0x8800_784C, 0xFF) + W(0x8800_78CC, 0xC0)


RW = [I2CINA219RwRegister, I2CTCA9554RwRegister, I2CAD5252RwRegister, I2CDAC6573RwRegister,
      I2CTCA9546Register]  # fmt: skip


@pytest.mark.parametrize("ctype", RW, ids=[t.__name__ for t in RW])
@given(data=st.data())
def test_written_bytes_decode_back(ctype: type[Any], data: st.DataObject) -> None:
    value = data.draw(st.integers(0, ctype.Value.max))
    coord = data.draw(st.integers(0, ctype.coordinate_type.max))
    words = ctype(value).encode_write(coord)
    n = ctype.register_size_bytes
    addresses = [w & 0xFFFF_FFFF for w in words[0::2]]
    data_bytes = [w & 0xFFFF_FFFF for w in words[1::2]]
    assert all(b <= 0xFF for b in data_bytes)
    # the stop flag marks exactly the last access
    assert [a & 0x80 for a in addresses] == [0] * (len(addresses) - 1) + [0x80]
    assert all(a & ~0xFF == 0x8800_7800 for a in addresses)
    assert ctype.decode(data_bytes[-n:]).get().value() == value


# -- decoding -----------------------------------------------------------------------------------
def test_decode_combines_bytes_big_endian() -> None:
    assert I2CIdRegister.decode([0x12, 0x34, 0x56, 0x78]) == I2CIdRegister(0x1234_5678)
    assert I2CINA219RoRegister.decode([0xAB, 0xCD]).get().value() == 0xABCD
    assert I2CINA219RwRegister.decode([0x00, 0x01]).get().value() == 1
    assert I2CTCA9554RoRegister.decode([0xAA]).get().value() == 0xAA
    # only the low byte of a response carries data (as in the real fisch)
    assert I2CTempRegister.decode([0x7FFF_FF12, 0x0000_0134]).get().value() == 0x1234


def test_dac6573_decode_drops_the_low_six_bits() -> None:
    assert I2CDAC6573RwRegister.decode([0xFE, 0x80]).get().value() == 0x3FA
    assert I2CDAC6573RwRegister.decode([0xFF, 0xFF]).get().value() == 0x3FF
    assert I2CDAC6573RwRegister.decode([0x00, 0x3F]).get().value() == 0


READABLE = [I2CIdRegister, I2CTempRegister, I2CINA219RoRegister, I2CINA219RwRegister,
            I2CTCA9554RoRegister, I2CTCA9554RwRegister, I2CAD5252RwRegister,
            I2CDAC6573RwRegister, I2CTCA9546Register]  # fmt: skip


@pytest.mark.parametrize("ctype", READABLE, ids=[t.__name__ for t in READABLE])
def test_missing_ack_raises_naming_the_response(ctype: type[Any]) -> None:
    n = ctype.decode_ut_message_count
    bad = n - 1  # the last response
    payloads = [0x12] * n
    payloads[bad] = 0x8000_0012
    with pytest.raises(I2CAckMissingError) as info:
        ctype.decode(payloads)
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, RunError)
    msg = str(info.value)
    assert ctype.__name__ in msg and f"response {bad}" in msg and "0x80000012" in msg
    assert "ack missing" in msg


def test_decode_checks_the_response_count() -> None:
    with pytest.raises(ValueError, match=r"I2CIdRegister\.decode needs 4 payloads, got 1"):
        I2CIdRegister.decode([1])
    with pytest.raises(fisch.errors.FieldRangeError, match="omnibus response payload"):
        I2CTCA9554RoRegister.decode([2**32])


# -- through a program ---------------------------------------------------------------------------
class Scripted(ConnectionBase):
    """Answers every program with fixed Omnibus responses and a halt."""

    def __init__(self, payloads: list[int]) -> None:
        super().__init__()
        data = fisch.instruction("omnibus_from_fpga.Data").index
        halt = fisch.instruction("from_fpga_system.Loopback").index
        n = len(payloads)
        self.words = fisch.encode_from_fpga([data] * n + [halt], [*payloads, 0], [0] * (n + 1))

    def _execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        return self.words


def test_program_reads_and_writes_board_words() -> None:
    b = PlaybackProgramBuilder()
    b.write(halco.SPIShiftRegisterOnBoard(), SPIShiftRegister(0x123456))
    coord = I2CINA219RoRegisterOnBoard(I2CINA219RoRegisterOnINA219.bus, INA_VDD12_ANALOG)
    ticket = b.read(coord)
    assert b.size_from_fpga() == 2
    program = b.done()
    with ZeroMockConnection() as conn:
        run(conn, program)
    assert ticket.get() == [I2CINA219RoRegister(0)]
    run(Scripted([0xAB, 0xCD]), program)
    assert ticket.get() == [I2CINA219RoRegister(0xABCD)]
    run(Scripted([0x8000_00AB, 0xCD]), program)
    with pytest.raises(I2CAckMissingError, match="response 0 of 2 is 0x800000ab"):
        ticket.get()
    with pytest.raises(NotReadableError):
        PlaybackProgramBuilder().read(halco.SPIShiftRegisterOnBoard())
    with pytest.raises(NotWritableError):
        PlaybackProgramBuilder().write(halco.I2CIdRegisterOnBoard(), I2CIdRegister())


# -- bad values and coordinates -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("ctype", "bad", "limit"),
    [
        (SPIShiftRegister, 1 << 24, 0xFF_FFFF),
        (SPIDACDataRegister, 0x1000, 0xFFF),
        (SPIDACControlRegister, 0x2000, 0x1FFF),
        (I2CIdRegister, 1 << 32, 0xFFFF_FFFF),
        (I2CTempRegister, 1 << 16, 0xFFFF),
        (I2CINA219RwRegister, -1, 0xFFFF),
        (I2CTCA9554RwRegister, 0x100, 0xFF),
        (I2CAD5252RwRegister, 0x100, 0xFF),
        (I2CDAC6573RwRegister, 0x400, 0x3FF),
        (I2CTCA9546Register, 0x100, 0xFF),
    ],
)
def test_values_out_of_range_name_field_and_range(
    ctype: type[fisch.Container], bad: int, limit: int
) -> None:
    with pytest.raises(CoordinateRangeError) as info:
        ctype(bad)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == f"{ctype.__name__}.Value value must be in [0, {limit}], got {bad}"
    with pytest.raises(TypeError):
        ctype(1.5)
    with pytest.raises(TypeError):
        ctype("1")


def test_wrong_or_out_of_range_coordinates() -> None:
    with pytest.raises(
        CoordinateTypeError,
        match="I2CINA219RwRegister coordinate must be I2CINA219RwRegisterOnBoard",
    ):
        I2CINA219RwRegister(1).encode_write(I2CINA219RoRegisterOnBoard(0))
    with pytest.raises(CoordinateTypeError, match="SPIDACDataRegisterOnBoard"):
        SPIDACDataRegister(1).encode_write(halco.DACChannelOnBoard(0))
    with pytest.raises(CoordinateRangeError, match=r"\[0, 11\], got 12"):
        I2CINA219RwRegister.encode_read(12)
    with pytest.raises(CoordinateRangeError, match=r"\[0, 0\], got 1"):
        I2CTCA9546Register(0).encode_write(1)
    with pytest.raises(CoordinateTypeError):
        I2CTempRegister.encode_read(halco.I2CIdRegisterOnBoard())
