"""``ReadoutChain``: the analog readout path from the neurons to the MADC and the pads.

Members and write order as upstream: source selection, readout CapMem cells, pad multiplexers,
more cells, current DAC, MADC configuration.

>>> len(ReadoutChain().encode_array())
31
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import halco
from haldls._blocks import CapMemCell
from haldls._field import Field
from haldls._readout import CurrentDAC as _CurrentDACConfig
from haldls._readout import (
    MADCConfig,
    PadMultiplexerConfig,
    ReadoutSourceSelection,
)
from haldls._struct import Struct, StructField
from haldls.lola._base import (
    Aggregate,
    AnalogValueVariant,
    ItemArrayField,
    Slot,
    ValueArrayField,
    analog,
    array_slot,
    cell_slot,
)
from haldls.lola._readout import _enum, _gather, _leaf_slot, _scatter

__all__ = ["ReadoutChain"]


# -- ReadoutChain -------------------------------------------------------------------------------
#: MADCConfig fields named as their ``ReadoutChain.madc`` members.
_MADC_SAME_NAMES = (
    "sample_duration_adjust", "enable_sar_reset_on_fall", "sar_reset_wait", "sar_reset_length",
    "powerup_wait_value", "conversion_cycles_offset", "enable_calibration",
    "calibration_wait_value", "number_of_samples", "sample_on_positive_edge", "enable_dummy_data",
    "enable_madc_clock_scaling",
)  # fmt: skip
#: MADCConfig field -> (ReadoutChain sub-struct, member). ``enable_iconv_amplifier`` is not
#: mapped upstream either: a write leaves it off, a read drops it.
_MADC_CONFIG = {
    "enable_active_mux_amplifiers": ("dynamic_mux", "enable_amplifiers"),
    "active_mux_initially_selected_input": ("dynamic_mux", "initially_selected_input"),
    "active_mux_input_select_length": ("dynamic_mux", "input_select_length"),
    "enable_pseudo_differential_reference": ("pseudo_diff_converter", "enable_reference"),
    "signal_selection_connect_current_meter": (
        "madc_input_crossbar",
        "connect_source_measure_unit",
    ),
    "signal_selection_connect_active_mux": ("madc_input_crossbar", "connect_dynamic_mux"),
    "signal_selection_connect_debug": ("madc_input_crossbar", "connect_pad_mux"),
    "signal_selection_connect_preamp": ("madc_input_crossbar", "connect_madc_preamp"),
    "preamp_gain_capacitor_size": ("madc_preamp", "gain_cap_size"),
    "preamp_sampling_window_start": ("madc_preamp", "sampling_window_start"),
    "preamp_sampling_window_end": ("madc_preamp", "sampling_window_end"),
    "connect_preamp_to_madc": ("madc_debug_crossbar", "connect_preamp_to_madc"),
    "connect_pads_to_madc": ("madc_debug_crossbar", "connect_pads_to_madc"),
    "connect_preamp_to_pads": ("madc_debug_crossbar", "connect_preamp_to_pads"),
    **{name: ("madc", name) for name in _MADC_SAME_NAMES},
    "madc_clock_scale_value": ("madc", "clock_scale_value"),
    "iconv_sampling_window_start": ("source_measure_unit", "sampling_window_start"),
    "iconv_sampling_window_end": ("source_measure_unit", "sampling_window_end"),
    "connect_iconv_neuron": ("source_measure_unit", "connect_neuron_stimulus"),
    "connect_iconv_synapse": ("source_measure_unit", "connect_synapse_debug"),
}
#: CurrentDAC (haldls) field -> (ReadoutChain sub-struct, member).
_CURRENT_DAC = {
    "enable_current": ("current_dac", "enable_current"),
    "current": ("current_dac", "current"),
    "sign": ("current_dac", "sign"),
    "connect_neuron": ("current_dac", "connect_neuron_stimulus"),
    "connect_synapse": ("current_dac", "connect_synapse_debug"),
}
#: (sub-struct, entry or None, member, CapMemCellOnDLS static) of the analog values written
#: before the pad multiplexers, and after them (upstream readout_chain.tcc order).
_CELLS_BEFORE_PADS = (
    ("buffer_to_pad", 0, "amp_i_bias", "readout_out_amp_i_bias_0"),
    ("buffer_to_pad", 1, "amp_i_bias", "readout_out_amp_i_bias_1"),
    ("dynamic_mux", None, "i_bias", "readout_ac_mux_i_bias"),
    ("pseudo_diff_converter", None, "v_ref", "readout_pseudo_diff_v_ref"),
    ("pseudo_diff_converter", None, "buffer_bias", "readout_pseudo_diff_buffer_bias"),
    ("madc_preamp", None, "v_ref", "readout_sc_amp_v_ref"),
    ("madc_preamp", None, "i_bias", "readout_sc_amp_i_bias"),
    ("madc", None, "in_500na", "readout_madc_in_500na"),
)
_CELLS_AFTER_PADS = (
    ("source_measure_unit", None, "amp_v_ref", "readout_iconv_sc_amp_v_ref"),
    ("source_measure_unit", None, "amp_i_bias", "readout_iconv_sc_amp_i_bias"),
    ("source_measure_unit", None, "test_voltage", "readout_iconv_test_voltage"),
    ("source_measure_unit", None, "buffer_i_bias", "readout_iconv_i_bias_buffer"),
    ("current_dac", None, "i_bias", "readout_idac_i_bias"),
    ("current_dac", None, "i_bias_casc", "readout_idac_i_bias_casc"),
)


def _cells(values: Any, table: tuple[tuple[str, int | None, str, str], ...]) -> Iterator[Slot]:
    """Yield one CapMemCell slot per ``table`` row (see ``_CELLS_BEFORE_PADS``)."""
    for sub, entry, member, cell in table:
        owner = values[sub] if entry is None else values[sub][entry]
        yield cell_slot(owner, [(getattr(halco.CapMemCellOnDLS, cell), member, None)])


_Timing = MADCConfig.SamplingWindowTiming


class ReadoutChain(Aggregate):
    """The analog readout: source muxes, buffers, MADC and its preamplifier, pads, current DAC.

    Analog values sit in chip-global CapMem cells (``CapMemCellOnDLS.readout_*``). Write order,
    as upstream: ``ReadoutSourceSelection``; cells of the buffers, dynamic mux, pseudo-differential
    converter, preamp and MADC; both ``PadMultiplexerConfig``s; cells of the source measure unit
    and current DAC; ``CurrentDAC``; ``MADCConfig``.
    """

    coordinate_type = halco.ReadoutChainOnDLS
    AnalogValue = CapMemCell.Value
    AnalogDisableRefresh = CapMemCell.DisableRefresh
    AnalogValueVariant = AnalogValueVariant
    SamplingWindowTiming = _Timing

    class BufferToPadT(Struct):
        """A readout buffer's connection to its pad and the output amplifier's bias."""

        enable = Field(bool)
        amp_i_bias = analog()

    class DynamicMux(Struct):
        """The MADC's active (switching) input multiplexer."""

        InputSelectLength = MADCConfig.ActiveMuxInputSelectLength
        InputSelect = halco.SourceMultiplexerOnReadoutSourceSelection
        enable_amplifiers = Field(bool, default=True)
        initially_selected_input = Field(halco.SourceMultiplexerOnReadoutSourceSelection)
        input_select_length = Field(MADCConfig.ActiveMuxInputSelectLength)
        i_bias = analog(500)

    class PseudoDifferentialConverter(Struct):
        """Reference input of the MADC's pseudo-differential mode."""

        enable_reference = ValueArrayField(halco.HemisphereOnDLS, bool)
        v_ref = analog(400)
        buffer_bias = analog(0)

    class MADCInputCrossbar(Struct):
        """Which signal reaches the MADC input."""

        connect_source_measure_unit = Field(bool)
        connect_dynamic_mux = Field(bool, default=True)
        connect_pad_mux = Field(bool)
        connect_madc_preamp = Field(bool, default=True)

    class MADCPreamp(Struct):
        """The MADC's switched-capacitor preamplifier."""

        GainCapacitorSize = MADCConfig.PreampGainCapacitorSize
        gain_cap_size = Field(MADCConfig.PreampGainCapacitorSize, default=31)
        sampling_window_start = Field(_Timing, default=3)
        sampling_window_end = Field(_Timing, default=8)
        v_ref = analog(400)
        i_bias = analog(500)

    class MADCDebugCrossbar(Struct):
        """Connections between preamp, MADC and pads."""

        connect_preamp_to_madc = Field(bool, default=True)
        connect_pads_to_madc = Field(bool)
        connect_preamp_to_pads = Field(bool)

    class MADC(Struct):
        """The MADC's timing, sample count, clock and input current bias."""

        SampleDurationAdjust = MADCConfig.SampleDurationAdjust
        SARResetWait = MADCConfig.SARResetWait
        SARResetLength = MADCConfig.SARResetLength
        PowerupWaitValue = MADCConfig.PowerupWaitValue
        CalibrationWaitValue = MADCConfig.CalibrationWaitValue
        NumberOfSamples = MADCConfig.NumberOfSamples
        ClockScaleValue = MADCConfig.MADCClockScaleValue
        ConversionCyclesOffset = MADCConfig.ConversionCyclesOffset
        sample_duration_adjust = Field(SampleDurationAdjust, default=5)
        enable_sar_reset_on_fall = Field(bool)
        sar_reset_wait = Field(SARResetWait, default=3)
        sar_reset_length = Field(SARResetLength)
        powerup_wait_value = Field(PowerupWaitValue, default=96)
        conversion_cycles_offset = Field(ConversionCyclesOffset, default=12)
        enable_calibration = Field(bool)
        calibration_wait_value = Field(CalibrationWaitValue)
        number_of_samples = Field(NumberOfSamples)
        sample_on_positive_edge = Field(bool, default=True)
        enable_dummy_data = Field(bool)
        enable_madc_clock_scaling = Field(bool)
        clock_scale_value = Field(ClockScaleValue)
        in_500na = analog(500)

    class SourceMeasureUnit(Struct):
        """The current-to-voltage converter (``iconv``) measuring neuron or synapse currents."""

        sampling_window_start = Field(_Timing, default=9)
        sampling_window_end = Field(_Timing, default=14)
        connect_neuron_stimulus = ValueArrayField(halco.HemisphereOnDLS, bool)
        connect_synapse_debug = ValueArrayField(halco.SynapticInputOnNeuron, bool)
        test_voltage = analog(400)
        buffer_i_bias = analog()
        amp_v_ref = analog(400)
        amp_i_bias = analog()

    class CurrentDAC(Struct):
        """The current DAC (``haldls.CurrentDAC``) and its biases."""

        Current = _CurrentDACConfig.Current
        Sign = _CurrentDACConfig.Sign
        enable_current = Field(bool)
        current = Field(_CurrentDACConfig.Current)
        sign = Field(_CurrentDACConfig.Sign)
        connect_neuron_stimulus = ValueArrayField(halco.HemisphereOnDLS, bool)
        connect_synapse_debug = ValueArrayField(halco.SynapticInputOnNeuron, bool)
        i_bias = analog()
        i_bias_casc = analog()

    input_mux = ItemArrayField(
        halco.SourceMultiplexerOnReadoutSourceSelection, ReadoutSourceSelection.SourceMultiplexer
    )
    buffer_to_pad = ItemArrayField(halco.SourceMultiplexerOnReadoutSourceSelection, BufferToPadT)
    dynamic_mux = StructField(DynamicMux)
    pseudo_diff_converter = StructField(PseudoDifferentialConverter)
    madc_input_crossbar = StructField(MADCInputCrossbar)
    madc_preamp = StructField(MADCPreamp)
    madc_debug_crossbar = StructField(MADCDebugCrossbar)
    madc = StructField(MADC)
    pad_mux = ItemArrayField(halco.PadMultiplexerConfigOnDLS, PadMultiplexerConfig)
    source_measure_unit = StructField(SourceMeasureUnit)
    current_dac = StructField(CurrentDAC)

    def _source_selection(self) -> ReadoutSourceSelection:
        return ReadoutSourceSelection(
            buffers=self.input_mux, enable_buffer_to_pad=[b.enable for b in self.buffer_to_pad]
        )

    def _store_source_selection(self, leaf: Any) -> None:
        for mux in range(halco.SourceMultiplexerOnReadoutSourceSelection.size):
            self.input_mux[mux] = leaf.buffers[mux]
            self.buffer_to_pad[mux].enable = leaf.enable_buffer_to_pad[mux]

    def _visit(self, coord: Any) -> Iterator[Slot]:
        v = self._values
        yield _leaf_slot(
            ReadoutSourceSelection,
            halco.ReadoutSourceSelectionOnDLS(),
            self._source_selection,
            self._store_source_selection,
        )
        yield from _cells(v, _CELLS_BEFORE_PADS)
        yield array_slot(
            PadMultiplexerConfig, _enum(halco.PadMultiplexerConfigOnDLS), lambda: v["pad_mux"]
        )
        yield from _cells(v, _CELLS_AFTER_PADS)
        yield _leaf_slot(
            _CurrentDACConfig,
            halco.CurrentDACOnDLS(),
            lambda: _CurrentDACConfig(**_gather(self, _CURRENT_DAC)),
            lambda leaf: _scatter(leaf, self, _CURRENT_DAC),
        )
        yield _leaf_slot(
            MADCConfig,
            halco.MADCConfigOnDLS(),
            lambda: MADCConfig(**_gather(self, _MADC_CONFIG)),
            lambda leaf: _scatter(leaf, self, _MADC_CONFIG),
        )
