"""Columnar ADC (CADC) coordinates: one CADC per synram, causal and acausal channel per column."""

from __future__ import annotations

from typing import Any, ClassVar

from halco._base import Mixin, Ranged
from halco._chip import TopBottom
from halco._neuron import NeuronConfigBlockOnDLS
from halco._synapse import (
    SynapseCorrelationCalibQuadOnDLS,
    SynapseLabelQuadOnDLS,
    SynapseOnSynapseRow,
    SynapseQuadOnDLS,
    SynapseQuadOnSynram,
    SynapseRowOnSynram,
    SynapseWeightQuadOnDLS,
    SynramOnDLS,
    _RowOnDLS,
)

__all__ = [
    "CADCChannelColumnOnSynram",
    "CADCChannelConfigOnDLS",
    "CADCChannelConfigOnSynram",
    "CADCChannelType",
    "CADCConfigOnDLS",
    "CADCOffsetSRAMTimingConfigOnDLS",
    "CADCOnDLS",
    "CADCReadoutType",
    "CADCSampleQuadOnDLS",
    "CADCSampleQuadOnSynram",
    "CADCSampleQuadUnspecifiedReadoutOnSynram",
    "CADCSampleRowOnDLS",
    "CADCSamplesOnDLS",
]


class CADCOnDLS(TopBottom):
    """CADC of a synram."""

    __slots__ = ()


class CADCConfigOnDLS(TopBottom):
    """Configuration of a CADC."""

    __slots__ = ()


class CADCOffsetSRAMTimingConfigOnDLS(Ranged, max=3):
    """SRAM timing of the CADC offset memory (per quadrant)."""

    __slots__ = ()


class CADCSamplesOnDLS(Ranged, max=0):
    """All CADC samples of the chip at once."""

    __slots__ = ()


class CADCChannelType(Ranged, max=1):
    """CADC channel: ``causal`` (0) or ``acausal`` (1)."""

    __slots__ = ()
    causal: ClassVar[CADCChannelType]
    acausal: ClassVar[CADCChannelType]


CADCChannelType.causal = CADCChannelType(0)
CADCChannelType.acausal = CADCChannelType(1)


class CADCReadoutType(Ranged, max=1):
    """CADC readout: ``trigger_read`` (0) or ``buffered`` (1)."""

    __slots__ = ()
    trigger_read: ClassVar[CADCReadoutType]
    buffered: ClassVar[CADCReadoutType]


CADCReadoutType.trigger_read = CADCReadoutType(0)
CADCReadoutType.buffered = CADCReadoutType(1)


class CADCChannelColumnOnSynram(Ranged, max=255):
    """CADC channel column, equal to the synapse column."""

    __slots__ = ()


class CADCSampleRowOnDLS(
    _RowOnDLS, local=SynapseRowOnSynram, outer=SynramOnDLS, names=("block", "synram")
):
    """All CADC samples of one synapse row (one lola row read)."""

    __slots__ = ()


class CADCSampleQuadUnspecifiedReadoutOnSynram(
    Mixin, local=SynapseQuadOnSynram, outer=CADCChannelType, names=("quad", "cadc_channel_type")
):
    """Samples of a synapse quad from one channel type, readout type not yet chosen."""

    __slots__ = ()


class CADCSampleQuadOnSynram(
    Mixin,
    local=CADCSampleQuadUnspecifiedReadoutOnSynram,
    outer=CADCReadoutType,
    names=("block", "cadc_readout_type"),
):
    """Samples of a synapse quad: ``(quad, cadc_channel_type, cadc_readout_type=trigger_read)``."""

    __slots__ = ()

    def __new__(cls, *args: object, **kwargs: object) -> Any:
        names = ("quad", "cadc_channel_type", "cadc_readout_type")
        if len(args) + len(kwargs) >= 2 and not isinstance(
            args[0] if args else None, CADCSampleQuadUnspecifiedReadoutOnSynram
        ):
            values = dict(zip(names, args, strict=False))
            unknown = set(kwargs) - set(names) | (set(kwargs) & set(values))
            if len(args) > 3 or unknown:
                raise TypeError(f"CADCSampleQuadOnSynram takes {names}, got {args}, {kwargs}")
            values.update(kwargs)
            local = CADCSampleQuadUnspecifiedReadoutOnSynram(
                values.get("quad"), values.get("cadc_channel_type")
            )
            return super().__new__(cls, local, values.get("cadc_readout_type"))
        return super().__new__(cls, *args, **kwargs)


class CADCSampleQuadOnDLS(
    Mixin, local=CADCSampleQuadOnSynram, outer=SynramOnDLS, names=("block", "synram")
):
    """Four CADC samples read with one 32-bit access."""

    __slots__ = ()

    def toSynapseQuadOnDLS(self) -> SynapseQuadOnDLS:
        """Return the synapse quad sampled."""
        synram, local = self.split()
        quad = local.toCADCSampleQuadUnspecifiedReadoutOnSynram().toSynapseQuadOnSynram()
        return SynapseQuadOnDLS(quad, synram)

    def toSynapseWeightQuadOnDLS(self) -> SynapseWeightQuadOnDLS:
        """Return the weight view of the sampled quad."""
        return self.toSynapseQuadOnDLS().toSynapseWeightQuadOnDLS()

    def toSynapseLabelQuadOnDLS(self) -> SynapseLabelQuadOnDLS:
        """Return the label view of the sampled quad."""
        return self.toSynapseQuadOnDLS().toSynapseLabelQuadOnDLS()

    def toSynapseCorrelationCalibQuadOnDLS(self) -> SynapseCorrelationCalibQuadOnDLS:
        """Return the correlation calibration view of the sampled quad."""
        return self.toSynapseQuadOnDLS().toSynapseCorrelationCalibQuadOnDLS()


class CADCChannelConfigOnSynram(
    Mixin,
    local=CADCChannelColumnOnSynram,
    outer=CADCChannelType,
    names=("quad", "cadc_channel_type"),
):
    """Offset configuration of one CADC channel of a synram."""

    __slots__ = ()

    def toSynapseOnSynapseRow(self) -> SynapseOnSynapseRow:
        """Return the synapse column of the channel."""
        return SynapseOnSynapseRow._from_enum(self._local()._e)


class CADCChannelConfigOnDLS(
    Mixin, local=CADCChannelConfigOnSynram, outer=SynramOnDLS, names=("block", "synram")
):
    """Offset configuration of one of the 1 024 CADC channels."""

    __slots__ = ()

    def toNeuronConfigBlockOnDLS(self) -> NeuronConfigBlockOnDLS:
        """Return the quadrant below the channel (``2 * synram + column // 128``)."""
        synram, local = self.split()
        return NeuronConfigBlockOnDLS._from_enum(2 * synram._e + local._local()._e // 128)
