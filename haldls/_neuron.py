"""Neuron containers: per-neuron configuration and backend, triggers, spike counters, SRAM timing.

Addresses and word layouts follow reference §2.2-§2.4 and the upstream v3 sources. The neuron
backend SRAM stores ``address_out`` and ``refractory_time`` bit-inverted and split over words
(``Field(..., invert=True)``).
"""

from __future__ import annotations

import enum
from typing import Any

from halco import (
    BlockPostPulseOnDLS,
    CommonNeuronBackendConfigOnDLS,
    NeuronBackendAddressOut,
    NeuronBackendConfigOnDLS,
    NeuronBackendSRAMTimingConfigOnDLS,
    NeuronConfigOnDLS,
    NeuronEventOutputOnNeuronBackendBlock,
    NeuronResetOnDLS,
    NeuronResetQuadOnDLS,
    NeuronSRAMTimingConfigOnDLS,
    SpikeCounterReadOnDLS,
    SpikeCounterResetOnDLS,
    SynapseQuadColumnOnDLS,
    SynapseRowOnSynram,
)
from halco.common import Ranged
from haldls._container import Container
from haldls._field import ArrayField, Field, Seg, at

__all__ = [
    "BlockPostPulse",
    "CommonNeuronBackendConfig",
    "NeuronBackendConfig",
    "NeuronBackendSRAMTimingConfig",
    "NeuronConfig",
    "NeuronReset",
    "NeuronResetQuad",
    "NeuronSRAMTimingConfig",
    "SpikeCounterRead",
    "SpikeCounterReset",
]

#: NeuronConfig SRAM bases of the four blocks (NW, NE, SW, SE); neuron n uses base + 2 + 8n + i.
NEURON_SRAM_BASE = (0x0016_0000, 0x0016_8000, 0x0017_0000, 0x0017_8000)
#: NeuronBackendConfig SRAM bases (west, east); neuron n uses base + 4n + i.
NEURON_BACKEND_SRAM_BASE = (0x001A_1000, 0x001A_9000)
#: CommonNeuronBackendConfig register bases (west, east).
NEURON_BACKEND_REGISTER_BASE = (0x001A_1800, 0x001A_9800)
#: NeuronReset bases (left, right); SpikeCounterRead at | 0x800, SpikeCounterReset at | 0xC00.
NEURON_RESET_BASE = (0x0012_2000, 0x0012_A000)
#: BlockPostPulse trigger addresses (left, right).
BLOCK_POST_PULSE_ADDRESS = (0x0012_2400, 0x0012_A400)
#: Correlation reset bases (top, bottom synram); NeuronResetQuad uses the row past the last one.
CORRELATION_RESET_BASE = (0x02C9_0000, 0x03C9_0000)
#: Offset of the SRAM timing registers from their SRAM's base (NeuronConfig and backend).
SRAM_TIMING_OFFSET = 0x402


