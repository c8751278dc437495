"""Conversions between the "hemisphere-equivalent" coordinates.

Every two-valued ``...OnDLS`` coordinate with top (0) and bottom (1) names one hemisphere, so each
converts to every other with the same enum (``SynramOnDLS.top.toPPUOnDLS() == PPUOnDLS.top``).
"""

from __future__ import annotations

from halco._base import Ranged, _enum_to
from halco._cadc import CADCConfigOnDLS
from halco._chip import HemisphereOnDLS
from halco._neuron import NeuronRowOnDLS
from halco._ppu import PPUControlRegisterOnDLS, PPUMemoryOnDLS, PPUOnDLS, PPUStatusRegisterOnDLS
from halco._synapse import (
    ColumnCorrelationRowOnDLS,
    ColumnCurrentRowOnDLS,
    CommonCorrelationConfigOnDLS,
    CommonSynramConfigOnDLS,
    SynapseBlockOnDLS,
    SynapseCorrelationCalibMatrixOnDLS,
    SynapseLabelMatrixOnDLS,
    SynapseWeightMatrixOnDLS,
    SynramOnDLS,
)
from halco._synapse_driver import (
    CommonPADIBusConfigOnDLS,
    CommonSTPConfigOnDLS,
    CommonSynapseDriverConfigOnDLS,
    PADIBusBlockOnDLS,
    PADIEventOnDLS,
    SynapseDriverBlockOnDLS,
    SynapseDriverSRAMTimingConfigOnDLS,
)

#: The hemisphere-equivalent types (reference §1.1).
HEMISPHERE_EQUIVALENT: tuple[type[Ranged], ...] = (
    SynapseBlockOnDLS, SynapseWeightMatrixOnDLS, SynapseLabelMatrixOnDLS,
    SynapseCorrelationCalibMatrixOnDLS, ColumnCorrelationRowOnDLS, ColumnCurrentRowOnDLS,
    HemisphereOnDLS, PPUOnDLS, CADCConfigOnDLS, PADIEventOnDLS, CommonSynramConfigOnDLS,
    SynramOnDLS, PADIBusBlockOnDLS, CommonPADIBusConfigOnDLS, CommonSTPConfigOnDLS,
    PPUMemoryOnDLS, PPUControlRegisterOnDLS, PPUStatusRegisterOnDLS, SynapseDriverBlockOnDLS,
    SynapseDriverSRAMTimingConfigOnDLS, CommonCorrelationConfigOnDLS, NeuronRowOnDLS,
    CommonSynapseDriverConfigOnDLS,
)  # fmt: skip

for _src in HEMISPHERE_EQUIVALENT:
    for _dst in HEMISPHERE_EQUIVALENT:
        if _dst is not _src and "to" + _dst.__name__ not in _src.__dict__:
            setattr(_src, "to" + _dst.__name__, _enum_to(_dst))
