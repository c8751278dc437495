"""Analog readout: MADC, pads, readout source selection, current DAC."""

from __future__ import annotations

from halco._base import Ranged

__all__ = [
    "CurrentDACOnDLS",
    "MADCConfigOnDLS",
    "MADCControlOnDLS",
    "PadMultiplexerConfigOnDLS",
    "PadOnDLS",
    "ReadoutChainOnDLS",
    "ReadoutSourceSelectionOnDLS",
    "SourceMultiplexerOnReadoutSourceSelection",
]


class MADCConfigOnDLS(Ranged, max=0):
    """Configuration of the membrane ADC."""

    __slots__ = ()


class MADCControlOnDLS(Ranged, max=0):
    """Control (start, stop, wake-up) of the membrane ADC."""

    __slots__ = ()


class SourceMultiplexerOnReadoutSourceSelection(Ranged, max=1):
    """One of the two MADC input channels."""

    __slots__ = ()


class ReadoutSourceSelectionOnDLS(Ranged, max=0):
    """Readout source selection of both MADC channels."""

    __slots__ = ()


class ReadoutChainOnDLS(Ranged, max=0):
    """The analog readout chain as a whole."""

    __slots__ = ()


class PadOnDLS(Ranged, max=1):
    """One of the two analog pads."""

    __slots__ = ()


class PadMultiplexerConfigOnDLS(Ranged, max=1):
    """Multiplexer configuration of an analog pad."""

    __slots__ = ()


class CurrentDACOnDLS(Ranged, max=0):
    """The on-chip current DAC."""

    __slots__ = ()
