"""stadls PlaybackProgramBuilderDumper / DumperDone / convert_to_builder: record and replay."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from container_strategies import container_strategy
from hypothesis import given, settings
from hypothesis import strategies as st

import fisch
import halco
import haldls
from halco.errors import CoordinateTypeError
from haldls import lola
from stadls._builder import PlaybackProgramBuilder
from stadls._dumper import DumperDone, PlaybackProgramBuilderDumper, convert_to_builder

NEURON = halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(7), halco.NeuronRowOnDLS(1))
NODE = halco.CrossbarNodeOnDLS(3)
JTAG = haldls.Backend.OmnibusChipOverJTAG


def record(b: Any) -> None:
    """A non-trivial sequence, run on a builder or a dumper alike."""
    b.write(halco.TimerOnDLS(), haldls.Timer())
    b.write(NODE, haldls.CrossbarNode(mask=0x3FFF, target=5))
    neuron = lola.AtomicNeuron()
    neuron.leak.i_bias = 321
    neuron.threshold.enable = True
    b.write(NEURON, neuron)
    changed = neuron.copy()
    changed.leak.v_leak = 77
    changed.reset.i_bias = 12
    b.write(NEURON, changed, neuron)  # differential aggregate write
    b.write(NODE, haldls.CrossbarNode(target=9), haldls.CrossbarNode(target=5))  # differential
    b.write(halco.CrossbarNodeOnDLS(4), haldls.CrossbarNode(mask=1), JTAG)  # JTAG backend
    b.write(NEURON, changed, neuron, JTAG)  # differential aggregate over JTAG
    b.block_until(halco.TimerOnDLS(), haldls.Timer.Value(1000))
    b.write(halco.NeuronConfigOnDLS(5), haldls.NeuronConfig(enable_fire=True))
    b.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
    b.write(
        halco.PollingOmnibusBlockConfigOnFPGA(),
        haldls.PollingOmnibusBlockConfig(address=0x1000, target=1, mask=1),
    )
    b.block_until(halco.PollingOmnibusBlockOnFPGA(), haldls.PollingOmnibusBlock())


def direct_words(build: Callable[[Any], None]) -> np.ndarray:
    builder = PlaybackProgramBuilder()
    build(builder)
    return builder.done().to_fpga_words()


def test_acceptance_dumper_pickle_replay_gives_the_same_words() -> None:
    dumper = PlaybackProgramBuilderDumper()
    record(dumper)
    done = dumper.done()
    assert dumper.empty() and len(dumper) == 0
    assert len(done) == 12
    restored = pickle.loads(pickle.dumps(done))
    assert restored == done
    words = convert_to_builder(restored).done().to_fpga_words()
    expected = direct_words(record)
    assert words.dtype == expected.dtype == np.uint64
    np.testing.assert_array_equal(words, expected)
    # replaying leaves the record unchanged, so it can be replayed again
    np.testing.assert_array_equal(convert_to_builder(restored).done().to_fpga_words(), expected)


def test_entries_are_the_call_arguments() -> None:
    dumper = PlaybackProgramBuilderDumper()
    record(dumper)
    values = dumper.done().values
    assert values[0] == (halco.TimerOnDLS(), haldls.Timer())
    assert [len(v) for v in values] == [2, 2, 2, 3, 3, 3, 4, 2, 2, 2, 2, 2]
    assert values[5][2] is JTAG and values[6][3] is JTAG
    assert isinstance(values[3][2], lola.AtomicNeuron)
    assert values[7] == (halco.TimerOnDLS(), haldls.Timer.Value(1000))
    assert values[9] == (halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
    assert all(isinstance(v, tuple) for v in values)


def test_int_coordinates_are_recorded_as_coordinates() -> None:
    dumper = PlaybackProgramBuilderDumper()
    dumper.write(3, haldls.CrossbarNode())
    dumper.write(None, lola.AtomicNeuron())
    (coord, _), (neuron_coord, _) = dumper.done().tolist()
    assert type(coord) is halco.CrossbarNodeOnDLS and int(coord.toEnum()) == 3
    assert neuron_coord == halco.AtomicNeuronOnDLS()


def test_fisch_word_type_as_backend_replays() -> None:
    dumper = PlaybackProgramBuilderDumper()
    dumper.write(NODE, haldls.CrossbarNode(target=2), fisch.OmnibusChipOverJTAG)
    builder = PlaybackProgramBuilder()
    builder.write(NODE, haldls.CrossbarNode(target=2), JTAG)
    assert convert_to_builder(dumper).done() == builder.done()


def test_record_holds_copies() -> None:
    dumper = PlaybackProgramBuilderDumper()
    node = haldls.CrossbarNode(target=5)
    neuron = lola.AtomicNeuron()
    reference = lola.AtomicNeuron()
    barrier = haldls.Barrier(enable_omnibus=True)
    dumper.write(NODE, node)
    dumper.write(NEURON, neuron, reference)
    dumper.block_until(halco.BarrierOnFPGA(), barrier)
    node.target = 7
    neuron.leak.i_bias = 500
    reference.leak.i_bias = 400
    barrier.enable_jtag = True
    values = dumper.done().values
    assert values[0][1] == haldls.CrossbarNode(target=5)
    assert values[1][1] == lola.AtomicNeuron() and values[1][2] == lola.AtomicNeuron()
    assert values[2][1] == haldls.Barrier.omnibus


def test_done_tolist_len_eq_repr() -> None:
    dumper = PlaybackProgramBuilderDumper()
    assert dumper.empty() and dumper.is_write_only()
    dumper.write(NODE, haldls.CrossbarNode())
    assert not dumper.empty() and len(dumper) == 1
    assert repr(dumper) == "PlaybackProgramBuilderDumper(1 entries)"
    done = dumper.done()
    assert dumper.empty()
    listed = done.tolist()
    assert listed == done.values and listed is not done.values
    assert list(done) == listed
    assert DumperDone(listed) == done
    assert done != DumperDone()
    assert done != listed
    assert repr(done) == "DumperDone(1 entries)"
    assert len(DumperDone()) == 0
    with pytest.raises(TypeError):
        hash(done)


def test_empty_and_copied_records_pickle() -> None:
    assert pickle.loads(pickle.dumps(DumperDone())) == DumperDone()
    assert pickle.loads(pickle.dumps(PlaybackProgramBuilderDumper().done())).values == []
    dumper = PlaybackProgramBuilderDumper()
    dumper.write(NODE, haldls.CrossbarNode(target=2), fisch.OmnibusChipOverJTAG)
    dumper.copy_back(dumper)  # copying from itself doubles the record
    done = pickle.loads(pickle.dumps(dumper.done()))
    assert len(done) == 2 and done.values[0] == done.values[1]
    assert done.values[1][2] is fisch.OmnibusChipOverJTAG


def test_dumper_done_from_a_list_replays() -> None:
    pairs = [
        (halco.ResetChipOnDLS(), haldls.ResetChip(value=True)),
        (halco.TimerOnDLS(), haldls.Timer.Value(10)),
    ]
    builder = PlaybackProgramBuilder()
    builder.write(*pairs[0])
    builder.block_until(*pairs[1])
    assert convert_to_builder(DumperDone(pairs)).done() == builder.done()


def test_read_is_refused() -> None:
    dumper = PlaybackProgramBuilderDumper()
    with pytest.raises(NotImplementedError, match="cannot read"):
        dumper.read(NODE)
    with pytest.raises(NotImplementedError, match="cannot read"):
        dumper.read(NEURON, lola.AtomicNeuron, JTAG)
    assert dumper.empty()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((NODE, 5), TypeError),  # not a container
        ((NODE, fisch.Omnibus(1)), TypeError),  # a fisch word, not a haldls container
        ((NODE, haldls.Barrier.omnibus), TypeError),  # a condition, not a container
        ((halco.TimerOnDLS(), haldls.CrossbarNode()), CoordinateTypeError),
        ((NEURON.toNeuronConfigOnDLS(), lola.AtomicNeuron()), CoordinateTypeError),
        ((NODE, haldls.CrossbarNode(), haldls.NeuronConfig()), TypeError),  # bad reference
        ((NEURON, lola.AtomicNeuron(), haldls.CrossbarNode()), TypeError),
        ((NODE, haldls.CrossbarNode(), haldls.Backend.Timer), ValueError),  # bad backend
        ((NEURON, lola.AtomicNeuron(), haldls.Backend.JTAGPLLRegister), ValueError),
        ((NODE, haldls.CrossbarNode(), haldls.CrossbarNode(), 3), TypeError),  # not a backend
        ((NODE, haldls.CrossbarNode(), haldls.CrossbarNode(), JTAG, JTAG), TypeError),
        ((halco.CADCSampleQuadOnDLS(), haldls.CADCSampleQuad()), fisch.errors.NotWritableError),
        ((NODE, haldls.CrossbarNode(), "Omnibus"), TypeError),
        (  # a trigger aggregate has no state to differ from
            (
                halco.CorrelationResetRowOnDLS(),
                lola.CorrelationResetRow(),
                lola.CorrelationResetRow(),
            ),
            TypeError,
        ),
    ],
)
def test_bad_writes_raise_and_record_nothing(args: tuple[Any, ...], error: type) -> None:
    dumper = PlaybackProgramBuilderDumper()
    with pytest.raises(error):
        dumper.write(*args)
    assert dumper.empty()


@pytest.mark.parametrize(
    ("coord", "condition", "error"),
    [
        (halco.TimerOnDLS(), haldls.Timer(), TypeError),  # a container, not a condition
        (halco.TimerOnDLS(), 10, TypeError),
        (halco.BarrierOnFPGA(), haldls.Timer.Value(10), CoordinateTypeError),
        (halco.TimerOnDLS(), haldls.Barrier.omnibus, CoordinateTypeError),
    ],
)
def test_bad_block_until_raises_and_records_nothing(
    coord: Any, condition: Any, error: type
) -> None:
    dumper = PlaybackProgramBuilderDumper()
    with pytest.raises(error):
        dumper.block_until(coord, condition)
    assert dumper.empty()


def test_merge_back_front_and_copy_back() -> None:
    a, b = PlaybackProgramBuilderDumper(), PlaybackProgramBuilderDumper()
    a.write(NODE, haldls.CrossbarNode(target=1))
    b.write(NODE, haldls.CrossbarNode(target=2))
    a.merge_back(b)
    assert b.empty()
    assert [int(v[1].target) for v in a.done().values] == [1, 2]

    a.write(NODE, haldls.CrossbarNode(target=1))
    b.write(NODE, haldls.CrossbarNode(target=2))
    a.merge_front(b)
    assert b.empty()
    assert [int(v[1].target) for v in a.done().values] == [2, 1]

    done = DumperDone([(NODE, haldls.CrossbarNode(target=3))])
    a.write(NODE, haldls.CrossbarNode(target=1))
    a.merge_back(done)
    assert len(done) == 0
    done = DumperDone([(NODE, haldls.CrossbarNode(target=0))])
    a.merge_front(done)
    assert len(done) == 0
    assert [int(v[1].target) for v in a.done().values] == [0, 1, 3]

    source = DumperDone([(NODE, haldls.CrossbarNode(target=4))])
    a.copy_back(source)
    a.copy_back(source)
    b.write(NODE, haldls.CrossbarNode(target=5))
    a.copy_back(b)
    assert len(source) == 1 and len(b) == 1
    values = a.done().values
    assert [int(v[1].target) for v in values] == [4, 4, 5]
    values[0][1].target = 9  # the copies are independent of the source
    assert int(source.values[0][1].target) == 4


def test_merge_refuses_self_and_other_types() -> None:
    dumper = PlaybackProgramBuilderDumper()
    with pytest.raises(ValueError, match="same"):
        dumper.merge_back(dumper)
    with pytest.raises(ValueError, match="same"):
        dumper.merge_front(dumper)
    for method in (dumper.merge_back, dumper.merge_front, dumper.copy_back):
        with pytest.raises(TypeError, match="DumperDone"):
            method(PlaybackProgramBuilder())
    with pytest.raises(TypeError, match="DumperDone"):
        convert_to_builder(PlaybackProgramBuilder())  # type: ignore[arg-type]


def test_merged_record_replays_like_merged_builders() -> None:
    def first(b: Any) -> None:
        b.write(NODE, haldls.CrossbarNode(target=1))
        b.block_until(halco.TimerOnDLS(), haldls.Timer.Value(5))

    def second(b: Any) -> None:
        b.write(NEURON, lola.AtomicNeuron())

    dumper, other = PlaybackProgramBuilderDumper(), PlaybackProgramBuilderDumper()
    first(dumper)
    second(other)
    dumper.merge_front(other.done())
    builder, other_builder = PlaybackProgramBuilder(), PlaybackProgramBuilder()
    first(builder)
    second(other_builder)
    builder.merge_front(other_builder)
    assert convert_to_builder(dumper).done() == builder.done()


@pytest.mark.parametrize(
    "values",
    [
        [(NODE,)],
        [(NODE, haldls.CrossbarNode(), None, None, None)],
        [(halco.TimerOnDLS(), haldls.Timer.Value(3), JTAG)],
    ],
)
def test_malformed_entries_refused_on_replay(values: list[tuple[Any, ...]]) -> None:
    with pytest.raises(TypeError):
        convert_to_builder(DumperDone(values))


def test_timer_with_a_value_fails_on_replay() -> None:
    dumper = PlaybackProgramBuilderDumper()
    dumper.write(halco.TimerOnDLS(), haldls.Timer(value=4))  # recorded: checked when replayed
    with pytest.raises(ValueError, match="value 0"):
        convert_to_builder(dumper)


WRITABLE = sorted(n for n, c in haldls.containers.items() if c.is_writable)


def write_args(name: str) -> st.SearchStrategy[tuple[Any, ...]]:
    ctype = haldls.containers[name]
    t = ctype.coordinate_type
    backends = [haldls.Backend[b.__name__] for b in ctype.backends]
    return st.tuples(
        st.integers(t.min, t.max).map(t),
        container_strategy(ctype),
        st.none() | container_strategy(ctype),
        st.none() | st.sampled_from(backends),
    ).map(lambda args: tuple(a for a in args if a is not None))


WRITES = st.sampled_from(WRITABLE).flatmap(write_args)


CONDITIONS = st.one_of(
    st.integers(0, 2**32 - 1).map(lambda t: (halco.TimerOnDLS(), haldls.Timer.Value(t))),
    st.sampled_from(["omnibus", "jtag", "systime", "multi_fpga", "systime_correction"]).map(
        lambda k: (halco.BarrierOnFPGA(), getattr(haldls.Barrier, k))
    ),
    st.booleans().map(
        lambda e: (
            halco.PollingOmnibusBlockOnFPGA(),
            haldls.PollingOmnibusBlock(enable_expects_equality=e),
        )
    ),
)


@settings(max_examples=40)
@given(calls=st.lists(st.one_of(WRITES, CONDITIONS), max_size=8))
def test_random_records_replay_like_the_builder(calls: list[tuple[Any, ...]]) -> None:
    dumper, builder = PlaybackProgramBuilderDumper(), PlaybackProgramBuilder()
    for args in calls:
        if isinstance(args[1], haldls.BlockUntil):
            dumper.block_until(*args)
            builder.block_until(*args)
            continue
        try:
            builder.write(*args)
        except ValueError:  # a value the words refuse (the timer takes only 0)
            continue
        dumper.write(*args)
    done = pickle.loads(pickle.dumps(dumper.done()))
    np.testing.assert_array_equal(
        convert_to_builder(done).done().to_fpga_words(), builder.done().to_fpga_words()
    )
