"""Neuron containers: ``NeuronConfig`` (6 words per neuron; reference §2.3, upstream v3 layout)."""

from __future__ import annotations

import enum
from typing import Any

from halco import NeuronConfigOnDLS
from halco.common import Ranged
from haldls._container import Container
from haldls._field import Field, at

__all__ = ["NeuronConfig"]

#: NeuronConfig SRAM bases of the four blocks (NW, NE, SW, SE); neuron n uses base + 2 + 8n + i.
NEURON_SRAM_BASE = (0x0016_0000, 0x0016_8000, 0x0017_0000, 0x0017_8000)


class NeuronConfig(Container):
    """Digital configuration of one AdEx neuron circuit: switches, readout, capacitor size.

    Six words of 8 used bits each. All switches default off.

    >>> c = NeuronConfig(enable_fire=True, membrane_capacitor_size=63)
    >>> [hex(w) for w in c.encode_words()]
    ['0x0', '0x0', '0x0', '0xfc', '0x4', '0x0']
    """

    coordinate_type = NeuronConfigOnDLS
    words = 6

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
