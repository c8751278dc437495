"""The cffi declarations (csrc/build_cffi.py) match the public header csrc/chip_model.h."""

from __future__ import annotations

import re
from pathlib import Path

from fisch._chip import ffi
from fisch.connection import ChipModelConnection

HEADER = Path(__file__).resolve().parents[2] / "csrc" / "chip_model.h"


def test_diagnostics_fields_match_the_header() -> None:
    body = re.search(
        r"typedef struct bss2_chip_diagnostics \{(.*?)\} bss2_chip_diagnostics;",
        HEADER.read_text(),
        re.S,
    )
    assert body is not None
    text = re.sub(r"/\*.*?\*/", "", body[1], flags=re.S)
    declared = re.findall(r"\buint(?:32|64)_t\s+(\w+);", text)
    assert [name for name, _ in ffi.typeof("bss2_chip_diagnostics").fields] == declared
    with ChipModelConnection() as connection:
        assert list(connection.diagnostics) == declared