class NeuronConfig(Container):
    """Digital configuration of one AdEx neuron circuit: switches, readout, capacitor size.

    Six words of 8 used bits each. All switches default off. Reads are unsupported in
    simulation.

    >>> c = NeuronConfig(enable_fire=True, membrane_capacitor_size=63)
    >>> [hex(w) for w in c.encode_words()]
    ['0x0', '0x0', '0x0', '0xfc', '0x4', '0x0']
    """

    coordinate_type = NeuronConfigOnDLS
    words = 6
    unsupported_read_targets = frozenset({"simulation"})

    class MembraneCapacitorSize(Ranged, max=63):
        """Membrane capacitor size, 0..63 (about 2.3 pF at 63)."""

        __slots__ = ()

    class ReadoutSource(enum.IntEnum):
        """Signal routed to the readout."""

        membrane = 0
        exc_synin = 1
        inh_synin = 2
        adaptation = 3

    # word 0
    enable_reset_degeneration = Field(bool, at(0, 0))
    enable_reset_division = Field(bool, at(0, 1))
    enable_reset_multiplication = Field(bool, at(0, 2))
    enable_leak_degeneration = Field(bool, at(0, 3))
    enable_leak_division = Field(bool, at(0, 4))
    enable_leak_multiplication = Field(bool, at(0, 5))
    enable_strong_fire = Field(bool, at(0, 6))
    # word 1
    enable_synaptic_input_inhibitory_coba_mode = Field(bool, at(1, 1))
    enable_synaptic_input_excitatory_coba_mode = Field(bool, at(1, 2))
    enable_unbuffered_access = Field(bool, at(1, 3))
    enable_readout_amplifier = Field(bool, at(1, 4))
    readout_source = Field(ReadoutSource, at(1, 5, 2))
    enable_readout = Field(bool, at(1, 7))
    # word 2
    invert_adaptation_b = Field(bool, at(2, 0))
    invert_adaptation_a = Field(bool, at(2, 1))
    enable_adaptation = Field(bool, at(2, 2))
    enable_exponential = Field(bool, at(2, 3))
    enable_synaptic_input_inhibitory_small_capacitance = Field(bool, at(2, 4))
    enable_synaptic_input_excitatory_small_capacitance = Field(bool, at(2, 5))
    enable_synaptic_input_inhibitory_high_resistance = Field(bool, at(2, 6))
    enable_synaptic_input_excitatory_high_resistance = Field(bool, at(2, 7))
    # word 3
    enable_membrane_offset = Field(bool, at(3, 0))
    membrane_capacitor_size = Field(MembraneCapacitorSize, at(3, 2, 6))
    # word 4
    invert_membrane_offset = Field(bool, at(4, 0))
    enable_fire = Field(bool, at(4, 2))
    enable_threshold_comparator = Field(bool, at(4, 3))
    enable_synaptic_input_inhibitory = Field(bool, at(4, 4))
    enable_synaptic_input_excitatory = Field(bool, at(4, 5))
    enable_bypass_inhibitory = Field(bool, at(4, 6))
    enable_bypass_excitatory = Field(bool, at(4, 7))
    # word 5 (the hardware calls bit 0 "connect_somata": the soma to the right neighbour's)
    connect_soma_right = Field(bool, at(5, 0))
    connect_bottom = Field(bool, at(5, 1))
    enable_multicomp_conductance = Field(bool, at(5, 2))
    connect_membrane_right = Field(bool, at(5, 3))
    connect_soma = Field(bool, at(5, 4))
    enable_multiply_multicomp_conductance_bias = Field(bool, at(5, 5))
    enable_divide_multicomp_conductance_bias = Field(bool, at(5, 6))
    enable_pause = Field(bool, at(5, 7))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = NEURON_SRAM_BASE[coord.toNeuronConfigBlockOnDLS()._e]
        n = coord.toNeuronConfigOnNeuronConfigBlock()._e
        return [base + 2 + 8 * n + i for i in range(6)]


class NeuronBackendConfig(Container):
    """Digital backend of one neuron: spike output label, refractory period, multi-compartment fire.

    Four words of 8 used bits each. ``address_out`` and ``refractory_time`` are stored inverted and
    split over two words (MSBs first); ``reset_holdoff`` is split LSBs first (upstream v3 layout).

    >>> [hex(w) for w in NeuronBackendConfig().encode_words()]
    ['0xff', '0xff', '0xbc', '0x0']
    """

    coordinate_type = NeuronBackendConfigOnDLS
    words = 4

    AddressOut = NeuronBackendAddressOut

    class ResetHoldoff(Ranged, max=15):
        """When the reset is released within the refractory period (higher: later), 4 bit."""

        __slots__ = ()

    class RefractoryTime(Ranged, max=255):
        """Refractory period in cycles of the selected input clock, 8 bit."""

        __slots__ = ()

    class InputClock(Ranged, max=1):
        """Which of the two backend clocks (slow 0, fast 1) drives the refractory counter."""

        __slots__ = ()

    # value bits 0-1 in word 1 bits 4-5, bits 2-7 in word 0 bits 0-5; stored inverted
    address_out = Field(AddressOut, (Seg(1, 4, 2), Seg(0, 0, 6)), invert=True)
    # value bits 0-1 in word 0 bits 6-7, bits 2-3 in word 1 bits 6-7
    reset_holdoff = Field(ResetHoldoff, (Seg(0, 6, 2), Seg(1, 6, 2)), default=15)
    # value bits 0-3 in word 2 bits 2-5, bits 4-7 in word 1 bits 0-3; stored inverted
    refractory_time = Field(RefractoryTime, (Seg(2, 2, 4), Seg(1, 0, 4)), invert=True)
    post_overwrite = Field(bool, at(2, 0))
    select_input_clock = Field(InputClock, at(2, 1))
    enable_adaptation_pulse = Field(bool, at(2, 6))
    enable_bayesian_extension = Field(bool, at(2, 7), default=True)
    enable_neuron_slave = Field(bool, at(3, 0))
    connect_fire_bottom = Field(bool, at(3, 1))
    connect_fire_from_right = Field(bool, at(3, 2))
    connect_fire_to_right = Field(bool, at(3, 3))
    enable_spike_out = Field(bool, at(3, 4))
    enable_neuron_master = Field(bool, at(3, 5))
    enable_bayesian_0 = Field(bool, at(3, 7))  # bit 7; bayesian_1 is bit 6
    enable_bayesian_1 = Field(bool, at(3, 6))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = NEURON_BACKEND_SRAM_BASE[coord.toNeuronBackendConfigBlockOnDLS()._e]
        n = coord.toNeuronBackendConfigOnNeuronBackendConfigBlock()._e
        return [base + 4 * n + i for i in range(4)]


