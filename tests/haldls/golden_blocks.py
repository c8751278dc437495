"""Golden words of the first containers (crossbar node, PPU, synapse quad, neuron config, CapMem).

Loaded by ``conftest.py``: ``GOLDEN`` maps a container name to (coordinate, non-default container,
[(address, word)]) taken from reference §2.2-§2.4.
"""

from __future__ import annotations

from typing import Any

import halco
import haldls


def quad(row: int, col: int, synram: int) -> halco.SynapseQuadOnDLS:
    on_synram = halco.SynapseQuadOnSynram(
        halco.SynapseQuadColumnOnDLS(col), halco.SynapseRowOnSynram(row)
    )
    return halco.SynapseQuadOnDLS(on_synram, halco.SynramOnDLS(synram))


def capmem_cell(block: int, column: int, row: int) -> halco.CapMemCellOnDLS:
    cell = halco.CapMemCellOnCapMemBlock(
        halco.CapMemColumnOnCapMemBlock(column), halco.CapMemRowOnCapMemBlock(row)
    )
    return halco.CapMemCellOnDLS(cell, halco.CapMemBlockOnDLS(block))


GOLDEN: dict[str, tuple[Any, haldls.Container, list[tuple[int, int]]]] = {
    "CrossbarNode": (
        halco.CrossbarNodeOnDLS(3),
        haldls.CrossbarNode(mask=0x3FFF, target=5, enable_drop_counter=True),
        [(0x0013_001C, 0x8005_3FFF)],
    ),
    "PPUControlRegister": (
        halco.PPUControlRegisterOnDLS(1),
        haldls.PPUControlRegister(inhibit_reset=True, cache_controller_enable=True),
        [(0x03A0_0000, 0x9)],
    ),
    "PPUMemoryWord": (
        halco.PPUMemoryWordOnDLS(halco.PPUMemoryWordOnPPU(5), halco.PPUOnDLS(1)),
        haldls.PPUMemoryWord(value=0xDEADBEEF),
        [(0x0380_0005, 0xDEADBEEF)],
    ),
    "SynapseQuad": (
        quad(3, 7, 0),
        haldls.SynapseQuad(
            weights=[1, 2, 3, 63],
            time_calibs=[0, 1, 2, 3],
            labels=[5, 6, 7, 8],
            amp_calibs=[3, 2, 1, 0],
        ),
        # weights permuted: 1 -> 16, 2 -> 8, 3 -> 24, 63 -> 63; entry 0 in the top byte
        [(0x02CF_0187, 0x1048_98FF), (0x02CF_01C7, 0xC586_4708)],
    ),
    "NeuronConfig": (
        # neuron 5 of block 0: the word-0 address of reference §6.1's worked example
        halco.NeuronConfigOnDLS(
            halco.NeuronConfigOnNeuronConfigBlock(5), halco.NeuronConfigBlockOnDLS(0)
        ),
        haldls.NeuronConfig(
            enable_reset_degeneration=True,
            enable_strong_fire=True,
            readout_source=haldls.NeuronConfig.ReadoutSource.adaptation,
            enable_readout=True,
            invert_adaptation_b=True,
            membrane_capacitor_size=33,
            enable_fire=True,
            enable_bypass_excitatory=True,
            connect_soma_right=True,
            enable_pause=True,
        ),
        [
            (0x0016_002A, 0x41),
            (0x0016_002B, 0xE0),
            (0x0016_002C, 0x01),
            (0x0016_002D, 33 << 2),
            (0x0016_002E, 0x84),
            (0x0016_002F, 0x81),
        ],
    ),
    "CapMemCell": (
        capmem_cell(3, 100, 5),
        haldls.CapMemCell(value=haldls.CapMemCell.DisableRefresh(1023)),
        [(0x0015_8C85, 0x3FF)],
    ),
}
