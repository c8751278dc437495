"""Generic tests over every registered coordinate: ranges, enums, conversions, pickling, order."""

from __future__ import annotations

import pickle

import hypothesis.strategies as st
import pytest
from hypothesis import given

import halco
from halco.common import BaseType, Coordinate, Enum, Interval, Ranged, TypedArray, iter_all

#: Registered coordinate types with a bounded enum (everything but raw values and structures).
BOUNDED = sorted(
    (t for t in halco.coordinates.values()
     if isinstance(t, type) and issubclass(t, Coordinate) and not issubclass(t, BaseType)),
    key=lambda t: t.__name__,
)  # fmt: skip
#: Types small enough to iterate completely in a test.
ITERABLE = [t for t in BOUNDED if t.size <= 1 << 17]

ids = [t.__name__ for t in BOUNDED]
NAMESPACE = {**{n: getattr(halco, n) for n in halco.__all__}}


def values(t: type[Coordinate]) -> st.SearchStrategy[Coordinate]:
    return st.integers(t.min, t.max).map(lambda e: t(Enum(e)))


@pytest.mark.parametrize("t", BOUNDED, ids=ids)
def test_range_limits(t: type[Coordinate]) -> None:
    assert t.size == t.max - t.min + 1
    assert t(Enum(t.min)).toEnum() == Enum(t.min)
    assert t(Enum(t.max)).toEnum() == Enum(t.max)
    for bad in (t.max + 1, t.min - 1) if t.min > 0 else (t.max + 1,):
        with pytest.raises(halco.CoordinateRangeError) as info:
            t(Enum(bad)) if bad >= 0 else t(bad)
        assert isinstance(info.value, ValueError) and isinstance(info.value, OverflowError)
        assert t.__name__ in str(info.value) and str(bad) in str(info.value)
        assert f"[{t.min}, {t.max}]" in str(info.value)


@pytest.mark.parametrize("t", BOUNDED, ids=ids)
@given(data=st.data())
def test_enum_round_trip_pickle_hash_repr(t: type[Coordinate], data: st.DataObject) -> None:
    c = data.draw(values(t))
    assert t(c.toEnum()) == c
    assert int(c) == c.toEnum().value()
    assert pickle.loads(pickle.dumps(c)) == c
    assert hash(pickle.loads(pickle.dumps(c))) == hash(c)
    assert eval(repr(c), NAMESPACE) == c


@pytest.mark.parametrize("t", BOUNDED, ids=ids)
@given(data=st.data())
def test_total_order_within_type(t: type[Coordinate], data: st.DataObject) -> None:
    a, b = data.draw(values(t)), data.draw(values(t))
    assert (a < b) == (int(a) < int(b))
    assert (a <= b) == (int(a) <= int(b)) and (a > b) == (int(a) > int(b))
    assert (a == b) == (int(a) == int(b)) and (a != b) == (int(a) != int(b))


def _conversions(t: type) -> list[str]:
    return sorted(n for n in dir(t) if n[:2] == "to" and n[2:3].isupper() and n != "toEnum")


@pytest.mark.parametrize("t", BOUNDED, ids=ids)
@given(data=st.data())
def test_conversions_and_bijective_round_trips(t: type[Coordinate], data: st.DataObject) -> None:
    c = data.draw(values(t))
    for name in _conversions(t):
        try:
            out = getattr(c, name)()
        except ValueError:
            assert name == "toVDDOnBoard"  # the only partial conversion that raises
            continue
        items = list(out) if isinstance(out, (TypedArray, tuple)) else [out]
        for item in items:
            assert item is None or isinstance(item, Coordinate), (name, item)
        target = type(out)
        back = "to" + t.__name__
        if isinstance(out, Coordinate) and target.size == t.size and hasattr(target, back):
            assert getattr(out, back)() == c, f"{t.__name__}.{name} does not round trip"


def test_types_are_distinct_values() -> None:
    a, b = halco.NeuronColumnOnDLS(3), halco.SynapseOnSynapseRow(3)
    assert a != b and hash(a) != hash(b)
    assert len({a: 1, b: 2}) == 2
    with pytest.raises(TypeError):
        _ = a < b  # type: ignore[operator]


@pytest.mark.parametrize("t", ITERABLE, ids=[t.__name__ for t in ITERABLE])
def test_iter_all_is_complete_and_ordered(t: type[Coordinate]) -> None:
    items = list(iter_all(t))
    assert len(items) == t.size
    assert [int(i) for i in items] == list(range(t.min, t.max + 1))
    assert items == sorted(items)


def test_iter_all_cartesian() -> None:
    pairs = list(iter_all(halco.SynramOnDLS, halco.EntryOnQuad))
    assert len(pairs) == 8
    assert pairs[1] == (halco.SynramOnDLS(0), halco.EntryOnQuad(1))
    with pytest.raises(TypeError):
        iter_all(halco.OmnibusAddress)


def test_intervals() -> None:
    mailbox = halco.PPUMemoryBlockOnPPU.mailbox
    assert (int(mailbox.toMin()), int(mailbox.toMax()), mailbox.length()) == (3072, 4095, 1024)
    assert mailbox.contains(halco.PPUMemoryWordOnPPU(4000))
    assert not mailbox.contains(3071)
    assert [int(w) for w in halco.PPUMemoryBlockOnPPU(2, 4)] == [2, 3, 4]
    with pytest.raises(halco.CoordinateRangeError):
        halco.PPUMemoryBlockOnPPU(5, 4)


@given(st.integers(0, 4095), st.integers(0, 4095))
def test_interval_enum_is_bijective(lo: int, hi: int) -> None:
    lo, hi = min(lo, hi), max(lo, hi)
    block = halco.PPUMemoryBlockOnPPU(lo, hi)
    again = halco.PPUMemoryBlockOnPPU(block.toEnum())
    assert (int(again.toMin()), int(again.toMax())) == (lo, hi)
    assert issubclass(halco.PPUMemoryBlockOnPPU, Interval)


def test_arithmetic_stays_in_type() -> None:
    c = halco.NeuronColumnOnDLS(3)
    assert c + 1 == halco.NeuronColumnOnDLS(4)
    assert c * 2 == halco.NeuronColumnOnDLS(6) and c % 2 == halco.NeuronColumnOnDLS(1)
    with pytest.raises(halco.CoordinateRangeError):
        _ = c + 300
    assert isinstance(c, Ranged) and c.value() == 3
