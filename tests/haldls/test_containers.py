"""haldls containers: golden words, generic round trips over the registry, bad input."""

from __future__ import annotations

import enum
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisch
import halco
import haldls
from halco.common import Coordinate
from halco.errors import CoordinateRangeError, CoordinateTypeError
from haldls import containers
from haldls._field import Field
from haldls.errors import ContainerDecodeError


def quad(row: int, col: int, synram: int) -> halco.SynapseQuadOnDLS:
    on_synram = halco.SynapseQuadOnSynram(
        halco.SynapseQuadColumnOnDLS(col), halco.SynapseRowOnSynram(row)
    )
    return halco.SynapseQuadOnDLS(on_synram, halco.SynramOnDLS(synram))


def capmem_cell(block: int, column: int, row: int) -> halco.CapMemCellOnDLS:
    cell = halco.CapMemCellOnCapMemBlock(
        halco.CapMemColumnOnCapMemBlock(column), halco.CapMemRowOnCapMemBlock(row)
    )
    return halco.CapMemCellOnDLS(cell, halco.CapMemBlockOnDLS(block))


# name -> (coordinate, non-default container, [(address, word)]) from reference §2.2-§2.4
GOLDEN: dict[str, tuple[Any, haldls.Container, list[tuple[int, int]]]] = {
    "CrossbarNode": (
        halco.CrossbarNodeOnDLS(3),
        haldls.CrossbarNode(mask=0x3FFF, target=5, enable_drop_counter=True),
        [(0x0013_001C, 0x8005_3FFF)],
    ),
    "PPUControlRegister": (
        halco.PPUControlRegisterOnDLS(1),
        haldls.PPUControlRegister(inhibit_reset=True, cache_controller_enable=True),
        [(0x03A0_0000, 0x9)],
    ),
    "PPUMemoryWord": (
        halco.PPUMemoryWordOnDLS(halco.PPUMemoryWordOnPPU(5), halco.PPUOnDLS(1)),
        haldls.PPUMemoryWord(value=0xDEADBEEF),
        [(0x0380_0005, 0xDEADBEEF)],
    ),
    "SynapseQuad": (
        quad(3, 7, 0),
        haldls.SynapseQuad(
            weights=[1, 2, 3, 63],
            time_calibs=[0, 1, 2, 3],
            labels=[5, 6, 7, 8],
            amp_calibs=[3, 2, 1, 0],
        ),
        # weights permuted: 1 -> 16, 2 -> 8, 3 -> 24, 63 -> 63; entry 0 in the top byte
        [(0x02CF_0187, 0x1048_98FF), (0x02CF_01C7, 0xC586_4708)],
    ),
    "NeuronConfig": (
        # neuron 5 of block 0: the word-0 address of reference §6.1's worked example
        halco.NeuronConfigOnDLS(
            halco.NeuronConfigOnNeuronConfigBlock(5), halco.NeuronConfigBlockOnDLS(0)
        ),
        haldls.NeuronConfig(
            enable_reset_degeneration=True,
            enable_strong_fire=True,
            readout_source=haldls.NeuronConfig.ReadoutSource.adaptation,
            enable_readout=True,
            invert_adaptation_b=True,
            membrane_capacitor_size=33,
            enable_fire=True,
            enable_bypass_excitatory=True,
            connect_soma_right=True,
            enable_pause=True,
        ),
        [
            (0x0016_002A, 0x41),
            (0x0016_002B, 0xE0),
            (0x0016_002C, 0x01),
            (0x0016_002D, 33 << 2),
            (0x0016_002E, 0x84),
            (0x0016_002F, 0x81),
        ],
    ),
    "CapMemCell": (
        capmem_cell(3, 100, 5),
        haldls.CapMemCell(value=haldls.CapMemCell.DisableRefresh(1023)),
        [(0x0015_8C85, 0x3FF)],
    ),
}


def test_every_container_has_golden_words() -> None:
    assert set(GOLDEN) == set(containers)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_words(name: str) -> None:
    coord, container, expected = GOLDEN[name]
    pairs = haldls.encode_write(coord, container)
    assert [(int(a), w.get().word) for a, w in pairs] == expected
    assert all(type(a) is halco.OmnibusAddress and type(w) is fisch.Omnibus for a, w in pairs)
    assert type(container).decode([w for _, w in expected]) == container
    jtag = haldls.encode_write(coord, container, haldls.Backend.OmnibusChipOverJTAG)
    assert [(int(a), int(w.get())) for a, w in jtag] == expected
    assert all(type(a) is halco.OmnibusChipOverJTAGAddress for a, _ in jtag)


def field_strategy(f: Field) -> st.SearchStrategy[Any]:
    typ = f.typ
    if typ is bool:
        one: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(typ, tuple):
        one = st.integers(min(t.min for t in typ), max(t.max for t in typ))
    elif isinstance(typ, type) and issubclass(typ, enum.IntEnum):
        one = st.sampled_from(list(typ))
    elif isinstance(typ, type) and issubclass(typ, Coordinate):
        one = st.integers(typ.min, typ.max)
    else:
        raise AssertionError(f"no strategy for field {f.name}: {typ!r}")
    if f.array:
        return st.lists(one, min_size=f.key.size, max_size=f.key.size)  # type: ignore[attr-defined]
    return one


def container_strategy(ctype: type[haldls.Container]) -> st.SearchStrategy[haldls.Container]:
    return st.fixed_dictionaries({f.name: field_strategy(f) for f in ctype._fields}).map(
        lambda kw: ctype(**kw)
    )


NAMESPACE = {**vars(haldls), **vars(halco)}


@pytest.mark.parametrize("name", sorted(containers))
@given(data=st.data())
def test_round_trips(name: str, data: st.DataObject) -> None:
    ctype = containers[name]
    c = data.draw(container_strategy(ctype))
    assert ctype.decode(c.encode()) == c
    assert ctype.decode(c.encode_words()) == c
    assert pickle.loads(pickle.dumps(c)) == c
    assert haldls.from_json(ctype, haldls.to_json(c)) == c
    assert eval(repr(c), NAMESPACE) == c
    assert c.copy() == c and c.copy() is not c
    coord = data.draw(st.integers(ctype.coordinate_type.min, ctype.coordinate_type.max))
    addresses = ctype.addresses(ctype.coordinate_type(coord))
    assert len(addresses) == ctype.words == len(c.encode())


@pytest.mark.parametrize("name", sorted(containers))
def test_addresses_are_unique_within_a_container(name: str) -> None:
    ctype = containers[name]
    t = ctype.coordinate_type
    seen = {int(a) for e in range(t.min, t.max + 1) for a in ctype.addresses(t(e))}
    assert len(seen) == t.size * ctype.words


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
