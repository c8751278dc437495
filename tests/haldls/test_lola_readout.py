"""lola readout aggregates: CADCReadoutChain, CADCSampleRow/CADCSamples, ReadoutChain, MemoryTiming.

Expected member names, defaults, CapMem cells and visit orders are written out by hand from
upstream lola v3 (``include/lola/vx/cadc.h``, ``readout_chain.h``/``.tcc``,
``memory_timing.h``/``.tcc``; CapMem rows from reference §1.6); the expected words come from the
haldls leaf containers' own ``encode_words`` and ``_addresses``, not from the code under test.
"""

from __future__ import annotations

import copy
import enum
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fisch
import halco
import haldls
from halco import (
    CADCChannelColumnOnSynram,
    CADCChannelConfigOnDLS,
    CADCChannelConfigOnSynram,
    CADCChannelType,
    CADCOnDLS,
    CADCReadoutType,
    CADCSampleQuadOnDLS,
    CADCSampleQuadOnSynram,
    CADCSampleRowOnDLS,
    CapMemBlockOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    CapMemColumnOnCapMemBlock,
    CapMemRowOnCapMemBlock,
    ColumnCorrelationQuadOnDLS,
    ColumnCorrelationQuadOnSynram,
    SynapseOnSynapseRow,
    SynapseQuadColumnOnDLS,
    SynapseQuadOnSynram,
    SynapseRowOnSynram,
    SynramOnDLS,
)
from halco.errors import CoordinateRangeError, CoordinateTypeError
from haldls import (
    CADCChannelConfig,
    CADCConfig,
    CADCSampleQuad,
    CapMemCell,
    ColumnCorrelationQuad,
    CommonCorrelationConfig,
    CurrentDAC,
    MADCConfig,
    ReadoutSourceSelection,
)
from haldls._container import Container
from haldls._field import ArrayField, Field
from haldls._struct import Struct, StructArrayField, StructField
from haldls.errors import ContainerDecodeError
from haldls.lola import CADCReadoutChain, CADCSampleRow, CADCSamples, MemoryTiming, ReadoutChain
from haldls.lola._base import Aggregate, ItemArrayField, MatrixField, ValueArrayField

Leaves = list[tuple[Any, Container]]

