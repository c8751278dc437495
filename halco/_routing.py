"""Event routing: crossbar, background spike sources, spike labels, spike packs, spike IO.

Crossbar inputs: 0-7 neuron event outputs, 8-11 L2 (from FPGA, ``SPL1Address``), 12-19
background spike sources. Outputs: 0-7 PADI buses, 8-11 L2 (to FPGA). 76 nodes exist.
"""

from __future__ import annotations

from typing import Any

from halco._base import BaseType, Coordinate, Grid, Ranged
from halco._neuron import NeuronBackendAddressOut, NeuronEventOutputOnDLS
from halco._synapse import SynapseLabel
from halco._synapse_driver import PADIBusOnDLS, PADIRowSelectAddress

_NEURON_OUTPUTS, _L2, _BACKGROUND, _PADI = 8, 4, 8, 8


__all__ = [
    "BackgroundSpikeSourceOnDLS",
    "CrossbarInputOnDLS",
    "CrossbarL2OutputOnDLS",
    "CrossbarNodeOnDLS",
    "CrossbarOnDLS",
    "CrossbarOutputConfigOnDLS",
    "CrossbarOutputOnDLS",
    "InputRoutingTableEntryOnFPGA",
    "InputRoutingTableOnFPGA",
    "MADCSamplePackFromFPGAOnDLS",
    "NeuronLabel",
    "OutputRoutingTableEntryOnFPGA",
    "OutputRoutingTableOnFPGA",
    "PADILabel",
    "SPL1Address",
    "SpikeIOAddress",
    "SpikeIOConfigOnFPGA",
    "SpikeIOInputRouteOnFPGA",
    "SpikeIOOutputRouteOnFPGA",
    "SpikeLabel",
    "SpikePack1ToChipOnDLS",
    "SpikePack2ToChipOnDLS",
    "SpikePack3ToChipOnDLS",
    "SpikePackFromFPGAOnDLS",
]


class CrossbarOnDLS(Ranged, max=0):
    """The crossbar as a whole."""

    __slots__ = ()


class CrossbarOutputConfigOnDLS(Ranged, max=0):
    """Configuration of all crossbar outputs."""

    __slots__ = ()


class CrossbarL2OutputOnDLS(Ranged, max=3):
    """Crossbar output towards the FPGA (outputs 8-11)."""

    __slots__ = ()

    def toCrossbarOutputOnDLS(self) -> CrossbarOutputOnDLS:
        """Return the crossbar output (``8 + index``)."""
        return CrossbarOutputOnDLS._from_enum(self._e + _PADI)


class CrossbarOutputOnDLS(Ranged, max=11):
    """Crossbar output: 0-7 PADI buses, 8-11 L2 outputs to the FPGA."""

    __slots__ = ()

    def toPADIBusOnDLS(self) -> PADIBusOnDLS | None:
        """Return the PADI bus, or ``None`` for an L2 output."""
        return PADIBusOnDLS._from_enum(self._e) if self._e < _PADI else None

    def toCrossbarL2OutputOnDLS(self) -> CrossbarL2OutputOnDLS | None:
        """Return the L2 output, or ``None`` for a PADI bus."""
        return CrossbarL2OutputOnDLS._from_enum(self._e - _PADI) if self._e >= _PADI else None


class CrossbarInputOnDLS(Ranged, max=19):
    """Crossbar input: 0-7 neuron event outputs, 8-11 L2 from the FPGA, 12-19 background."""

    __slots__ = ()

    def toNeuronEventOutputOnDLS(self) -> NeuronEventOutputOnDLS | None:
        """Return the neuron event output, or ``None`` for other inputs."""
        return NeuronEventOutputOnDLS._from_enum(self._e) if self._e < _NEURON_OUTPUTS else None

    def toSPL1Address(self) -> SPL1Address | None:
        """Return the L2 channel, or ``None`` for other inputs."""
        if _NEURON_OUTPUTS <= self._e < _NEURON_OUTPUTS + _L2:
            return SPL1Address._from_enum(self._e - _NEURON_OUTPUTS)
        return None


