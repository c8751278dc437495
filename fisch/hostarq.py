"""HostARQ, the host-to-FPGA transport of BrainScaleS-2 over UDP (reference hostarq.md).

The wire format (12-byte big-endian header ``ACK, SEQ, PTYPE, LEN`` and ``LEN`` big-endian 64-bit
words; 4-byte ack-only frames; the 4-byte reset magic), the parameters of the "Fcp" set that
hxcomm uses (window 128, sequence numbers mod 256, 180 words per frame), the configuration frame
the FPGA answers a reset with, and :class:`ArqEndpoint`, the sliding-window engine both sides run:
selective repeat on receive, cumulative acks piggy-backed on data and sent after every receive
burst, retransmission of the oldest unacked frame when acks stall (a tail probe) and of the whole
window after a longer timeout. The host side is ``fisch.connection.ArqConnection``, the FPGA side
``fisch.emulator``.

Decisions where the reference leaves room: an endpoint acks every burst of data frames it
receives at once (the real host delays acks by 500 µs and only while frames arrive, which makes
the FPGA resend tails); it does not halve its window on a timeout (the real host's collapse under
loss); datagrams that are not well-formed frames are counted and dropped, never raised.

>>> frame = encode_frame(255, 0, PTYPE_UT, np.array([0x0A00000000000000], np.uint64))
>>> frame.hex()
'000000ff00000000001000010a00000000000000'
>>> decode_frame(frame).words.tolist()
[720575940379279360]
"""

from __future__ import annotations

import select
import socket
import struct
import time
from collections import deque
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "CFG_WORDS",
    "MAX_NRFRAMES",
    "MAX_PDUWORDS",
    "MAX_WINSIZ",
    "PTYPE_CFG",
    "PTYPE_FLUSH",
    "PTYPE_LOOPBACK",
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
        For a datagram of another length, or a SEQ beyond the sequence space.
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


class _Sent(NamedTuple):
    body: bytes  # SEQ, PTYPE, LEN and payload (the ACK goes in front at each send)
    first: float


