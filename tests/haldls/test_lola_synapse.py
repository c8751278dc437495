"""lola synapse views, column switch rows, CorrelationResetRow and SynapseBlock.

Expected names, visit orders and defaults are written out by hand from the reference (§3.2) and
the upstream lola headers; expected words and addresses come from the haldls leaf containers,
built entry by entry from halco's column-to-quad mapping, never from the code under test.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import halco
import haldls
from halco import (
    CapMemBlockOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    CapMemColumnOnCapMemBlock,
    CapMemRowOnCapMemBlock,
    SynapseOnSynapseRow,
    SynapseQuadColumnOnDLS,
    SynapseQuadOnSynram,
    SynapseRowOnSynram,
    SynramOnDLS,
)
from halco.errors import CoordinateRangeError, CoordinateTypeError
from haldls import (
    CapMemCell,
    ColumnCorrelationQuad,
    ColumnCurrentQuad,
    CorrelationReset,
    SynapseCorrelationCalibQuad,
    SynapseLabelQuad,
    SynapseQuad,
    SynapseWeightQuad,
)
from haldls.errors import ContainerDecodeError
from haldls.lola import (
    ColumnCorrelationRow,
    ColumnCurrentRow,
    CorrelationResetRow,
    SynapseBlock,
    SynapseCorrelationCalibMatrix,
    SynapseCorrelationCalibRow,
    SynapseLabelMatrix,
    SynapseLabelRow,
    SynapseMatrix,
    SynapseWeightMatrix,
    SynapseWeightRow,
)

QUAD_COLUMNS = 64


# -- the reference tables, by hand ---------------------------------------------------------------
class View:
    """One single-purpose synapse view: its fields (name -> max value) and its leaf."""

    def __init__(
        self,
        cls: Any,
        coord: Any,
        leaf: Any,
        leaf_coord: Any,
        fields: dict[str, int],
        matrix: bool,
    ) -> None:
        self.cls, self.coord, self.leaf, self.leaf_coord = cls, coord, leaf, leaf_coord
        self.fields, self.matrix = fields, matrix
        self.shape = (256, 256) if matrix else (256,)
        self.words = leaf.words

    def __repr__(self) -> str:
        return self.cls.__name__


CALIBS = {"time_calibs": 3, "amp_calibs": 3}
VIEWS = [
    View(
        SynapseWeightMatrix,
        halco.SynapseWeightMatrixOnDLS,
        SynapseWeightQuad,
        halco.SynapseWeightQuadOnDLS,
        {"values": 63},
        True,
    ),
    View(
        SynapseLabelMatrix,
        halco.SynapseLabelMatrixOnDLS,
        SynapseLabelQuad,
        halco.SynapseLabelQuadOnDLS,
        {"values": 63},
        True,
    ),
    View(
        SynapseCorrelationCalibMatrix,
        halco.SynapseCorrelationCalibMatrixOnDLS,
        SynapseCorrelationCalibQuad,
        halco.SynapseCorrelationCalibQuadOnDLS,
        CALIBS,
        True,
    ),
    View(
        SynapseWeightRow,
        halco.SynapseWeightRowOnDLS,
        SynapseWeightQuad,
        halco.SynapseWeightQuadOnDLS,
        {"values": 63},
        False,
    ),
    View(
        SynapseLabelRow,
        halco.SynapseLabelRowOnDLS,
        SynapseLabelQuad,
        halco.SynapseLabelQuadOnDLS,
        {"values": 63},
        False,
    ),
    View(
        SynapseCorrelationCalibRow,
        halco.SynapseCorrelationCalibRowOnDLS,
        SynapseCorrelationCalibQuad,
        halco.SynapseCorrelationCalibQuadOnDLS,
        CALIBS,
        False,
    ),
]
MATRICES = [v for v in VIEWS if v.matrix]
ROWS = [v for v in VIEWS if not v.matrix]

#: (row class, coordinate, leaf, leaf coordinate, quad-on-synram, switch members), by hand.
SWITCH_ROWS = [
    (
        ColumnCorrelationRow,
        halco.ColumnCorrelationRowOnDLS,
        ColumnCorrelationQuad,
        halco.ColumnCorrelationQuadOnDLS,
        halco.ColumnCorrelationQuadOnSynram,
        (
            "enable_internal_causal",
            "enable_internal_acausal",
            "enable_debug_causal",
            "enable_debug_acausal",
            "enable_cadc_neuron_readout_causal",
            "enable_cadc_neuron_readout_acausal",
        ),
    ),
    (
        ColumnCurrentRow,
        halco.ColumnCurrentRowOnDLS,
        ColumnCurrentQuad,
        halco.ColumnCurrentQuadOnDLS,
        halco.ColumnCurrentQuadOnSynram,
        (
            "enable_synaptic_current_excitatory",
            "enable_synaptic_current_inhibitory",
            "enable_debug_excitatory",
            "enable_debug_inhibitory",
        ),
    ),
]
SWITCH_IDS = ["ColumnCorrelationRow", "ColumnCurrentRow"]

#: SynapseBlock's DAC bias cell: column 128, row 8 of each CapMem block (reference §1.6).
SYN_I_BIAS_DAC = (128, 8)


# -- helpers -------------------------------------------------------------------------------------
def ints(values: Any) -> list[int]:
    return [int(v) for v in values]


def quad_of(col: int) -> tuple[int, int]:
    """Halco's (quad column, entry) of synapse column ``col``."""
    s = SynapseOnSynapseRow(col)
    return int(s.toSynapseQuadColumnOnDLS()), int(s.toEntryOnQuad())


