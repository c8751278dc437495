"""Generate ``csrc/field_map.inc``: field layouts and addresses of the event fabric's containers.

The chip model's event fabric (csrc/fabric.c) decodes the registers of a few haldls containers.
Rather than copying bit positions into C, this script reads them from the haldls registry:

* for every field of each container in ``CONTAINERS`` (``Container._fields``): its word index,
  lsb and width, from ``Field.placements()``. A field must be single-segment (asserted); an
  array field emits one word and lsb per entry (static arrays) and its width (equal for all
  entries, asserted);
* per container, the Omnibus address of every register word of every coordinate
  (``ctype.addresses(coord)``, in word order) as a static array ``[coordinates][words]``;
* the crossbar's topology from halco: the (output, input) of each ``CrossbarNodeOnDLS``, the
  input each background source feeds, and the first L2 input and output.

The output is deterministic. Run from the repository root::

    PYTHONPATH=. python -P tools/gen_field_map.py          # write the file
    PYTHONPATH=. python -P tools/gen_field_map.py --check  # exit 1 if it is not current

``tests/csrc/test_field_map_current.py`` runs the same computation and compares.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import halco
import haldls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # run with -P: the shared helper sits beside us
import generated_file  # noqa: E402

#: The generated C definitions (included by csrc/fabric.c and the C tests).
OUT_PATH = ROOT / "csrc" / "field_map.inc"
#: The containers the event fabric reads or computes, in output order.
CONTAINERS = (
    "CrossbarNode",
    "CrossbarOutputConfig",
    "CrossbarInputDropCounter",
    "CrossbarOutputEventCounter",
    "BackgroundSpikeSource",
    "EventRecordingConfig",
)
PREFIX = "BSS2_FM_"


def c_name(name: str) -> str:
    """``CrossbarNode`` -> ``CROSSBAR_NODE``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def _ints(values: Sequence[int], fmt: str = "{}") -> str:
    return ", ".join(fmt.format(v) for v in values)


def _n(count: int, what: str) -> str:
    return f"{count} {what}{'s' if count != 1 else ''}"


