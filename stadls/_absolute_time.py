"""``AbsoluteTimePlaybackProgramBuilder``: writes and reads at absolute FPGA times.

Every command carries a time in FPGA clock cycles (125 MHz) since the timer reset that starts
the program. ``done()`` stable-sorts the commands by time, writes ``Timer()`` (reset to 0) and
blocks until ``Timer.Value(t - 1)`` before the first command at each time ``t > 0``, so that a
command, taking at least one cycle, starts at ``t`` (reference §5.2).

Delay model: the playback executor is assumed to take one cycle per to-FPGA instruction and to
leave a wait one cycle after its time. When the commands at the same or earlier times take
longer than the gaps between times, later commands start late; ``done()`` warns with
``PlaybackDelayWarning`` once, naming the first command estimated to start more than 10 µs
(1250 cycles) late.

Decision: each command is encoded when it is added, into a small ``PlaybackProgramBuilder`` of
its own, so later changes to the container do not change it and errors come at the call;
``done()`` merges these in time order, which relocates the read tickets as ``merge_back``
does, so tickets from ``read`` are valid once the program has run.

>>> import halco, haldls
>>> builder = AbsoluteTimePlaybackProgramBuilder()
>>> builder.write(haldls.Timer.Value(200), halco.CrossbarNodeOnDLS(3), haldls.CrossbarNode())
>>> ticket = builder.read(100, halco.CrossbarNodeOnDLS(3))
>>> builder.done()
PlaybackProgram(to FPGA size: 6)
"""

from __future__ import annotations

import math
import numbers
import operator
import warnings
from typing import Any

import fisch
import halco
import haldls
from halco.common import Coordinate
from stadls._builder import ContainerTicket, PlaybackProgramBuilder
from stadls._program import PlaybackProgram

__all__ = ["AbsoluteTimePlaybackProgramBuilder", "PlaybackDelayWarning"]

#: Delays above this many FPGA cycles (10 µs) are warned about.
DELAY_WARNING_THRESHOLD = 10 * fisch.FPGA_CLOCK_CYCLES_PER_US


class PlaybackDelayWarning(UserWarning):
    """A command of an absolute-time program is estimated to start late.

    ``index`` is the command's position in the builder (order of addition), ``time`` its time
    and ``delay`` the estimated delay, both in FPGA cycles; ``count`` how many commands are
    late by more than 10 µs and ``worst`` the largest delay.
    """

    def __init__(self, index: int, time: int, delay: int, count: int = 1, worst: int = 0):
        worst = max(worst, delay)
        us = fisch.FPGA_CLOCK_CYCLES_PER_US
        super().__init__(
            f"command {index} at time {time} is estimated to start {delay} FPGA cycles "
            f"({delay / us:.1f} µs) late, as the commands at the same or earlier times take "
            f"longer; {count} command(s) start more than 10 µs late, the latest by {worst} "
            f"cycles ({worst / us:.1f} µs)"
        )
        self.index, self.time, self.delay, self.count, self.worst = index, time, delay, count, worst


def _time(value: Any, what: str = "time") -> int:
    """Return ``value`` (a ``Timer.Value`` or an int) as FPGA cycles.

    Raises
    ------
    TypeError
        If ``value`` is neither.
    CoordinateRangeError
        If it is outside ``[0, 2**32 - 1]``.
    """
    if isinstance(value, bool) or (
        isinstance(value, Coordinate) and not isinstance(value, haldls.Timer.Value)
    ):
        raise TypeError(f"{what} must be a haldls.Timer.Value or an int, got {value!r}")
    try:
        cycles = operator.index(value)
    except TypeError:
        raise TypeError(
            f"{what} must be a haldls.Timer.Value or an int, got {type(value).__name__}"
        ) from None
    return int(haldls.Timer.Value(cycles))