# -- the upstream tables, by hand ----------------------------------------------------------------
#: Struct -> member names in upstream's BOOST_HANA_ADAPT_STRUCT order.
MEMBERS: dict[Any, tuple[str, ...]] = {
    CADCReadoutChain: ("ramp", "channels_causal", "channels_acausal", "correlation"),
    CADCReadoutChain.Channel: (
        "offset",
        "enable_connect_correlation",
        "enable_connect_debug",
        "enable_connect_neuron",
    ),
    CADCReadoutChain.Ramp: (
        "enable",
        "reset_wait",
        "dead_time",
        "v_offset_assignment",
        "v_offset",
        "i_slope",
        "i_bias_comparator",
        "i_bias_vreset_buffer",
        "v_bias_buffer",
    ),
    CADCReadoutChain.Correlation: (
        "sense_delay",
        "reset_duration",
        "reset_fall_time",
        "reset_mode",
        "i_bias_ramp",
        "i_bias_store",
        "i_bias_corout",
    ),
    CADCSampleRow: ("causal", "acausal"),
    CADCSamples: ("causal", "acausal"),
    ReadoutChain: (
        "input_mux",
        "buffer_to_pad",
        "dynamic_mux",
        "pseudo_diff_converter",
        "madc_input_crossbar",
        "madc_preamp",
        "madc_debug_crossbar",
        "madc",
        "pad_mux",
        "source_measure_unit",
        "current_dac",
    ),
    ReadoutChain.BufferToPadT: ("enable", "amp_i_bias"),
    ReadoutChain.DynamicMux: (
        "enable_amplifiers",
        "initially_selected_input",
        "input_select_length",
        "i_bias",
    ),
    ReadoutChain.PseudoDifferentialConverter: ("enable_reference", "v_ref", "buffer_bias"),
    ReadoutChain.MADCInputCrossbar: (
        "connect_source_measure_unit",
        "connect_dynamic_mux",
        "connect_pad_mux",
        "connect_madc_preamp",
    ),
    ReadoutChain.MADCPreamp: (
        "gain_cap_size",
        "sampling_window_start",
        "sampling_window_end",
        "v_ref",
        "i_bias",
    ),
    ReadoutChain.MADCDebugCrossbar: (
        "connect_preamp_to_madc",
        "connect_pads_to_madc",
        "connect_preamp_to_pads",
    ),
    ReadoutChain.MADC: (
        "sample_duration_adjust",
        "enable_sar_reset_on_fall",
        "sar_reset_wait",
        "sar_reset_length",
        "powerup_wait_value",
        "conversion_cycles_offset",
        "enable_calibration",
        "calibration_wait_value",
        "number_of_samples",
        "sample_on_positive_edge",
        "enable_dummy_data",
        "enable_madc_clock_scaling",
        "clock_scale_value",
        "in_500na",
    ),
    ReadoutChain.SourceMeasureUnit: (
        "sampling_window_start",
        "sampling_window_end",
        "connect_neuron_stimulus",
        "connect_synapse_debug",
        "test_voltage",
        "buffer_i_bias",
        "amp_v_ref",
        "amp_i_bias",
    ),
    ReadoutChain.CurrentDAC: (
        "enable_current",
        "current",
        "sign",
        "connect_neuron_stimulus",
        "connect_synapse_debug",
        "i_bias",
        "i_bias_casc",
    ),
    MemoryTiming: ("capmem", "cadc_offset", "synapse_driver", "neuron", "neuron_backend", "synram"),
}
#: Upstream defaults that differ from a bare value (False / 0): path -> value.
DEFAULTS: dict[tuple[Any, str], Any] = {
    (CADCReadoutChain.Ramp, "reset_wait"): 100,
    (CADCReadoutChain.Ramp, "dead_time"): 20,
    (CADCReadoutChain.Ramp, "v_offset_assignment"): [0, 1],
    (CADCReadoutChain.Correlation, "sense_delay"): 1,
    (CADCReadoutChain.Correlation, "reset_duration"): 200,
    (CADCReadoutChain.Correlation, "reset_fall_time"): 5,
    (ReadoutChain.DynamicMux, "enable_amplifiers"): True,
    (ReadoutChain.DynamicMux, "i_bias"): 500,
    (ReadoutChain.PseudoDifferentialConverter, "v_ref"): 400,
    (ReadoutChain.MADCInputCrossbar, "connect_dynamic_mux"): True,
    (ReadoutChain.MADCInputCrossbar, "connect_madc_preamp"): True,
    (ReadoutChain.MADCPreamp, "gain_cap_size"): 31,
    (ReadoutChain.MADCPreamp, "sampling_window_start"): 3,
    (ReadoutChain.MADCPreamp, "sampling_window_end"): 8,
    (ReadoutChain.MADCPreamp, "v_ref"): 400,
    (ReadoutChain.MADCPreamp, "i_bias"): 500,
    (ReadoutChain.MADCDebugCrossbar, "connect_preamp_to_madc"): True,
    (ReadoutChain.MADC, "sample_duration_adjust"): 5,
    (ReadoutChain.MADC, "sar_reset_wait"): 3,
    (ReadoutChain.MADC, "powerup_wait_value"): 96,
    (ReadoutChain.MADC, "conversion_cycles_offset"): 12,
    (ReadoutChain.MADC, "sample_on_positive_edge"): True,
    (ReadoutChain.MADC, "in_500na"): 500,
    (ReadoutChain.SourceMeasureUnit, "sampling_window_start"): 9,
    (ReadoutChain.SourceMeasureUnit, "sampling_window_end"): 14,
    (ReadoutChain.SourceMeasureUnit, "test_voltage"): 400,
    (ReadoutChain.SourceMeasureUnit, "amp_v_ref"): 400,
}
#: CADC chain cells per CapMem block (column 128): (row, owner, member), upstream visit order.
CADC_CELLS = (
    (4, "ramp", "v_offset"),  # cadc_v_ramp_offset
    (15, "ramp", "i_slope"),  # cadc_i_ramp_slope
    (16, "ramp", "i_bias_comparator"),  # cadc_i_bias_comp
    (17, "ramp", "i_bias_vreset_buffer"),  # cadc_i_bias_vreset_buf
    (5, "ramp", "v_bias_buffer"),  # cadc_v_bias_ramp_buf
    (9, "correlation", "i_bias_ramp"),  # syn_i_bias_ramp
    (10, "correlation", "i_bias_store"),  # syn_i_bias_store
    (11, "correlation", "i_bias_corout"),  # syn_i_bias_corout
)
#: ReadoutChain cells as (sub-struct, entry, member, CapMemCellOnDLS static), upstream order.
READOUT_CELLS_BEFORE_PADS = (
    ("buffer_to_pad", 0, "amp_i_bias", "readout_out_amp_i_bias_0"),
    ("buffer_to_pad", 1, "amp_i_bias", "readout_out_amp_i_bias_1"),
    ("dynamic_mux", None, "i_bias", "readout_ac_mux_i_bias"),
    ("pseudo_diff_converter", None, "v_ref", "readout_pseudo_diff_v_ref"),
    ("pseudo_diff_converter", None, "buffer_bias", "readout_pseudo_diff_buffer_bias"),
    ("madc_preamp", None, "v_ref", "readout_sc_amp_v_ref"),
    ("madc_preamp", None, "i_bias", "readout_sc_amp_i_bias"),
    ("madc", None, "in_500na", "readout_madc_in_500na"),
)
READOUT_CELLS_AFTER_PADS = (
    ("source_measure_unit", None, "amp_v_ref", "readout_iconv_sc_amp_v_ref"),
    ("source_measure_unit", None, "amp_i_bias", "readout_iconv_sc_amp_i_bias"),
    ("source_measure_unit", None, "test_voltage", "readout_iconv_test_voltage"),
    ("source_measure_unit", None, "buffer_i_bias", "readout_iconv_i_bias_buffer"),
    ("current_dac", None, "i_bias", "readout_idac_i_bias"),
    ("current_dac", None, "i_bias_casc", "readout_idac_i_bias_casc"),
)
#: MADCConfig field -> ReadoutChain path (upstream readout_chain.tcc).
MADC_PATHS = {
    "enable_active_mux_amplifiers": "dynamic_mux.enable_amplifiers",
    "active_mux_initially_selected_input": "dynamic_mux.initially_selected_input",
    "active_mux_input_select_length": "dynamic_mux.input_select_length",
    "enable_pseudo_differential_reference": "pseudo_diff_converter.enable_reference",
    "signal_selection_connect_current_meter": "madc_input_crossbar.connect_source_measure_unit",
    "signal_selection_connect_active_mux": "madc_input_crossbar.connect_dynamic_mux",
    "signal_selection_connect_debug": "madc_input_crossbar.connect_pad_mux",
    "signal_selection_connect_preamp": "madc_input_crossbar.connect_madc_preamp",
    "preamp_gain_capacitor_size": "madc_preamp.gain_cap_size",
    "preamp_sampling_window_start": "madc_preamp.sampling_window_start",
    "preamp_sampling_window_end": "madc_preamp.sampling_window_end",
    "connect_preamp_to_madc": "madc_debug_crossbar.connect_preamp_to_madc",
    "connect_pads_to_madc": "madc_debug_crossbar.connect_pads_to_madc",
    "connect_preamp_to_pads": "madc_debug_crossbar.connect_preamp_to_pads",
    "sample_duration_adjust": "madc.sample_duration_adjust",
    "enable_sar_reset_on_fall": "madc.enable_sar_reset_on_fall",
    "sar_reset_wait": "madc.sar_reset_wait",
    "sar_reset_length": "madc.sar_reset_length",
    "powerup_wait_value": "madc.powerup_wait_value",
    "conversion_cycles_offset": "madc.conversion_cycles_offset",
    "enable_calibration": "madc.enable_calibration",
    "calibration_wait_value": "madc.calibration_wait_value",
    "number_of_samples": "madc.number_of_samples",
    "sample_on_positive_edge": "madc.sample_on_positive_edge",
    "enable_dummy_data": "madc.enable_dummy_data",
    "enable_madc_clock_scaling": "madc.enable_madc_clock_scaling",
    "madc_clock_scale_value": "madc.clock_scale_value",
    "iconv_sampling_window_start": "source_measure_unit.sampling_window_start",
    "iconv_sampling_window_end": "source_measure_unit.sampling_window_end",
    "connect_iconv_neuron": "source_measure_unit.connect_neuron_stimulus",
    "connect_iconv_synapse": "source_measure_unit.connect_synapse_debug",
}
CURRENT_DAC_PATHS = {
    "enable_current": "current_dac.enable_current",
    "current": "current_dac.current",
    "sign": "current_dac.sign",
    "connect_neuron": "current_dac.connect_neuron_stimulus",
    "connect_synapse": "current_dac.connect_synapse_debug",
}
#: MemoryTiming fields: (container, coordinate type), upstream visit order.
TIMINGS = (
    (haldls.CapMemSRAMTimingConfig, halco.CapMemSRAMTimingConfigOnDLS),
    (haldls.CADCOffsetSRAMTimingConfig, halco.CADCOffsetSRAMTimingConfigOnDLS),
    (haldls.SynapseDriverSRAMTimingConfig, halco.SynapseDriverSRAMTimingConfigOnDLS),
    (haldls.NeuronSRAMTimingConfig, halco.NeuronSRAMTimingConfigOnDLS),
    (haldls.NeuronBackendSRAMTimingConfig, halco.NeuronBackendSRAMTimingConfigOnDLS),
    (haldls.CommonSynramConfig, halco.CommonSynramConfigOnDLS),
)


