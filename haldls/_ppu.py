"""PPU containers: run control and status, its memory words, and its memory on the FPGA.

Addresses follow reference §2.2: PPU memory word w at 0x0280_0000 + w (top) / 0x0380_0000 + w
(bottom), the control register at | 0x20_0000 and the status register one above, the external
PPU memory on the FPGA at 0x8000_0000 + quad index and its DRAM at 0x8400_0000 + quad index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

import fisch
from halco import (
    EntryOnQuad,
    ExternalPPUDRAMMemoryByteOnFPGA,
    ExternalPPUDRAMMemoryQuadOnFPGA,
    ExternalPPUMemoryByteOnFPGA,
    ExternalPPUMemoryQuadOnFPGA,
    PPUControlRegisterOnDLS,
    PPUMemoryWordOnDLS,
    PPUStatusRegisterOnDLS,
)
from halco.common import BaseType
from haldls._container import Container, _word_int
from haldls._field import ArrayField, Field, at
from haldls.errors import ContainerDecodeError

__all__ = [
    "ExternalPPUDRAMMemoryByte",
    "ExternalPPUDRAMMemoryQuad",
    "ExternalPPUMemoryByte",
    "ExternalPPUMemoryQuad",
    "PPUControlRegister",
    "PPUMemoryWord",
    "PPUStatusRegister",
]

PPU_BASE = (0x0280_0000, 0x0380_0000)  # top, bottom: PPU memory; control register at | 0x20_0000
#: External PPU memory on the FPGA (the executor's registers: ``haldls._fpga``).
EXTERNAL_PPU_MEMORY_BASE = 0x8000_0000
#: External PPU DRAM on the FPGA (256 MiB).
EXTERNAL_PPU_DRAM_MEMORY_BASE = 0x8400_0000

_FPGA = (fisch.Omnibus,)


class PPUControlRegister(Container):
    """Run control of a plasticity processor (``inhibit_reset=True`` lets it run)."""

    coordinate_type = PPUControlRegisterOnDLS
    words = 1
    inhibit_reset = Field(bool, at(0, 0))
    force_clock_on = Field(bool, at(0, 1))
    force_clock_off = Field(bool, at(0, 2))
    cache_controller_enable = Field(bool, at(0, 3))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [PPU_BASE[coord._e] | 0x0020_0000]


class PPUMemoryWord(Container):
    """One 32-bit word of a PPU's 16 KiB memory."""

    coordinate_type = PPUMemoryWordOnDLS
    words = 1

    class Value(BaseType, bits=32):
        """Word value."""

        __slots__ = ()

    value = Field(Value, at(0, 0, 32))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        ppu = coord.toPPUOnDLS()._e
        return [PPU_BASE[ppu] + coord.toPPUMemoryWordOnPPU()._e]


class PPUStatusRegister(Container):
    """Run state of a plasticity processor (read-only): ``sleep`` once its program is done.

    At the PPU control register + 1 (top 0x02A0_0001, bottom 0x03A0_0001).
    """

    coordinate_type = PPUStatusRegisterOnDLS
    words = 1
    is_writable = False
    sleep = Field(bool, at(0, 0))

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [PPU_BASE[coord._e] | 0x0020_0001]


