"""Golden words of the analog readout containers (CADC, MADC, readout muxes, pads, current DAC).

Loaded by ``conftest.py``. Addresses from reference §2.2 (MADC block at 0x000C_0000, CADC at PPU
subtree + 0x40_0000, CADC samples at PPU subtree + 0xC0_0000 + 0x8_0000/0xC_0000); words written
by hand from the upstream v3 bit layouts.
"""

from __future__ import annotations

from typing import Any

import halco
import haldls

MADCConfig = haldls.MADCConfig
SourceMultiplexer = haldls.ReadoutSourceSelection.SourceMultiplexer


def cadc_channel(column: int, channel_type: int, synram: int) -> halco.CADCChannelConfigOnDLS:
    on_synram = halco.CADCChannelConfigOnSynram(
        halco.CADCChannelColumnOnSynram(column), halco.CADCChannelType(channel_type)
    )
    return halco.CADCChannelConfigOnDLS(on_synram, halco.SynramOnDLS(synram))


def cadc_sample_quad(
    row: int, col: int, channel_type: int, readout_type: int, synram: int
) -> halco.CADCSampleQuadOnDLS:
    quad = halco.SynapseQuadOnSynram(
        halco.SynapseQuadColumnOnDLS(col), halco.SynapseRowOnSynram(row)
    )
    on_synram = halco.CADCSampleQuadOnSynram(
        quad, halco.CADCChannelType(channel_type), halco.CADCReadoutType(readout_type)
    )
    return halco.CADCSampleQuadOnDLS(on_synram, halco.SynramOnDLS(synram))