def view_coord(view: View, synram: int, row: int) -> Any:
    """The aggregate's coordinate: a synram for a matrix, a row (enum 256 * synram + row)."""
    return view.coord(synram) if view.matrix else view.coord(256 * synram + row)


def leaf_coord(leaf_type: Any, synram: int, row: int, q: int) -> Any:
    return leaf_type(
        SynapseQuadOnSynram(SynapseQuadColumnOnDLS(q), SynapseRowOnSynram(row)), SynramOnDLS(synram)
    )


def quad_index(view: View, row: int, q: int) -> int:
    """Position of the quad (row, q) in the view's visit order."""
    return (row if view.matrix else 0) * QUAD_COLUMNS + q


def expected_row_words(view: View, fields: dict[str, npt.NDArray[Any]]) -> list[int]:
    """The words of one row (1-d arrays), built quad by quad from the leaf container."""
    quads = [view.leaf() for _ in range(QUAD_COLUMNS)]
    for col in range(256):
        q, e = quad_of(col)
        for name, values in fields.items():
            getattr(quads[q], name)[e] = int(values[col])
    return [w for quad in quads for w in quad.encode_words()]


def random_fields(view: View, seed: int) -> dict[str, npt.NDArray[Any]]:
    rng = np.random.default_rng(seed)
    return {n: rng.integers(0, m + 1, view.shape, dtype=np.uint8) for n, m in view.fields.items()}


def changed_in(leaf: Any) -> list[int]:
    """Indices of the leaf's non-zero words."""
    return [i for i, w in enumerate(leaf.encode_words()) if w]


def bias_cell(synapse_block: int, block_on_hemisphere: int) -> CapMemCellOnDLS:
    column, row = SYN_I_BIAS_DAC
    return CapMemCellOnDLS(
        CapMemCellOnCapMemBlock(CapMemColumnOnCapMemBlock(column), CapMemRowOnCapMemBlock(row)),
        CapMemBlockOnDLS(2 * synapse_block + block_on_hemisphere),
    )


