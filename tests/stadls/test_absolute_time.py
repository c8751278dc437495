"""stadls AbsoluteTimePlaybackProgramBuilder: ordering, timer words, delay warning, tickets."""

from __future__ import annotations

import warnings
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from register_file import RegisterFileConnection

import fisch
import halco
import haldls
from fisch.connection import ZeroMockConnection
from fisch.errors import NotReadableError, TicketNotReadyError
from halco.errors import CoordinateRangeError, CoordinateTypeError
from haldls import lola
from stadls._absolute_time import AbsoluteTimePlaybackProgramBuilder, PlaybackDelayWarning
from stadls._builder import PlaybackProgramBuilder
from stadls._program import run

NODE = halco.CrossbarNodeOnDLS(3)
NEURON = halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(7), halco.NeuronRowOnDLS(1))
TIMER = halco.TimerOnDLS()


def node(target: int) -> haldls.CrossbarNode:
    return haldls.CrossbarNode(target=target)


def expected_words(commands: list[tuple[int, tuple[Any, ...]]]) -> np.ndarray:
    """Hand-built reference: reset, then per distinct time t > 0 a wait for t - 1, stable order."""
    builder = PlaybackProgramBuilder()
    builder.write(TIMER, haldls.Timer())
    previous = 0
    for t, args in sorted(commands, key=lambda c: c[0]):
        if t > previous:
            builder.block_until(TIMER, haldls.Timer.Value(t - 1))
            previous = t
        builder.write(*args)
    return builder.done().to_fpga_words()


def words(builder: AbsoluteTimePlaybackProgramBuilder) -> np.ndarray:
    return builder.done().to_fpga_words()


def test_commands_sorted_stably_with_timer_words() -> None:
    commands = [
        (300, (NODE, node(1))),
        (haldls.Timer.Value(100), (NODE, node(2))),
        (300, (NODE, node(3))),
        (0, (NODE, node(4))),
        (100, (NEURON, lola.AtomicNeuron())),
        (1, (NODE, node(5), haldls.Backend.OmnibusChipOverJTAG)),
        (300, (NODE, node(6), node(1))),
    ]
    builder = AbsoluteTimePlaybackProgramBuilder()
    for t, args in commands:
        builder.write(t, *args)
    expected = expected_words([(int(t), args) for t, args in commands])
    np.testing.assert_array_equal(words(builder), expected)

    # the same by hand, spelled out
    by_hand = PlaybackProgramBuilder()
    by_hand.write(TIMER, haldls.Timer())
    by_hand.write(NODE, node(4))
    by_hand.block_until(TIMER, haldls.Timer.Value(0))
    by_hand.write(NODE, node(5), haldls.Backend.OmnibusChipOverJTAG)
    by_hand.block_until(TIMER, haldls.Timer.Value(99))
    by_hand.write(NODE, node(2))
    by_hand.write(NEURON, lola.AtomicNeuron())
    by_hand.block_until(TIMER, haldls.Timer.Value(299))
    by_hand.write(NODE, node(1))
    by_hand.write(NODE, node(3))
    by_hand.write(NODE, node(6), node(1))
    np.testing.assert_array_equal(expected, by_hand.done().to_fpga_words())


def test_empty_builder_gives_the_timer_reset() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    assert builder.empty() and builder.is_write_only()
    reset = PlaybackProgramBuilder()
    reset.write(TIMER, haldls.Timer())
    assert builder.done() == reset.done()


def test_done_resets_and_later_mutation_does_not_matter() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    c = node(5)
    builder.write(10, NODE, c)
    c.target = 9
    assert not builder.empty()
    assert repr(builder) == "AbsoluteTimePlaybackProgramBuilder(commands: 1, is write only: true)"
    np.testing.assert_array_equal(words(builder), expected_words([(10, (NODE, node(5)))]))
    assert builder.empty()


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 255)),
        max_size=12,
    )
)
def test_random_schedules_match_the_hand_built_program(items: list[tuple[int, int]]) -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    commands = []
    for i, (t, target) in enumerate(items):
        coord = halco.CrossbarNodeOnDLS(i % 5)
        builder.write(t, coord, node(target))
        commands.append((t, (coord, node(target))))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(words(builder), expected_words(commands))


def test_max_time_and_timer_value_times() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    builder.write(2**32 - 1, NODE, node(1))
    builder.write(haldls.Timer.Value(7), NODE, node(2))
    builder.write(np.int64(5), NODE, node(3))
    expected = expected_words(
        [(2**32 - 1, (NODE, node(1))), (7, (NODE, node(2))), (5, (NODE, node(3)))]
    )
    np.testing.assert_array_equal(words(builder), expected)