def _crossbar_nodes() -> list[tuple[int, int]]:
    """Return the valid (output, input) pairs in row-major order (by input, then output)."""
    nodes = []
    for i in range(20):
        if i < _NEURON_OUTPUTS:  # diagonal to top PADI, bottom PADI and L2
            outs = [i % 4, i % 4 + 4, i % 4 + 8]
        elif i < _NEURON_OUTPUTS + _L2:  # L2 in: all PADI buses and the matching L2 out
            outs = [*range(_PADI), i]
        else:  # background source b: PADI bus b and L2 output b % 4
            b = i - 12
            outs = [b, 8 + b % 4]
        nodes += [(o, i) for o in sorted(outs)]
    return nodes


class CrossbarNodeOnDLS(Grid, x=CrossbarOutputOnDLS, y=CrossbarInputOnDLS, nodes=_crossbar_nodes()):
    """A crossbar node (output x, input y); only the 76 existing nodes can be built."""

    __slots__ = ()


class BackgroundSpikeSourceOnDLS(Ranged, max=7):
    """Background spike source; feeds crossbar input ``12 + index``."""

    __slots__ = ()

    def toCrossbarInputOnDLS(self) -> CrossbarInputOnDLS:
        """Return the crossbar input of the source."""
        return CrossbarInputOnDLS._from_enum(self._e + _NEURON_OUTPUTS + _L2)

    def toPADIBusOnDLS(self) -> PADIBusOnDLS:
        """Return the PADI bus reached directly (same enum)."""
        return PADIBusOnDLS._from_enum(self._e)

    def toCrossbarL2OutputOnDLS(self) -> CrossbarL2OutputOnDLS:
        """Return the L2 output reached (``index % 4``)."""
        return CrossbarL2OutputOnDLS._from_enum(self._e % _L2)


class SPL1Address(Ranged, max=3):
    """One of 4 L2 (SPL1) channels between FPGA and chip."""

    __slots__ = ()

    def toCrossbarInputOnDLS(self) -> CrossbarInputOnDLS:
        """Return the crossbar input (``8 + address``)."""
        return CrossbarInputOnDLS._from_enum(self._e + _NEURON_OUTPUTS)

    def toCrossbarL2OutputOnDLS(self) -> CrossbarL2OutputOnDLS:
        """Return the L2 output of the same channel."""
        return CrossbarL2OutputOnDLS._from_enum(self._e)


class NeuronLabel(Ranged, max=0x3FFF):
    """14-bit event label processed by the crossbar."""

    __slots__ = ()


class PADILabel(Ranged, max=0x7FF):
    """11-bit label (bits 10-0) forwarded on a PADI bus (``SpikeLabel.PADILabel``).

    Decision: reference §1.4 gives bits 10-0 (row select 10-6 and synapse label 5-0 travel
    together on the bus), so the range is 0..0x7FF.
    """

    __slots__ = ()


def _field(lsb: int, width: int, typ: type[Coordinate]) -> property:
    mask = ((1 << width) - 1) << lsb

    def get(self: SpikeLabel) -> Any:
        return typ._from_enum((self._e & mask) >> lsb)

    def set_(self: SpikeLabel, value: object) -> None:
        v = typ._coerce(value, "SpikeLabel", typ.__name__)._e
        self._e = (self._e & ~mask) | (v << lsb)

    return property(get, set_, doc=f"Bits {lsb + width - 1}-{lsb} as {typ.__name__}.")