# -- 1. names, types and the registry ------------------------------------------------------------
def test_field_names_and_value_types() -> None:
    for v in VIEWS:
        assert v.cls.field_names() == tuple(v.fields), v
        assert v.cls.coordinate_type is v.coord
        for name, top in v.fields.items():
            assert getattr(v.cls(), name).shape == v.shape
            assert getattr(v.cls, name).typ.max == top
    assert SynapseWeightMatrix.Value is SynapseWeightRow.Value is SynapseWeightQuad.Value
    assert SynapseLabelMatrix.Value is SynapseLabelRow.Value is SynapseLabelQuad.Value
    assert SynapseCorrelationCalibMatrix.TimeCalib is SynapseCorrelationCalibQuad.TimeCalib
    assert SynapseCorrelationCalibRow.AmpCalib is SynapseCorrelationCalibQuad.AmpCalib
    assert ColumnCorrelationRow.Value is ColumnCorrelationQuad.ColumnCorrelationSwitch
    assert ColumnCurrentRow.Value is ColumnCurrentQuad.ColumnCurrentSwitch
    for cls, _, _, _, _, members in SWITCH_ROWS:
        assert cls.field_names() == ("values",)
        assert cls.Value.field_names() == members
        assert len(cls().values) == 256
    assert CorrelationResetRow.field_names() == ()
    assert SynapseBlock.field_names() == ("matrix", "i_bias_dac")
    assert SynapseBlock.Matrix is SynapseMatrix


def test_registry() -> None:
    expected = {
        "SynapseWeightMatrix": halco.SynapseWeightMatrixOnDLS,
        "SynapseLabelMatrix": halco.SynapseLabelMatrixOnDLS,
        "SynapseCorrelationCalibMatrix": halco.SynapseCorrelationCalibMatrixOnDLS,
        "SynapseWeightRow": halco.SynapseWeightRowOnDLS,
        "SynapseLabelRow": halco.SynapseLabelRowOnDLS,
        "SynapseCorrelationCalibRow": halco.SynapseCorrelationCalibRowOnDLS,
        "CorrelationResetRow": halco.CorrelationResetRowOnDLS,
        "ColumnCorrelationRow": halco.ColumnCorrelationRowOnDLS,
        "ColumnCurrentRow": halco.ColumnCurrentRowOnDLS,
        "SynapseBlock": halco.SynapseBlockOnDLS,
    }
    for name, coordinate_type in expected.items():
        cls = haldls.lola.containers[name]
        assert cls.__name__ == name and cls.coordinate_type is coordinate_type
        assert name in haldls.lola.__all__ and getattr(haldls.lola, name) is cls


# -- 2. single-purpose views: mapping, addresses, round trips ------------------------------------
@pytest.mark.parametrize("view", VIEWS, ids=repr)
@pytest.mark.parametrize("synram", [0, 1])
@pytest.mark.parametrize(("row", "col"), [(0, 0), (0, 2), (0, 5), (17, 128), (100, 63), (255, 255)])
def test_entry_lands_in_halcos_quad(view: View, synram: int, row: int, col: int) -> None:
    coord = view_coord(view, synram, row)
    q, e = quad_of(col)
    k = quad_index(view, row, q)
    n = view.words
    for name, top in view.fields.items():
        agg = view.cls()
        base = agg.encode_array(coord)
        assert not base.any()
        index = (row, col) if view.matrix else (col,)
        getattr(agg, name)[index] = top
        words = agg.encode_array(coord)
        expected = view.leaf()
        getattr(expected, name)[e] = top
        changed = np.flatnonzero(words != base).tolist()
        assert changed == [n * k + i for i in changed_in(expected)]
        assert ints(words[n * k : n * (k + 1)]) == expected.encode_words()
        leaf = leaf_coord(view.leaf_coord, synram, row, q)
        assert ints(view.cls.address_array(coord)[n * k : n * (k + 1)]) == ints(
            view.leaf.addresses(leaf)
        )
        # differential write: exactly the words of that quad that differ
        addresses, diff = agg.encode_write_arrays(coord, reference=view.cls())
        assert ints(addresses) == [int(view.leaf.addresses(leaf)[i]) for i in changed_in(expected)]
        assert ints(diff) == [w for w in expected.encode_words() if w]


