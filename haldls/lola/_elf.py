"""PPU programs from ELF files: ``PPUElfFile`` and its symbols' ``PPUProgram.Symbol``.

``PPUElfFile(path).read_program()`` returns the memory images of a linked PPU program (a
``PPUElfFile.Memory``: ``internal``, ``external``, ``external_dram``); ``read_symbols()`` maps
each symbol name to its type and its memory block. The sections land in memory as upstream:
names starting with ``int`` (or holding ``.text``, ``.data``, ``.rodata``, ``.bss``, ``.init``,
``.fini``) in the PPU's own memory at their address; names starting with ``ext`` on the FPGA by
address: 0x9000_0000 DRAM and 0x8000_0000 memory (instructions), 0x5000_0000 DRAM and
0x4000_0000 memory (data). Other sections are left out. NOBITS sections and gaps are zeros, a
later section overwrites an earlier one; each image is padded with zeros to whole words, the
internal bytes form big-endian words (a PowerPC). ``Memory`` is a ``NamedTuple``.

Decisions:

* Only sections with ``SHF_ALLOC`` are placed (upstream matches names only), so relocation and
  debug sections such as ``.rela.text`` never land in memory; empty sections add nothing.
* The file is read whole in the constructor (no handle stays open). It must be a 32-bit
  big-endian ELF file (``ValueError`` naming what was found); any machine is accepted, as PPU
  toolchains differ.
* A program without internal part, or whose image exceeds its memory (16 KiB internal, 128 KiB
  external, 256 MiB DRAM), raises ``ValueError`` naming the section.
* ``read_symbols`` needs a ``.strtab`` section (as upstream) and takes the names from each
  symbol table's linked string table; symbols of size 0 are left out, a later symbol replaces an
  earlier one of the same name. An internal symbol covers every word holding one of its bytes
  (upstream takes ``ceil(size / 4)`` words from ``value // 4``, one word short for an unaligned
  symbol crossing one more word boundary; the same for aligned ones).

>>> PPUProgram.Symbol()
Symbol(other, PPUMemoryBlockOnPPU(PPUMemoryWordOnPPU(0), PPUMemoryWordOnPPU(0)))
"""

from __future__ import annotations

import enum
import io
import os
from typing import Any, NamedTuple

import attrs
import numpy as np
from elftools.common.exceptions import ELFError
from elftools.construct.core import ConstructError
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

import halco
from haldls.lola._composite import PPUMemoryBlock
from haldls.lola._external import ExternalPPUDRAMMemoryBlock, ExternalPPUMemoryBlock

__all__ = ["PPUElfFile", "PPUProgram"]

_INTERNAL, _EXTERNAL, _DRAM = "internal", "external", "external_dram"
#: Bytes of each memory, and how error messages name it.
_MEMORY_SIZE = {
    _INTERNAL: 4 * halco.PPUMemoryWordOnPPU.size,
    _EXTERNAL: halco.ExternalPPUMemoryByteOnFPGA.size,
    _DRAM: halco.ExternalPPUDRAMMemoryByteOnFPGA.size,
}
_MEMORY_NAME = {
    _INTERNAL: "internal PPU memory",
    _EXTERNAL: "external PPU memory",
    _DRAM: "external PPU DRAM",
}
#: Base addresses of the FPGA-side memories in the PPU's address space, highest first.
_EXTERNAL_BASES = (
    (0x9000_0000, _DRAM),
    (0x8000_0000, _EXTERNAL),
    (0x5000_0000, _DRAM),
    (0x4000_0000, _EXTERNAL),
)
#: Parts of old-style section names that go to the internal memory.
_OLD_STYLE = (".text", ".data", ".rodata", ".bss", ".init", ".fini")
_ELF_MAGIC = b"\x7fELF"
_CLASS_NAME = {1: "32-bit (ELFCLASS32)", 2: "64-bit (ELFCLASS64)"}
_DATA_NAME = {1: "little-endian (ELFDATA2LSB)", 2: "big-endian (ELFDATA2MSB)"}


def _locate(address: int) -> tuple[str, int]:
    """Return the memory an address lies in and its offset there (internal below 0x4000_0000)."""
    for base, memory in _EXTERNAL_BASES:
        if address >= base:
            return memory, address - base
    return _INTERNAL, address


class _Section(NamedTuple):
    name: str
    address: int
    data: bytes


