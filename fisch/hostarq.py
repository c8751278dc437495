"""HostARQ, the host-to-FPGA transport of BrainScaleS-2 over UDP (reference hostarq.md).

The wire format (12-byte big-endian header ``ACK, SEQ, PTYPE, LEN`` and ``LEN`` big-endian 64-bit
words; 4-byte ack-only frames; the 4-byte reset magic), the parameters of the "Fcp" set that
hxcomm uses (window 128, sequence numbers mod 256, 180 words per frame), the configuration frame
the FPGA answers a reset with, and :class:`ArqEndpoint`, the sliding-window engine both sides run:
selective repeat on receive, cumulative acks piggy-backed on data and sent after every receive
burst, retransmission of the oldest unacked frame when acks stall (a tail probe) and of the whole
window after a longer timeout. The engine is C (``csrc/arq.c``, where the decisions the reference
leaves open are written down), so that the software is not the bottleneck of a 1 GbE setup;
``encode_frame`` and ``decode_frame`` are the same layout in Python, for tests and tools. The
host side is ``fisch.connection.ArqConnection``, the FPGA side ``fisch.emulator``.

>>> frame = encode_frame(255, 0, PTYPE_UT, np.array([0x0A00000000000000], np.uint64))
>>> frame.hex()
'000000ff00000000001000010a00000000000000'
>>> decode_frame(frame).words.tolist()
[720575940379279360]
"""

from __future__ import annotations

import os
import socket
import struct
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from fisch._chip import ffi, lib

__all__ = [
    "CFG_WORDS",
    "MAX_NRFRAMES",
    "MAX_PDUWORDS",
    "MAX_WINSIZ",
    "PTYPE_CFG",
    "PTYPE_DUMMYDATA",
    "PTYPE_FLUSH",
    "PTYPE_LOOPBACK",
    "PTYPE_SENDDUMMY",
    "PTYPE_UT",
    "RESET_MAGIC",
    "ArqEndpoint",
    "Frame",
    "FrameError",
    "cfg_words",
    "decode_frame",
    "encode_frame",
    "parse_cfg",
]

#: The Fcp parameter set (hxcomm's): sequence modulus, frames in flight, words per frame.
MAX_NRFRAMES, MAX_WINSIZ, MAX_PDUWORDS = 256, 128, 180
CFG_WORDS = (MAX_NRFRAMES, MAX_WINSIZ, MAX_PDUWORDS)
#: Packet types: flush at the end of a stream, loopback (echoed), configuration, UT messages.
PTYPE_FLUSH, PTYPE_LOOPBACK, PTYPE_CFG, PTYPE_UT = 0x8000, 0x8001, 0x8002, 0x0010
#: The perf-test types: dummy data (consumed), and "send dummy" (the FPGA answers with dummy data).
PTYPE_DUMMYDATA, PTYPE_SENDDUMMY = 0x0000, 0x8003
#: The 4-byte reset frame the host sends to the FPGA's reset port.
RESET_MAGIC = 0xABABABAB
#: The host pads frames shorter than this (a LEN 0 frame arrives as 20 bytes).
MIN_PACKET_SEND_SIZE = 20

_HEADER = struct.Struct(">IIHH")
_ACK = struct.Struct(">I")
_BE64 = np.dtype(">u8")


class FrameError(ValueError):
    """A datagram that is no well-formed HostARQ frame."""


class Frame(NamedTuple):
    """A decoded data frame; ``words`` as native ``uint64``."""

    ack: int
    seq: int
    ptype: int
    words: npt.NDArray[np.uint64]


def encode_frame(ack: int, seq: int, ptype: int, words: npt.NDArray[np.uint64]) -> bytes:
    """Return the datagram of a data frame (padded to 20 bytes if shorter, as the host does).

    Raises
    ------
    FrameError
        For more than MAX_PDUWORDS words or a field out of its range.
    """
    if len(words) > MAX_PDUWORDS:
        raise FrameError(f"a frame holds at most {MAX_PDUWORDS} words, got {len(words)}")
    if not (0 <= ack < 2**32 and 0 <= seq < MAX_NRFRAMES and 0 <= ptype < 2**16):
        raise FrameError(f"ack {ack}, seq {seq} or ptype {ptype} out of range")
    data = _HEADER.pack(ack, seq, ptype, len(words)) + np.asarray(words, _BE64).tobytes()
    return data.ljust(MIN_PACKET_SEND_SIZE, b"\0")


