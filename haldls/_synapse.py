"""Synapse-array containers: quad views, synram config, column switches, correlation.

Addresses follow reference §2.2 (PPU subtrees at 0x0200_0000 / 0x0300_0000 with the synapse
access window at +0x00C0_0000). Bit positions, defaults and the hardware's inverted bits follow
the upstream haldls sources. The synapse-driver and PADI containers live in
``haldls._synapse_driver``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from halco import (
    CapMemBlockOnDLS,
    CapMemBlockOnHemisphere,
    ColumnCorrelationQuadOnDLS,
    ColumnCurrentQuadOnDLS,
    CommonCorrelationConfigOnDLS,
    CommonSynramConfigOnDLS,
    CorrelationResetOnDLS,
    EntryOnQuad,
    SynapseBiasSelectionOnDLS,
    SynapseCorrelationCalibQuadOnDLS,
    SynapseLabel,
    SynapseLabelQuadOnDLS,
    SynapseWeightQuadOnDLS,
)
from halco.common import Ranged, TypedArray
from haldls._blocks import SYNAPSE_QUAD_BASE, SynapseQuad
from haldls._container import Container
from haldls._field import ArrayField, Field, at
from haldls._struct import Struct, StructArrayField

__all__ = [
    "ColumnCorrelationQuad",
    "ColumnCurrentQuad",
    "CommonCorrelationConfig",
    "CommonSynramConfig",
    "CorrelationReset",
    "SynapseBiasSelection",
    "SynapseCorrelationCalibQuad",
    "SynapseLabelQuad",
    "SynapseWeightQuad",
]

#: PPU subtrees (top, bottom): CommonSynramConfig at +0, CommonCorrelationConfig at +0x20_0000.
PPU_SUBTREE_BASE = (0x0200_0000, 0x0300_0000)
CORRELATION_CONFIG_OFFSET = 0x0020_0000
#: Synapse access windows (subtree + 0xC0_0000) and the views inside them.
SYNAPSE_ACCESS_BASE = (0x02C0_0000, 0x03C0_0000)
WEIGHT_OFFSET = 0x0_0000  # weight-only view, 1 word per quad
EVEN_2MSB_OFFSET = 0x1_0000  # the two upper bits of each synapse byte, word 0 of a 2-word view
ODD_2MSB_OFFSET = 0x2_0000  # ... word 1
LABEL_OFFSET = 0x4_0000  # label-only view, 1 word per quad
CORRELATION_RESET_OFFSET = 0x9_0000
QUADS_PER_SYNRAM = 16384  # the column registers lie behind the 16 384 quads of a view
QUAD_COLUMNS = 64
SYNAPSE_BIAS_SELECTION_ADDRESS = 0x0010_0000


def _byte(entry: int) -> int:
    """Lowest bit of a quad entry's byte: entry 0 in the top byte, entry 3 in the bottom one."""
    return 8 * (3 - entry)


def _quad(coord: Any) -> tuple[int, int, int]:
    """Return (synram, row, quad column) of a quad coordinate."""
    quad = coord.toSynapseQuadOnSynram()
    return coord.toSynramOnDLS()._e, quad.y()._e, quad.x()._e


