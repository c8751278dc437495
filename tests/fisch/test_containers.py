"""Word containers: golden words from the reference, generic properties over the registry."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisch
import halco
from fisch import containers
from fisch.errors import FieldRangeError, NotReadableError, NotWritableError
from halco.common import Coordinate
from halco.errors import CoordinateRangeError, CoordinateTypeError

# container name -> (value, coordinate, write words, read words); None where not supported.
# JTAG sequences follow fisch's jtag.cpp: Ins = 0x02…, Data = 0x03… with num_bits at bit 40 and
# keep_response at bit 48.
GOLDEN: dict[str, tuple[Any, Any, list[int] | None, list[int] | None]] = {
    "Omnibus": (
        fisch.Omnibus.Value(0x81),
        halco.OmnibusAddress(0x0016002A),
        [0x0B00000F_0016002A, 0x0C000000_00000081],
        [0x0B00001F_0016002A],
    ),
    "Timer": (0, halco.TimerOnDLS(), [0x04000000_00000000], [0x0B00001F_8800000C]),
    "WaitUntil": (1250, halco.WaitUntilOnFPGA(), [0x05000000_000004E2], None),
    "Barrier": (1, halco.BarrierOnFPGA(), [0x07000000_00000001], None),
    "PollingOmnibusBlock": (True, halco.PollingOmnibusBlockOnFPGA(), [0x08000000_00000001], None),
    "SystimeSync": (True, halco.SystimeSyncOnFPGA(), [0x06000000_00000001], None),
    "ResetChip": (True, halco.ResetChipOnDLS(), [0x09000000_00000001], None),
    "NullPayloadReadable": (None, halco.NullPayloadReadableOnFPGA(), None, [0x0A000000_00000001]),
    "SpikePack1ToChip": ((0x1234,), halco.SpikePack1ToChipOnDLS(), [0x0D000000_00001234], None),
    "SpikePack2ToChip": ((1, 2), halco.SpikePack2ToChipOnDLS(), [0x0E000000_00010002], None),
    "SpikePack3ToChip": ((1, 2, 3), halco.SpikePack3ToChipOnDLS(), [0x0F000001_00020003], None),
    "JTAGClockScaler": (3, halco.JTAGClockScalerOnDLS(), [0x01000000_00000003], None),
    "ResetJTAGTap": (None, halco.ResetJTAGTapOnDLS(), [0x00000000_00000000], None),
    "JTAGIdCode": (0, halco.JTAGIdCodeOnDLS(), None, [0x02000000_00000001, 0x03012000_00000000]),
    "JTAGPLLRegister": (
        0xDEADBEEF,
        halco.JTAGPLLRegisterOnDLS(2),
        [0x02000000_00000003, 0x03000400_00000002, 0x02000000_00000004, 0x03002000_DEADBEEF],
        None,
    ),
    "JTAGPhyRegister": (
        0x3FFFFF,
        halco.JTAGPhyRegisterOnDLS(5),
        [0x02000000_0000006C, 0x03001600_003FFFFF],
        None,
    ),
    "OmnibusChipOverJTAG": (
        0x55,
        halco.OmnibusChipOverJTAGAddress(0x1234),
        [
            0x02000000_00000005,
            0x03002100_00001234,
            0x02000000_00000006,
            0x03002000_00000055,
            0x02000000_00000007,
            0x03000300_00000000,
        ],
        [
            0x02000000_00000005,
            0x03002101_00001234,
            0x02000000_00000007,
            0x03000300_00000000,
            0x02000000_00000006,
            0x03012000_00000000,
        ],
    ),
}


def _w(address: int, data: int) -> list[int]:
    """One Omnibus write (byte enables 0xF): address message, data message."""
    return [0x0B00000F_00000000 | address, 0x0C000000_00000000 | data]


def _r(address: int) -> list[int]:
    return [0x0B00001F_00000000 | address]


# SPI and I2C words (fisch/_board.py), worked examples of the real fisch tests; more cases are in
# test_board.py.
GOLDEN |= {
    "SPIShiftRegister": (
        0x123456,
        halco.SPIShiftRegisterOnBoard(),
        _w(0x8800_7001, 0x12) + _w(0x8800_7001, 0x34) + _w(0x8800_7001, 0x8000_0056),
        None,
    ),
    "SPIDACDataRegister": (
        0xFC1,
        halco.SPIDACDataRegisterOnBoard(3),
        _w(0x8800_7002, 0x3F)
        + _w(0x8800_7002, 0x8000_00C1)
        + _w(0x8800_7002, 0xA0)
        + _w(0x8800_7002, 0x8000_0002),
        None,
    ),
    "SPIDACControlRegister": (
        12,
        halco.SPIDACControlRegisterOnBoard(3),
        _w(0x8800_7002, 0xE0) + _w(0x8800_7002, 0x8000_000C),
        None,
    ),
    "I2CIdRegister": (
        0,
        halco.I2CIdRegisterOnBoard(),
        None,
        _w(0x8800_7850, 0xFC) + _r(0x8800_7850) * 3 + _r(0x8800_78D0),
    ),
    "I2CTempRegister": (
        0,
        halco.I2CTempRegisterOnBoard(),
        None,
        _w(0x8800_7848, 0x00) + _r(0x8800_7848) + _r(0x8800_78C8),
    ),
    "I2CINA219RoRegister": (
        0,
        halco.I2CINA219RoRegisterOnBoard(
            halco.I2CINA219RoRegisterOnINA219.bus, halco.INA219OnBoard.vdd12_analog
        ),
        None,
        _w(0x8800_7842, 0x02) + _r(0x8800_7842) + _r(0x8800_78C2),
    ),
    "I2CINA219RwRegister": (
        0x1234,
        halco.I2CINA219RwRegisterOnBoard(
            halco.I2CINA219RwRegisterOnINA219.calibration, halco.INA219OnBoard.vdd12_analog
        ),
        _w(0x8800_7842, 0x05) + _w(0x8800_7842, 0x12) + _w(0x8800_78C2, 0x34),
        _w(0x8800_7842, 0x05) + _r(0x8800_7842) + _r(0x8800_78C2),
    ),
    "I2CTCA9554RoRegister": (
        0,
        halco.I2CTCA9554RoRegisterOnBoard(),
        None,
        _w(0x8800_7838, 0x00) + _r(0x8800_78B8),
    ),
    "I2CTCA9554RwRegister": (
        0x55,
        halco.I2CTCA9554RwRegisterOnBoard(halco.I2CTCA9554RwRegisterOnTCA9554.polarity),
        _w(0x8800_7838, 0x02) + _w(0x8800_78B8, 0x55),
        _w(0x8800_7838, 0x02) + _r(0x8800_78B8),
    ),
    "I2CAD5252RwRegister": (
        0x70,
        halco.I2CAD5252RwRegisterOnBoard(
            halco.I2CAD5252RwRegisterOnAD5252Channel.rdac_volatile,
            halco.AD5252ChannelOnBoard.vdd_12madc,
        ),
        _w(0x8800_782D, 0x03) + _w(0x8800_78AD, 0x70),
        _w(0x8800_782D, 0x03) + _r(0x8800_78AD),
    ),
    "I2CDAC6573RwRegister": (
        0x3FA,
        halco.I2CDAC6573RwRegisterOnBoard(2),
        _w(0x8800_784C, 0x14) + _w(0x8800_784C, 0xFE) + _w(0x8800_78CC, 0x80),
        _w(0x8800_784C, 0x14) + _r(0x8800_784C) + _r(0x8800_78CC),
    ),
    "I2CTCA9546Register": (
        0x07,
        halco.I2CTCA9546RegisterOnBoard(),
        _w(0x8800_78F0, 0x07),
        _r(0x8800_78F0),
    ),
}


def response_payloads(ctype: type[fisch.Container], value: int) -> list[int]:
    """The response payloads a read of ``value`` yields: one word, or one byte per response
    (most significant first) for the I2C words, whose value may sit shifted in the register."""
    n = ctype.decode_ut_message_count
    if not hasattr(ctype, "register_size_bytes"):
        assert n == 1
        return [value]
    raw = value << ctype.value_shift  # type: ignore[attr-defined]
    return [(raw >> 8 * (n - 1 - i)) & 0xFF for i in range(n)]


def make(ctype: type[fisch.Container], value: Any) -> fisch.Container:
    return ctype() if ctype.Value is type(None) else ctype(value)  # type: ignore[call-arg]


def test_every_container_has_golden_words() -> None:
    assert set(GOLDEN) == set(containers)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_words(name: str) -> None:
    ctype = containers[name]
    value, coord, write, read = GOLDEN[name]
    assert ctype.coordinate_type is type(coord)
    c = make(ctype, value)
    if write is None:
        assert not ctype.is_writable
        with pytest.raises(NotWritableError, match="cannot be written"):
            c.encode_write(coord)
    else:
        assert c.encode_write(coord) == write
        assert ctype.encode_write_array([coord], [c]).tolist() == write
    if read is None:
        assert not ctype.is_readable and ctype.response_queue is None
        with pytest.raises(NotReadableError, match="cannot be read"):
            ctype.encode_read(coord)
    else:
        assert ctype.encode_read(coord) == read
        assert ctype.encode_read_array([coord, coord]).tolist() == read * 2
        # one response per read, except the I2C words (one per register byte)
        assert ctype.decode_ut_message_count == getattr(ctype, "register_size_bytes", 1)
        assert ctype.response_queue is not None


def value_strategy(ctype: type[fisch.Container]) -> st.SearchStrategy[Any]:
    v = ctype.Value
    if v is type(None):
        return st.none()
    if v is bool:
        return st.booleans()
    if v is fisch.Omnibus.Value:
        return st.builds(v, st.integers(0, 2**32 - 1), st.tuples(*[st.booleans()] * 4))
    if v is tuple:
        n = ctype.N  # type: ignore[attr-defined]
        labels = st.integers(0, 0xFFFF).map(halco.SpikeLabel)
        return st.lists(labels, min_size=n, max_size=n).map(tuple)
    if isinstance(v, type) and issubclass(v, Coordinate):
        return st.integers(v.min, v.max).map(v)
    raise AssertionError(f"no strategy for {ctype.__name__}.Value {v!r}: extend the test")


def coord_strategy(ctype: type[fisch.Container]) -> st.SearchStrategy[Any]:
    t = ctype.coordinate_type
    return st.integers(t.min, t.max).map(t)


@pytest.mark.parametrize("name", sorted(containers))
def test_every_container_has_strategies(name: str) -> None:
    value_strategy(containers[name])
    coord_strategy(containers[name])


NAMESPACE = {**vars(fisch), **vars(halco)}


@pytest.mark.parametrize("name", sorted(containers))
@given(data=st.data())
def test_container_properties(name: str, data: st.DataObject) -> None:
    ctype = containers[name]
    value = data.draw(value_strategy(ctype))
    c = make(ctype, value)
    assert c == make(ctype, value) and c.get() == c.value
    assert pickle.loads(pickle.dumps(c)) == c
    assert eval(repr(c), NAMESPACE) == c
    with pytest.raises(TypeError):
        hash(c)
    coord = data.draw(coord_strategy(ctype))
    if ctype.is_writable and not (name == "Timer" and c.get() != 0):
        words = c.encode_write(coord)
        fisch.decode_to_fpga(np.array(words, np.uint64))  # valid to-FPGA words
    if ctype.is_readable:
        words = ctype.encode_read(coord)
        fisch.decode_to_fpga(np.array(words, np.uint64))
        if ctype.Value is not type(None) and ctype.Value is not bool:
            raw = int(c.get())
            assert ctype.decode(response_payloads(ctype, raw)).get() == (
                fisch.Omnibus.Value(raw) if ctype is fisch.Omnibus else c.get()
            )


@pytest.mark.parametrize("name", sorted(containers))
def test_set_validates_like_constructor(name: str) -> None:
    ctype = containers[name]
    c = make(ctype, None)
    if ctype.Value is type(None):
        with pytest.raises(TypeError, match="has no value"):
            c.set(1)
        return
    with pytest.raises((ValueError, TypeError)):
        c.set(object())
    assert c == make(ctype, None)  # a failed set leaves the value alone


def test_value_range_errors_name_the_range() -> None:
    with pytest.raises(CoordinateRangeError, match=r"must be in \[0, 255\], got 256"):
        fisch.JTAGClockScaler(256)
    with pytest.raises(CoordinateRangeError, match=r"\[0, 31\], got 32"):
        fisch.Barrier(32)
    with pytest.raises(FieldRangeError, match=r"Omnibus.Value.word must be in \[0, 4294967295\]"):
        fisch.Omnibus(2**32)
    with pytest.raises(ValueError, match="4 entries"):
        fisch.Omnibus.Value(0, (True,))
    with pytest.raises(ValueError, match="exactly 2 labels, got 1"):
        fisch.SpikePack2ToChip([1])
    with pytest.raises(FieldRangeError, match="only be written with value 0"):
        fisch.Timer(5).encode_write(halco.TimerOnDLS())
    with pytest.raises(ValueError, match=r"bool \(or 0/1\), got 2"):
        fisch.ResetChip(2)
    with pytest.raises(TypeError, match="must be a bool"):
        fisch.ResetChip("yes")
    with pytest.raises(CoordinateTypeError, match="Omnibus coordinate must be OmnibusAddress"):
        fisch.Omnibus(1).encode_write(halco.TimerOnDLS())
    with pytest.raises(ValueError, match="needs 1 payloads, got 2"):
        fisch.Omnibus.decode([1, 2])


def test_defaults_follow_the_real_stack() -> None:
    # PollingOmnibusBlock blocks until equal unless told otherwise; the other flags default off
    coord = halco.PollingOmnibusBlockOnFPGA()
    assert fisch.PollingOmnibusBlock().encode_write(coord) == [0x08000000_00000001]
    assert fisch.ResetChip().get() is False and fisch.SystimeSync().get() is False


def test_no_silent_coercion() -> None:
    for bad in (1.7, "16", True):
        with pytest.raises(TypeError, match=r"Omnibus\.Value\.word must be an int"):
            fisch.Omnibus(bad)
    with pytest.raises(TypeError):
        fisch.Omnibus.encode_write_array(np.array([1]), np.array([3.99]))
    with pytest.raises(TypeError, match="headers must be integers"):
        fisch.encode_to_fpga([5.9], [1])
    with pytest.raises(TypeError, match="headers must be integers"):
        fisch.encode_to_fpga(["5"], [1])
    with pytest.raises(TypeError, match="headers must be integers"):
        fisch.encode_to_fpga([2**64], [0])
    with pytest.raises(TypeError, match="headers must be integers"):
        fisch.encode_from_fpga([1.9], [7])
    with pytest.raises(TypeError, match="field value must be an int, got float"):
        fisch.instruction("timing.WaitUntil").pack(value=1.9)


def test_decode_rejects_payloads_wider_than_the_response() -> None:
    with pytest.raises(FieldRangeError, match=r"omnibus response payload must be in \[0, 4294967"):
        fisch.Omnibus.decode([2**40])
    with pytest.raises(FieldRangeError, match="got -1"):
        fisch.Omnibus.decode([-1])
    with pytest.raises(FieldRangeError, match="jtag response payload"):
        fisch.JTAGIdCode.decode([2**33])
    # JTAG data carries 33 bits; the 32-bit word keeps the low 32 (as the real fisch casts)
    assert fisch.OmnibusChipOverJTAG.decode([2**32 | 5]).get().value() == 5


def test_barrier_statics_and_byte_enables() -> None:
    names = ("omnibus", "jtag", "systime", "multi_fpga", "systime_correction")
    assert [int(getattr(fisch.Barrier, n).get()) for n in names] == [1, 2, 4, 8, 16]
    be = fisch.Omnibus(fisch.Omnibus.Value(0x10, (True, False, True, False)))
    assert be.encode_write(halco.OmnibusAddress(0x10))[0] == 0x0B000005_00000010


def test_omnibus_bulk_fast_path_matches_per_word_path() -> None:
    addr = np.arange(0, 4000, 4, dtype=np.uint32)
    vals = np.arange(1000, dtype=np.int64) * 3
    slow = fisch.Omnibus.encode_write_array(
        [halco.OmnibusAddress(int(a)) for a in addr], [fisch.Omnibus(int(v)) for v in vals]
    )
    assert fisch.Omnibus.encode_write_array(addr, vals).tolist() == slow.tolist()
    reads = fisch.Omnibus.encode_read_array([halco.OmnibusAddress(int(a)) for a in addr])
    assert fisch.Omnibus.encode_read_array(addr).tolist() == reads.tolist()
    with pytest.raises(
        FieldRangeError, match=r"Omnibus word 2 must be in \[0, 4294967295\], got -1"
    ):
        fisch.Omnibus.encode_write_array(addr[:3], np.array([1, 2, -1]))
    with pytest.raises(FieldRangeError, match="byte_enables"):
        fisch.Omnibus.encode_write_array(addr[:1], vals[:1], byte_enables=16)
    with pytest.raises(ValueError, match="3 addresses but 2 words"):
        fisch.Omnibus.encode_write_array(addr[:3], vals[:2])
    with pytest.raises(ValueError, match="2 coordinates but 1 values"):
        fisch.Omnibus.encode_write_array([halco.OmnibusAddress(1)] * 2, [fisch.Omnibus(1)])
