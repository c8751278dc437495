"""The crossbar, synapse driver blocks, CapMem, external PPU memory and the whole ``Chip``.

Each aggregate lists its leaves in a fixed visit order; ``Chip`` visits its parts in the order
of its fields. Arrays of leaf containers are encoded as one column batch per array.

>>> chip = Chip()
>>> addresses, words = chip.encode_write_arrays()
>>> len(addresses) == len(words) == len(Chip.address_array())
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from halco import (
    BackgroundSpikeSourceOnDLS,
    CADCOnDLS,
    CapMemBlockConfigOnDLS,
    CapMemBlockOnDLS,
    CapMemBlockOnHemisphere,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    CapMemOnDLS,
    ChipOnDLS,
    CommonPADIBusConfigOnDLS,
    CommonSTPConfigOnDLS,
    CrossbarNodeOnDLS,
    CrossbarOnDLS,
    CrossbarOutputConfigOnDLS,
    ExternalPPUMemoryOnFPGA,
    ExternalPPUMemoryQuadOnFPGA,
    NeuronBlockOnDLS,
    PPUMemoryOnDLS,
    ReadoutChainOnDLS,
    ReferenceGeneratorConfigOnDLS,
    SynapseBiasSelectionOnDLS,
    SynapseBlockOnDLS,
    SynapseDriverBlockOnDLS,
    SynapseDriverOnDLS,
    SynapseDriverOnSynapseDriverBlock,
    UnusedCapMemCellOnDLS,
)
from halco.common import Coordinate
from haldls._blocks import CrossbarNode
from haldls._ppu import ExternalPPUMemoryQuad
from haldls._struct import StructField
from haldls._synapse import SynapseBiasSelection
from haldls._synapse_driver import CommonPADIBusConfig, CommonSTPConfig, SynapseDriverConfig
from haldls._system import (
    BackgroundSpikeSource,
    CapMemBlockConfig,
    CrossbarOutputConfig,
    ReferenceGeneratorConfig,
)
from haldls.lola._base import (
    Aggregate,
    AnalogValueVariant,
    ItemArrayField,
    MatrixField,
    Slot,
    ValueArrayField,
    analog,
    array_slot,
    cell_slot,
    single_slot,
)
from haldls.lola._composite import PPUMemory
from haldls.lola._neuron_block import NeuronBlock
from haldls.lola._readout import CADCReadoutChain
from haldls.lola._readout_chain import ReadoutChain
from haldls.lola._synapse import SynapseBlock
from haldls.lola._table import TableArrayField, table_slot

__all__ = [
    "CapMem",
    "Chip",
    "Crossbar",
    "ExternalPPUMemory",
    "SynapseDriverBlock",
]


def _enum(t: Any) -> Callable[[], list[Coordinate]]:
    return lambda: [t(e) for e in range(t.size)]


class Crossbar(Aggregate):
    """The routing crossbar: 76 ``nodes`` and the ``outputs`` configuration."""

    coordinate_type = CrossbarOnDLS
    nodes = TableArrayField(CrossbarNodeOnDLS, CrossbarNode)
    outputs = StructField(CrossbarOutputConfig)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield table_slot(CrossbarNode, _enum(CrossbarNodeOnDLS), lambda: self.nodes)
        yield single_slot(CrossbarOutputConfig, CrossbarOutputConfigOnDLS(), self, "outputs")


def _stp_values(doc: str) -> ValueArrayField:
    return ValueArrayField(CapMemBlockOnHemisphere, AnalogValueVariant, 0, doc)


#: The STP CapMem values of a driver block, per CapMem block of its hemisphere, in visit order.
_STP_CELLS = (
    "stp_v_charge_0",
    "stp_v_charge_1",
    "stp_v_recover_0",
    "stp_v_recover_1",
    "stp_i_bias_comparator",
    "stp_i_ramp",
    "stp_i_calib",
)


@functools.cache
def _driver_block_cells(e: int) -> list[tuple[Coordinate, str, int | None]]:
    side = "top" if e == 0 else "bottom"
    return [
        (
            CapMemCellOnDLS(getattr(CapMemCellOnCapMemBlock, name), CapMemBlockOnDLS(2 * e + b)),
            name,
            b,
        )
        for b in range(CapMemBlockOnHemisphere.size)
        for name in _STP_CELLS
    ] + [
        (getattr(CapMemCellOnDLS, f"stp_ibias_readout_{side}"), "stp_i_bias_readout", None),
        (getattr(CapMemCellOnDLS, f"hagen_ibias_dac_{side}"), "hagen_i_bias_dac", None),
    ]


class SynapseDriverBlock(Aggregate):
    """One hemisphere's 128 synapse drivers with the PADI bus, STP and their analog biases.

    The STP values are typed arrays over ``CapMemBlockOnHemisphere``; ``stp_i_bias_readout``
    and ``hagen_i_bias_dac`` are the hemisphere's single cells (defaults 0, as upstream).
    """

    coordinate_type = SynapseDriverBlockOnDLS
    synapse_drivers = TableArrayField(SynapseDriverOnSynapseDriverBlock, SynapseDriverConfig)
    padi_bus = StructField(CommonPADIBusConfig)
    stp = StructField(CommonSTPConfig)
    stp_v_charge_0 = _stp_values("STP charge voltage of the synapses' 0 state.")
    stp_v_charge_1 = _stp_values("STP charge voltage of the synapses' 1 state.")
    stp_v_recover_0 = _stp_values("STP recovery voltage, state 0.")
    stp_v_recover_1 = _stp_values("STP recovery voltage, state 1.")
    stp_i_bias_comparator = _stp_values("STP comparator bias.")
    stp_i_ramp = _stp_values("STP ramp current.")
    stp_i_calib = _stp_values("STP calibration current.")
    stp_i_bias_readout = analog(0, "STP readout bias of the hemisphere.")
    hagen_i_bias_dac = analog(0, "Hagen-mode DAC bias of the hemisphere.")

    def _visit(self, coord: Any) -> Iterator[Slot]:
        def drivers() -> list[Coordinate]:
            return [
                SynapseDriverOnDLS(SynapseDriverOnSynapseDriverBlock(d), coord)
                for d in range(SynapseDriverOnSynapseDriverBlock.size)
            ]

        yield table_slot(SynapseDriverConfig, drivers, lambda: self.synapse_drivers)
        yield single_slot(CommonPADIBusConfig, CommonPADIBusConfigOnDLS(coord._e), self, "padi_bus")
        yield single_slot(CommonSTPConfig, CommonSTPConfigOnDLS(coord._e), self, "stp")
        yield cell_slot(self, _driver_block_cells(coord._e))


@functools.cache
def _unused_cells() -> list[tuple[Coordinate, str, int | None]]:
    return [
        (UnusedCapMemCellOnDLS(i).toCapMemCellOnDLS(), "unused_cells", i)
        for i in range(UnusedCapMemCellOnDLS.size)
    ]


class CapMem(Aggregate):
    """The CapMem configuration: block configs, bias selection, reference, unused cells.

    ``unused_cells`` are the 90 cells no other aggregate uses (default 0). The cells of
    neurons, synapses, drivers and readout belong to those aggregates.
    """

    coordinate_type = CapMemOnDLS
    blocks = ItemArrayField(CapMemBlockConfigOnDLS, CapMemBlockConfig)
    synapse_bias_selection = StructField(SynapseBiasSelection)
    reference_generator = StructField(ReferenceGeneratorConfig)
    unused_cells = ValueArrayField(UnusedCapMemCellOnDLS, AnalogValueVariant, 0)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield array_slot(CapMemBlockConfig, _enum(CapMemBlockConfigOnDLS), lambda: self.blocks)
        yield single_slot(
            SynapseBiasSelection, SynapseBiasSelectionOnDLS(), self, "synapse_bias_selection"
        )
        yield single_slot(
            ReferenceGeneratorConfig, ReferenceGeneratorConfigOnDLS(), self, "reference_generator"
        )
        yield cell_slot(self, _unused_cells())


class ExternalPPUMemory(Aggregate):
    """The PPUs' memory on the FPGA (128 KiB) as a numpy byte array (``bytes``).

    Visits its 32,768 ``ExternalPPUMemoryQuad`` words; byte 4q + k is entry k of quad q.
    """

    coordinate_type = ExternalPPUMemoryOnFPGA
    bytes = MatrixField(ExternalPPUMemoryQuad.Value, (4 * ExternalPPUMemoryQuadOnFPGA.size,))

    def _visit(self, coord: Any) -> Iterator[Slot]:
        values = self._values
        n = ExternalPPUMemoryQuadOnFPGA.size

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            values["bytes"] = columns["quad"].reshape(-1).astype(np.uint8)

        yield Slot(
            ExternalPPUMemoryQuad,
            n,
            _enum(ExternalPPUMemoryQuadOnFPGA),
            lambda: {"quad": values["bytes"].reshape(n, 4)},
            set_,
        )


class Chip(Aggregate):
    """Everything on one chip, with the reset state of the containers as its default.

    Write order, as upstream: crossbar, background sources, CapMem, synapse driver blocks,
    synapse blocks, neuron block, CADC chains, readout chain, PPU memories, external PPU memory.
    """

    coordinate_type = ChipOnDLS
    crossbar = StructField(Crossbar)
    background_spike_sources = TableArrayField(BackgroundSpikeSourceOnDLS, BackgroundSpikeSource)
    capmem = StructField(CapMem)
    synapse_driver_blocks = ItemArrayField(SynapseDriverBlockOnDLS, SynapseDriverBlock)
    synapse_blocks = ItemArrayField(SynapseBlockOnDLS, SynapseBlock)
    neuron_block = StructField(NeuronBlock)
    cadc_readout_chains = ItemArrayField(CADCOnDLS, CADCReadoutChain)
    readout_chain = StructField(ReadoutChain)
    ppu_memory = ItemArrayField(PPUMemoryOnDLS, PPUMemory)
    external_ppu_memory = StructField(ExternalPPUMemory)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield from self.crossbar._visit(CrossbarOnDLS())
        yield table_slot(
            BackgroundSpikeSource,
            _enum(BackgroundSpikeSourceOnDLS),
            lambda: self.background_spike_sources,
        )
        yield from self.capmem._visit(CapMemOnDLS())
        for i, block in enumerate(self.synapse_driver_blocks):
            yield from block._visit(SynapseDriverBlockOnDLS(i))
        for i, synapses in enumerate(self.synapse_blocks):
            yield from synapses._visit(SynapseBlockOnDLS(i))
        yield from self.neuron_block._visit(NeuronBlockOnDLS())
        for i, chain in enumerate(self.cadc_readout_chains):
            yield from chain._visit(CADCOnDLS(i))
        yield from self.readout_chain._visit(ReadoutChainOnDLS())
        for i, memory in enumerate(self.ppu_memory):
            yield from memory._visit(PPUMemoryOnDLS(i))
        yield from self.external_ppu_memory._visit(ExternalPPUMemoryOnFPGA())
