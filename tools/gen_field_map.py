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
  input each background source feeds, and the first L2 input and output;
* the CapMem's layout: block bases and column stride (``CapMemCell`` addresses), the row of each
  neuron parameter and the place of each shared cell (halco names), each neuron's block and column;
* the board's I2C devices from the fisch I2C words: for every word and coordinate, the device
  address and register byte its ``_locate`` names, so the model knows which device answers at
  which address (``I2C_KINDS`` names the device behind each word) and the register widths.

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

import fisch
import halco
import haldls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # run with -P: the shared helper sits beside us
import generated_file  # noqa: E402

#: The generated C definitions (included by csrc/fabric.c and the C tests).
OUT_PATH = ROOT / "csrc" / "field_map.inc"
#: The containers the event fabric reads or computes, in output order, with how their addresses
#: are emitted: "table" (every address of every coordinate), "affine" (a base per block, the
#: coordinate's stride and consecutive words: ``*_coord()`` maps an address back) or "none".
CONTAINERS = {
    "CrossbarNode": "table",
    "CrossbarOutputConfig": "table",
    "CrossbarInputDropCounter": "table",
    "CrossbarOutputEventCounter": "table",
    "BackgroundSpikeSource": "table",
    "EventRecordingConfig": "table",
    "CommonPADIBusConfig": "table",
    "PADIEvent": "table",
    "SynapseDriverConfig": "affine",
    "SynapseQuad": "none",
    "ColumnCurrentQuad": "table",
    "NeuronConfig": "affine",
    "NeuronBackendConfig": "affine",
    "CommonNeuronBackendConfig": "table",
    "SpikeCounterRead": "affine",
    "SpikeCounterReset": "affine",
    "NeuronReset": "affine",
    "NeuronResetQuad": "affine",
    "MADCControl": "table",
    "MADCConfig": "table",
    "ReadoutSourceSelection": "table",
    "ColumnCorrelationQuad": "table",
    "CADCConfig": "table",
    "CADCSampleQuad": "none",
    "CommonSTPConfig": "table",
}
#: Coordinates per block of the "affine" containers (a block shares one base address).
PER_BLOCK = {
    "SynapseDriverConfig": 128,
    "NeuronConfig": 128,
    "NeuronBackendConfig": 256,
    "SpikeCounterRead": 256,
    "SpikeCounterReset": 256,
    "NeuronReset": 256,
    "NeuronResetQuad": 64,
}
#: Containers per atomic neuron: tables between their coordinates and AtomicNeuronOnDLS.
PER_NEURON = (
    "NeuronConfig",
    "NeuronBackendConfig",
    "SpikeCounterRead",
    "SpikeCounterReset",
    "NeuronReset",
)
PREFIX = "BSS2_FM_"
#: The device behind each fisch I2C word (the chip model's I2C device kinds, in kind order).
I2C_KINDS = {
    "I2CIdRegister": "EEPROM",
    "I2CTempRegister": "TMP112",
    "I2CINA219RoRegister": "INA219",
    "I2CINA219RwRegister": "INA219",
    "I2CTCA9554RoRegister": "TCA9554",
    "I2CTCA9554RwRegister": "TCA9554",
    "I2CAD5252RwRegister": "AD5252",
    "I2CDAC6573RwRegister": "DAC6573",
    "I2CTCA9546Register": "TCA9546",
}