class PPUProgram:
    """Namespace of the types describing a PPU program (upstream ``lola::vx::PPUProgram``)."""

    @attrs.frozen(repr=False)
    class Symbol:
        """A symbol of a PPU program: its ``type`` and the memory block it occupies.

        ``coordinate`` is a ``PPUMemoryBlockOnPPU`` (words), an ``ExternalPPUMemoryBlockOnFPGA``
        or an ``ExternalPPUDRAMMemoryBlockOnFPGA`` (bytes). Symbols compare and hash by value.

        Raises
        ------
        TypeError
            If ``type`` is no ``Symbol.Type`` or ``coordinate`` no memory block coordinate.
        """

        class Type(enum.Enum):
            """What a symbol names: a data ``object``, a ``function`` or ``other``."""

            object = "object"
            function = "function"
            other = "other"

        type: PPUProgram.Symbol.Type = attrs.field(
            default=Type.other, validator=attrs.validators.instance_of(Type)
        )
        coordinate: Any = attrs.field(
            factory=halco.PPUMemoryBlockOnPPU,
            validator=attrs.validators.instance_of(
                (
                    halco.PPUMemoryBlockOnPPU,
                    halco.ExternalPPUMemoryBlockOnFPGA,
                    halco.ExternalPPUDRAMMemoryBlockOnFPGA,
                )
            ),
        )

        def __repr__(self) -> str:
            return f"Symbol({self.type.name}, {self.coordinate!r})"


_SYMBOL_TYPE = {
    "STT_OBJECT": PPUProgram.Symbol.Type.object,
    "STT_FUNC": PPUProgram.Symbol.Type.function,
}