@pytest.mark.parametrize("view", VIEWS, ids=repr)
def test_view_addresses_are_the_leaves(view: View) -> None:
    for synram in (0, 1):
        coord = view_coord(view, synram, 7)
        addresses = view.cls.address_array(coord)
        rows = range(256) if view.matrix else [7]
        expected = [
            int(a)
            for row in rows
            for q in range(QUAD_COLUMNS)
            for a in view.leaf.addresses(leaf_coord(view.leaf_coord, synram, row, q))
        ]
        assert ints(addresses) == expected
        assert len(set(expected)) == len(expected)


def test_views_do_not_overlap_and_rows_slice_matrices() -> None:
    by_leaf = {}
    for v in MATRICES:
        by_leaf[v.leaf] = set(ints(v.cls.address_array(v.coord(1))))
        assert not by_leaf[v.leaf] & set(ints(v.cls.address_array(v.coord(0))))
    leaves = list(by_leaf.values())
    assert all(not a & b for i, a in enumerate(leaves) for b in leaves[i + 1 :])
    assert not leaves[0] & set(ints(SynapseMatrix.address_array(SynramOnDLS(1))))
    for matrix, row in zip(MATRICES, ROWS, strict=True):
        n = matrix.words * QUAD_COLUMNS
        full = matrix.cls.address_array(matrix.coord(1))
        assert ints(row.cls.address_array(row.coord(256 + 9))) == ints(full[9 * n : 10 * n])


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1), synram=st.integers(0, 1), row=st.integers(0, 255))
@pytest.mark.parametrize("view", VIEWS, ids=repr)
def test_view_round_trip(view: View, seed: int, synram: int, row: int) -> None:
    coord = view_coord(view, synram, row)
    fields = random_fields(view, seed)
    agg = view.cls(**fields)
    words = agg.encode_array(coord)
    rows = 256 if view.matrix else 1
    assert words.dtype == np.uint32 and words.shape == (rows * QUAD_COLUMNS * view.words,)
    back = view.cls.decode_array(words, coord)
    assert back == agg
    for name, values in fields.items():
        assert np.array_equal(getattr(back, name), values), name
    # one row checked against quads built entry by entry from halco's mapping
    r = row if view.matrix else 0
    one_row = {name: values[row] if view.matrix else values for name, values in fields.items()}
    size = QUAD_COLUMNS * view.words
    assert words[r * size : (r + 1) * size].tolist() == expected_row_words(view, one_row)


#: The SynapseMatrix field each view field is a part of.
FULL_FIELD = {"values": {SynapseWeightQuad: "weights", SynapseLabelQuad: "labels"}}


@pytest.mark.parametrize("view", MATRICES, ids=repr)
def test_single_field_matrix_is_a_part_of_the_synapse_matrix(view: View) -> None:
    fields = random_fields(view, 3)
    names = {n: FULL_FIELD.get(n, {}).get(view.leaf, n) for n in fields}
    full = SynapseMatrix(**{names[n]: v for n, v in fields.items()})
    full_quads = full.encode_array(SynramOnDLS(0)).reshape(-1, 2)
    mine = view.cls(**fields).encode_array(view.coord(0)).reshape(-1, view.words)
    for k in (0, 1, 4095, 16383):
        quad = SynapseQuad.decode(full_quads[k].tolist())
        expected = view.leaf(**{n: list(getattr(quad, names[n])) for n in fields})
        assert ints(mine[k]) == expected.encode_words()


@pytest.mark.parametrize("view", VIEWS, ids=repr)
def test_view_copy_and_pickle(view: View) -> None:
    agg = view.cls(**random_fields(view, 1))
    assert pickle.loads(pickle.dumps(agg)) == agg
    c = agg.copy()
    assert c == agg
    name, top = next(iter(view.fields.items()))
    index = (0, 0) if view.matrix else (0,)
    getattr(c, name)[index] = (int(getattr(agg, name)[index]) + 1) % (top + 1)
    assert c != agg