class AbsoluteTimePlaybackProgramBuilder:
    """Writes and reads at absolute times; ``done()`` returns a ``PlaybackProgram``.

    ``write(time, coord, container[, reference][, backend])``, ``read(time, coord[,
    container_type][, backend])`` → ``ContainerTicket``; times are ``haldls.Timer.Value`` or
    ints (FPGA cycles). ``merge(other)`` takes another builder's commands, ``copy(offset)`` and
    ``scaled(factor)`` return time-shifted and time-scaled copies.
    """

    def __init__(self) -> None:
        self._commands: list[tuple[int, PlaybackProgramBuilder]] = []

    # -- commands ---------------------------------------------------------------------------------
    def write(self, time: Any, coord: Any, container: Any, *args: Any) -> None:
        """Write ``container`` at ``coord`` at ``time`` (optionally differential and/or backend).

        Same arguments after ``time`` as ``PlaybackProgramBuilder.write``; the container is
        encoded now. Nothing is added when the write raises.

        Raises
        ------
        CoordinateRangeError
            If ``time`` is outside ``[0, 2**32 - 1]``.
        CoordinateTypeError
            If ``coord`` is not the container's coordinate type.
        NotWritableError
            If the container cannot be written.
        TypeError
            If ``time`` is no ``Timer.Value`` or int, or ``container`` no haldls container or
            lola aggregate.
        ValueError
            If the container does not travel as ``backend``, or a value is out of range.
        """
        t = _time(time)
        builder = PlaybackProgramBuilder()
        builder.write(coord, container, *args)
        self._commands.append((t, builder))

    def read(
        self, time: Any, coord: Any, container_type: Any = None, backend: Any = None
    ) -> ContainerTicket[Any]:
        """Read the container at ``coord`` at ``time``; return its ticket.

        The ticket is valid once the program from ``done()`` has run.

        Raises
        ------
        CoordinateRangeError
            If ``time`` is outside ``[0, 2**32 - 1]``.
        NotReadableError
            If the container cannot be read.
        TypeError
            If ``time`` is no ``Timer.Value`` or int, or no container type has the coordinate's
            type.
        ValueError
            If the container does not travel as ``backend``.
        """
        t = _time(time)
        builder = PlaybackProgramBuilder()
        ticket = builder.read(coord, container_type, backend)
        self._commands.append((t, builder))
        return ticket

    # -- composition ------------------------------------------------------------------------------
    def merge(self, other: AbsoluteTimePlaybackProgramBuilder) -> None:
        """Take ``other``'s commands and tickets (``other`` is left empty).

        At equal times, this builder's commands come first.

        Raises
        ------
        TypeError
            If ``other`` is no ``AbsoluteTimePlaybackProgramBuilder``.
        ValueError
            If ``other`` is this builder.
        """
        if not isinstance(other, AbsoluteTimePlaybackProgramBuilder):
            raise TypeError(
                f"merge() needs an AbsoluteTimePlaybackProgramBuilder, got {type(other).__name__}"
            )
        if other is self:
            raise ValueError("merge not possible from the same AbsoluteTimePlaybackProgramBuilder")
        self._commands += other._commands
        other._commands = []

    def _copy(self, times: list[int]) -> AbsoluteTimePlaybackProgramBuilder:
        if not self.is_write_only():
            raise ValueError(
                "AbsoluteTimePlaybackProgramBuilder to copy is not write-only (it has reads, "
                "whose tickets a copy cannot share)"
            )
        new = AbsoluteTimePlaybackProgramBuilder()
        for t, (_, builder) in zip(times, self._commands, strict=True):
            b = PlaybackProgramBuilder()
            b.copy_back(builder)
            new._commands.append((t, b))
        return new

    def copy(self, offset: Any = 0) -> AbsoluteTimePlaybackProgramBuilder:
        """Return a copy with every time shifted by ``offset`` cycles (may be negative).

        Raises
        ------
        CoordinateRangeError
            If a shifted time leaves ``[0, 2**32 - 1]``.
        TypeError
            If ``offset`` is no int or ``Timer.Value``.
        ValueError
            If the builder has reads (their tickets cannot be shared).
        """
        if isinstance(offset, bool) or (
            isinstance(offset, Coordinate) and not isinstance(offset, haldls.Timer.Value)
        ):
            raise TypeError(f"offset must be an int or a haldls.Timer.Value, got {offset!r}")
        try:
            shift = operator.index(offset)
        except TypeError:
            raise TypeError(
                f"offset must be an int or a haldls.Timer.Value, got {type(offset).__name__}"
            ) from None
        return self._copy([_time(t + shift, "shifted time") for t, _ in self._commands])

    def scaled(self, factor: Any) -> AbsoluteTimePlaybackProgramBuilder:
        """Return a copy with every time multiplied by ``factor`` (rounded to whole cycles).

        Raises
        ------
        CoordinateRangeError
            If a scaled time exceeds ``2**32 - 1``.
        TypeError
            If ``factor`` is no real number.
        ValueError
            If ``factor`` is negative or not finite, or the builder has reads.
        """
        if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
            raise TypeError(f"factor must be a real number, got {type(factor).__name__}")
        f: Any = factor  # a Real: compares and multiplies with ints
        if not (math.isfinite(f) and f >= 0):
            raise ValueError(f"factor must be finite and >= 0, got {f}")
        return self._copy([_time(round(t * f), "scaled time") for t, _ in self._commands])

    # -- state ------------------------------------------------------------------------------------
    def empty(self) -> bool:
        """Return whether no command has been added."""
        return not self._commands

    def is_write_only(self) -> bool:
        """Return whether the builder has no reads."""
        return all(b.is_write_only() for _, b in self._commands)

    def done(self) -> PlaybackProgram:
        """Return the program (commands sorted by time after a timer reset); reset the builder.

        Warns with :class:`PlaybackDelayWarning` when a command is estimated to start more than
        10 µs late (module docstring).
        """
        order = sorted(range(len(self._commands)), key=lambda i: self._commands[i][0])
        builder = PlaybackProgramBuilder()
        builder.write(halco.TimerOnDLS(), haldls.Timer())
        now = 0  # estimated timer value when the next instruction starts
        previous = 0
        late: list[tuple[int, int, int]] = []
        for i in order:
            t, command = self._commands[i]
            if t > previous:
                builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(t - 1))
                now = max(now, t - 1) + 1
                previous = t
            if now - t > DELAY_WARNING_THRESHOLD:
                late.append((i, t, now - t))
            now += command.size_to_fpga()
            builder.merge_back(command)
        self._commands = []
        if late:
            index, t, delay = late[0]
            worst = max(d for _, _, d in late)
            warnings.warn(PlaybackDelayWarning(index, t, delay, len(late), worst), stacklevel=2)
        return builder.done()

    def __repr__(self) -> str:
        write_only = "true" if self.is_write_only() else "false"
        return (
            f"AbsoluteTimePlaybackProgramBuilder(commands: {len(self._commands)}, "
            f"is write only: {write_only})"
        )
