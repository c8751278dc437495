"""Blocks of the PPU memory and DRAM on the FPGA, as written by PPU programs.

A block holds consecutive bytes (``bytes``, a uint8 numpy array) and is written or read at a
block coordinate of the same length, such as the external parts of a PPU program
(``PPUElfFile.read_program()``).

Decision: upstream visits one ``ExternalPPUMemoryByte`` per byte (one Omnibus write each).
These blocks visit the quads the bytes lie in, one write per word, with the byte enables of
the bytes outside the block off. The memory ends up the same, with a quarter of the writes.

>>> block = ExternalPPUMemoryBlock(bytes=[0x48, 0x69, 0x21, 0])
>>> block.to_string()
'Hi!'
>>> coord = halco.ExternalPPUMemoryBlockOnFPGA(
...     halco.ExternalPPUMemoryByteOnFPGA(2), halco.ExternalPPUMemoryByteOnFPGA(5))
>>> addresses, words = block.encode_write_arrays(coord)
>>> [hex(a) for a in addresses], [hex(w) for w in words]
(['0x80000000', '0x80000001'], ['0xc00004869', '0x321000000'])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

import halco
from halco.common import Coordinate
from haldls._ppu import (
    ExternalPPUDRAMMemoryQuad,
    ExternalPPUMemoryQuad,
    _ExternalQuad,
)
from haldls.lola._base import Aggregate, MatrixField, Slot, check_range
from haldls.lola._composite import _printable

__all__ = ["ExternalPPUDRAMMemoryBlock", "ExternalPPUMemoryBlock"]


class _BlockBytes(MatrixField):
    """A 1-D array of bytes, as many as the block's size type allows; assigning sets the size."""

    def __set__(self, obj: Any, value: Any) -> None:
        a = np.asarray(value)
        size = type(obj).size_type
        if a.ndim != 1 or not size.min <= len(a) <= size.max:
            raise ValueError(
                f"{self.owner} must be 1-D with {size.min} to {size.max} bytes, got shape {a.shape}"
            )
        if a.dtype.kind not in "iub":
            raise TypeError(f"{self.owner} must hold integers, got {a.dtype}")
        check_range(a, self.typ, self.owner)
        obj._values[self.name] = a.astype(np.uint8)


class _Block(Aggregate, register=False):
    """Consecutive bytes of a PPU memory on the FPGA (shared by the SRAM and DRAM blocks)."""

    size_type: ClassVar[Any]
    quad_type: ClassVar[type[_ExternalQuad]]
    quad_coordinate: ClassVar[Any]
    #: Size of a block built without ``size`` or ``bytes``.
    default_size: ClassVar[int]

    def __init__(self, size: Any = None, **fields: Any) -> None:
        """Build a block of ``size`` zero bytes, or of the given ``bytes``.

        Raises
        ------
        TypeError
            If both ``size`` and ``bytes`` are given, or a field is unknown.
        CoordinateRangeError
            If ``size`` lies outside the memory's size range.
        """
        super().__init__(**fields)
        if size is not None and "bytes" in fields:
            raise TypeError(f"{type(self).__name__} takes size or bytes, not both")
        if "bytes" not in fields:
            n = self.default_size if size is None else self.size_type._coerce(size)
            self._values["bytes"] = np.zeros(int(n), np.uint8)

    @classmethod
    def default_at(cls, coord: Any = None) -> Self:
        """Return a zero block as long as ``coord``."""
        c: Any = cls._coord(coord)
        return cls(size=c.length())

    def size(self) -> Any:
        """Return the number of bytes (a ``size_type``)."""
        return self.size_type(len(self._values["bytes"]))

    def _range(self, begin: int, length: int) -> slice:
        n = len(self._values["bytes"])
        if begin < 0 or length < 1 or begin + length > n:
            raise IndexError(f"bytes [{begin}, {begin + length}) outside the block of {n} bytes")
        return slice(begin, begin + length)

    def get_subblock(self, begin: int, length: Any) -> Self:
        """Return a copy of ``length`` bytes from ``begin``.

        Raises
        ------
        IndexError
            If the range lies outside the block.
        """
        return type(self)(bytes=self._values["bytes"][self._range(begin, int(length))])

    def set_subblock(self, begin: int, block: _Block) -> None:
        """Overwrite the bytes from ``begin`` with those of ``block``.

        Raises
        ------
        IndexError
            If ``block`` does not fit from ``begin``.
        """
        data = block._values["bytes"]
        self._values["bytes"][self._range(begin, len(data))] = data

    def to_string(self) -> str:
        """Return the text the bytes hold, up to the first NUL (printable ASCII and whitespace)."""
        return _printable(self._values["bytes"].tobytes())

    def _visit(self, coord: Any) -> Iterator[Slot]:
        values = self._values
        n = len(values["bytes"])
        if coord.length() != n:
            raise ValueError(f"{type(self).__name__} of {n} bytes does not fit {coord!r}")
        first = coord.toMin()._e
        offset, q0 = first % 4, first // 4
        count = (offset + n + 3) // 4
        quad = self.quad_coordinate

        def coords() -> list[Coordinate]:
            return [quad(q0 + i) for i in range(count)]

        def get() -> dict[str, npt.NDArray[Any]]:
            padded = np.zeros(4 * count, np.uint8)
            padded[offset : offset + n] = values["bytes"]
            enables = np.zeros(4 * count, bool)
            enables[offset : offset + n] = True
            columns = {"quad": padded.reshape(count, 4)}
            if not enables.all():
                columns["enables"] = enables.reshape(count, 4)
            return columns

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            data = columns["quad"].reshape(-1).astype(np.uint8)
            values["bytes"] = data[offset : offset + n].copy()

        yield Slot(self.quad_type, count, coords, get, set_)


class ExternalPPUMemoryBlock(_Block):
    """Consecutive bytes of the 128 KiB PPU memory on the FPGA (``bytes``, uint8).

    ``ExternalPPUMemoryBlock(size=ExternalPPUMemoryBlockSize(n))`` holds n zero bytes (default:
    the whole memory); it is written or read at an ``ExternalPPUMemoryBlockOnFPGA`` as long.
    """

    coordinate_type = halco.ExternalPPUMemoryBlockOnFPGA
    size_type = halco.ExternalPPUMemoryBlockSize
    quad_type = ExternalPPUMemoryQuad
    quad_coordinate = halco.ExternalPPUMemoryQuadOnFPGA
    default_size = halco.ExternalPPUMemoryByteOnFPGA.size
    bytes = _BlockBytes(ExternalPPUMemoryQuad.Value, (1,), "The byte values.")


class ExternalPPUDRAMMemoryBlock(_Block):
    """Consecutive bytes of the 256 MiB PPU DRAM on the FPGA (``bytes``, uint8).

    ``ExternalPPUDRAMMemoryBlock(size=ExternalPPUDRAMMemoryBlockSize(n))`` holds n zero bytes;
    it is written or read at an ``ExternalPPUDRAMMemoryBlockOnFPGA`` as long.

    Decision: built without a size it holds one word, 4 bytes (not the whole 256 MiB, which
    upstream's default does not mean either).
    """

    coordinate_type = halco.ExternalPPUDRAMMemoryBlockOnFPGA
    size_type = halco.ExternalPPUDRAMMemoryBlockSize
    quad_type = ExternalPPUDRAMMemoryQuad
    quad_coordinate = halco.ExternalPPUDRAMMemoryQuadOnFPGA
    default_size = 4
    bytes = _BlockBytes(ExternalPPUDRAMMemoryQuad.Value, (1,), "The byte values.")