# -- helpers -------------------------------------------------------------------------------------
def get_path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def cell(row: int, block: int, column: int = 128) -> CapMemCellOnDLS:
    return CapMemCellOnDLS(
        CapMemCellOnCapMemBlock(CapMemColumnOnCapMemBlock(column), CapMemRowOnCapMemBlock(row)),
        CapMemBlockOnDLS(block),
    )


def column(entry: int, quad: int) -> int:
    """The synapse column of an entry of a quad column (halco's interleaving)."""
    return int(SynapseOnSynapseRow(entry, SynapseQuadColumnOnDLS(quad)))


def expected_words(leaves: Leaves) -> tuple[list[int], list[int]]:
    """Return (addresses, words) of the leaves, from the leaf containers alone."""
    addresses = [a for coord, leaf in leaves for a in type(leaf)._addresses(coord)]
    words = [w for _, leaf in leaves for w in leaf.encode_words()]
    return addresses, words


def cadc_leaves(chain: CADCReadoutChain, h: int) -> Leaves:
    """The leaves of a CADCReadoutChain at CADCOnDLS(h), built by hand in upstream order."""
    synram = SynramOnDLS(h)
    r, c = chain.ramp, chain.correlation
    out: Leaves = [
        (
            halco.CADCConfigOnDLS(h),
            CADCConfig(enable=r.enable, reset_wait=r.reset_wait, dead_time=r.dead_time),
        )
    ]
    for b in (0, 1):
        for row, owner, member in CADC_CELLS:
            value = getattr(getattr(chain, owner), member)[b]
            out.append((cell(row, 2 * h + b), CapMemCell(value=value)))
    for kind, channels in ((0, chain.channels_causal), (1, chain.channels_acausal)):
        for col in range(256):
            coord = CADCChannelConfigOnDLS(
                CADCChannelConfigOnSynram(CADCChannelColumnOnSynram(col), CADCChannelType(kind)),
                synram,
            )
            out.append((coord, CADCChannelConfig(offset=channels[col].offset)))
    for q in range(64):
        quad = ColumnCorrelationQuad()
        for e in range(4):
            ca, ac = chain.channels_causal[column(e, q)], chain.channels_acausal[column(e, q)]
            quad.switches[e] = ColumnCorrelationQuad.ColumnCorrelationSwitch(
                enable_internal_causal=ca.enable_connect_correlation,
                enable_internal_acausal=ac.enable_connect_correlation,
                enable_debug_causal=ca.enable_connect_debug,
                enable_debug_acausal=ac.enable_connect_debug,
                enable_cadc_neuron_readout_causal=ca.enable_connect_neuron,
                enable_cadc_neuron_readout_acausal=ac.enable_connect_neuron,
            )
        out.append((ColumnCorrelationQuadOnDLS(ColumnCorrelationQuadOnSynram(q), synram), quad))
    correlation = CommonCorrelationConfig(
        sense_delay=c.sense_delay,
        reset_duration=c.reset_duration,
        reset_fall_time=c.reset_fall_time,
        reset_mode=c.reset_mode,
        cadc_v_offset_assignment=list(r.v_offset_assignment),
    )
    out.append((halco.CommonCorrelationConfigOnDLS(h), correlation))
    return out