class CommonNeuronBackendConfig(Container):
    """Shared settings of a neuron backend block: clocks, event registers, access wait times.

    Defaults are upstream's: event registers and clocks on, clock scales 0, positive-edge sampling
    on all four event outputs, waits 1 / 4 / 112 / 4 cycles.
    """

    coordinate_type = CommonNeuronBackendConfigOnDLS
    words = 2

    class ClockScale(Ranged, max=15):
        """Divider setting of one of the backend clocks, 4 bit."""

        __slots__ = ()

    class WaitGlobalPostPulse(Ranged, max=255):
        """Wait cycles of a block post pulse, 8 bit."""

        __slots__ = ()

    class WaitSpikeCounterReset(Ranged, max=255):
        """Wait cycles of a spike counter reset, 8 bit."""

        __slots__ = ()

    class WaitSpikeCounterRead(Ranged, max=255):
        """Wait cycles of a spike counter read, 8 bit."""

        __slots__ = ()

    class WaitFireNeuron(Ranged, max=255):
        """Wait cycles of a software-triggered neuron fire, 8 bit."""

        __slots__ = ()

    enable_event_registers = Field(bool, at(0, 0), default=True)
    force_reset = Field(bool, at(0, 1))
    enable_clocks = Field(bool, at(0, 2), default=True)
    clock_scale_slow = Field(ClockScale, at(0, 4, 4))
    clock_scale_fast = Field(ClockScale, at(0, 8, 4))
    # upstream exposes this array only through get_/set_sample_positive_edge (kept below)
    sample_positive_edge = ArrayField(
        NeuronEventOutputOnNeuronBackendBlock, bool, lambda e: at(0, 12 + e), default=True
    )
    clock_scale_adaptation_pulse = Field(ClockScale, at(0, 16, 4))
    clock_scale_post_pulse = Field(ClockScale, at(0, 20, 4))
    wait_global_post_pulse = Field(WaitGlobalPostPulse, at(1, 0, 8), default=1)
    wait_spike_counter_reset = Field(WaitSpikeCounterReset, at(1, 8, 8), default=4)
    wait_spike_counter_read = Field(WaitSpikeCounterRead, at(1, 16, 8), default=112)
    wait_fire_neuron = Field(WaitFireNeuron, at(1, 24, 8), default=4)

    def get_sample_positive_edge(self, coord: Any) -> bool:
        """Return whether event output ``coord`` samples on the positive clock edge."""
        return bool(self.sample_positive_edge[coord])

    def set_sample_positive_edge(self, coord: Any, value: bool) -> None:
        """Set whether event output ``coord`` samples on the positive clock edge."""
        self.sample_positive_edge[coord] = value

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = NEURON_BACKEND_REGISTER_BASE[coord._e]
        return [base, base + 1]