@pytest.mark.parametrize("view", VIEWS, ids=repr)
def test_view_bad_values(view: View) -> None:
    agg = view.cls()
    coord = view_coord(view, 0, 0)
    for name, top in view.fields.items():
        for bad in (top + 1, -1):
            with pytest.raises(CoordinateRangeError, match=f"{view.cls.__name__}.{name}"):
                setattr(agg, name, np.full(view.shape, bad))
        with pytest.raises(ValueError, match="shape"):
            setattr(agg, name, np.zeros((255,), np.uint8))
        with pytest.raises(TypeError):
            setattr(agg, name, np.zeros(view.shape))  # floats
    assert agg == view.cls()  # the failed assignments changed nothing
    name, top = next(iter(view.fields.items()))
    index = (3, 200) if view.matrix else (200,)
    getattr(agg, name)[index] = top + 1  # numpy's in-place edit is checked on encode
    with pytest.raises(CoordinateRangeError, match=rf"{name}.*{top + 1} at index \({index[0]}"):
        agg.encode_array(coord)
    with pytest.raises(CoordinateRangeError, match=name):
        agg.encode_write_arrays(coord, reference=view.cls())
    with pytest.raises(ContainerDecodeError):
        view.cls.decode_array(np.zeros(100, np.uint32), coord)
    with pytest.raises(CoordinateTypeError):
        view.cls.address_array(SynramOnDLS(0) if not view.matrix else halco.SynapseRowOnDLS(0))


@pytest.mark.parametrize("view", VIEWS, ids=repr)
def test_view_differential_write(view: View) -> None:
    coord = view_coord(view, 1, 42)
    reference = view.cls(**random_fields(view, 5))
    agg = reference.copy()
    # two synapses in different quads (and rows, for a matrix); values changed by one
    spots = [(42, 3), (200, 251)] if view.matrix else [(42, 3), (42, 251)]
    name, top = next(iter(view.fields.items()))
    expected: dict[int, int] = {}
    n = view.words
    addresses = view.cls.address_array(coord)
    for row, col in spots:
        index = (row, col) if view.matrix else (col,)
        getattr(agg, name)[index] = (int(getattr(agg, name)[index]) + 1) % (top + 1)
    words = agg.encode_array(coord)
    before = reference.encode_array(coord)
    for row, col in spots:
        k = quad_index(view, row, quad_of(col)[0])
        for i in range(n):
            if words[n * k + i] != before[n * k + i]:
                expected[int(addresses[n * k + i])] = int(words[n * k + i])
    a, w = agg.encode_write_arrays(coord, reference=reference)
    assert len(a) == len(spots)  # one word per changed synapse, in two different quads
    assert dict(zip(ints(a), ints(w), strict=True)) == expected
    a, w = agg.encode_write_arrays(coord, reference=agg.copy())
    assert a.size == w.size == 0


# -- 3. column switch rows -----------------------------------------------------------------------
@pytest.mark.parametrize("spec", SWITCH_ROWS, ids=SWITCH_IDS)
@pytest.mark.parametrize("synram", [0, 1])
@pytest.mark.parametrize("col", [0, 1, 5, 64, 128, 255])
def test_switch_lands_in_halcos_quad(spec: Any, synram: int, col: int) -> None:
    cls, coord_type, leaf, leaf_type, quad_type, members = spec
    coord = coord_type(synram)
    q, e = quad_of(col)
    n = leaf.words
    leaf_coordinate = leaf_type(quad_type(q), SynramOnDLS(synram))
    assert ints(cls.address_array(coord)[n * q : n * (q + 1)]) == ints(
        leaf.addresses(leaf_coordinate)
    )
    for member in members:
        row = cls()
        setattr(row.values[col], member, True)
        words = row.encode_array(coord)
        expected = leaf()
        setattr(expected.switches[e], member, True)
        assert ints(words[n * q : n * (q + 1)]) == expected.encode_words()
        others = np.delete(words, np.arange(n * q, n * (q + 1)))
        assert ints(others) == ints(cls().encode_array(coord))[: len(others)]
        a, w = row.encode_write_arrays(coord, reference=cls())
        changed = changed_in(expected)
        assert ints(a) == [int(leaf.addresses(leaf_coordinate)[i]) for i in changed]
        assert ints(w) == [expected.encode_words()[i] for i in changed]


