"""System containers: event routing, CapMem control, PPU status and memory, FPGA registers.

Addresses follow reference §2.2 and the upstream omnibus constants: the SPL1 fabric at
0x0013_0000 (output config, background sources, crossbar nodes, then 20 drop and 12 event
counters), the CapMem block configs at SRAM base + 0x4000 and SRAM timings at base | 0x2800, the
reference generator at MADC base + 18, the FPGA executor registers at 0x8800_0000 and the external
PPU memory at 0x8000_0000. The clock and link containers live in ``haldls._clock`` and are
re-exported here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Self

import numpy as np
import numpy.typing as npt

import fisch
from halco import (
    BackgroundSpikeSourceOnDLS,
    CapMemBlockConfigOnDLS,
    CapMemBlockOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemSRAMTimingConfigOnDLS,
    CrossbarInputOnDLS,
    CrossbarL2OutputOnDLS,
    CrossbarOutputConfigOnDLS,
    CrossbarOutputOnDLS,
    NeuronLabel,
    ReferenceGeneratorConfigOnDLS,
    SystimeSyncBaseOnDLS,
)
from halco.common import Ranged
from haldls._blocks import CAPMEM_SRAM_BASE, CROSSBAR_NODE_BASE
from haldls._clock import CodedField
from haldls._container import Container, _word_int
from haldls._field import ArrayField, Field, Seg, at

__all__ = [
    "BackgroundSpikeSource",
    "CapMemBlockConfig",
    "CapMemSRAMTimingConfig",
    "CrossbarInputDropCounter",
    "CrossbarOutputConfig",
    "CrossbarOutputEventCounter",
    "ReferenceGeneratorConfig",
    "SystimeSyncBase",
]

#: SPL1 fabric (reference §2.2): output config, then 8 background sources of 3 words each.
SPL1_BASE = 0x0013_0000
BACKGROUND_SPIKE_SOURCE_BASE = SPL1_BASE + 1
#: After the 76 crossbar nodes: 20 input drop counters, then 12 output event counters.
CROSSBAR_INPUT_DROP_COUNTER_BASE = CROSSBAR_NODE_BASE + 76
CROSSBAR_OUTPUT_EVENT_COUNTER_BASE = CROSSBAR_INPUT_DROP_COUNTER_BASE + 20
#: The reference generator's nine words follow the MADC registers.
REFERENCE_GENERATOR_BASE = 0x000C_0000 + 18

_FPGA = (fisch.Omnibus,)


# -- routing -------------------------------------------------------------------------------------
class CrossbarOutputConfig(Container):
    """Crossbar outputs: slow mode of the four L2 outputs and the twelve event counters.

    >>> c = CrossbarOutputConfig(); c.enable_slow[1] = True; c.enable_event_counter[11] = True
    >>> hex(c.encode_words()[0])
    '0x8002'
    """

    coordinate_type = CrossbarOutputConfigOnDLS
    base_address = SPL1_BASE
    words = 1
    enable_event_counter = ArrayField(CrossbarOutputOnDLS, bool, lambda i: at(0, 4 + i))
    enable_slow = ArrayField(CrossbarL2OutputOnDLS, bool, lambda i: at(0, i))


class CrossbarInputDropCounter(Container):
    """Events dropped at one crossbar input (read-only, 16 bit)."""

    coordinate_type = CrossbarInputOnDLS
    words = 1
    is_writable = False

    class Value(Ranged, max=0xFFFF):
        """Dropped events."""

        __slots__ = ()

    value = Field(Value, at(0, 0, 16))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [CROSSBAR_INPUT_DROP_COUNTER_BASE + coord._e]


class CrossbarOutputEventCounter(Container):
    """Events passed through one crossbar output (read-only, 24 bit)."""

    coordinate_type = CrossbarOutputOnDLS
    words = 1
    is_writable = False

    class Value(Ranged, max=(1 << 24) - 1):
        """Counted events."""

        __slots__ = ()

    value = Field(Value, at(0, 0, 24))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [CROSSBAR_OUTPUT_EVENT_COUNTER_BASE + coord._e]


class BackgroundSpikeSource(Container):
    """On-chip spike generator (250 MHz): regular every ``period`` cycles or random.

    Three words at base + 1, base + 2, base (base = 0x0013_0001 + 3·i): seed, then mask, rate
    and label, then enables and period last, so that enabling finds the seed already applied.
    """

    coordinate_type = BackgroundSpikeSourceOnDLS
    words = 3

    class Period(Ranged, max=0xFFFF):
        """Cycles between spikes."""

        __slots__ = ()

    class Rate(Ranged, max=0xFF):
        """Spike probability per period in random mode."""

        __slots__ = ()

    class Seed(Ranged, max=0xFFFF_FFFF):
        """Random generator seed."""

        __slots__ = ()

    class Mask(Ranged, max=0xFF):
        """Label bits replaced by random bits."""

        __slots__ = ()

    enable = Field(bool, at(2, 0))
    enable_random = Field(bool, at(2, 1))
    period = Field(Period, at(2, 16, 16))
    rate = Field(Rate, at(1, 8, 8))
    seed = Field(Seed, at(0, 0, 32))
    mask = Field(Mask, at(1, 0, 8))
    neuron_label = Field(NeuronLabel, at(1, 16, 14))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = BACKGROUND_SPIKE_SOURCE_BASE + 3 * coord._e
        return [base + 1, base + 2, base]


# -- CapMem --------------------------------------------------------------------------------------
_ROWS, _COLUMNS = 24, 130
_NO_DEBUG_CELL = _ROWS * _COLUMNS  # raw value of CapMemBlockConfig.DebugReadoutDisabled
_HOT_ROW = np.array([1 << (_ROWS - 1 - r) for r in range(_ROWS)], np.int64)
_HOT_SORTED = np.sort(_HOT_ROW)


def _debug_cell_code(raw: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    # a cell is a one-hot row (bit 23 - row of word 0) plus its column (word 1); none is all zero
    row, column = np.divmod(np.minimum(raw, _NO_DEBUG_CELL - 1), _COLUMNS)
    code = _HOT_ROW[row] | (column << 24)
    return np.where(raw == _NO_DEBUG_CELL, 0, code)


def _debug_cell_value(code: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    hot, column = code & 0xFF_FFFF, code >> 24
    k = np.minimum(np.searchsorted(_HOT_SORTED, hot), _ROWS - 1)
    one_hot = _HOT_SORTED[k] == hot
    cell = (_ROWS - 1 - k) * _COLUMNS + column  # bit k is row 23 - k
    return np.where(code == 0, _NO_DEBUG_CELL, np.where(one_hot & (column < _COLUMNS), cell, -1))


class CapMemBlockConfig(Container):
    """Configuration of one CapMem block: refresh timing, biases and the debug readout.

    Ten words at CapMem SRAM base + 0x4000. The debug readout routes one cell to the analog
    readout: word 0 holds the cell's row one-hot (bit 23 - row), word 1 its column.
    Decision: ``debug_capmem_coord`` holds the cell or ``DebugReadoutDisabled`` (the reset state);
    ``debug_readout_enable`` is derived from it (upstream keeps a separate flag and a cell that a
    write drops while disabled, which no word layout can round trip).

    >>> c = CapMemBlockConfig(debug_capmem_coord=CapMemCellOnCapMemBlock(265))
    >>> c.debug_readout_enable, [hex(w) for w in c.encode_words()[:2]]
    (True, ['0x200000', '0x5'])
    """

    coordinate_type = CapMemBlockConfigOnDLS
    words = 10

    class VRefSelect(enum.IntEnum):
        """Voltage reference routed to the debug readout."""

        disabled = 0
        v_ref_v = 1
        v_ref_i = 2

    class IOutSelect(enum.IntEnum):
        """Current output routed to the debug readout."""

        disabled = 0
        i_out_mux = 1
        i_out_ramp = 2

    class DebugReadoutDisabled(Ranged, min=_NO_DEBUG_CELL, max=_NO_DEBUG_CELL):
        """No cell is routed to the debug readout."""

        __slots__ = ()

    class OutAmpBias(Ranged, max=15):
        """Debug output amplifier bias."""

        __slots__ = ()

    class SourceFollowerBias(Ranged, max=15):
        """Debug source follower bias."""

        __slots__ = ()

    class LevelShifterBias(Ranged, max=15):
        """Debug level shifter bias."""

        __slots__ = ()

    class VGlobalBias(Ranged, max=15):
        """Global voltage bias."""

        __slots__ = ()

    class CurrentCellRes(Ranged, max=63):
        """Current cell resistor setting."""

        __slots__ = ()

    class BoostFactor(Ranged, max=15):
        """Boost factor."""

        __slots__ = ()

    class PrescalePause(Ranged, max=6):
        """Prescaler of the pause counter."""

        __slots__ = ()

    class PrescaleRamp(Ranged, max=6):
        """Prescaler of the ramp."""

        __slots__ = ()

    class SubCounter(Ranged, max=0xFFFF):
        """Sub counter."""

        __slots__ = ()

    class PauseCounter(Ranged, max=0xFFFF_FFFF):
        """Pause between refresh cycles."""

        __slots__ = ()

    class PulseA(Ranged, max=0xFFFF):
        """Refresh pulse A length."""

        __slots__ = ()

    class PulseB(Ranged, max=0xFFFF):
        """Refresh pulse B length."""

        __slots__ = ()

    class BoostA(Ranged, max=0xFFFF):
        """Boost pulse A length."""

        __slots__ = ()

    class BoostB(Ranged, max=0xFFFF):
        """Boost pulse B length."""

        __slots__ = ()

    enable_capmem = Field(bool, at(6, 16), default=True)
    debug_capmem_coord = CodedField(
        (CapMemCellOnCapMemBlock, DebugReadoutDisabled),
        (Seg(0, 0, 24), Seg(1, 0, 32)),
        _debug_cell_code,
        _debug_cell_value,
        default=_NO_DEBUG_CELL,
    )
    debug_v_ref_select = Field(VRefSelect, at(2, 0, 2))
    debug_i_out_select = Field(IOutSelect, at(5, 0, 2))
    debug_out_amp_bias = Field(OutAmpBias, at(3, 12, 4), default=7)
    debug_source_follower_bias = Field(SourceFollowerBias, at(3, 8, 4), default=3)
    debug_level_shifter_bias = Field(LevelShifterBias, at(3, 4, 4), default=3)
    v_global_bias = Field(VGlobalBias, at(3, 0, 4), default=7)
    current_cell_res = Field(CurrentCellRes, at(4, 0, 6), default=8)
    boost_factor = Field(BoostFactor, at(6, 28, 4))
    enable_boost = Field(bool, at(6, 17))
    enable_autoboost = Field(bool, at(6, 18))
    prescale_pause = Field(PrescalePause, at(6, 24, 4), default=3)
    prescale_ramp = Field(PrescaleRamp, at(6, 20, 4), default=3)
    sub_counter = Field(SubCounter, at(6, 0, 16), default=16)
    pause_counter = Field(PauseCounter, at(9, 0, 32), default=8096)
    pulse_a = Field(PulseA, at(7, 16, 16), default=4)
    pulse_b = Field(PulseB, at(7, 0, 16), default=7)
    boost_a = Field(BoostA, at(8, 16, 16))
    boost_b = Field(BoostB, at(8, 0, 16))

    def __init__(self, **fields: Any) -> None:
        enable = fields.pop("debug_readout_enable", None)
        super().__init__(**fields)
        if enable is not None:
            self.debug_readout_enable = enable

    @property
    def debug_readout_enable(self) -> bool:
        """Whether a cell is routed to the debug readout; enabling selects cell 0 if none."""
        return not isinstance(self.debug_capmem_coord, CapMemBlockConfig.DebugReadoutDisabled)

    @debug_readout_enable.setter
    def debug_readout_enable(self, value: bool) -> None:
        if not value:
            self.debug_capmem_coord = _NO_DEBUG_CELL
        elif not self.debug_readout_enable:
            self.debug_capmem_coord = CapMemCellOnCapMemBlock()

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = CAPMEM_SRAM_BASE[coord._e] + 0x4000
        return [base + i for i in range(10)]


def _gray_to_binary(v: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    for shift in (1, 2, 4, 8, 16):
        v = v ^ (v >> shift)
    return v


def _binary_to_gray(v: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return v ^ (v >> 1)


class CapMemSRAMTimingConfig(Container):
    """SRAM access timing of one CapMem block (two words at SRAM base | 0x2800).

    The CapMem's SRAM controller Gray-codes what it stores, so each register word is written
    as the Gray-to-binary transform of the field bits (and read back through binary-to-Gray):
    the whole word, so in word 1 the write width's parity flips the setup time's bits.
    Defaults 8 / 1 / 1 (the generic SRAM controller resets to its maxima).

    >>> CapMemSRAMTimingConfig(read_delay=100, address_setup_time=5, write_width=7).encode_words()
    [71, 89]
    """

    coordinate_type = CapMemSRAMTimingConfigOnDLS
    words = 2

    class ReadDelay(Ranged, max=0xFF):
        """Read delay, 8 bit."""

        __slots__ = ()

    class AddressSetupTime(Ranged, max=15):
        """Address setup time, 4 bit."""

        __slots__ = ()

    class WriteWidth(Ranged, max=15):
        """Write pulse width, 4 bit."""

        __slots__ = ()

    read_delay = Field(ReadDelay, at(0, 0, 8), default=8)
    address_setup_time = Field(AddressSetupTime, at(1, 0, 4), default=1)
    write_width = Field(WriteWidth, at(1, 4, 4), default=1)

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = CAPMEM_SRAM_BASE[coord._e] | 0x2800
        return [base, base + 1]

    def encode_words(self) -> list[int]:
        """Return the register words (Gray-to-binary transformed field bits)."""
        words = np.array(super().encode_words(), np.int64)
        return [int(w) for w in _gray_to_binary(words)]

    @classmethod
    def decode(cls, words: Sequence[Any]) -> Self:
        """Return the container read back from its words (see ``Container.decode``)."""
        raw = np.array([_word_int(w, cls.word_bits) for w in words], np.int64)
        return super().decode([int(w) for w in _binary_to_gray(raw)])

    @classmethod
    def encode_columns(
        cls, columns: Mapping[str, npt.ArrayLike], n: int | None = None
    ) -> npt.NDArray[np.uint32]:
        """Return the register words of N containers (see ``Container.encode_columns``)."""
        words = super().encode_columns(columns, n).astype(np.int64)
        return _gray_to_binary(words).astype(np.uint32)

    @classmethod
    def decode_columns(cls, words: npt.ArrayLike) -> dict[str, npt.NDArray[np.int64]]:
        """Return the raw field values of N containers' words (see ``Container.decode_columns``)."""
        w = np.asarray(words)
        if w.dtype.kind in "iu":
            w = _binary_to_gray(w.astype(np.int64))
        return super().decode_columns(w)


