"""The connection protocol and what every connection shares (see ``fisch.connection``)."""

from __future__ import annotations

from types import TracebackType
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

from fisch._instructions import instruction
from fisch.errors import ConnectionUnavailableError

__all__ = ["TARGETS", "Connection", "ConnectionBase"]

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
