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
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from fisch._arq_connection import ArqConnection
from fisch._chip import ffi, lib
from fisch._codec import decode_to_fpga, encode_from_fpga
from fisch._connection_base import _FROM, _LOOPBACK, TARGETS, Connection, ConnectionBase, _reads
from fisch.errors import ConnectionUnavailableError, PlaybackMemoryError, UTDecodeError

__all__ = [
    "ArqConnection",
    "ChipModelConnection",
    "Connection",
    "ConnectionBase",
    "ZeroMockConnection",
    "connection_from_env",
]


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


#: Environment variables ``connection_from_env`` reads, in order of precedence.
ENV_ZERO_MOCK = "HXCOMM_ENABLE_ZERO_MOCK"
ENV_FPGA_IPS = "SLURM_FPGA_IPS"


def _enabled(value: str | None) -> bool:
    """Return whether a flag variable is set to a non-zero integer (C ``atoi(v) != 0``)."""
    if value is None:
        return False
    digits = re.match(r"\s*[+-]?\d+", value)
    return bool(digits) and int(digits.group()) != 0  # type: ignore[union-attr]


def _fpga_address(value: str) -> tuple[str, int]:
    """Return the host and data port of the one FPGA in ``SLURM_FPGA_IPS``.

    The real stack takes comma-separated IPv4 addresses; ``host:port`` is accepted too (an
    emulator on another port). Decision: several FPGAs (the real stack's multi-connection of a
    JBOA setup) are refused, since this SDK drives one chip per connection.
    """
    ips = [ip.strip() for ip in value.split(",") if ip.strip()]
    if len(ips) != 1:
        raise ConnectionUnavailableError(
            f"{ENV_FPGA_IPS}={value!r} must name exactly one FPGA (host or host:port), "
            f"got {len(ips)}; connections to several FPGAs are not supported"
        )
    host, _, port = ips[0].partition(":")
    if not port:
        return host, 1234
    if not port.isdigit() or not 0 < int(port) < 1 << 16:
        raise ConnectionUnavailableError(
            f"{ENV_FPGA_IPS}={value!r}: the port must be in [1, 65535], got {port!r}"
        )
    return host, int(port)


def connection_from_env(
    environ: Mapping[str, str] | None = None,
    default: Callable[[], ConnectionBase] | None = None,
) -> ConnectionBase:
    """Return the connection the environment selects (first match wins, as in the real stack).

    1. ``HXCOMM_ENABLE_ZERO_MOCK`` set to a non-zero integer: a :class:`ZeroMockConnection`.
    2. ``SLURM_FPGA_IPS`` set to one FPGA's address (``host`` or ``host:port``; the data port
       defaults to 1234, the reset port is 45054): an :class:`ArqConnection` to it.
    3. Else ``default()`` if given (e.g. ``ChipModelConnection``).

    >>> connection_from_env({"HXCOMM_ENABLE_ZERO_MOCK": "1"})
    ZeroMockConnection(ns_per_message=0)

    Raises
    ------
    ConnectionUnavailableError
        If no variable selects a connection and there is no `default`, if ``SLURM_FPGA_IPS``
        names no or several FPGAs or a bad port, or if the FPGA does not answer (as
        :class:`ArqConnection`).
    """
    env = os.environ if environ is None else environ
    if _enabled(env.get(ENV_ZERO_MOCK)):
        return ZeroMockConnection()
    if env.get(ENV_FPGA_IPS) is not None:
        return ArqConnection(*_fpga_address(env[ENV_FPGA_IPS]))
    if default is not None:
        return default()
    raise ConnectionUnavailableError(
        f"No executor backend found to connect to: set {ENV_ZERO_MOCK}=1 for the zero mock or "
        f"{ENV_FPGA_IPS} to a setup's address, or construct a connection explicitly"
    )
