"""Synapse-driver and PADI-bus containers: driver config, SRAM timing, PADI event and bus config.

Addresses follow reference §2.2 (PADI registers at 0x0011_0000 / 0x0011_8000, driver SRAM at
0x0011_0400 / 0x0011_8400). Bit positions, defaults and the hardware's inverted or reversed
bits follow the upstream haldls sources. Re-exported by ``haldls._synapse``.
"""

from __future__ import annotations

import enum
from typing import Any

from halco import (
    CommonPADIBusConfigOnDLS,
    CommonSTPConfigOnDLS,
    PADIBusOnPADIBusBlock,
    PADIEventOnDLS,
    PADIRowSelectAddress,
    SynapseDriverOnDLS,
    SynapseDriverSRAMTimingConfigOnDLS,
    SynapseLabel,
)
from halco.common import Ranged
from haldls._container import Container
from haldls._field import ArrayField, Field, Seg, at
from haldls._neuron import _SRAMTimingConfig

__all__ = [
    "CommonPADIBusConfig",
    "CommonSTPConfig",
    "PADIEvent",
    "SynapseDriverConfig",
    "SynapseDriverSRAMTimingConfig",
]

PADI_BASE = (0x0011_0000, 0x0011_8000)  # PADIEvent +0, CommonPADIBusConfig +1, CommonSTPConfig +2
SYNAPSE_DRIVER_SRAM_BASE = (0x0011_0400, 0x0011_8400)  # driver d of a block: base + 4d + i
SYNAPSE_DRIVER_SRAM_TIMING_OFFSET = 0x202


class SynapseDriverConfig(Container):
    """Configuration of one synapse driver: PADI receiver, STP, row modes, HAGEN DAC (3 words).

    Hardware quirks: ``recovery`` is stored bit-reversed; ``hagen_dac_offset``,
    ``enable_address_out`` and ``enable_charge_sharing`` are stored inverted; each row mode is
    split into an excitatory and an inhibitory enable bit. Reads are unsupported in simulation.

    >>> c = SynapseDriverConfig(recovery=7, hagen_dac_offset=21)
    >>> [hex(w) for w in c.encode_words()]
    ['0x3e00', '0x2a0e', '0x40']
    """

    coordinate_type = SynapseDriverOnDLS
    unsupported_read_targets = frozenset({"simulation"})
    words = 3

    class Utilization(Ranged, max=15):
        """STP utilization."""

        __slots__ = ()

    class Offset(Ranged, max=15):
        """STP offset."""

        __slots__ = ()

    class Recovery(Ranged, max=15):
        """STP recovery."""

        __slots__ = ()

    class HagenDACOffset(Ranged, max=63):
        """Offset of the HAGEN-mode DAC."""

        __slots__ = ()

    class TargetVoltages(Ranged, max=1):
        """Which of the two STP target voltage sets to use."""

        __slots__ = ()

    class RowAddressCompareMask(Ranged, max=31):
        """Bits of the row select address compared with the driver's index."""

        __slots__ = ()

    class RowMode(enum.IntEnum):
        """Synaptic input a synapse row drives (bit 0 excitatory, bit 1 inhibitory)."""

        disabled = 0
        excitatory = 1
        inhibitory = 2
        excitatory_and_inhibitory = 3

    #: Value bit i of ``recovery`` goes to register bit RECOVERY_PERMUTATION[i].
    RECOVERY_PERMUTATION = (3, 2, 1, 0)

    # word 0: utilization 0-3, offset 4-7, hagen 8, mask 9-13, address_out 14 (inv), receiver 15
    enable_receiver = Field(bool, at(0, 15))
    row_address_compare_mask = Field(RowAddressCompareMask, at(0, 9, 5), default=31)
    enable_address_out = Field(bool, at(0, 14), default=True, invert=True)
    utilization = Field(Utilization, at(0, 0, 4))
    offset = Field(Offset, at(0, 4, 4))
    enable_hagen_dac = Field(bool, at(0, 8))
    # word 1: recovery 0-3 (reversed), excitatory bottom/top 4/5, inhibitory bottom/top 6/7,
    # hagen_dac_offset 8-13 (inverted)
    recovery = Field(Recovery, at(1, 0, 4), perm=RECOVERY_PERMUTATION)
    row_mode_bottom = Field(RowMode, (Seg(1, 4, 1), Seg(1, 6, 1)))
    row_mode_top = Field(RowMode, (Seg(1, 5, 1), Seg(1, 7, 1)))
    hagen_dac_offset = Field(HagenDACOffset, at(1, 8, 6), invert=True)
    # word 2 (bit 5 unused; charge sharing inverted)
    select_target_voltages = Field(TargetVoltages, at(2, 0))
    enable_readout = Field(bool, at(2, 1))
    enable_renewing = Field(bool, at(2, 2))
    enable_hagen_modulation = Field(bool, at(2, 3))
    enable_stp = Field(bool, at(2, 4))
    enable_charge_sharing = Field(bool, at(2, 6), invert=True)
    enable_recovery = Field(bool, at(2, 7))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = SYNAPSE_DRIVER_SRAM_BASE[coord.toSynapseDriverBlockOnDLS()._e]
        driver = coord.toSynapseDriverOnSynapseDriverBlock()._e
        return [base + 4 * driver + i for i in range(3)]