def c_name(name: str) -> str:
    """``CrossbarNode`` -> ``CROSSBAR_NODE``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).upper()


def _ints(values: Sequence[int], fmt: str = "{}") -> str:
    return ", ".join(fmt.format(v) for v in values)


def _n(count: int, what: str) -> str:
    return f"{count} {what}{'s' if count != 1 else ''}"


def _array(ctype: str, name: str, values: Sequence[int], fmt: str = "{}") -> list[str]:
    """Return a static const array, wrapped at 100 columns."""
    head = f"static const {ctype} {name}[{len(values)}] BSS2_FM_UNUSED = {{"
    one = head + _ints(values, fmt) + "};"
    if len(one) <= 100:
        return [one]
    items = [fmt.format(v) + "," for v in values]
    lines, line = [head], "   "
    for it in items:
        if len(line) + 1 + len(it) > 100:
            lines.append(line)
            line = "   "
        line += " " + it
    return [*lines, line, "};"]


def _members(f: Any) -> list[tuple[str, Any]]:
    """(C name, field) of a field; a struct array field gives one array field per member."""
    members = getattr(f, "members", None)
    if members is None:
        return [(f.name.upper(), f)]
    # "buffers[].neuron_odd[0]" -> BUFFERS_NEURON_ODD_0 (a nested array's entry)
    return [(re.sub(r"\[(\d+)\]", r"_\1", m.name.replace("[].", "_")).upper(), m) for m in members]


def field_lines(cn: str, name: str, f: Any) -> list[str]:
    """Return the #defines, arrays or decoder of one field."""
    fn = f"{PREFIX}{cn}_{name}"
    placements = list(f.placements())
    invert, perm = bool(getattr(f, "invert", False)), getattr(f, "perm", None)
    width = sum(s.width for s in placements[0])
    lines: list[str] = []
    if perm:
        lut = [int(v) for v in f.inverse_lut]
        lines += _array("uint8_t", f"{fn.lower()}_unperm", lut)
    if f.array:
        for segs in placements:
            assert len(segs) == 1, f"{fn}: multi-segment array entry {segs}"
        widths = {segs[0].width for segs in placements}
        assert widths == {width}, f"{fn}: entries of different widths {widths}"
        lines += [
            f"#define {fn}_ENTRIES {len(placements)}u",
            f"#define {fn}_WIDTH {width}u",
            f"#define {fn}_INVERT {int(invert)}u",
            *_array("uint8_t", f"{fn.lower()}_word", [s[0].word for s in placements]),
            *_array("uint8_t", f"{fn.lower()}_lsb", [s[0].lsb for s in placements]),
        ]
        return lines
    segs = placements[0]
    if len(segs) == 1 and not invert and not perm:
        seg = segs[0]
        return [
            f"#define {fn}_WORD {seg.word}u",
            f"#define {fn}_LSB {seg.lsb}u",
            f"#define {fn}_WIDTH {seg.width}u",
        ]
    # split, inverted or permuted: a decoder from the container's words
    lines += [
        f"#define {fn}_WIDTH {width}u",
        f"static inline uint32_t {fn.lower()}(const uint32_t *w) {{",
        "    uint32_t v = 0;",
    ]
    shift = 0
    for s in segs:
        lines.append(f"    v |= ((w[{s.word}] >> {s.lsb}) & 0x{(1 << s.width) - 1:X}u) << {shift};")
        shift += s.width
    if perm:
        lines.append(f"    v = {fn.lower()}_unperm[v];")
    if invert:
        lines.append(f"    v ^= 0x{(1 << width) - 1:X}u;")
    return [*lines, "    return v;", "}"]


