"""``PlaybackProgram`` and ``run``: execute programs and read spikes and MADC samples.

A program wraps the fisch program its builder produced; ``spikes`` and ``madc_samples`` are
sequences with ``to_numpy()`` (structured arrays with the real field names, reference §2.5).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import fisch
from fisch.connection import TARGETS, Connection

__all__ = ["EventSequence", "PlaybackProgram", "run"]


class EventSequence(Sequence[Any]):
    """Recorded events (spikes or MADC samples) of a run: indexable, ``to_numpy()``."""

    __slots__ = ("_array",)

    def __init__(self, array: npt.NDArray[Any]) -> None:
        self._array = array

    def to_numpy(self) -> npt.NDArray[Any]:
        """Return the events as a numpy structured array (a copy)."""
        return self._array.copy()

    def __len__(self) -> int:
        return len(self._array)

    def __getitem__(self, i: Any) -> Any:
        return self._array[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._array)

    def __repr__(self) -> str:
        return f"<{len(self)} events: {', '.join(self._array.dtype.names or ())}>"


class PlaybackProgram:
    """A finished program: run it with ``stadls.run``, then read tickets, spikes and samples."""

    __slots__ = ("_program", "_unsupported")

    def __init__(
        self, program: fisch.PlaybackProgram, unsupported_targets: frozenset[str] = frozenset()
    ) -> None:
        self._program = program
        self._unsupported = unsupported_targets

    @property
    def unsupported_targets(self) -> frozenset[str]:
        """Targets ("hardware", "simulation") on which the program's reads are not supported."""
        return self._unsupported

    @property
    def fisch_program(self) -> fisch.PlaybackProgram:
        """The underlying fisch program."""
        return self._program

    @property
    def spikes(self) -> EventSequence:
        """Spikes the run recorded (``label``, ``fpga_time``, ``chip_time``)."""
        return EventSequence(self._program.get_spikes())

    @property
    def madc_samples(self) -> EventSequence:
        """MADC samples the run recorded (``value``, ``channel``, ``fpga_time``, ``chip_time``)."""
        return EventSequence(self._program.get_madc_samples())

    @property
    def highspeed_link_notifications(self) -> list[fisch.HighspeedLinkNotification]:
        """Link status changes the FPGA reported during the run."""
        return self._program.get_highspeed_link_notifications()

    @property
    def timeout_notifications(self) -> list[fisch.TimeoutNotification]:
        """Playback timeouts the FPGA reported during the run."""
        return self._program.get_timeout_notifications()

    @property
    def spikes_pack_counts(self) -> dict[Any, int]:
        """How many spike packs of each size arrived."""
        return self._program.get_spikes_pack_counts()

    @property
    def madc_samples_pack_counts(self) -> dict[Any, int]:
        """How many MADC sample packs of each size arrived."""
        return self._program.get_madc_samples_pack_counts()

    def to_fpga_words(self) -> npt.NDArray[np.uint64]:
        """Return the to-FPGA words, as the FPGA receives them (ending with the halt)."""
        return self._program.to_fpga_words()

    def empty(self) -> bool:
        """Return whether the program has no instruction."""
        return self._program.empty()

    def size_to_fpga(self) -> int:
        """Return the number of to-FPGA instructions."""
        return self._program.size_to_fpga()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlaybackProgram) and np.array_equal(
            self.to_fpga_words(), other.to_fpga_words()
        )

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return str(self._program)

    def __repr__(self) -> str:
        return f"PlaybackProgram(to FPGA size: {self.size_to_fpga()})"


def run(connection: Connection, programs: PlaybackProgram | Sequence[PlaybackProgram]) -> None:
    """Execute one program or a list of programs on ``connection``, in order.

    Raises
    ------
    RunError
        If the connection supports none of a program's targets (nothing runs then), the FPGA
        reported a playback timeout, the halt never came back, or tickets lack data.
    TypeError
        If an element is not a ``PlaybackProgram``.
    """
    items = [programs] if isinstance(programs, PlaybackProgram) else list(programs)
    for p in items:
        if not isinstance(p, PlaybackProgram):
            raise TypeError(f"run() needs PlaybackPrograms, got {type(p).__name__}")
        supported = getattr(connection, "supported_targets", TARGETS)
        if not supported - p.unsupported_targets:
            raise fisch.errors.RunError(
                f"{type(connection).__name__} supports only {sorted(supported)}, where the "
                f"program's reads are unsupported ({sorted(p.unsupported_targets)})"
            )
    for p in items:
        fisch.run(connection, p._program)