class SpikeLabel(BaseType, bits=16):
    """16-bit spike label; bit fields are exposed as properties and ``get_x``/``set_x``.

    Unlike other coordinates the fields can be assigned (as in the real bindings), so a label
    should not be mutated while it is a dict key.

    >>> s = SpikeLabel(0); s.neuron_label = NeuronLabel(0x123); s.spl1_address = 2; s
    SpikeLabel(33059)
    """

    __slots__ = ()

    spl1_address = _field(14, 2, SPL1Address)
    neuron_label = _field(0, 14, NeuronLabel)
    padi_label = _field(0, 11, PADILabel)
    row_select_address = _field(6, 5, PADIRowSelectAddress)
    synapse_label = _field(0, 6, SynapseLabel)
    neuron_event_output = _field(8, 3, NeuronEventOutputOnDLS)
    neuron_backend_address_out = _field(0, 8, NeuronBackendAddressOut)

    def toSpikeIOOutputRouteOnFPGA(self) -> SpikeIOOutputRouteOnFPGA:
        """Return the serial spike IO output route (same value)."""
        return SpikeIOOutputRouteOnFPGA._from_enum(self._e)


SpikeLabel.PADILabel = PADILabel  # type: ignore[attr-defined]
for _name in (
    "spl1_address",
    "neuron_label",
    "padi_label",
    "row_select_address",
    "synapse_label",
    "neuron_event_output",
    "neuron_backend_address_out",
):
    _prop = getattr(SpikeLabel, _name)
    setattr(SpikeLabel, "get_" + _name, _prop.fget)
    setattr(SpikeLabel, "set_" + _name, _prop.fset)


class SpikePack1ToChipOnDLS(Ranged, max=0):
    """Destination of a one-spike pack to the chip."""

    __slots__ = ()


class SpikePack2ToChipOnDLS(Ranged, max=0):
    """Destination of a two-spike pack to the chip."""

    __slots__ = ()


class SpikePack3ToChipOnDLS(Ranged, max=0):
    """Destination of a three-spike pack to the chip."""

    __slots__ = ()


class SpikePackFromFPGAOnDLS(Ranged, min=1, max=3):
    """Spike pack size from the FPGA (statistics index)."""

    __slots__ = ()


class MADCSamplePackFromFPGAOnDLS(Ranged, min=1, max=3):
    """MADC sample pack size from the FPGA (statistics index)."""

    __slots__ = ()


class SpikeIOAddress(Ranged, max=255):
    """8-bit serial spike IO address."""

    __slots__ = ()

    def toSpikeIOInputRouteOnFPGA(self) -> SpikeIOInputRouteOnFPGA:
        """Return the input route (same value)."""
        return SpikeIOInputRouteOnFPGA._from_enum(self._e)


class SpikeIOConfigOnFPGA(Ranged, max=0):
    """Serial spike IO configuration."""

    __slots__ = ()


class SpikeIOInputRouteOnFPGA(Ranged, max=255):
    """Serial spike IO input route."""

    __slots__ = ()

    def toSpikeIOAddress(self) -> SpikeIOAddress:
        """Return the address (same value)."""
        return SpikeIOAddress._from_enum(self._e)


class SpikeIOOutputRouteOnFPGA(Ranged, max=0xFFFF):
    """Serial spike IO output route, one per spike label."""

    __slots__ = ()

    def toSpikeLabel(self) -> SpikeLabel:
        """Return the spike label (same value)."""
        return SpikeLabel._from_enum(self._e)


class OutputRoutingTableOnFPGA(Ranged, max=0):
    """Multi-chip output routing table."""

    __slots__ = ()


class InputRoutingTableOnFPGA(Ranged, max=0):
    """Multi-chip input routing table."""

    __slots__ = ()


class OutputRoutingTableEntryOnFPGA(Ranged, max=(1 << 16) - 1):
    """Entry of the output routing table, one per spike label."""

    __slots__ = ()

    def toSpikeLabel(self) -> SpikeLabel:
        """Return the spike label (same value)."""
        return SpikeLabel._from_enum(self._e)


class InputRoutingTableEntryOnFPGA(Ranged, max=(1 << 15) - 1):
    """Entry of the input routing table."""

    __slots__ = ()
