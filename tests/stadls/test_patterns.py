"""Every usage pattern of reference §8 has a runnable example (examples/patterns)."""

from __future__ import annotations

import pathlib
import runpy
import sys

import numpy as np
import pytest
from ppu_elf import (
    EXAMPLE_GREETING,
    EXAMPLE_INSTRUCTIONS,
    EXAMPLE_SAMPLES,
    example_program,
    write_ppu_elf,
)
from register_file import RegisterFileConnection

import fisch.connection

PATTERNS = sorted((pathlib.Path(__file__).parents[2] / "examples" / "patterns").glob("p*.py"))


def test_all_patterns_present() -> None:
    assert [p.name[:3] for p in PATTERNS] == [f"p{i:02d}" for i in range(1, 11)]


@pytest.mark.parametrize("path", PATTERNS, ids=[p.stem for p in PATTERNS])
def test_pattern_runs(
    path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", [str(path)])  # as run from the command line
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out


def test_pattern_3_reads_back_what_it_wrote(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a connection that keeps registers, the read-back equals the configuration."""
    monkeypatch.setattr(fisch.connection, "ZeroMockConnection", RegisterFileConnection)
    runpy.run_path(str(PATTERNS[2]), run_name="__main__")
    written, read = capsys.readouterr().out.splitlines()
    assert written.removeprefix("written: ") == read.removeprefix("read back (zero mock): ")
    assert "membrane_capacitor_size=63" in read


class _PPUConnection(RegisterFileConnection):
    """A register file whose PPU (top) is asleep with return code 42; keeps its last instance."""

    last: _PPUConnection | None = None

    def __init__(self) -> None:
        super().__init__()
        self.registers[0x02A0_0001] = 1  # PPUStatusRegister.sleep
        self.registers[0x0280_0000 + 3071] = 42  # PPUMemoryWordOnPPU.return_code
        _PPUConnection.last = self


def test_pattern_10_data_is_the_example_program() -> None:
    """The ELF file the example loads is what the test-support writer makes of it."""
    assert (PATTERNS[9].parent / "data" / "ppu_example.elf").read_bytes() == write_ppu_elf(
        None, *example_program()
    )


def test_pattern_10_loads_the_program(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The program's three parts land in their memories; the PPU is polled, then reset."""
    monkeypatch.setattr(fisch.connection, "ZeroMockConnection", _PPUConnection)
    monkeypatch.setattr(sys, "argv", [str(PATTERNS[9])])
    runpy.run_path(str(PATTERNS[9]), run_name="__main__")
    out = capsys.readouterr().out
    assert "symbol _start: function at PPUMemoryBlockOnPPU(PPUMemoryWordOnPPU(0)" in out
    assert out.endswith("asleep after 1 polls, return code 42\n")
    conn = _PPUConnection.last
    assert conn is not None
    registers = conn.registers
    internal = [registers[0x0280_0000 + w] for w in range(7)]
    assert internal == [*EXAMPLE_INSTRUCTIONS, 7, 0, 0]  # text, counter, bss
    greeting = np.frombuffer(EXAMPLE_GREETING + b"\0", ">u4").tolist()
    assert [registers[0x8000_0000 + q] for q in range(7)] == greeting
    assert [registers[0x8400_0000 + q] for q in range(2)] == np.frombuffer(
        EXAMPLE_SAMPLES, ">u4"
    ).tolist()
    assert registers[0x02A0_0000] == 0, "held in reset at the end"
