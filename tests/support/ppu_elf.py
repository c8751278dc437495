"""A minimal ELF writer for PPU programs (32-bit, big-endian, EM_PPC), for tests and examples.

``write_ppu_elf(path, sections, symbols)`` lays out an executable with a NULL section, the given
sections, ``.symtab``, ``.strtab`` and ``.shstrtab`` (no program headers) and returns its bytes.
``example_program()`` is a tiny hand-assembled PPU program (never executed here).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass

SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS = 1, 2, 3, 8
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
STT_NOTYPE, STT_OBJECT, STT_FUNC = 0, 1, 2
STB_GLOBAL = 1
SHN_ABS = 0xFFF1
EM_PPC = 20

_EHDR = struct.Struct(">16sHHIIIIIHHHHHH")  # 52 bytes
_SHDR = struct.Struct(">IIIIIIIIII")  # 40 bytes
_SYM = struct.Struct(">IIIBBH")  # 16 bytes


@dataclass(frozen=True)
class Section:
    """A section: ``data`` in the file, or ``nobits`` zero bytes that the file does not hold."""

    name: str
    address: int
    data: bytes = b""
    nobits: int | None = None
    flags: int = SHF_ALLOC


@dataclass(frozen=True)
class Symbol:
    """A global symbol; ``section`` is a section name, an index, or None (absolute)."""

    name: str
    value: int
    size: int
    type: int = STT_OBJECT
    section: str | int | None = None


class _Strings:
    """A string table under construction: offset 0 is the empty name."""

    def __init__(self) -> None:
        self.data = bytearray(b"\0")

    def add(self, name: str) -> int:
        offset = len(self.data)
        self.data += name.encode() + b"\0"
        return offset


def _align(buf: bytearray, n: int = 4) -> None:
    buf.extend(bytes(-len(buf) % n))


def write_ppu_elf(
    path: str | os.PathLike[str] | None,
    sections: Sequence[Section],
    symbols: Sequence[Symbol] = (),
    entry: int = 0,
) -> bytes:
    """Return (and write to ``path`` unless None) an ELF file holding ``sections``, ``symbols``."""
    index = {s.name: i + 1 for i, s in enumerate(sections)}
    symtab_index = len(sections) + 1
    shstrtab, strtab = _Strings(), _Strings()
    body = bytearray(_EHDR.size)  # the ELF header is filled in last
    headers = [_SHDR.pack(*[0] * 10)]  # NULL section

    for s in sections:
        _align(body)
        kind = SHT_PROGBITS if s.nobits is None else SHT_NOBITS
        size = len(s.data) if s.nobits is None else s.nobits
        headers.append(
            _SHDR.pack(shstrtab.add(s.name), kind, s.flags, s.address, len(body), size, 0, 0, 4, 0)
        )
        body += s.data if s.nobits is None else b""

    symtab = bytearray(_SYM.size)  # symbol 0 is the null symbol
    for sym in symbols:
        shndx = index[sym.section] if isinstance(sym.section, str) else sym.section
        info = (STB_GLOBAL << 4) | sym.type
        symtab += _SYM.pack(
            strtab.add(sym.name), sym.value, sym.size, info, 0, SHN_ABS if shndx is None else shndx
        )
    # .symtab (links to .strtab; sh_info: first global symbol), .strtab, .shstrtab
    tables = [
        (".symtab", SHT_SYMTAB, symtab, symtab_index + 1, 1, _SYM.size),
        (".strtab", SHT_STRTAB, strtab.data, 0, 0, 0),
    ]
    names = [shstrtab.add(name) for name, *_ in tables]
    shstrtab_name = shstrtab.add(".shstrtab")
    tables.append((".shstrtab", SHT_STRTAB, shstrtab.data, 0, 0, 0))
    names.append(shstrtab_name)
    for name_offset, (_, kind, data, link, info, entsize) in zip(names, tables, strict=True):
        _align(body)
        align = 4 if kind == SHT_SYMTAB else 1
        headers.append(
            _SHDR.pack(name_offset, kind, 0, 0, len(body), len(data), link, info, align, entsize)
        )
        body += data

    _align(body)
    shoff = len(body)
    body += b"".join(headers)
    ident = b"\x7fELF" + bytes([1, 2, 1, 0]) + bytes(8)  # ELFCLASS32, ELFDATA2MSB, version 1
    body[: _EHDR.size] = _EHDR.pack(
        ident, 2, EM_PPC, 1, entry, 0, shoff, 0, _EHDR.size, 0, 0, _SHDR.size, len(headers),
        len(headers) - 1,
    )  # fmt: skip
    image = bytes(body)
    if path is not None:
        with open(path, "wb") as f:
            f.write(image)
    return image


#: li r3, 42; stw r3, 0x2FFC(r0) (word 3071, the return code); wait; b .
EXAMPLE_INSTRUCTIONS = (0x3860002A, 0x90602FFC, 0x7C00007C, 0x48000000)
EXAMPLE_GREETING = b"Hello from the FPGA memory\0"
EXAMPLE_SAMPLES = struct.pack(">4H", 100, 200, 300, 400)


def example_program() -> tuple[list[Section], list[Symbol]]:
    """Return the sections and symbols of a tiny PPU program that returns 42.

    Internal: ``.text`` at 0 (``_start``), ``.data`` at 0x10 (``counter`` = 7), ``.bss`` at 0x14
    (``scratch``, 8 bytes); ``ext.data`` at 0x4000_0000 (``greeting``) in the external memory,
    ``ext_dram.data`` at 0x5000_0000 (``samples``) in the DRAM.
    """
    code = struct.pack(">4I", *EXAMPLE_INSTRUCTIONS)
    sections = [
        Section(".text", 0x0, code, flags=SHF_ALLOC | SHF_EXECINSTR),
        Section(".data", 0x10, struct.pack(">I", 7), flags=SHF_ALLOC | SHF_WRITE),
        Section(".bss", 0x14, nobits=8, flags=SHF_ALLOC | SHF_WRITE),
        Section("ext.data", 0x4000_0000, EXAMPLE_GREETING, flags=SHF_ALLOC | SHF_WRITE),
        Section("ext_dram.data", 0x5000_0000, EXAMPLE_SAMPLES, flags=SHF_ALLOC | SHF_WRITE),
    ]
    symbols = [
        Symbol("_start", 0x0, len(code), STT_FUNC, ".text"),
        Symbol("counter", 0x10, 4, STT_OBJECT, ".data"),
        Symbol("scratch", 0x14, 8, STT_OBJECT, ".bss"),
        Symbol("greeting", 0x4000_0000, len(EXAMPLE_GREETING), STT_OBJECT, "ext.data"),
        Symbol("samples", 0x5000_0000, len(EXAMPLE_SAMPLES), STT_OBJECT, "ext_dram.data"),
    ]
    return sections, symbols
