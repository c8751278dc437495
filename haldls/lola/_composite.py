"""Composite containers that upstream keeps in haldls: CapMemBlock, PPUMemoryBlock, PPUMemory.

Each is an aggregate of one leaf type (``CapMemCell``, ``PPUMemoryWord``) with the visitor
machinery of ``haldls.lola``; ``haldls`` exports them under the same names.

>>> block = PPUMemoryBlock(size=PPUMemoryBlockSize(3))
>>> block.words[:] = [0x48692100, 0, 0]
>>> block.to_string()
'Hi!'
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from halco import (
    CapMemBlockOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    PPUMemoryBlockOnDLS,
    PPUMemoryBlockOnPPU,
    PPUMemoryBlockSize,
    PPUMemoryOnDLS,
    PPUMemoryWordOnDLS,
    PPUMemoryWordOnPPU,
    PPUOnDLS,
)
from halco.common import Coordinate
from haldls._blocks import CapMemCell
from haldls._ppu import PPUMemoryWord
from haldls.lola._base import (
    Aggregate,
    AnalogValueVariant,
    MatrixField,
    Slot,
    ValueArrayField,
    check_range,
)

__all__ = ["CapMemBlock", "PPUMemory", "PPUMemoryBlock"]

_CELL_KIND = CapMemCell.value.kind
#: Whitespace that ``to_string`` keeps besides the printable ASCII characters (C's isspace).
_SPACE = frozenset(b"\t\n\v\f\r")


class CapMemBlock(Aggregate):
    """All 3,120 cells of one CapMem block (130 columns x 24 rows), each ``Value(0)`` by default.

    ``block.cells[CapMemCellOnCapMemBlock]`` (or ``get_cell``/``set_cell``) holds a
    ``CapMemCell.Value`` or ``DisableRefresh``. Cells are visited in their enum order, row by
    row, one ``CapMemCell`` each.
    """

    coordinate_type = CapMemBlockOnDLS
    cells = ValueArrayField(CapMemCellOnCapMemBlock, AnalogValueVariant, 0, "Every cell's value.")

    def get_cell(self, cell: Any) -> Any:
        """Return the value of ``cell`` (a ``CapMemCellOnCapMemBlock``).

        Raises
        ------
        CoordinateTypeError
            If ``cell`` is not a ``CapMemCellOnCapMemBlock``.
        """
        return self.cells[cell]

    def set_cell(self, cell: Any, value: Any) -> None:
        """Set the value of ``cell``.

        Raises
        ------
        CoordinateTypeError, CoordinateRangeError
            If ``cell`` or ``value`` is not valid.
        """
        self.cells[cell] = value

    def _visit(self, coord: Any) -> Iterator[Slot]:
        values = self._values
        n = CapMemCellOnCapMemBlock.size

        def coords() -> list[Coordinate]:
            return [CapMemCellOnDLS(CapMemCellOnCapMemBlock(i), coord) for i in range(n)]

        def get() -> dict[str, npt.NDArray[np.int64]]:
            return {"value": np.array([int(v) for v in values["cells"]], np.int64)}

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            field = type(self).cells
            values["cells"] = field.make_array(
                _CELL_KIND.from_int(v) for v in columns["value"].tolist()
            )

        yield Slot(CapMemCell, n, coords, get, set_)


class _BlockWords(MatrixField):
    """A 1-D array of 1 to 4096 PPU memory words; assigning it sets the block's size."""

    def __set__(self, obj: Any, value: Any) -> None:
        a = np.asarray(value)
        if a.ndim != 1 or not PPUMemoryBlockSize.min <= len(a) <= PPUMemoryBlockSize.max:
            raise ValueError(
                f"{self.owner} must be 1-D with {PPUMemoryBlockSize.min} to "
                f"{PPUMemoryBlockSize.max} words, got shape {a.shape}"
            )
        if a.dtype.kind not in "iub":
            raise TypeError(f"{self.owner} must hold integers, got {a.dtype}")
        check_range(a, self.typ, self.owner)
        obj._values[self.name] = a.astype(self.dtype)


def _words_slot(values: MutableMapping[str, Any], ppu: PPUOnDLS, first: int, n: int) -> Slot:
    def coords() -> list[Coordinate]:
        return [PPUMemoryWordOnDLS(PPUMemoryWordOnPPU(first + i), ppu) for i in range(n)]

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        values["words"] = columns["value"].astype(np.int64)

    return Slot(PPUMemoryWord, n, coords, lambda: {"value": values["words"]}, set_)


def _to_string(words: npt.NDArray[Any]) -> str:
    return _printable(np.asarray(words, np.int64).astype(">u4").tobytes())


def _printable(data: bytes) -> str:
    """Return the text of ``data`` up to the first NUL: printable ASCII and whitespace."""
    end = data.find(0)
    text = data if end < 0 else data[:end]
    return "".join(chr(b) for b in text if 0x20 <= b < 0x7F or b in _SPACE)


