"""Connections: what executes a program's words and returns the FPGA's answer (reference §6.2).

Every connection implements one small protocol: ``execute(words)`` takes the to-FPGA word stream
(numpy ``uint64``, halt loopback included) and returns the from-FPGA word stream; ``close()``
releases it; it is a context manager; ``supported_targets`` says whether it stands for hardware,
simulation or both. ``connection_from_env()`` is the only place that reads environment variables.

>>> import numpy as np
>>> from fisch.connection import ZeroMockConnection
>>> with ZeroMockConnection() as conn:
...     [hex(w) for w in conn.execute(np.array([0x0A00000000000000], np.uint64)).tolist()]
['0x200000000000000']
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

from fisch._chip import ffi, lib
from fisch._codec import decode_to_fpga, encode_from_fpga
from fisch._instructions import instruction
from fisch._program import HALT_WORD
from fisch.errors import (
    ConnectionUnavailableError,
    PlaybackMemoryError,
    TransportError,
    UTDecodeError,
)
from fisch.hostarq import (
    CFG_WORDS,
    MAX_PDUWORDS,
    PTYPE_CFG,
    PTYPE_FLUSH,
    PTYPE_LOOPBACK,
    PTYPE_UT,
    RESET_MAGIC,
    ArqEndpoint,
    FrameError,
    parse_cfg,
)

__all__ = [
    "ArqConnection",
    "ChipModelConnection",
    "Connection",
    "ConnectionBase",
    "ZeroMockConnection",
    "connection_from_env",
]

#: Targets a connection can stand for.
TARGETS = frozenset({"hardware", "simulation"})


@runtime_checkable
class Connection(Protocol):
    """The protocol every connection implements."""

    supported_targets: ClassVar[frozenset[str]]

    def get_hwdb_entry(self) -> tuple[None, ...]:
        """Return the hardware-database entries of the setups behind the connection, one each.

        Decision: this SDK has no hardware database; a setup's entry is ``None``, which
        ``stadls.SystemInit`` reads as "a cube setup with default calibration-free values".
        """
        return (None,)

    def execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        """Execute to-FPGA words; return the from-FPGA words."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class ConnectionBase:
    """Shared behaviour: closing, the context manager, a guard against use after close."""

    supported_targets: ClassVar[frozenset[str]] = TARGETS

    def __init__(self) -> None:
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether ``close()`` has been called."""
        return self._closed

    def close(self) -> None:
        """Release the connection; further ``execute`` calls raise."""
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def get_hwdb_entry(self) -> tuple[None, ...]:
        """Return the hardware-database entries of the setups behind the connection, one each.

        Decision: this SDK has no hardware database; a setup's entry is ``None``, which
        ``stadls.SystemInit`` reads as "a cube setup with default calibration-free values".
        """
        return (None,)

    def execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        """Execute to-FPGA words; return the from-FPGA words.

        Raises
        ------
        ConnectionUnavailableError
            If the connection is closed.
        """
        if self._closed:
            raise ConnectionUnavailableError(f"{type(self).__name__} is closed")
        return self._execute(words)

    def _execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        raise NotImplementedError  # pragma: no cover - abstract


_ADDRESS = instruction("omnibus_to_fpga.Address").index
_JTAG_DATA = instruction("to_fpga_jtag.Data").index
_LOOPBACK = instruction("system.Loopback").index
_FROM = {
    "jtag": instruction("jtag_from_hicann.Data").index,
    "omnibus": instruction("omnibus_from_fpga.Data").index,
    "loopback": instruction("from_fpga_system.Loopback").index,
}


def _reads(
    h: npt.NDArray[Any], p: npt.NDArray[np.uint64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Which to-FPGA instructions ask for an answer: Omnibus reads, JTAG data with keep."""
    omnibus_read = (h == _ADDRESS) & ((p >> np.uint64(36)) & np.uint64(1)).astype(bool)
    jtag_keep = (h == _JTAG_DATA) & ((p >> np.uint64(48)) & np.uint64(1)).astype(bool)
    return omnibus_read, jtag_keep


