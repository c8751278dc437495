"""Bit-exact UT codec in both directions, for whole numpy arrays of messages.

To the FPGA every message is one 64-bit word (header in the top byte, payload right-aligned).
From the FPGA, messages of 64 or 80 bits are packed MSB-first into 64-bit words and a flush pads
the last word with a comma: the bit right after the last message is set, and the receiver drops
the rest of that word (reference §6.1, hxcomm ``encoder.tcc`` / ``decoder.tcc``). Framing of the
from-FPGA stream is a sequential state machine and runs in C (``csrc/ut_codec.c``); everything
else is vectorised numpy. Decision: where hxcomm silently drops set bits between a message's
header and its payload, both directions here raise, so that garbage never passes as data.

>>> import numpy as np
>>> hex(int(encode_to_fpga(np.array([5]), np.array([1250]))[0]))
'0x5000000000004e2'
>>> m = decode_from_fpga(encode_from_fpga(np.array([10]), np.array([0x561234])))
>>> int(m.header[0]), hex(int(m.payload[0]))
(10, '0x561234')
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from fisch._chip import ffi, lib
from fisch._instructions import FROM_FPGA_DICTIONARY, TO_FPGA_DICTIONARY
from fisch.errors import FieldRangeError, UnknownInstructionError, UTDecodeError

__all__ = [
    "FromFPGAMessages",
    "decode_from_fpga",
    "decode_to_fpga",
    "encode_from_fpga",
    "encode_to_fpga",
]

_U64 = np.dtype(np.uint64)
_SHIFT = np.uint64(56)
_BODY = np.uint64((1 << 56) - 1)
#: Payload mask per to-FPGA header (16 entries).
_TO_MASK = np.array([(1 << i.size) - 1 for i in TO_FPGA_DICTIONARY], dtype=np.uint64)
#: Message length in bytes per from-FPGA header (13 entries).
_FROM_LEN = np.array([i.word_width // 8 for i in FROM_FPGA_DICTIONARY], dtype=np.int64)


class FromFPGAMessages(NamedTuple):
    """Decoded from-FPGA messages as parallel arrays (payload bits 64-71 in ``payload_high``)."""

    header: npt.NDArray[np.uint8]
    payload: npt.NDArray[np.uint64]
    payload_high: npt.NDArray[np.uint8]


def _words(words: npt.ArrayLike, what: str) -> npt.NDArray[np.uint64]:
    arr = np.asarray(words)
    if arr.dtype.kind in "fO" and not isinstance(words, np.ndarray):
        # numpy turns lists of ints beyond int64 into float or object arrays
        items: list[Any] = list(words)  # type: ignore[arg-type]
        if all(isinstance(x, (int, np.integer)) for x in items):
            if any(not 0 <= int(x) < 2**64 for x in items):
                raise FieldRangeError(f"{what} must hold unsigned 64-bit words")
            arr = np.array([int(x) for x in items], dtype=_U64)
    if arr.ndim != 1:
        raise ValueError(f"{what} must be a one-dimensional array of words, got shape {arr.shape}")
    if arr.dtype != _U64:
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"{what} must hold unsigned 64-bit words, got dtype {arr.dtype}")
        if arr.size and (np.issubdtype(arr.dtype, np.signedinteger) and arr.min() < 0):
            raise FieldRangeError(f"{what} must hold unsigned 64-bit words, got {arr.min()}")
        arr = arr.astype(_U64)
    return np.ascontiguousarray(arr)


def _headers(headers: npt.ArrayLike, direction: str, size: int) -> npt.NDArray[np.int64]:
    """Return the headers as int64, checked against a dictionary of ``size`` instructions."""
    arr = np.asarray(headers)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"headers must be integers, got dtype {arr.dtype}")
    h = arr.astype(np.int64)
    bad = np.flatnonzero((arr < 0) | (arr >= size))
    if bad.size:
        i = int(bad[0])
        raise UnknownInstructionError(
            f"{direction} header of message {i} must be in [0, {size - 1}], got {int(arr[i])}"
        )
    return h


def encode_to_fpga(headers: npt.ArrayLike, payloads: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """Return the to-FPGA words of messages given as header and payload arrays.

    Raises
    ------
    UnknownInstructionError
        If a header is not in the to-FPGA dictionary (0..15).
    FieldRangeError
        If a payload is wider than its instruction's payload.
    """
    h = _headers(headers, "to-FPGA", len(TO_FPGA_DICTIONARY))
    p = _words(payloads, "payloads")
    if h.shape != p.shape:
        raise ValueError(f"headers {h.shape} and payloads {p.shape} differ in shape")
    over = np.flatnonzero(p & ~_TO_MASK[h])
    if over.size:
        i = int(over[0])
        TO_FPGA_DICTIONARY[int(h[i])].check_payload(int(p[i]))
    return (h.astype(_U64) << _SHIFT) | p


def decode_to_fpga(
    words: npt.ArrayLike,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint64]]:
    """Split to-FPGA words into header and payload arrays.

    Raises
    ------
    UnknownInstructionError
        If a header is not in the to-FPGA dictionary.
    UTDecodeError
        If bits between header and payload are set.
    """
    w = _words(words, "to-FPGA words")
    h = w >> _SHIFT
    bad = np.flatnonzero(h >= len(TO_FPGA_DICTIONARY))
    if bad.size:
        i = int(bad[0])
        raise UnknownInstructionError(
            f"to-FPGA word {i} ({int(w[i]):#018x}) has header {int(h[i])}; the dictionary has "
            f"headers 0..{len(TO_FPGA_DICTIONARY) - 1}"
        )
    p = w & _BODY
    over = np.flatnonzero(p & ~_TO_MASK[h.astype(np.intp)])
    if over.size:
        i = int(over[0])
        ins = TO_FPGA_DICTIONARY[int(h[i])]
        raise UTDecodeError(
            f"to-FPGA word {i} ({int(w[i]):#018x}) sets bits above the {ins.size}-bit payload "
            f"of {ins.name}"
        )
    return h.astype(np.uint8), p


def encode_from_fpga(
    headers: npt.ArrayLike,
    payloads: npt.ArrayLike,
    payloads_high: npt.ArrayLike | None = None,
) -> npt.NDArray[np.uint64]:
    """Return the from-FPGA word stream of the given messages, comma-flushed.

    ``payloads_high`` holds payload bits 64-71 (only the 72-bit 3-packs use them).

    Raises
    ------
    UnknownInstructionError
        If a header is not in the from-FPGA dictionary (0..12).
    FieldRangeError
        If a payload is wider than its instruction's payload.
    """
    h = _headers(headers, "from-FPGA", len(FROM_FPGA_DICTIONARY))
    p = _words(payloads, "payloads")
    hi = np.zeros(h.shape, np.uint64) if payloads_high is None else _words(payloads_high, "hi")
    if not h.shape == p.shape == hi.shape:
        raise ValueError(f"headers {h.shape}, payloads {p.shape}, high {hi.shape} differ in shape")
    if hi.size and int(hi.max()) > 0xFF:
        i = int(np.flatnonzero(hi > 0xFF)[0])
        raise FieldRangeError(f"payload_high of message {i} must fit 8 bits, got {int(hi[i])}")
    h8 = np.ascontiguousarray(h, dtype=np.uint8)
    hi8 = np.ascontiguousarray(hi, dtype=np.uint8)
    capacity = (int(_FROM_LEN[h].sum()) + 7) // 8
    out = np.empty(capacity, dtype=_U64)
    err = ffi.new("size_t *")
    count = lib.bss2_ut_encode_from_fpga(
        ffi.from_buffer("uint8_t[]", h8),
        ffi.from_buffer("uint64_t[]", p),
        ffi.from_buffer("uint8_t[]", hi8),
        h.size,
        ffi.from_buffer("uint64_t[]", out, require_writable=True),
        capacity,
        err,
    )
    if count < 0:
        i = int(err[0])
        ins = FROM_FPGA_DICTIONARY[int(h[i])]
        raise FieldRangeError(
            f"payload of message {i} ({ins.name}) must fit {ins.size} bits, got "
            f"{(int(hi[i]) << 64) | int(p[i]):#x}"
        )
    return out[:count]


def decode_from_fpga(words: npt.ArrayLike) -> FromFPGAMessages:
    """Frame a from-FPGA word stream into messages (comma words and comma flushes dropped).

    Raises
    ------
    UnknownInstructionError
        If a message header is not in the from-FPGA dictionary.
    UTDecodeError
        If the stream ends inside a message or a message sets bits outside its payload.
    """
    return decode_timed(words, 0)[0]


def decode_timed(
    words: npt.ArrayLike, t0: int
) -> tuple[FromFPGAMessages, npt.NDArray[np.uint64], npt.NDArray[np.uint64], int]:
    """Frame a from-FPGA word stream as ``decode_from_fpga``, with times and counts.

    In the same pass: every message's FPGA time (each message advances it by one cycle from
    ``t0``, ``Systime`` sets it, ``Sysdelta`` adds to it) and the number of messages per header;
    also returns the time after the last message.

    Raises
    ------
    UnknownInstructionError, UTDecodeError
        As ``decode_from_fpga``.
    """
    w = _words(words, "from-FPGA words")
    n = w.size
    header = np.empty(n, np.uint8)
    high = np.empty(n, np.uint8)
    payload = np.empty(n, np.uint64)
    times = np.empty(n, np.uint64)
    counts = np.empty(len(FROM_FPGA_DICTIONARY), np.uint64)
    t = ffi.new("uint64_t *", t0)
    off = ffi.new("size_t *")
    count = lib.bss2_ut_decode_timed(
        ffi.from_buffer("uint64_t[]", w),
        n,
        ffi.from_buffer("uint8_t[]", header, require_writable=True),
        ffi.from_buffer("uint8_t[]", high, require_writable=True),
        ffi.from_buffer("uint64_t[]", payload, require_writable=True),
        ffi.from_buffer("uint64_t[]", times, require_writable=True),
        n,
        t,
        ffi.from_buffer("uint64_t[]", counts, require_writable=True),
        off,
    )
    if count < 0:
        _raise_decode(int(count), int(off[0]), w)
    m = FromFPGAMessages(header[:count], payload[:count], high[:count])
    return m, times[:count], counts, int(t[0])


def _raise_decode(code: int, offset: int, words: npt.NDArray[np.uint64]) -> None:
    where = f"byte {offset} (word {offset // 8}: {int(words[offset // 8]):#018x})"
    byte = (int(words[offset // 8]) >> (56 - 8 * (offset % 8))) & 0xFF
    if code == -1:
        raise UnknownInstructionError(
            f"from-FPGA stream: unknown UT header {byte} at {where}; the dictionary has headers "
            f"0..{len(FROM_FPGA_DICTIONARY) - 1}"
        )
    ins = FROM_FPGA_DICTIONARY[byte] if byte < len(FROM_FPGA_DICTIONARY) else None
    name = ins.name if ins else "?"
    if code == -2:
        raise UTDecodeError(
            f"from-FPGA stream is truncated: {name} at {where} needs "
            f"{ins.word_width // 8 if ins else '?'} bytes but the stream ends after "
            f"{words.size * 8 - offset}"
        )
    if code == -3:
        raise UTDecodeError(
            f"from-FPGA stream: {name} at {where} sets bits above its "
            f"{ins.size if ins else '?'}-bit payload"
        )
    raise RuntimeError(f"UT decoder failed with status {code}")  # pragma: no cover
