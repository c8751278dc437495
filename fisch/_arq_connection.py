"""The host side of HostARQ: a setup on the network as a connection (see ``fisch.connection``)."""

from __future__ import annotations

import secrets
import socket
import time

import numpy as np
import numpy.typing as npt

from fisch._chip import ffi, lib
from fisch._codec import decode_to_fpga
from fisch._connection_base import _FROM, ConnectionBase
from fisch._instructions import instruction
from fisch._program import HALT_WORD
from fisch.errors import ConnectionUnavailableError, TransportError, UTDecodeError
from fisch.hostarq import (
    CFG_WORDS,
    PTYPE_CFG,
    PTYPE_FLUSH,
    PTYPE_LOOPBACK,
    PTYPE_UT,
    RESET_MAGIC,
    ArqEndpoint,
    FrameError,
    parse_cfg,
)

__all__ = ["ArqConnection"]

_HALT_WORD = np.uint64(HALT_WORD)
_OMNIBUS, _JTAG = _FROM["omnibus"], _FROM["jtag"]
_TIMEOUT = instruction("from_fpga_system.TimeoutNotification").index


class ArqConnection(ConnectionBase):
    """A setup on the network, spoken to with HostARQ over UDP (reference hostarq.md).

    Connecting resets the FPGA's ARQ (the 4-byte reset frame to ``reset_port``), checks the
    configuration frame it answers with (window, sequence space and frame size must be the Fcp
    parameters; the info text must name ``version`` and ``compatible_until``) and flushes the
    stream with a loopback frame, as the real host does. ``execute`` sends the program's words in
    frames of 180 and a loopback frame behind them, and collects the answer until its halts, the
    responses to its reads and the loopback's echo are in: the setup emulator echoes a loopback
    after the answers of the programs before it, so events a program's chip still emits after its
    halt belong to its answer (a real FPGA echoes at once; events after the halt then go to the
    next answer, as with the real stack). Waiting, it sends a loopback frame every ``keepalive``
    s; if nothing (not even an ack) comes back for ``timeout`` s, or the host reports the port
    unreachable, it raises. ``info`` is the setup's info text.

    Raises
    ------
    ConnectionUnavailableError
        If no configuration frame comes within 2 s, its parameters differ from ours, or the
        loopback does not return within 0.4 s.
    OSError
        If the address cannot be resolved.
    """

    reset_timeout, flush_timeout = 2.0, 0.4

    def __init__(
        self,
        host: str,
        data_port: int = 1234,
        reset_port: int = 0xAFFE,
        *,
        timeout: float = 5.0,
        keepalive: float = 0.5,
    ) -> None:
        super().__init__()
        self.host, self.data_port, self.reset_port = host, data_port, reset_port
        self.timeout, self.keepalive = timeout, keepalive
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            for option in (socket.SO_SNDBUF, socket.SO_RCVBUF):
                self._sock.setsockopt(socket.SOL_SOCKET, option, 10 << 20)
            self._sock.connect((host, data_port))
            self._arq = ArqEndpoint(self._sock)
            self._marker = secrets.randbits(64)  # (the marker loopbacks count up from here)
            self.info = self._reset()
            self._flush()
        except BaseException:
            self._sock.close()
            raise

    def _reset(self) -> str:
        """Reset the FPGA's ARQ and take its configuration frame; return the info text."""
        arq, deadline = self._arq, time.monotonic() + self.reset_timeout
        arq.reset()
        self._sock.sendto(RESET_MAGIC.to_bytes(4, "big"), (self.host, self.reset_port))
        while time.monotonic() < deadline:
            try:
                arq.poll(0.05)
            except ConnectionError as exc:
                raise ConnectionUnavailableError(
                    f"no HostARQ setup at {self.host}:{self.data_port}: {exc}"
                ) from exc
            for ptype, words in arq.frames():
                if ptype != PTYPE_CFG:
                    continue  # (the host drops everything else while it waits)
                try:
                    params, info = parse_cfg(words)
                except FrameError as exc:
                    raise ConnectionUnavailableError(f"bad configuration frame: {exc}") from exc
                if params != CFG_WORDS:
                    names = ("MAX_NRFRAMES", "MAX_WINSIZ", "MAX_PDUWORDS")
                    raise ConnectionUnavailableError(
                        f"the setup at {self.host}:{self.data_port} uses other HostARQ "
                        f"parameters: {dict(zip(names, params, strict=True))}, this host "
                        f"{dict(zip(names, CFG_WORDS, strict=True))}"
                    )
                keys = {line.split(":", 1)[0].strip() for line in info.splitlines()}
                if not {"version", "compatible_until"} <= keys:
                    raise ConnectionUnavailableError(
                        f"the setup's info text lacks version or compatible_until: {info!r}"
                    )
                return info
        raise ConnectionUnavailableError(
            f"no configuration frame from {self.host}:{self.data_port} within "
            f"{self.reset_timeout} s of the reset to port {self.reset_port}"
        )

    def _flush(self) -> None:
        """Send a loopback frame with a random word; drop everything until it is back."""
        arq, word = self._arq, np.array([secrets.randbits(64)], np.uint64)
        arq.send(PTYPE_LOOPBACK, word)
        deadline = time.monotonic() + self.flush_timeout
        while time.monotonic() < deadline:
            arq.poll(0.05)
            for ptype, words in arq.frames():
                if ptype == PTYPE_LOOPBACK and np.array_equal(words, word):
                    return
        raise ConnectionUnavailableError(
            f"the loopback frame did not come back from {self.host}:{self.data_port} within "
            f"{self.flush_timeout} s"
        )

    @property
    def endpoint(self) -> ArqEndpoint:
        """The HostARQ endpoint (frames of other types than UT: tests, transport benchmarks)."""
        return self._arq

    def close(self) -> None:
        """Send the flush frame, wait (0.5 s at most) until it is acked, release the socket."""
        if not self._closed and self._sock.fileno() >= 0:
            try:
                if self._arq.room > 0:
                    self._arq.send(PTYPE_FLUSH, np.zeros(1, np.uint64))
                deadline = time.monotonic() + 0.5
                while self._arq.unacked and time.monotonic() < deadline:
                    self._arq.poll(0.01)
            except OSError:
                pass  # (the setup is gone: nothing to flush)
            self._sock.close()
        super().close()

    def _execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        w = np.ascontiguousarray(words, dtype=np.uint64).reshape(-1)
        if w.size == 0 or w[-1] != _HALT_WORD:
            raise ValueError(
                "a program for a HostARQ setup must end with the halt loopback "
                f"(0x{int(_HALT_WORD):016x}): its answer is complete when that comes back"
            )
        requests, where = ffi.new("uint64_t[3]"), ffi.new("size_t *")
        if lib.bss2_ut_count_requests(ffi.from_buffer("uint64_t[]", w), w.size, requests, where):
            decode_to_fpga(w)  # (raises the error that names the word)
            raise UTDecodeError(f"to-FPGA word {where[0]} is no instruction")  # pragma: no cover
        try:  # (reads: their answers may follow the halt's)
            return self._exchange(w, int(requests[0]), int(requests[1]), int(requests[2]))
        except ConnectionError as exc:
            raise TransportError(
                f"the setup at {self.host}:{self.data_port} stopped answering: {exc}"
            ) from exc

    def _exchange(
        self, w: npt.NDArray[np.uint64], halts: int, omnibus: int, jtag: int
    ) -> npt.NDArray[np.uint64]:
        """Send `w`; collect the answer until its halts, its reads and the marker are in.

        A read's answer can come after the halt's loopback (its latency), so the halt alone does
        not end the answer; the read responses are counted by from-FPGA header. After a timeout
        notification (the playback timed out, or the emulator refused the program) the reads
        are not waited for.
        """
        arq = self._arq
        answer: list[npt.NDArray[np.uint64]] = []
        stream = np.zeros(0, np.uint64)
        seen, pos, counts = 0, ffi.new("size_t *"), ffi.new("uint64_t[16]")
        sent, heard, pinged = 0, time.monotonic(), time.monotonic()
        self._marker = marker = (self._marker + 1) % (1 << 64)
        echoed = marked = False
        while not (echoed and seen >= halts and (counts[_TIMEOUT] or (
                   counts[_OMNIBUS] >= omnibus and counts[_JTAG] >= jtag))):  # fmt: skip
            if sent < w.size:
                sent = arq.send_words(PTYPE_UT, w, sent)
            if sent >= w.size and not marked and arq.room > 0:
                arq.send(PTYPE_LOOPBACK, np.array([marker], np.uint64))  # (its echo: the end)
                marked = True
            now = time.monotonic()
            if arq.poll(0.0 if not marked and arq.room > 0 else 0.01):
                heard = now
            elif now - heard > self.timeout:
                raise TransportError(
                    f"nothing from {self.host}:{self.data_port} for {self.timeout} s"
                )
            if now - pinged > self.keepalive and arq.room > 0 and marked:
                arq.send(PTYPE_LOOPBACK, np.zeros(1, np.uint64))  # (the setup echoes it)
                pinged = now
            fresh = []
            for ptype, words in arq.frames():
                if ptype == PTYPE_UT:
                    fresh.append(words)
                elif ptype == PTYPE_LOOPBACK:
                    echoed |= words.size == 1 and int(words[0]) == marker
                else:
                    raise TransportError(f"unknown HostARQ packet type 0x{ptype:04x} received")
            if fresh:
                answer.extend(fresh)
                one = not stream.size and len(fresh) == 1
                stream = fresh[0] if one else np.concatenate([stream, *fresh])
                found = lib.bss2_ut_count_halts(
                    ffi.from_buffer("uint64_t[]", stream), stream.size, pos, counts
                )
                if found < 0:
                    raise UTDecodeError(
                        f"the setup's answer has an unknown header at byte {pos[0]}"
                    )
                seen += found
                if pos[0] >= 8:  # (keep only the words from the message not yet whole)
                    drop = int(pos[0]) // 8
                    stream, pos[0] = stream[drop:], pos[0] - 8 * drop
        if len(answer) == 1:
            return answer[0]
        return np.concatenate(answer) if answer else np.zeros(0, np.uint64)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"ArqConnection({self.host!r}, {self.data_port}, {self.reset_port}, {state})"