class NeuronReset(Container):
    """Write-only trigger: reset one neuron's membrane (the written word is ignored; 0 is sent)."""

    coordinate_type = NeuronResetOnDLS
    is_readable = False

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = NEURON_RESET_BASE[coord.toNeuronResetBlockOnDLS()._e]
        return [base + 4 * coord.toNeuronResetOnNeuronResetBlock()._e]


class NeuronResetQuad(Container):
    """Write-only trigger: reset the four neurons of a synapse quad column at once.

    Known hardware issue: this also resets the correlation of the quad in synapse row 0. The
    register sits one row past the last correlation reset row of the synram.
    """

    coordinate_type = NeuronResetQuadOnDLS
    is_readable = False

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = CORRELATION_RESET_BASE[coord.toSynramOnDLS()._e]
        rows = SynapseRowOnSynram.size * SynapseQuadColumnOnDLS.size
        return [base + rows + coord.toSynapseQuadColumnOnDLS()._e]


class BlockPostPulse(Container):
    """Write-only trigger: send a post pulse to all neurons of a backend block (word ignored)."""

    coordinate_type = BlockPostPulseOnDLS
    is_readable = False

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [BLOCK_POST_PULSE_ADDRESS[coord._e]]


class SpikeCounterRead(Container):
    """Read-only spike counter of one neuron: 8-bit count and an overflow flag.

    >>> SpikeCounterRead.decode([0x1FF])
    SpikeCounterRead(count=255, overflow=True)
    """

    coordinate_type = SpikeCounterReadOnDLS
    is_writable = False

    class Count(Ranged, max=255):
        """Spikes counted since the last reset, 8 bit."""

        __slots__ = ()

    count = Field(Count, at(0, 0, 8))
    overflow = Field(bool, at(0, 8))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = NEURON_RESET_BASE[coord.toSpikeCounterReadBlockOnDLS()._e] | 0x800
        return [base + 4 * coord.toSpikeCounterReadOnSpikeCounterReadBlock()._e]


class SpikeCounterReset(Container):
    """Write-only trigger: clear one neuron's spike counter (the written word is ignored)."""

    coordinate_type = SpikeCounterResetOnDLS
    is_readable = False

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = NEURON_RESET_BASE[coord.toSpikeCounterResetBlockOnDLS()._e] | 0xC00
        return [base + 4 * coord.toSpikeCounterResetOnSpikeCounterResetBlock()._e]


class _SRAMTimingConfig(Container, register=False):
    """Timing of a full-custom SRAM's controller: read delay, address setup, write pulse width.

    Two words: read delay in word 0 bits 0-7; address setup time in word 1 bits 0-3 and write
    width in bits 4-7. All default to their maximum (slowest, safest timing).
    """

    words = 2

    class ReadDelay(Ranged, max=255):
        """Cycles from enable to sampling the read data, 8 bit."""

        __slots__ = ()

    class AddressSetupTime(Ranged, max=15):
        """Cycles the address settles before enable, 4 bit."""

        __slots__ = ()

    class WriteWidth(Ranged, max=15):
        """Cycles enable stays on for a write, 4 bit."""

        __slots__ = ()

    read_delay = Field(ReadDelay, at(0, 0, 8), default=255)
    address_setup_time = Field(AddressSetupTime, at(1, 0, 4), default=15)
    write_width = Field(WriteWidth, at(1, 4, 4), default=15)


class NeuronSRAMTimingConfig(_SRAMTimingConfig):
    """SRAM timing of a NeuronConfig block (two words at the block's SRAM base | 0x402)."""

    coordinate_type = NeuronSRAMTimingConfigOnDLS

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = NEURON_SRAM_BASE[coord._e] | SRAM_TIMING_OFFSET
        return [base, base + 1]


class NeuronBackendSRAMTimingConfig(_SRAMTimingConfig):
    """SRAM timing of a neuron backend block (two words at the backend SRAM base | 0x402).

    Write-only here: upstream marks its reads unsupported on hardware and in simulation.
    """

    coordinate_type = NeuronBackendSRAMTimingConfigOnDLS
    is_readable = False

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = NEURON_BACKEND_SRAM_BASE[coord._e] | SRAM_TIMING_OFFSET
        return [base, base + 1]