@pytest.mark.parametrize("spec", SWITCH_ROWS, ids=SWITCH_IDS)
def test_switch_row_addresses_are_the_leaves(spec: Any) -> None:
    cls, coord_type, leaf, leaf_type, quad_type, _ = spec
    top, bottom = (ints(cls.address_array(coord_type(s))) for s in (0, 1))
    for synram, addresses in ((0, top), (1, bottom)):
        expected = [
            int(a)
            for q in range(QUAD_COLUMNS)
            for a in leaf.addresses(leaf_type(quad_type(q), SynramOnDLS(synram)))
        ]
        assert addresses == expected
        assert len(set(addresses)) == len(addresses) == QUAD_COLUMNS * leaf.words
    assert not set(top) & set(bottom)


def random_switches(members: tuple[str, ...], seed: int, p: float) -> list[dict[str, bool]]:
    """256 switch entries, each member set with probability ``p`` (seeded)."""
    bits = np.random.default_rng(seed).random((256, len(members))) < p
    return [dict(zip(members, map(bool, entry), strict=True)) for entry in bits]


@settings(max_examples=10)
@given(
    seed=st.integers(0, 2**32 - 1),
    p=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    synram=st.integers(0, 1),
)
@pytest.mark.parametrize("spec", SWITCH_ROWS, ids=SWITCH_IDS)
def test_switch_row_round_trip(spec: Any, seed: int, p: float, synram: int) -> None:
    cls, coord_type, leaf, _, _, members = spec
    entries = random_switches(members, seed, p)
    row = cls(values=entries)
    coord = coord_type(synram)
    words = row.encode_array(coord)
    back = cls.decode_array(words, coord)
    assert back == row
    assert [s.to_dict() for s in back.values] == entries
    # quad by quad against the leaf, entries placed by halco's mapping
    quads = [leaf() for _ in range(QUAD_COLUMNS)]
    for col, entry in enumerate(entries):
        q, e = quad_of(col)
        quads[q].switches[e] = entry
    assert ints(words) == [w for quad in quads for w in quad.encode_words()]


@pytest.mark.parametrize("spec", SWITCH_ROWS, ids=SWITCH_IDS)
def test_switch_row_copy_pickle_and_bad_values(spec: Any) -> None:
    cls, coord_type, _, _, _, members = spec
    row = cls()
    setattr(row.values[SynapseOnSynapseRow(77)], members[0], True)
    assert pickle.loads(pickle.dumps(row)) == row
    c = row.copy()
    assert c == row
    setattr(c.values[77], members[-1], True)
    assert c != row and not getattr(row.values[77], members[-1])
    switch = cls.Value(**{members[1]: True})
    row.values[3] = switch
    setattr(switch, members[1], False)  # the row holds a copy
    assert getattr(row.values[3], members[1])
    with pytest.raises(TypeError, match=members[0]):
        setattr(row.values[0], members[0], 2)
    with pytest.raises(TypeError, match="values"):
        row.values[0] = 5
    with pytest.raises(ValueError, match="256"):
        row.values = [cls.Value()] * 255
    with pytest.raises(ContainerDecodeError):
        cls.decode_array(np.zeros(10, np.uint32), coord_type(0))
    words = row.encode_array(coord_type(0))
    words[0] |= 1 << 4  # bit 4 of entry 3's byte: no switch of either quad type
    with pytest.raises(ContainerDecodeError):
        cls.decode_array(words, coord_type(0))
    with pytest.raises(CoordinateTypeError):
        cls.address_array(SynramOnDLS(0))


