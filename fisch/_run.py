"""``run(connection, program)``: execute a program and decode what came back (reference §4.4)."""

from __future__ import annotations

import time

import attrs

from fisch._program import PlaybackProgram
from fisch.connection import Connection

__all__ = ["RunTimeInfo", "run"]


@attrs.frozen
class RunTimeInfo:
    """Durations of one run, in nanoseconds of host time."""

    #: Encoding the words and executing them on the connection (round trip).
    execution_duration: int
    #: Decoding the response stream into the program.
    decode_duration: int


def run(connection: Connection, program: PlaybackProgram) -> RunTimeInfo:
    """Execute ``program`` on ``connection`` and fill its responses; programs may run again.

    Raises
    ------
    RunError
        If the FPGA reported a playback timeout, the halt never came back, or tickets lack data.
    UTDecodeError
        If the connection returned a malformed response stream.
    TypeError
        If ``program`` is not a ``PlaybackProgram``.
    """
    if not isinstance(program, PlaybackProgram):
        raise TypeError(f"run() needs a PlaybackProgram, got {type(program).__name__}")
    t0 = time.perf_counter_ns()
    response = connection.execute(program.to_fpga_words())
    t1 = time.perf_counter_ns()
    program.clear_from_fpga_messages()
    program.push_from_fpga_words(response)
    t2 = time.perf_counter_ns()
    program.check()
    return RunTimeInfo(t1 - t0, t2 - t1)
