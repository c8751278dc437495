"""Synapse arrays as numpy matrices and rows, the column switch rows and ``SynapseBlock``.

Column ``c`` of a matrix is the synapse (and neuron) column ``c``; quads interleave columns as
halco defines (quad column q, entry e holds column ``2 * (4 * (q % 32) + e) + q // 32``), so the
encoder gathers each quad's four entries with one precomputed index array. Leaves are visited
row by row, quad column 0..63 within a row, as the real stack does (``lola/vx/synapse.h``).

The views follow the haldls quad views: ``SynapseMatrix``/``SynapseRow`` visit full
``SynapseQuad``s (2 words), ``SynapseWeight*`` and ``SynapseLabel*`` one word per quad,
``SynapseCorrelationCalib*`` two. ``CorrelationResetRow`` triggers the 64 ``CorrelationReset``s
of a row; ``ColumnCorrelationRow``/``ColumnCurrentRow`` hold one switch struct per column.

>>> import numpy as np, halco
>>> m = SynapseMatrix()
>>> m.weights[0, 2] = 63
>>> words = m.encode_array(halco.SynramOnDLS(0))
>>> int(words[0]), len(words)
(4128768, 32768)
>>> w = SynapseWeightMatrix()
>>> w.values[0, 2] = 63
>>> len(w.encode_array(halco.SynapseWeightMatrixOnDLS(0)))
16384
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from halco import (
    CapMemBlockOnDLS,
    CapMemBlockOnHemisphere,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    ColumnCorrelationQuadOnSynram,
    ColumnCorrelationRowOnDLS,
    ColumnCurrentQuadOnSynram,
    ColumnCurrentRowOnDLS,
    CorrelationResetRowOnDLS,
    EntryOnQuad,
    SynapseBlockOnDLS,
    SynapseCorrelationCalibMatrixOnDLS,
    SynapseCorrelationCalibRowOnDLS,
    SynapseLabel,
    SynapseLabelMatrixOnDLS,
    SynapseLabelRowOnDLS,
    SynapseOnSynapseRow,
    SynapseQuadColumnOnDLS,
    SynapseQuadOnSynram,
    SynapseRowOnDLS,
    SynapseRowOnSynram,
    SynapseWeightMatrixOnDLS,
    SynapseWeightRowOnDLS,
    SynramOnDLS,
)
from halco.common import Coordinate
from haldls._blocks import CapMemCell, SynapseQuad
from haldls._container import Container
from haldls._struct import Struct, StructField
from haldls._synapse import (
    ColumnCorrelationQuad,
    ColumnCurrentQuad,
    CorrelationReset,
    SynapseCorrelationCalibQuad,
    SynapseLabelQuad,
    SynapseWeightQuad,
)
from haldls.lola._base import (
    Aggregate,
    AnalogValueVariant,
    MatrixField,
    Slot,
    ValueArrayField,
    cell_slot,
    check_range,
)
from haldls.lola._table import TableArrayField

__all__ = [
    "ColumnCorrelationRow",
    "ColumnCurrentRow",
    "CorrelationResetRow",
    "SynapseBlock",
    "SynapseCorrelationCalibMatrix",
    "SynapseCorrelationCalibRow",
    "SynapseLabelMatrix",
    "SynapseLabelRow",
    "SynapseMatrix",
    "SynapseRow",
    "SynapseWeightMatrix",
    "SynapseWeightRow",
]

ROWS, COLUMNS, QUAD_COLUMNS = 256, 256, SynapseQuadColumnOnDLS.size

#: COLUMN_OF_QUAD[q, e]: the synapse column held by entry e of quad column q (from halco).
COLUMN_OF_QUAD = np.array(
    [
        [int(c) for c in SynapseQuadColumnOnDLS(q).toNeuronColumnOnDLS()]
        for q in range(QUAD_COLUMNS)
    ],
    np.intp,
)


def _quads(matrix: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return the (rows * 64, 4) quad entries of a (rows, 256) matrix, row-major."""
    return matrix[:, COLUMN_OF_QUAD].reshape(-1, EntryOnQuad.size)


def _unquads(entries: npt.NDArray[Any], rows: int) -> npt.NDArray[Any]:
    out = np.empty((rows, COLUMNS), np.uint8)
    out[:, COLUMN_OF_QUAD] = entries.reshape(rows, QUAD_COLUMNS, EntryOnQuad.size)
    return out


