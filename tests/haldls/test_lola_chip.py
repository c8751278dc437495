"""lola aggregates as container lists; Chip, NeuronBlock biases, driver blocks, CapMem, PPU memory.

Generic tests run over the registry ``haldls.lola.containers``; expected addresses come from the
haldls leaf containers at halco coordinates written out by hand (cell names, hemispheres), never
from the aggregate under test.
"""

from __future__ import annotations

import functools
import json
import pickle
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from container_strategies import container_strategy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fisch
import halco
import haldls
import haldls.lola
from halco import (
    AtomicNeuronOnDLS,
    CapMemBlockOnDLS,
    CapMemBlockOnHemisphere,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    CapMemRowOnCapMemBlock,
    EntryOnQuad,
    ExternalPPUMemoryQuadOnFPGA,
    HemisphereOnDLS,
    PPUMemoryWordOnDLS,
    PPUMemoryWordOnPPU,
    PPUOnDLS,
    SynapseOnSynapseRow,
    SynapseQuadColumnOnDLS,
    SynapseQuadOnDLS,
    SynapseQuadOnSynram,
    SynapseRowOnSynram,
    SynapseWeightQuadOnDLS,
    SynramOnDLS,
    UnusedCapMemCellOnDLS,
)
from halco.common import Coordinate
from haldls import CapMemCell, Container, ContainerList, ExternalPPUMemoryQuad, SynapseQuad
from haldls._field import ArrayField
from haldls._struct import Struct, StructArrayField, StructField
from haldls.errors import ContainerDecodeError
from haldls.lola import (
    AtomicNeuron,
    CapMem,
    Chip,
    ExternalPPUMemory,
    NeuronBlock,
    ReadoutChain,
    SynapseDriverBlock,
)
from haldls.lola._base import Aggregate, ItemArrayField, MatrixField, ValueArrayField

AGGREGATES = sorted(haldls.lola.containers)
#: Aggregates of read-only leaves (CADC samples), by hand.
READ_ONLY = {"CADCSampleRow", "CADCSamples"}
#: Blocks of external PPU memory, with the byte coordinate of their memory.
EXTERNAL_BLOCKS: dict[type[Aggregate], Any] = {
    haldls.lola.ExternalPPUMemoryBlock: halco.ExternalPPUMemoryByteOnFPGA,
    haldls.lola.ExternalPPUDRAMMemoryBlock: halco.ExternalPPUDRAMMemoryByteOnFPGA,
}
#: Aggregates whose JSON container list is too large for a quick test.
LARGE = 1_000
#: Aggregates whose leaf addresses are checked one by one.
ADDRESS_CHECK = 10_000


# -- helpers -------------------------------------------------------------------------------------
def coords_of(cls: type[Aggregate]) -> list[Coordinate]:
    """The first and the last coordinate of an aggregate type (a PPU memory block: the whole
    memory of either PPU, the size of the default block)."""
    t: Any = cls.coordinate_type
    if cls is haldls.lola.PPUMemoryBlock:
        whole = halco.PPUMemoryBlockOnPPU(PPUMemoryWordOnPPU(0), PPUMemoryWordOnPPU(4095))
        return [halco.PPUMemoryBlockOnDLS(whole, PPUOnDLS(p)) for p in (0, 1)]
    if cls in EXTERNAL_BLOCKS:  # the default's bytes at the start and at the end of the memory
        byte, n = EXTERNAL_BLOCKS[cls], len(cls().bytes)
        return [t(byte(0), byte(n - 1)), t(byte(byte.max + 1 - n), byte(byte.max))]
    return [t(t.min)] if t.size == 1 else [t(t.min), t(t.max)]


CASES = [(name, c) for name in AGGREGATES for c in coords_of(haldls.lola.containers[name])]
CASE_IDS = [f"{name}-{int(c.toEnum())}" for name, c in CASES]


def coordinate(typ: type[Container], e: int) -> Any:
    """The leaf coordinate of enum ``e``."""
    t: Any = typ.coordinate_type
    return t(e)


def static_cell(name: str) -> CapMemCellOnDLS:
    """A shared CapMem cell, by its halco static name."""
    cell = getattr(CapMemCellOnDLS, name)
    assert isinstance(cell, CapMemCellOnDLS)
    return cell


def ints(values: Any) -> list[int]:
    return [int(v) for v in values]


def leaf_runs(cls: type[Aggregate], coord: Coordinate) -> list[tuple[type[Container], list[int]]]:
    """(leaf type, coordinate enums) per slot, from the default's container list."""
    return [(t, ints(e)) for t, e, _ in cls().to_container_list(coord).runs()]


def drawable_leaf(leaf: Any) -> Any:
    """``leaf``, made representable by the aggregates (their documented restrictions).

    An AtomicNeuron has no strong fire without fire; ReadoutChain does not map
    ``MADCConfig.enable_iconv_amplifier`` (as upstream: a write leaves it off); memories hold
    contents, not which bytes a write enables.
    """
    if isinstance(leaf, (haldls.ExternalPPUMemoryQuad, haldls.ExternalPPUDRAMMemoryQuad)):
        leaf.enables = [True] * 4
    if isinstance(leaf, haldls.NeuronConfig) and leaf.enable_strong_fire:
        leaf.enable_fire = True
    if isinstance(leaf, haldls.MADCConfig):
        leaf.enable_iconv_amplifier = False
    return leaf


