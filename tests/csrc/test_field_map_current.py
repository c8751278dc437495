"""The generated field map of the event fabric (csrc/field_map.inc) is current and right.

The generator (tools/gen_field_map.py) is loaded from the source tree and run in-process on the
installed haldls and halco; its text must equal the committed file. Independently of it, the
numbers in the file are checked against encodings of the containers themselves.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import halco
import haldls

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "tools" / "gen_field_map.py"
FILE = ROOT / "csrc" / "field_map.inc"
DEFINE = re.compile(r"#define (BSS2_FM_\w+) (\d+)u")
ARRAY = re.compile(r"static const uint\d+_t (\w+)\[[^=]*= \{(.*)\};", re.S)


@pytest.fixture(scope="module")
def gen() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("gen_field_map", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def defines() -> dict[str, int]:
    return {m[1]: int(m[2]) for m in DEFINE.finditer(FILE.read_text())}


@pytest.fixture(scope="module")
def arrays() -> dict[str, list[int]]:
    out = {}
    for block in FILE.read_text().split(";"):
        m = ARRAY.search(block + ";")
        if m:
            out[m[1]] = [int(v.rstrip("u"), 0) for v in re.findall(r"0x[0-9A-F]+u|\d+", m[2])]
    return out


def test_file_is_current(gen: ModuleType) -> None:
    text = gen.render()
    current = FILE.read_text()
    assert current == text, (
        "csrc/field_map.inc is not current; run `PYTHONPATH=. python -P tools/gen_field_map.py` ("
        + gen.generated_file.first_difference(text, current)
        + ")"
    )


def test_scalar_fields_match_encodings(defines: dict[str, int], gen: ModuleType) -> None:
    """Setting one field to all ones sets exactly the bits the #defines name."""
    checked = 0
    for name in gen.CONTAINERS:
        ctype = haldls.containers[name]
        cn = gen.c_name(name)
        for f in ctype._fields:
            key = f"BSS2_FM_{cn}_{f.name.upper()}"
            if f.array or f"{key}_WORD" not in defines:
                continue  # arrays, and split, inverted or permuted fields (C decoders)
            word, lsb, width = (defines[f"{key}_{k}"] for k in ("WORD", "LSB", "WIDTH"))
            if not ctype.is_writable:  # decode a word with the field's bits set instead
                words = [0] * ctype.words
                words[word] = ((1 << width) - 1) << lsb
                assert int(getattr(ctype.decode(words), f.name)) == (1 << width) - 1
                checked += 1
                continue
            c, zero = ctype(), ctype()
            setattr(c, f.name, True if f.typ is bool else f.typ(f.kind.hi))
            setattr(zero, f.name, False if f.typ is bool else f.typ(f.kind.lo))
            expected = [0] * ctype.words
            expected[word] = (f.kind.hi ^ f.kind.lo) << lsb
            base = zero.encode_words()
            got = [a ^ b for a, b in zip(c.encode_words(), base, strict=True)]
            assert got == expected, f"{name}.{f.name}"
            checked += 1
    assert checked >= 12


def test_array_fields(arrays: dict[str, list[int]]) -> None:
    c = haldls.CrossbarOutputConfig()
    c.enable_event_counter[11] = True
    lsb = arrays["bss2_fm_crossbar_output_config_enable_event_counter_lsb"]
    assert c.encode_words()[0] == 1 << lsb[11]
    c = haldls.CrossbarOutputConfig()
    c.enable_slow[2] = True
    assert c.encode_words()[0] == 1 << arrays["bss2_fm_crossbar_output_config_enable_slow_lsb"][2]


def test_addresses_and_topology(arrays: dict[str, list[int]], defines: dict[str, int]) -> None:
    nodes = arrays["bss2_fm_crossbar_node_address"]
    assert len(nodes) == defines["BSS2_FM_CROSSBAR_NODE_COUNT"] == 76
    assert nodes[0] == 0x0013_0019 and nodes[75] == 0x0013_0019 + 75  # reference §2.2
    for i in (0, 24, 60, 75):
        node = halco.CrossbarNodeOnDLS(i)
        assert nodes[i] == int(haldls.CrossbarNode.addresses(node)[0])
        assert arrays["bss2_fm_crossbar_node_output"][i] == int(node.x())
        assert arrays["bss2_fm_crossbar_node_input"][i] == int(node.y())
    bg = arrays["bss2_fm_background_spike_source_address"]
    assert bg[:3] == [0x0013_0002, 0x0013_0003, 0x0013_0001]  # seed, label/mask/rate, enable
    assert arrays["bss2_fm_background_spike_source_input"] == list(range(12, 20))
    assert arrays["bss2_fm_crossbar_input_drop_counter_address"][0] == 0x0013_0019 + 76
    assert arrays["bss2_fm_crossbar_output_event_counter_address"][0] == 0x0013_0019 + 96
    assert arrays["bss2_fm_event_recording_config_address"] == [0x8800_0005]
    assert defines["BSS2_FM_L2_INPUT_FIRST"] == 8 and defines["BSS2_FM_L2_OUTPUT_FIRST"] == 8


def test_check_mode(
    gen: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert gen.main(["--check"]) == 0
    assert "is current" in capsys.readouterr().out
    stale = tmp_path / "field_map.inc"
    lines = FILE.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "CROSSBAR_NODE_MASK_LSB" in line)
    lines[at] = lines[at].replace("u", "1u", 1)
    stale.write_text("".join(lines))
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    monkeypatch.setattr(gen, "OUT_PATH", stale)
    assert gen.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "not current" in err and f"line {at + 1}" in err
    assert stale.read_text() == "".join(lines)  # --check never writes