class _ExternalByte(Container, register=False):
    """One byte of a PPU memory on the FPGA, written in its lane with one byte enable.

    Bytes are placed big-endian: byte 0 of a word is bits 31-24 and its byte enable 3. A write
    sends the byte in its lane with only that lane's byte enable; a read returns the whole word.
    As the lane depends on the coordinate, the wire words come from ``encode_at(coord)`` and
    ``decode_at(coord, words)`` (``haldls.encode_write`` uses them); the register word of
    ``encode_words``/``decode`` is the lane-free byte (bits 7-0), as container lists store it.
    """

    words = 1
    backends = _FPGA
    words_depend_on_coordinate = True
    _memory_base: ClassVar[int]
    value: Any

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [cls._memory_base + coord._e // 4]

    @classmethod
    def lane(cls, coord: Any) -> int:
        """Return the byte lane (0 = bits 7-0) of byte ``coord`` within its word.

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not a byte coordinate of this memory.
        """
        return 3 - cls.coordinate_type._coerce(coord, cls.__name__, "lane")._e % 4

    def encode(self, backend: Any = None) -> list[fisch.Container]:
        """Refuse: the word depends on the coordinate (``encode_at``).

        Raises
        ------
        TypeError
            Always.
        """
        raise TypeError(f"{type(self).__name__} needs its coordinate: use encode_at(coord)")

    def encode_at(self, coord: Any, backend: Any = None) -> list[fisch.Container]:
        """Return the Omnibus write of this byte at ``coord``: its lane and one byte enable.

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not a byte coordinate of this memory.
        ValueError
            If ``backend`` is not Omnibus.
        """
        self._backend(backend)
        lane = self.lane(coord)
        enables = tuple(i == lane for i in range(4))
        return [fisch.Omnibus(fisch.Omnibus.Value(int(self.value) << 8 * lane, enables))]

    @classmethod
    def decode_at(cls, coord: Any, words: Sequence[Any]) -> Self:
        """Return the byte ``coord`` read back as its full word (fisch word or int).

        Raises
        ------
        ContainerDecodeError
            If not exactly one word is given, or it is no 32-bit word.
        CoordinateTypeError
            If ``coord`` is not a byte coordinate of this memory.
        """
        if len(words) != 1:
            raise ContainerDecodeError(f"{cls.__name__} has 1 word, got {len(words)}")
        (w,) = words
        word = w.get().word if isinstance(w, fisch.Omnibus) else _word_int(w)
        return cls.decode([(word >> 8 * cls.lane(coord)) & 0xFF])

    @classmethod
    def _from_fisch(cls, w: Any) -> int:
        if isinstance(w, fisch.Container):
            raise TypeError(f"a {cls.__name__} read is decoded with decode_at(coord, words)")
        return super()._from_fisch(w)


class ExternalPPUMemoryByte(_ExternalByte):
    """One byte of the 128 KiB PPU memory on the FPGA; byte b is in word 0x8000_0000 + b // 4.

    Lanes and byte enables as described for all such bytes (``haldls._ppu._ExternalByte``).

    >>> w = ExternalPPUMemoryByte(value=0xAB).encode_at(ExternalPPUMemoryByteOnFPGA(4))[0]
    >>> hex(w.get().word), w.get().byte_enables
    ('0xab000000', (False, False, False, True))
    """

    coordinate_type = ExternalPPUMemoryByteOnFPGA
    _memory_base = EXTERNAL_PPU_MEMORY_BASE

    class Value(BaseType, bits=8):
        """Byte value."""

        __slots__ = ()

    value = Field(Value, at(0, 0, 8))


class ExternalPPUDRAMMemoryByte(_ExternalByte):
    """One byte of the 256 MiB PPU DRAM on the FPGA; byte b is in word 0x8400_0000 + b // 4.

    Lanes and byte enables as for ``ExternalPPUMemoryByte``.

    >>> w = ExternalPPUDRAMMemoryByte(value=0xAB).encode_at(ExternalPPUDRAMMemoryByteOnFPGA(7))
    >>> hex(w[0].get().word), w[0].get().byte_enables
    ('0xab', (True, False, False, False))
    """

    coordinate_type = ExternalPPUDRAMMemoryByteOnFPGA
    _memory_base = EXTERNAL_PPU_DRAM_MEMORY_BASE

    class Value(BaseType, bits=8):
        """Byte value."""

        __slots__ = ()

    value = Field(Value, at(0, 0, 8))


class _ExternalQuad(Container, register=False):
    """Four bytes (one word) of a PPU memory on the FPGA, entry 0 in bits 31-24.

    ``enables[k]`` selects whether byte k is written (the Omnibus byte enable 3 - k); reads
    return all four bytes and decode with every enable set.
    """

    words = 1
    word_bits = 36
    byte_enabled = True
    backends = _FPGA
    _memory_base: ClassVar[int]

    @classmethod
    def encode_columns(
        cls, columns: Mapping[str, npt.ArrayLike], n: int | None = None
    ) -> npt.NDArray[Any]:
        """As ``Container.encode_columns``; N x 4 bytes (uint8) read as big-endian words.

        The whole-memory hot path (all bytes enabled); a test checks it equals the generic
        encoder.
        """
        quads = np.asarray(columns.get("quad", ()))
        plain = quads.dtype == np.uint8 and quads.ndim == 2 and quads.shape[1:] == (4,)
        if set(columns) != {"quad"} or not plain or n not in (None, len(quads)):
            return super().encode_columns(columns, n)
        words = np.ascontiguousarray(quads).view(">u4").astype(np.uint64)
        return words.reshape(len(quads), 1)

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:
        return [cls._memory_base + coord._e]


class ExternalPPUMemoryQuad(_ExternalQuad):
    """Four bytes (one word) of the PPU memory on the FPGA, entry 0 in bits 31-24.

    ``enables[k]`` selects whether byte k is written (the Omnibus byte enable 3 - k); reads
    return all four bytes and decode with every enable set.

    >>> q = ExternalPPUMemoryQuad(quad=[1, 2, 3, 4], enables=[True, False, True, True])
    >>> w = q.encode()[0].get(); hex(w.word), w.byte_enables
    ('0x1020304', (True, True, False, True))
    """

    coordinate_type = ExternalPPUMemoryQuadOnFPGA
    _memory_base = EXTERNAL_PPU_MEMORY_BASE
    Value = ExternalPPUMemoryByte.Value
    quad = ArrayField(EntryOnQuad, Value, lambda k: at(0, 8 * (3 - k), 8))
    enables = ArrayField(EntryOnQuad, bool, lambda k: at(0, 32 + 3 - k), default=True, invert=True)


class ExternalPPUDRAMMemoryQuad(_ExternalQuad):
    """Four bytes (one word) of the PPU DRAM on the FPGA, as ``ExternalPPUMemoryQuad``.

    >>> q = ExternalPPUDRAMMemoryQuad(quad=[1, 2, 3, 4])
    >>> [hex(a.value()) for a in q.addresses(ExternalPPUDRAMMemoryQuadOnFPGA(5))]
    ['0x84000005']
    """

    coordinate_type = ExternalPPUDRAMMemoryQuadOnFPGA
    _memory_base = EXTERNAL_PPU_DRAM_MEMORY_BASE
    Value = ExternalPPUDRAMMemoryByte.Value
    quad = ArrayField(EntryOnQuad, Value, lambda k: at(0, 8 * (3 - k), 8))
    enables = ArrayField(EntryOnQuad, bool, lambda k: at(0, 32 + 3 - k), default=True, invert=True)
