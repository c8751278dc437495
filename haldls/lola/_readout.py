"""Readout aggregates: the CADC readout chains.

>>> import halco
>>> chain = CADCReadoutChain()
>>> len(chain.encode_array(halco.CADCOnDLS(0)))
513
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from halco import (
    CADCChannelConfigOnDLS,
    CADCChannelConfigOnSynram,
    CADCConfigOnDLS,
    CADCOnDLS,
    SynramOnDLS,
)
from halco.common import Coordinate
from haldls._readout import CADCChannelConfig, CADCConfig
from haldls._struct import StructField
from haldls.lola._base import Aggregate, ItemArrayField, Slot, array_slot, single_slot

__all__ = ["CADCReadoutChain"]


class CADCReadoutChain(Aggregate):
    """One CADC: the 512 channel offsets of its synram (causal and acausal) and its config."""

    coordinate_type = CADCOnDLS
    channels = ItemArrayField(CADCChannelConfigOnSynram, CADCChannelConfig)
    config = StructField(CADCConfig)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        synram = SynramOnDLS(coord._e)

        def channels() -> list[Coordinate]:
            return [
                CADCChannelConfigOnDLS(CADCChannelConfigOnSynram(i), synram)
                for i in range(CADCChannelConfigOnSynram.size)
            ]

        yield array_slot(CADCChannelConfig, channels, lambda: self.channels)
        yield single_slot(CADCConfig, CADCConfigOnDLS(coord._e), self, "config")