def _synram(coord: Any) -> SynramOnDLS:
    """Return the synram of a synram, hemisphere-equivalent or row coordinate."""
    return coord if isinstance(coord, SynramOnDLS) else coord.toSynramOnDLS()


# -- quad views: matrices and rows ---------------------------------------------------------------


class _QuadView(Aggregate, register=False):
    """Shared visitor of the synapse matrices and rows: one leaf per quad, row-major.

    Subclasses name the leaf (``_leaf``) and whether they cover the whole synram (``_matrix``);
    their fields are named as the leaf's fields they fill.
    """

    __slots__ = ()
    _leaf: ClassVar[type[Container]]
    _matrix: ClassVar[bool]

    def _visit(self, coord: Any) -> Iterator[Slot]:
        synram = _synram(coord)
        rows = range(ROWS) if self._matrix else (int(coord.toSynapseRowOnSynram()),)
        leaf_coordinate: Any = self._leaf.coordinate_type

        def coords() -> list[Coordinate]:
            return [
                leaf_coordinate(
                    SynapseQuadOnSynram(SynapseQuadColumnOnDLS(q), SynapseRowOnSynram(r)), synram
                )
                for r in rows
                for q in range(QUAD_COLUMNS)
            ]

        yield _quad_slot(self, self._leaf, coords, len(rows))


def _quad_slot(
    agg: Aggregate, leaf: type[Container], coords: Callable[[], list[Coordinate]], rows: int
) -> Slot:
    """Return the slot of ``rows`` x 64 quads whose fields are the aggregate's fields.

    Raises
    ------
    CoordinateRangeError
        On encoding, if a value lies outside its field's range (field and index named).
    """
    values = agg._values
    fields: list[Any] = list(type(agg)._fields)

    def get() -> dict[str, npt.NDArray[Any]]:
        out = {}
        for f in fields:  # in-place numpy edits are checked here, naming (row, column)
            a = np.asarray(values[f.name])
            check_range(a, f.typ, f.owner)
            out[f.name] = _quads(a.reshape(rows, COLUMNS))
        return out

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        for f in fields:
            values[f.name] = _unquads(columns[f.name], rows).reshape(np.shape(values[f.name]))

    return Slot(leaf, rows * QUAD_COLUMNS, coords, get, set_)


class SynapseMatrix(_QuadView):
    """All 65,536 synapses of one synram as (row, column) numpy arrays.

    Fields ``weights``, ``labels``, ``time_calibs``, ``amp_calibs``; visits 16,384
    ``SynapseQuad``s.
    """

    __slots__ = ()
    coordinate_type = SynramOnDLS
    _leaf = SynapseQuad
    _matrix = True
    Weight = SynapseQuad.Weight
    Label = SynapseLabel
    TimeCalib = SynapseQuad.TimeCalib
    AmpCalib = SynapseQuad.AmpCalib
    weights = MatrixField(SynapseQuad.Weight, (ROWS, COLUMNS))
    labels = MatrixField(SynapseLabel, (ROWS, COLUMNS))
    time_calibs = MatrixField(SynapseQuad.TimeCalib, (ROWS, COLUMNS))
    amp_calibs = MatrixField(SynapseQuad.AmpCalib, (ROWS, COLUMNS))


class SynapseRow(_QuadView):
    """One row of 256 synapses (``weights`` … as 1-d arrays); visits 64 ``SynapseQuad``s."""

    __slots__ = ()
    coordinate_type = SynapseRowOnDLS
    _leaf = SynapseQuad
    _matrix = False
    Weight = SynapseQuad.Weight
    Label = SynapseLabel
    TimeCalib = SynapseQuad.TimeCalib
    AmpCalib = SynapseQuad.AmpCalib
    weights = MatrixField(SynapseQuad.Weight, (COLUMNS,))
    labels = MatrixField(SynapseLabel, (COLUMNS,))
    time_calibs = MatrixField(SynapseQuad.TimeCalib, (COLUMNS,))
    amp_calibs = MatrixField(SynapseQuad.AmpCalib, (COLUMNS,))


