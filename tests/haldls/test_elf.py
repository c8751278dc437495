"""PPU programs from ELF files: PPUElfFile.read_program / read_symbols, and the test ELF writer."""

from __future__ import annotations

import gc
import io
import os
import pathlib
import shutil
import struct
import subprocess
import warnings

import numpy as np
import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection
from hypothesis import given
from hypothesis import strategies as st
from ppu_elf import (
    EM_PPC,
    EXAMPLE_GREETING,
    EXAMPLE_INSTRUCTIONS,
    EXAMPLE_SAMPLES,
    SHF_ALLOC,
    SHF_EXECINSTR,
    SHF_WRITE,
    STT_FUNC,
    STT_NOTYPE,
    STT_OBJECT,
    Section,
    Symbol,
    example_program,
    write_ppu_elf,
)

import halco
import haldls.lola
from haldls.lola import (
    ExternalPPUDRAMMemoryBlock,
    ExternalPPUMemoryBlock,
    PPUElfFile,
    PPUMemoryBlock,
    PPUProgram,
)

Type = PPUProgram.Symbol.Type


def internal(first: int, last: int) -> halco.PPUMemoryBlockOnPPU:
    word = halco.PPUMemoryWordOnPPU
    return halco.PPUMemoryBlockOnPPU(word(first), word(last))


def external(first: int, last: int) -> halco.ExternalPPUMemoryBlockOnFPGA:
    byte = halco.ExternalPPUMemoryByteOnFPGA
    return halco.ExternalPPUMemoryBlockOnFPGA(byte(first), byte(last))


def dram(first: int, last: int) -> halco.ExternalPPUDRAMMemoryBlockOnFPGA:
    byte = halco.ExternalPPUDRAMMemoryByteOnFPGA
    return halco.ExternalPPUDRAMMemoryBlockOnFPGA(byte(first), byte(last))


def load(tmp_path: pathlib.Path, sections: list[Section], symbols: list[Symbol] = []) -> PPUElfFile:  # noqa: B006
    path = tmp_path / "program.elf"
    write_ppu_elf(path, sections, symbols)
    return PPUElfFile(path)


def patched(tmp_path: pathlib.Path, offset: int, value: bytes) -> pathlib.Path:
    data = bytearray(write_ppu_elf(None, *example_program()))
    data[offset : offset + len(value)] = value
    path = tmp_path / "patched.elf"
    path.write_bytes(bytes(data))
    return path


def image_bytes(block: PPUMemoryBlock) -> bytes:
    return np.asarray(block.words, np.int64).astype(">u4").tobytes()


@pytest.fixture
def example(tmp_path: pathlib.Path) -> PPUElfFile:
    return load(tmp_path, *example_program())


# -- the test ELF writer ---------------------------------------------------------------------------


