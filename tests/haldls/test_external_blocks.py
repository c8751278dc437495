"""Blocks of external PPU memory (SRAM and DRAM): sizes, subblocks, words of unaligned blocks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import halco
from halco.errors import CoordinateRangeError
from haldls import ContainerList, ExternalPPUDRAMMemoryQuad, ExternalPPUMemoryQuad
from haldls.lola import ExternalPPUDRAMMemoryBlock, ExternalPPUMemoryBlock

SRAM = (ExternalPPUMemoryBlock, halco.ExternalPPUMemoryByteOnFPGA, 0x8000_0000)
DRAM = (ExternalPPUDRAMMemoryBlock, halco.ExternalPPUDRAMMemoryByteOnFPGA, 0x8400_0000)


def block_at(kind: tuple[Any, Any, int], first: int, n: int) -> Any:
    cls, byte, _ = kind
    return cls.coordinate_type(byte(first), byte(first + n - 1))


def test_sizes_and_defaults() -> None:
    assert len(ExternalPPUMemoryBlock().bytes) == 0x20000
    assert len(ExternalPPUDRAMMemoryBlock().bytes) == 4
    block = ExternalPPUMemoryBlock(size=halco.ExternalPPUMemoryBlockSize(6))
    assert block.size() == halco.ExternalPPUMemoryBlockSize(6)
    assert block.bytes.dtype == np.uint8 and not block.bytes.any()
    coord = block_at(SRAM, 10, 3)
    assert len(ExternalPPUMemoryBlock.default_at(coord).bytes) == 3


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="size or bytes, not both"):
        ExternalPPUMemoryBlock(size=2, bytes=[1, 2])
    with pytest.raises(CoordinateRangeError):
        ExternalPPUMemoryBlock(size=0x20001)
    with pytest.raises(ValueError, match="1 to 131072 bytes"):
        ExternalPPUMemoryBlock(bytes=np.zeros(0x20001, np.uint8))
    with pytest.raises(ValueError, match="1-D"):
        ExternalPPUMemoryBlock(bytes=[[1, 2]])
    with pytest.raises(TypeError, match="integers"):
        ExternalPPUMemoryBlock(bytes=[1.5])
    with pytest.raises(CoordinateRangeError, match="256"):
        ExternalPPUDRAMMemoryBlock(bytes=[256])
    block = ExternalPPUMemoryBlock(bytes=[1, 2, 3])
    with pytest.raises(ValueError, match="3 bytes does not fit"):
        block.encode_write_arrays(block_at(SRAM, 0, 4))
    with pytest.raises(IndexError, match=r"bytes \[2, 4\) outside the block of 3 bytes"):
        block.get_subblock(2, 2)
    with pytest.raises(IndexError):
        block.set_subblock(1, ExternalPPUMemoryBlock(bytes=[0, 0, 0]))


def test_subblocks_and_text() -> None:
    block = ExternalPPUMemoryBlock(bytes=list(b"Hello\nworld\x01!\0junk"))
    assert block.to_string() == "Hello\nworld!"
    sub = block.get_subblock(6, 5)
    assert bytes(sub.bytes) == b"world"
    sub.bytes[:] = list(b"there")
    assert bytes(block.bytes[6:11]) == b"world", "a subblock is a copy"
    block.set_subblock(6, sub)
    assert block.to_string() == "Hello\nthere!"


@pytest.mark.parametrize("kind", [SRAM, DRAM], ids=["sram", "dram"])
def test_unaligned_block_writes_its_bytes_only(kind: tuple[Any, Any, int]) -> None:
    cls, _, base = kind
    block = cls(bytes=[0x11, 0x22, 0x33, 0x44, 0x55, 0x66])
    addresses, words = block.encode_write_arrays(block_at(kind, 4 * 7 + 3, 6))
    # bytes 31..36: byte 3 of word 7 (bits 7-0), word 8 whole, byte 0 of word 9 (bits 31-24)
    assert [int(a) for a in addresses] == [base + 7, base + 8, base + 9]
    assert words.dtype == np.uint64
    assert [hex(int(w)) for w in words] == ["0xe00000011", "0x22334455", "0x766000000"]


@pytest.mark.parametrize("kind", [SRAM, DRAM], ids=["sram", "dram"])
def test_aligned_block_words_stay_32_bit(kind: tuple[Any, Any, int]) -> None:
    cls, _, _ = kind
    block = cls(bytes=[1, 2, 3, 4, 5, 6, 7, 8])
    words = block.encode_array(block_at(kind, 16, 8))
    assert words.dtype == np.uint32
    assert [hex(int(w)) for w in words] == ["0x1020304", "0x5060708"]


@given(first=st.integers(0, 64), data=st.binary(min_size=1, max_size=40))
def test_decode_of_read_words_gives_the_bytes(first: int, data: bytes) -> None:
    """A read returns whole words; the block keeps its own bytes of them."""
    coord = block_at(SRAM, first, len(data))
    memory = np.arange(256, dtype=np.uint8)  # what the words outside the block hold
    memory[first : first + len(data)] = list(data)
    q0, q1 = first // 4, (first + len(data) - 1) // 4
    words = memory[4 * q0 : 4 * q1 + 4].view(">u4").astype(np.int64)
    read = ExternalPPUMemoryBlock.decode_array(words, coord)
    assert bytes(read.bytes) == data
    assert len(ExternalPPUMemoryBlock.address_array(coord)) == q1 - q0 + 1


def test_container_list_of_an_unaligned_block_round_trips() -> None:
    coord = block_at(DRAM, 2, 5)
    block = ExternalPPUDRAMMemoryBlock(bytes=[9, 8, 7, 6, 5])
    listing = block.to_container_list(coord)
    quads = [leaf for _, leaf in listing]
    assert all(isinstance(q, ExternalPPUDRAMMemoryQuad) for q in quads)
    assert [list(q.enables) for q in quads] == [[False, False, True, True], [True] * 3 + [False]]
    assert ExternalPPUDRAMMemoryBlock.from_container_list(listing, coord) == block
    again = ContainerList.from_binary(listing.to_binary())
    assert ExternalPPUDRAMMemoryBlock.from_container_list(again, coord) == block
    sram = ExternalPPUMemoryBlock(bytes=[1, 2, 3, 4])
    assert {type(leaf) for _, leaf in sram.to_container_list(block_at(SRAM, 0, 4))} == {
        ExternalPPUMemoryQuad
    }