def readout_leaves(chain: ReadoutChain) -> Leaves:
    """The leaves of a ReadoutChain, built by hand in upstream order."""

    def cells(table: Any) -> Leaves:
        rows: Leaves = []
        for sub, entry, member, name in table:
            owner = getattr(chain, sub) if entry is None else getattr(chain, sub)[entry]
            rows.append((getattr(CapMemCellOnDLS, name), CapMemCell(value=getattr(owner, member))))
        return rows

    rss = ReadoutSourceSelection(
        buffers=list(chain.input_mux),
        enable_buffer_to_pad=[b.enable for b in chain.buffer_to_pad],
    )
    dac = CurrentDAC(**{f: get_path(chain, p) for f, p in CURRENT_DAC_PATHS.items()})
    madc = MADCConfig(**{f: get_path(chain, p) for f, p in MADC_PATHS.items()})
    return [
        (halco.ReadoutSourceSelectionOnDLS(), rss),
        *cells(READOUT_CELLS_BEFORE_PADS),
        (halco.PadMultiplexerConfigOnDLS(0), chain.pad_mux[0]),
        (halco.PadMultiplexerConfigOnDLS(1), chain.pad_mux[1]),
        *cells(READOUT_CELLS_AFTER_PADS),
        (halco.CurrentDACOnDLS(), dac),
        (halco.MADCConfigOnDLS(), madc),
    ]


def timing_leaves(timing: MemoryTiming) -> Leaves:
    out: Leaves = []
    for name, (_, coordinate_type) in zip(MEMBERS[MemoryTiming], TIMINGS, strict=True):
        out += [(coordinate_type(i), getattr(timing, name)[i]) for i in range(coordinate_type.size)]
    return out


def sample_quad(synram: int, row: int, kind: int, quad: int, buffered: bool) -> Any:
    local = CADCSampleQuadOnSynram(
        SynapseQuadOnSynram(SynapseQuadColumnOnDLS(quad), SynapseRowOnSynram(row)),
        CADCChannelType(kind),
        CADCReadoutType.buffered if buffered else CADCReadoutType.trigger_read,
    )
    return CADCSampleQuadOnDLS(local, SynramOnDLS(synram))


def row_quads(synram: int, row: int) -> list[tuple[Any, int, int]]:
    """(coordinate, channel type, quad column) of a sample row read, upstream order."""
    out = [(sample_quad(synram, row, 0, 0, False), 0, 0)]
    out += [(sample_quad(synram, row, 0, q, True), 0, q) for q in range(1, 64)]
    out += [(sample_quad(synram, row, 1, q, True), 1, q) for q in range(64)]
    return out


def samples_quads() -> list[tuple[Any, int, int, int]]:
    """(coordinate, synram, channel type, quad column) of a CADCSamples read, upstream order."""
    out = [(sample_quad(s, 0, 0, 0, False), s, 0, 0) for s in (0, 1)]
    for s in (0, 1):
        out += [(sample_quad(s, 0, 0, q, True), s, 0, q) for q in range(1, 64)]
        out += [(sample_quad(s, 0, 1, q, True), s, 1, q) for q in range(64)]
    return out


def draw(typ: Any, rng: np.random.Generator) -> Any:
    """A random valid value of a field type (analog variants as ints 0..1023)."""
    if typ is bool:
        return bool(rng.integers(2))
    if isinstance(typ, tuple):
        return int(rng.integers(0, 1024))
    if isinstance(typ, enum.EnumMeta):
        return list(typ)[int(rng.integers(len(typ)))]
    return int(rng.integers(typ.min, typ.max + 1))


def randomize(s: Struct, rng: np.random.Generator) -> None:
    """Set every field of ``s`` (recursively) to a random valid value."""
    for f in type(s)._fields:
        value = getattr(s, f.name)
        if isinstance(f, StructField):
            randomize(value, rng)
        elif isinstance(f, (ItemArrayField, StructArrayField)):
            for item in value:
                randomize(item, rng)
        elif isinstance(f, MatrixField):
            setattr(s, f.name, rng.integers(f.typ.min, f.typ.max + 1, f.shape_))
        elif isinstance(f, (ArrayField, ValueArrayField)):
            for i in range(len(value)):
                value[i] = draw(f.typ, rng)
        else:
            assert isinstance(f, Field)
            setattr(s, f.name, draw(f.typ, rng))