class ArqEndpoint:
    """One side of a HostARQ stream on a UDP socket: windows, acks and retransmission.

    ``peer`` is the address to send to (None: the socket is connected). ``probe`` (s) without
    ack progress resends the oldest unacked frame; ``rto`` (s) resends the whole window;
    ``max_trans`` transmissions of one frame give up. Delivered frames (in order) wait in
    ``delivered`` as ``(ptype, words)``.
    """

    def __init__(
        self,
        sock: socket.socket,
        peer: Any = None,
        *,
        probe: float = 0.001,
        rto: float = 0.02,
        max_trans: int = 10000,
    ) -> None:
        self.sock, self.peer = sock, peer
        self.probe, self.rto, self.max_trans = probe, rto, max_trans
        self.stats = {"sent": 0, "resent": 0, "received": 0, "duplicates": 0, "garbage": 0}
        self.reset()

    def reset(self) -> None:
        """Restart both sequence spaces at 0 and forget what is in flight (a HostARQ reset)."""
        self.tx_next = self.tx_low = 0
        self.unacked: dict[int, _Sent] = {}
        self.tries: dict[int, int] = {}
        self.rx_low = 0
        self.held: dict[int, tuple[int, npt.NDArray[np.uint64]]] = {}
        self.delivered: deque[tuple[int, npt.NDArray[np.uint64]]] = deque()
        self.ack_due = False
        self.progress = time.monotonic()  # the last ack progress (or a send into an idle window)
        self.probed = 0.0  # the last probe

    @property
    def ack(self) -> int:
        """The cumulative ack of the receive direction: the last in-order SEQ (255 at start)."""
        return (self.rx_low - 1) % MAX_NRFRAMES

    @property
    def room(self) -> int:
        """How many more frames the send window takes."""
        return MAX_WINSIZ - len(self.unacked)

    def _transmit(self, data: bytes) -> None:
        if self.peer is None:
            self.sock.send(data)
        else:
            self.sock.sendto(data, self.peer)

    def send(self, ptype: int, words: npt.NDArray[np.uint64]) -> None:
        """Send one data frame (the window must have room).

        Raises
        ------
        FrameError
            For a full window or more than MAX_PDUWORDS words.
        """
        if self.room <= 0:
            raise FrameError("the send window is full: wait for acks (poll) first")
        seq = self.tx_next
        data = encode_frame(self.ack, seq, ptype, words)
        if not self.unacked:
            self.progress = time.monotonic()
        self.unacked[seq] = _Sent(data[4:], time.monotonic())
        self.tries[seq] = 1
        self.tx_next = (seq + 1) % MAX_NRFRAMES
        self._transmit(data)
        self.ack_due = False
        self.stats["sent"] += 1

    def handle(self, data: bytes) -> None:
        """Take one received datagram: its ack, and its frame into the receive window."""
        try:
            frame = decode_frame(data)
        except FrameError:
            self.stats["garbage"] += 1
            return
        if isinstance(frame, int):
            self._acked(frame)
            return
        self._acked(frame.ack)
        self.ack_due = True  # (duplicates too: their sender missed our ack)
        self.stats["received"] += 1
        offset = (frame.seq - self.rx_low) % MAX_NRFRAMES
        if offset >= MAX_WINSIZ or frame.seq in self.held:
            self.stats["duplicates"] += 1
            return
        self.held[frame.seq] = (frame.ptype, frame.words)
        while self.rx_low in self.held:
            self.delivered.append(self.held.pop(self.rx_low))
            self.rx_low = (self.rx_low + 1) % MAX_NRFRAMES

    def _acked(self, ack: int) -> None:
        k = (ack - self.tx_low) % MAX_NRFRAMES
        if k >= len(self.unacked):
            return  # (old, duplicate or beyond what was sent: ignored, as the host does)
        for i in range(k + 1):
            seq = (self.tx_low + i) % MAX_NRFRAMES
            del self.unacked[seq]
            del self.tries[seq]
        self.tx_low = (ack + 1) % MAX_NRFRAMES
        now = time.monotonic()
        self.progress = now
        oldest = self.unacked.get(self.tx_low)
        if oldest is not None and now - oldest.first > self.probe:
            self._resend(self.tx_low)  # (a gap the ack leaves: its frame was lost)

    def _resend(self, seq: int) -> None:
        self.tries[seq] += 1
        if self.tries[seq] > self.max_trans:
            raise ConnectionError(
                f"HostARQ frame {seq} was sent {self.max_trans} times without an ack"
            )
        self._transmit(_ACK.pack(self.ack) + self.unacked[seq].body)
        self.ack_due = False
        self.stats["resent"] += 1

    def timers(self) -> None:
        """Resend what the acks stalled on; send an ack that is due.

        The oldest unacked frame goes again after ``probe`` without ack progress, the whole
        window after ``rto``.

        Raises
        ------
        ConnectionError
            If a frame exceeds ``max_trans`` transmissions.
        """
        now = time.monotonic()
        if self.unacked and now - max(self.progress, self.probed) > self.probe:
            whole = now - self.progress > self.rto
            for i in range(len(self.unacked) if whole else 1):
                self._resend((self.tx_low + i) % MAX_NRFRAMES)
            self.probed = now
            if whole:
                self.progress = now  # (the next whole-window resend after another rto)
        if self.ack_due:
            self._transmit(_ACK.pack(self.ack))
            self.ack_due = False

    def drain(self) -> bool:
        """Take every datagram waiting on the socket (from the peer only); return whether any.

        Raises
        ------
        ConnectionError
            If the socket reports the peer gone (ICMP port unreachable on a connected socket).
        """
        came = False
        while True:
            try:
                data, source = self.sock.recvfrom(65536, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return came
            if self.peer is not None and source != self.peer:
                continue  # (another host: not ours)
            self.handle(data)
            came = True

    def poll(self, timeout: float) -> bool:
        """Wait up to `timeout` s for datagrams, take all that are there, run the timers.

        Returns whether any datagram came.

        Raises
        ------
        ConnectionError
            If the socket reports the peer gone (e.g. ICMP port unreachable on a connected
            socket), or a frame exceeds ``max_trans``.
        """
        ready, _, _ = select.select([self.sock], [], [], max(timeout, 0.0))
        came = self.drain() if ready else False
        self.timers()
        return came