class ZeroMockConnection(ConnectionBase):
    """Answers every Omnibus and JTAG read with 0 and echoes loopbacks (halt and tick).

    For fast tests of the software stack; no chip behind it. ``ns_per_message`` throttles
    execution (sleeps that long per to-FPGA word); the real zero mock defaults to 8 ns, this one
    to 0, since a mock gains nothing from being slow.
    """

    def __init__(self, ns_per_message: int = 0) -> None:
        super().__init__()
        if ns_per_message < 0:
            raise ValueError(f"ns_per_message must be >= 0, got {ns_per_message}")
        self.ns_per_message = ns_per_message

    def _execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        h, p = decode_to_fpga(words)
        omnibus_read, jtag_keep = _reads(h, p)
        loop = h == _LOOPBACK
        answer = omnibus_read | jtag_keep | loop
        headers = np.where(
            omnibus_read, _FROM["omnibus"], np.where(jtag_keep, _FROM["jtag"], _FROM["loopback"])
        )[answer]
        payloads = np.where(loop, p, np.uint64(0))[answer]
        if self.ns_per_message:
            time.sleep(self.ns_per_message * 1e-9 * h.size)
        return encode_from_fpga(headers, payloads)

    def __repr__(self) -> str:
        return f"ZeroMockConnection(ns_per_message={self.ns_per_message})"


#: C status codes of ``bss2_chip_execute`` (csrc/chip_model.h) and the exceptions they become.
_CHIP_ERRORS: dict[int, type[Exception]] = {
    -1: ValueError,  # BSS2_CHIP_NULL
    -2: MemoryError,  # BSS2_CHIP_NO_MEMORY
    -3: PlaybackMemoryError,  # BSS2_CHIP_TOO_LONG
    -4: UTDecodeError,  # BSS2_CHIP_BAD_INSTRUCTION
}
#: Fields of the C diagnostics structure, in order (csrc/chip_model.h, through the cdef).
_DIAGNOSTICS = tuple(name for name, _ in ffi.typeof("bss2_chip_diagnostics").fields)


