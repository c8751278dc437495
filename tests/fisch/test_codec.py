"""UT dictionaries and codec: reference §6.1 tables and worked encodings, round trips, fuzzing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisch
from fisch import FROM_FPGA_DICTIONARY, TO_FPGA_DICTIONARY, instructions
from fisch.errors import FieldRangeError, UnknownInstructionError, UTDecodeError

# (index, name, payload bits) straight from the reference tables of §6.1
TO_FPGA_TABLE = [
    (0, "to_fpga_jtag.Init", 0),
    (1, "to_fpga_jtag.Scaler", 8),
    (2, "to_fpga_jtag.Ins", 7),
    (3, "to_fpga_jtag.Data", 56),
    (4, "timing.Setup", 0),
    (5, "timing.WaitUntil", 32),
    (6, "timing.SystimeInit", 1),
    (7, "timing.Barrier", 5),
    (8, "timing.PollingOmnibusBlock", 1),
    (9, "system.Reset", 1),
    (10, "system.Loopback", 1),
    (11, "omnibus_to_fpga.Address", 37),
    (12, "omnibus_to_fpga.Data", 32),
    (13, "event_to_fpga.SpikePack1", 16),
    (14, "event_to_fpga.SpikePack2", 32),
    (15, "event_to_fpga.SpikePack3", 48),
]
FROM_FPGA_TABLE = [
    (0, "jtag_from_hicann.Data", 33),
    (1, "omnibus_from_fpga.Data", 32),
    (2, "from_fpga_system.Loopback", 1),
    (3, "from_fpga_system.HighspeedLinkNotification", 8),
    (4, "from_fpga_system.TimeoutNotification", 45),
    (5, "timing_from_fpga.Systime", 43),
    (6, "timing_from_fpga.Sysdelta", 8),
    (7, "event_from_fpga.MADCSamplePack1", 24),
    (8, "event_from_fpga.MADCSamplePack2", 48),
    (9, "event_from_fpga.MADCSamplePack3", 72),
    (10, "event_from_fpga.SpikePack1", 24),
    (11, "event_from_fpga.SpikePack2", 48),
    (12, "event_from_fpga.SpikePack3", 72),
]


def test_dictionaries_match_reference() -> None:
    assert [(i.index, i.name, i.size) for i in TO_FPGA_DICTIONARY] == TO_FPGA_TABLE
    assert [(i.index, i.name, i.size) for i in FROM_FPGA_DICTIONARY] == FROM_FPGA_TABLE
    assert len(instructions) == len(TO_FPGA_TABLE) + len(FROM_FPGA_TABLE)
    assert all(i.word_width == 64 for i in TO_FPGA_DICTIONARY)
    widths = {i.name: i.word_width for i in FROM_FPGA_DICTIONARY}
    assert {n for n, w in widths.items() if w == 80} == {
        "event_from_fpga.MADCSamplePack3",
        "event_from_fpga.SpikePack3",
    }
    assert set(widths.values()) == {64, 80}


def test_fields_fit_their_payloads() -> None:
    for ins in instructions.values():
        masks = [f.mask for f in ins.fields]
        assert all(m >> ins.size == 0 for m in masks), ins.name
        assert sum(masks) == (sum(masks) & ins.payload_mask)
        for a in range(len(masks)):  # no overlap
            for b in range(a + 1, len(masks)):
                assert masks[a] & masks[b] == 0, ins.name


# -- worked encodings of §6.1 ---------------------------------------------------------------------
GOLDEN_TO_FPGA = [
    ("timing.Setup", 0, 0x04000000_00000000),
    ("timing.WaitUntil", 1250, 0x05000000_000004E2),
    ("omnibus_to_fpga.Address", 0x0F_0016002A, 0x0B00000F_0016002A),
    ("omnibus_to_fpga.Data", 0x81, 0x0C000000_00000081),
    ("omnibus_to_fpga.Address", 0x1F_0016002A, 0x0B00001F_0016002A),
    ("timing.Barrier", 1, 0x07000000_00000001),
    ("event_to_fpga.SpikePack1", 0x1234, 0x0D000000_00001234),
    ("system.Loopback", 0, 0x0A000000_00000000),
]


@pytest.mark.parametrize(("name", "payload", "word"), GOLDEN_TO_FPGA)
def test_golden_to_fpga(name: str, payload: int, word: int) -> None:
    ins = fisch.instruction(name)
    assert ins.encode(payload) == word
    h, p = fisch.decode_to_fpga(np.array([word], np.uint64))
    assert (int(h[0]), int(p[0])) == (ins.index, payload)
    assert int(fisch.encode_to_fpga([ins.index], [payload])[0]) == word


def test_golden_address_fields() -> None:
    a = fisch.instruction("omnibus_to_fpga.Address")
    assert a.pack(address=0x0016002A, byte_enables=0xF, is_read=1) == 0x1F_0016002A
    assert a.unpack(0x1F_0016002A) == {"address": 0x0016002A, "byte_enables": 0xF, "is_read": 1}


def test_golden_from_fpga() -> None:
    # omnibus read response 0x01000000_DDDDDDDD and a spike 0x0A000000_00TTLLLL
    words = np.array([0x01000000_DDDDDDDD, 0x0A000000_00561234], np.uint64)
    m = fisch.decode_from_fpga(words)
    assert m.header.tolist() == [1, 10]
    assert m.payload.tolist() == [0xDDDDDDDD, 0x561234]
    spike = fisch.instruction("event_from_fpga.SpikePack1").unpack(0x561234)
    assert spike == {"label0": 0x1234, "timestamp0": 0x56}
    # the encoder reproduces the same words (two full 64-bit messages need no flush)
    assert fisch.encode_from_fpga([1, 10], [0xDDDDDDDD, 0x561234]).tolist() == words.tolist()


def test_three_pack_is_80_bits_and_flush_sets_a_comma() -> None:
    # spike pack 3 (80 bits) then a halt (64 bits): 144 bits -> 3 words, comma at bit 144
    words = fisch.encode_from_fpga([12, 2], [0x1111222222333333, 0], [0x11, 0])
    assert words.tolist() == [0x0C11111122222233, 0x3333020000000000, 0x0000800000000000]


# -- an independent model of the wire rules (encoder.tcc / decoder.tcc as §6.1 states them) ------
def model_encode(msgs: list[tuple[int, int]]) -> list[int]:
    bits, nbits = 0, 0
    for h, p in msgs:
        width = FROM_FPGA_DICTIONARY[h].word_width
        bits = (bits << width) | (h << (width - 8)) | p
        nbits += width
    if nbits % 64:
        pad = 64 - nbits % 64
        bits = (bits << pad) | (1 << (pad - 1))  # comma right after the last message
        nbits += pad
    return [(bits >> (nbits - 64 * (i + 1))) & (2**64 - 1) for i in range(nbits // 64)]


def model_decode(words: list[int]) -> list[tuple[int, int]]:
    data = b"".join(w.to_bytes(8, "big") for w in words)
    pos, out = 0, []
    while pos < len(data):
        h = data[pos]
        if h & 0x80:
            pos = (pos // 8 + 1) * 8
            continue
        if h >= len(FROM_FPGA_DICTIONARY):
            raise UnknownInstructionError(h)
        ins = FROM_FPGA_DICTIONARY[h]
        n = ins.word_width // 8
        if pos + n > len(data):
            raise UTDecodeError("truncated")
        payload = int.from_bytes(data[pos + 1 : pos + n], "big")
        if payload >> ins.size:
            raise UTDecodeError("padding")
        out.append((h, payload))
        pos += n
    return out


from_messages = st.lists(
    st.sampled_from(FROM_FPGA_DICTIONARY).flatmap(
        lambda i: st.tuples(st.just(i.index), st.integers(0, i.payload_mask))
    ),
    max_size=40,
)
to_messages = st.lists(
    st.sampled_from(TO_FPGA_DICTIONARY).flatmap(
        lambda i: st.tuples(st.just(i.index), st.integers(0, i.payload_mask))
    ),
    max_size=40,
)


def _split(msgs: list[tuple[int, int]]) -> tuple[list[int], list[int], list[int]]:
    return [h for h, _ in msgs], [p & (2**64 - 1) for _, p in msgs], [p >> 64 for _, p in msgs]


def _joined(m: fisch.FromFPGAMessages) -> list[tuple[int, int]]:
    return [
        (int(h), (int(hi) << 64) | int(p))
        for h, p, hi in zip(m.header, m.payload, m.payload_high, strict=True)
    ]


@given(from_messages)
def test_from_fpga_round_trip_matches_model(msgs: list[tuple[int, int]]) -> None:
    words = fisch.encode_from_fpga(*_split(msgs))
    assert words.tolist() == model_encode(msgs)
    assert _joined(fisch.decode_from_fpga(words)) == msgs


@given(to_messages)
def test_to_fpga_round_trip(msgs: list[tuple[int, int]]) -> None:
    h, p, _ = _split(msgs)
    words = fisch.encode_to_fpga(np.array(h, np.int64), np.array(p, np.uint64))
    assert words.tolist() == [fisch.TO_FPGA_DICTIONARY[a].encode(b) for a, b in msgs]
    dh, dp = fisch.decode_to_fpga(words)
    assert list(zip(dh.tolist(), dp.tolist(), strict=True)) == msgs


@given(st.sampled_from(list(instructions.values())), st.data())
def test_fields_pack_unpack_round_trip(ins: fisch.Instruction, data: st.DataObject) -> None:
    values = {f.name: data.draw(st.integers(f.lo, f.hi)) for f in ins.fields}
    payload = ins.pack(**values)
    assert ins.unpack(payload) == values


@given(st.lists(st.integers(0, 2**64 - 1), max_size=12))
def test_decoder_fuzz_agrees_with_model(words: list[int]) -> None:
    try:
        expected = model_decode(words)
    except UTDecodeError as exc:
        with pytest.raises(type(exc)):
            fisch.decode_from_fpga(np.array(words, np.uint64))
    else:
        assert _joined(fisch.decode_from_fpga(np.array(words, np.uint64))) == expected


@given(st.binary(max_size=96))
def test_decoder_fuzz_random_bytes_never_crashes(raw: bytes) -> None:
    raw = raw[: len(raw) // 8 * 8]
    words = np.frombuffer(raw, dtype=">u8").astype(np.uint64)
    try:
        fisch.decode_from_fpga(words)
    except UTDecodeError as exc:
        assert "from-FPGA stream" in str(exc)


@given(from_messages, st.integers(0, 3))
def test_comma_words_between_messages_are_dropped(msgs: list[tuple[int, int]], n: int) -> None:
    words = fisch.encode_from_fpga(*_split(msgs)).tolist()
    padded = [0x8000_0000_0000_0000] * n + words + [0xFFFF_FFFF_FFFF_FFFF] * n
    assert _joined(fisch.decode_from_fpga(np.array(padded, np.uint64))) == msgs


# -- bad input ----------------------------------------------------------------------------------
def test_unknown_headers() -> None:
    with pytest.raises(UnknownInstructionError, match="unknown UT header 13 at byte 0"):
        fisch.decode_from_fpga(np.array([0x0D00000000000000], np.uint64))
    with pytest.raises(UnknownInstructionError, match="header 16"):
        fisch.decode_to_fpga(np.array([0x1000000000000000], np.uint64))
    with pytest.raises(UnknownInstructionError, match=r"in \[0, 15\], got 16"):
        fisch.encode_to_fpga([16], [0])
    with pytest.raises(UnknownInstructionError, match=r"in \[0, 12\], got 13"):
        fisch.encode_from_fpga([13], [0])
    with pytest.raises(UnknownInstructionError, match="no UT instruction named"):
        fisch.instruction("timing.Sleep")


def test_truncated_and_padded_streams() -> None:
    with pytest.raises(UTDecodeError, match=r"truncated: event_from_fpga\.SpikePack3"):
        fisch.decode_from_fpga(np.array([0x0C00000000000000], np.uint64))
    with pytest.raises(UTDecodeError, match="above its 32-bit payload"):
        fisch.decode_from_fpga(np.array([0x0100000100000000], np.uint64))
    with pytest.raises(UTDecodeError, match=r"above the 1-bit payload of system\.Reset"):
        fisch.decode_to_fpga(np.array([0x0900000000000002], np.uint64))


def test_payloads_wider_than_field_raise() -> None:
    with pytest.raises(
        FieldRangeError, match=r"timing.WaitUntil payload must be in \[0, 0xffffffff\]"
    ):
        fisch.instruction("timing.WaitUntil").encode(2**32)
    with pytest.raises(FieldRangeError, match=r"omnibus_to_fpga\.Data payload"):
        fisch.encode_to_fpga([12], [2**32])
    with pytest.raises(FieldRangeError, match=r"field num_bits must be in \[3, 33\], got 34"):
        fisch.instruction("to_fpga_jtag.Data").pack(num_bits=34)
    with pytest.raises(FieldRangeError, match="must fit 8 bits"):
        fisch.encode_from_fpga([6], [256])
    with pytest.raises(TypeError, match="no payload field 'size'"):
        fisch.instruction("timing.Barrier").pack(size=1)
    with pytest.raises(TypeError, match="from-FPGA message"):
        fisch.instruction("timing_from_fpga.Systime").encode(1)
    with pytest.raises(TypeError, match="unsigned 64-bit words"):
        fisch.decode_from_fpga(np.array([1.5]))
    with pytest.raises(FieldRangeError, match="unsigned 64-bit words"):
        fisch.decode_from_fpga(np.array([-1]))
    with pytest.raises(ValueError, match="one-dimensional"):
        fisch.decode_from_fpga(np.zeros((2, 2), np.uint64))