class PPUMemoryBlock(Aggregate):
    """Consecutive words of a PPU memory (``words``, a numpy array), e.g. the mailbox.

    ``PPUMemoryBlock(size=PPUMemoryBlockSize(n))`` holds n zero words (default 4096); assigning
    ``words`` sets the size. A block is written or read at a ``PPUMemoryBlockOnDLS`` of the same
    length.

    Decision: ``words`` is a numpy array of word values (as in ``PPUMemory``), not a list of
    ``PPUMemoryWord`` objects as upstream.
    """

    coordinate_type = PPUMemoryBlockOnDLS
    words = _BlockWords(PPUMemoryWord.Value, (PPUMemoryWordOnPPU.size,), "The word values.")

    def __init__(self, size: Any = None, **fields: Any) -> None:
        """Build a block of ``size`` zero words, or of the given ``words``.

        Raises
        ------
        TypeError
            If both ``size`` and ``words`` are given, or a field is unknown.
        CoordinateRangeError
            If ``size`` lies outside 1..4096.
        """
        super().__init__(**fields)
        if size is not None:
            if "words" in fields:
                raise TypeError("PPUMemoryBlock takes size or words, not both")
            n = PPUMemoryBlockSize._coerce(size, "PPUMemoryBlock", "size")
            self._values["words"] = np.zeros(int(n), np.int64)

    @classmethod
    def default_at(cls, coord: Any = None) -> Self:
        """Return a zero block as long as ``coord``."""
        c: Any = cls._coord(coord)
        return cls(size=c.length())

    def size(self) -> PPUMemoryBlockSize:
        """Return the number of words."""
        return PPUMemoryBlockSize(len(self.words))

    def _range(self, begin: int, length: int) -> slice:
        if begin < 0 or length < 1 or begin + length > len(self.words):
            raise IndexError(
                f"words [{begin}, {begin + length}) outside the block of {len(self.words)} words"
            )
        return slice(begin, begin + length)

    def get_subblock(self, begin: int, length: Any) -> PPUMemoryBlock:
        """Return a copy of ``length`` words from ``begin``.

        Raises
        ------
        IndexError
            If the range lies outside the block.
        """
        return PPUMemoryBlock(words=self.words[self._range(begin, int(length))])

    def set_subblock(self, begin: int, block: PPUMemoryBlock) -> None:
        """Overwrite the words from ``begin`` with those of ``block``.

        Raises
        ------
        IndexError
            If ``block`` does not fit from ``begin``.
        """
        self.words[self._range(begin, len(block.words))] = block.words

    def to_string(self) -> str:
        """Return the text the words hold (a PPU program's mailbox output).

        Bytes are taken most significant first, up to the first NUL; only printable ASCII and
        whitespace are kept.
        """
        return _to_string(self.words)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        n = len(self._values["words"])
        if coord.length() != n:
            raise ValueError(f"PPUMemoryBlock of {n} words does not fit {coord!r}")
        first = coord.toPPUMemoryBlockOnPPU().toMin()._e
        yield _words_slot(self._values, coord.toPPUOnDLS(), first, n)


class PPUMemory(Aggregate):
    """The 4096 words of one PPU's memory as a numpy array (``words``)."""

    coordinate_type = PPUMemoryOnDLS
    words = MatrixField(PPUMemoryWord.Value, (PPUMemoryWordOnPPU.size,), "The word values.")

    def get_block(self, block: Any) -> PPUMemoryBlock:
        """Return a copy of the words of ``block`` (a ``PPUMemoryBlockOnPPU``).

        Raises
        ------
        CoordinateTypeError
            If ``block`` is not a ``PPUMemoryBlockOnPPU``.
        """
        b = PPUMemoryBlockOnPPU._coerce(block, "PPUMemory", "block")
        return PPUMemoryBlock(words=self.words[b.toMin()._e : b.toMax()._e + 1])

    def set_block(self, block: Any, words: PPUMemoryBlock) -> None:
        """Overwrite the words of ``block`` with those of ``words``.

        Raises
        ------
        CoordinateTypeError
            If ``block`` is not a ``PPUMemoryBlockOnPPU``.
        ValueError
            If the lengths differ.
        """
        b = PPUMemoryBlockOnPPU._coerce(block, "PPUMemory", "block")
        if b.length() != len(words.words):
            raise ValueError(f"{b!r} has {b.length()} words, the block {len(words.words)}")
        self.words[b.toMin()._e : b.toMax()._e + 1] = words.words

    def to_string(self) -> str:
        """Return the text the whole memory holds (as ``PPUMemoryBlock.to_string``)."""
        return _to_string(self.words)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield _words_slot(self._values, PPUOnDLS(coord._e), 0, PPUMemoryWordOnPPU.size)