def with_leaf(
    cls: type[Aggregate], coord: Coordinate, base: npt.NDArray[Any], leaf_coord: Any, leaf: Any
) -> npt.NDArray[np.int64]:
    """``base`` (the aggregate's words) with the words of one leaf replaced, found by address."""
    addresses = cls.address_array(coord)
    words = np.array(base, np.int64)
    for a, w in zip(type(leaf)._addresses(leaf_coord), leaf.encode_words(), strict=True):
        (at,) = np.flatnonzero(addresses == a)
        words[at] = w
    return words


def other_raw(kind: Any, raw: int) -> int | None:
    """A raw value of the field kind other than ``raw`` (None if the kind has one value)."""
    values = [int(v) for v in kind.allowed] if kind.allowed is not None else [kind.lo, kind.hi]
    for v in values:
        if v != raw:
            return v
    return kind.lo + 1 if kind.hi > kind.lo and kind.lo + 1 != raw else None


def mutate(s: Struct) -> bool:
    """Change the first changeable value inside ``s`` in place; return whether one changed."""
    for f in type(s)._fields:
        value = getattr(s, f.name)
        if isinstance(f, StructField):
            if mutate(value):
                return True
        elif isinstance(f, (ItemArrayField, StructArrayField)):
            if len(value) and mutate(value[0]):
                return True
        elif isinstance(f, MatrixField):
            first = (0,) * value.ndim
            new = int(value[first]) + 1 if int(value[first]) < f.typ.max else f.typ.min
            value[first] = new
            return True
        elif isinstance(f, (ArrayField, ValueArrayField)):
            raw = other_raw(f.kind, int(value[0]))
            if raw is not None:
                value[0] = f.kind.from_int(raw)
                return True
        else:
            raw = other_raw(f.kind, int(value))
            if raw is not None:
                setattr(s, f.name, f.kind.from_int(raw))
                return True
    return False


@functools.cache
def default_chip_words() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """(addresses, words) of the default Chip (the layout costs about a second, once)."""
    return Chip.address_array(), Chip().encode_array()


def cell_address(cell: CapMemCellOnDLS) -> int:
    (a,) = CapMemCell.addresses(cell)
    return int(a)


def block_cell(name: str, block: int) -> CapMemCellOnDLS:
    return CapMemCellOnDLS(getattr(CapMemCellOnCapMemBlock, name), CapMemBlockOnDLS(block))


def diff(new: Aggregate, old: Aggregate, coord: Any = None) -> dict[int, int]:
    addresses, words = new.encode_write_arrays(coord, reference=old)
    return dict(zip(ints(addresses), ints(words), strict=True))


# -- 5. every aggregate: container lists, pickle, copies, addresses -------------------------------
def test_read_only_aggregates_are_the_sample_ones() -> None:
    for name in AGGREGATES:
        cls = haldls.lola.containers[name]
        coord = coords_of(cls)[0]
        if name in READ_ONLY:
            with pytest.raises(fisch.errors.NotWritableError):
                cls().to_container_list(coord)
            with pytest.raises(fisch.errors.NotWritableError):
                cls().encode_array(coord)
        else:
            assert isinstance(cls().to_container_list(coord), ContainerList)


@pytest.mark.parametrize(("name", "coord"), CASES, ids=CASE_IDS)
def test_container_list_matches_addresses_and_words(name: str, coord: Coordinate) -> None:
    cls = haldls.lola.containers[name]
    addresses = cls.address_array(coord)
    assert len(set(ints(addresses))) == len(addresses), "addresses are unique"
    if name in READ_ONLY:
        return
    runs = cls().to_container_list(coord).runs()
    assert sum(len(e) * t.words for t, e, _ in runs) == len(addresses)
    words = np.concatenate([w.reshape(-1) for _, _, w in runs])
    assert ints(words) == ints(cls().encode_array(coord))
    if len(addresses) <= ADDRESS_CHECK:  # every leaf's addresses, in visit order
        expected = [a for t, e, _ in runs for x in e for a in t._addresses(coordinate(t, x))]
        assert expected == ints(addresses)


