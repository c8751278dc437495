"""The crossbar, synapse driver blocks, CADC readout chains, PPU memories and the whole ``Chip``.

Each aggregate lists its leaves in a fixed visit order; ``Chip`` visits its parts in the order
of its fields. Arrays of leaf containers are encoded as one column batch per array.

>>> chip = Chip()
>>> addresses, words = chip.encode_write_arrays()
>>> len(addresses) == len(words) == len(Chip.address_array())
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from halco import (
    BackgroundSpikeSourceOnDLS,
    CADCOnDLS,
    CapMemBlockConfigOnDLS,
    CapMemOnDLS,
    ChipOnDLS,
    CommonNeuronBackendConfigOnDLS,
    CommonPADIBusConfigOnDLS,
    CommonSTPConfigOnDLS,
    CrossbarNodeOnDLS,
    CrossbarOnDLS,
    CrossbarOutputConfigOnDLS,
    NeuronBlockOnDLS,
    PPUMemoryOnDLS,
    PPUMemoryWordOnDLS,
    PPUMemoryWordOnPPU,
    PPUOnDLS,
    SynapseDriverBlockOnDLS,
    SynapseDriverOnDLS,
    SynapseDriverOnSynapseDriverBlock,
    SynramOnDLS,
)
from halco.common import Coordinate
from haldls._blocks import CrossbarNode, PPUMemoryWord
from haldls._neuron import CommonNeuronBackendConfig
from haldls._struct import StructField
from haldls._synapse_driver import CommonPADIBusConfig, CommonSTPConfig, SynapseDriverConfig
from haldls._system import BackgroundSpikeSource, CapMemBlockConfig, CrossbarOutputConfig
from haldls.lola._base import (
    Aggregate,
    ItemArrayField,
    MatrixField,
    Slot,
    array_slot,
    single_slot,
)
from haldls.lola._neuron import NeuronBlock
from haldls.lola._readout import CADCReadoutChain
from haldls.lola._synapse import SynapseMatrix

__all__ = [
    "CapMem",
    "Chip",
    "Crossbar",
    "PPUMemory",
    "SynapseDriverBlock",
]


def _enum(t: Any) -> Callable[[], list[Coordinate]]:
    return lambda: [t(e) for e in range(t.size)]


class Crossbar(Aggregate):
    """The routing crossbar: 76 ``nodes`` and the ``outputs`` configuration."""

    coordinate_type = CrossbarOnDLS
    nodes = ItemArrayField(CrossbarNodeOnDLS, CrossbarNode)
    outputs = StructField(CrossbarOutputConfig)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield array_slot(CrossbarNode, _enum(CrossbarNodeOnDLS), lambda: self.nodes)
        yield single_slot(CrossbarOutputConfig, CrossbarOutputConfigOnDLS(), self, "outputs")


class SynapseDriverBlock(Aggregate):
    """One hemisphere's 128 synapse drivers with the PADI bus and STP settings."""

    coordinate_type = SynapseDriverBlockOnDLS
    synapse_drivers = ItemArrayField(SynapseDriverOnSynapseDriverBlock, SynapseDriverConfig)
    padi_bus = StructField(CommonPADIBusConfig)
    stp = StructField(CommonSTPConfig)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        def drivers() -> list[Coordinate]:
            return [
                SynapseDriverOnDLS(SynapseDriverOnSynapseDriverBlock(d), coord)
                for d in range(SynapseDriverOnSynapseDriverBlock.size)
            ]

        yield array_slot(SynapseDriverConfig, drivers, lambda: self.synapse_drivers)
        yield single_slot(CommonPADIBusConfig, CommonPADIBusConfigOnDLS(coord._e), self, "padi_bus")
        yield single_slot(CommonSTPConfig, CommonSTPConfigOnDLS(coord._e), self, "stp")


class CapMem(Aggregate):
    """The CapMem blocks' configurations (the cells belong to neurons and other aggregates)."""

    coordinate_type = CapMemOnDLS
    blocks = ItemArrayField(CapMemBlockConfigOnDLS, CapMemBlockConfig)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield array_slot(CapMemBlockConfig, _enum(CapMemBlockConfigOnDLS), lambda: self.blocks)


class PPUMemory(Aggregate):
    """The 4096 words of one PPU's memory as a numpy array (``words``)."""

    coordinate_type = PPUMemoryOnDLS
    words = MatrixField(PPUMemoryWord.Value, (PPUMemoryWordOnPPU.size,))

    def _visit(self, coord: Any) -> Iterator[Slot]:
        ppu = PPUOnDLS(coord._e)
        values = self._values

        def coords() -> list[Coordinate]:
            return [
                PPUMemoryWordOnDLS(PPUMemoryWordOnPPU(w), ppu)
                for w in range(PPUMemoryWordOnPPU.size)
            ]

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            values["words"] = columns["value"].astype(np.int64)

        yield Slot(
            PPUMemoryWord, PPUMemoryWordOnPPU.size, coords, lambda: {"value": values["words"]}, set_
        )


class Chip(Aggregate):
    """Everything on one chip, with the reset state of the containers as its default.

    Write order: crossbar, background sources, CapMem configs, synapse drivers, synapse
    matrices, neurons and their backend blocks, CADC chains, PPU memories.
    """

    coordinate_type = ChipOnDLS
    crossbar = StructField(Crossbar)
    background_spike_sources = ItemArrayField(BackgroundSpikeSourceOnDLS, BackgroundSpikeSource)
    capmem = StructField(CapMem)
    synapse_driver_blocks = ItemArrayField(SynapseDriverBlockOnDLS, SynapseDriverBlock)
    synapse_blocks = ItemArrayField(SynramOnDLS, SynapseMatrix)
    neuron_block = StructField(NeuronBlock)
    neuron_backends = ItemArrayField(CommonNeuronBackendConfigOnDLS, CommonNeuronBackendConfig)
    cadc_readout_chains = ItemArrayField(CADCOnDLS, CADCReadoutChain)
    ppu_memory = ItemArrayField(PPUMemoryOnDLS, PPUMemory)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield from self.crossbar._visit(CrossbarOnDLS())
        yield array_slot(
            BackgroundSpikeSource,
            _enum(BackgroundSpikeSourceOnDLS),
            lambda: self.background_spike_sources,
        )
        yield from self.capmem._visit(CapMemOnDLS())
        for i, block in enumerate(self.synapse_driver_blocks):
            yield from block._visit(SynapseDriverBlockOnDLS(i))
        for i, matrix in enumerate(self.synapse_blocks):
            yield from matrix._visit(SynramOnDLS(i))
        yield from self.neuron_block._visit(NeuronBlockOnDLS())
        yield array_slot(
            CommonNeuronBackendConfig,
            _enum(CommonNeuronBackendConfigOnDLS),
            lambda: self.neuron_backends,
        )
        for i, chain in enumerate(self.cadc_readout_chains):
            yield from chain._visit(CADCOnDLS(i))
        for i, memory in enumerate(self.ppu_memory):
            yield from memory._visit(PPUMemoryOnDLS(i))
