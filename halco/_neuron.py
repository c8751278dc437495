"""Neuron coordinates: rows, columns, atomic neurons, config/backend blocks, resets, counters.

512 atomic neurons in 2 rows of 256 columns. ``NeuronConfig`` blocks are the four quadrants
(NW, NE, SW, SE, = CapMem blocks); backend blocks are the left/right halves, each holding both
rows (``local = row * 128 + column % 128``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from halco._base import Grid, Mixin, Ranged
from halco._chip import TopBottom

if TYPE_CHECKING:
    from halco._capmem import CapMemBlockOnDLS, CapMemColumnOnCapMemBlock
    from halco._routing import CrossbarInputOnDLS
    from halco._synapse import (
        ColumnCorrelationQuadOnDLS,
        ColumnCurrentQuadOnDLS,
        EntryOnQuad,
        SynapseOnSynapseRow,
        SynapseQuadColumnOnDLS,
        SynramOnDLS,
    )

__all__ = [
    "AtomicNeuronOnDLS",
    "BlockPostPulseOnDLS",
    "CommonNeuronBackendConfigOnDLS",
    "NeuronBackendAddressOut",
    "NeuronBackendConfigBlockOnDLS",
    "NeuronBackendConfigOnDLS",
    "NeuronBackendConfigOnNeuronBackendConfigBlock",
    "NeuronBackendSRAMTimingConfigOnDLS",
    "NeuronBlockOnDLS",
    "NeuronColumnOnDLS",
    "NeuronConfigBlockOnDLS",
    "NeuronConfigOnDLS",
    "NeuronConfigOnNeuronConfigBlock",
    "NeuronEventOutputOnDLS",
    "NeuronEventOutputOnNeuronBackendBlock",
    "NeuronResetBlockOnDLS",
    "NeuronResetOnDLS",
    "NeuronResetOnNeuronResetBlock",
    "NeuronRowOnDLS",
    "NeuronSRAMTimingConfigOnDLS",
    "SpikeCounterReadBlockOnDLS",
    "SpikeCounterReadOnDLS",
    "SpikeCounterReadOnSpikeCounterReadBlock",
    "SpikeCounterResetBlockOnDLS",
    "SpikeCounterResetOnDLS",
    "SpikeCounterResetOnSpikeCounterResetBlock",
]


_HALF = 128  # neurons per row and quadrant / backend block


class NeuronRowOnDLS(TopBottom):
    """Neuron row (top = 0, bottom = 1); one per hemisphere."""

    __slots__ = ()


class NeuronColumnOnDLS(Ranged, max=255):
    """Neuron column, equal to the synapse column above it."""

    __slots__ = ()

    def toSynapseOnSynapseRow(self) -> SynapseOnSynapseRow:
        """Return the synapse column of the same index."""
        from halco._synapse import SynapseOnSynapseRow

        return SynapseOnSynapseRow._from_enum(self._e)

    def toCapMemColumnOnCapMemBlock(self) -> CapMemColumnOnCapMemBlock:
        """Return the neuron's CapMem column (``column % 128``)."""
        from halco._capmem import CapMemColumnOnCapMemBlock

        return CapMemColumnOnCapMemBlock._from_enum(self._e % _HALF)

    def toNeuronEventOutputOnDLS(self) -> NeuronEventOutputOnDLS:
        """Return the event output serving this column (``column // 32``)."""
        return NeuronEventOutputOnDLS._from_enum(self._e // 32)


class AtomicNeuronOnDLS(Grid, x=NeuronColumnOnDLS, y=NeuronRowOnDLS):
    """One of the 512 atomic neurons; ``enum = row * 256 + column``.

    >>> AtomicNeuronOnDLS(NeuronColumnOnDLS(130), NeuronRowOnDLS.bottom).toEnum()
    Enum(386)
    """

    __slots__ = ()

    def toNeuronConfigOnDLS(self) -> NeuronConfigOnDLS:
        """Return the neuron's config coordinate (same enum)."""
        return NeuronConfigOnDLS._from_enum(self._e)

    def toNeuronBackendConfigOnDLS(self) -> NeuronBackendConfigOnDLS:
        """Return the backend coordinate: block ``column // 128``, local ``row*128 + col%128``."""
        return NeuronBackendConfigOnDLS._from_enum(_backend_enum(self._e))

    def toNeuronResetOnDLS(self) -> NeuronResetOnDLS:
        """Return the reset coordinate (backend block scheme)."""
        return NeuronResetOnDLS._from_enum(_backend_enum(self._e))

    def toSpikeCounterReadOnDLS(self) -> SpikeCounterReadOnDLS:
        """Return the spike counter read coordinate (backend block scheme)."""
        return SpikeCounterReadOnDLS._from_enum(_backend_enum(self._e))

    def toSpikeCounterResetOnDLS(self) -> SpikeCounterResetOnDLS:
        """Return the spike counter reset coordinate (backend block scheme)."""
        return SpikeCounterResetOnDLS._from_enum(_backend_enum(self._e))

    def toCapMemBlockOnDLS(self) -> CapMemBlockOnDLS:
        """Return the CapMem block (= NeuronConfig block, the quadrant)."""
        from halco._capmem import CapMemBlockOnDLS

        return CapMemBlockOnDLS._from_enum(self._e // _HALF)

    def toCapMemColumnOnCapMemBlock(self) -> CapMemColumnOnCapMemBlock:
        """Return the CapMem column (``column % 128``)."""
        return self.x().toCapMemColumnOnCapMemBlock()

    def toSynramOnDLS(self) -> SynramOnDLS:
        """Return the synapse array above/below the neuron (same as the row)."""
        from halco._synapse import SynramOnDLS

        return SynramOnDLS._from_enum(self._e // 256)

    def toSynapseQuadColumnOnDLS(self) -> SynapseQuadColumnOnDLS:
        """Return the synapse quad column holding this neuron's column."""
        return self.x().toSynapseOnSynapseRow().toSynapseQuadColumnOnDLS()

    def toColumnCorrelationQuadOnDLS(self) -> ColumnCorrelationQuadOnDLS:
        """Return the column correlation switch quad of this neuron."""
        from halco._synapse import ColumnCorrelationQuadOnDLS

        q = self.toSynapseQuadColumnOnDLS()
        return ColumnCorrelationQuadOnDLS(q.toColumnCorrelationQuadOnSynram(), self.toSynramOnDLS())

    def toColumnCurrentQuadOnDLS(self) -> ColumnCurrentQuadOnDLS:
        """Return the column current switch quad of this neuron."""
        from halco._synapse import ColumnCurrentQuadOnDLS

        q = self.toSynapseQuadColumnOnDLS()
        return ColumnCurrentQuadOnDLS(q.toColumnCurrentQuadOnSynram(), self.toSynramOnDLS())


def _backend_enum(atomic: int) -> int:
    """Map an atomic neuron enum to the left/right backend-block enum."""
    row, col = divmod(atomic, 256)
    return (col // _HALF) * 256 + row * _HALF + col % _HALF


def _atomic_from_backend(e: int) -> int:
    block, local = divmod(e, 256)
    row, col = divmod(local, _HALF)
    return row * 256 + block * _HALF + col


class NeuronConfigOnNeuronConfigBlock(Ranged, max=127):
    """Neuron inside a NeuronConfig quadrant."""

    __slots__ = ()

    def toCapMemColumnOnCapMemBlock(self) -> CapMemColumnOnCapMemBlock:
        """Return the CapMem column of the same index."""
        from halco._capmem import CapMemColumnOnCapMemBlock

        return CapMemColumnOnCapMemBlock._from_enum(self._e)


class NeuronConfigBlockOnDLS(Ranged, max=3):
    """NeuronConfig quadrant: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right."""

    __slots__ = ()

    def toCapMemBlockOnDLS(self) -> CapMemBlockOnDLS:
        """Return the CapMem block (identity)."""
        from halco._capmem import CapMemBlockOnDLS

        return CapMemBlockOnDLS._from_enum(self._e)

    def toNeuronResetBlockOnDLS(self) -> NeuronResetBlockOnDLS:
        """Return the left/right reset block (``block % 2``)."""
        return NeuronResetBlockOnDLS._from_enum(self._e % 2)

    def toSpikeCounterReadBlockOnDLS(self) -> SpikeCounterReadBlockOnDLS:
        """Return the left/right spike counter block (``block % 2``)."""
        return SpikeCounterReadBlockOnDLS._from_enum(self._e % 2)

    def toSpikeCounterResetBlockOnDLS(self) -> SpikeCounterResetBlockOnDLS:
        """Return the left/right spike counter block (``block % 2``)."""
        return SpikeCounterResetBlockOnDLS._from_enum(self._e % 2)


class NeuronConfigOnDLS(
    Mixin,
    local=NeuronConfigOnNeuronConfigBlock,
    outer=NeuronConfigBlockOnDLS,
    names=("neuron", "block"),
):
    """A neuron's ``NeuronConfig``; the enum equals the ``AtomicNeuronOnDLS`` enum."""

    __slots__ = ()

    def toAtomicNeuronOnDLS(self) -> AtomicNeuronOnDLS:
        """Return the atomic neuron (same enum)."""
        return AtomicNeuronOnDLS._from_enum(self._e)

    def toNeuronRowOnDLS(self) -> NeuronRowOnDLS:
        """Return the neuron row."""
        return NeuronRowOnDLS._from_enum(self._e // 256)

    def toSynapseOnSynapseRow(self) -> SynapseOnSynapseRow:
        """Return the synapse column above the neuron."""
        from halco._synapse import SynapseOnSynapseRow

        return SynapseOnSynapseRow._from_enum(self._e % 256)

    def toSynapseQuadColumnOnDLS(self) -> SynapseQuadColumnOnDLS:
        """Return the synapse quad column of the neuron."""
        return self.toSynapseOnSynapseRow().toSynapseQuadColumnOnDLS()

    def toEntryOnQuad(self) -> EntryOnQuad:
        """Return the neuron's entry inside its synapse quad."""
        return self.toSynapseOnSynapseRow().toEntryOnQuad()

    def toNeuronBackendConfigOnDLS(self) -> NeuronBackendConfigOnDLS:
        """Return the backend coordinate of the neuron."""
        return NeuronBackendConfigOnDLS._from_enum(_backend_enum(self._e))

    def toNeuronBackendConfigBlockOnDLS(self) -> NeuronBackendConfigBlockOnDLS:
        """Return the backend block (left/right half)."""
        return NeuronBackendConfigBlockOnDLS._from_enum((self._e % 256) // _HALF)

    def toNeuronBackendConfigOnNeuronBackendConfigBlock(
        self,
    ) -> NeuronBackendConfigOnNeuronBackendConfigBlock:
        """Return the neuron inside its backend block."""
        return NeuronBackendConfigOnNeuronBackendConfigBlock._from_enum(
            _backend_enum(self._e) % 256
        )

    def toCommonNeuronBackendConfigOnDLS(self) -> CommonNeuronBackendConfigOnDLS:
        """Return the common backend config of the neuron's block."""
        return CommonNeuronBackendConfigOnDLS._from_enum((self._e % 256) // _HALF)

    def toNeuronResetOnDLS(self) -> NeuronResetOnDLS:
        """Return the reset coordinate of the neuron."""
        return NeuronResetOnDLS._from_enum(_backend_enum(self._e))

    def toSpikeCounterReadOnDLS(self) -> SpikeCounterReadOnDLS:
        """Return the spike counter read coordinate of the neuron."""
        return SpikeCounterReadOnDLS._from_enum(_backend_enum(self._e))

    def toSpikeCounterResetOnDLS(self) -> SpikeCounterResetOnDLS:
        """Return the spike counter reset coordinate of the neuron."""
        return SpikeCounterResetOnDLS._from_enum(_backend_enum(self._e))

    def toSynramOnDLS(self) -> SynramOnDLS:
        """Return the synapse array of the neuron's hemisphere."""
        return self.toAtomicNeuronOnDLS().toSynramOnDLS()

    def toColumnCorrelationQuadOnDLS(self) -> ColumnCorrelationQuadOnDLS:
        """Return the column correlation switch quad of the neuron."""
        return self.toAtomicNeuronOnDLS().toColumnCorrelationQuadOnDLS()

    def toColumnCurrentQuadOnDLS(self) -> ColumnCurrentQuadOnDLS:
        """Return the column current switch quad of the neuron."""
        return self.toAtomicNeuronOnDLS().toColumnCurrentQuadOnDLS()


class NeuronBackendConfigBlockOnDLS(Ranged, max=1):
    """Backend half: left (columns 0-127) or right (128-255)."""

    __slots__ = ()

    def toCommonNeuronBackendConfigOnDLS(self) -> CommonNeuronBackendConfigOnDLS:
        """Return the common backend config of this half."""
        return CommonNeuronBackendConfigOnDLS._from_enum(self._e)

    def toBlockPostPulseOnDLS(self) -> BlockPostPulseOnDLS:
        """Return the post-pulse trigger of this half."""
        return BlockPostPulseOnDLS._from_enum(self._e)


class NeuronBackendConfigOnNeuronBackendConfigBlock(Ranged, max=255):
    """Neuron inside a backend half: ``row * 128 + column % 128``."""

    __slots__ = ()

    def toNeuronEventOutputOnNeuronBackendBlock(self) -> NeuronEventOutputOnNeuronBackendBlock:
        """Return the event output of the neuron inside its half (``(local % 128) // 32``)."""
        return NeuronEventOutputOnNeuronBackendBlock._from_enum((self._e % _HALF) // 32)


class NeuronBackendConfigOnDLS(
    Mixin,
    local=NeuronBackendConfigOnNeuronBackendConfigBlock,
    outer=NeuronBackendConfigBlockOnDLS,
    names=("neuron", "block"),
):
    """A neuron's backend configuration (left/right block scheme)."""

    __slots__ = ()

    def toAtomicNeuronOnDLS(self) -> AtomicNeuronOnDLS:
        """Return the atomic neuron."""
        return AtomicNeuronOnDLS._from_enum(_atomic_from_backend(self._e))

    def toNeuronColumnOnDLS(self) -> NeuronColumnOnDLS:
        """Return the neuron column."""
        return self.toAtomicNeuronOnDLS().x()

    def toNeuronRowOnDLS(self) -> NeuronRowOnDLS:
        """Return the neuron row."""
        return self.toAtomicNeuronOnDLS().y()

    def toNeuronConfigOnDLS(self) -> NeuronConfigOnDLS:
        """Return the neuron's config coordinate."""
        return NeuronConfigOnDLS._from_enum(_atomic_from_backend(self._e))

    def toNeuronConfigBlockOnDLS(self) -> NeuronConfigBlockOnDLS:
        """Return the neuron's quadrant."""
        return self.toNeuronConfigOnDLS()._outer()

    def toCommonNeuronBackendConfigOnDLS(self) -> CommonNeuronBackendConfigOnDLS:
        """Return the common backend config of the block."""
        return CommonNeuronBackendConfigOnDLS._from_enum(self._e // 256)

    def toSpikeCounterReadOnDLS(self) -> SpikeCounterReadOnDLS:
        """Return the spike counter read coordinate (same enum)."""
        return SpikeCounterReadOnDLS._from_enum(self._e)

    def toSpikeCounterResetOnDLS(self) -> SpikeCounterResetOnDLS:
        """Return the spike counter reset coordinate (same enum)."""
        return SpikeCounterResetOnDLS._from_enum(self._e)

    def toSynramOnDLS(self) -> SynramOnDLS:
        """Return the synapse array of the neuron's hemisphere."""
        return self.toAtomicNeuronOnDLS().toSynramOnDLS()


class CommonNeuronBackendConfigOnDLS(Ranged, max=1):
    """Common backend configuration of a backend half."""

    __slots__ = ()

    def toNeuronBackendConfigBlockOnDLS(self) -> NeuronBackendConfigBlockOnDLS:
        """Return the backend half."""
        return NeuronBackendConfigBlockOnDLS._from_enum(self._e)


class BlockPostPulseOnDLS(Ranged, max=1):
    """Post-pulse trigger of a backend half."""

    __slots__ = ()

    def toNeuronBackendConfigBlockOnDLS(self) -> NeuronBackendConfigBlockOnDLS:
        """Return the backend half."""
        return NeuronBackendConfigBlockOnDLS._from_enum(self._e)


class NeuronResetOnNeuronResetBlock(Ranged, max=255):
    """Neuron inside a reset half."""

    __slots__ = ()


class NeuronResetBlockOnDLS(Ranged, max=1):
    """Reset half (left/right)."""

    __slots__ = ()


class NeuronResetOnDLS(
    Mixin,
    local=NeuronResetOnNeuronResetBlock,
    outer=NeuronResetBlockOnDLS,
    names=("neuron", "block"),
):
    """Reset trigger of one neuron (backend block scheme)."""

    __slots__ = ()


class SpikeCounterReadOnSpikeCounterReadBlock(Ranged, max=255):
    """Neuron inside a spike counter half."""

    __slots__ = ()


class SpikeCounterReadBlockOnDLS(Ranged, max=1):
    """Spike counter half (left/right)."""

    __slots__ = ()


class SpikeCounterReadOnDLS(
    Mixin,
    local=SpikeCounterReadOnSpikeCounterReadBlock,
    outer=SpikeCounterReadBlockOnDLS,
    names=("neuron", "block"),
):
    """Spike counter (read) of one neuron."""

    __slots__ = ()


class SpikeCounterResetOnSpikeCounterResetBlock(Ranged, max=255):
    """Neuron inside a spike counter reset half."""

    __slots__ = ()


class SpikeCounterResetBlockOnDLS(Ranged, max=1):
    """Spike counter reset half (left/right)."""

    __slots__ = ()


class SpikeCounterResetOnDLS(
    Mixin,
    local=SpikeCounterResetOnSpikeCounterResetBlock,
    outer=SpikeCounterResetBlockOnDLS,
    names=("neuron", "block"),
):
    """Spike counter reset of one neuron."""

    __slots__ = ()


class NeuronEventOutputOnNeuronBackendBlock(Ranged, max=3):
    """Event output inside a backend half (32 columns each)."""

    __slots__ = ()


class NeuronEventOutputOnDLS(
    Mixin,
    local=NeuronEventOutputOnNeuronBackendBlock,
    outer=NeuronBackendConfigBlockOnDLS,
    names=("output", "block"),
):
    """One of 8 neuron event outputs (``column // 32``), crossbar inputs 0-7."""

    __slots__ = ()

    def toCrossbarInputOnDLS(self) -> CrossbarInputOnDLS:
        """Return the crossbar input fed by this output (same enum)."""
        from halco._routing import CrossbarInputOnDLS

        return CrossbarInputOnDLS._from_enum(self._e)


class NeuronBackendAddressOut(Ranged, max=255):
    """8-bit output label a neuron puts on its spikes."""

    __slots__ = ()


class NeuronSRAMTimingConfigOnDLS(Ranged, max=3):
    """SRAM timing of a NeuronConfig quadrant."""

    __slots__ = ()


class NeuronBackendSRAMTimingConfigOnDLS(Ranged, max=1):
    """SRAM timing of a backend half."""

    __slots__ = ()


class NeuronBlockOnDLS(Ranged, max=0):
    """All neurons as one block."""

    __slots__ = ()