# -- delay warning ---------------------------------------------------------------------------------
def test_warning_names_the_first_late_command() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    for i in range(700):  # 2 words (Omnibus address + data) each, all at time 1
        builder.write(1, halco.CrossbarNodeOnDLS(i % 10), node(i % 256))
    builder.write(2, NODE, node(1))
    with pytest.warns(PlaybackDelayWarning, match=r"command 626 at time 1") as record:
        builder.done()
    assert len(record) == 1
    w = record[0].message
    assert isinstance(w, PlaybackDelayWarning) and isinstance(w, UserWarning)
    # the k-th command at time 1 starts 2k cycles late; the one at time 2 waits for all 700
    assert (w.index, w.time, w.delay) == (626, 1, 1252)
    assert w.count == 700 - 626 + 1
    assert w.worst == 1400


def test_warning_index_is_the_order_of_addition() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    builder.write(5000, NODE, node(1))  # index 0, after the jam
    for _ in range(700):
        builder.write(10, NODE, node(2))
    with pytest.warns(PlaybackDelayWarning) as record:
        builder.done()
    # the command at 5000 is on time; the jam's late commands come first
    assert record[0].message.index == 1 + 626  # type: ignore[union-attr]
    builder = AbsoluteTimePlaybackProgramBuilder()
    for _ in range(630):
        builder.write(10, NODE, node(2))
    builder.write(20, NODE, node(1))  # index 630, delayed by the 630 commands at 10
    with pytest.warns(PlaybackDelayWarning) as record:
        builder.done()
    w = record[0].message
    assert (w.index, w.time, w.count) == (626, 10, 5)  # type: ignore[union-attr]
    assert w.worst == 2 * 629  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "schedule",
    [
        [(1, 625)],  # the last of 625 two-word commands starts 1248 cycles late
        [(1, 700), (5000, 1)],  # … with enough time after the jam, only the jam is late
        [(t * 1000, 1) for t in range(200)],  # well spaced
        [(0, 600), (10, 1)],
    ],
)
def test_no_warning_when_on_time(schedule: list[tuple[int, int]]) -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    for t, n in schedule:
        for _ in range(n):
            builder.write(t, NODE, node(1))
    if schedule == [(1, 700), (5000, 1)]:
        with pytest.warns(PlaybackDelayWarning) as record:
            builder.done()
        assert record[0].message.count == 700 - 626  # type: ignore[union-attr]
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        builder.done()


# -- tickets ---------------------------------------------------------------------------------------
def test_tickets_valid_after_run_on_zero_mock() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    builder.write(50, NODE, node(3))
    late = builder.read(haldls.Timer.Value(200), NODE)
    neuron = builder.read(20, NEURON)
    early = builder.read(0, halco.CrossbarNodeOnDLS(4), haldls.Backend.OmnibusChipOverJTAG)
    counter = builder.read(100, halco.CrossbarOutputOnDLS(1), haldls.CrossbarOutputEventCounter)
    assert not builder.is_write_only()
    tickets = [late, neuron, early, counter]
    assert not any(t.valid() for t in tickets)
    with pytest.raises(TicketNotReadyError):
        late.get()
    program = builder.done()
    with pytest.raises(TicketNotReadyError):
        late.get()
    with ZeroMockConnection() as connection:
        run(connection, program)
    assert all(t.valid() for t in tickets)
    assert late.get() == haldls.CrossbarNode(mask=0) and early.get() == late.get()
    assert isinstance(neuron.get(), lola.AtomicNeuron)
    assert neuron.get_coordinate() == NEURON
    assert counter.container_type is haldls.CrossbarOutputEventCounter
    assert int(late.fpga_time) >= 0


def test_reads_see_the_writes_scheduled_before_them() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    after = builder.read(300, NODE)
    builder.write(200, NODE, node(7))
    before = builder.read(100, NODE)
    same_time = builder.read(200, NODE)  # added after the write at 200: runs after it
    with RegisterFileConnection() as connection:
        run(connection, builder.done())
    assert int(before.get().target) == 0
    assert int(after.get().target) == 7
    assert int(same_time.get().target) == 7


def test_merge_takes_commands_and_tickets() -> None:
    a, b = AbsoluteTimePlaybackProgramBuilder(), AbsoluteTimePlaybackProgramBuilder()
    a.write(100, NODE, node(1))
    b.write(100, NODE, node(2))
    b.write(10, NODE, node(3))
    ticket = b.read(150, NODE)
    first = a.read(5, NODE)
    a.merge(b)
    assert b.empty()
    program = a.done()
    builder = PlaybackProgramBuilder()
    builder.write(TIMER, haldls.Timer())
    builder.block_until(TIMER, haldls.Timer.Value(4))
    builder.read(NODE)
    builder.block_until(TIMER, haldls.Timer.Value(9))
    builder.write(NODE, node(3))
    builder.block_until(TIMER, haldls.Timer.Value(99))
    builder.write(NODE, node(1))  # this builder's command first at equal times
    builder.write(NODE, node(2))
    builder.block_until(TIMER, haldls.Timer.Value(149))
    builder.read(NODE)
    assert program == builder.done()
    with RegisterFileConnection() as connection:
        run(connection, program)
    assert int(first.get().target) == 0 and int(ticket.get().target) == 2