def address_lines(name: str, mode: str) -> list[str]:
    """Return the addresses of a container's coordinates, as ``mode`` says."""
    ctype = haldls.containers[name]
    cn, lower = c_name(name), c_name(name).lower()
    coords = list(halco.iter_all(ctype.coordinate_type))
    rows = [[int(a) for a in ctype.addresses(c)] for c in coords]
    assert all(len(r) == ctype.words for r in rows), name
    if mode == "none":
        return []
    if mode == "affine":
        per = PER_BLOCK[name]
        blocks = len(coords) // per
        assert blocks * per == len(coords), name
        stride = rows[1][0] - rows[0][0]
        assert stride >= ctype.words, name
        bases = [rows[b * per][0] for b in range(blocks)]
        for e, r in enumerate(rows):
            first = bases[e // per] + (e % per) * stride
            assert r == list(range(first, first + ctype.words)), (name, e, r)
        return [
            f"#define {PREFIX}{cn}_PER_BLOCK {per}u",
            f"#define {PREFIX}{cn}_STRIDE {stride}u",
            *_array("uint32_t", f"bss2_fm_{lower}_base", bases, "0x{:08X}u"),
            "/* The coordinate of register `address` (its word in *word), or -1. */",
            f"static inline int bss2_fm_{lower}_coord(uint32_t address, unsigned *word) {{",
            f"    for (unsigned b = 0; b < {blocks}u; b++) {{",
            f"        uint32_t d = address - bss2_fm_{lower}_base[b];",
            f"        if (d < {per * stride}u && d % {stride}u < {ctype.words}u) {{",
            f"            *word = d % {stride}u;",
            f"            return (int)(b * {per}u + d / {stride}u);",
            "        }",
            "    }",
            "    return -1;",
            "}",
        ]
    lines = [
        f"static const uint32_t bss2_fm_{lower}_address[{len(coords)}][{ctype.words}] "
        "BSS2_FM_UNUSED = {"
    ]
    per_line = max(1, 6 // ctype.words)
    for i in range(0, len(rows), per_line):
        chunk = rows[i : i + per_line]
        lines.append("    " + " ".join("{" + _ints(r, "0x{:08X}u") + "}," for r in chunk))
    lines.append("};")
    return lines


def container_lines(name: str) -> list[str]:
    """Return the #defines, arrays and decoders of one container."""
    ctype = haldls.containers[name]
    cn = c_name(name)
    ct = ctype.coordinate_type
    count = ct.size
    lines = [
        f"/* {name} ({ct.__name__}, {_n(count, 'coordinate')}, {_n(ctype.words, 'word')}"
        f"{', read-only' if not ctype.is_writable else ''}"
        f"{', write-only' if not getattr(ctype, 'is_readable', True) else ''}) */",
        f"#define {PREFIX}{cn}_WORDS {ctype.words}u",
        f"#define {PREFIX}{cn}_COUNT {count}u",
    ]
    for f in ctype._fields:
        for member, field in _members(f):
            lines += field_lines(cn, member, field)
    lines += address_lines(name, CONTAINERS[name])
    if name in PER_NEURON:
        getter = "to" + ct.__name__
        of_atomic = [int(getattr(halco.AtomicNeuronOnDLS(e), getter)()) for e in range(512)]
        atomic = [0] * count
        for e, k in enumerate(of_atomic):
            atomic[k] = e
        assert sorted(of_atomic) == list(range(count)), name
        lower = cn.lower()
        lines += _array("uint16_t", f"bss2_fm_{lower}_of_atomic", of_atomic)
        lines += _array("uint16_t", f"bss2_fm_{lower}_atomic", atomic)
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


def array_lines() -> list[str]:
    """Return the synapse array's topology (halco) and the synapse views' geometry (haldls)."""
    from haldls import _blocks, _synapse

    drivers = [halco.SynapseDriverOnDLS(e) for e in range(halco.SynapseDriverOnDLS.size)]
    per_block = halco.SynapseDriverOnSynapseDriverBlock.size
    top, bottom = halco.SynapseRowOnSynapseDriver.top, halco.SynapseRowOnSynapseDriver.bottom
    buses = halco.PADIBusOnPADIBusBlock.size
    for e, d in enumerate(drivers):
        assert int(d.toSynapseDriverBlockOnDLS()) == e // per_block
        assert int(d.toPADIBusOnPADIBusBlock()) == (e % per_block) % buses
        assert int(d.toSynapseDriverOnPADIBus()) == (e % per_block) // buses
    rows = [d.toSynapseRowOnSynram() for d in drivers[:per_block]]
    for e in range(512):  # AtomicNeuronOnDLS enum = row * 256 + column (= synapse column)
        n = halco.AtomicNeuronOnDLS(e)
        assert int(n.toNeuronRowOnDLS()) * 256 + int(n.toNeuronColumnOnDLS()) == e
        assert int(n.toSynramOnDLS()) == int(n.toNeuronRowOnDLS())
    columns = halco.NeuronColumnOnDLS
    event_output = [int(columns(c).toNeuronEventOutputOnDLS()) for c in range(columns.size)]
    atomic = {int(halco.AtomicNeuronOnDLS(e).toNeuronResetOnDLS()): e for e in range(512)}
    reset_atomic = [
        atomic[int(r)]
        for q in range(halco.NeuronResetQuadOnDLS.size)
        for r in halco.NeuronResetQuadOnDLS(q).toNeuronResetOnDLS()
    ]
    for k in range(halco.NeuronEventOutputOnDLS.size):  # event output k is crossbar input k
        assert int(halco.NeuronEventOutputOnDLS(k).toCrossbarInputOnDLS()) == k
    column = [[0] * 4 for _ in range(halco.SynapseQuadColumnOnDLS.size)]
    for j in range(halco.SynapseOnSynapseRow.size):  # the interleaved quads (halco)
        syn = halco.SynapseOnSynapseRow(j)
        assert int(syn.toNeuronColumnOnDLS()) == j
        column[int(syn.toSynapseQuadColumnOnDLS())][int(syn.toEntryOnQuad())] = j
    label = halco.SpikeLabel(0)
    label.neuron_event_output = halco.NeuronEventOutputOnDLS(1)
    address_out = halco.SpikeLabel(0)
    address_out.neuron_backend_address_out = halco.NeuronBackendAddressOut(255)
    assert int(address_out) == 0xFF, "address_out is a label's lowest byte"
    row_select = halco.SpikeLabel(0)
    row_select.row_select_address = halco.PADIRowSelectAddress(1)
    synapse_label = halco.SpikeLabel(0)
    synapse_label.synapse_label = halco.SynapseLabel(63)
    assert int(synapse_label) == 63, "the synapse label is a label's lowest 6 bits"
    padi = halco.SpikeLabel(0)
    padi.padi_label = halco.SpikeLabel.PADILabel(halco.SpikeLabel.PADILabel.max)
    row_mode = haldls.containers["SynapseDriverConfig"].RowMode
    return [
        "/* Synapse array topology (halco): driver d of a block serves PADI bus d % PADI_BUSES_PER",
        " * _BLOCK as number d / PADI_BUSES_PER_BLOCK on it, and the synapse rows below; synapse",
        " * column j of synram s feeds AtomicNeuronOnDLS s * 256 + j, its event output below. */",
        f"#define {PREFIX}DRIVERS_PER_BLOCK {per_block}u",
        f"#define {PREFIX}PADI_BUSES_PER_BLOCK {buses}u",
        *_array("uint8_t", "bss2_fm_driver_row_top", [int(r[top]) for r in rows]),
        *_array("uint8_t", "bss2_fm_driver_row_bottom", [int(r[bottom]) for r in rows]),
        *_array("uint8_t", "bss2_fm_neuron_event_output", event_output),
        "/* bss2_fm_synapse_column[4 * q + e]: the column of entry e of synapse quad column q. */",
        *_array("uint8_t", "bss2_fm_synapse_column", [j for q in column for j in q]),
        *_array("uint16_t", "bss2_fm_neuron_reset_quad_atomic", reset_atomic),
        f"#define {PREFIX}LABEL_EVENT_OUTPUT_LSB {int(label).bit_length() - 1}u",
        f"#define {PREFIX}LABEL_ROW_SELECT_LSB {int(row_select).bit_length() - 1}u",
        f"#define {PREFIX}LABEL_PADI_MASK 0x{int(padi):X}u",
        f"#define {PREFIX}ROW_MODE_EXCITATORY {int(row_mode.excitatory)}u",
        f"#define {PREFIX}ROW_MODE_INHIBITORY {int(row_mode.inhibitory)}u",
        "/* Synapse views (haldls): quad (row, column) of view v of synram s lies at",
        " * ACCESS_BASE[s] + v + row * QUAD_COLUMNS + column; the full view at QUAD_BASE[s] +",
        " * row * 2 * QUAD_COLUMNS + word * QUAD_COLUMNS + column. Rows from QUADS_PER_SYNRAM /",
        " * QUAD_COLUMNS on hold the column switches. */",
        *_array(
            "uint32_t", "bss2_fm_synapse_access_base", _synapse.SYNAPSE_ACCESS_BASE, "0x{:08X}u"
        ),
        *_array("uint32_t", "bss2_fm_synapse_quad_base", _blocks.SYNAPSE_QUAD_BASE, "0x{:08X}u"),
        f"#define {PREFIX}WEIGHT_VIEW 0x{_synapse.WEIGHT_OFFSET:X}u",
        f"#define {PREFIX}EVEN_2MSB_VIEW 0x{_synapse.EVEN_2MSB_OFFSET:X}u",
        f"#define {PREFIX}ODD_2MSB_VIEW 0x{_synapse.ODD_2MSB_OFFSET:X}u",
        f"#define {PREFIX}LABEL_VIEW 0x{_synapse.LABEL_OFFSET:X}u",
        f"#define {PREFIX}CORRELATION_RESET_VIEW 0x{_synapse.CORRELATION_RESET_OFFSET:X}u",
        f"#define {PREFIX}QUADS_PER_SYNRAM {_synapse.QUADS_PER_SYNRAM}u",
        f"#define {PREFIX}QUAD_COLUMNS {_synapse.QUAD_COLUMNS}u",
    ]


def capmem_lines() -> list[str]:
    """Return the CapMem's layout (haldls ``CapMemCell`` addresses, halco cell names)."""
    cell_t, block_t = halco.CapMemCellOnCapMemBlock, halco.CapMemBlockOnDLS
    col_t, row_t = halco.CapMemColumnOnCapMemBlock, halco.CapMemRowOnCapMemBlock
    cell = haldls.containers["CapMemCell"]

    def address(block: int, column: int, row: int) -> int:
        on_block = cell_t(col_t(column), row_t(row))
        (a,) = cell.addresses(halco.CapMemCellOnDLS(on_block, block_t(block)))
        return int(a)

    bases = [address(b, 0, 0) for b in range(block_t.size)]
    stride = address(0, 1, 0) - bases[0]
    assert address(0, 0, 1) - bases[0] == 1 and stride >= row_t.size
    for b in range(block_t.size):  # an affine layout: base + column * stride + row
        for column, row in ((col_t.max, row_t.max), (7, 5)):
            assert address(b, column, row) == bases[b] + column * stride + row
    neurons = [halco.AtomicNeuronOnDLS(e) for e in range(halco.AtomicNeuronOnDLS.size)]
    rows = sorted((n for n in dir(row_t) if isinstance(getattr(row_t, n), row_t)), key=str)
    shared = sorted(n for n in dir(cell_t) if isinstance(getattr(cell_t, n), cell_t))
    lines = [
        "/* CapMem (haldls CapMemCell, halco): cell (column, row) of block b at",
        " * bss2_fm_capmem_base[b] + column * CAPMEM_STRIDE + row; atomic neuron n owns column",
        " * bss2_fm_neuron_capmem_column[n] of block bss2_fm_neuron_capmem_block[n], one row per",
        " * parameter (CAPMEM_ROW_*); the shared cells sit at CAPMEM_<NAME> (column * STRIDE + row",
        " * within each block). */",
        f"#define {PREFIX}CAPMEM_BLOCKS {block_t.size}u",
        *_array("uint32_t", "bss2_fm_capmem_base", bases, "0x{:08X}u"),
        f"#define {PREFIX}CAPMEM_STRIDE {stride}u",
        f"#define {PREFIX}CAPMEM_COLUMNS {col_t.size}u",
        f"#define {PREFIX}CAPMEM_ROWS {row_t.size}u",
    ]
    for name in sorted(rows, key=lambda n: int(getattr(row_t, n))):
        lines.append(f"#define {PREFIX}CAPMEM_ROW_{name.upper()} {int(getattr(row_t, name))}u")
    for name in shared:
        c = getattr(cell_t, name)
        lines.append(f"#define {PREFIX}CAPMEM_{name.upper()} {int(c.x()) * stride + int(c.y())}u")
    lines += _array(
        "uint8_t", "bss2_fm_neuron_capmem_block", [int(n.toCapMemBlockOnDLS()) for n in neurons]
    )
    lines += _array(
        "uint8_t",
        "bss2_fm_neuron_capmem_column",
        [int(n.toCapMemColumnOnCapMemBlock()) for n in neurons],
    )
    return lines


def cadc_lines() -> list[str]:
    """Return the CADC's sample addresses and per-channel offset registers (haldls, halco)."""
    from haldls import _readout

    quad = haldls.containers["CADCSampleQuad"]
    bases = _readout.CADC_SAMPLE_BASE
    for e in (0, 1, 4097, 70000, halco.CADCSampleQuadOnDLS.size - 1):
        c = halco.CADCSampleQuadOnDLS(e)
        on = c.toSynapseQuadOnSynram()
        (a,) = quad.addresses(c)
        expect = bases[int(c.toSynramOnDLS())][int(c.toCADCChannelType())]
        expect |= _readout.CADC_BUFFERED if int(c.toCADCReadoutType()) else 0
        assert int(a) == expect + int(on.y()) * 64 + int(on.x()), e
    channel = haldls.containers["CADCChannelConfig"]
    offset = [[[0] * 256 for _ in range(2)] for _ in range(2)]
    for c in halco.iter_all(halco.CADCChannelConfigOnDLS):
        (a,) = channel.addresses(c)
        s, t = int(c.toSynramOnDLS()), int(c.toCADCChannelType())
        offset[s][t][int(c.toCADCChannelColumnOnSynram())] = int(a)
    lines = [
        "/* CADC (haldls): the sample quad (row r, quad column q) of synram s, channel type t",
        " * (0 causal, 1 acausal) at bss2_fm_cadc_sample_base[s][t] + r * 64 + q, | CADC_BUFFERED",
        " * for the buffered read; the offset register of channel (s, t, column). */",
        f"#define {PREFIX}CADC_BUFFERED 0x{_readout.CADC_BUFFERED:X}u",
        "static const uint32_t bss2_fm_cadc_sample_base[2][2] BSS2_FM_UNUSED = {",
        *(f"    {{0x{b[0]:08X}u, 0x{b[1]:08X}u}}," for b in bases),
        "};",
        "static const uint32_t bss2_fm_cadc_channel_offset[2][2][256] BSS2_FM_UNUSED = {",
    ]
    for s in range(2):
        lines.append("    {")
        for t in range(2):
            inner = _array("uint32_t", "x", offset[s][t], "0x{:08X}u")
            lines += ["        {", *("    " + line for line in inner[1:-1]), "        },"]
        lines.append("    },")
    return [*lines, "};"]


def i2c_lines() -> list[str]:
    """Return the board's I2C master constants and its devices (fisch's I2C words)."""
    from fisch import _board

    kinds = list(dict.fromkeys(I2C_KINDS.values()))
    words = sorted(n for n in fisch.containers if n.startswith("I2C"))
    assert words == sorted(I2C_KINDS), words
    kind_of = [0] * 128  # 7-bit device address -> kind (1-based; 0: nothing answers)
    registers: dict[tuple[str, bool], set[int]] = {}
    width: dict[str, int] = {}
    for name in words:
        word = fisch.containers[name]
        kind = I2C_KINDS[name]
        assert width.setdefault(kind, word.register_size_bytes) == word.register_size_bytes, name
        ctype = word.coordinate_type
        for e in range(ctype.size):
            device, register = word._locate(ctype(e))
            assert kind_of[device] in (0, kinds.index(kind) + 1), (name, device)
            kind_of[device] = kinds.index(kind) + 1
            registers.setdefault((kind, word.is_writable), set()).add(register)
    lines = [
        "/* Board I2C (fisch's I2C words): the master's Omnibus window, its flags, and per 7-bit",
        " * device address the kind of device that answers there (0: none). Registers the words",
        " * use per kind: BSS2_FM_I2C_<KIND>_RO/RW_REGISTERS (bit r: register byte r, r < 64). */",
        f"#define {PREFIX}I2C_MASTER 0x{_board.I2C_OVER_OMNIBUS_MASK:08X}u",
        f"#define {PREFIX}I2C_STOP 0x{_board.I2C_OVER_OMNIBUS_STOP:X}u",
        f"#define {PREFIX}I2C_REPEAT_START 0x{_board.I2C_OVER_OMNIBUS_REPEAT_START:X}u",
        f"#define {PREFIX}I2C_PRESCALER 0x{_board.I2C_PRESCALER_ADDRESS:08X}u",
        f"#define {PREFIX}I2C_ACK_MISSING 0x{_board.I2C_ACK_MISSING_BIT:08X}u",
        f"#define {PREFIX}I2C_KINDS {len(kinds)}u",
    ]
    for k, kind in enumerate(kinds):
        first = kind_of.index(k + 1)
        count = kind_of.count(k + 1)
        assert kind_of[first : first + count] == [k + 1] * count, kind  # consecutive addresses
        lines += [
            f"#define {PREFIX}I2C_{kind} {k + 1}u",
            f"#define {PREFIX}I2C_{kind}_FIRST 0x{first:02X}u",
            f"#define {PREFIX}I2C_{kind}_COUNT {count}u",
            f"#define {PREFIX}I2C_{kind}_BYTES {width[kind]}u",
        ]
        for writable, suffix in ((False, "RO"), (True, "RW")):
            regs = registers.get((kind, writable), set())
            if kind in ("EEPROM", "TCA9546"):  # a byte address / no register byte: no set
                continue
            assert all(r < 64 for r in regs), (kind, regs)
            bits = sum(1 << r for r in regs)
            lines.append(f"#define {PREFIX}I2C_{kind}_{suffix}_REGISTERS UINT64_C(0x{bits:X})")
    _, id_register = fisch.containers["I2CIdRegister"]._locate(None)
    lines.append(f"#define {PREFIX}I2C_EEPROM_ID_REGISTER 0x{id_register:02X}u")
    lines += _array("uint8_t", "bss2_fm_i2c_device_kind", kind_of)
    return lines


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
        "/* Field NAME (BSS2_FM_<NAME>_LSB and _WIDTH) of register word w. */",
        "#define BSS2_FM_FIELD(w, NAME) \\",
        "    ((uint32_t)(((uint64_t)(w) >> BSS2_FM_##NAME##_LSB) & \\",
        "                ((UINT64_C(1) << BSS2_FM_##NAME##_WIDTH) - 1u)))",
        "",
    ]
    for name in CONTAINERS:
        lines += [*container_lines(name), ""]
    lines += [*topology_lines(), "", *array_lines(), "", *capmem_lines(), ""]
    lines += [*cadc_lines(), "", *i2c_lines()]
    lines += ["", "#endif /* BSS2_FIELD_MAP_INC */"]
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
