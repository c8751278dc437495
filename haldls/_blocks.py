"""First register containers: crossbar node, synapse quad, CapMem cell.

Addresses and word layouts follow reference §2.2-§2.4 and the upstream haldls sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from halco import (
    CapMemCellOnDLS,
    CrossbarNodeOnDLS,
    EntryOnQuad,
    NeuronLabel,
    SynapseLabel,
    SynapseQuadOnDLS,
)
from halco.common import Ranged
from haldls._container import Container
from haldls._field import ArrayField, Field, at

__all__ = ["CapMemCell", "CrossbarNode", "SynapseQuad"]

#: Omnibus bases (reference §2.2).
CROSSBAR_NODE_BASE = 0x0013_0019
SYNAPSE_QUAD_BASE = (0x02CF_0000, 0x03CF_0000)  # top, bottom synram
CAPMEM_SRAM_BASE = (0x0014_0000, 0x0014_8000, 0x0015_0000, 0x0015_8000)  # NW, NE, SW, SE


class CrossbarNode(Container):
    """A node of the routing crossbar: passes an event iff ``(label & mask) == target``.

    >>> [hex(int(w.get())) for w in CrossbarNode(mask=0x3FFF, target=5).encode()]
    ['0x53fff']
    """

    coordinate_type = CrossbarNodeOnDLS
    words = 1
    mask = Field(NeuronLabel, at(0, 0, 14), doc="Label bits compared.")
    target = Field(NeuronLabel, at(0, 16, 14), doc="Value the masked label must have.")
    enable_drop_counter = Field(bool, at(0, 31), doc="Count events this node drops.")
    drop_all: ClassVar[CrossbarNode]

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [CROSSBAR_NODE_BASE + coord._e]


CrossbarNode.drop_all = CrossbarNode(mask=0, target=1)


class SynapseQuad(Container):
    """Four synapses of a row: 6-bit weights and labels, 2-bit time and amplitude calibration.

    Word 0 holds weight and time calib, word 1 (64 words later) label and amp calib, entry 3 in
    the lowest byte. The weight's bits are permuted on their way to the DAC: the MSB stays, the
    five LSBs are reversed (a hardware quirk reproduced here).

    >>> q = SynapseQuad(); q.weights[0] = 1
    >>> [hex(w) for w in q.encode_words()]
    ['0x10000000', '0x0']
    """

    coordinate_type = SynapseQuadOnDLS
    words = 2

    class Weight(Ranged, max=63):
        """Synaptic weight, 6 bit."""

        __slots__ = ()

    class TimeCalib(Ranged, max=3):
        """STDP time-constant calibration, 2 bit."""

        __slots__ = ()

    class AmpCalib(Ranged, max=3):
        """STDP amplitude calibration, 2 bit."""

        __slots__ = ()

    Label = SynapseLabel
    #: Value bit i of a weight goes to DAC bit WEIGHT_PERMUTATION[i].
    WEIGHT_PERMUTATION = (4, 3, 2, 1, 0, 5)

    weights = ArrayField(
        EntryOnQuad, Weight, lambda e: at(0, 8 * (3 - e), 6), perm=WEIGHT_PERMUTATION
    )
    labels = ArrayField(EntryOnQuad, SynapseLabel, lambda e: at(1, 8 * (3 - e), 6))
    time_calibs = ArrayField(EntryOnQuad, TimeCalib, lambda e: at(0, 8 * (3 - e) + 6, 2))
    amp_calibs = ArrayField(EntryOnQuad, AmpCalib, lambda e: at(1, 8 * (3 - e) + 6, 2))

    @classmethod
    def encode_columns(
        cls, columns: Mapping[str, npt.ArrayLike], n: int | None = None
    ) -> npt.NDArray[Any]:
        """As ``Container.encode_columns``, with a byte-wise fast path for full columns.

        The whole-synram hot path; a test checks it equals the generic encoder.
        """
        if set(columns) != set(cls.field_names()):
            return super().encode_columns(columns, n)
        arrays = {f.name: _integers(columns[f.name]) for f in cls._fields}
        shape = arrays["weights"].shape
        if len(shape) != 2 or shape[1] != 4 or any(a.shape != shape for a in arrays.values()):
            return super().encode_columns(columns, n)
        for f in cls._fields:
            f.kind.check_raw(arrays[f.name])
        lut = cls.weights.lut.astype(np.uint8)
        low = lut[arrays["weights"]] | (arrays["time_calibs"].astype(np.uint8) << 6)
        high = arrays["labels"].astype(np.uint8) | (arrays["amp_calibs"].astype(np.uint8) << 6)
        out = np.empty((shape[0], 2), np.uint32)
        # entry 0 is the most significant byte: the four bytes read as one big-endian word
        out[:, 0] = np.ascontiguousarray(low, np.uint8).view(">u4")[:, 0]
        out[:, 1] = np.ascontiguousarray(high, np.uint8).view(">u4")[:, 0]
        return out

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        quad = coord.toSynapseQuadOnSynram()
        a = SYNAPSE_QUAD_BASE[coord.toSynramOnDLS()._e] + quad.y()._e * 128 + quad.x()._e
        return [a, a + 64]


def _integers(column: npt.ArrayLike) -> npt.NDArray[Any]:
    """Return a column as an integer array, keeping an integer dtype (no copy on the hot path)."""
    a = np.asarray(column)
    return a if a.dtype.kind in "iu" else a.astype(np.int64)


class CapMemCell(Container):
    """One analog memory cell: a value 0..1022 or ``DisableRefresh`` (1023).

    >>> CapMemCell(value=CapMemCell.Value(500)).encode_words()
    [500]
    """

    coordinate_type = CapMemCellOnDLS
    words = 1

    class Value(Ranged, max=1022):
        """Analog value (DAC code)."""

        __slots__ = ()

    class DisableRefresh(Ranged, min=1023, max=1023):
        """The cell is not refreshed (its code 1023)."""

        __slots__ = ()

    value = Field((Value, DisableRefresh), at(0, 0, 10))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        cell = coord.toCapMemCellOnCapMemBlock()
        base = CAPMEM_SRAM_BASE[coord.toCapMemBlockOnDLS()._e]
        return [base + cell.x()._e * 32 + cell.y()._e]
