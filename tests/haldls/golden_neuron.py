"""Golden words of the neuron containers (backend, triggers, spike counters, SRAM timing).

Words written by hand from the layouts of reference §2.2-§2.4 and the upstream v3 sources; see
``golden_blocks.py`` for the format.
"""

from __future__ import annotations

from typing import Any

import halco
import haldls

GOLDEN: dict[str, tuple[Any, haldls.Container, list[tuple[int, int]]]] = {
    "NeuronBackendConfig": (
        # local neuron 5 of the east block: 0x001A_9000 + 5 * 4 + i
        halco.NeuronBackendConfigOnDLS(
            halco.NeuronBackendConfigOnNeuronBackendConfigBlock(5),
            halco.NeuronBackendConfigBlockOnDLS(1),
        ),
        haldls.NeuronBackendConfig(
            address_out=0xA5,  # stored inverted: 0x5A -> LSBs 0b10 (w1 4-5), MSBs 0x16 (w0 0-5)
            reset_holdoff=9,  # 0b1001 -> 0b01 at w0 6-7, 0b10 at w1 6-7
            refractory_time=0x3C,  # stored inverted: 0xC3 -> 0xC at w1 0-3, 0x3 at w2 2-5
            post_overwrite=True,
            select_input_clock=1,
            enable_bayesian_extension=False,
            enable_neuron_slave=True,
            connect_fire_from_right=True,
            enable_spike_out=True,
            enable_bayesian_0=True,  # bit 7 of word 3
        ),
        [
            (0x001A_9014, 0x16 | 0x40),
            (0x001A_9015, 0xC | 0x20 | 0x80),
            (0x001A_9016, 0x1 | 0x2 | 0xC),
            (0x001A_9017, 0x1 | 0x4 | 0x10 | 0x80),
        ],
    ),
    "CommonNeuronBackendConfig": (
        halco.CommonNeuronBackendConfigOnDLS(1),
        haldls.CommonNeuronBackendConfig(
            enable_event_registers=False,
            force_reset=True,
            clock_scale_slow=3,
            clock_scale_fast=0xA,
            sample_positive_edge=[True, False, True, True],
            clock_scale_adaptation_pulse=5,
            clock_scale_post_pulse=0xF,
            wait_global_post_pulse=0x12,
            wait_fire_neuron=0xFE,
        ),
        [(0x001A_9800, 0x00F5_DA36), (0x001A_9801, 0xFE70_0412)],
    ),
    "NeuronReset": (
        halco.NeuronResetOnDLS(
            halco.NeuronResetOnNeuronResetBlock(17), halco.NeuronResetBlockOnDLS(1)
        ),
        haldls.NeuronReset(),  # no fields: the only value
        [(0x0012_A044, 0)],
    ),
    "NeuronResetQuad": (
        # bottom synram, quad column 9: 0x03C9_0000 + 256 rows * 64 quads + 9
        halco.NeuronResetQuadOnDLS(halco.SynapseQuadColumnOnDLS(9), halco.SynramOnDLS(1)),
        haldls.NeuronResetQuad(),
        [(0x03C9_4009, 0)],
    ),
    "BlockPostPulse": (
        halco.BlockPostPulseOnDLS(1),
        haldls.BlockPostPulse(),
        [(0x0012_A400, 0)],
    ),
    "SpikeCounterRead": (
        # left block, neuron 200: 0x0012_2800 + 200 * 4
        halco.SpikeCounterReadOnDLS(
            halco.SpikeCounterReadOnSpikeCounterReadBlock(200), halco.SpikeCounterReadBlockOnDLS(0)
        ),
        haldls.SpikeCounterRead(count=0xAB, overflow=True),
        [(0x0012_2B20, 0x1AB)],
    ),
    "SpikeCounterReset": (
        halco.SpikeCounterResetOnDLS(
            halco.SpikeCounterResetOnSpikeCounterResetBlock(255),
            halco.SpikeCounterResetBlockOnDLS(1),
        ),
        haldls.SpikeCounterReset(),
        [(0x0012_AFFC, 0)],
    ),
    "NeuronSRAMTimingConfig": (
        # SW block: 0x0017_0000 | 0x402
        halco.NeuronSRAMTimingConfigOnDLS(2),
        haldls.NeuronSRAMTimingConfig(read_delay=0x5A, address_setup_time=3, write_width=0xC),
        [(0x0017_0402, 0x5A), (0x0017_0403, 0xC3)],
    ),
    "NeuronBackendSRAMTimingConfig": (
        halco.NeuronBackendSRAMTimingConfigOnDLS(1),
        haldls.NeuronBackendSRAMTimingConfig(read_delay=7, address_setup_time=0xE, write_width=1),
        [(0x001A_9402, 0x07), (0x001A_9403, 0x1E)],
    ),
}