# -- 4. CorrelationResetRow ----------------------------------------------------------------------
@pytest.mark.parametrize("e", [0, 17, 255, 256, 511])
def test_correlation_reset_row(e: int) -> None:
    coord = halco.CorrelationResetRowOnDLS(e)
    synram, row = divmod(e, 256)
    addresses = CorrelationResetRow.address_array(coord)
    expected = [
        int(a)
        for q in range(QUAD_COLUMNS)
        for a in CorrelationReset.addresses(leaf_coord(halco.CorrelationResetOnDLS, synram, row, q))
    ]
    assert ints(addresses) == expected and len(set(expected)) == QUAD_COLUMNS
    a, w = CorrelationResetRow().encode_write_arrays(coord)
    assert ints(a) == expected
    assert ints(w) == CorrelationReset().encode_words() * QUAD_COLUMNS
    assert [type(c) for _, c in CorrelationResetRow().leaves(coord)] == [CorrelationReset] * 64


def test_correlation_reset_row_is_a_trigger() -> None:
    r = CorrelationResetRow()
    assert r == CorrelationResetRow() and r.copy() == r
    assert pickle.loads(pickle.dumps(r)) == r
    assert not CorrelationResetRow.is_readable
    with pytest.raises(TypeError, match="differentially"):
        r.encode_write_arrays(halco.CorrelationResetRowOnDLS(0), reference=CorrelationResetRow())
    with pytest.raises(TypeError):
        CorrelationResetRow(values=[])
    assert CorrelationResetRow.decode_array(np.zeros(64, np.uint32)) == r
    with pytest.raises(ContainerDecodeError):
        CorrelationResetRow.decode_array(np.ones(64, np.uint32))
    with pytest.raises(CoordinateTypeError):
        CorrelationResetRow.address_array(halco.SynapseRowOnDLS(0))


# -- 5. SynapseBlock -----------------------------------------------------------------------------
def test_synapse_block_defaults() -> None:
    b = SynapseBlock()
    assert b.matrix == SynapseMatrix()
    assert ints(b.i_bias_dac) == [1022, 1022]
    assert all(isinstance(v, CapMemCell.Value) for v in b.i_bias_dac)
    assert SynapseBlock.AnalogValue is CapMemCell.Value
    assert SynapseBlock.AnalogDisableRefresh is CapMemCell.DisableRefresh


@pytest.mark.parametrize("e", [0, 1])
def test_synapse_block_layout(e: int) -> None:
    coord = halco.SynapseBlockOnDLS(e)
    addresses = SynapseBlock.address_array(coord)
    matrix = SynapseMatrix.address_array(SynramOnDLS(e))
    # the matrix first, then the bias cells of the left and right CapMem block
    assert addresses.shape == (matrix.size + 2,)
    assert ints(addresses[:-2]) == ints(matrix)
    cells = [int(CapMemCell.addresses(bias_cell(e, b))[0]) for b in (0, 1)]
    assert ints(addresses[-2:]) == cells
    b = SynapseBlock()
    b.i_bias_dac[halco.CapMemBlockOnHemisphere.left] = 17
    b.i_bias_dac[1] = 1023  # DisableRefresh
    b.matrix.weights[5, 9] = 33
    words = b.encode_array(coord)
    assert ints(words[-2:]) == [
        CapMemCell(value=17).encode_words()[0],
        CapMemCell(value=CapMemCell.DisableRefresh(1023)).encode_words()[0],
    ]
    assert ints(words[:-2]) == ints(b.matrix.encode_array(SynramOnDLS(e)))
    leaves = list(b.leaves(coord))
    assert [c for c, _ in leaves[-2:]] == [bias_cell(e, 0), bias_cell(e, 1)]


