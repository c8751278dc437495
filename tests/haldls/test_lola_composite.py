"""Composite containers: CapMemBlock, PPUMemoryBlock and PPUMemory (also exported by haldls)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import halco
import haldls
from halco import (
    CapMemBlockOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemColumnOnCapMemBlock,
    CapMemRowOnCapMemBlock,
    PPUMemoryBlockOnDLS,
    PPUMemoryBlockOnPPU,
    PPUMemoryBlockSize,
    PPUMemoryOnDLS,
    PPUMemoryWordOnPPU,
    PPUOnDLS,
)
from halco.errors import CoordinateRangeError, CoordinateTypeError
from haldls import CapMemCell, ContainerList, PPUMemoryWord
from haldls.lola import CapMemBlock, PPUMemory, PPUMemoryBlock


def block_on(first: int, last: int, ppu: int) -> PPUMemoryBlockOnDLS:
    words = PPUMemoryBlockOnPPU(PPUMemoryWordOnPPU(first), PPUMemoryWordOnPPU(last))
    return PPUMemoryBlockOnDLS(words, PPUOnDLS(ppu))


def test_haldls_exports_the_composites() -> None:
    assert haldls.CapMemBlock is CapMemBlock
    assert haldls.PPUMemoryBlock is PPUMemoryBlock and haldls.PPUMemory is PPUMemory
    assert {"CapMemBlock", "PPUMemoryBlock", "PPUMemory"} <= set(dir(haldls))
    with pytest.raises(AttributeError, match="NoSuchContainer"):
        _ = haldls.NoSuchContainer  # type: ignore[attr-defined]


# -- CapMemBlock ---------------------------------------------------------------------------------
def test_capmem_block_cells_land_at_their_addresses() -> None:
    block = CapMemBlock()
    assert all(int(v) == 0 for v in block.cells) and len(block.cells) == 3120
    cell = CapMemCellOnCapMemBlock(CapMemColumnOnCapMemBlock(129), CapMemRowOnCapMemBlock(23))
    block.set_cell(cell, CapMemCell.Value(1022))
    block.cells[CapMemCellOnCapMemBlock(1)] = CapMemCell.DisableRefresh()
    assert block.get_cell(cell) == CapMemCell.Value(1022)
    coord = CapMemBlockOnDLS(3)
    addresses, words = CapMemBlock.address_array(coord), block.encode_array(coord)
    # cells in enum order, row by row: cell 1 is column 1 of row 0; SE SRAM at 0x0015_8000
    assert [int(a) for a in addresses[:3]] == [0x0015_8000, 0x0015_8020, 0x0015_8040]
    assert int(words[1]) == 1023
    # column 129, row 23 is the last cell: base + 129 * 32 + 23
    assert int(addresses[-1]) == 0x0015_8000 + 129 * 32 + 23 and int(words[-1]) == 1022
    expected = [int(CapMemCell.addresses(halco.CapMemCellOnDLS(c, coord))[0]) for c in
                (CapMemCellOnCapMemBlock(i) for i in range(3120))]  # fmt: skip
    assert [int(a) for a in addresses] == expected
    assert CapMemBlock.decode_array(words, coord) == block


def test_capmem_block_validation() -> None:
    block = CapMemBlock()
    block.set_cell(CapMemCellOnCapMemBlock(0), 1023)
    assert block.get_cell(CapMemCellOnCapMemBlock(0)) == CapMemCell.DisableRefresh()
    with pytest.raises(CoordinateRangeError, match="1024"):
        block.set_cell(CapMemCellOnCapMemBlock(0), 1024)
    with pytest.raises(CoordinateTypeError):
        block.get_cell(halco.CapMemColumnOnCapMemBlock(0))
    with pytest.raises(TypeError):
        block.cells = 5


def test_capmem_block_through_a_container_list_of_cells() -> None:
    """Calibrated cells stored as a list apply to a block like to the lola CapMem."""
    coord = CapMemBlockOnDLS(1)
    cell = CapMemCellOnCapMemBlock(CapMemColumnOnCapMemBlock(7), CapMemRowOnCapMemBlock(2))
    listing = ContainerList([(halco.CapMemCellOnDLS(cell, coord), CapMemCell(value=512))])
    block = CapMemBlock.from_container_list(listing, coord)
    assert int(block.get_cell(cell)) == 512 and sum(int(v) for v in block.cells) == 512
    with pytest.raises(ValueError, match="not part of"):
        CapMemBlock.from_container_list(listing, CapMemBlockOnDLS(0))


# -- PPUMemoryBlock ------------------------------------------------------------------------------
def test_ppu_memory_block_size_and_words() -> None:
    assert PPUMemoryBlock().size() == PPUMemoryBlockSize(4096)
    block = PPUMemoryBlock(size=PPUMemoryBlockSize(3))
    assert block.words.tolist() == [0, 0, 0] and int(block.size()) == 3
    block.words = [7, 8, 9, 10]
    assert int(block.size()) == 4
    with pytest.raises(TypeError, match="size or words"):
        PPUMemoryBlock(size=2, words=[1, 2])
    with pytest.raises(CoordinateRangeError):
        PPUMemoryBlock(size=0)
    with pytest.raises(ValueError, match="1-D"):
        block.words = []
    with pytest.raises(ValueError, match="1-D"):
        block.words = np.zeros(4097, np.int64)
    with pytest.raises(CoordinateRangeError, match="index"):
        block.words = [1 << 32]


def test_ppu_memory_block_at_its_coordinate() -> None:
    coord = block_on(10, 12, 1)
    block = PPUMemoryBlock(words=[1, 2, 0xFFFF_FFFF])
    pairs = list(zip(PPUMemoryBlock.address_array(coord).tolist(),
                     block.encode_array(coord).tolist(), strict=True))  # fmt: skip
    assert pairs == [(0x0380_000A, 1), (0x0380_000B, 2), (0x0380_000C, 0xFFFF_FFFF)]
    assert PPUMemoryBlock.decode_array([4, 5, 6], coord).words.tolist() == [4, 5, 6]
    assert PPUMemoryBlock.default_at(coord) == PPUMemoryBlock(size=3)
    listing = block.to_container_list(coord)
    assert listing.values[0] == (
        halco.PPUMemoryWordOnDLS(PPUMemoryWordOnPPU(10), PPUOnDLS(1)),
        PPUMemoryWord(value=1),
    )
    assert PPUMemoryBlock.from_container_list(listing, coord) == block
    with pytest.raises(ValueError, match="3 words does not fit"):
        block.encode_array(block_on(0, 3, 0))
    with pytest.raises(ValueError, match="does not fit"):
        PPUMemoryBlock().encode_write_arrays(coord)


def test_ppu_memory_block_subblocks() -> None:
    block = PPUMemoryBlock(words=list(range(10)))
    sub = block.get_subblock(3, PPUMemoryBlockSize(4))
    assert sub.words.tolist() == [3, 4, 5, 6]
    sub.words[:] = 0
    assert block.words[3] == 3, "a subblock is a copy"
    block.set_subblock(8, PPUMemoryBlock(words=[42, 43]))
    assert block.words.tolist()[7:] == [7, 42, 43]
    with pytest.raises(IndexError, match="outside"):
        block.get_subblock(8, 3)
    with pytest.raises(IndexError, match="outside"):
        block.set_subblock(9, PPUMemoryBlock(words=[1, 2]))


def test_ppu_memory_block_to_string() -> None:
    # bytes most significant first, up to the first NUL even within a word
    words = [0x4865_6C6C, 0x6F20_576F, 0x726C_6421, 0x0048_656C]
    assert PPUMemoryBlock(words=words).to_string() == "Hello World!"
    # non-printable bytes are dropped, whitespace is kept
    assert PPUMemoryBlock(words=[0x41_07_0A_42, 0x09_FF_43_00]).to_string() == "A\nB\tC"
    assert PPUMemoryBlock(words=[0]).to_string() == ""
    assert PPUMemoryBlock(words=[0x4142_4344]).to_string() == "ABCD"  # no NUL: every byte


def test_ppu_memory_block_pickle_json_and_copy() -> None:
    block = PPUMemoryBlock(words=[1, 2, 3])
    for back in (pickle.loads(pickle.dumps(block)), block.copy(),
                 PPUMemoryBlock(**block.to_dict())):  # fmt: skip
        assert back == block and int(back.size()) == 3
        back.words[0] = 9
        assert block.words[0] == 1
    assert PPUMemoryBlock(words=[1, 2]) != PPUMemoryBlock(words=[1, 2, 0])


# -- PPUMemory -----------------------------------------------------------------------------------
def test_ppu_memory_blocks_and_mailbox_text() -> None:
    memory = PPUMemory()
    mailbox = PPUMemoryBlockOnPPU.mailbox
    text = PPUMemoryBlock(size=mailbox.length())
    text.words[:3] = [0x4F4B_0A00, 0, 0]
    memory.set_block(mailbox, text)
    assert memory.words[3072] == 0x4F4B_0A00
    assert memory.get_block(mailbox) == text
    assert memory.get_block(mailbox).to_string() == "OK\n"
    assert memory.to_string() == "", "the memory starts with a NUL word"
    with pytest.raises(ValueError, match="1024 words"):
        memory.set_block(mailbox, PPUMemoryBlock(size=3))
    with pytest.raises(CoordinateTypeError):
        memory.get_block(PPUMemoryOnDLS(0))
    # the memory and the same words as a block of the whole memory encode alike
    whole = block_on(0, 4095, 1)
    block = memory.get_block(PPUMemoryBlockOnPPU(PPUMemoryWordOnPPU(0), PPUMemoryWordOnPPU(4095)))
    assert (block.encode_array(whole) == memory.encode_array(PPUMemoryOnDLS(1))).all()
    assert (PPUMemoryBlock.address_array(whole) == PPUMemory.address_array(PPUMemoryOnDLS(1))).all()