AGGREGATES = (CADCReadoutChain, CADCSampleRow, CADCSamples, ReadoutChain, MemoryTiming)
WRITABLE = (CADCReadoutChain, ReadoutChain, MemoryTiming)
COORDS: dict[Any, list[Any]] = {
    CADCReadoutChain: [CADCOnDLS(0), CADCOnDLS(1)],
    CADCSampleRow: [CADCSampleRowOnDLS(e) for e in (0, 255, 256, 511)],
    CADCSamples: [halco.CADCSamplesOnDLS()],
    ReadoutChain: [halco.ReadoutChainOnDLS()],
    MemoryTiming: [halco.MemoryTimingOnDLS()],
}
ALL_COORDS = [(cls, c) for cls in AGGREGATES for c in COORDS[cls]]


# -- 1. names, defaults, registry ----------------------------------------------------------------
@pytest.mark.parametrize("struct", list(MEMBERS), ids=lambda s: s.__qualname__)
def test_member_names_follow_upstream(struct: Any) -> None:
    assert struct.field_names() == MEMBERS[struct]


def test_defaults_are_upstreams() -> None:
    for (struct, name), expected in DEFAULTS.items():
        value = getattr(struct(), name)
        if isinstance(expected, bool):
            assert value is expected, (struct.__qualname__, name)
        else:
            got = [int(v) for v in value] if isinstance(expected, list) else int(value)
            assert got == expected, (struct.__qualname__, name)
    for struct in MEMBERS:
        if struct in AGGREGATES:
            continue
        for f in struct._fields:
            if (struct, f.name) in DEFAULTS or isinstance(f, (StructField, ItemArrayField)):
                continue
            value = getattr(struct(), f.name)
            values = list(value) if isinstance(f, ValueArrayField) else [value]
            assert all(int(v) == 0 for v in values), (struct.__qualname__, f.name)
    assert int(CADCReadoutChain.Channel().offset) == 0  # offset-binary 0x80 on the wire
    assert type(ReadoutChain().dynamic_mux.i_bias) is CapMemCell.Value


def test_default_madc_and_dac_words_equal_the_leaf_defaults() -> None:
    *_, (_, dac), (_, madc) = readout_leaves(ReadoutChain())
    assert madc == MADCConfig() and dac == CurrentDAC()


def test_registry() -> None:
    for cls in AGGREGATES:
        name = cls.__name__
        assert haldls.lola.containers[name] is cls
        assert name in haldls.lola.__all__ and getattr(haldls.lola, name) is cls
        assert issubclass(cls, Aggregate) and not issubclass(cls, Container)
    assert CADCReadoutChain.coordinate_type is CADCOnDLS
    assert ReadoutChain.coordinate_type is halco.ReadoutChainOnDLS
    assert CADCSampleRow.coordinate_type is CADCSampleRowOnDLS
    assert CADCSamples.coordinate_type is halco.CADCSamplesOnDLS
    assert MemoryTiming.coordinate_type is halco.MemoryTimingOnDLS


# -- 2. addresses ------------------------------------------------------------------------------
@pytest.mark.parametrize(("cls", "coord"), ALL_COORDS, ids=str)
def test_addresses_are_unique_and_the_leaves_own(cls: Any, coord: Any) -> None:
    addresses = cls.address_array(coord).tolist()
    assert len(set(addresses)) == len(addresses)
    if cls is CADCReadoutChain:
        expected, _ = expected_words(cadc_leaves(CADCReadoutChain(), coord.toEnum()))
    elif cls is ReadoutChain:
        expected, _ = expected_words(readout_leaves(ReadoutChain()))
    elif cls is MemoryTiming:
        expected, _ = expected_words(timing_leaves(MemoryTiming()))
    elif cls is CADCSampleRow:
        synram, row = coord.toSynramOnDLS().toEnum(), coord.toSynapseRowOnSynram().toEnum()
        expected = [CADCSampleQuad._addresses(c)[0] for c, _, _ in row_quads(synram, row)]
    else:
        expected = [CADCSampleQuad._addresses(c)[0] for c, *_ in samples_quads()]
    assert addresses == expected


def test_cadc_chains_of_both_hemispheres_are_disjoint() -> None:
    top, bottom = (set(CADCReadoutChain.address_array(CADCOnDLS(h)).tolist()) for h in (0, 1))
    assert not top & bottom


def test_leaves_in_visit_order() -> None:
    names = [type(c).__name__ for _, c in CADCReadoutChain().leaves(CADCOnDLS(1))]
    assert names == ["CADCConfig"] + ["CapMemCell"] * 16 + ["CADCChannelConfig"] * 512 + [
        "ColumnCorrelationQuad"
    ] * 64 + ["CommonCorrelationConfig"]
    names = [type(c).__name__ for _, c in ReadoutChain().leaves()]
    assert names == (
        ["ReadoutSourceSelection"]
        + ["CapMemCell"] * 8
        + ["PadMultiplexerConfig"] * 2
        + ["CapMemCell"] * 6
        + ["CurrentDAC", "MADCConfig"]
    )


