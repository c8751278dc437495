"""Analog readout containers: CADC, MADC, readout multiplexers, pads and the current DAC.

Addresses and word layouts follow reference §2.2/§2.4 and the upstream v3 sources. Two storage
quirks need field kinds of their own: the CADC channel offset is kept offset-binary
(``offset + 128``) and the current DAC's two MSBs as a thermometer code (``_CodedField``); a
readout buffer's switches include per-hemisphere pairs, so ``ReadoutSourceSelection.buffers`` is
a struct array whose members may be arrays themselves (``_NestedStructArrayField``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

import fisch
from halco import (
    CADCChannelConfigOnDLS,
    CADCConfigOnDLS,
    CADCOffsetSRAMTimingConfigOnDLS,
    CADCSampleQuadOnDLS,
    CapMemBlockOnDLS,
    CurrentDACOnDLS,
    EntryOnQuad,
    HemisphereOnDLS,
    MADCConfigOnDLS,
    MADCControlOnDLS,
    PadMultiplexerConfigOnDLS,
    ReadoutSourceSelectionOnDLS,
    SourceMultiplexerOnReadoutSourceSelection,
    SynapticInputOnNeuron,
)
from halco.common import Ranged, TypedArray
from haldls._container import Container
from haldls._field import (
    ArrayField,
    CodedField,
    Field,
    Seg,
    at,
)
from haldls._neuron import _SRAMTimingConfig
from haldls._struct import Struct, StructArrayField

__all__ = [
    "CADCChannelConfig",
    "CADCConfig",
    "CADCOffsetSRAMTimingConfig",
    "CADCSampleQuad",
    "CurrentDAC",
    "MADCConfig",
    "MADCControl",
    "PadMultiplexerConfig",
    "ReadoutSourceSelection",
]

#: CADC register block of the top and bottom PPU subtree (reference §2.2).
CADC_BASE = (0x0240_0000, 0x0340_0000)
#: Offsets from ``CADC_BASE``: channel offset SRAM east/west halves and the bus register.
CADC_SRAM_EAST, CADC_SRAM_WEST, CADC_BUSREG = 0x0, 0x800, 0x1000
#: Offset of an offset SRAM's timing registers from the SRAM's base.
CADC_SRAM_TIMING = 0x102
#: CADC sample bases of [synram][channel type (causal, acausal)]; ``| 0x20_0000`` reads buffered.
CADC_SAMPLE_BASE = ((0x02C8_0000, 0x02CC_0000), (0x03C8_0000, 0x03CC_0000))
CADC_BUFFERED = 0x0020_0000
#: MADC register block: control +0, config +1..10, current DAC +11, readout selection +12..13,
#: pad multiplexers +14.. (two words each).
MADC_BASE = 0x000C_0000


# -- field kinds for the storage quirks ---------------------------------------------------------
class _NestedStructArrayField(StructArrayField):
    """A struct array whose struct may hold array members (one column per member entry).

    ``placement(entry, member, index)`` places entry ``index`` of an array member (0 for a
    scalar member) of struct ``entry``. Raw values are ``(key.size, columns)``: the struct's
    fields in order, array members expanded in their key order.
    """

    def __init__(
        self,
        key: type[Any],
        struct: type[Struct],
        placement: Callable[[int, str, int], tuple[Seg, ...]],
        doc: str = "",
    ) -> None:
        super().__init__(key, struct, lambda e, m: placement(e, m, 0), doc)
        self._nested = placement

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = f"{owner.__qualname__}.{name}"
        self.columns: list[tuple[str, int | None]] = []
        self.members = []
        for m in self.typ._fields:
            for j in range(m.key.size) if isinstance(m, ArrayField) else (None,):
                sub = ArrayField(self.key, m.typ, self._column(m.name, j or 0), m._default)
                suffix = "" if j is None else f"[{j}]"
                sub.__set_name__(owner, f"{name}[].{m.name}{suffix}")
                self.members.append(sub)
                self.columns.append((m.name, j))
        self.segs = self.members[0].segs
        self.entry_segs = [s for m in self.members for s in m.entry_segs]

    def _column(self, member: str, index: int) -> Callable[[int], tuple[Seg, ...]]:
        return lambda entry: self._nested(entry, member, index)

    @staticmethod
    def _get(struct: Struct, member: str, index: int | None) -> Any:
        value = struct._values[member]
        return value if index is None else value[index]

    def _build(self, column_values: Sequence[Any]) -> Struct:
        fields: dict[str, Any] = {}
        for (member, index), v in zip(self.columns, column_values, strict=True):
            if index is None:
                fields[member] = v
            else:
                fields.setdefault(member, []).append(v)
        return self.typ(**fields)

    def encode_into(self, value: Any, words: list[int]) -> None:
        for m, (member, index) in zip(self.members, self.columns, strict=True):
            m.encode_into([self._get(s, member, index) for s in value], words)

    def decode_from(self, words: Sequence[int]) -> TypedArray[Any]:
        cols = [m.decode_from(words) for m in self.members]
        return self.make_array([self._build([c[i] for c in cols]) for i in range(self.key.size)])

    def raw(self, value: Any) -> Any:
        pairs = list(zip(self.members, self.columns, strict=True))
        return [[m.kind.to_int(self._get(s, n, j)) for m, (n, j) in pairs] for s in value]

    def from_raw(self, raw: Any) -> TypedArray[Any]:
        kinds = [m.kind for m in self.members]
        return self.make_array(
            [self._build([k.from_int(v) for k, v in zip(kinds, e, strict=True)]) for e in raw]
        )


# -- CADC ---------------------------------------------------------------------------------------
class CADCConfig(Container):
    """Global configuration of one synram's columnar ADC: enable, reset wait, dead time."""

    coordinate_type = CADCConfigOnDLS
    words = 1

    class ResetWait(Ranged, max=255):
        """Cycles the ramp is held in reset, 8 bit."""

        __slots__ = ()

    class DeadTime(Ranged, max=255):
        """Cycles before sampling starts after the reset, 8 bit."""

        __slots__ = ()

    enable = Field(bool, at(0, 0))
    reset_wait = Field(ResetWait, at(0, 4, 8))
    dead_time = Field(DeadTime, at(0, 12, 8))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [CADC_BASE[coord._e] + CADC_BUSREG]