class _PartlyInvertedArrayField(ArrayField):
    """An array field whose ``flip_entries`` the hardware stores inverted; one default per entry.

    (``Field(invert=True)`` inverts every entry; here only some are.)
    """

    def __init__(
        self,
        key: Any,
        typ: Any,
        placement: Any,
        flip_entries: tuple[int, ...],
        defaults: Sequence[Any],
        doc: str = "",
    ) -> None:
        super().__init__(key, typ, placement, doc=doc)
        self.entry_defaults = tuple(defaults)
        self.flipped = [s for i in flip_entries for s in self.entry_segs[i]]

    def fresh_default(self) -> TypedArray[Any]:
        return self.make_array(self.entry_defaults)

    def encode_into(self, value: Any, words: list[int]) -> None:
        own = [0] * len(words)
        super().encode_into(value, own)
        for s in self.flipped:
            own[s.word] ^= s.mask
        for i, w in enumerate(own):
            words[i] |= w

    def decode_from(self, words: Sequence[int]) -> TypedArray[Any]:
        flipped = list(words)
        for s in self.flipped:
            flipped[s.word] ^= s.mask
        return super().decode_from(flipped)

    def encode_array(self, raw: npt.ArrayLike, out: npt.NDArray[np.int64]) -> None:
        own = np.zeros_like(out)
        super().encode_array(raw, own)
        for s in self.flipped:
            own[:, s.word] ^= s.mask
        out |= own

    def decode_array(self, words: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        flipped = words.copy()
        for s in self.flipped:
            flipped[:, s.word] ^= s.mask
        return super().decode_array(flipped)


# -- synapse array views -------------------------------------------------------------------------


class SynapseWeightQuad(Container):
    """The weights of four synapses (the weight-only view of a ``SynapseQuad``, one word).

    Bits are permuted as in ``SynapseQuad`` (MSB kept, five LSBs reversed).

    >>> [hex(w) for w in SynapseWeightQuad(values=[1, 0, 0, 32]).encode_words()]
    ['0x10000020']
    """

    coordinate_type = SynapseWeightQuadOnDLS
    words = 1
    Value = SynapseQuad.Weight

    values = ArrayField(
        EntryOnQuad, Value, lambda e: at(0, _byte(e), 6), perm=SynapseQuad.WEIGHT_PERMUTATION
    )

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        synram, row, col = _quad(coord)
        return [SYNAPSE_ACCESS_BASE[synram] + WEIGHT_OFFSET + row * QUAD_COLUMNS + col]


class SynapseLabelQuad(Container):
    """The labels of four synapses (the label-only view of a ``SynapseQuad``, one word)."""

    coordinate_type = SynapseLabelQuadOnDLS
    words = 1
    Value = SynapseLabel

    values = ArrayField(EntryOnQuad, SynapseLabel, lambda e: at(0, _byte(e), 6))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        synram, row, col = _quad(coord)
        return [SYNAPSE_ACCESS_BASE[synram] + LABEL_OFFSET + row * QUAD_COLUMNS + col]


class SynapseCorrelationCalibQuad(Container):
    """The correlation calibration bits of four synapses (two words).

    The "2-MSB" views place each 2-bit value in the low bits of its entry's byte: word 0 holds
    the time calibrations, word 1 the amplitude calibrations.
    """

    coordinate_type = SynapseCorrelationCalibQuadOnDLS
    words = 2
    TimeCalib = SynapseQuad.TimeCalib
    AmpCalib = SynapseQuad.AmpCalib

    time_calibs = ArrayField(EntryOnQuad, TimeCalib, lambda e: at(0, _byte(e), 2))
    amp_calibs = ArrayField(EntryOnQuad, AmpCalib, lambda e: at(1, _byte(e), 2))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        synram, row, col = _quad(coord)
        offset = SYNAPSE_ACCESS_BASE[synram] + row * QUAD_COLUMNS + col
        return [offset + EVEN_2MSB_OFFSET, offset + ODD_2MSB_OFFSET]


class CorrelationReset(Container):
    """Reset the correlation accumulators of four synapses; write only, no fields (word 0)."""

    coordinate_type = CorrelationResetOnDLS
    words = 1
    is_readable = False

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        synram, row, col = _quad(coord)
        return [SYNAPSE_ACCESS_BASE[synram] + CORRELATION_RESET_OFFSET + row * QUAD_COLUMNS + col]


# -- synram-wide and column configuration --------------------------------------------------------


class CommonSynramConfig(Container):
    """SRAM timing of a synapse array: precharge and wordline delays per half, counter clear.

    Defaults (8, 3, 4) are the upstream ones; per-chip values come from calibration.
    """

    coordinate_type = CommonSynramConfigOnDLS
    words = 3

    class PCConf(Ranged, max=15):
        """Precharge setting; larger is shorter."""

        __slots__ = ()

    class WConf(Ranged, max=255):
        """Wordline activation delay; larger is shorter."""

        __slots__ = ()

    class WaitCtrClear(Ranged, max=7):
        """Wait counter clear value."""

        __slots__ = ()

    pc_conf_west = Field(PCConf, at(0, 0, 4), default=8)
    pc_conf_east = Field(PCConf, at(0, 4, 4), default=8)
    w_conf_west = Field(WConf, at(1, 0, 8), default=3)
    w_conf_east = Field(WConf, at(1, 8, 8), default=3)
    wait_ctr_clear = Field(WaitCtrClear, at(2, 0, 3), default=4)

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = PPU_SUBTREE_BASE[coord._e]
        return [base, base + 1, base + 2]


#: Lowest bit of each CapMem block's nibble in SynapseBiasSelection (output, store, ramp, dac).
_BIAS_NIBBLE = (4, 0, 12, 8)


class SynapseBiasSelection(Container):
    """Whether the synapse arrays use their internal biases, per CapMem block (all on by default).

    Write-only here: upstream marks its reads unsupported on hardware and in simulation.
    """

    coordinate_type = SynapseBiasSelectionOnDLS
    base_address = SYNAPSE_BIAS_SELECTION_ADDRESS
    words = 1
    is_readable = False

    enable_internal_dac_bias = ArrayField(
        CapMemBlockOnDLS, bool, lambda q: at(0, _BIAS_NIBBLE[q] + 3), default=True
    )
    enable_internal_ramp_bias = ArrayField(
        CapMemBlockOnDLS, bool, lambda q: at(0, _BIAS_NIBBLE[q] + 2), default=True
    )
    enable_internal_store_bias = ArrayField(
        CapMemBlockOnDLS, bool, lambda q: at(0, _BIAS_NIBBLE[q] + 1), default=True
    )
    enable_internal_output_bias = ArrayField(
        CapMemBlockOnDLS, bool, lambda q: at(0, _BIAS_NIBBLE[q]), default=True
    )


class _SwitchQuad(Container, register=False):
    """Shared ``get_switch``/``set_switch`` of the column switch quads."""

    switches: Any

    def get_switch(self, entry: Any) -> Any:
        """Return a copy of the switch of column ``entry`` (an ``EntryOnQuad`` or int)."""
        return self.switches[entry].copy()

    def set_switch(self, entry: Any, value: Any) -> None:
        """Set the switch of column ``entry`` (a copy of ``value`` is stored)."""
        self.switches[entry] = value


#: (word, bit within the entry's byte) of each ColumnCorrelationSwitch member.
_CORRELATION_SWITCH_BITS = {
    "enable_internal_causal": (0, 6),
    "enable_internal_acausal": (0, 7),
    "enable_debug_causal": (1, 6),
    "enable_debug_acausal": (1, 7),
    "enable_cadc_neuron_readout_causal": (2, 5),
    "enable_cadc_neuron_readout_acausal": (3, 5),
}


class ColumnCorrelationQuad(_SwitchQuad):
    """Correlation readout switches of four synapse columns (four words).

    The words lie behind the synapse views: two after the full-quad and column-current words,
    one each in the weight and label views.

    >>> q = ColumnCorrelationQuad()
    >>> q.switches[0].enable_internal_causal = True
    >>> [hex(w) for w in q.encode_words()]
    ['0x40000000', '0x0', '0x0', '0x0']
    """

    coordinate_type = ColumnCorrelationQuadOnDLS
    words = 4

    class ColumnCorrelationSwitch(Struct):
        """Connections of one column's causal/acausal correlation lines."""

        __slots__ = ()
        enable_internal_causal = Field(bool, doc="Causal line to the CADC channel.")
        enable_internal_acausal = Field(bool, doc="Acausal line to the CADC channel.")
        enable_debug_causal = Field(bool, doc="Causal line to the debug readout.")
        enable_debug_acausal = Field(bool, doc="Acausal line to the debug readout.")
        enable_cadc_neuron_readout_causal = Field(bool, doc="Neuron to the causal CADC channel.")
        enable_cadc_neuron_readout_acausal = Field(bool, doc="Neuron to the acausal CADC channel.")

    switches = StructArrayField(
        EntryOnQuad,
        ColumnCorrelationSwitch,
        lambda e, m: at(_CORRELATION_SWITCH_BITS[m][0], _byte(e) + _CORRELATION_SWITCH_BITS[m][1]),
    )

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        synram, col = coord.toSynramOnDLS()._e, coord.toSynapseQuadColumnOnDLS()._e
        access = SYNAPSE_ACCESS_BASE[synram]
        # behind the 2-word quads and the 2-word column current quads of the full view
        full = SYNAPSE_QUAD_BASE[synram] + 2 * QUADS_PER_SYNRAM + 2 * QUAD_COLUMNS + col
        return [
            full,
            full + QUAD_COLUMNS,
            access + WEIGHT_OFFSET + QUADS_PER_SYNRAM + col,
            access + LABEL_OFFSET + QUADS_PER_SYNRAM + col,
        ]


#: (word, bit within the entry's byte) of each ColumnCurrentSwitch member.
_CURRENT_SWITCH_BITS = {
    "enable_synaptic_current_excitatory": (0, 0),
    "enable_synaptic_current_inhibitory": (0, 1),
    "enable_debug_excitatory": (1, 0),
    "enable_debug_inhibitory": (1, 1),
}


class ColumnCurrentQuad(_SwitchQuad):
    """Synaptic current switches of four synapse columns (two words in the 2-MSB views)."""

    coordinate_type = ColumnCurrentQuadOnDLS
    words = 2

    class ColumnCurrentSwitch(Struct):
        """Connections of one column's excitatory/inhibitory synaptic current lines."""

        __slots__ = ()
        enable_synaptic_current_excitatory = Field(bool, doc="Excitatory current to the neuron.")
        enable_synaptic_current_inhibitory = Field(bool, doc="Inhibitory current to the neuron.")
        enable_debug_excitatory = Field(bool, doc="Excitatory current to the debug line.")
        enable_debug_inhibitory = Field(bool, doc="Inhibitory current to the debug line.")

    switches = StructArrayField(
        EntryOnQuad,
        ColumnCurrentSwitch,
        lambda e, m: at(_CURRENT_SWITCH_BITS[m][0], _byte(e) + _CURRENT_SWITCH_BITS[m][1]),
    )

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        synram, col = coord.toSynramOnDLS()._e, coord.toSynapseQuadColumnOnDLS()._e
        offset = SYNAPSE_ACCESS_BASE[synram] + QUADS_PER_SYNRAM + col
        return [offset + EVEN_2MSB_OFFSET, offset + ODD_2MSB_OFFSET]


class CommonCorrelationConfig(Container):
    """Correlation sensing and reset timing of a synapse array, and the CADC ramp offset sources.

    ``cadc_v_offset_assignment[b]`` names the CapMem block whose ``v_offset`` feeds the ramp of
    block ``b`` (default: each its own). The hardware stores the right entry inverted (bit 1 set
    means "left"), the left entry directly (bit 2).

    >>> c = CommonCorrelationConfig(cadc_v_offset_assignment=[0, 0])
    >>> c.encode_words()
    [1, 200, 5, 2]
    """

    coordinate_type = CommonCorrelationConfigOnDLS
    words = 4

    class SenseDelay(Ranged, max=4095):
        """PPU cycles between connecting a synapse to the CADC and sampling."""

        __slots__ = ()

    class ResetDuration(Ranged, max=4095):
        """Correlation reset duration in PPU cycles (plus 3)."""

        __slots__ = ()

    class ResetFallTime(Ranged, max=4095):
        """PPU cycles waited after the column reset ends."""

        __slots__ = ()

    class ResetMode(enum.IntEnum):
        """Correlation reset mode."""

        normal = 0
        auto_calibrating = 1

    sense_delay = Field(SenseDelay, at(0, 0, 12), default=1)
    reset_duration = Field(ResetDuration, at(1, 0, 12), default=200)
    reset_fall_time = Field(ResetFallTime, at(2, 0, 12), default=5)
    reset_mode = Field(ResetMode, at(3, 0))
    cadc_v_offset_assignment = _PartlyInvertedArrayField(
        CapMemBlockOnHemisphere,
        CapMemBlockOnHemisphere,
        lambda b: at(3, 2 - b),
        flip_entries=(1,),
        defaults=(0, 1),
        doc="Source block of each block's CADC ramp offset.",
    )

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = PPU_SUBTREE_BASE[coord._e] + CORRELATION_CONFIG_OFFSET
        return [base + i for i in range(4)]
