"""Synapse arrays as numpy matrices: ``SynapseMatrix`` (256 x 256 per synram) and its rows.

Column ``c`` of a matrix is the synapse (and neuron) column ``c``; quads interleave columns as
halco defines (quad column q, entry e holds column ``2 * (4 * (q % 32) + e) + q // 32``), so the
encoder gathers each quad's four entries with one precomputed index array. Leaves are visited
row by row, quad column 0..63 within a row, as the real stack does.

>>> import numpy as np, halco
>>> m = SynapseMatrix()
>>> m.weights[0, 2] = 63
>>> words = m.encode_array(halco.SynramOnDLS(0))
>>> int(words[0]), len(words)
(4128768, 32768)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from halco import (
    EntryOnQuad,
    SynapseLabel,
    SynapseQuadColumnOnDLS,
    SynapseQuadOnDLS,
    SynapseQuadOnSynram,
    SynapseRowOnDLS,
    SynapseRowOnSynram,
    SynramOnDLS,
)
from haldls._blocks import SynapseQuad
from haldls.lola._base import Aggregate, MatrixField, Slot

__all__ = ["SynapseMatrix", "SynapseRow"]

ROWS, COLUMNS, QUAD_COLUMNS = 256, 256, SynapseQuadColumnOnDLS.size

#: COLUMN_OF_QUAD[q, e]: the synapse column held by entry e of quad column q (from halco).
COLUMN_OF_QUAD = np.array(
    [
        [int(c) for c in SynapseQuadColumnOnDLS(q).toNeuronColumnOnDLS()]
        for q in range(QUAD_COLUMNS)
    ],
    np.intp,
)
#: The matrix fields, named as the SynapseQuad fields they fill.
_QUAD_FIELDS = ("weights", "labels", "time_calibs", "amp_calibs")


def _quads(matrix: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return the (rows * 64, 4) quad entries of a (rows, 256) matrix, row-major."""
    return matrix[:, COLUMN_OF_QUAD].reshape(-1, EntryOnQuad.size)


def _unquads(entries: npt.NDArray[Any], rows: int) -> npt.NDArray[Any]:
    out = np.empty((rows, COLUMNS), np.uint8)
    out[:, COLUMN_OF_QUAD] = entries.reshape(rows, QUAD_COLUMNS, EntryOnQuad.size)
    return out


class SynapseMatrix(Aggregate):
    """All 65,536 synapses of one synram as (row, column) numpy arrays.

    Fields ``weights``, ``labels``, ``time_calibs``, ``amp_calibs``; visits 16,384
    ``SynapseQuad``s.
    """

    coordinate_type = SynramOnDLS
    Weight = SynapseQuad.Weight
    Label = SynapseLabel
    TimeCalib = SynapseQuad.TimeCalib
    AmpCalib = SynapseQuad.AmpCalib
    weights = MatrixField(SynapseQuad.Weight, (ROWS, COLUMNS))
    labels = MatrixField(SynapseLabel, (ROWS, COLUMNS))
    time_calibs = MatrixField(SynapseQuad.TimeCalib, (ROWS, COLUMNS))
    amp_calibs = MatrixField(SynapseQuad.AmpCalib, (ROWS, COLUMNS))

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield _quad_slot(
            self,
            lambda: [
                SynapseQuadOnDLS(
                    SynapseQuadOnSynram(SynapseQuadColumnOnDLS(q), SynapseRowOnSynram(r)), coord
                )
                for r in range(ROWS)
                for q in range(QUAD_COLUMNS)
            ],
            ROWS,
        )


class SynapseRow(Aggregate):
    """One row of 256 synapses (``weights`` … as 1-d arrays); visits 64 ``SynapseQuad``s."""

    coordinate_type = SynapseRowOnDLS
    weights = MatrixField(SynapseQuad.Weight, (COLUMNS,))
    labels = MatrixField(SynapseLabel, (COLUMNS,))
    time_calibs = MatrixField(SynapseQuad.TimeCalib, (COLUMNS,))
    amp_calibs = MatrixField(SynapseQuad.AmpCalib, (COLUMNS,))

    def _visit(self, coord: Any) -> Iterator[Slot]:
        row = coord.toSynapseRowOnSynram()
        synram = coord.toSynramOnDLS()
        yield _quad_slot(
            self,
            lambda: [
                SynapseQuadOnDLS(SynapseQuadOnSynram(SynapseQuadColumnOnDLS(q), row), synram)
                for q in range(QUAD_COLUMNS)
            ],
            1,
        )


def _quad_slot(agg: Aggregate, coords: Callable[[], list[SynapseQuadOnDLS]], rows: int) -> Slot:
    values = agg._values

    def get() -> dict[str, npt.NDArray[Any]]:
        return {f: _quads(np.asarray(values[f]).reshape(rows, COLUMNS)) for f in _QUAD_FIELDS}

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        for f in _QUAD_FIELDS:
            values[f] = _unquads(columns[f], rows).reshape(np.shape(values[f]))

    return Slot(SynapseQuad, rows * QUAD_COLUMNS, coords, get, set_)
