"""ReinitStackEntry on direct-access connections: enforced requests run at once, the rest no-ops."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from register_file import RegisterFileConnection

import fisch
import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection

NODE = halco.CrossbarNodeOnDLS(0)
FIRST = haldls.CrossbarNode(mask=1, target=2)
SECOND = haldls.CrossbarNode(mask=3, target=4)


class CountingConnection(RegisterFileConnection):
    """A register file that also counts ``execute`` calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def _execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        self.calls += 1
        return super()._execute(words)


def write_program(value: haldls.CrossbarNode) -> stadls.PlaybackProgram:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(NODE, value)
    return builder.done()


def read_back(connection: Any) -> haldls.CrossbarNode:
    builder = stadls.PlaybackProgramBuilder()
    ticket = builder.read(NODE)
    stadls.run(connection, builder.done())
    return ticket.get()


def test_exported() -> None:
    assert "ReinitStackEntry" in stadls.__all__
    assert stadls.ReinitStackEntry.__module__ == "stadls._reinit"


def test_enforced_set_runs_requests_in_order() -> None:
    connection = CountingConnection()
    first = write_program(FIRST)
    builder = stadls.PlaybackProgramBuilder()
    ticket = builder.read(NODE)  # sees what the first program wrote only if it ran before
    builder.write(NODE, SECOND)
    second = builder.done()
    entry = stadls.ReinitStackEntry(connection)
    assert not ticket.valid()
    entry.set([first, second])
    assert connection.calls == 2
    assert ticket.valid() and ticket.get() == FIRST
    assert read_back(connection) == SECOND  # the last write wins
    assert entry.pbmem_request == (first, second) and entry.pbmem_snapshot is None


def test_enforced_set_runs_again_each_time() -> None:
    connection = CountingConnection()
    entry = stadls.ReinitStackEntry(connection)
    program = write_program(FIRST)
    entry.set((program,), enforce=True)  # any sequence, not only lists
    entry.set([program])
    assert connection.calls == 2
    assert read_back(connection) == FIRST


def test_not_enforced_set_runs_nothing_but_is_recorded() -> None:
    connection = CountingConnection()
    builder = stadls.PlaybackProgramBuilder()
    builder.write(NODE, FIRST)
    ticket = builder.read(NODE)
    program = builder.done()
    snapshot = write_program(SECOND)
    entry = stadls.ReinitStackEntry(connection)
    entry.set([program], [snapshot], enforce=False)
    assert connection.calls == 0 and connection.registers == {}
    assert not ticket.valid()
    assert entry.pbmem_request == (program,) and entry.pbmem_snapshot == (snapshot,)
    assert repr(entry) == (
        "ReinitStackEntry(connection=CountingConnection, programs=1, snapshots=1, popped=False)"
    )


def test_snapshots_never_run() -> None:
    connection = CountingConnection()
    entry = stadls.ReinitStackEntry(connection)
    entry.set([], [write_program(FIRST)])
    assert connection.calls == 0 and connection.registers == {}
    entry.set([write_program(SECOND)], [write_program(FIRST)])
    assert connection.calls == 1
    assert read_back(connection) == SECOND


def test_enforce_and_pop_run_nothing() -> None:
    connection = CountingConnection()
    entry = stadls.ReinitStackEntry(connection)
    entry.set([write_program(FIRST)], enforce=False)
    entry.enforce()
    assert connection.calls == 0 and not entry.popped
    entry.pop()
    entry.pop()  # idempotent
    assert connection.calls == 0 and connection.registers == {} and entry.popped
    assert entry.pbmem_request == (write_program(FIRST),)
    assert repr(entry).endswith("programs=1, snapshots=0, popped=True)")


def test_set_after_pop_still_runs() -> None:
    connection = CountingConnection()
    entry = stadls.ReinitStackEntry(connection)
    entry.pop()
    entry.set([write_program(SECOND)])
    assert connection.calls == 1 and entry.popped
    assert read_back(connection) == SECOND


def test_fresh_entry() -> None:
    entry = stadls.ReinitStackEntry(ZeroMockConnection())
    assert entry.pbmem_request == () and entry.pbmem_snapshot is None and not entry.popped
    assert repr(entry) == (
        "ReinitStackEntry(connection=ZeroMockConnection, programs=0, snapshots=0, popped=False)"
    )


def test_bad_connection() -> None:
    with pytest.raises(TypeError, match=r"connection must be .* got object"):
        stadls.ReinitStackEntry(object())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pbmem_request": "__program__"}, r"pbmem_request .* single PlaybackProgram.*\[program\]"),
        ({"pbmem_request": None}, "pbmem_request must be a list of PlaybackProgram, got NoneType"),
        ({"pbmem_request": "abc"}, "pbmem_request must be a list .* got str"),
        ({"pbmem_request": iter([])}, "pbmem_request must be a list .* got list_iterator"),
        ({"pbmem_request": ["__program__", 3]}, r"pbmem_request\[1\] must be .* got int"),
        (
            {"pbmem_request": ["__program__"], "pbmem_snapshot": "__program__"},
            r"pbmem_snapshot .* single PlaybackProgram",
        ),
        (
            {"pbmem_request": ["__program__"], "pbmem_snapshot": ["__program__", None]},
            r"pbmem_snapshot\[1\] must be a PlaybackProgram, got NoneType",
        ),
        ({"pbmem_request": ["__program__"], "enforce": 1}, "enforce must be a bool, got int"),
        ({"pbmem_request": ["__program__"], "enforce": None}, "enforce must be a bool"),
    ],
)
def test_bad_input_raises_and_runs_nothing(kwargs: dict[str, Any], message: str) -> None:
    program = write_program(FIRST)

    def resolve(value: Any) -> Any:
        if value == "__program__":
            return program
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    connection = CountingConnection()
    entry = stadls.ReinitStackEntry(connection)
    with pytest.raises(TypeError, match=message):
        entry.set(**{k: resolve(v) for k, v in kwargs.items()})
    assert connection.calls == 0 and connection.registers == {}
    assert entry.pbmem_request == () and entry.pbmem_snapshot is None


def test_unsupported_targets_raise_like_run_and_run_nothing() -> None:
    builder = stadls.PlaybackProgramBuilder()
    builder.read(halco.NeuronConfigOnDLS(0))  # not readable in simulation
    builder.read(halco.CADCChannelConfigOnDLS(0))  # not readable on hardware
    unsupported = builder.done()
    connection = CountingConnection()
    with pytest.raises(fisch.errors.RunError, match="supports only") as expected:
        stadls.run(connection, unsupported)
    entry = stadls.ReinitStackEntry(connection)
    with pytest.raises(fisch.errors.RunError) as raised:
        entry.set([write_program(FIRST), unsupported])  # the first program is fine
    assert str(raised.value) == str(expected.value)
    assert connection.calls == 0 and connection.registers == {}
    assert entry.pbmem_request == ()
    entry.set([write_program(FIRST), unsupported], enforce=False)  # not run: no error
    assert connection.calls == 0 and len(entry.pbmem_request) == 2