class PPUElfFile:
    """A linked PPU program in an ELF file (32-bit, big-endian), read whole on construction."""

    class Memory(NamedTuple):
        """The memory images of a program; a tuple, so ``internal, external, dram = memory``.

        ``external`` and ``external_dram`` are ``None`` when the program puts nothing there.
        """

        internal: PPUMemoryBlock
        external: ExternalPPUMemoryBlock | None
        external_dram: ExternalPPUDRAMMemoryBlock | None

    def __init__(self, filename: str | os.PathLike[str]) -> None:
        """Read the ELF file at ``filename``.

        Raises
        ------
        OSError
            If the file cannot be read (e.g. ``FileNotFoundError``).
        ValueError
            If it is no ELF file, not 32-bit big-endian, or malformed.
        """
        self.filename = os.fspath(filename)
        with open(filename, "rb") as f:
            data = f.read()
        self._check_ident(data)
        try:
            elf = ELFFile(io.BytesIO(data))
            self._sections = tuple(self._read_sections(elf))
            self._symbols = self._read_symbol_table(elf)
        except (ELFError, ConstructError) as e:
            raise ValueError(f"not an ELF file: {self.filename} (malformed: {e})") from e

    def __repr__(self) -> str:
        return f"PPUElfFile({self.filename!r})"

    def _check_ident(self, data: bytes) -> None:
        if len(data) < 16 or not data.startswith(_ELF_MAGIC):
            raise ValueError(f"not an ELF file: {self.filename}")
        klass, order = data[4], data[5]
        if klass != 1:
            found = _CLASS_NAME.get(klass, f"invalid class {klass}")
            raise ValueError(
                f"{self.filename}: ELF class (byte 4) is {found}, the PPU needs 32-bit (ELFCLASS32)"
            )
        if order != 2:
            found = _DATA_NAME.get(order, f"invalid byte order {order}")
            raise ValueError(
                f"{self.filename}: ELF byte order (byte 5) is {found}, the PPU needs big-endian "
                "(ELFDATA2MSB)"
            )

    def _read_sections(self, elf: ELFFile) -> list[_Section]:
        sections = []
        for section in elf.iter_sections():
            if not section["sh_flags"] & SH_FLAGS.SHF_ALLOC or section.data_size == 0:
                continue
            data = section.data()
            if len(data) != section.data_size:
                raise ValueError(
                    f"{self.filename}: section {section.name!r} holds {section.data_size} bytes, "
                    f"the file only {len(data)}"
                )
            sections.append(_Section(section.name, section["sh_addr"], data))
        return sections

    def _read_symbol_table(self, elf: ELFFile) -> list[tuple[str, int, int, str]] | None:
        """Return (name, value, size, type) of every symbol; None without a ``.strtab``."""
        if elf.get_section_by_name(".strtab") is None:
            return None
        symbols = []
        for table in elf.iter_sections("SHT_SYMTAB"):
            if not isinstance(table, SymbolTableSection):
                continue
            for symbol in table.iter_symbols():
                info = symbol["st_info"]["type"]
                symbols.append((symbol.name, symbol["st_value"], symbol["st_size"], info))
        return symbols

    def _place(self, section: _Section) -> tuple[str, int] | None:
        """Return the memory and offset of ``section``, or None if it is left out."""
        name, address = section.name, section.address
        if name.startswith("int"):
            return _INTERNAL, address
        if name.startswith("ext"):
            memory, offset = _locate(address)
            if memory == _INTERNAL:
                raise ValueError(
                    f"{self.filename}: external memory section base address not implemented: "
                    f"section {name!r} at {address:#x}, allowed from 0x40000000 (external "
                    "memory), 0x50000000 (DRAM), 0x80000000 (memory) and 0x90000000 (DRAM)"
                )
            return memory, offset
        if any(part in name for part in _OLD_STYLE):
            return _INTERNAL, address
        return None

    def read_program(self) -> PPUElfFile.Memory:
        """Return the program's memory images (``internal``, ``external``, ``external_dram``).

        Raises
        ------
        ValueError
            If an ``ext`` section lies at an unsupported address, a section ends past its
            memory, or nothing goes to the internal memory.
        """
        images: dict[str, bytearray] = {_INTERNAL: bytearray(), _EXTERNAL: bytearray()}
        images[_DRAM] = bytearray()
        for section in self._sections:
            place = self._place(section)
            if place is None:
                continue
            memory, offset = place
            end, limit = offset + len(section.data), _MEMORY_SIZE[memory]
            if end > limit:
                raise ValueError(
                    f"{self.filename}: section {section.name!r} at {section.address:#x} covers "
                    f"bytes [{offset:#x}, {end:#x}) of the {_MEMORY_NAME[memory]}, which has "
                    f"{limit:#x} bytes"
                )
            image = images[memory]
            if len(image) < end:
                image.extend(bytes(end - len(image)))
            image[offset:end] = section.data
        for image in images.values():
            image.extend(bytes(-len(image) % 4))
        if not images[_INTERNAL]:
            raise ValueError(f"{self.filename}: the program puts nothing in the internal memory")
        words = np.frombuffer(bytes(images[_INTERNAL]), ">u4").astype(np.int64)
        external, dram = images[_EXTERNAL], images[_DRAM]
        return PPUElfFile.Memory(
            PPUMemoryBlock(words=words),
            ExternalPPUMemoryBlock(bytes=np.frombuffer(external, np.uint8)) if external else None,
            ExternalPPUDRAMMemoryBlock(bytes=np.frombuffer(dram, np.uint8)) if dram else None,
        )

    def read_symbols(self) -> dict[str, PPUProgram.Symbol]:
        """Return every symbol of nonzero size by name.

        Raises
        ------
        ValueError
            If the file has no ``.strtab`` section, or a symbol ends past its memory.
        """
        if self._symbols is None:
            raise ValueError(f"{self.filename}: no .strtab section, the symbols have no names")
        symbols = {}
        for name, value, size, info in self._symbols:
            if size == 0:
                continue
            kind = _SYMBOL_TYPE.get(info, PPUProgram.Symbol.Type.other)
            symbols[name] = PPUProgram.Symbol(kind, self._symbol_block(name, value, size))
        return symbols

    def _symbol_block(self, name: str, value: int, size: int) -> Any:
        memory, offset = _locate(value)
        end, limit = offset + size, _MEMORY_SIZE[memory]
        if end > limit:
            raise ValueError(
                f"{self.filename}: symbol {name!r} at {value:#x} covers bytes "
                f"[{offset:#x}, {end:#x}) of the {_MEMORY_NAME[memory]}, which has {limit:#x} bytes"
            )
        if memory == _INTERNAL:
            word = halco.PPUMemoryWordOnPPU
            return halco.PPUMemoryBlockOnPPU(word(offset // 4), word((end - 1) // 4))
        if memory == _EXTERNAL:
            byte: Any = halco.ExternalPPUMemoryByteOnFPGA
            return halco.ExternalPPUMemoryBlockOnFPGA(byte(offset), byte(end - 1))
        byte = halco.ExternalPPUDRAMMemoryByteOnFPGA
        return halco.ExternalPPUDRAMMemoryBlockOnFPGA(byte(offset), byte(end - 1))
