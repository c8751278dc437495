"""Every usage pattern of reference §8 has a runnable example (examples/patterns)."""

from __future__ import annotations

import pathlib
import runpy

import pytest
from register_file import RegisterFileConnection

import fisch.connection

PATTERNS = sorted((pathlib.Path(__file__).parents[2] / "examples" / "patterns").glob("p*.py"))


def test_all_patterns_present() -> None:
    # pattern 10 (PPU programs from ELF files, the reinit stack) follows with its features
    assert [p.name[:3] for p in PATTERNS] == [f"p{i:02d}" for i in range(1, 10)]


@pytest.mark.parametrize("path", PATTERNS, ids=[p.stem for p in PATTERNS])
def test_pattern_runs(path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
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