@pytest.mark.parametrize(("name", "coord"), CASES, ids=CASE_IDS)
@settings(max_examples=4, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_random_leaf_round_trips(name: str, coord: Coordinate, data: st.DataObject) -> None:
    """Replace one random leaf by a random valid one; every stored form keeps it."""
    cls = haldls.lola.containers[name]
    if name in READ_ONLY:
        return
    default = cls()
    base = default.encode_array(coord)
    runs = [r for r in leaf_runs(cls, coord) if r[1]]
    typ, enums = data.draw(st.sampled_from(runs))
    leaf_coord = coordinate(typ, data.draw(st.sampled_from(enums)))
    leaf = drawable_leaf(data.draw(container_strategy(typ)))
    words = with_leaf(cls, coord, base, leaf_coord, leaf)
    x = cls.decode_array(words, coord)
    assert ints(x.encode_array(coord)) == ints(words)
    assert (x == default) == (ints(words) == ints(base))

    listing = x.to_container_list(coord)
    for stored in (listing, ContainerList.from_binary(listing.to_binary())):
        assert stored == listing
        assert cls.from_container_list(stored, coord) == x
    if len(base) <= LARGE:
        assert cls.from_container_list(ContainerList.from_json(listing.to_json()), coord) == x
        assert cls.from_container_list(listing.values, coord) == x  # plain pairs
    # the leaf alone, applied over the default
    assert cls.from_container_list([(leaf_coord, leaf)], coord) == x
    assert cls.from_container_list(ContainerList([(leaf_coord, leaf)]), coord) == x
    assert cls.from_container_list([], coord) == default


@pytest.mark.parametrize("name", AGGREGATES)
@settings(max_examples=2, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_pickle_and_copy_independence(name: str, data: st.DataObject) -> None:
    cls = haldls.lola.containers[name]
    coord = coords_of(cls)[-1]
    default = cls()
    if name in READ_ONLY:  # random words of the read-only leaves
        leaves = list(default.leaves(coord))
        k = data.draw(st.integers(0, len(leaves) - 1))
        leaf_coord, leaf = leaves[k]
        base = [w for _, item in leaves for w in item.encode_words()]
        words = with_leaf(
            cls, coord, np.array(base), leaf_coord, data.draw(container_strategy(type(leaf)))
        )
    else:
        typ, enums = data.draw(st.sampled_from([r for r in leaf_runs(cls, coord) if r[1]]))
        leaf_coord = coordinate(typ, data.draw(st.sampled_from(enums)))
        leaf = drawable_leaf(data.draw(container_strategy(typ)))
        words = with_leaf(cls, coord, default.encode_array(coord), leaf_coord, leaf)
    x = cls.decode_array(words, coord)
    snapshot = pickle.dumps(x)
    back = pickle.loads(snapshot)
    assert back == x and type(back) is cls and back is not x
    y = x.copy()
    assert y == x and type(y) is cls and y is not x
    if not mutate(y):
        assert not cls._fields, f"{name}: no field could be changed"
        return
    assert y != x
    assert mutate(back)
    assert x == pickle.loads(snapshot), "a copy shares state with the original"


@pytest.mark.parametrize("name", sorted(READ_ONLY))
def test_read_only_aggregates_refuse_container_lists(name: str) -> None:
    cls = haldls.lola.containers[name]
    with pytest.raises(fisch.errors.NotWritableError):
        cls().to_container_list(coords_of(cls)[-1])
    with pytest.raises(fisch.errors.NotWritableError):
        cls().encode_write_arrays(reference=cls())


# -- 6. the Chip ---------------------------------------------------------------------------------
def test_default_chip_round_trips() -> None:
    addresses, words = default_chip_words()
    assert len(addresses) == len(words) == 126_842
    assert len(np.unique(addresses)) == len(addresses)
    listing = Chip().to_container_list()
    blob = listing.to_binary()
    back = ContainerList.from_binary(blob)
    assert back == listing and back.to_binary() == blob
    assert Chip.from_container_list(back) == Chip()
    types = {t.__name__ for t, _, _ in listing.runs()}
    assert {"SynapseQuad", "CapMemCell", "NeuronConfig", "ExternalPPUMemoryQuad"} <= types
    assert {"PPUMemoryWord", "CrossbarNode", "MADCConfig", "SynapseDriverConfig"} <= types


def quad_coord(synram: int, row: int, col: int) -> tuple[Any, int]:
    """Halco's SynapseQuadOnDLS and entry of a synapse."""
    s = SynapseOnSynapseRow(col)
    q = SynapseQuadOnSynram(s.toSynapseQuadColumnOnDLS(), SynapseRowOnSynram(row))
    return SynapseQuadOnDLS(q, SynramOnDLS(synram)), int(s.toEntryOnQuad())


def neuron_cell(e: int, row: int) -> CapMemCellOnDLS:
    n = AtomicNeuronOnDLS(e)
    return CapMemCellOnDLS(
        CapMemCellOnCapMemBlock(n.toCapMemColumnOnCapMemBlock(), CapMemRowOnCapMemBlock(row)),
        n.toCapMemBlockOnDLS(),
    )


V_LEAK_ROW = 0  # reference §3.1: v_leak is CapMem row 0 of the neuron's column


def modified_chip() -> tuple[Chip, dict[int, int]]:
    """A Chip with a few parts changed, and the (address -> word) writes expected by hand."""
    chip = Chip()
    expected: dict[int, int] = {}
    # a synapse weight: the SynapseQuad's weight word (word 0 holds weights and labels)
    chip.synapse_blocks[1].matrix.weights[17, 200] = 33
    quad, entry = quad_coord(1, 17, 200)
    leaf = SynapseQuad()
    leaf.weights[entry] = 33
    for a, w, d in zip(
        ints(SynapseQuad.addresses(quad)),
        leaf.encode_words(),
        SynapseQuad().encode_words(),
        strict=True,
    ):
        if w != d:
            expected[a] = w
    # an AtomicNeuron's leak potential
    chip.neuron_block.atomic_neurons[300].leak.v_leak = 700
    expected[cell_address(neuron_cell(300, V_LEAK_ROW))] = 700
    # a global neuron bias
    chip.neuron_block.i_bias_synin_drop[2] = 123
    expected[cell_address(block_cell("neuron_i_bias_synin_drop", 2))] = 123
    # STP values of the bottom driver block (hemisphere 1: CapMem blocks 2 and 3)
    chip.synapse_driver_blocks[1].stp_v_charge_0[CapMemBlockOnHemisphere(1)] = 77
    expected[cell_address(block_cell("stp_v_charge_0", 3))] = 77
    chip.synapse_driver_blocks[1].stp_i_bias_readout = 5
    expected[cell_address(static_cell("stp_ibias_readout_bottom"))] = 5
    # an unused CapMem cell
    chip.capmem.unused_cells[10] = 321
    expected[cell_address(UnusedCapMemCellOnDLS(10).toCapMemCellOnDLS())] = 321
    # external PPU memory: byte 12345 is entry 1 of quad 3086 (bits 23-16)
    chip.external_ppu_memory.bytes[12345] = 0xAB
    (quad_address,) = ExternalPPUMemoryQuad.addresses(ExternalPPUMemoryQuadOnFPGA(3086))
    expected[int(quad_address)] = 0xAB << 16
    # a PPU memory word
    chip.ppu_memory[1].words[5] = 0xDEAD_BEEF
    ppu_word = PPUMemoryWordOnDLS(PPUMemoryWordOnPPU(5), PPUOnDLS(1))
    (word_address,) = haldls.PPUMemoryWord.addresses(ppu_word)
    expected[int(word_address)] = 0xDEAD_BEEF
    # the readout chain: the MADC config words it changes on its own
    chip.readout_chain.madc.number_of_samples = 1000
    readout = ReadoutChain()
    readout.madc.number_of_samples = 1000
    expected.update(diff(readout, ReadoutChain()))
    return chip, expected


def test_modified_chip_round_trips_and_writes_only_changes() -> None:
    chip, expected = modified_chip()
    assert len(expected) == 9  # one word each
    assert diff(chip, Chip()) == expected
    assert diff(chip, chip.copy()) == {}
    blob = chip.to_container_list().to_binary()
    back = Chip.from_container_list(ContainerList.from_binary(blob))
    assert back == chip
    assert int(back.neuron_block.atomic_neurons[300].leak.v_leak) == 700
    assert int(back.synapse_blocks[1].matrix.weights[17, 200]) == 33
    assert int(back.external_ppu_memory.bytes[12345]) == 0xAB
    assert int(back.ppu_memory[1].words[5]) == 0xDEAD_BEEF
    assert int(back.capmem.unused_cells[10]) == 321
    assert Chip.decode_array(chip.encode_array()) == chip
    # the full write holds the expected words at the expected addresses
    addresses, words = chip.encode_write_arrays()
    full = dict(zip(ints(addresses), ints(words), strict=True))
    assert all(full[a] == w for a, w in expected.items())


def set_bias(chip: Chip) -> None:
    chip.neuron_block.i_bias_threshold_comparator[3] = 400


def set_v_leak(chip: Chip) -> None:
    chip.neuron_block.atomic_neurons[37].leak.v_leak = 400


def set_unused(chip: Chip) -> None:
    chip.capmem.unused_cells[89] = 400


def set_stp(chip: Chip) -> None:
    chip.synapse_driver_blocks[0].stp_i_ramp[CapMemBlockOnHemisphere(1)] = 400


def set_hagen(chip: Chip) -> None:
    chip.synapse_driver_blocks[0].hagen_i_bias_dac = 400


def set_syn_bias(chip: Chip) -> None:
    chip.synapse_blocks[1].i_bias_dac[0] = 400


PARTIAL_CELLS = [
    (block_cell("neuron_i_bias_spike_comparator", 3), set_bias),
    (neuron_cell(37, V_LEAK_ROW), set_v_leak),
    (UnusedCapMemCellOnDLS(89).toCapMemCellOnDLS(), set_unused),
    (block_cell("stp_i_ramp", 1), set_stp),
    (static_cell("hagen_ibias_dac_top"), set_hagen),
    (block_cell("syn_i_bias_dac", 2), set_syn_bias),
]


@pytest.mark.parametrize(
    ("cell", "setter"), PARTIAL_CELLS, ids=lambda x: getattr(x, "__name__", "")
)
def test_partial_list_changes_exactly_one_parameter(cell: CapMemCellOnDLS, setter: Any) -> None:
    default_chip_words()
    expected = Chip()
    setter(expected)
    entries = [(cell, CapMemCell(value=400))]
    got = Chip.from_container_list(entries)
    assert got == expected
    assert Chip.from_container_list(ContainerList(entries)) == expected
    assert diff(got, Chip()) == {cell_address(cell): 400}


def test_partial_list_applies_in_order() -> None:
    default_chip_words()
    cell = block_cell("neuron_v_bias_casc_n", 0)
    node = (halco.CrossbarNodeOnDLS(3), haldls.CrossbarNode(mask=5))
    entries = [(cell, CapMemCell(value=1)), node, (cell, CapMemCell(value=2))]
    assert int(Chip.from_container_list(entries).neuron_block.v_bias_casc_n[0]) == 2
    entries = [(cell, CapMemCell(value=1)), (cell, CapMemCell(value=2))]  # one run
    assert int(Chip.from_container_list(entries).neuron_block.v_bias_casc_n[0]) == 2
    assert Chip.from_container_list([node]).crossbar.nodes[3] == node[1]


def weight_quad_case() -> tuple[Any, Any, list[tuple[int, int]]]:
    """A SynapseWeightQuad on synram 1, row 17, quad column 5, and its (column, weight)s."""
    q = SynapseWeightQuadOnDLS(
        SynapseQuadOnSynram(SynapseQuadColumnOnDLS(5), SynapseRowOnSynram(17)), SynramOnDLS(1)
    )
    values = [1, 2, 3, 63]
    columns = [
        int(SynapseOnSynapseRow(EntryOnQuad(k), SynapseQuadColumnOnDLS(5))) for k in range(4)
    ]
    return q, haldls.SynapseWeightQuad(values=values), list(zip(columns, values, strict=True))


def test_a_view_leaf_with_registers_of_its_own_is_refused() -> None:
    """The synapse views have addresses of their own: applying one over a Chip or a
    SynapseMatrix is refused (the aggregate holds no register it writes), not mixed in."""
    default_chip_words()
    q, leaf, _ = weight_quad_case()
    with pytest.raises(ValueError, match=r"SynapseWeightQuad .*not part of Chip"):
        Chip.from_container_list([(q, leaf)])
    with pytest.raises(ValueError, match=r"not part of SynapseMatrix"):
        haldls.lola.SynapseMatrix.from_container_list([(q, leaf)], SynramOnDLS(1))


def test_weight_quad_over_the_weight_matrix() -> None:
    q, leaf, weights = weight_quad_case()
    matrix = haldls.lola.SynapseWeightMatrix.from_container_list(
        [(q, leaf)], halco.SynapseWeightMatrixOnDLS(1)
    )
    assert {(int(r), int(c)) for r, c in np.argwhere(matrix.values)} == {
        (17, col) for col, _ in weights
    }
    assert [int(matrix.values[17, col]) for col, _ in weights] == [w for _, w in weights]


def test_leaves_outside_the_aggregate_are_refused() -> None:
    default_chip_words()
    recording = (halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig())
    with pytest.raises(ValueError, match=r"EventRecordingConfig .*not part of Chip"):
        Chip.from_container_list([recording])
    with pytest.raises(ValueError, match="not part of Chip"):
        Chip.from_container_list(ContainerList([recording]))
    # a leaf type of the aggregate at a coordinate it does not hold
    other = (neuron_cell(1, V_LEAK_ROW), CapMemCell(value=5))
    with pytest.raises(ValueError, match=r"CapMemCell at .*not part of AtomicNeuron"):
        AtomicNeuron.from_container_list([other], AtomicNeuronOnDLS(0))
    assert int(AtomicNeuron.from_container_list([other], AtomicNeuronOnDLS(1)).leak.v_leak) == 5
    with pytest.raises(ValueError, match="not part of NeuronBlock"):
        NeuronBlock.from_container_list([(quad_coord(0, 0, 0)[0], SynapseQuad())])
    with pytest.raises(TypeError):
        Chip.from_container_list([(halco.ChipOnDLS(), Chip())])  # type: ignore[list-item]


def test_differential_write_of_a_random_chip_against_the_default() -> None:
    addresses, default_words = default_chip_words()
    rng = np.random.default_rng(5)
    chip = Chip()
    chip.synapse_blocks[0].matrix.weights = rng.integers(0, 64, (256, 256))
    chip.external_ppu_memory.bytes = rng.integers(0, 256, 4 * ExternalPPUMemoryQuadOnFPGA.size)
    words = chip.encode_array()
    changed = words != default_words
    got_addresses, got_words = chip.encode_write_arrays(reference=Chip())
    assert ints(got_addresses) == ints(addresses[changed])
    assert ints(got_words) == ints(words[changed])
    assert 0 < changed.sum() < len(words)
    with pytest.raises(TypeError):
        chip.encode_write_arrays(reference=NeuronBlock())


# -- 7. NeuronBlock ------------------------------------------------------------------------------
#: The global biases: field, halco cell name in each CapMem block, default (by hand).
BIASES = [
    ("v_bias_casc_n", "neuron_v_bias_casc_n", 250),
    ("i_bias_readout_amp", "neuron_i_bias_readout_amp", 110),
    ("i_bias_leak_source_follower", "neuron_i_bias_leak_source_follower", 100),
    ("i_bias_threshold_comparator", "neuron_i_bias_spike_comparator", 200),
    ("i_bias_synin_drop", "neuron_i_bias_synin_drop", 300),
]


@pytest.mark.parametrize("block", range(4))
@pytest.mark.parametrize(("name", "cell", "default"), BIASES)
def test_neuron_block_bias_lands_in_its_cell(
    name: str, cell: str, default: int, block: int
) -> None:
    nb = NeuronBlock()
    assert ints(getattr(nb, name)) == [default] * 4
    address = cell_address(block_cell(cell, block))
    addresses, words = NeuronBlock.address_array(), nb.encode_array()
    (at,) = np.flatnonzero(addresses == address)
    assert int(words[at]) == default
    getattr(nb, name)[CapMemBlockOnDLS(block)] = 400 + block
    assert diff(nb, NeuronBlock()) == {address: 400 + block}
    getattr(nb, name)[block] = 1023
    assert isinstance(getattr(nb, name)[block], CapMemCell.DisableRefresh)
    assert diff(nb, NeuronBlock()) == {address: 1023}
    back = NeuronBlock.decode_array(nb.encode_array())
    assert back == nb and isinstance(getattr(back, name)[block], CapMemCell.DisableRefresh)


def test_neuron_block_bias_validation() -> None:
    nb = NeuronBlock()
    with pytest.raises(ValueError):
        nb.v_bias_casc_n[0] = 1024
    with pytest.raises(ValueError):
        nb.v_bias_casc_n = [1, 2, 3]
    with pytest.raises(TypeError):
        nb.v_bias_casc_n = 5
    nb.i_bias_synin_drop = [1, 2, 3, 1023]
    assert ints(nb.i_bias_synin_drop) == [1, 2, 3, 1023]


def test_atomic_neuron_views_write_through() -> None:
    nb = NeuronBlock()
    view = nb.atomic_neurons[5]
    view.leak.v_leak = 700
    assert int(nb.atomic_neurons[AtomicNeuronOnDLS(5)].leak.v_leak) == 700
    leak = nb.atomic_neurons[5].leak
    leak.i_bias = 12
    assert int(nb.atomic_neurons[5].leak.i_bias) == 12
    nb.atomic_neurons[5].threshold.enable = True
    assert view.threshold.enable is True  # an older view sees later writes
    assert diff(nb, NeuronBlock())[cell_address(neuron_cell(5, V_LEAK_ROW))] == 700
    # a copy of a view is independent
    alone = view.copy()
    alone.leak.v_leak = 1
    assert int(view.leak.v_leak) == 700 and type(alone) is AtomicNeuron


def test_atomic_neuron_assignment_copies() -> None:
    nb = NeuronBlock()
    n = AtomicNeuron()
    n.leak.v_leak = 600
    nb.atomic_neurons[7] = n
    n.leak.v_leak = 1
    assert int(nb.atomic_neurons[7].leak.v_leak) == 600
    nb.atomic_neurons[8] = nb.atomic_neurons[7]  # a view of the same block: copied
    nb.atomic_neurons[7].leak.v_leak = 2
    assert int(nb.atomic_neurons[8].leak.v_leak) == 600
    nb.atomic_neurons[9] = {"leak": {"v_leak": 3}}
    assert int(nb.atomic_neurons[9].leak.v_leak) == 3
    other = NeuronBlock()
    other.atomic_neurons = nb.atomic_neurons  # whole-array assignment copies the table
    nb.atomic_neurons[7].leak.v_leak = 4
    assert int(other.atomic_neurons[7].leak.v_leak) == 2
    listed = NeuronBlock(atomic_neurons=[AtomicNeuron()] * 511 + [n])
    assert listed.atomic_neurons[511] == n and listed.atomic_neurons[0] == AtomicNeuron()
    with pytest.raises(TypeError):
        nb.atomic_neurons[0] = 5
    with pytest.raises(TypeError):
        nb.atomic_neurons = 5
    with pytest.raises(ValueError):
        nb.atomic_neurons = [AtomicNeuron()] * 511
    with pytest.raises(TypeError):
        nb.atomic_neurons.to_numpy()


def test_atomic_neuron_fill_iteration_and_equality() -> None:
    nb = NeuronBlock()
    n = AtomicNeuron()
    n.leak.v_leak = 555
    n.threshold.enable = True
    nb.atomic_neurons.fill(n)
    assert all(x == n for x in nb.atomic_neurons)
    n.leak.v_leak = 1  # fill copied the values
    assert int(nb.atomic_neurons[511].leak.v_leak) == 555
    nb.atomic_neurons.fill({"leak": {"v_leak": 9}})
    assert {int(x.leak.v_leak) for x in nb.atomic_neurons} == {9}
    with pytest.raises(TypeError):
        nb.atomic_neurons.fill(3)
    views = list(nb.atomic_neurons)
    assert len(views) == len(nb.atomic_neurons) == 512
    views[300].leak.v_leak = 301  # iterated entries are live views too
    assert int(nb.atomic_neurons[300].leak.v_leak) == 301
    assert [int(v.leak.v_leak) for v in views].count(9) == 511
    same = NeuronBlock()
    same.atomic_neurons.fill({"leak": {"v_leak": 9}})
    assert same != nb
    same.atomic_neurons[300].leak.v_leak = 301
    assert same == nb and same.atomic_neurons == nb.atomic_neurons
    same.atomic_neurons[0].reset.v_reset = 3
    assert same != nb and same.atomic_neurons != nb.atomic_neurons


def test_neuron_block_pickle_json_and_copy_keep_neurons() -> None:
    nb = NeuronBlock()
    for e in (0, 255, 256, 511):
        nb.atomic_neurons[e].leak.v_leak = 100 + e
        nb.atomic_neurons[e].event_routing.address = e % 256
    nb.i_bias_readout_amp[1] = 1023
    nb.backends[1].clock_scale_fast = 3
    for back in (
        pickle.loads(pickle.dumps(nb)),
        NeuronBlock(**json.loads(json.dumps(nb.to_dict()))),
        nb.copy(),
        NeuronBlock.from_container_list(nb.to_container_list()),
        NeuronBlock.from_container_list(
            ContainerList.from_binary(nb.to_container_list().to_binary())
        ),
    ):
        assert back == nb
        assert [int(back.atomic_neurons[e].leak.v_leak) for e in (0, 255, 256, 511)] == [
            100,
            355,
            356,
            611,
        ]
        assert isinstance(back.i_bias_readout_amp[1], CapMemCell.DisableRefresh)
    copy = nb.copy()
    copy.atomic_neurons[0].leak.v_leak = 1
    assert int(nb.atomic_neurons[0].leak.v_leak) == 100


# -- 8. synapse driver blocks, CapMem, external PPU memory ---------------------------------------
STP_CELLS = (
    "stp_v_charge_0",
    "stp_v_charge_1",
    "stp_v_recover_0",
    "stp_v_recover_1",
    "stp_i_bias_comparator",
    "stp_i_ramp",
    "stp_i_calib",
)


@pytest.mark.parametrize("e", [0, 1])
@pytest.mark.parametrize("b", [0, 1])
@pytest.mark.parametrize("name", STP_CELLS)
def test_driver_block_stp_values_land_in_their_cells(name: str, b: int, e: int) -> None:
    coord = halco.SynapseDriverBlockOnDLS(e)
    block = SynapseDriverBlock()
    getattr(block, name)[CapMemBlockOnHemisphere(b)] = 400
    cell = CapMemCellOnDLS(
        getattr(CapMemCellOnCapMemBlock, name),
        CapMemBlockOnDLS(CapMemBlockOnHemisphere(b), HemisphereOnDLS(e)),
    )
    assert diff(block, SynapseDriverBlock(), coord) == {cell_address(cell): 400}
    back = SynapseDriverBlock.decode_array(block.encode_array(coord), coord)
    assert back == block
    assert SynapseDriverBlock.from_container_list([(cell, CapMemCell(value=400))], coord) == block


@pytest.mark.parametrize(
    ("e", "name", "cell"),
    [
        (0, "stp_i_bias_readout", static_cell("stp_ibias_readout_top")),
        (1, "stp_i_bias_readout", static_cell("stp_ibias_readout_bottom")),
        (0, "hagen_i_bias_dac", static_cell("hagen_ibias_dac_top")),
        (1, "hagen_i_bias_dac", static_cell("hagen_ibias_dac_bottom")),
    ],
)
def test_driver_block_single_cells(e: int, name: str, cell: CapMemCellOnDLS) -> None:
    coord = halco.SynapseDriverBlockOnDLS(e)
    block = SynapseDriverBlock()
    assert int(getattr(block, name)) == 0
    setattr(block, name, 1023)
    assert isinstance(getattr(block, name), CapMemCell.DisableRefresh)
    assert diff(block, SynapseDriverBlock(), coord) == {cell_address(cell): 1023}
    assert SynapseDriverBlock.decode_array(block.encode_array(coord), coord) == block


def test_driver_blocks_of_both_hemispheres_are_disjoint() -> None:
    top = set(ints(SynapseDriverBlock.address_array(halco.SynapseDriverBlockOnDLS(0))))
    bottom = set(ints(SynapseDriverBlock.address_array(halco.SynapseDriverBlockOnDLS(1))))
    assert len(top) == len(bottom) == 402 and not top & bottom
    assert cell_address(static_cell("stp_ibias_readout_top")) in top
    assert cell_address(static_cell("stp_ibias_readout_bottom")) in bottom


@pytest.mark.parametrize("i", [0, 1, 44, 45, 89])
def test_capmem_unused_cells(i: int) -> None:
    capmem = CapMem()
    assert ints(capmem.unused_cells) == [0] * UnusedCapMemCellOnDLS.size == [0] * 90
    capmem.unused_cells[UnusedCapMemCellOnDLS(i)] = 500
    cell = UnusedCapMemCellOnDLS(i).toCapMemCellOnDLS()
    assert diff(capmem, CapMem()) == {cell_address(cell): 500}
    assert CapMem.from_container_list([(cell, CapMemCell(value=500))]) == capmem
    assert CapMem.decode_array(capmem.encode_array()) == capmem


def test_capmem_unused_cells_are_the_last_words() -> None:
    addresses = ints(CapMem.address_array())
    assert addresses[-90:] == [
        cell_address(UnusedCapMemCellOnDLS(i).toCapMemCellOnDLS()) for i in range(90)
    ]


def test_external_ppu_memory_bytes_and_words() -> None:
    n = ExternalPPUMemoryQuadOnFPGA.size
    mem = ExternalPPUMemory()
    assert mem.bytes.shape == (4 * n,) == (131_072,) and mem.bytes.dtype == np.uint8
    rng = np.random.default_rng(11)
    data = rng.integers(0, 256, 4 * n, dtype=np.uint8)
    mem.bytes = data
    words = mem.encode_array()
    assert words.dtype == np.uint32 and words.shape == (n,)
    for q in (0, 1, 3086, n - 1):
        quad = ExternalPPUMemoryQuad(quad=[int(b) for b in data[4 * q : 4 * q + 4]])
        assert [int(words[q])] == quad.encode_words()
        assert int(words[q]) == int.from_bytes(bytes(data[4 * q : 4 * q + 4]), "big")
    assert ints(ExternalPPUMemory.address_array()[[0, n - 1]]) == [
        int(ExternalPPUMemoryQuad.addresses(ExternalPPUMemoryQuadOnFPGA(q))[0]) for q in (0, n - 1)
    ]
    back = ExternalPPUMemory.decode_array(words)
    assert back == mem and back.bytes.dtype == np.uint8
    only = ExternalPPUMemory()
    only.bytes[4 * 7 + 2] = 0x5A
    assert list(only.encode_array()[7:8]) == [0x5A << 8]
    assert diff(only, ExternalPPUMemory()) == {
        int(ExternalPPUMemoryQuad.addresses(ExternalPPUMemoryQuadOnFPGA(7))[0]): 0x5A00
    }


def test_container_lists_write_only_enabled_bytes() -> None:
    """A byte leaf sets its lane; a quad with enables off leaves those bytes as they were."""
    mem = ExternalPPUMemory()
    mem.bytes[0:8] = [1, 2, 3, 4, 5, 6, 7, 8]
    listing = mem.to_container_list()
    listing.append(halco.ExternalPPUMemoryByteOnFPGA(2), haldls.ExternalPPUMemoryByte(value=0xCC))
    listing.append(
        ExternalPPUMemoryQuadOnFPGA(1),
        ExternalPPUMemoryQuad(quad=[9, 9, 9, 9], enables=[False, True, False, True]),
    )
    for stored in (listing, ContainerList.from_binary(listing.to_binary())):
        back = ExternalPPUMemory.from_container_list(stored)
        assert back.bytes[0:8].tolist() == [1, 2, 0xCC, 4, 5, 9, 7, 9]
        assert (back.bytes[8:] == 0).all()
    assert list(mem.to_container_list().values[1][1].enables) == [True] * 4


GENERIC = Container.encode_columns.__func__  # type: ignore[attr-defined]


@settings(max_examples=30)
@given(n=st.integers(0, 20), seed=st.integers(0, 2**32 - 1))
def test_external_quad_fast_path_equals_generic(n: int, seed: int) -> None:
    quads = np.random.default_rng(seed).integers(0, 256, (n, 4), dtype=np.uint8)
    fast = ExternalPPUMemoryQuad.encode_columns({"quad": quads}, n=n)
    generic = GENERIC(ExternalPPUMemoryQuad, {"quad": quads}, n)
    assert fast.dtype == generic.dtype == np.uint64  # 36-bit words: bits 32-35 byte enables
    assert fast.shape == generic.shape == (n, 1)
    assert fast.tolist() == generic.tolist()
    assert fast.tolist() == [ExternalPPUMemoryQuad(quad=q.tolist()).encode_words() for q in quads]
    strided = np.asfortranarray(quads)  # not C-contiguous: still right
    assert ExternalPPUMemoryQuad.encode_columns({"quad": strided}, n=n).tolist() == fast.tolist()
    if n > 1:
        assert (
            ExternalPPUMemoryQuad.encode_columns({"quad": quads[::-1]}).tolist()
            == (fast.tolist()[::-1])
        )


def test_external_quad_other_inputs_fall_back() -> None:
    quads = np.array([[1, 2, 3, 4], [255, 0, 128, 7]])
    expected = [[0x0102_0304], [0xFF00_8007]]
    for dtype in (np.int64, np.uint16, np.int32):
        assert ExternalPPUMemoryQuad.encode_columns({"quad": quads.astype(dtype)}).tolist() == (
            expected
        )
    assert ExternalPPUMemoryQuad.encode_columns({}, n=2).tolist() == [[0], [0]]
    one = np.array([1, 2, 3, 4], np.uint8)  # one container's value broadcasts
    assert ExternalPPUMemoryQuad.encode_columns({"quad": one}, n=2).tolist() == [[0x0102_0304]] * 2
    with pytest.raises(ValueError, match="quad"):  # CoordinateRangeError
        ExternalPPUMemoryQuad.encode_columns({"quad": np.array([[0, 0, 0, 256]])})
    with pytest.raises(ValueError, match="quad"):
        ExternalPPUMemoryQuad.encode_columns({"quad": np.array([[0, -1, 0, 0]])})
    with pytest.raises(ValueError, match="shape"):
        ExternalPPUMemoryQuad.encode_columns({"quad": np.zeros((2, 3), np.uint8)})
    with pytest.raises(ValueError, match="shape"):
        ExternalPPUMemoryQuad.encode_columns({"quad": np.zeros((2, 4, 1), np.uint8)})
    with pytest.raises(TypeError, match="no fields"):
        ExternalPPUMemoryQuad.encode_columns({"quad": np.zeros((2, 4), np.uint8), "x": [1, 2]})


def test_external_quad_fast_path_checks_n() -> None:
    quads = np.zeros((3, 4), np.uint8)
    with pytest.raises(ValueError, match="shape"):
        GENERIC(ExternalPPUMemoryQuad, {"quad": quads}, 5)
    with pytest.raises(ValueError, match="shape"):
        ExternalPPUMemoryQuad.encode_columns({"quad": quads}, n=5)
    assert ExternalPPUMemoryQuad.encode_columns({"quad": quads}, n=3).tolist() == [[0]] * 3


def test_external_memory_rejects_bad_bytes() -> None:
    mem = ExternalPPUMemory()
    with pytest.raises(ValueError):
        mem.bytes = np.full(4 * ExternalPPUMemoryQuadOnFPGA.size, 256)
    with pytest.raises(ValueError):
        mem.bytes = np.zeros(10, np.uint8)
    with pytest.raises(TypeError):
        mem.bytes = np.zeros(4 * ExternalPPUMemoryQuadOnFPGA.size, float)
    with pytest.raises(ContainerDecodeError):
        ExternalPPUMemory.decode_array(np.zeros(5, np.uint32))
    assert mem == ExternalPPUMemory()


def test_neuron_block_field_columns_match_the_views() -> None:
    rng = np.random.default_rng(4)
    block, by_view = haldls.lola.NeuronBlock(), haldls.lola.NeuronBlock()
    neurons = rng.choice(512, 40, replace=False)
    leak = rng.integers(0, 1023, 40)
    block.atomic_neurons.set_field("leak.v_leak", leak, neurons)
    block.atomic_neurons.set_field("threshold.enable", np.ones(40, bool), neurons)
    block.atomic_neurons.set_field("event_routing.analog_output", 1)
    for n, v in zip(neurons, leak, strict=True):
        view = by_view.atomic_neurons[halco.AtomicNeuronOnDLS(int(n))]
        view.leak.v_leak = int(v)
        view.threshold.enable = True
    for view in by_view.atomic_neurons:
        view.event_routing.analog_output = (
            haldls.lola.AtomicNeuron.EventRouting.AnalogOutputMode.normal
        )
    assert block == by_view
    assert np.array_equal(block.atomic_neurons.get_field("leak.v_leak")[neurons], leak)
    with pytest.raises(
        ValueError, match=r"refractory_period.refractory_time must be in \[0, 255\]"
    ):
        block.atomic_neurons.set_field("refractory_period.refractory_time", 256)
    with pytest.raises(ValueError, match="takes integers"):
        block.atomic_neurons.set_field("leak.v_leak", 1.5)
    with pytest.raises(KeyError, match="no AtomicNeuron field"):
        block.atomic_neurons.get_field("leak.speed")