def test_merge_refuses_self_and_other_types() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    with pytest.raises(ValueError, match="same"):
        builder.merge(builder)
    with pytest.raises(TypeError, match="AbsoluteTimePlaybackProgramBuilder"):
        builder.merge(PlaybackProgramBuilder())  # type: ignore[arg-type]


# -- copies ----------------------------------------------------------------------------------------
def test_copy_offset_and_scaled() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    builder.write(100, NODE, node(1))
    builder.write(10, NEURON, lola.AtomicNeuron())
    builder.write(100, NODE, node(2))
    same = builder.copy()
    later = builder.copy(haldls.Timer.Value(1000))
    earlier = builder.copy(-10)
    double = builder.scaled(2)
    third = builder.scaled(Fraction(1, 3))
    half = builder.scaled(0.5)

    def schedule(f: Any) -> list[tuple[int, tuple[Any, ...]]]:
        return [
            (f(100), (NODE, node(1))),
            (f(10), (NEURON, lola.AtomicNeuron())),
            (f(100), (NODE, node(2))),
        ]

    np.testing.assert_array_equal(words(same), expected_words(schedule(lambda t: t)))
    np.testing.assert_array_equal(words(later), expected_words(schedule(lambda t: t + 1000)))
    np.testing.assert_array_equal(words(earlier), expected_words(schedule(lambda t: t - 10)))
    np.testing.assert_array_equal(words(double), expected_words(schedule(lambda t: 2 * t)))
    np.testing.assert_array_equal(words(third), expected_words(schedule(lambda t: round(t / 3))))
    np.testing.assert_array_equal(words(half), expected_words(schedule(lambda t: t // 2)))
    # the original is unchanged by copying
    np.testing.assert_array_equal(words(builder), expected_words(schedule(lambda t: t)))


def test_copies_are_independent() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    builder.write(10, NODE, node(1))
    copy = builder.copy()
    copy.write(20, NODE, node(2))
    builder.done()
    np.testing.assert_array_equal(
        words(copy), expected_words([(10, (NODE, node(1))), (20, (NODE, node(2)))])
    )


def test_copy_with_reads_refused() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    builder.read(10, NODE)
    for make in (builder.copy, lambda: builder.copy(5), lambda: builder.scaled(2)):
        with pytest.raises(ValueError, match="write-only"):
            make()


@pytest.mark.parametrize(
    ("method", "arg", "error"),
    [
        ("copy", -11, CoordinateRangeError),
        ("copy", 2**32, CoordinateRangeError),
        ("copy", 1.5, TypeError),
        ("copy", True, TypeError),
        ("copy", halco.CrossbarNodeOnDLS(1), TypeError),
        ("scaled", -1, ValueError),
        ("scaled", float("nan"), ValueError),
        ("scaled", float("inf"), ValueError),
        ("scaled", 2**32, CoordinateRangeError),
        ("scaled", "2", TypeError),
        ("scaled", True, TypeError),
    ],
)
def test_bad_copy_arguments(method: str, arg: Any, error: type) -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    builder.write(10, NODE, node(1))
    with pytest.raises(error):
        getattr(builder, method)(arg)


# -- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("time", "error"),
    [
        (-1, CoordinateRangeError),
        (2**32, CoordinateRangeError),
        (1.0, TypeError),
        ("5", TypeError),
        (None, TypeError),
        (True, TypeError),
        (halco.CrossbarNodeOnDLS(1), TypeError),
        (haldls.PollingOmnibusBlockConfig.Value(3), TypeError),
    ],
)
def test_bad_times(time: Any, error: type) -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    with pytest.raises(error):
        builder.write(time, NODE, node(1))
    with pytest.raises(error):
        builder.read(time, NODE)
    assert builder.empty()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((NODE, 5), TypeError),
        ((NODE, haldls.Timer.Value(3)), TypeError),
        ((TIMER, node(1)), CoordinateTypeError),
        ((NODE, node(1), haldls.NeuronConfig()), TypeError),
        ((NODE, node(1), haldls.Backend.Timer), ValueError),
        ((halco.CADCSampleQuadOnDLS(), haldls.CADCSampleQuad()), fisch.errors.NotWritableError),
        ((TIMER, haldls.Timer(value=3)), ValueError),
    ],
)
def test_bad_writes_add_nothing(args: tuple[Any, ...], error: type) -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    with pytest.raises(error):
        builder.write(10, *args)
    assert builder.empty()


def test_bad_reads_add_nothing() -> None:
    builder = AbsoluteTimePlaybackProgramBuilder()
    with pytest.raises(NotReadableError):
        builder.read(10, halco.ResetChipOnDLS())
    with pytest.raises(TypeError):
        builder.read(10, "not a coordinate")
    with pytest.raises(ValueError):
        builder.read(10, NODE, None, haldls.Backend.Timer)
    assert builder.empty()