def test_writer_output_parses_with_pyelftools(tmp_path: pathlib.Path) -> None:
    data = write_ppu_elf(tmp_path / "a.elf", *example_program())
    assert (tmp_path / "a.elf").read_bytes() == data
    elf = ELFFile(io.BytesIO(data))
    assert (elf.elfclass, elf.little_endian, elf["e_machine"]) == (32, False, "EM_PPC")
    names = [s.name for s in elf.iter_sections()]
    assert names == [
        "",
        ".text",
        ".data",
        ".bss",
        "ext.data",
        "ext_dram.data",
        ".symtab",
        ".strtab",
        ".shstrtab",
    ]
    text, bss, symtab = (elf.get_section_by_name(n) for n in (".text", ".bss", ".symtab"))
    assert text is not None and bss is not None and isinstance(symtab, SymbolTableSection)
    assert text.data() == struct.pack(">4I", *EXAMPLE_INSTRUCTIONS)
    assert bss["sh_type"] == "SHT_NOBITS"
    (start,) = symtab.get_symbol_by_name("_start") or []
    assert (start["st_value"], start["st_size"], start["st_info"]["type"]) == (0, 16, "STT_FUNC")
    assert start["st_shndx"] == 1
    assert elf["e_machine"] == "EM_PPC" and EM_PPC == 20


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf not installed")
def test_writer_output_parses_with_readelf(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "a.elf"
    write_ppu_elf(path, *example_program())
    env = dict(os.environ, LC_ALL="C")
    result = subprocess.run(
        ["readelf", "-h", "-S", "-s", "-W", str(path)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert "PowerPC" in result.stdout and "big endian" in result.stdout
    for name in ("ext_dram.data", "NOBITS", "_start", "greeting", "samples"):
        assert name in result.stdout


# -- read_program ----------------------------------------------------------------------------------


def test_example_internal_words(example: PPUElfFile) -> None:
    memory = example.read_program()
    assert isinstance(memory, PPUElfFile.Memory)
    assert memory.internal.words.tolist() == [*EXAMPLE_INSTRUCTIONS, 7, 0, 0]


def test_example_external_images(example: PPUElfFile) -> None:
    _, ext, ext_dram = example.read_program()
    assert isinstance(ext, ExternalPPUMemoryBlock)
    assert isinstance(ext_dram, ExternalPPUDRAMMemoryBlock)
    assert ext.bytes.tobytes() == EXAMPLE_GREETING + b"\0"  # 27 bytes padded to 28
    assert ext.to_string() == "Hello from the FPGA memory"
    assert ext_dram.bytes.tobytes() == EXAMPLE_SAMPLES


def test_memory_unpacks_and_compares(example: PPUElfFile) -> None:
    memory = example.read_program()
    internal_block, ext, ext_dram = memory
    assert (internal_block, ext, ext_dram) == (
        memory.internal,
        memory.external,
        memory.external_dram,
    )
    assert example.read_program() == memory


def test_reading_twice_gives_independent_blocks(example: PPUElfFile) -> None:
    first = example.read_program()
    first.internal.words[0] = 0
    assert example.read_program().internal.words[0] == EXAMPLE_INSTRUCTIONS[0]


def test_internal_only_program_has_no_external_parts(tmp_path: pathlib.Path) -> None:
    f = load(tmp_path, [Section("int.text", 0, b"\x01\x02\x03\x04")])
    assert f.read_program() == PPUElfFile.Memory(PPUMemoryBlock(words=[0x01020304]), None, None)


def test_unaligned_section_end_pads_with_zeros(tmp_path: pathlib.Path) -> None:
    f = load(tmp_path, [Section(".text", 0, b"\xaa\xbb\xcc\xdd\xee")])
    assert f.read_program().internal.words.tolist() == [0xAABBCCDD, 0xEE000000]


def test_gap_between_sections_is_zero(tmp_path: pathlib.Path) -> None:
    f = load(tmp_path, [Section(".text", 0, b"\x11" * 4), Section(".data", 12, b"\x22" * 4)])
    assert f.read_program().internal.words.tolist() == [0x11111111, 0, 0, 0x22222222]


def test_section_order_does_not_matter_and_later_overlaps_win(tmp_path: pathlib.Path) -> None:
    f = load(tmp_path, [Section(".data", 4, b"\x22" * 4), Section(".text", 0, b"\x11" * 6)])
    assert f.read_program().internal.words.tolist() == [0x11111111, 0x11112222]


def test_bss_only_gives_zero_words(tmp_path: pathlib.Path) -> None:
    f = load(tmp_path, [Section(".bss", 8, nobits=5)])
    assert f.read_program().internal.words.tolist() == [0, 0, 0, 0]


def test_both_external_address_windows_land_in_the_same_memory(tmp_path: pathlib.Path) -> None:
    sections = [
        Section(".text", 0, b"\0" * 4),
        Section("ext.text", 0x8000_0004, b"\x01\x02"),
        Section("ext.data", 0x4000_0000, b"\x03"),
        Section("ext_dram.text", 0x9000_0002, b"\x04"),
        Section("ext_dram.data", 0x5000_0000, b"\x05"),
    ]
    _, ext, ext_dram = load(tmp_path, sections).read_program()
    assert ext is not None and ext_dram is not None
    assert ext.bytes.tolist() == [3, 0, 0, 0, 1, 2, 0, 0]
    assert ext_dram.bytes.tolist() == [5, 0, 4, 0]


def test_section_names_decide_placement(tmp_path: pathlib.Path) -> None:
    sections = [
        Section("int.anything", 0, b"\x01\x01\x01\x01"),
        Section(".rodata.str1.1", 4, b"\x02\x02\x02\x02"),
        Section(".init", 8, b"\x03\x03\x03\x03"),
        Section(".fini_array", 12, b"\x04\x04\x04\x04"),
        Section(".comment", 16, b"\x05\x05\x05\x05"),  # no known name part: dropped
        Section(".sdata", 20, b"\x06\x06\x06\x06"),  # ".data" not in ".sdata": dropped
    ]
    words = load(tmp_path, sections).read_program().internal.words.tolist()
    assert words == [0x01010101, 0x02020202, 0x03030303, 0x04040404]


def test_non_alloc_sections_are_ignored(tmp_path: pathlib.Path) -> None:
    sections = [
        Section(".text", 0, b"\x01\x02\x03\x04", flags=SHF_ALLOC | SHF_EXECINSTR),
        Section(".rela.text", 0, b"\xff" * 12, flags=0),
        Section(".text.comment", 0x100, b"\xff" * 4, flags=0),
        Section("ext.debug", 0x1000_0000, b"\xff", flags=0),  # would be an error if placed
    ]
    memory = load(tmp_path, sections).read_program()
    assert memory == PPUElfFile.Memory(PPUMemoryBlock(words=[0x01020304]), None, None)


def test_empty_section_adds_nothing(tmp_path: pathlib.Path) -> None:
    sections = [Section(".text", 0, b"\x01\x02\x03\x04"), Section(".data", 0x100, b"")]
    assert len(load(tmp_path, sections).read_program().internal.words) == 1


def test_whole_internal_memory_fits(tmp_path: pathlib.Path) -> None:
    f = load(tmp_path, [Section(".text", 0, b"\x5a" * 0x4000)])
    assert len(f.read_program().internal.words) == 4096


def test_external_section_at_unsupported_address_raises(tmp_path: pathlib.Path) -> None:
    sections = [Section(".text", 0, b"\0" * 4), Section("ext.weird", 0x1000_0000, b"\0")]
    f = load(tmp_path, sections)
    with pytest.raises(ValueError, match=r"base address not implemented.*'ext\.weird'.*0x10000000"):
        f.read_program()


def test_too_large_internal_image_raises(tmp_path: pathlib.Path) -> None:
    f = load(tmp_path, [Section(".text", 0x3FFC, b"\0" * 8)])
    with pytest.raises(ValueError, match=r"'\.text'.*0x3ffc.*0x4004.*internal.*0x4000"):
        f.read_program()


@pytest.mark.parametrize(
    ("address", "memory"),
    [(0x4001_FFFE, "external PPU memory"), (0x9FFF_FFFE, "external PPU DRAM")],
)
def test_too_large_external_image_raises(tmp_path: pathlib.Path, address: int, memory: str) -> None:
    f = load(tmp_path, [Section(".text", 0, b"\0" * 4), Section("ext.big", address, b"\0" * 4)])
    with pytest.raises(ValueError, match=rf"'ext\.big'.*{memory}"):
        f.read_program()


def test_program_without_internal_part_raises(tmp_path: pathlib.Path) -> None:
    f = load(tmp_path, [Section("ext.data", 0x4000_0000, b"\x01")])
    with pytest.raises(ValueError, match="nothing in the internal memory"):
        f.read_program()


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["int.text", ".text", ".data.x", "int.data"]),
            st.integers(0, 0x4000 - 1),
            st.binary(min_size=1, max_size=64),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_random_internal_sections_round_trip(
    tmp_path_factory: pytest.TempPathFactory, placed: list[tuple[str, int, bytes]]
) -> None:
    placed = [(n, a, d[: 0x4000 - a]) for n, a, d in placed]
    expected = bytearray()
    for _, address, data in placed:
        end = address + len(data)
        expected.extend(bytes(max(0, end - len(expected))))
        expected[address:end] = data
    expected.extend(bytes(-len(expected) % 4))
    sections = [Section(name, address, data) for name, address, data in placed]
    f = load(tmp_path_factory.mktemp("elf"), sections)
    assert image_bytes(f.read_program().internal) == bytes(expected)


def test_internal_block_writes_through_the_builder(example: PPUElfFile) -> None:
    block = example.read_program().internal
    n = len(block.words)
    coord = halco.PPUMemoryBlockOnDLS(internal(0, n - 1), halco.PPUOnDLS.top)
    addresses, words = block.encode_write_arrays(coord)
    assert [int(a) for a in addresses] == list(range(0x0280_0000, 0x0280_0000 + n))
    assert [int(w) for w in words] == [*EXAMPLE_INSTRUCTIONS, 7, 0, 0]


# -- read_symbols ----------------------------------------------------------------------------------


def test_example_symbols(example: PPUElfFile) -> None:
    assert example.read_symbols() == {
        "_start": PPUProgram.Symbol(Type.function, internal(0, 3)),
        "counter": PPUProgram.Symbol(Type.object, internal(4, 4)),
        "scratch": PPUProgram.Symbol(Type.object, internal(5, 6)),
        "greeting": PPUProgram.Symbol(Type.object, external(0, len(EXAMPLE_GREETING) - 1)),
        "samples": PPUProgram.Symbol(Type.object, dram(0, 7)),
    }


def test_symbol_address_windows_and_types(tmp_path: pathlib.Path) -> None:
    symbols = [
        Symbol("code_ext", 0x8000_0010, 8, STT_FUNC),
        Symbol("code_dram", 0x9000_0100, 4, STT_FUNC),
        Symbol("data_ext", 0x4000_0003, 2, STT_OBJECT),
        Symbol("data_dram", 0x5000_0000, 1, STT_NOTYPE),
        Symbol("unaligned", 0x6, 4, STT_OBJECT),  # bytes 6..9: words 1..2
        Symbol("empty", 0x20, 0, STT_OBJECT),  # size 0: skipped
        Symbol("marker", 0x4000_0000, 0, STT_NOTYPE),
    ]
    f = load(tmp_path, [Section(".text", 0, b"\0" * 4)], symbols)
    assert f.read_symbols() == {
        "code_ext": PPUProgram.Symbol(Type.function, external(0x10, 0x17)),
        "code_dram": PPUProgram.Symbol(Type.function, dram(0x100, 0x103)),
        "data_ext": PPUProgram.Symbol(Type.object, external(3, 4)),
        "data_dram": PPUProgram.Symbol(Type.other, dram(0, 0)),
        "unaligned": PPUProgram.Symbol(Type.object, internal(1, 2)),
    }


def test_file_without_symbols_gives_empty_dict(tmp_path: pathlib.Path) -> None:
    assert load(tmp_path, [Section(".text", 0, b"\0" * 4)]).read_symbols() == {}


@pytest.mark.parametrize(
    ("value", "size"),
    [(0x3FFC, 8), (0x1000_0000, 4), (0x4001_FFFF, 2), (0x5FFF_FFFF, 2), (0x8002_0000, 1)],
)
def test_symbol_past_its_memory_raises(tmp_path: pathlib.Path, value: int, size: int) -> None:
    f = load(tmp_path, [Section(".text", 0, b"\0" * 4)], [Symbol("too_far", value, size)])
    with pytest.raises(ValueError, match="'too_far'"):
        f.read_symbols()


def test_symbols_need_a_strtab(tmp_path: pathlib.Path) -> None:
    data = write_ppu_elf(None, *example_program())
    assert data.count(b"\0.strtab\0") == 1
    path = tmp_path / "nostrtab.elf"
    path.write_bytes(data.replace(b"\0.strtab\0", b"\0.strtaX\0"))
    f = PPUElfFile(path)
    assert f.read_program() == load(tmp_path, *example_program()).read_program()
    with pytest.raises(ValueError, match=r"\.strtab"):
        f.read_symbols()


def test_symbol_value_semantics() -> None:
    default = PPUProgram.Symbol()
    assert default == PPUProgram.Symbol(Type.other, halco.PPUMemoryBlockOnPPU())
    assert default.coordinate == internal(0, 0)
    a = PPUProgram.Symbol(Type.object, external(1, 2))
    assert a == PPUProgram.Symbol(type=Type.object, coordinate=external(1, 2))
    assert a != PPUProgram.Symbol(Type.function, external(1, 2))
    assert a != PPUProgram.Symbol(Type.object, dram(1, 2))
    assert hash(a) == hash(PPUProgram.Symbol(Type.object, external(1, 2)))
    assert repr(a) == (
        "Symbol(object, ExternalPPUMemoryBlockOnFPGA(ExternalPPUMemoryByteOnFPGA(1), "
        "ExternalPPUMemoryByteOnFPGA(2)))"
    )
    assert [t.name for t in Type] == ["object", "function", "other"]
    with pytest.raises(AttributeError):
        a.type = Type.other  # type: ignore[misc]


def test_symbol_rejects_wrong_types() -> None:
    with pytest.raises(TypeError, match="type"):
        PPUProgram.Symbol("object", internal(0, 0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="coordinate"):
        PPUProgram.Symbol(Type.object, halco.PPUMemoryWordOnPPU(0))


# -- opening files ---------------------------------------------------------------------------------


def test_exports() -> None:
    assert {"PPUElfFile", "PPUProgram"} <= set(haldls.lola.__all__)
    assert haldls.lola.PPUElfFile.Memory._fields == ("internal", "external", "external_dram")


def test_repr_and_filename(example: PPUElfFile, tmp_path: pathlib.Path) -> None:
    assert example.filename == str(tmp_path / "program.elf")
    assert repr(example) == f"PPUElfFile({str(tmp_path / 'program.elf')!r})"


def test_missing_file_raises(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"missing\.elf"):
        PPUElfFile(tmp_path / "missing.elf")


def test_non_elf_file_raises(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "text.elf"
    path.write_text("this is not an ELF file, just text that is long enough\n")
    with pytest.raises(ValueError, match=r"not an ELF file: .*text\.elf"):
        PPUElfFile(path)
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(ValueError, match="not an ELF file"):
        PPUElfFile(tmp_path / "empty")


def test_64_bit_file_raises(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match=r"64-bit.*ELFCLASS32"):
        PPUElfFile(patched(tmp_path, 4, b"\x02"))


def test_little_endian_file_raises(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match=r"little-endian.*big-endian"):
        PPUElfFile(patched(tmp_path, 5, b"\x01"))


def test_invalid_class_raises(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="invalid class 0"):
        PPUElfFile(patched(tmp_path, 4, b"\x00"))


def test_any_machine_is_accepted(tmp_path: pathlib.Path) -> None:
    f = PPUElfFile(patched(tmp_path, 18, struct.pack(">H", 0)))  # e_machine: EM_NONE
    assert f.read_program().internal.words.tolist() == [*EXAMPLE_INSTRUCTIONS, 7, 0, 0]


@pytest.mark.parametrize("length", [16, 40, 60, 200])
def test_truncated_file_raises_value_error(tmp_path: pathlib.Path, length: int) -> None:
    path = tmp_path / "truncated.elf"
    path.write_bytes(write_ppu_elf(None, *example_program())[:length])
    with pytest.raises(ValueError, match=r"truncated\.elf"):
        PPUElfFile(path)


def test_section_data_past_the_end_of_the_file_raises(tmp_path: pathlib.Path) -> None:
    data = bytearray(write_ppu_elf(None, *example_program()))
    (shoff,) = struct.unpack_from(">I", data, 32)
    struct.pack_into(">I", data, shoff + 40 + 20, 0x1000)  # sh_size of section 1 (.text)
    path = tmp_path / "short.elf"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"'\.text' holds 4096 bytes, the file only"):
        PPUElfFile(path)


def test_no_file_handle_stays_open(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "a.elf"
    write_ppu_elf(path, *example_program())
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        f = PPUElfFile(path)
        f.read_program()
        f.read_symbols()
        del f
        gc.collect()
    path.unlink()  # nothing holds the file
    assert not path.exists()


def test_accepts_str_paths(tmp_path: pathlib.Path) -> None:
    sections = [Section(".text", 0, b"\x01\x02\x03\x04", flags=SHF_ALLOC | SHF_WRITE)]
    write_ppu_elf(tmp_path / "a.elf", sections)
    assert PPUElfFile(str(tmp_path / "a.elf")).read_program().internal.words.tolist() == [
        0x01020304
    ]