@settings(max_examples=10)
@given(
    seed=st.integers(0, 2**32 - 1),
    bias=st.lists(st.integers(0, 1023), min_size=2, max_size=2),
    e=st.integers(0, 1),
)
def test_synapse_block_round_trip(seed: int, bias: list[int], e: int) -> None:
    rng = np.random.default_rng(seed)
    matrix = SynapseMatrix(
        weights=rng.integers(0, 64, (256, 256)),
        labels=rng.integers(0, 64, (256, 256)),
        time_calibs=rng.integers(0, 4, (256, 256)),
        amp_calibs=rng.integers(0, 4, (256, 256)),
    )
    b = SynapseBlock(matrix=matrix, i_bias_dac=bias)
    back = SynapseBlock.decode_array(b.encode_array(e), e)
    assert back == b
    assert ints(back.i_bias_dac) == bias
    assert isinstance(back.i_bias_dac[1], CapMemCell.DisableRefresh) == (bias[1] == 1023)


def test_synapse_block_copy_pickle_and_bad_values() -> None:
    b = SynapseBlock()
    b.matrix.labels[1, 2] = 3
    b.i_bias_dac[0] = 400
    assert pickle.loads(pickle.dumps(b)) == b
    c = b.copy()
    assert c == b
    c.matrix.labels[1, 2] = 4
    c.i_bias_dac[1] = 0
    assert b.matrix.labels[1, 2] == 3 and int(b.i_bias_dac[1]) == 1022
    m = SynapseMatrix()
    b.matrix = m
    m.weights[0, 0] = 1  # the block holds a copy
    assert b.matrix.weights[0, 0] == 0
    for bad in (1024, -1):
        with pytest.raises(CoordinateRangeError, match="i_bias_dac"):
            b.i_bias_dac[0] = bad
    with pytest.raises(TypeError, match="i_bias_dac"):
        b.i_bias_dac[0] = 1.5
    with pytest.raises(ValueError):
        b.i_bias_dac = [1, 2, 3]
    with pytest.raises(TypeError, match="matrix"):
        b.matrix = 5
    b.matrix.weights[4, 4] = 64
    with pytest.raises(CoordinateRangeError, match="weights"):
        b.encode_array(halco.SynapseBlockOnDLS(0))
    with pytest.raises(ContainerDecodeError):
        SynapseBlock.decode_array(np.zeros(2, np.uint32))
    with pytest.raises(CoordinateTypeError):
        SynapseBlock.address_array(SynramOnDLS(0))


@pytest.mark.parametrize("e", [0, 1])
def test_synapse_block_differential_write(e: int) -> None:
    coord = halco.SynapseBlockOnDLS(e)
    reference = SynapseBlock()
    b = reference.copy()
    b.i_bias_dac[1] = 300
    b.matrix.amp_calibs[255, 1] = 2
    a, w = b.encode_write_arrays(coord, reference=reference)
    q, entry = quad_of(1)
    quad = SynapseQuad()
    quad.amp_calibs[entry] = 2
    quad_addresses = SynapseQuad.addresses(
        halco.SynapseQuadOnDLS(
            SynapseQuadOnSynram(SynapseQuadColumnOnDLS(q), SynapseRowOnSynram(255)),
            SynramOnDLS(e),
        )
    )
    assert ints(a) == [int(quad_addresses[1]), int(CapMemCell.addresses(bias_cell(e, 1))[0])]
    assert ints(w) == [quad.encode_words()[1], CapMemCell(value=300).encode_words()[0]]


def test_matrix_fields_from_and_to_numpy() -> None:
    """Upstream's spelling: ``m.weights.from_numpy(a)`` (checked) and ``to_numpy()`` (a copy)."""
    m = haldls.lola.SynapseMatrix()
    m.weights.from_numpy(np.full((256, 256), 30))
    m.labels[14][14] = 28
    assert int(m.weights[3, 4]) == 30 and int(m.labels[14, 14]) == 28
    copy = m.weights.to_numpy()
    assert type(copy) is np.ndarray
    copy[0, 0] = 0
    assert int(m.weights[0, 0]) == 30
    with pytest.raises(CoordinateRangeError, match=r"weights must be in \[0, 63\], got 64"):
        m.weights.from_numpy(np.full((256, 256), 64))
    with pytest.raises(ValueError, match="shape"):
        m.weights.from_numpy(np.zeros((2, 2)))
    assert int(m.weights[0, 0]) == 30
