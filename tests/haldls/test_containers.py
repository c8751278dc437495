"""haldls containers: golden words, generic round trips over the registry, bad input."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from container_strategies import container_strategy
from hypothesis import given
from hypothesis import strategies as st

import fisch
import halco
import haldls
from halco.errors import CoordinateRangeError, CoordinateTypeError
from haldls import containers
from haldls.errors import ContainerDecodeError


def test_every_container_has_golden_words(golden: dict[str, Any]) -> None:
    assert set(golden) == set(containers)


def word_value(w: fisch.Container) -> Any:
    """The plain value of a fisch word, else the value as ints.

    For Omnibus the data word, with bit 32 + i set where byte i is not written.
    """
    v = w.get()
    if isinstance(w, fisch.Omnibus):
        return int(v.word) | (~v.byte_enable_mask & 0xF) << 32
    if isinstance(v, tuple):  # spike labels, the first most significant
        return sum(int(x) << (16 * (len(v) - 1 - i)) for i, x in enumerate(v))
    return 0 if v is None else int(v)


def test_golden_words(golden_name: str, golden: dict[str, Any]) -> None:
    coord, container, expected = golden[golden_name]
    ctype = type(container)
    assert ctype.__name__ == golden_name
    assert [int(a) for a in ctype.addresses(coord)] == [a for a, _ in expected]
    words = [w for _, w in expected]
    if ctype.words_depend_on_coordinate:  # a read returns the whole word, no byte enables
        assert ctype.decode_at(coord, [w & 0xFFFF_FFFF for w in words]) == container
    else:
        assert ctype.decode(words) == ctype.decode_at(coord, words) == container
        assert ctype.encode_words(container) == words
    if not ctype.is_writable:
        with pytest.raises(fisch.errors.NotWritableError):
            haldls.encode_write(coord, container)
        return
    pairs = haldls.encode_write(coord, container)
    assert [(int(a), word_value(w)) for a, w in pairs] == expected
    assert all(type(a) is ctype.backends[0].coordinate_type for a, _ in pairs)
    assert all(type(w) is ctype.backends[0] for _, w in pairs)
    if fisch.OmnibusChipOverJTAG in ctype.backends:
        jtag = haldls.encode_write(coord, container, haldls.Backend.OmnibusChipOverJTAG)
        assert [(int(a), word_value(w)) for a, w in jtag] == expected
        assert all(type(a) is halco.OmnibusChipOverJTAGAddress for a, _ in jtag)


NAMESPACE = {**vars(haldls), **vars(halco)}


@pytest.mark.parametrize("name", sorted(containers))
@given(data=st.data())
def test_round_trips(name: str, data: st.DataObject) -> None:
    ctype = containers[name]
    c = data.draw(container_strategy(ctype))
    coord = ctype.coordinate_type(
        data.draw(st.integers(ctype.coordinate_type.min, ctype.coordinate_type.max))
    )
    if ctype.is_writable:
        assert ctype.decode_at(coord, c.encode_at(coord)) == c
        if not ctype.words_depend_on_coordinate:
            assert ctype.decode(c.encode()) == c
    assert ctype.decode(c.encode_words()) == c
    assert pickle.loads(pickle.dumps(c)) == c
    assert haldls.from_json(ctype, haldls.to_json(c)) == c
    assert eval(repr(c), NAMESPACE) == c
    assert c.copy() == c and c.copy() is not c
    addresses = ctype.addresses(coord)
    assert len(addresses) == ctype.words == len(c.encode_words())


@pytest.mark.parametrize("name", sorted(containers))
@given(data=st.data())
def test_column_round_trips(name: str, data: st.DataObject) -> None:
    ctype = containers[name]
    objs = data.draw(st.lists(container_strategy(ctype), max_size=5))
    words = ctype.encode_columns(ctype.to_columns(objs), n=len(objs))
    assert words.dtype == (np.uint32 if ctype.word_bits <= 32 else np.uint64)
    assert words.shape == (len(objs), ctype.words)
    assert words.tolist() == [c.encode_words() for c in objs]
    assert ctype.from_columns(ctype.decode_columns(words), n=len(objs)) == objs


@pytest.mark.parametrize("name", sorted(containers))
def test_addresses_are_unique_within_a_container(name: str) -> None:
    ctype = containers[name]
    t = ctype.coordinate_type
    # every coordinate, but for the PPU DRAM (2**28 bytes): its first and last 2**16 then
    enums = range(t.min, t.max + 1)
    if t.size > 1 << 20:
        enums = [*range(t.min, t.min + (1 << 16)), *range(t.max + 1 - (1 << 16), t.max + 1)]
    seen = {int(a) for e in enums for a in ctype.addresses(t(e))}
    # only a byte container shares its word with the three other bytes (lanes)
    assert len(seen) == len(enums) * ctype.words // (4 if ctype.words_depend_on_coordinate else 1)


def test_field_validation() -> None:
    q = haldls.SynapseQuad()
    q.weights[2] = 61
    assert int(q.weights[halco.EntryOnQuad(2)]) == 61
    with pytest.raises(CoordinateRangeError, match=r"must be in \[0, 63\], got 64"):
        q.weights[2] = 64
    with pytest.raises(ValueError, match="needs 4 values, got 3"):
        q.weights = [1, 2, 3]
    with pytest.raises(TypeError, match="iterable of 4 values"):
        q.weights = 5
    node = haldls.CrossbarNode()
    with pytest.raises(CoordinateRangeError, match=r"\[0, 16383\], got 16384"):
        node.mask = 16384
    with pytest.raises(TypeError, match="must be a bool"):
        node.enable_drop_counter = "yes"
    with pytest.raises(TypeError, match="has no field 'masks'"):
        haldls.CrossbarNode(masks=1)
    with pytest.raises(CoordinateTypeError):
        haldls.CrossbarNode.addresses(halco.SynapseQuadOnDLS())
    cell = haldls.CapMemCell(value=1023)
    assert isinstance(cell.value, haldls.CapMemCell.DisableRefresh)
    with pytest.raises(TypeError, match=r"CapMemCell\.DisableRefresh, got float"):
        cell.value = 1.5
    with pytest.raises(ValueError, match="cannot travel as Timer"):
        node.encode(haldls.Backend.Timer)


def test_decode_rejects_bad_words() -> None:
    with pytest.raises(ContainerDecodeError, match="SynapseQuad has 2 words, got 1"):
        haldls.SynapseQuad.decode([0])
    with pytest.raises(ContainerDecodeError, match="sets bits 0x4000 outside its fields"):
        haldls.CrossbarNode.decode([0x4000])
    with pytest.raises(ContainerDecodeError, match="sets bits 0x10 outside"):
        haldls.PPUControlRegister.decode([0x10])
    with pytest.raises(ContainerDecodeError, match="32 bit"):
        haldls.PPUMemoryWord.decode([2**32])


def test_drop_all_and_defaults() -> None:
    assert haldls.CrossbarNode.drop_all.encode_words() == [0x0001_0000]
    assert haldls.CapMemCell().value == haldls.CapMemCell.Value(0)
    assert haldls.SynapseQuad().encode_words() == [0, 0]


@given(data=st.data())
def test_synapse_quad_fast_path_equals_generic(data: st.DataObject) -> None:
    """SynapseQuad's byte-wise column encoder must agree with the generic field-table one."""
    n = data.draw(st.integers(0, 20))
    cols = {
        name: np.array(
            data.draw(st.lists(st.integers(0, hi), min_size=4 * n, max_size=4 * n))
        ).reshape(n, 4)
        for name, hi in [("weights", 63), ("labels", 63), ("time_calibs", 3), ("amp_calibs", 3)]
    }
    fast = haldls.SynapseQuad.encode_columns(cols, n=n)
    generic = haldls.Container.encode_columns.__func__(haldls.SynapseQuad, cols, n)  # type: ignore[attr-defined]
    assert fast.dtype == generic.dtype and fast.tolist() == generic.tolist()
    cols["weights"][0:1, 0] = 64
    if n:
        with pytest.raises(CoordinateRangeError, match="weights"):
            haldls.SynapseQuad.encode_columns(cols, n=n)