# -- 3. words: random values land in their leaves, round trips ------------------------------------
def random_aggregate(cls: Any, seed: int) -> Any:
    x = cls()
    randomize(x, np.random.default_rng(seed))
    return x


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1), h=st.integers(0, 1))
def test_cadc_chain_words_and_round_trip(seed: int, h: int) -> None:
    chain = random_aggregate(CADCReadoutChain, seed)
    addresses, words = expected_words(cadc_leaves(chain, h))
    got_addresses, got_words = chain.encode_write_arrays(CADCOnDLS(h))
    assert got_addresses.tolist() == addresses and got_words.tolist() == words
    assert got_words.dtype == np.uint32
    back = CADCReadoutChain.decode_array(got_words, CADCOnDLS(h))
    assert back == chain


@settings(max_examples=20)
@given(seed=st.integers(0, 2**32 - 1))
def test_readout_chain_words_and_round_trip(seed: int) -> None:
    chain = random_aggregate(ReadoutChain, seed)
    _, words = expected_words(readout_leaves(chain))
    assert chain.encode_array().tolist() == words
    assert ReadoutChain.decode_array(chain.encode_array()) == chain


@settings(max_examples=20)
@given(seed=st.integers(0, 2**32 - 1))
def test_memory_timing_words_and_round_trip(seed: int) -> None:
    timing = random_aggregate(MemoryTiming, seed)
    _, words = expected_words(timing_leaves(timing))
    assert timing.encode_array().tolist() == words
    assert MemoryTiming.decode_array(timing.encode_array()) == timing


def test_cadc_chain_non_default_values_land_in_their_leaf_words() -> None:
    chain = CADCReadoutChain()
    chain.ramp.enable, chain.ramp.dead_time = True, 7
    chain.channels_acausal[130].offset = -5
    chain.channels_causal[3].enable_connect_debug = True
    chain.correlation.reset_mode = CommonCorrelationConfig.ResetMode.auto_calibrating
    chain.ramp.v_offset_assignment = [1, 1]
    addresses = CADCReadoutChain.address_array(CADCOnDLS(1)).tolist()
    words = dict(zip(addresses, chain.encode_array(CADCOnDLS(1)).tolist(), strict=True))
    config = CADCConfig(enable=True, reset_wait=100, dead_time=7)
    assert words[CADCConfig._addresses(halco.CADCConfigOnDLS(1))[0]] == config.encode_words()[0]
    offset = CADCChannelConfigOnDLS(
        CADCChannelConfigOnSynram(CADCChannelColumnOnSynram(130), CADCChannelType.acausal),
        SynramOnDLS(1),
    )
    assert (
        words[CADCChannelConfig._addresses(offset)[0]]
        == CADCChannelConfig(offset=-5).encode_words()[0]
    )
    quad = ColumnCorrelationQuad()  # column 3 is entry 1 of quad column 32
    quad.switches[1].enable_debug_causal = True
    quad_addresses = ColumnCorrelationQuad._addresses(
        ColumnCorrelationQuadOnDLS(ColumnCorrelationQuadOnSynram(32), SynramOnDLS(1))
    )
    assert [words[a] for a in quad_addresses] == quad.encode_words()
    correlation = CommonCorrelationConfig(
        reset_mode=CommonCorrelationConfig.ResetMode.auto_calibrating,
        cadc_v_offset_assignment=[1, 1],
    )
    correlation_addresses = CommonCorrelationConfig._addresses(
        halco.CommonCorrelationConfigOnDLS(1)
    )
    assert [words[a] for a in correlation_addresses] == correlation.encode_words()


def test_readout_chain_non_default_values_land_in_their_leaf_words() -> None:
    chain = ReadoutChain()
    chain.input_mux[1].neuron_even[0] = True
    chain.buffer_to_pad[1].enable = True
    chain.madc.number_of_samples = 12345
    chain.source_measure_unit.connect_synapse_debug[1] = True
    chain.current_dac.current = 0xA7
    chain.current_dac.sign = CurrentDAC.Sign.sink
    chain.pad_mux[0].debug_to_pad = True
    words = dict(
        zip(ReadoutChain.address_array().tolist(), chain.encode_array().tolist(), strict=True)
    )
    rss = ReadoutSourceSelection()
    rss.buffers[1].neuron_even[0] = True
    rss.enable_buffer_to_pad[1] = True
    rss_addresses = ReadoutSourceSelection._addresses(halco.ReadoutSourceSelectionOnDLS())
    assert [words[a] for a in rss_addresses] == rss.encode_words()
    madc = MADCConfig(number_of_samples=12345, connect_iconv_synapse=[False, True])
    madc_addresses = MADCConfig._addresses(halco.MADCConfigOnDLS())
    assert [words[a] for a in madc_addresses] == madc.encode_words()
    dac = CurrentDAC(current=0xA7, sign=CurrentDAC.Sign.sink)
    assert words[CurrentDAC._addresses(halco.CurrentDACOnDLS())[0]] == dac.encode_words()[0]
    pad = haldls.PadMultiplexerConfig(debug_to_pad=True)
    pad_addresses = haldls.PadMultiplexerConfig._addresses(halco.PadMultiplexerConfigOnDLS(0))
    assert [words[a] for a in pad_addresses] == pad.encode_words()