def _to_offset_binary(raw: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return raw + 128


def _from_offset_binary(code: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return code - 128


class CADCChannelConfig(Container):
    """Digital offset added to one CADC channel's samples, signed ``-128..127``.

    Stored offset-binary (``offset + 128``), so the default offset 0 writes ``0x80``. Columns
    0..127 live in the west half of the offset SRAM, 128..255 in the east half.

    >>> CADCChannelConfig(offset=-3).encode_words()
    [125]
    """

    coordinate_type = CADCChannelConfigOnDLS
    words = 1
    unsupported_read_targets = frozenset({"hardware"})

    class Offset(Ranged, min=-128, max=127):
        """Offset added to the channel's samples (upstream default 0; the bare type gives -128)."""

        __slots__ = ()

    offset = CodedField(Offset, at(0, 0, 8), _to_offset_binary, _from_offset_binary, default=0)

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        column = coord.toCADCChannelColumnOnSynram()._e
        east = column >= 128
        base = CADC_BASE[coord.toSynramOnDLS()._e] + (CADC_SRAM_EAST if east else CADC_SRAM_WEST)
        return [base + 2 * (column - 128 * east) + coord.toCADCChannelType()._e]


class CADCOffsetSRAMTimingConfig(_SRAMTimingConfig):
    """SRAM timing of one CADC offset memory (quadrants: top west, top east, bottom west/east)."""

    coordinate_type = CADCOffsetSRAMTimingConfigOnDLS

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        half = CADC_SRAM_EAST if coord._e % 2 else CADC_SRAM_WEST
        base = CADC_BASE[coord._e // 2] + half + CADC_SRAM_TIMING
        return [base, base + 1]


class CADCSampleQuad(Container):
    """Four 8-bit CADC samples of a synapse quad's columns (read-only, highspeed link only).

    Entry 0 is in the top byte. The coordinate picks synram, causal/acausal channel and whether
    the sample is taken now (trigger read) or read from the buffer of the last trigger.
    """

    coordinate_type = CADCSampleQuadOnDLS
    words = 1
    backends = (fisch.Omnibus,)
    is_writable = False

    class Value(Ranged, max=255):
        """Offset-corrected CADC sample, 8 bit."""

        __slots__ = ()

    samples = ArrayField(EntryOnQuad, Value, lambda e: at(0, 8 * (3 - e), 8))

    def get_sample(self, entry: Any) -> Any:
        """Return the sample of ``entry`` (an ``EntryOnQuad``)."""
        return self.samples[entry]

    def set_sample(self, entry: Any, value: Any) -> None:
        """Set the sample of ``entry`` (an ``EntryOnQuad``)."""
        self.samples[entry] = value

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = CADC_SAMPLE_BASE[coord.toSynramOnDLS()._e][coord.toCADCChannelType()._e]
        if coord.toCADCReadoutType()._e:
            base |= CADC_BUFFERED
        quad = coord.toSynapseQuadOnSynram()
        return [base + quad.y()._e * 64 + quad.x()._e]


# -- MADC ---------------------------------------------------------------------------------------
class MADCControl(Container):
    """Write-only MADC state-machine triggers: wake up, start/stop recording, power modes."""

    coordinate_type = MADCControlOnDLS
    base_address = MADC_BASE
    words = 1
    is_readable = False

    enable_iconv_amplifier = Field(bool, at(0, 6))
    enable_pre_amplifier = Field(bool, at(0, 5))
    enable_continuous_sampling = Field(bool, at(0, 4))
    enable_power_down_after_sampling = Field(bool, at(0, 3))
    stop_recording = Field(bool, at(0, 2))
    start_recording = Field(bool, at(0, 1))
    wake_up = Field(bool, at(0, 0))


class MADCConfig(Container):
    """Configuration of the membrane ADC: timing, sample count, preamplifier and input muxes.

    Ten words of 16 used bits at MADC base + 1..10. Several defaults are non-zero (e.g.
    ``sample_duration_adjust=5``, ``powerup_wait_value=96``, the preamp path connected).

    >>> MADCConfig().calculate_sample_rate(500e6) == 500e6 / 17
    True
    """

    coordinate_type = MADCConfigOnDLS
    base_address = MADC_BASE + 1
    words = 10

    class ActiveMuxInputSelectLength(Ranged, max=15):
        """Samples taken per input before the active mux switches."""

        __slots__ = ()

    class SampleDurationAdjust(Ranged, max=7):
        """Extra clock cycles per sample (upstream default 5)."""

        __slots__ = ()

    class SARResetWait(Ranged, max=3):
        """Wait before the SAR reset (upstream default 3)."""

        __slots__ = ()

    class SARResetLength(Ranged, max=3):
        """Length of the SAR reset."""

        __slots__ = ()

    class PowerupWaitValue(Ranged, max=1023):
        """Cycles to wait after wake-up (upstream default 96)."""

        __slots__ = ()

    class ConversionCyclesOffset(Ranged, max=15):
        """Offset of the conversion cycle count (upstream default 12)."""

        __slots__ = ()

    class CalibrationWaitValue(Ranged, max=1023):
        """Cycles to wait during calibration."""

        __slots__ = ()

    class NumberOfSamples(Ranged, max=65535):
        """Samples per recording, 16 bit."""

        __slots__ = ()

    class SamplingWindowTiming(Ranged, max=31):
        """Start or end of a sampling window, in clock cycles."""

        __slots__ = ()

    class PreampGainCapacitorSize(Ranged, max=31):
        """Preamplifier gain capacitor (upstream default 31)."""

        __slots__ = ()

    class MADCClockScaleValue(Ranged, max=4095):
        """MADC clock divider when clock scaling is on, 12 bit."""

        __slots__ = ()

    #: Clock cycles of a sample without ``sample_duration_adjust``.
    MINIMAL_MADC_CLOCK_CYCLES_PER_SAMPLE = 12

    # word 0 (bits 0-2 unused)
    active_mux_initially_selected_input = Field(SourceMultiplexerOnReadoutSourceSelection, at(0, 3))
    active_mux_input_select_length = Field(ActiveMuxInputSelectLength, at(0, 4, 4))
    sample_duration_adjust = Field(SampleDurationAdjust, at(0, 8, 3), default=5)
    enable_sar_reset_on_fall = Field(bool, at(0, 11))
    sar_reset_wait = Field(SARResetWait, at(0, 12, 2), default=3)
    sar_reset_length = Field(SARResetLength, at(0, 14, 2))
    # word 1
    powerup_wait_value = Field(PowerupWaitValue, at(1, 0, 10), default=96)
    conversion_cycles_offset = Field(ConversionCyclesOffset, at(1, 12, 4), default=12)
    # word 2
    calibration_wait_value = Field(CalibrationWaitValue, at(2, 0, 10))
    enable_calibration = Field(bool, at(2, 15))
    # word 3
    number_of_samples = Field(NumberOfSamples, at(3, 0, 16))
    # words 4, 5
    preamp_sampling_window_start = Field(SamplingWindowTiming, at(4, 0, 5), default=3)
    preamp_sampling_window_end = Field(SamplingWindowTiming, at(4, 5, 5), default=8)
    iconv_sampling_window_start = Field(SamplingWindowTiming, at(5, 0, 5), default=9)
    iconv_sampling_window_end = Field(SamplingWindowTiming, at(5, 5, 5), default=14)
    # word 6
    sample_on_positive_edge = Field(bool, at(6, 0), default=True)
    enable_dummy_data = Field(bool, at(6, 1))
    # word 7
    connect_preamp_to_madc = Field(bool, at(7, 0), default=True)
    connect_pads_to_madc = Field(bool, at(7, 1))
    connect_preamp_to_pads = Field(bool, at(7, 2))
    preamp_gain_capacitor_size = Field(PreampGainCapacitorSize, at(7, 3, 5), default=31)
    # word 8
    enable_madc_clock_scaling = Field(bool, at(8, 0))
    madc_clock_scale_value = Field(MADCClockScaleValue, at(8, 1, 12))
    # word 9
    enable_active_mux_amplifiers = Field(bool, at(9, 0), default=True)
    enable_pseudo_differential_reference = ArrayField(HemisphereOnDLS, bool, lambda h: at(9, 1 + h))
    signal_selection_connect_current_meter = Field(bool, at(9, 3))
    signal_selection_connect_active_mux = Field(bool, at(9, 4), default=True)
    signal_selection_connect_debug = Field(bool, at(9, 5))
    signal_selection_connect_preamp = Field(bool, at(9, 6), default=True)
    enable_iconv_amplifier = Field(bool, at(9, 7))
    connect_iconv_neuron = ArrayField(HemisphereOnDLS, bool, lambda h: at(9, 8 + h))
    # bit 10 is the inhibitory input (SynapticInputOnNeuron 1), bit 11 the excitatory one (0)
    connect_iconv_synapse = ArrayField(SynapticInputOnNeuron, bool, lambda s: at(9, 11 - s))

    def calculate_sample_rate(self, madc_base_frequency: float) -> float:
        """Return the sample rate (same unit as ``madc_base_frequency``) of this configuration."""
        cycles = self.MINIMAL_MADC_CLOCK_CYCLES_PER_SAMPLE + int(self.sample_duration_adjust)
        rate = madc_base_frequency / cycles
        if self.enable_madc_clock_scaling:
            rate /= 2 * (int(self.madc_clock_scale_value) + 1)
        return rate


# -- readout multiplexers, pads, current DAC ----------------------------------------------------
#: Bit of each readout buffer switch in its buffer's word (per hemisphere for the arrays).
_SOURCE_BITS: dict[str, tuple[int, ...]] = {
    "debug_plus": (0,),
    "debug_minus": (1,),
    "current_dac": (2,),
    "synin_debug_inhibitory": (3,),
    "synin_debug_excitatory": (4,),
    "cadc_debug_causal": (5,),
    "cadc_debug_acausal": (6,),
    "synapse_driver_debug": (7, 8),
    "neuron_odd": (9, 11),
    "neuron_even": (10, 12),
}


class ReadoutSourceSelection(Container):
    """Sources routed to the two readout buffers (MADC channels), and buffer-to-pad switches.

    Word ``b`` holds buffer ``b``'s switches in bits 0-12; word 1 also holds
    ``enable_buffer_to_pad`` (buffer 1 at bit 13, buffer 0 at bit 14).
    """

    coordinate_type = ReadoutSourceSelectionOnDLS
    base_address = MADC_BASE + 12
    words = 2

    class SourceMultiplexer(Struct):
        """The switches of one readout buffer's source multiplexer (all off by default)."""

        __slots__ = ()
        debug_plus = Field(bool)
        debug_minus = Field(bool)
        current_dac = Field(bool)
        synin_debug_inhibitory = Field(bool)
        synin_debug_excitatory = Field(bool)
        cadc_debug_causal = Field(bool)
        cadc_debug_acausal = Field(bool)
        synapse_driver_debug = ArrayField(HemisphereOnDLS, bool, lambda h: ())
        neuron_odd = ArrayField(HemisphereOnDLS, bool, lambda h: ())
        neuron_even = ArrayField(HemisphereOnDLS, bool, lambda h: ())

    buffers = _NestedStructArrayField(
        SourceMultiplexerOnReadoutSourceSelection,
        SourceMultiplexer,
        lambda b, member, h: at(b, _SOURCE_BITS[member][h]),
    )
    enable_buffer_to_pad = ArrayField(
        SourceMultiplexerOnReadoutSourceSelection, bool, lambda b: at(1, 14 - b)
    )

    def get_buffer(self, buffer: Any) -> SourceMultiplexer:
        """Return (a copy of) the multiplexer of ``buffer``."""
        return self.buffers[buffer].copy()

    def set_buffer(self, buffer: Any, value: SourceMultiplexer) -> None:
        """Set the multiplexer of ``buffer``."""
        self.buffers[buffer] = value


def _reversed_quadrants(word: int, lsb: int) -> Callable[[int], tuple[Seg, ...]]:
    """Place CapMem quadrant ``q`` at bit ``lsb + 3 - q`` (quadrant 3 lowest)."""
    return lambda q: at(word, lsb + 3 - q)


class PadMultiplexerConfig(Container):
    """Routing of internal analog signals to one of the two pads (all switches off by default).

    CapMem quadrant arrays are stored quadrant 3 first (lowest bit); ``buffer_to_pad`` has
    buffer 1 at the lower bit.
    """

    coordinate_type = PadMultiplexerConfigOnDLS
    words = 2

    cadc_v_ramp_mux = ArrayField(CapMemBlockOnDLS, bool, _reversed_quadrants(0, 0))
    cadc_v_ramp_mux_to_pad = Field(bool, at(0, 4))
    capmem_i_out_mux = ArrayField(CapMemBlockOnDLS, bool, _reversed_quadrants(0, 5))
    capmem_i_out_mux_to_capmem_intermediate_mux = Field(bool, at(0, 9))
    capmem_intermediate_mux_to_pad = Field(bool, at(0, 10))
    capmem_v_out_mux = ArrayField(CapMemBlockOnDLS, bool, _reversed_quadrants(0, 11))
    capmem_v_out_mux_to_capmem_intermediate_mux = Field(bool, at(0, 15))
    capmem_v_ref_mux = ArrayField(CapMemBlockOnDLS, bool, _reversed_quadrants(1, 0))
    capmem_v_ref_mux_to_capmem_intermediate_mux = Field(bool, at(1, 4))
    neuron_i_stim_mux = ArrayField(HemisphereOnDLS, bool, lambda h: at(1, 5 + h))
    neuron_i_stim_mux_to_pad = Field(bool, at(1, 15))
    cadc_debug_acausal_to_synapse_intermediate_mux = Field(bool, at(1, 8))
    cadc_debug_causal_to_synapse_intermediate_mux = Field(bool, at(1, 7))
    synin_debug_inhibitory_to_synapse_intermediate_mux = Field(bool, at(1, 9))
    synin_debug_excitatory_to_synapse_intermediate_mux = Field(bool, at(1, 10))
    synapse_intermediate_mux_to_pad = Field(bool, at(1, 11))
    buffer_to_pad = ArrayField(
        SourceMultiplexerOnReadoutSourceSelection, bool, lambda b: at(1, 13 - b)
    )
    debug_to_pad = Field(bool, at(1, 14))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        base = MADC_BASE + 14 + 2 * coord._e
        return [base, base + 1]


def _to_thermometer(raw: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return current DAC codes: 6 binary LSBs, then the 2 MSBs as a 3-bit thermometer."""
    return (raw & 0x3F) | (((1 << (raw >> 6)) - 1) << 6)


#: Thermometer pattern (0, 1, 3, 7) -> the two MSBs; -1 marks a pattern no current has.
_THERMOMETER_MSBS = np.array([0, 1, -1, 2, -1, -1, -1, 3], np.int64)


def _from_thermometer(code: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    msbs = _THERMOMETER_MSBS[code >> 6]
    return np.where(msbs < 0, -1, (msbs << 6) | (code & 0x3F))


class CurrentDAC(Container):
    """The current DAC: a source or sink of 0..255 steps, switchable onto neurons or synapses.

    The current's 6 LSBs are stored binary (bits 0-5), its 2 MSBs as a thermometer code (bits
    8-10); reading back another thermometer pattern is a decode error.

    >>> hex(CurrentDAC(current=0xA7, sign=CurrentDAC.Sign.sink).encode_words()[0])
    '0x367'
    """

    coordinate_type = CurrentDACOnDLS
    base_address = MADC_BASE + 11
    words = 1

    class Current(Ranged, max=255):
        """Current in DAC steps, 8 bit."""

        __slots__ = ()

    class Sign(enum.IntEnum):
        """Direction of the current."""

        source = 0
        sink = 1

    enable_current = Field(bool, at(0, 7))
    current = CodedField(Current, (Seg(0, 0, 6), Seg(0, 8, 3)), _to_thermometer, _from_thermometer)
    sign = Field(Sign, at(0, 6))
    connect_neuron = ArrayField(HemisphereOnDLS, bool, lambda h: at(0, 11 + h))
    # upstream wires entry 0 to the bit it names inhibitory (13), although halco's 0 is excitatory
    connect_synapse = ArrayField(SynapticInputOnNeuron, bool, lambda s: at(0, 13 + s))