def decode_frame(data: bytes) -> Frame | int:
    """Return the frame of a datagram, or the ack (an int) of a 4-byte ack-only frame.

    A LEN 0 frame may carry the host's padding to 20 bytes; any other length must be exactly
    ``12 + 8 * LEN`` (the host's receiver drops the rest, so the FPGA never pads).

    Raises
    ------
    FrameError
        For a datagram of another length, a LEN over MAX_PDUWORDS or a SEQ beyond the sequence
        space.
    """
    if len(data) == _ACK.size:
        return int(_ACK.unpack(data)[0])
    if len(data) < _HEADER.size:
        raise FrameError(f"a datagram of {len(data)} bytes is neither an ack nor a frame")
    ack, seq, ptype, n = _HEADER.unpack_from(data)
    if len(data) != _HEADER.size + 8 * n and not (n == 0 and len(data) == MIN_PACKET_SEND_SIZE):
        raise FrameError(
            f"LEN {n} needs {_HEADER.size + 8 * n} bytes, the datagram has {len(data)}"
        )
    if n > MAX_PDUWORDS:
        raise FrameError(f"LEN {n} is over the {MAX_PDUWORDS} words of a frame")
    if seq >= MAX_NRFRAMES:
        raise FrameError(f"SEQ {seq} is beyond the sequence space [0, {MAX_NRFRAMES})")
    words = np.frombuffer(data, _BE64, n, _HEADER.size).astype(np.uint64)
    return Frame(ack, seq, ptype, words)