def test_one_field_containers_take_their_value_positionally() -> None:
    assert haldls.ResetChip(True) == haldls.ResetChip(value=True)
    label = halco.SpikeLabel(3)
    assert haldls.SpikePack1ToChip([label]) == haldls.SpikePack1ToChip(labels=[label])
    assert haldls.CapMemCell(haldls.CapMemCell.Value(5)).value == haldls.CapMemCell.Value(5)
    with pytest.raises(TypeError, match="as keywords"):
        haldls.CrossbarNode(5)
    with pytest.raises(TypeError, match="as keywords"):
        haldls.ResetChip(True, value=False)
    with pytest.raises(TypeError, match="as keywords"):
        haldls.ResetChip(True, False)


def test_external_byte_needs_its_coordinate() -> None:
    coord = halco.ExternalPPUMemoryByteOnFPGA(6)  # byte 2 of word 1: bits 15-8
    byte = haldls.ExternalPPUMemoryByte(value=0x5A)
    with pytest.raises(TypeError, match="encode_at"):
        byte.encode()
    (word,) = byte.encode_at(coord)
    with pytest.raises(TypeError, match="decode_at"):
        haldls.ExternalPPUMemoryByte.decode([word])
    assert haldls.ExternalPPUMemoryByte.decode_at(coord, [word]) == byte
    assert haldls.ExternalPPUMemoryByte.decode_at(coord, [0x1234_5A78]) == byte
    with pytest.raises(ContainerDecodeError, match="has 1 word, got 2"):
        haldls.ExternalPPUMemoryByte.decode_at(coord, [0, 0])
    with pytest.raises(CoordinateTypeError):
        haldls.ExternalPPUMemoryByte.decode_at(halco.ExternalPPUMemoryQuadOnFPGA(1), [0])