class ChipModelConnection(ConnectionBase):
    """The embedded chip model (``csrc/``): runs programs as a BrainScaleS-2 FPGA and chip would.

    One C instance per connection holds the FPGA's executor and registers and the chip; its time
    (``systime``, 125 MHz cycles) goes on from one program to the next. ``seed`` keys every random
    stream of the model and is the "chip serial" of its fixed-pattern mismatch, which
    ``mismatch=False`` leaves out (ideal circuits, for tests); ``noise=False`` leaves out the
    temporal noise (the readouts' noise and the membrane noise, csrc/analog.h). The GIL is
    released while a program executes. ``diagnostics`` reports what the last program met besides
    regular traffic (e.g. accesses of unknown addresses); ``membrane(neuron)`` looks at a
    membrane without a readout.

    Decision: the model stands for both targets (``supported_targets``): it reads back every
    register, also those that only the hardware or only the simulation of the real stack can
    read, so a program is refused only if neither could run it.

    >>> import numpy as np
    >>> with ChipModelConnection(seed=1) as conn:
    ...     words = conn.execute(np.array([0x0A00000000000000], np.uint64))  # loopback (halt)
    ...     conn.diagnostics["instructions"], conn.diagnostics["responses"], conn.systime > 0
    (1, 2, True)

    Raises
    ------
    TypeError
        If ``seed`` is not an int or ``mismatch`` or ``noise`` not a bool.
    ValueError
        If ``seed`` is not in [0, 2**64).
    MemoryError
        If the model cannot be allocated.
    """

    supported_targets: ClassVar[frozenset[str]] = TARGETS

    def __init__(self, seed: int = 0, *, mismatch: bool = True, noise: bool = True) -> None:
        super().__init__()
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise TypeError(f"seed must be an int, got {type(seed).__name__} ({seed!r})")
        if not 0 <= int(seed) < 1 << 64:
            raise ValueError(f"seed must be in [0, 2**64), got {seed}")
        for name, flag in (("mismatch", mismatch), ("noise", noise)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be a bool, got {type(flag).__name__}")
        self.seed = int(seed)
        self.mismatch, self.noise = mismatch, noise
        chip = lib.bss2_chip_new(self.seed)
        if chip == ffi.NULL:  # pragma: no cover - only when memory runs out
            raise MemoryError("the chip model could not be allocated")
        self._chip = ffi.gc(chip, lib.bss2_chip_free)
        if not mismatch:
            lib.bss2_chip_set_mismatch(self._chip, 0)
        if not noise:
            lib.bss2_chip_set_noise(self._chip, 0)
        self._diagnostics = ffi.new("bss2_chip_diagnostics *")

    def close(self) -> None:
        """Release the connection and the model's memory; further ``execute`` calls raise."""
        super().close()
        chip, self._chip = self._chip, None
        if chip is not None:
            ffi.release(chip)

    @property
    def systime(self) -> int:
        """The model's FPGA systime in 125 MHz cycles (0 when created).

        Raises
        ------
        ConnectionUnavailableError
            If the connection is closed.
        """
        return int(lib.bss2_chip_systime(self._live()))

    @property
    def diagnostics(self) -> dict[str, int]:
        """What the last ``execute`` met: counts of instructions, responses, unknown addresses.

        Raises
        ------
        ConnectionUnavailableError
            If the connection is closed.
        """
        lib.bss2_chip_get_diagnostics(self._live(), self._diagnostics)
        return {name: int(getattr(self._diagnostics, name)) for name in _DIAGNOSTICS}

    def membrane(self, neuron: int) -> float:
        """Return the membrane voltage (V) of atomic neuron ``neuron`` now, as a readout sees it.

        A look into the model (no program, no model time): the real chip shows its membranes
        only through the MADC and CADC.

        Raises
        ------
        TypeError
            If ``neuron`` is not an int.
        ValueError
            If ``neuron`` is not in [0, 512).
        ConnectionUnavailableError
            If the connection is closed.
        """
        if isinstance(neuron, bool) or not isinstance(neuron, int | np.integer):
            raise TypeError(f"neuron must be an int, got {type(neuron).__name__} ({neuron!r})")
        if not 0 <= int(neuron) < 512:
            raise ValueError(f"neuron must be in [0, 512), got {neuron}")
        return float(lib.bss2_chip_membrane(self._live(), int(neuron)))

    def _live(self) -> Any:
        if self._chip is None:
            raise ConnectionUnavailableError("ChipModelConnection is closed")
        return self._chip

    def _execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        chip = self._live()
        w = np.ascontiguousarray(words, dtype=np.uint64).reshape(-1)
        status = lib.bss2_chip_execute(chip, ffi.from_buffer("uint64_t[]", w), w.size)
        if status != 0:
            error = _CHIP_ERRORS.get(status, RuntimeError)
            message = ffi.string(lib.bss2_chip_last_error(chip)).decode("utf-8", "replace")
            raise error(f"the chip model refused the program: {message}")
        n = ffi.new("size_t *")
        data = lib.bss2_chip_responses(chip, n)
        if n[0] == 0:
            return np.zeros(0, np.uint64)
        return np.frombuffer(ffi.buffer(data, 8 * n[0]), np.uint64).copy()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"systime={self.systime}"
        return f"ChipModelConnection(seed={self.seed}, {state})"


_HALT_WORD = np.uint64(HALT_WORD)


class ArqConnection(ConnectionBase):
    """A setup on the network, spoken to with HostARQ over UDP (reference hostarq.md).

    Connecting resets the FPGA's ARQ (the 4-byte reset frame to ``reset_port``), checks the
    configuration frame it answers with (window, sequence space and frame size must be the Fcp
    parameters; the info text must name ``version`` and ``compatible_until``) and flushes the
    stream with a loopback frame, as the real host does. ``execute`` sends the program's words in
    frames of 180 and collects the answer until its halt loopback has come back. Waiting, it sends
    a loopback frame every ``keepalive`` s; if nothing comes back for ``timeout`` s, or the host
    reports the port unreachable, it raises. ``info`` is the setup's info text.

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
            while arq.delivered:
                ptype, words = arq.delivered.popleft()
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
            while arq.delivered:
                ptype, words = arq.delivered.popleft()
                if ptype == PTYPE_LOOPBACK and np.array_equal(words, word):
                    return
        raise ConnectionUnavailableError(
            f"the loopback frame did not come back from {self.host}:{self.data_port} within "
            f"{self.flush_timeout} s"
        )

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
        halts = int(np.count_nonzero(w == _HALT_WORD))
        if halts == 0 or w[-1] != _HALT_WORD:
            raise ValueError(
                "a program for a HostARQ setup must end with the halt loopback "
                f"(0x{int(_HALT_WORD):016x}): its answer is complete when that comes back"
            )
        omnibus, jtag = _reads(*decode_to_fpga(w))  # (their answers may follow the halt's)
        reads = {_FROM["omnibus"]: int(omnibus.sum()), _FROM["jtag"]: int(jtag.sum())}
        try:
            return self._exchange(w, halts, reads)
        except ConnectionError as exc:
            raise TransportError(
                f"the setup at {self.host}:{self.data_port} stopped answering: {exc}"
            ) from exc

    def _exchange(
        self, w: npt.NDArray[np.uint64], halts: int, reads: dict[int, int]
    ) -> npt.NDArray[np.uint64]:
        """Send `w`; collect the answer until its halts and its reads are in.

        `reads` counts the read responses by from-FPGA header: a read's answer can come after
        the halt's loopback (its latency), so the halt alone does not end the answer.
        """
        arq = self._arq
        answer: list[npt.NDArray[np.uint64]] = []
        stream = np.zeros(0, np.uint64)
        seen, pos, counts = 0, ffi.new("size_t *"), ffi.new("uint64_t[16]")
        sent, heard, pinged = 0, time.monotonic(), time.monotonic()
        complete = False
        while not complete:
            while sent < w.size and arq.room > 0:
                arq.send(PTYPE_UT, w[sent : sent + MAX_PDUWORDS])
                sent += MAX_PDUWORDS
            now = time.monotonic()
            if arq.poll(0.0 if sent < w.size and arq.room > 0 else 0.01):
                heard = now
            elif now - heard > self.timeout:
                raise TransportError(
                    f"nothing from {self.host}:{self.data_port} for {self.timeout} s"
                )
            if now - pinged > self.keepalive and arq.room > 0 and sent >= w.size:
                arq.send(PTYPE_LOOPBACK, np.zeros(1, np.uint64))  # (the setup echoes it)
                pinged = now
            fresh = []
            while arq.delivered:
                ptype, words = arq.delivered.popleft()
                if ptype == PTYPE_UT:
                    fresh.append(words)
                elif ptype != PTYPE_LOOPBACK:
                    raise TransportError(f"unknown HostARQ packet type 0x{ptype:04x} received")
            if fresh:
                answer.extend(fresh)
                stream = np.concatenate([stream, *fresh])
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
                complete = seen >= halts and all(counts[k] >= n for k, n in reads.items())
        return np.concatenate(answer) if answer else np.zeros(0, np.uint64)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"ArqConnection({self.host!r}, {self.data_port}, {self.reset_port}, {state})"


#: Environment variables ``connection_from_env`` reads, in order of precedence.
ENV_ZERO_MOCK = "HXCOMM_ENABLE_ZERO_MOCK"


def _enabled(value: str | None) -> bool:
    """Return whether a flag variable is set to a non-zero integer (C ``atoi(v) != 0``)."""
    if value is None:
        return False
    digits = re.match(r"\s*[+-]?\d+", value)
    return bool(digits) and int(digits.group()) != 0  # type: ignore[union-attr]


def connection_from_env(environ: Mapping[str, str] | None = None) -> ConnectionBase:
    """Return the connection the environment selects (first match wins).

    1. ``HXCOMM_ENABLE_ZERO_MOCK`` set to a non-zero integer: a :class:`ZeroMockConnection`.

    Raises
    ------
    ConnectionUnavailableError
        If no variable selects a connection.
    """
    env = os.environ if environ is None else environ
    if _enabled(env.get(ENV_ZERO_MOCK)):
        return ZeroMockConnection()
    raise ConnectionUnavailableError(
        f"No executor backend found to connect to: set {ENV_ZERO_MOCK}=1 for the zero mock, "
        "or construct a connection explicitly"
    )