def cfg_words(info: str) -> npt.NDArray[np.uint64]:
    """Return the payload of the configuration frame: the parameters, then the info text.

    The text (NUL-terminated) goes in 8-character words, each character LSB first, so that on
    the wire every chunk appears byte-reversed, as the real FPGA sends it.
    """
    text = info.encode("utf-8") + b"\0"
    text = text.ljust(-(-len(text) // 8) * 8, b"\0")
    chunks = np.frombuffer(text, "<u8").astype(np.uint64)
    head = np.array([*CFG_WORDS, len(chunks)], np.uint64)
    return np.concatenate([head, chunks])


def parse_cfg(words: npt.NDArray[np.uint64]) -> tuple[tuple[int, int, int], str]:
    """Return the parameters and the info text of a configuration frame's payload.

    Raises
    ------
    FrameError
        For fewer than 4 words or more info words than it announces.
    """
    if len(words) < 4 or len(words) - 4 > int(words[3]):
        raise FrameError(f"a configuration frame needs 4 words and its info, got {len(words)}")
    text = np.asarray(words[4:], "<u8").tobytes().split(b"\0", 1)[0]
    params = (int(words[0]), int(words[1]), int(words[2]))
    return params, text.decode("utf-8", "replace")


#: C status codes of the engine (csrc/arq.h).
_OK, _FULL, _TOO_LONG, _MAX_TRANS, _NULL, _OS_ERROR, _NONE = 0, -1, -2, -3, -4, -5, -6
_STATS = tuple(name for name, _ in ffi.typeof("bss2_arq_stats").fields)


class ArqEndpoint:
    """One side of a HostARQ stream on a UDP socket: windows, acks and retransmission.

    The engine is C (``csrc/arq.c``); this object owns it and keeps `sock` alive. ``peer`` is
    the ``(ip, port)`` to send to and take datagrams from (None: the socket is connected).
    ``probe`` (s) without ack progress resends the oldest unacked frame; ``rto`` (s) resends the
    whole window; ``max_trans`` transmissions of one frame give up. Delivered frames (in order)
    come from ``frames()`` as ``(ptype, words)``.

    Raises
    ------
    MemoryError
        If the engine cannot be allocated.
    OSError
        If `peer` is no IPv4 address.
    """

    def __init__(
        self,
        sock: socket.socket,
        peer: tuple[str, int] | None = None,
        *,
        probe: float = 0.001,
        rto: float = 0.02,
        max_trans: int = 10000,
    ) -> None:
        self.sock, self.peer = sock, peer
        arq = lib.bss2_arq_new(sock.fileno(), round(probe * 1e6), round(rto * 1e6), max_trans)
        if arq == ffi.NULL:  # pragma: no cover - only when memory runs out
            raise MemoryError("the HostARQ engine could not be allocated")
        self._arq = ffi.gc(arq, lib.bss2_arq_free)
        if peer is not None:
            ip = int.from_bytes(socket.inet_aton(peer[0]), "big")
            lib.bss2_arq_set_peer(self._arq, ip, peer[1])
        self._ptype = ffi.new("uint16_t *")
        self._buffer = ffi.new(f"uint64_t[{MAX_PDUWORDS}]")
        self._done = ffi.new("size_t *")
        self._stats = ffi.new("bss2_arq_stats *")

    def _check(self, status: int) -> int:
        if status >= 0:
            return status
        if status == _MAX_TRANS:
            raise ConnectionError("a HostARQ frame was sent max_trans times without an ack")
        if status == _OS_ERROR:
            code = lib.bss2_arq_errno(self._arq)
            raise OSError(code, os.strerror(code))
        raise FrameError(
            "the send window is full: wait for acks (poll) first"
            if status == _FULL
            else f"a frame holds at most {MAX_PDUWORDS} words"
        )

    def set_loss(self, fraction: float, seed: int = 0) -> None:
        """For tests and benchmarks: drop that fraction of the datagrams this end sends.

        Raises
        ------
        ValueError
            If `fraction` is not in [0, 1].
        """
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"loss fraction must be in [0, 1], got {fraction}")
        lib.bss2_arq_set_loss(self._arq, round(fraction * 1e6), seed)

    def reset(self) -> None:
        """Restart both sequence spaces at 0; forget what is in flight (a HostARQ reset)."""
        lib.bss2_arq_reset(self._arq)

    @property
    def ack(self) -> int:
        """The cumulative ack of the receive direction: the last in-order SEQ (255 at start)."""
        return int(lib.bss2_arq_ack(self._arq))

    @property
    def room(self) -> int:
        """How many more frames the send window takes."""
        return int(lib.bss2_arq_room(self._arq))

    @property
    def unacked(self) -> int:
        """How many frames are in flight."""
        return int(lib.bss2_arq_unacked(self._arq))

    @property
    def stats(self) -> dict[str, int]:
        """Counts: frames sent, resent, received, duplicates, garbage, dropped, acks sent, lost."""
        lib.bss2_arq_get_stats(self._arq, self._stats)
        return {name: int(getattr(self._stats, name)) for name in _STATS}

    def send(self, ptype: int, words: npt.NDArray[np.uint64]) -> None:
        """Send one data frame (the window must have room).

        Raises
        ------
        FrameError
            For a full window or more than MAX_PDUWORDS words.
        OSError
            If the socket fails (e.g. ConnectionRefusedError: the peer's port is closed).
        """
        w = np.ascontiguousarray(words, np.uint64)
        self._check(lib.bss2_arq_send(self._arq, ptype, ffi.from_buffer("uint64_t[]", w), w.size))

    def send_words(self, ptype: int, words: npt.NDArray[np.uint64], done: int) -> int:
        """Send ``words[done:]`` in full frames while the window has room; return the new `done`.

        `words` must be a C-contiguous ``uint64`` array.

        Raises
        ------
        OSError
            If the socket fails.
        """
        self._done[0] = done
        buffer = ffi.from_buffer("uint64_t[]", words)
        self._check(lib.bss2_arq_send_words(self._arq, ptype, buffer, words.size, self._done))
        return int(self._done[0])

    def timers(self) -> None:
        """Resend what the acks stalled on; send an ack that is due.

        Raises
        ------
        ConnectionError
            If a frame exceeds ``max_trans`` transmissions.
        OSError
            If the socket fails.
        """
        self._check(lib.bss2_arq_timers(self._arq))

    def poll(self, timeout: float) -> bool:
        """Wait up to `timeout` s for datagrams, take all that are there, run the timers.

        Returns whether any datagram (from the peer) came.

        Raises
        ------
        ConnectionError
            If the socket reports the peer gone (ConnectionRefusedError: ICMP port unreachable
            on a connected socket), or a frame exceeds ``max_trans``.
        """
        return self._check(lib.bss2_arq_poll(self._arq, max(round(timeout * 1e6), 0))) > 0

    @property
    def pending(self) -> int:
        """How many delivered frames wait for ``frames()``."""
        return int(lib.bss2_arq_delivered(self._arq))

    def discard(self) -> int:
        """Drop the delivered frames (a benchmark's sink); return how many."""
        return int(lib.bss2_arq_discard(self._arq))

    def frames(self) -> Iterator[tuple[int, npt.NDArray[np.uint64]]]:
        """Pop the delivered frames, in order, as ``(ptype, words)``."""
        while (n := lib.bss2_arq_take(self._arq, self._ptype, self._buffer, MAX_PDUWORDS)) >= 0:
            words = np.frombuffer(ffi.buffer(self._buffer, 8 * n), np.uint64).copy()
            yield int(self._ptype[0]), words