class SynapseWeightMatrix(_QuadView):
    """The 256 x 256 weights of one synram (``values``); visits 16,384 ``SynapseWeightQuad``s.

    One word per quad: half the words of a ``SynapseMatrix`` write of the weights alone.
    """

    __slots__ = ()
    coordinate_type = SynapseWeightMatrixOnDLS
    _leaf = SynapseWeightQuad
    _matrix = True
    Value = SynapseWeightQuad.Value
    values = MatrixField(SynapseWeightQuad.Value, (ROWS, COLUMNS))


class SynapseLabelMatrix(_QuadView):
    """The 256 x 256 labels of one synram (``values``); visits 16,384 ``SynapseLabelQuad``s."""

    __slots__ = ()
    coordinate_type = SynapseLabelMatrixOnDLS
    _leaf = SynapseLabelQuad
    _matrix = True
    Value = SynapseLabelQuad.Value
    values = MatrixField(SynapseLabelQuad.Value, (ROWS, COLUMNS))


class SynapseCorrelationCalibMatrix(_QuadView):
    """The 256 x 256 ``time_calibs`` and ``amp_calibs`` of one synram.

    Visits 16,384 ``SynapseCorrelationCalibQuad``s (two words each).
    """

    __slots__ = ()
    coordinate_type = SynapseCorrelationCalibMatrixOnDLS
    _leaf = SynapseCorrelationCalibQuad
    _matrix = True
    TimeCalib = SynapseCorrelationCalibQuad.TimeCalib
    AmpCalib = SynapseCorrelationCalibQuad.AmpCalib
    time_calibs = MatrixField(SynapseCorrelationCalibQuad.TimeCalib, (ROWS, COLUMNS))
    amp_calibs = MatrixField(SynapseCorrelationCalibQuad.AmpCalib, (ROWS, COLUMNS))


class SynapseWeightRow(_QuadView):
    """The 256 weights of one row (``values``); visits 64 ``SynapseWeightQuad``s."""

    __slots__ = ()
    coordinate_type = SynapseWeightRowOnDLS
    _leaf = SynapseWeightQuad
    _matrix = False
    Value = SynapseWeightQuad.Value
    values = MatrixField(SynapseWeightQuad.Value, (COLUMNS,))


class SynapseLabelRow(_QuadView):
    """The 256 labels of one row (``values``); visits 64 ``SynapseLabelQuad``s."""

    __slots__ = ()
    coordinate_type = SynapseLabelRowOnDLS
    _leaf = SynapseLabelQuad
    _matrix = False
    Value = SynapseLabelQuad.Value
    values = MatrixField(SynapseLabelQuad.Value, (COLUMNS,))


class SynapseCorrelationCalibRow(_QuadView):
    """The 256 ``time_calibs`` and ``amp_calibs`` of one row.

    Visits 64 ``SynapseCorrelationCalibQuad``s.
    """

    __slots__ = ()
    coordinate_type = SynapseCorrelationCalibRowOnDLS
    _leaf = SynapseCorrelationCalibQuad
    _matrix = False
    TimeCalib = SynapseCorrelationCalibQuad.TimeCalib
    AmpCalib = SynapseCorrelationCalibQuad.AmpCalib
    time_calibs = MatrixField(SynapseCorrelationCalibQuad.TimeCalib, (COLUMNS,))
    amp_calibs = MatrixField(SynapseCorrelationCalibQuad.AmpCalib, (COLUMNS,))


class CorrelationResetRow(_QuadView):
    """Reset the correlation accumulators of a whole row: the row's 64 ``CorrelationReset``s.

    No fields: writing it is the trigger (as upstream, the container carries no data).

    >>> import halco
    >>> len(CorrelationResetRow().encode_array(halco.CorrelationResetRowOnDLS(3)))
    64
    """

    __slots__ = ()
    coordinate_type = CorrelationResetRowOnDLS
    _leaf = CorrelationReset
    _matrix = False
    #: Write only, like its leaves (upstream reads zero words of it); a trigger has no state
    #: to compare, so no differential write either (as upstream).
    is_readable = False
    differential_write = False


# -- column switch rows --------------------------------------------------------------------------


