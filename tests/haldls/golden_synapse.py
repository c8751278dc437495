"""Golden words of the synapse-array, synapse-driver and PADI containers.

Addresses and words written by hand from reference §2.2 and the upstream haldls bit layouts (not
computed with the code under test); see ``golden_blocks.py`` for the format.
"""

from __future__ import annotations

from typing import Any

import halco
import haldls


def on_synram(row: int, col: int) -> halco.SynapseQuadOnSynram:
    return halco.SynapseQuadOnSynram(
        halco.SynapseQuadColumnOnDLS(col), halco.SynapseRowOnSynram(row)
    )


Switch = haldls.ColumnCorrelationQuad.ColumnCorrelationSwitch
Current = haldls.ColumnCurrentQuad.ColumnCurrentSwitch
RowMode = haldls.SynapseDriverConfig.RowMode

GOLDEN: dict[str, tuple[Any, haldls.Container, list[tuple[int, int]]]] = {
    "SynapseWeightQuad": (
        # bottom synapse access window 0x03C0_0000 + row * 64 + column
        halco.SynapseWeightQuadOnDLS(on_synram(3, 7), halco.SynramOnDLS(1)),
        haldls.SynapseWeightQuad(values=[1, 2, 3, 63]),
        # permuted 1 -> 0x10, 2 -> 0x08, 3 -> 0x18, 63 -> 0x3F; entry 0 in the top byte
        [(0x03C0_00C7, 0x1008_183F)],
    ),
    "SynapseLabelQuad": (
        # top label view 0x02C4_0000 + 255 * 64 + 63
        halco.SynapseLabelQuadOnDLS(on_synram(255, 63), halco.SynramOnDLS(0)),
        haldls.SynapseLabelQuad(values=[5, 6, 7, 63]),
        [(0x02C4_3FFF, 0x0506_073F)],
    ),
    "SynapseCorrelationCalibQuad": (
        # even / odd 2-MSB views at +0x1_0000 / +0x2_0000, row 3 column 7
        halco.SynapseCorrelationCalibQuadOnDLS(on_synram(3, 7), halco.SynramOnDLS(0)),
        haldls.SynapseCorrelationCalibQuad(time_calibs=[0, 1, 2, 3], amp_calibs=[3, 2, 1, 0]),
        [(0x02C1_00C7, 0x0001_0203), (0x02C2_00C7, 0x0302_0100)],
    ),
    "CorrelationReset": (
        # bottom correlation reset window 0x03C9_0000 + row * 64 + column; the value is unused
        halco.CorrelationResetOnDLS(on_synram(3, 7), halco.SynramOnDLS(1)),
        haldls.CorrelationReset(),
        [(0x03C9_00C7, 0x0)],
    ),
    "CommonSynramConfig": (
        halco.CommonSynramConfigOnDLS(1),
        haldls.CommonSynramConfig(
            pc_conf_west=1, pc_conf_east=15, w_conf_west=0xAB, w_conf_east=0x12, wait_ctr_clear=7
        ),
        [(0x0300_0000, 0xF1), (0x0300_0001, 0x12AB), (0x0300_0002, 0x7)],
    ),
    "SynapseBiasSelection": (
        halco.SynapseBiasSelectionOnDLS(0),
        haldls.SynapseBiasSelection(
            enable_internal_dac_bias=[False, True, True, True],  # bit 7 (block 0 nibble 4-7)
            enable_internal_output_bias=[True, True, True, False],  # bit 8 (block 3 nibble 8-11)
        ),
        [(0x0010_0000, 0xFFFF & ~0x80 & ~0x100)],
    ),
    "ColumnCorrelationQuad": (
        # bottom: full view 0x03CF_0000 + 2 * 16384 + 2 * 64 + column (and +64), then the weight
        # and label views at +16384 + column
        halco.ColumnCorrelationQuadOnDLS(
            halco.ColumnCorrelationQuadOnSynram(5), halco.SynramOnDLS(1)
        ),
        haldls.ColumnCorrelationQuad(
            switches=[
                Switch(enable_internal_causal=True, enable_debug_acausal=True),
                Switch(enable_internal_acausal=True, enable_cadc_neuron_readout_causal=True),
                Switch(enable_cadc_neuron_readout_acausal=True),
                {name: True for name in Switch.field_names()},
            ]
        ),
        [
            (0x03CF_8085, 0x4000_0000 | 0x0080_0000 | 0xC0),  # internal causal +6, acausal +7
            (0x03CF_80C5, 0x8000_0000 | 0xC0),  # debug causal +6, acausal +7
            (0x03C0_4005, 0x0020_0000 | 0x20),  # CADC neuron readout causal +5
            (0x03C4_4005, 0x0000_2000 | 0x20),  # CADC neuron readout acausal +5
        ],
    ),
    "ColumnCurrentQuad": (
        # top even / odd 2-MSB views + 16384 + column
        halco.ColumnCurrentQuadOnDLS(halco.ColumnCurrentQuadOnSynram(63), halco.SynramOnDLS(0)),
        haldls.ColumnCurrentQuad(
            switches=[
                Current(enable_synaptic_current_excitatory=True),
                Current(enable_synaptic_current_inhibitory=True, enable_debug_excitatory=True),
                Current(enable_debug_inhibitory=True),
                {name: True for name in Current.field_names()},
            ]
        ),
        [
            (0x02C1_403F, 0x0100_0000 | 0x0002_0000 | 0x3),  # excitatory +0, inhibitory +1
            (0x02C2_403F, 0x0001_0000 | 0x0000_0200 | 0x3),  # debug excitatory +0, inhibitory +1
        ],
    ),
    "CommonCorrelationConfig": (
        halco.CommonCorrelationConfigOnDLS(1),
        haldls.CommonCorrelationConfig(
            sense_delay=0xABC,
            reset_duration=0xFFF,
            reset_fall_time=0,
            reset_mode=haldls.CommonCorrelationConfig.ResetMode.auto_calibrating,
            # swapped sources: left entry right (bit 2 = 1), right entry left (bit 1 = 1, inverted)
            cadc_v_offset_assignment=[1, 0],
        ),
        [(0x0320_0000, 0xABC), (0x0320_0001, 0xFFF), (0x0320_0002, 0x0), (0x0320_0003, 0x7)],
    ),
    "SynapseDriverConfig": (
        # driver 42 of the bottom block: 0x0011_8400 + 42 * 4 + i (upstream test's coordinate)
        halco.SynapseDriverOnDLS(
            halco.SynapseDriverOnSynapseDriverBlock(42), halco.SynapseDriverBlockOnDLS(1)
        ),
        haldls.SynapseDriverConfig(
            enable_receiver=True,
            row_address_compare_mask=0b01010,
            enable_address_out=False,
            utilization=5,
            offset=12,
            enable_hagen_dac=True,
            recovery=7,
            row_mode_bottom=RowMode.inhibitory,
            row_mode_top=RowMode.excitatory_and_inhibitory,
            hagen_dac_offset=21,
            select_target_voltages=1,
            enable_readout=True,
            enable_hagen_modulation=True,
            enable_stp=True,
            enable_charge_sharing=True,
            enable_recovery=True,
        ),
        [
            # receiver 15, address_out 14 (stored inverted), mask 9-13, hagen 8, offset 4-7,
            # utilization 0-3
            (0x0011_84A8, 0x8000 | 0x4000 | (0b01010 << 9) | 0x100 | 0xC0 | 0x5),
            # hagen offset 8-13 stored inverted (63 - 21 = 42), inhibitory top/bottom 7/6,
            # excitatory top 5, recovery 0-3 bit-reversed (7 -> 14)
            (0x0011_84A9, (42 << 8) | 0x80 | 0x40 | 0x20 | 14),
            # recovery 7, charge sharing 6 (inverted: 0), stp 4, hagen modulation 3, readout 1,
            # target voltages 0
            (0x0011_84AA, 0x80 | 0x10 | 0x8 | 0x2 | 0x1),
        ],
    ),
    "SynapseDriverSRAMTimingConfig": (
        # bottom driver SRAM 0x0011_8400 | 0x202
        halco.SynapseDriverSRAMTimingConfigOnDLS(1),
        haldls.SynapseDriverSRAMTimingConfig(read_delay=0x5A, address_setup_time=3, write_width=9),
        [(0x0011_8602, 0x5A), (0x0011_8603, 0x93)],
    ),
    "PADIEvent": (
        halco.PADIEventOnDLS(0),
        haldls.PADIEvent(
            fire_bus=[False, True, True, False], event_address=42, row_select_address=31
        ),
        # row select 22-26, event address 16-21, fire bus 0-3
        [(0x0011_0000, (31 << 22) | (42 << 16) | 0x6)],
    ),
    "CommonPADIBusConfig": (
        halco.CommonPADIBusConfigOnDLS(1),
        haldls.CommonPADIBusConfig(
            enable_spl1=[True, False, False, True],
            enable_extended_timing=[False, True, False, False],
            dacen_pulse_extension=[1, 2, 14, 15],
        ),
        # pulse extensions 4 bit each from bit 16, extended timing 4-7, spl1 0-3
        [(0x0011_8001, 0xFE21_0000 | 0x20 | 0x9)],
    ),
    "CommonSTPConfig": (
        halco.CommonSTPConfigOnDLS(0),
        haldls.CommonSTPConfig(enable_recovery_clock=True, recovery_clock_speed=9),
        [(0x0011_0002, 0x19)],
    ),
}