class SynapseDriverSRAMTimingConfig(Container):
    """SRAM controller timing of a synapse driver block (two words at the SRAM base | 0x202).

    Same layout as ``NeuronSRAMTimingConfig`` but ``read_delay`` defaults to 192 (upstream).
    Write-only here: upstream marks its reads unsupported on hardware and in simulation.
    """

    coordinate_type = SynapseDriverSRAMTimingConfigOnDLS
    words = 2
    is_readable = False
    ReadDelay = _SRAMTimingConfig.ReadDelay
    AddressSetupTime = _SRAMTimingConfig.AddressSetupTime
    WriteWidth = _SRAMTimingConfig.WriteWidth

    read_delay = Field(ReadDelay, at(0, 0, 8), default=192)
    address_setup_time = Field(AddressSetupTime, at(1, 0, 4), default=15)
    write_width = Field(WriteWidth, at(1, 4, 4), default=15)

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = SYNAPSE_DRIVER_SRAM_BASE[coord._e] | SYNAPSE_DRIVER_SRAM_TIMING_OFFSET
        return [base, base + 1]


class PADIEvent(Container):
    """A synaptic event sent by software onto the PADI buses of a hemisphere; write only.

    ``hagen_address`` (MSB) and ``hagen_activation`` (5 LSBs) are views of ``event_address``.

    >>> e = PADIEvent(fire_bus=[True, False, False, True], event_address=5)
    >>> e.hagen_activation = 3; e.row_select_address = 2
    >>> hex(e.encode_words()[0])
    '0x830009'
    """

    coordinate_type = PADIEventOnDLS
    words = 1
    is_readable = False
    EventAddress = SynapseLabel
    RowSelectAddress = PADIRowSelectAddress

    class HagenAddress(Ranged, max=1):
        """MSB of the event address in HAGEN mode."""

        __slots__ = ()

    class HagenActivation(Ranged, max=31):
        """Five LSBs of the event address in HAGEN mode."""

        __slots__ = ()

    fire_bus = ArrayField(PADIBusOnPADIBusBlock, bool, lambda b: at(0, b))
    event_address = Field(SynapseLabel, at(0, 16, 6))
    row_select_address = Field(PADIRowSelectAddress, at(0, 22, 5))

    @property
    def hagen_address(self) -> PADIEvent.HagenAddress:
        """MSB of ``event_address``."""
        return self.HagenAddress(int(self.event_address) >> 5)

    @hagen_address.setter
    def hagen_address(self, value: Any) -> None:
        v = int(self.HagenAddress._coerce(value, "PADIEvent", "hagen_address"))
        self.event_address = (v << 5) | (int(self.event_address) & 0x1F)

    @property
    def hagen_activation(self) -> PADIEvent.HagenActivation:
        """Five LSBs of ``event_address``."""
        return self.HagenActivation(int(self.event_address) & 0x1F)

    @hagen_activation.setter
    def hagen_activation(self, value: Any) -> None:
        v = int(self.HagenActivation._coerce(value, "PADIEvent", "hagen_activation"))
        self.event_address = v | (int(self.event_address) & 0x20)

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [PADI_BASE[coord._e]]


class CommonPADIBusConfig(Container):
    """Per-bus configuration of the four PADI buses of a hemisphere.

    Reads are unsupported on hardware (simulation only).
    """

    coordinate_type = CommonPADIBusConfigOnDLS
    words = 1
    unsupported_read_targets = frozenset({"hardware"})

    class DacenPulseExtension(Ranged, max=15):
        """Extension of the DAC enable pulse."""

        __slots__ = ()

    enable_spl1 = ArrayField(PADIBusOnPADIBusBlock, bool, lambda b: at(0, b))
    enable_extended_timing = ArrayField(PADIBusOnPADIBusBlock, bool, lambda b: at(0, 4 + b))
    dacen_pulse_extension = ArrayField(
        PADIBusOnPADIBusBlock, DacenPulseExtension, lambda b: at(0, 16 + 4 * b, 4)
    )

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [PADI_BASE[coord._e] + 1]


class CommonSTPConfig(Container):
    """Short-term plasticity recovery clock of a hemisphere's synapse drivers.

    Write-only here: upstream marks its reads unsupported on hardware and in simulation.
    """

    coordinate_type = CommonSTPConfigOnDLS
    words = 1
    is_readable = False

    class RecoveryClockSpeed(Ranged, max=15):
        """Recovery clock divider."""

        __slots__ = ()

    enable_recovery_clock = Field(bool, at(0, 4))
    recovery_clock_speed = Field(RecoveryClockSpeed, at(0, 0, 4))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [PADI_BASE[coord._e] + 2]