class _SwitchRow(Aggregate, register=False):
    """Shared visitor of the column switch rows: 256 switch structs in 64 quads of four.

    ``values[SynapseOnSynapseRow]`` holds the switch of each column; quads follow halco's
    column interleaving, quad column 0..63 (as upstream).
    """

    __slots__ = ()
    _leaf: ClassVar[type[Container]]
    _quad_on_synram: ClassVar[type[Coordinate]]
    Value: ClassVar[type[Struct]]
    values: Any

    def _visit(self, coord: Any) -> Iterator[Slot]:
        synram = _synram(coord)
        leaf_coordinate: Any = self._leaf.coordinate_type
        quad: Any = self._quad_on_synram
        values = self._values

        def coords() -> list[Coordinate]:
            return [leaf_coordinate(quad(q), synram) for q in range(QUAD_COLUMNS)]

        def get() -> dict[str, npt.NDArray[Any]]:
            return {"switches": values["values"].table[COLUMN_OF_QUAD]}  # field order

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            values["values"].table[COLUMN_OF_QUAD] = columns["switches"]

        yield Slot(self._leaf, QUAD_COLUMNS, coords, get, set_)


class ColumnCorrelationRow(_SwitchRow):
    """Correlation readout switches of the 256 columns of a synram (``values``).

    Visits the 64 ``ColumnCorrelationQuad``s.

    >>> import halco
    >>> r = ColumnCorrelationRow()
    >>> r.values[0].enable_internal_causal = True
    >>> sum(map(int, r.encode_array(halco.ColumnCorrelationRowOnDLS(0))))
    1073741824
    """

    __slots__ = ()
    coordinate_type = ColumnCorrelationRowOnDLS
    _leaf = ColumnCorrelationQuad
    _quad_on_synram = ColumnCorrelationQuadOnSynram
    Value = ColumnCorrelationQuad.ColumnCorrelationSwitch
    values = TableArrayField(SynapseOnSynapseRow, ColumnCorrelationQuad.ColumnCorrelationSwitch)


class ColumnCurrentRow(_SwitchRow):
    """Synaptic current switches of the 256 columns of a synram (``values``).

    Visits the 64 ``ColumnCurrentQuad``s.
    """

    __slots__ = ()
    coordinate_type = ColumnCurrentRowOnDLS
    _leaf = ColumnCurrentQuad
    _quad_on_synram = ColumnCurrentQuadOnSynram
    Value = ColumnCurrentQuad.ColumnCurrentSwitch
    values = TableArrayField(SynapseOnSynapseRow, ColumnCurrentQuad.ColumnCurrentSwitch)


# -- synapse block -------------------------------------------------------------------------------


class SynapseBlock(Aggregate):
    """The synapses of one hemisphere (``matrix``) and their DAC bias per CapMem block.

    ``i_bias_dac[CapMemBlockOnHemisphere]`` goes to the ``syn_i_bias_dac`` cell of the left
    and right CapMem block of the hemisphere (default 1022, as upstream). Visits the matrix,
    then the two cells, left first (upstream ``lola/vx/synapse_block.h``). Upstream gives it no
    differential-write trait; here the base's differential write is kept, as ``Chip`` diffs
    through it (our decision).

    >>> import halco
    >>> b = SynapseBlock()
    >>> b.i_bias_dac[halco.CapMemBlockOnHemisphere.right] = 500
    >>> [int(w) for w in b.encode_array(halco.SynapseBlockOnDLS(1))[-2:]]
    [1022, 500]
    """

    __slots__ = ()
    coordinate_type = SynapseBlockOnDLS
    AnalogValue = CapMemCell.Value
    AnalogDisableRefresh = CapMemCell.DisableRefresh
    Matrix = SynapseMatrix
    matrix = StructField(SynapseMatrix, doc="The synapses of the hemisphere's synram.")
    i_bias_dac = ValueArrayField(
        CapMemBlockOnHemisphere,
        AnalogValueVariant,
        default=1022,
        doc="DAC bias scaling the synaptic strength, per CapMem block of the hemisphere.",
    )

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield from self.matrix._visit(coord.toSynramOnDLS())
        yield cell_slot(self, _bias_cells(coord))


def _bias_cells(coord: Any) -> Sequence[tuple[Coordinate, str, int | None]]:
    hemisphere = coord.toHemisphereOnDLS()
    return [
        (
            CapMemCellOnDLS(
                CapMemCellOnCapMemBlock.syn_i_bias_dac,  # type: ignore[attr-defined]
                CapMemBlockOnDLS(CapMemBlockOnHemisphere(b), hemisphere),
            ),
            "i_bias_dac",
            b,
        )
        for b in range(CapMemBlockOnHemisphere.size)
    ]