def container_lines(name: str) -> list[str]:
    """Return the #defines and arrays of one container."""
    ctype = haldls.containers[name]
    cn = c_name(name)
    lower = cn.lower()
    ct = ctype.coordinate_type
    coords = list(halco.iter_all(ct))
    lines = [
        f"/* {name} ({ct.__name__}, {_n(len(coords), 'coordinate')}, {_n(ctype.words, 'word')}"
        f"{', read-only' if not ctype.is_writable else ''}) */",
        f"#define {PREFIX}{cn}_WORDS {ctype.words}u",
        f"#define {PREFIX}{cn}_COUNT {len(coords)}u",
    ]
    for f in ctype._fields:
        fn = f"{PREFIX}{cn}_{f.name.upper()}"
        placements = list(f.placements())
        for segs in placements:
            assert len(segs) == 1, f"{name}.{f.name}: multi-segment field {segs}"
        assert not f.perm and not f.invert, f"{name}.{f.name}: permuted or inverted field"
        widths = {segs[0].width for segs in placements}
        assert len(widths) == 1, f"{name}.{f.name}: entries of different widths {widths}"
        width = widths.pop()
        if f.array:
            lines += [
                f"#define {fn}_ENTRIES {len(placements)}u",
                f"#define {fn}_WIDTH {width}u",
                f"static const uint8_t {fn.lower()}_word[{len(placements)}] BSS2_FM_UNUSED = "
                f"{{{_ints([s[0].word for s in placements])}}};",
                f"static const uint8_t {fn.lower()}_lsb[{len(placements)}] BSS2_FM_UNUSED = "
                f"{{{_ints([s[0].lsb for s in placements])}}};",
            ]
        else:
            seg = placements[0][0]
            lines += [
                f"#define {fn}_WORD {seg.word}u",
                f"#define {fn}_LSB {seg.lsb}u",
                f"#define {fn}_WIDTH {seg.width}u",
            ]
    rows = [[int(a) for a in ctype.addresses(c)] for c in coords]
    assert all(len(r) == ctype.words for r in rows), name
    lines.append(
        f"static const uint32_t bss2_fm_{lower}_address[{len(coords)}][{ctype.words}] "
        "BSS2_FM_UNUSED = {"
    )
    per_line = max(1, 6 // ctype.words)
    for i in range(0, len(rows), per_line):
        chunk = rows[i : i + per_line]
        lines.append("    " + " ".join("{" + _ints(r, "0x{:08X}u") + "}," for r in chunk))
    lines.append("};")
    return lines


def topology_lines() -> list[str]:
    """Return the crossbar's nodes and the inputs of L2 channels and sources (halco)."""
    nodes = [halco.CrossbarNodeOnDLS(i) for i in range(76)]
    assert halco.CrossbarNodeOnDLS.max == 75
    outputs = [int(n.x()) for n in nodes]
    inputs = [int(n.y()) for n in nodes]
    in_t, out_t = halco.CrossbarInputOnDLS, halco.CrossbarOutputOnDLS
    l2_in = [i for i in range(in_t.min, in_t.max + 1) if in_t(i).toSPL1Address() is not None]
    l2_out = [
        o for o in range(out_t.min, out_t.max + 1) if out_t(o).toCrossbarL2OutputOnDLS() is not None
    ]
    padi = [o for o in range(out_t.min, out_t.max + 1) if out_t(o).toPADIBusOnDLS() is not None]
    assert l2_in == list(range(l2_in[0], l2_in[0] + 4)), l2_in
    assert l2_out == list(range(l2_out[0], l2_out[0] + 4)), l2_out
    assert padi == list(range(len(padi))), padi
    for k, i in enumerate(l2_in):
        spl1 = in_t(i).toSPL1Address()
        assert spl1 is not None and int(spl1) == k
    for k, o in enumerate(l2_out):
        l2 = out_t(o).toCrossbarL2OutputOnDLS()
        assert l2 is not None and int(l2) == k
    bg_t = halco.BackgroundSpikeSourceOnDLS
    bg = [int(bg_t(i).toCrossbarInputOnDLS()) for i in range(bg_t.min, bg_t.max + 1)]
    return [
        "/* Crossbar topology (halco): outputs 0..PADI_BUSES-1 are PADI buses, then the L2",
        " * outputs; node n connects input bss2_fm_crossbar_node_input[n] to output",
        " * bss2_fm_crossbar_node_output[n]. */",
        f"#define {PREFIX}CROSSBAR_INPUTS {in_t.size}u",
        f"#define {PREFIX}CROSSBAR_OUTPUTS {out_t.size}u",
        f"#define {PREFIX}PADI_BUSES {len(padi)}u",
        f"#define {PREFIX}L2_INPUT_FIRST {l2_in[0]}u",
        f"#define {PREFIX}L2_OUTPUT_FIRST {l2_out[0]}u",
        f"#define {PREFIX}L2_CHANNELS {len(l2_in)}u",
        f"static const uint8_t bss2_fm_crossbar_node_output[{len(nodes)}] BSS2_FM_UNUSED = {{"
        f"{_ints(outputs)}}};",
        f"static const uint8_t bss2_fm_crossbar_node_input[{len(nodes)}] BSS2_FM_UNUSED = {{"
        f"{_ints(inputs)}}};",
        f"static const uint8_t bss2_fm_background_spike_source_input[{len(bg)}] BSS2_FM_UNUSED = "
        f"{{{_ints(bg)}}};",
    ]


def render() -> str:
    """Return the text of ``csrc/field_map.inc``."""
    lines = [
        "/* Generated by tools/gen_field_map.py from the haldls container registry and halco: do",
        " * not edit. Regenerate with `PYTHONPATH=. python -P tools/gen_field_map.py` (--check",
        " * tests that it is current). Per container: field word/lsb/width (array fields: word and",
        " * lsb per entry), and the Omnibus address of each register word of every coordinate.",
        " */",
        "#ifndef BSS2_FIELD_MAP_INC",
        "#define BSS2_FIELD_MAP_INC",
        "",
        "#include <stdint.h>",
        "",
        "#if defined(__GNUC__)",
        "#define BSS2_FM_UNUSED __attribute__((unused))",
        "#else",
        "#define BSS2_FM_UNUSED",
        "#endif",
        "",
    ]
    for name in CONTAINERS:
        lines += [*container_lines(name), ""]
    lines += [*topology_lines(), "", "#endif /* BSS2_FIELD_MAP_INC */"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the file, or with ``--check`` exit 1 if it is not current."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args: Any = parser.parse_args(argv)
    text = render()
    return generated_file.write_or_check(OUT_PATH, text, ROOT, args.check)


if __name__ == "__main__":
    sys.exit(main())
