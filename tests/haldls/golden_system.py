"""Golden words of the system containers: routing, CapMem control, PPU status, FPGA, clocks, PHYs.

Loaded by ``conftest.py``. Addresses from reference §2.2 and the upstream omnibus constants;
words written by hand from the bit layouts (comments show the sums).
"""

from __future__ import annotations

from typing import Any

import halco
import haldls

A = haldls.ADPLL
Out = A.Output
CBC = haldls.CapMemBlockConfig
CO = haldls.PLLClockOutputBlock.ClockOutput

GOLDEN: dict[str, tuple[Any, haldls.Container, list[tuple[int, int]]]] = {
    # -- routing: SPL1 fabric at 0x0013_0000 ---------------------------------------------------
    "CrossbarOutputConfig": (
        halco.CrossbarOutputConfigOnDLS(0),
        haldls.CrossbarOutputConfig(
            enable_slow=[True, False, False, True],
            enable_event_counter=[True] + [False] * 6 + [True] + [False] * 3 + [True],
        ),
        # slow: bits 0, 3 = 0x9; counters 0, 7, 11 at bits 4, 11, 15 = 0x8810
        [(0x0013_0000, 0x0000_8819)],
    ),
    "CrossbarInputDropCounter": (
        # after 0x0013_0019 + 76 nodes: 0x0013_0065 + 19
        halco.CrossbarInputOnDLS(19),
        haldls.CrossbarInputDropCounter(value=0xBEEF),
        [(0x0013_0078, 0xBEEF)],
    ),
    "CrossbarOutputEventCounter": (
        # after the 20 drop counters: 0x0013_0079 + 11
        halco.CrossbarOutputOnDLS(11),
        haldls.CrossbarOutputEventCounter(value=0xAB_CDEF),
        [(0x0013_0084, 0xAB_CDEF)],
    ),
    "BackgroundSpikeSource": (
        # base 0x0013_0001 + 3 * 7 = 0x0013_0016; written as base + 1, base + 2, base
        halco.BackgroundSpikeSourceOnDLS(7),
        haldls.BackgroundSpikeSource(
            enable=True,
            enable_random=True,
            period=0x1234,
            rate=0x56,
            seed=0xCAFE_BABE,
            mask=0x0F,
            neuron_label=0x2ABC,
        ),
        [
            (0x0013_0017, 0xCAFE_BABE),  # seed
            (0x0013_0018, 0x2ABC_560F),  # label << 16 | rate << 8 | mask
            (0x0013_0016, 0x1234_0003),  # period << 16 | enable_random << 1 | enable
        ],
    ),
    # -- CapMem --------------------------------------------------------------------------------
    "CapMemBlockConfig": (
        # SW block: 0x0015_0000 + 0x4000
        halco.CapMemBlockConfigOnDLS(2),
        CBC(
            enable_capmem=False,
            debug_capmem_coord=halco.CapMemCellOnCapMemBlock(
                halco.CapMemColumnOnCapMemBlock(129), halco.CapMemRowOnCapMemBlock(23)
            ),
            debug_v_ref_select=CBC.VRefSelect.v_ref_v,
            debug_i_out_select=CBC.IOutSelect.i_out_mux,
            debug_out_amp_bias=15,
            debug_source_follower_bias=1,
            debug_level_shifter_bias=2,
            v_global_bias=4,
            current_cell_res=63,
            boost_factor=15,
            enable_boost=True,
            prescale_pause=6,
            prescale_ramp=0,
            sub_counter=0xFFFF,
            pause_counter=0xFFFF_FFFF,
            pulse_a=1,
            pulse_b=2,
            boost_a=0x8000,
            boost_b=1,
        ),
        [
            (0x0015_4000, 0x1),  # row 23 one-hot: bit 23 - 23
            (0x0015_4001, 0x81),  # column 129
            (0x0015_4002, 0x1),  # v_ref_v
            (0x0015_4003, 0xF124),  # amp 15 << 12 | sf 1 << 8 | ls 2 << 4 | v_global 4
            (0x0015_4004, 0x3F),  # current_cell_res
            (0x0015_4005, 0x1),  # i_out_mux
            (0x0015_4006, 0xF602_FFFF),  # factor 15 << 28 | pause 6 << 24 | boost << 17 | sub
            (0x0015_4007, 0x0001_0002),  # pulse_a << 16 | pulse_b
            (0x0015_4008, 0x8000_0001),  # boost_a << 16 | boost_b
            (0x0015_4009, 0xFFFF_FFFF),  # pause_counter
        ],
    ),
    "CapMemSRAMTimingConfig": (
        # SE block: 0x0015_8000 | 0x2800; words Gray-to-binary: 0xFF -> 0xAA, 0xC3 -> 0x82
        halco.CapMemSRAMTimingConfigOnDLS(3),
        haldls.CapMemSRAMTimingConfig(read_delay=0xFF, address_setup_time=3, write_width=0xC),
        [(0x0015_A800, 0xAA), (0x0015_A801, 0x82)],
    ),
    "ReferenceGeneratorConfig": (
        halco.ReferenceGeneratorConfigOnDLS(0),
        haldls.ReferenceGeneratorConfig(
            enable_internal_reference=False,
            enable_reference_output=True,
            enable_reference_input=True,
            capmem_amplifier=[1, 2, 3, 4],
            capmem_offset=[5, 6, 7, 8],
            capmem_slope=[63, 0, 10, 20],
            reference_control=63,
            resistor_control=1,
            enable_reset=True,
        ),
        [
            (0x000C_0012, 0xE000),  # output 13, input 14, reset 15
            (0x000C_0013, 0xFC0),  # reference_control << 6
            (0x000C_0014, 0x1),  # resistor_control
            (0x000C_0015, 0x81),  # amplifier 1 | 2 << 6
            (0x000C_0016, 0x103),  # amplifier 3 | 4 << 6
            (0x000C_0017, 0x185),  # offset 5 | 6 << 6
            (0x000C_0018, 0x207),  # offset 7 | 8 << 6
            (0x000C_0019, 0x3F),  # slope 63 | 0 << 6
            (0x000C_001A, 0x50A),  # slope 10 | 20 << 6
        ],
    ),
    # -- PPU -----------------------------------------------------------------------------------
    "PPUStatusRegister": (
        halco.PPUStatusRegisterOnDLS(1),
        haldls.PPUStatusRegister(sleep=True),
        [(0x03A0_0001, 0x1)],
    ),
    "ExternalPPUMemoryQuad": (
        halco.ExternalPPUMemoryQuadOnFPGA(0x7FFF),
        haldls.ExternalPPUMemoryQuad(
            quad=[0x12, 0x34, 0x56, 0x78], enables=[True, False, True, True]
        ),
        # entry 0 in bits 31-24; entry 1 not written: byte enable 2 off, i.e. bit 34 set
        [(0x8000_7FFF, 0x4_1234_5678)],
    ),
    "ExternalPPUMemoryByte": (
        # byte 0x1_2345 is byte 1 of word 0x48D1: bits 23-16, byte enable 2 only
        halco.ExternalPPUMemoryByteOnFPGA(0x1_2345),
        haldls.ExternalPPUMemoryByte(value=0xAB),
        [(0x8000_48D1, 0xB_00AB_0000)],
    ),
    "ExternalPPUDRAMMemoryQuad": (
        halco.ExternalPPUDRAMMemoryQuadOnFPGA(0x3FF_FFFF),
        haldls.ExternalPPUDRAMMemoryQuad(
            quad=[0xDE, 0xAD, 0xBE, 0xEF], enables=[True, True, True, False]
        ),
        # last DRAM word; entry 3 (bits 7-0) not written: byte enable 0 off, i.e. bit 32 set
        [(0x87FF_FFFF, 0x1_DEAD_BEEF)],
    ),
    "ExternalPPUDRAMMemoryByte": (
        # byte 0xABC_DEF2 is byte 2 of word 0x2AF_37BC: bits 15-8, byte enable 1 only
        halco.ExternalPPUDRAMMemoryByteOnFPGA(0xABC_DEF2),
        haldls.ExternalPPUDRAMMemoryByte(value=0xAB),
        [(0x86AF_37BC, 0xD_0000_AB00)],
    ),
    # -- FPGA registers ------------------------------------------------------------------------
    "HicannARQStatus": (
        halco.HicannARQStatusOnFPGA(),
        haldls.HicannARQStatus(read_count=1, write_count=2, rx_count=3, tx_count=4),
        # words in the order write, tx, rx, read
        [(0x8800_C010, 2), (0x8800_C011, 4), (0x8800_C012, 3), (0x8800_C013, 1)],
    ),
    "PerfTest": (halco.PerfTestOnFPGA(), haldls.PerfTest(enable=True), [(0x8800_8000, 1)]),
    "PerfTestStatus": (
        halco.PerfTestStatusOnFPGA(),
        haldls.PerfTestStatus(sent=100, received=99, in_order=98, error_word=0xDEAD_BEEF),
        [(0x8800_8001, 100), (0x8800_8002, 99), (0x8800_8003, 98), (0x8800_8004, 0xDEAD_BEEF)],
    ),
    "EventRecordingConfig": (
        halco.EventRecordingConfigOnFPGA(0),
        haldls.EventRecordingConfig(enable_event_recording=True),
        [(0x8800_0005, 0x1)],
    ),
    "InstructionTimeoutConfig": (
        halco.InstructionTimeoutConfigOnFPGA(0),
        haldls.InstructionTimeoutConfig(value=0xDEAD_BEEF),
        [(0x8800_0009, 0xDEAD_BEEF)],
    ),
    "SystimeCorrectionBarrierConfig": (
        halco.SystimeCorrectionBarrierConfigOnFPGA(0),
        haldls.SystimeCorrectionBarrierConfig(enable_interrupt=True),
        [(0x8800_000B, 0x1)],
    ),
    "FPGADeviceDNA": (
        halco.FPGADeviceDNAOnFPGA(0),
        haldls.FPGADeviceDNA(value=0x01AB_CDEF_89AB_CDEF),
        [(0x8800_0003, 0x01AB_CDEF), (0x8800_0004, 0x89AB_CDEF)],  # high 25 bits first
    ),
    "SystimeSyncBase": (
        halco.SystimeSyncBaseOnDLS(0),
        haldls.SystimeSyncBase(value=0x7FF_0000_0001),
        [(0x0, 0x1), (0x1, 0x7FF)],  # low 32 bits first
    ),
    # -- clocks (default backend OmnibusChipOverJTAG: 0x0008_0000 + PLL register) ---------------
    "ADPLL": (
        halco.ADPLLOnDLS(1),
        A(
            loop_filter_int=31,
            loop_filter_prop=1,
            loop_div_n=20,
            core_div_m0=3,
            core_div_m1=5,
            pre_div_p0=4,
            pre_div_p1=3,
            pre_div_p2=2,
            tune=0xFFF,
            dco_power_switch=0,
            open_lock=True,
            enforce_lock=False,
            pfd_select=True,
            lock_window=True,
            filter_shift=1,
            enable_output_clock=False,
            enable=False,
            use_external_config=True,
        ),
        [
            # 31 | 1 << 5 | 20 << 10 | 3 << 15 | 5 << 20 | (4-1) << 25 | (3-1) << 27 | (2-1) << 29
            (0x0008_0002, 0x3651_D03F),
            # 0xFFF | open 1 << 18 | pfd 1 << 20 | window 1 << 21 | shift 1 << 22
            # | disable_output_clock 1 << 24 | use_external_config 1 << 31
            (0x0008_0003, 0x8174_0FFF),
        ],
    ),
    "PLLClockOutputBlock": (
        halco.PLLClockOutputBlockOnDLS(0),
        haldls.PLLClockOutputBlock(
            clock_outputs=[
                CO(
                    enable_output=False,
                    enable_bypass=True,
                    select_adpll=1,
                    select_adpll_output=Out.dco,
                ),
                CO(enable_output=True, select_adpll=1, select_adpll_output=Out.core_1),
                CO(enable_output=True, enable_bypass=True, select_adpll_output=Out.core_0),
                CO(enable_output=False, select_adpll_output=Out.core_1),
            ],
            switch_spl1_to_madc=True,
        ),
        # bytes 0x16, 0x0D, 0x03, 0x08 (enable 0, bypass 1, adpll 2, output 3-4); spl1 bit 31
        [(0x0008_0004, 0x8803_0D16)],
    ),
    "PLLSelfTest": (
        halco.PLLSelfTestOnDLS(0),
        haldls.PLLSelfTest(
            clock_enable=True, pre_scaler_p=9, select_source=3, check_range=0xA, check_value=0xFEDCB
        ),
        [(0x0008_0005, 0xFEDC_BA73)],  # value << 12 | range << 8 | source << 5 | p << 1 | 1
    ),
    "PLLSelfTestStatus": (
        halco.PLLSelfTestStatusOnDLS(0),
        haldls.PLLSelfTestStatus(counter_value=0xABCDE, finished=True, success=False),
        [(0x0008_0007, 0x1A_BCDE)],
    ),
    # -- highspeed links -----------------------------------------------------------------------
    "PhyConfigFPGA": (
        halco.PhyConfigFPGAOnDLS(5),
        haldls.PhyConfigFPGA(
            enable_bit_slip=True,
            manual_delay=15,
            enable_delay_cell_measurement=True,
            enable_initialization_master_mode=False,
            enable_manual_tx_data_valid_for_init=True,
            enable_force_lvds_power_up=True,
            enable_force_start=True,
            enable_manual_training_mode=True,
            enable_ber_loopback=True,
            vbias=0,
            debug_outputs=1,
            enable_transmission_without_idls_pattern=True,
            enable_clock_pre_alignment=True,
            enable_des_recal=True,
            enable_loopback_en=True,
            enable_auto_init=False,
        ),
        # bits 0-5, 7-11, 15, 17-20
        [(0x8800_6005, 0x001E_8FBF)],
    ),
    "PhyConfigChip": (
        halco.PhyConfigChipOnDLS(2),
        haldls.PhyConfigChip(
            enable_bit_slip=True,
            enable_initialization_master_mode=True,
            vbias=7,
            enable_auto_init=False,
        ),
        [(2, 0x7041)],  # JTAG PHY register 2: vbias 7 << 12 | master 1 << 6 | bit_slip
    ),
    "CommonPhyConfigFPGA": (
        halco.CommonPhyConfigFPGAOnDLS(0),
        haldls.CommonPhyConfigFPGA(
            enable_phy=[True, False, True, False, False, False, False, True]
        ),
        [(0x8800_4000, 0x85)],  # links 0, 2, 7 in bits 0, 2, 7
    ),
    "CommonPhyConfigChip": (
        halco.CommonPhyConfigChipOnDLS(0),
        haldls.CommonPhyConfigChip(
            enable_phy=[True, False, True, False, False, False, False, True]
        ),
        [(0x0004_0000, 0xA1)],  # links 0, 2, 7 in bits 7, 5, 0
    ),
    "PhyStatus": (
        halco.PhyStatusOnFPGA(7),
        haldls.PhyStatus(
            crc_error_count=1, online_time=0xFFFF_FFFF, rx_dropped_count=3, rx_count=4, tx_count=5
        ),
        [
            (0x8800_400B, 1),  # UT + 4 + 7
            (0x8800_4013, 0xFFFF_FFFF),  # UT + 12 + 7
            (0x8800_401B, 3),  # UT + 20 + 7
            (0x8800_C00E, 5),  # L2 + 2 * 7: tx
            (0x8800_C00F, 4),  # rx
        ],
    ),
}