# -- 4. CapMem cells ------------------------------------------------------------------------------
@pytest.mark.parametrize("h", [0, 1])
@pytest.mark.parametrize("b", [0, 1])
@pytest.mark.parametrize(("row", "owner", "member"), CADC_CELLS)
def test_cadc_analog_values_land_in_their_cells(
    h: int, b: int, row: int, owner: str, member: str
) -> None:
    chain = CADCReadoutChain()
    getattr(getattr(chain, owner), member)[b] = 700 + row
    target = CapMemCell._addresses(cell(row, 2 * h + b))[0]
    addresses, words = chain.encode_write_arrays(CADCOnDLS(h), reference=CADCReadoutChain())
    assert addresses.tolist() == [target]
    assert words.tolist() == CapMemCell(value=700 + row).encode_words()
    back = CADCReadoutChain.decode_array(chain.encode_array(CADCOnDLS(h)), CADCOnDLS(h))
    assert int(getattr(getattr(back, owner), member)[b]) == 700 + row


@pytest.mark.parametrize("entry", READOUT_CELLS_BEFORE_PADS + READOUT_CELLS_AFTER_PADS)
def test_readout_analog_values_land_in_their_cells(entry: tuple[str, Any, str, str]) -> None:
    sub, index, member, name = entry
    chain = ReadoutChain()
    owner = getattr(chain, sub) if index is None else getattr(chain, sub)[index]
    setattr(owner, member, CapMemCell.DisableRefresh())
    addresses, words = chain.encode_write_arrays(reference=ReadoutChain())
    assert addresses.tolist() == CapMemCell._addresses(getattr(CapMemCellOnDLS, name))
    assert words.tolist() == CapMemCell(value=CapMemCell.DisableRefresh()).encode_words()


def test_readout_cells_are_the_halco_statics() -> None:
    # two cells spelled out from reference §1.6 (block, column, row), the rest by name
    statics: Any = CapMemCellOnDLS
    assert statics.readout_sc_amp_v_ref == cell(6, 0)
    names = [name for *_, name in READOUT_CELLS_BEFORE_PADS + READOUT_CELLS_AFTER_PADS]
    assert len(set(names)) == 14 and all(n.startswith("readout_") for n in names)


# -- 5. samples ------------------------------------------------------------------------------------
@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1), e=st.integers(0, 511))
def test_sample_row_decodes_each_quad_into_its_columns(seed: int, e: int) -> None:
    rng = np.random.default_rng(seed)
    coord: Any = CADCSampleRowOnDLS(e)
    quads = row_quads(coord.toSynramOnDLS().toEnum(), coord.toSynapseRowOnSynram().toEnum())
    samples = rng.integers(0, 256, (len(quads), 4))
    words = [CADCSampleQuad(samples=list(map(int, s))).encode_words()[0] for s in samples]
    row = CADCSampleRow.decode_array(np.array(words, np.uint32), coord)
    for (_, kind, q), s in zip(quads, samples, strict=True):
        target = row.causal if kind == 0 else row.acausal
        assert [int(target[column(i, q)]) for i in range(4)] == s.tolist()
    assert row.causal.shape == row.acausal.shape == (256,)
    assert row.causal.dtype == np.uint8
    assert CADCSampleRow.decode_array(np.array(words, np.uint32), coord) == row


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1))
def test_samples_decode_each_quad_into_its_columns(seed: int) -> None:
    rng = np.random.default_rng(seed)
    quads = samples_quads()
    samples = rng.integers(0, 256, (len(quads), 4))
    words = [CADCSampleQuad(samples=list(map(int, s))).encode_words()[0] for s in samples]
    got = CADCSamples.decode_array(words)
    for (_, synram, kind, q), s in zip(quads, samples, strict=True):
        target = got.causal if kind == 0 else got.acausal
        assert [int(target[synram, column(i, q)]) for i in range(4)] == s.tolist()
    assert got.causal.shape == (2, 256)


def test_sample_aggregates_leaves_follow_their_values() -> None:
    row = CADCSampleRow()
    row.acausal[column(2, 40)] = 99
    leaves = list(row.leaves(CADCSampleRowOnDLS(3)))
    assert len(leaves) == 128
    coord, leaf = leaves[64 + 40]
    assert coord == sample_quad(0, 3, 1, 40, True)
    assert isinstance(leaf, CADCSampleQuad) and int(leaf.samples[2]) == 99


@pytest.mark.parametrize("cls", [CADCSampleRow, CADCSamples])
def test_sample_aggregates_refuse_writes(cls: Any) -> None:
    x = cls()
    with pytest.raises(fisch.errors.NotWritableError, match="read-only"):
        x.encode_array()
    with pytest.raises(fisch.errors.NotWritableError):
        x.encode_write_arrays()
    with pytest.raises(TypeError):  # NotWritableError is a TypeError
        x.encode_write_arrays(reference=cls())
    assert CADCSampleQuad.is_writable is False  # the leaves are read-only too


