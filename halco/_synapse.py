"""Synapse coordinates: synrams, rows, quads, single synapses and the column switch quads.

Two synrams (one per hemisphere) of 256 rows x 256 columns. A quad is 4 synapses accessed as
one word. Decision (follows the real halco, which reference §1.3 abbreviates as ``s // 4``):
quad columns interleave even and odd synapse columns -- quad column ``q`` holds columns
``2 * (4 * (q % 32) + entry) + q // 32``, so quads 0-31 cover the even columns and 32-63 the
odd ones. This is the hardware's SRAM layout; it keeps programs bit-exact with real chips.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from halco._base import Grid, Mixin, Ranged
from halco._chip import TopBottom
from halco._neuron import AtomicNeuronOnDLS, NeuronColumnOnDLS, NeuronResetOnDLS, NeuronRowOnDLS
from halco._typed_array import TypedArray

if TYPE_CHECKING:
    from halco._cadc import CADCChannelColumnOnSynram
    from halco._neuron import NeuronConfigBlockOnDLS
    from halco._synapse_driver import SynapseDriverOnSynapseDriverBlock

__all__ = [
    "ColumnCorrelationQuadOnDLS",
    "ColumnCorrelationQuadOnSynram",
    "ColumnCorrelationRowOnDLS",
    "ColumnCurrentQuadOnDLS",
    "ColumnCurrentQuadOnSynram",
    "ColumnCurrentRowOnDLS",
    "CommonCorrelationConfigOnDLS",
    "CommonSynramConfigOnDLS",
    "CorrelationResetOnDLS",
    "CorrelationResetRowOnDLS",
    "EntryOnQuad",
    "NeuronResetQuadOnDLS",
    "SynapseBiasSelectionOnDLS",
    "SynapseBlockOnDLS",
    "SynapseCorrelationCalibMatrixOnDLS",
    "SynapseCorrelationCalibQuadOnDLS",
    "SynapseCorrelationCalibRowOnDLS",
    "SynapseLabel",
    "SynapseLabelMatrixOnDLS",
    "SynapseLabelQuadOnDLS",
    "SynapseLabelRowOnDLS",
    "SynapseOnDLS",
    "SynapseOnSynapseRow",
    "SynapseOnSynram",
    "SynapseQuadColumnOnDLS",
    "SynapseQuadOnDLS",
    "SynapseQuadOnSynram",
    "SynapseRowOnDLS",
    "SynapseRowOnSynapseDriver",
    "SynapseRowOnSynram",
    "SynapseWeightMatrixOnDLS",
    "SynapseWeightQuadOnDLS",
    "SynapseWeightRowOnDLS",
    "SynapticInputOnNeuron",
    "SynramOnDLS",
]


_QUADS_HALF = 32  # quad columns per parity


class EntryOnQuad(Ranged, max=3):
    """Position of a synapse (or switch) inside a quad."""

    __slots__ = ()


class SynramOnDLS(TopBottom):
    """Synapse array (top, bottom); one per hemisphere."""

    __slots__ = ()


class CommonSynramConfigOnDLS(TopBottom):
    """Common SRAM timing configuration of a synram."""

    __slots__ = ()


class SynapseBlockOnDLS(TopBottom):
    """Synapse block (per hemisphere)."""

    __slots__ = ()


class SynapseWeightMatrixOnDLS(TopBottom):
    """Weight matrix of a synram."""

    __slots__ = ()


class SynapseLabelMatrixOnDLS(TopBottom):
    """Label matrix of a synram."""

    __slots__ = ()


class SynapseCorrelationCalibMatrixOnDLS(TopBottom):
    """Correlation calibration matrix of a synram."""

    __slots__ = ()


class ColumnCorrelationRowOnDLS(TopBottom):
    """Row of column correlation switches of a synram."""

    __slots__ = ()


class ColumnCurrentRowOnDLS(TopBottom):
    """Row of column current switches of a synram."""

    __slots__ = ()


class CommonCorrelationConfigOnDLS(TopBottom):
    """Common correlation configuration of a synram."""

    __slots__ = ()


class SynapseBiasSelectionOnDLS(Ranged, max=0):
    """Synapse bias selection register (one per chip)."""

    __slots__ = ()


class SynapticInputOnNeuron(Ranged, max=1):
    """Synaptic input of a neuron: ``excitatory`` (0) or ``inhibitory`` (1)."""

    __slots__ = ()
    excitatory: SynapticInputOnNeuron
    inhibitory: SynapticInputOnNeuron


SynapticInputOnNeuron.excitatory = SynapticInputOnNeuron(0)
SynapticInputOnNeuron.inhibitory = SynapticInputOnNeuron(1)


class SynapseLabel(Ranged, max=63):
    """6-bit synapse address matched against the label of an incoming event."""

    __slots__ = ()


class SynapseRowOnSynapseDriver(Ranged, max=1):
    """Row of a synapse driver: ``top`` (0, odd synram rows) or ``bottom`` (1, even rows)."""

    __slots__ = ()
    top: SynapseRowOnSynapseDriver
    bottom: SynapseRowOnSynapseDriver


SynapseRowOnSynapseDriver.top = SynapseRowOnSynapseDriver(0)
SynapseRowOnSynapseDriver.bottom = SynapseRowOnSynapseDriver(1)


class SynapseRowOnSynram(Ranged, max=255):
    """Synapse row inside a synram; driver ``d`` serves rows ``2d`` and ``2d + 1``."""

    __slots__ = ()

    def toSynapseDriverOnSynapseDriverBlock(self) -> SynapseDriverOnSynapseDriverBlock:
        """Return the driver of the row (``row // 2``)."""
        from halco._synapse_driver import SynapseDriverOnSynapseDriverBlock

        return SynapseDriverOnSynapseDriverBlock._from_enum(self._e // 2)

    def toSynapseRowOnSynapseDriver(self) -> SynapseRowOnSynapseDriver:
        """Return the driver row: odd rows are ``top``, even rows ``bottom``."""
        return SynapseRowOnSynapseDriver._from_enum(0 if self._e % 2 else 1)


class SynapseOnSynapseRow(Ranged, max=255):
    """Synapse column inside a row, equal to the neuron column below.

    Also built from ``(EntryOnQuad, SynapseQuadColumnOnDLS)`` (interleaved, see module doc).
    """

    __slots__ = ()

    def __new__(cls, value: object = None, quad: object = None) -> Any:
        if quad is None:
            return super().__new__(cls, value)
        e = EntryOnQuad._coerce(value, "SynapseOnSynapseRow", "syn_on_quad")._e
        q = SynapseQuadColumnOnDLS._coerce(quad, "SynapseOnSynapseRow", "quad")._e
        return cls._from_enum(2 * (4 * (q % _QUADS_HALF) + e) + q // _QUADS_HALF)

    def toNeuronColumnOnDLS(self) -> NeuronColumnOnDLS:
        """Return the neuron column below (identity)."""
        return NeuronColumnOnDLS._from_enum(self._e)

    def toEntryOnQuad(self) -> EntryOnQuad:
        """Return the entry inside the quad (``(column // 2) % 4``)."""
        return EntryOnQuad._from_enum((self._e // 2) % 4)

    def toSynapseQuadColumnOnDLS(self) -> SynapseQuadColumnOnDLS:
        """Return the quad column (``(column % 2) * 32 + column // 8``)."""
        return SynapseQuadColumnOnDLS._from_enum((self._e % 2) * _QUADS_HALF + self._e // 8)

    def toCADCChannelColumnOnSynram(self) -> CADCChannelColumnOnSynram:
        """Return the CADC channel column (identity)."""
        from halco._cadc import CADCChannelColumnOnSynram

        return CADCChannelColumnOnSynram._from_enum(self._e)


class SynapseQuadColumnOnDLS(Ranged, max=63):
    """Quad column: 4 synapses per quad, even columns in 0-31, odd columns in 32-63."""

    __slots__ = ()

    def toNeuronColumnOnDLS(self) -> TypedArray[NeuronColumnOnDLS]:
        """Return the 4 neuron columns of the quad, indexed by ``EntryOnQuad``."""
        q = self._e
        return TypedArray(
            EntryOnQuad,
            [
                NeuronColumnOnDLS._from_enum(2 * (4 * (q % _QUADS_HALF) + e) + q // _QUADS_HALF)
                for e in range(4)
            ],
        )

    def toColumnCorrelationQuadOnSynram(self) -> ColumnCorrelationQuadOnSynram:
        """Return the column correlation switch quad (same enum)."""
        return ColumnCorrelationQuadOnSynram._from_enum(self._e)

    def toColumnCurrentQuadOnSynram(self) -> ColumnCurrentQuadOnSynram:
        """Return the column current switch quad (same enum)."""
        return ColumnCurrentQuadOnSynram._from_enum(self._e)


class SynapseOnSynram(Grid, x=SynapseOnSynapseRow, y=SynapseRowOnSynram):
    """A synapse inside a synram (column x, row y)."""

    __slots__ = ()


class SynapseOnDLS(Mixin, local=SynapseOnSynram, outer=SynramOnDLS, names=("synapse", "synram")):
    """One of the 131 072 synapses."""

    __slots__ = ()


class SynapseQuadOnSynram(Grid, x=SynapseQuadColumnOnDLS, y=SynapseRowOnSynram):
    """A synapse quad inside a synram (quad column x, row y)."""

    __slots__ = ()


class _QuadOnDLS(Mixin):
    """Shared conversions of the type-distinct views of a synapse quad."""

    __slots__ = ()

    def toNeuronConfigBlockOnDLS(self) -> NeuronConfigBlockOnDLS:
        """Return the quadrant below the quad (``2 * synram + east``)."""
        from halco._neuron import NeuronConfigBlockOnDLS

        synram, quad = self.split()
        east = int((quad.x()._e % _QUADS_HALF) >= _QUADS_HALF // 2)
        return NeuronConfigBlockOnDLS._from_enum(2 * synram._e + east)

    def toSynapseQuadOnDLS(self) -> SynapseQuadOnDLS:
        """Return the quad as ``SynapseQuadOnDLS`` (same enum)."""
        return SynapseQuadOnDLS._from_enum(self._e)

    def toSynapseWeightQuadOnDLS(self) -> SynapseWeightQuadOnDLS:
        """Return the quad as ``SynapseWeightQuadOnDLS`` (same enum)."""
        return SynapseWeightQuadOnDLS._from_enum(self._e)

    def toSynapseLabelQuadOnDLS(self) -> SynapseLabelQuadOnDLS:
        """Return the quad as ``SynapseLabelQuadOnDLS`` (same enum)."""
        return SynapseLabelQuadOnDLS._from_enum(self._e)

    def toSynapseCorrelationCalibQuadOnDLS(self) -> SynapseCorrelationCalibQuadOnDLS:
        """Return the quad as ``SynapseCorrelationCalibQuadOnDLS`` (same enum)."""
        return SynapseCorrelationCalibQuadOnDLS._from_enum(self._e)


_QUAD = {"local": SynapseQuadOnSynram, "outer": SynramOnDLS, "names": ("block", "synram")}


class SynapseQuadOnDLS(_QuadOnDLS, **_QUAD):
    """A synapse quad (4 synapses of one row): weights, labels and calibration."""

    __slots__ = ()


class SynapseWeightQuadOnDLS(_QuadOnDLS, **_QUAD):
    """Weight view of a synapse quad."""

    __slots__ = ()


class SynapseLabelQuadOnDLS(_QuadOnDLS, **_QUAD):
    """Label view of a synapse quad."""

    __slots__ = ()


class SynapseCorrelationCalibQuadOnDLS(_QuadOnDLS, **_QUAD):
    """Correlation calibration view of a synapse quad."""

    __slots__ = ()


class CorrelationResetOnDLS(Mixin, **_QUAD):
    """Correlation reset trigger of a synapse quad."""

    __slots__ = ()


class _RowOnDLS(Mixin):
    """Shared conversions of the type-distinct views of a synapse row."""

    __slots__ = ()

    def toSynapseRowOnDLS(self) -> SynapseRowOnDLS:
        """Return the row as ``SynapseRowOnDLS`` (same enum)."""
        return SynapseRowOnDLS._from_enum(self._e)

    def toSynapseWeightRowOnDLS(self) -> SynapseWeightRowOnDLS:
        """Return the row as ``SynapseWeightRowOnDLS`` (same enum)."""
        return SynapseWeightRowOnDLS._from_enum(self._e)

    def toSynapseLabelRowOnDLS(self) -> SynapseLabelRowOnDLS:
        """Return the row as ``SynapseLabelRowOnDLS`` (same enum)."""
        return SynapseLabelRowOnDLS._from_enum(self._e)

    def toSynapseCorrelationCalibRowOnDLS(self) -> SynapseCorrelationCalibRowOnDLS:
        """Return the row as ``SynapseCorrelationCalibRowOnDLS`` (same enum)."""
        return SynapseCorrelationCalibRowOnDLS._from_enum(self._e)


_ROW = {"local": SynapseRowOnSynram, "outer": SynramOnDLS, "names": ("block", "synram")}


class SynapseRowOnDLS(_RowOnDLS, **_ROW):
    """A synapse row of a synram."""

    __slots__ = ()


class SynapseWeightRowOnDLS(_RowOnDLS, **_ROW):
    """Weight view of a synapse row."""

    __slots__ = ()


class SynapseLabelRowOnDLS(_RowOnDLS, **_ROW):
    """Label view of a synapse row."""

    __slots__ = ()


class SynapseCorrelationCalibRowOnDLS(_RowOnDLS, **_ROW):
    """Correlation calibration view of a synapse row."""

    __slots__ = ()


class CorrelationResetRowOnDLS(Mixin, **_ROW):
    """Correlation reset of a whole synapse row."""

    __slots__ = ()


class ColumnCorrelationQuadOnSynram(Ranged, max=63):
    """Column correlation switch quad (one per synapse quad column)."""

    __slots__ = ()

    def toSynapseQuadColumnOnDLS(self) -> SynapseQuadColumnOnDLS:
        """Return the synapse quad column (same enum)."""
        return SynapseQuadColumnOnDLS._from_enum(self._e)


class ColumnCorrelationQuadOnDLS(
    Mixin, local=ColumnCorrelationQuadOnSynram, outer=SynramOnDLS, names=("block", "synram")
):
    """Column correlation switch quad of a synram."""

    __slots__ = ()


class ColumnCurrentQuadOnSynram(Ranged, max=63):
    """Column current switch quad (one per synapse quad column)."""

    __slots__ = ()

    def toSynapseQuadColumnOnDLS(self) -> SynapseQuadColumnOnDLS:
        """Return the synapse quad column (same enum)."""
        return SynapseQuadColumnOnDLS._from_enum(self._e)


class ColumnCurrentQuadOnDLS(
    Mixin, local=ColumnCurrentQuadOnSynram, outer=SynramOnDLS, names=("block", "synram")
):
    """Column current switch quad of a synram."""

    __slots__ = ()


class NeuronResetQuadOnDLS(
    Mixin, local=SynapseQuadColumnOnDLS, outer=SynramOnDLS, names=("quad", "synram")
):
    """Reset of the 4 neurons below a synapse quad column at once."""

    __slots__ = ()

    def toNeuronResetOnDLS(self) -> TypedArray[NeuronResetOnDLS]:
        """Return the 4 neuron resets, indexed by ``EntryOnQuad``."""
        synram, quad = self.split()
        row = NeuronRowOnDLS._from_enum(synram._e)
        return TypedArray(
            EntryOnQuad,
            [AtomicNeuronOnDLS(c, row).toNeuronResetOnDLS() for c in quad.toNeuronColumnOnDLS()],
        )