GOLDEN: dict[str, tuple[Any, haldls.Container, list[tuple[int, int]]]] = {
    "CADCConfig": (
        # bottom bus register: 0x0300_0000 + 0x40_0000 + 0x1000
        halco.CADCConfigOnDLS(1),
        haldls.CADCConfig(enable=True, reset_wait=0x5A, dead_time=0xC3),
        [(0x0340_1000, 0x000C_35A1)],  # enable bit 0, reset_wait bits 4-11, dead_time 12-19
    ),
    "CADCChannelConfig": (
        # bottom synram, column 200 (east half, column 72 there), acausal: east base + 2*72 + 1
        cadc_channel(200, 1, 1),
        haldls.CADCChannelConfig(offset=-3),
        [(0x0340_0091, 0x7D)],  # offset binary: -3 + 128 = 125
    ),
    "CADCOffsetSRAMTimingConfig": (
        # quadrant 2 = bottom west: 0x0340_0800 | 0x102
        halco.CADCOffsetSRAMTimingConfigOnDLS(2),
        haldls.CADCOffsetSRAMTimingConfig(read_delay=0x12, address_setup_time=3, write_width=9),
        [(0x0340_0902, 0x12), (0x0340_0903, 0x93)],
    ),
    "CADCSampleQuad": (
        # top synram, acausal, buffered: 0x02CC_0000 | 0x20_0000, + row 5 * 64 + quad column 7
        cadc_sample_quad(5, 7, 1, 1, 0),
        haldls.CADCSampleQuad(samples=[0x11, 0x22, 0x33, 0xFE]),
        [(0x02EC_0147, 0x1122_33FE)],  # entry 0 in the top byte
    ),
    "MADCControl": (
        halco.MADCControlOnDLS(),
        # the upstream unit test's value: wake_up, power down, pre- and iconv amplifier
        haldls.MADCControl(
            enable_iconv_amplifier=True,
            enable_pre_amplifier=True,
            enable_power_down_after_sampling=True,
            wake_up=True,
        ),
        [(0x000C_0000, 0b110_1001)],
    ),
    "MADCConfig": (
        halco.MADCConfigOnDLS(),
        MADCConfig(
            active_mux_initially_selected_input=1,
            active_mux_input_select_length=1,
            sample_duration_adjust=2,
            enable_sar_reset_on_fall=True,
            sar_reset_wait=1,
            sar_reset_length=2,
            powerup_wait_value=0x3FF,
            conversion_cycles_offset=0xA,
            calibration_wait_value=0x155,
            enable_calibration=True,
            number_of_samples=0xBEEF,
            preamp_sampling_window_start=1,
            preamp_sampling_window_end=31,
            iconv_sampling_window_start=0,
            iconv_sampling_window_end=2,
            sample_on_positive_edge=False,
            enable_dummy_data=True,
            connect_preamp_to_madc=False,
            connect_pads_to_madc=True,
            connect_preamp_to_pads=True,
            preamp_gain_capacitor_size=5,
            enable_madc_clock_scaling=True,
            madc_clock_scale_value=0x800,
            enable_active_mux_amplifiers=False,
            enable_pseudo_differential_reference=[False, True],
            signal_selection_connect_current_meter=True,
            signal_selection_connect_active_mux=False,
            signal_selection_connect_debug=True,
            signal_selection_connect_preamp=False,
            enable_iconv_amplifier=True,
            connect_iconv_neuron=[True, False],
            connect_iconv_synapse=[True, False],  # excitatory (halco 0): bit 11
        ),
        [
            (0x000C_0001, 0x9A18),
            (0x000C_0002, 0xA3FF),
            (0x000C_0003, 0x8155),
            (0x000C_0004, 0xBEEF),
            (0x000C_0005, 0x03E1),
            (0x000C_0006, 0x0040),
            (0x000C_0007, 0x0002),
            (0x000C_0008, 0x002E),
            (0x000C_0009, 0x1001),
            (0x000C_000A, 0x09AC),
        ],
    ),
    "ReadoutSourceSelection": (
        halco.ReadoutSourceSelectionOnDLS(),
        haldls.ReadoutSourceSelection(
            buffers=[
                SourceMultiplexer(
                    debug_plus=True,
                    cadc_debug_acausal=True,
                    synapse_driver_debug=[True, False],
                    neuron_odd=[False, True],
                ),
                SourceMultiplexer(
                    current_dac=True,
                    synin_debug_excitatory=True,
                    neuron_odd=[True, False],
                    neuron_even=[True, False],
                ),
            ],
            enable_buffer_to_pad=[True, False],
        ),
        # buffer 0: bits 0, 6, 7, 11; buffer 1: bits 2, 4, 9, 10 and buffer 0 to pad at bit 14
        [(0x000C_000C, 0x08C1), (0x000C_000D, 0x4614)],
    ),
    "PadMultiplexerConfig": (
        halco.PadMultiplexerConfigOnDLS(1),
        haldls.PadMultiplexerConfig(
            cadc_v_ramp_mux=[True, False, False, False],
            capmem_i_out_mux=[False, False, False, True],
            capmem_intermediate_mux_to_pad=True,
            capmem_v_out_mux=[False, True, False, False],
            capmem_v_out_mux_to_capmem_intermediate_mux=True,
            capmem_v_ref_mux=[False, False, True, False],
            neuron_i_stim_mux=[False, True],
            cadc_debug_causal_to_synapse_intermediate_mux=True,
            synin_debug_excitatory_to_synapse_intermediate_mux=True,
            buffer_to_pad=[True, False],
            neuron_i_stim_mux_to_pad=True,
        ),
        # word 0: bits 3, 5, 10, 13, 15; word 1: bits 1, 6, 7, 10, 13, 15
        [(0x000C_0010, 0xA428), (0x000C_0011, 0xA4C2)],
    ),
    "CurrentDAC": (
        halco.CurrentDACOnDLS(),
        # the upstream unit test's value (0x4B67) plus enable_current (bit 7)
        haldls.CurrentDAC(
            enable_current=True,
            current=0xA7,
            sign=haldls.CurrentDAC.Sign.sink,
            connect_neuron=[True, False],
            connect_synapse=[False, True],
        ),
        [(0x000C_000B, 0x4BE7)],
    ),
}