# -- 6. copies, pickle, differential write -------------------------------------------------------
@pytest.mark.parametrize("cls", AGGREGATES)
def test_pickle_and_copy(cls: Any) -> None:
    x = random_aggregate(cls, 7)
    assert x != cls()
    for y in (pickle.loads(pickle.dumps(x)), copy.copy(x), copy.deepcopy(x), x.copy()):
        assert y == x and type(y) is cls
    y = x.copy()
    if cls is CADCReadoutChain:
        y.channels_causal[0].offset = int(x.channels_causal[0].offset) ^ 1
    elif cls is ReadoutChain:
        y.madc.enable_dummy_data = not x.madc.enable_dummy_data
    elif cls is MemoryTiming:
        y.synram[1].wait_ctr_clear = (int(x.synram[1].wait_ctr_clear) + 1) % 8
    else:
        first = (0,) * y.causal.ndim
        y.causal[first] = (int(x.causal[first]) + 1) % 256
    assert y != x


@pytest.mark.parametrize("cls", WRITABLE)
def test_differential_write_emits_only_changed_words(cls: Any) -> None:
    base = random_aggregate(cls, 3)
    assert [a.size for a in base.encode_write_arrays(reference=base.copy())] == [0, 0]
    changed = base.copy()
    if cls is CADCReadoutChain:
        changed.correlation.sense_delay = (int(base.correlation.sense_delay) + 1) % 4096
        coord: Any = halco.CommonCorrelationConfigOnDLS(0)
        leaf: Any = CommonCorrelationConfig
        word = 0
    elif cls is ReadoutChain:
        changed.madc.number_of_samples = (int(base.madc.number_of_samples) + 1) % 65536
        coord, leaf, word = halco.MADCConfigOnDLS(), MADCConfig, 3
    else:
        changed.neuron[2].read_delay = (int(base.neuron[2].read_delay) + 1) % 256
        coord, leaf, word = halco.NeuronSRAMTimingConfigOnDLS(2), haldls.NeuronSRAMTimingConfig, 0
    addresses, words = changed.encode_write_arrays(reference=base)
    assert addresses.tolist() == [leaf._addresses(coord)[word]]
    full = dict(zip(*(a.tolist() for a in changed.encode_write_arrays()), strict=True))
    assert words.tolist() == [full[addresses[0]]]
    with pytest.raises(TypeError):
        changed.encode_write_arrays(reference=haldls.lola.AtomicNeuron())


# -- 7. errors -----------------------------------------------------------------------------------
def test_range_errors_name_the_field() -> None:
    chain, readout = CADCReadoutChain(), ReadoutChain()
    cases = [
        (lambda: chain.ramp.v_offset.__setitem__(0, 1024), "v_offset"),
        (lambda: chain.correlation.i_bias_corout.__setitem__(1, -1), "i_bias_corout"),
        (lambda: setattr(readout.dynamic_mux, "i_bias", -1), "i_bias"),
        (lambda: setattr(readout.madc, "in_500na", 1024), "in_500na"),
        (lambda: setattr(CADCSampleRow(), "causal", np.full(256, 256)), "causal"),
        (lambda: setattr(CADCSamples(), "acausal", np.full((2, 256), -1)), "acausal"),
    ]
    for action, name in cases:
        with pytest.raises(ValueError, match=name):
            action()
    with pytest.raises(TypeError, match="enable_dummy_data"):
        readout.madc.enable_dummy_data = 2
    with pytest.raises(TypeError, match="sign"):
        readout.current_dac.sign = 1.5
    with pytest.raises(TypeError, match="enable_reference"):
        readout.pseudo_diff_converter.enable_reference = 5
    with pytest.raises(ValueError, match=r"\(256,\)"):
        CADCSampleRow().causal = np.zeros(255, np.uint8)
    assert chain == CADCReadoutChain() and readout == ReadoutChain()


#: Ranged (non-analog) members: (struct, member, bad value, value type).
RANGED_CASES = [
    (CADCReadoutChain.Ramp, "reset_wait", 256, "ResetWait"),
    (CADCReadoutChain.Channel, "offset", 128, "Offset"),
    (CADCReadoutChain.Correlation, "sense_delay", 4096, "SenseDelay"),
    (ReadoutChain.MADC, "number_of_samples", 65536, "NumberOfSamples"),
    (ReadoutChain.CurrentDAC, "current", 256, "Current"),
    (ReadoutChain.MADCPreamp, "sampling_window_end", 32, "SamplingWindowTiming"),
]


@pytest.mark.parametrize(("struct", "member", "bad", "type_name"), RANGED_CASES)
def test_ranged_range_errors_name_field_range_and_value(
    struct: Any, member: str, bad: int, type_name: str
) -> None:
    with pytest.raises(CoordinateRangeError) as info:
        setattr(struct(), member, bad)
    message = str(info.value)
    assert f"{struct.__qualname__}.{member}" in message
    assert "must be in [" in message and str(bad) in message


@pytest.mark.parametrize(("cls", "coord"), ALL_COORDS, ids=str)
def test_decode_errors(cls: Any, coord: Any) -> None:
    n = len(cls.address_array(coord))
    with pytest.raises(ContainerDecodeError, match=f"{n} words"):
        cls.decode_array(np.zeros(n + 1, np.uint32), coord)


def test_coordinate_type_errors() -> None:
    with pytest.raises(CoordinateTypeError):
        CADCReadoutChain().encode_array(SynramOnDLS(0))
    with pytest.raises(CoordinateTypeError):
        CADCSampleRow.address_array(halco.SynapseRowOnDLS(0))
    with pytest.raises(CoordinateTypeError):
        ReadoutChain.decode_array(np.zeros(31, np.uint32), CADCOnDLS(0))
