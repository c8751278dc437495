"""What comes back besides register values: times, spikes, MADC samples, notifications.

Times are FPGA clock cycles at 125 MHz in 43 bits (``FPGATime``, ``ChipTime``; they wrap after
about 19.5 h). Spikes and MADC samples are returned as numpy structured arrays with the real
stack's dtypes (reference §2.5); the classes here describe one element.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from halco import PhyStatusOnFPGA, SpikeLabel
from halco.common import Ranged

__all__ = [
    "MADC_SAMPLE_DTYPE",
    "SPIKE_DTYPE",
    "ChipTime",
    "FPGATime",
    "HighspeedLinkNotification",
    "MADCSampleFromChip",
    "SpikeFromChip",
    "TimeoutNotification",
]

#: Bits of the system time (FPGATime, ChipTime) and its mask.
SYSTIME_BITS = 43
SYSTIME_MASK = (1 << SYSTIME_BITS) - 1
#: FPGA clock cycles per microsecond of hardware time.
FPGA_CLOCK_CYCLES_PER_US = 125

#: ``SpikeFromChip`` array dtype (packed, as ``spikes.to_numpy()`` of the real stack).
SPIKE_DTYPE = np.dtype([("label", "<u2"), ("fpga_time", "<u8"), ("chip_time", "<u8")])
#: ``MADCSampleFromChip`` array dtype (packed).
MADC_SAMPLE_DTYPE = np.dtype(
    [("value", "<u2"), ("channel", "u1"), ("fpga_time", "<u8"), ("chip_time", "<u8")]
)


class FPGATime(Ranged, max=SYSTIME_MASK):
    """FPGA system time of a response, in FPGA clock cycles (125 MHz, 43 bit)."""

    __slots__ = ()


class ChipTime(Ranged, max=SYSTIME_MASK):
    """Chip system time of an event, in FPGA clock cycles (125 MHz, 43 bit)."""

    __slots__ = ()


@attrs.frozen
class SpikeFromChip:
    """One spike from the chip: its label and when it was seen (FPGA and chip time)."""

    label: SpikeLabel = attrs.field(factory=SpikeLabel, converter=SpikeLabel)
    fpga_time: FPGATime = attrs.field(factory=FPGATime, converter=FPGATime)
    chip_time: ChipTime = attrs.field(factory=ChipTime, converter=ChipTime)

    @classmethod
    def from_numpy(cls, row: Any) -> SpikeFromChip:
        """Return the spike of one row of a ``SPIKE_DTYPE`` array."""
        return cls(int(row["label"]), int(row["fpga_time"]), int(row["chip_time"]))


@attrs.frozen
class MADCSampleFromChip:
    """One MADC sample: a 10-bit value, its channel (0 or 1) and its times."""

    class Value(Ranged, max=0x3FF):
        """Sample value, 10 bit."""

        __slots__ = ()

    class Channel(Ranged, max=1):
        """MADC input channel."""

        __slots__ = ()

    value: Value = attrs.field(factory=Value, converter=Value)
    channel: Channel = attrs.field(factory=Channel, converter=Channel)
    fpga_time: FPGATime = attrs.field(factory=FPGATime, converter=FPGATime)
    chip_time: ChipTime = attrs.field(factory=ChipTime, converter=ChipTime)

    @classmethod
    def from_numpy(cls, row: Any) -> MADCSampleFromChip:
        """Return the sample of one row of a ``MADC_SAMPLE_DTYPE`` array."""
        return cls(
            int(row["value"]), int(row["channel"]), int(row["fpga_time"]), int(row["chip_time"])
        )


@attrs.frozen
class HighspeedLinkNotification:
    """A change of a chip-FPGA highspeed link's state (8-bit raw value)."""

    value: int
    fpga_time: FPGATime = attrs.field(factory=FPGATime, converter=FPGATime)

    @property
    def phy(self) -> PhyStatusOnFPGA:
        """The link (bits 7-5)."""
        return PhyStatusOnFPGA(self.value >> 5)

    @property
    def link_up(self) -> bool:
        """Bit 4."""
        return bool(self.value >> 4 & 1)

    @property
    def decode_error(self) -> bool:
        """Bit 3."""
        return bool(self.value >> 3 & 1)

    @property
    def crc_error(self) -> bool:
        """Bit 2."""
        return bool(self.value >> 2 & 1)

    @property
    def crc_recover(self) -> bool:
        """Bit 1."""
        return bool(self.value >> 1 & 1)

    @property
    def check_error(self) -> bool:
        """Bit 0."""
        return bool(self.value & 1)


@attrs.frozen
class TimeoutNotification:
    """The playback executor gave up on an instruction (default timeout 10 ms)."""

    #: Index of the timed-out instruction in the program.
    value: int
    #: Trace stalls in the executor's sliding window (at most 96).
    trace_stall: int = 0
    #: Omnibus reads still in flight (at most 52).
    omnibus_reads: int = 0
    fpga_time: FPGATime = attrs.field(factory=FPGATime, converter=FPGATime)