def _six_bit_pairs(word: int) -> Any:
    # entries 0, 1 in words word, word + 1 ... two 6-bit values per word, entry 2k+1 at bit 6
    return lambda i: at(word + i // 2, 6 * (i % 2), 6)


class ReferenceGeneratorConfig(Container):
    """Reference current generator of the CapMem (nine words at 0x000C_0012..0x000C_001A).

    Amplifier, offset and slope settings per CapMem block, two per word, block 1 at bit 6.
    """

    coordinate_type = ReferenceGeneratorConfigOnDLS
    base_address = REFERENCE_GENERATOR_BASE
    words = 9

    class CapMemAmplifier(Ranged, max=63):
        """CapMem reference amplifier current."""

        __slots__ = ()

    class CapMemOffset(Ranged, max=63):
        """CapMem reference offset current."""

        __slots__ = ()

    class CapMemSlope(Ranged, max=63):
        """CapMem reference slope current."""

        __slots__ = ()

    class ReferenceControl(Ranged, max=63):
        """Reference current control."""

        __slots__ = ()

    class ResistorControl(Ranged, max=63):
        """Reference resistor control."""

        __slots__ = ()

    enable_internal_reference = Field(bool, at(0, 12), default=True)
    enable_reference_output = Field(bool, at(0, 13))
    enable_reference_input = Field(bool, at(0, 14))
    capmem_amplifier = ArrayField(CapMemBlockOnDLS, CapMemAmplifier, _six_bit_pairs(3), default=40)
    capmem_offset = ArrayField(CapMemBlockOnDLS, CapMemOffset, _six_bit_pairs(5), default=1)
    capmem_slope = ArrayField(CapMemBlockOnDLS, CapMemSlope, _six_bit_pairs(7), default=11)
    reference_control = Field(ReferenceControl, at(1, 6, 6), default=10)
    resistor_control = Field(ResistorControl, at(2, 0, 6), default=40)
    enable_reset = Field(bool, at(0, 15))


class SystimeSyncBase(Container):
    """Chip systime loaded by the next systime sync (43 bit; low word at 0x0, high at 0x1)."""

    coordinate_type = SystimeSyncBaseOnDLS
    base_address = 0x0
    words = 2

    class Value(Ranged, max=(1 << 43) - 1):
        """Initial chip systime in FPGA cycles."""

        __slots__ = ()

    value = Field(Value, (Seg(0, 0, 32), Seg(1, 0, 11)))
