"""Generate ``csrc/address_map_table.inc``: every Omnibus address a haldls container touches.

For every container type of the registry ``haldls.containers`` and every one of its
coordinates, the script collects the Omnibus addresses the container reads or writes, and how:

* Backends ``fisch.Omnibus`` and ``fisch.OmnibusChipOverJTAG`` address the register directly:
  ``ctype.addresses(coord, backend)`` are the addresses (a chip register has the same address
  over the highspeed link and over JTAG, reference §2.2). They are read if the container is
  readable and written if it is writable.
* Any other backend (``Timer``, the board's SPI and I2C words, the JTAG and event words) is
  encoded to its to-FPGA UT messages (a write of the default container, a read of every word)
  and the ``omnibus_to_fpga.Address`` messages among them give the addresses; their ``is_read``
  bit (36) says whether the wire reads or writes each one. So the timer counts as read only (its
  write is a ``timing.Setup`` message), and the I2C master's device addresses count as written
  by the reads too (a read first writes the register byte). JTAG and event words carry no
  Omnibus address: containers with nothing else stay out of the table (``Table.unmapped``).

Coordinate types of more than 2**20 values (the external PPU DRAM, 2**28 bytes) are not
enumerated: the addresses of the first and last coordinates and of a strided and a random
sample must fit one contiguous linear range (asserted), which is emitted whole.

Kinds (``BSS2_ADDRESS_READ`` 1, ``BSS2_ADDRESS_WRITE`` 2) are OR-ed over all containers, and
consecutive addresses of equal kind merge into one range. The output is deterministic.

Run from the repository root::

    PYTHONPATH=. python -P tools/gen_address_map.py          # write the table
    PYTHONPATH=. python -P tools/gen_address_map.py --check  # exit 1 if it is not current

``tests/csrc/test_address_map_current.py`` runs the same computation and compares.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import fisch
import haldls

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # run with -P: the shared helper sits beside us
import generated_file  # noqa: E402

#: The generated C initializer list (included by csrc/address_map.c).
TABLE_PATH = ROOT / "csrc" / "address_map_table.inc"

READ = 1
WRITE = 2
KIND_NAMES = {
    READ: "BSS2_ADDRESS_READ",
    WRITE: "BSS2_ADDRESS_WRITE",
    READ | WRITE: "BSS2_ADDRESS_READ | BSS2_ADDRESS_WRITE",
}
#: Backends whose coordinates are Omnibus addresses.
OMNIBUS_BACKENDS: tuple[type[fisch.Container], ...] = (fisch.Omnibus, fisch.OmnibusChipOverJTAG)
#: Coordinate types with more values are checked on samples and emitted as one linear range.
HUGE = 2**20
#: Coordinates sampled (strided, random, and windows at both ends) for a huge coordinate type.
SAMPLES = 4096
#: Coordinates sampled to check that a second Omnibus backend (JTAG) gives the same addresses.
CHECKED_BACKEND_SAMPLES = 256
#: Most coordinates a non-Omnibus backend may have (its words are encoded one by one).
MAX_MESSAGE_COORDINATES = 4096
#: Container names shown in a range's comment before "+N more".
NAMES_SHOWN = 3

_ADDRESS_HEADER = fisch.instruction("omnibus_to_fpga.Address").index
_IS_READ_BIT = 36
_ADDRESS_MASK = 0xFFFF_FFFF
_FPGA_BIT = 1 << 31


#: Addresses ``[first, end)`` that several containers access with different kinds (by name).
Shared = tuple[int, int, dict[str, int]]


@dataclass(frozen=True)
class Interval:
    """Addresses ``[first, end)`` one container accesses with ``kind``."""

    first: int
    end: int
    kind: int
    name: str


@dataclass(frozen=True)
class Range:
    """One row of the table: ``count`` consecutive addresses of one kind."""

    first: int
    count: int
    kind: int
    names: tuple[str, ...]


@dataclass
class Table:
    """The merged ranges, the containers without Omnibus addresses, and shared addresses."""

    ranges: list[Range]
    #: Containers none of whose backends reaches an Omnibus address (JTAG or event words).
    unmapped: list[str]
    #: (first, end, {container: kind}) for addresses several containers share with different
    #: kinds (a read-only status beside a write-only trigger, say).
    mixed: list[Shared] = field(default_factory=list)

    def addresses(self, kind: int | None = None) -> int:
        """Return the number of addresses in the table (of ``kind`` only, if given)."""
        return sum(r.count for r in self.ranges if kind is None or r.kind == kind)


# -- addresses of one container -----------------------------------------------------------------
def _require(ok: bool, message: str) -> None:
    """Raise ``AssertionError(message)`` unless ``ok`` (an assumption failed; also under -O)."""
    if not ok:
        raise AssertionError(message)


def _coordinates(ctype: type[haldls.Container]) -> range:
    c = ctype.coordinate_type
    return range(c.min, c.max + 1)


def _address_ints(ctype: type[haldls.Container], e: int, backend: Any) -> list[int]:
    out = []
    for a in ctype.addresses(e, backend):
        v = int(a)
        _require(0 <= v <= _ADDRESS_MASK, f"{ctype.__name__}({e}): {v:#x} is not 32 bit")
        _require(
            backend is not fisch.OmnibusChipOverJTAG or not v & _FPGA_BIT,
            f"{ctype.__name__}({e}): chip address {v:#x} over JTAG has the FPGA bit set",
        )
        out.append(v)
    return out


def _all_addresses(ctype: type[haldls.Container], backend: Any) -> npt.NDArray[np.int64]:
    """Return the addresses of every coordinate (the hot loop: checked afterwards, at once)."""
    a = np.fromiter(
        (int(x) for e in _coordinates(ctype) for x in ctype.addresses(e, backend)), np.int64
    )
    limit = _FPGA_BIT if backend is fisch.OmnibusChipOverJTAG else _ADDRESS_MASK + 1
    bad = np.flatnonzero((a < 0) | (a >= limit))
    if bad.size:
        raise AssertionError(f"{ctype.__name__}: address {int(a[bad[0]]):#x} out of range")
    return a


def _runs(addresses: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """Return the maximal runs ``[first, end)`` of consecutive values of ``addresses``."""
    a = np.unique(addresses)
    if not a.size:
        return []
    breaks = np.flatnonzero(np.diff(a) != 1) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [a.size]))
    return [(int(a[s]), int(a[e - 1]) + 1) for s, e in zip(starts, ends, strict=True)]


def _sample(coords: range, seed: int, size: int = SAMPLES) -> list[int]:
    """Return a deterministic sample: windows at both ends and the middle, strided, random."""
    n = len(coords)
    if n <= 4 * size:
        return list(coords)
    mid = n // 2
    picked = set(coords[:size]) | set(coords[-size:]) | set(coords[mid - 64 : mid + 64])
    stride = n // size | 1  # odd, so that the samples meet every phase of a power-of-2 step
    picked |= set(coords[::stride])
    rng = np.random.default_rng(seed)
    picked |= {coords[int(i)] for i in rng.integers(0, n, size)}
    return sorted(picked)


def _linear_range(ctype: type[haldls.Container], backend: Any) -> tuple[int, int]:
    """Return ``[first, end)`` of a huge coordinate type, asserting it is one linear range.

    The model: coordinate ``e`` has ``w`` consecutive addresses starting at
    ``first + ((e - min) // r) * w``, ``r`` coordinates sharing each block (4 bytes share a word).
    """
    coords = _coordinates(ctype)
    name = ctype.__name__
    lo, n = coords[0], len(coords)

    def block(e: int) -> list[int]:
        a = _address_ints(ctype, e, backend)
        _require(a == list(range(a[0], a[0] + len(a))), f"{name}({e}): not consecutive")
        return a

    head, tail = block(coords[0]), block(coords[-1])
    w = len(head)
    first = head[0]
    _require(len(tail) == w and (tail[0] - first) % w == 0, f"{name}: last block misaligned")
    blocks = (tail[0] - first) // w + 1
    _require(blocks > 0 and n % blocks == 0, f"{name}: {n} coordinates over {blocks} blocks")
    r = n // blocks
    for e in _sample(coords, seed=n):
        a = block(e)
        expected = first + (e - lo) // r * w
        _require(
            len(a) == w and a[0] == expected,
            f"{name}({e}): address {a[0]:#x}, a linear range predicts {expected:#x}",
        )
    return first, first + blocks * w


def _omnibus_intervals(ctype: type[haldls.Container], backends: Sequence[Any]) -> list[Interval]:
    """Return the intervals of a container whose backends address Omnibus registers."""
    kind = (READ if ctype.is_readable else 0) | (WRITE if ctype.is_writable else 0)
    _require(kind != 0, f"{ctype.__name__} is neither readable nor writable")
    coords = _coordinates(ctype)
    main, *others = backends
    if len(coords) > HUGE:
        runs = [_linear_range(ctype, main)]
    else:
        runs = _runs(_all_addresses(ctype, main))
    for backend in others:  # the same registers over JTAG (reference §2.2): check, do not redo
        for e in _sample(coords, seed=1, size=CHECKED_BACKEND_SAMPLES):
            _require(
                _address_ints(ctype, e, backend) == _address_ints(ctype, e, main),
                f"{ctype.__name__}({e}): {backend.__name__} addresses differ from "
                f"{main.__name__}'s",
            )
    return [Interval(f, end, kind, ctype.__name__) for f, end in runs]


def _message_intervals(ctype: type[haldls.Container], backend: Any) -> list[Interval]:
    """Return the intervals of the Omnibus messages a non-Omnibus backend's words send."""
    coords = _coordinates(ctype)
    name = ctype.__name__
    _require(len(coords) <= MAX_MESSAGE_COORDINATES, f"{name}: too many coordinates to encode")
    words: list[int] = []
    for e in coords:
        if ctype.is_writable and backend.is_writable:
            for coord, word in haldls.encode_write(e, ctype(), backend):
                words += word.encode_write(coord)
        if ctype.is_readable and backend.is_readable:
            for coord in ctype.addresses(e, backend):
                words += backend.encode_read(coord)
    if not words:
        return []
    headers, payloads = fisch.decode_to_fpga(np.array(words, dtype=np.uint64))
    p = payloads[headers == _ADDRESS_HEADER].astype(np.int64)
    address = p & _ADDRESS_MASK
    is_read = (p >> _IS_READ_BIT & 1).astype(bool)
    out = []
    for kind, selected in ((READ, address[is_read]), (WRITE, address[~is_read])):
        out += [Interval(f, end, kind, name) for f, end in _runs(selected)]
    return out


def container_intervals(ctype: type[haldls.Container]) -> list[Interval]:
    """Return every Omnibus address interval ``ctype`` reads or writes over all coordinates."""
    omnibus = [b for b in ctype.backends if b in OMNIBUS_BACKENDS]
    out = _omnibus_intervals(ctype, omnibus) if omnibus else []
    for backend in ctype.backends:
        if backend not in OMNIBUS_BACKENDS:
            out += _message_intervals(ctype, backend)
    return out


# -- merging ------------------------------------------------------------------------------------
def merge(intervals: Iterable[Interval]) -> tuple[list[Range], list[Shared]]:
    """Return the ranges of equal OR-ed kind, and the stretches shared with different kinds."""
    starts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    ends: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for iv in intervals:
        starts[iv.first].append((iv.name, iv.kind))
        ends[iv.end].append((iv.name, iv.kind))
    active: Counter[tuple[str, int]] = Counter()
    ranges: list[Range] = []
    mixed: list[Shared] = []
    for p, q in pairwise(sorted(starts.keys() | ends.keys())):
        for key in ends.get(p, ()):
            active[key] -= 1
            if not active[key]:
                del active[key]
        for key in starts.get(p, ()):
            active[key] += 1
        if not active:
            continue
        kinds: dict[str, int] = defaultdict(int)
        for name, k in active:
            kinds[name] |= k
        kind = 0
        for k in kinds.values():
            kind |= k
        if len(set(kinds.values())) > 1:
            mixed.append((p, q, dict(sorted(kinds.items()))))
        last = ranges[-1] if ranges else None
        if last is not None and last.first + last.count == p and last.kind == kind:
            names = tuple(sorted(set(last.names) | kinds.keys()))
            ranges[-1] = Range(last.first, q - last.first, kind, names)
        else:
            ranges.append(Range(p, q - p, kind, tuple(sorted(kinds))))
    return ranges, mixed


def compute() -> Table:
    """Return the address table of the whole container registry."""
    intervals: list[Interval] = []
    unmapped = []
    for name in sorted(haldls.containers):
        found = container_intervals(haldls.containers[name])
        if not found:
            unmapped.append(name)
        intervals += found
    ranges, mixed = merge(intervals)
    return Table(ranges, unmapped, mixed)


# -- output -------------------------------------------------------------------------------------
def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" +{len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


def render(table: Table) -> str:
    """Return the text of ``csrc/address_map_table.inc``."""
    count = {k: table.addresses(k) for k in KIND_NAMES}
    lines = [
        "/* Generated by tools/gen_address_map.py from the haldls container registry: do not",
        " * edit. Regenerate with `PYTHONPATH=. python -P tools/gen_address_map.py` (--check tests",
        " * that it is current). The initializer list of bss2_address_range (address_map.h):",
        " * {first, count, kind}, sorted by first, disjoint, adjacent ranges differ in kind.",
        f" * {len(table.ranges)} ranges, {table.addresses()} addresses: {count[READ]} read-only,",
        f" * {count[WRITE]} write-only, {count[READ | WRITE]} read and written.",
        " */",
    ]
    for r in table.ranges:
        lines.append(
            f"{{0x{r.first:08X}u, {r.count}u, {KIND_NAMES[r.kind]}}}, /* {_names(r.names)} */"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the table, or with ``--check`` exit 1 if the file is not current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument(
        "--verbose", action="store_true", help="list the addresses shared with different kinds"
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    table = compute()
    text = render(table)
    elapsed = time.perf_counter() - t0
    print(
        f"{len(table.ranges)} ranges, {table.addresses()} addresses "
        f"({table.addresses(READ)} read-only, {table.addresses(WRITE)} write-only, "
        f"{table.addresses(READ | WRITE)} read and written) in {elapsed:.2f} s"
    )
    print(f"containers without Omnibus addresses: {', '.join(table.unmapped) or 'none'}")
    print(f"stretches shared by containers of different kinds: {len(table.mixed)}")
    if args.verbose:
        for first, end, kinds in table.mixed:
            print(f"  {first:#010x}+{end - first}: {kinds}")
    return generated_file.write_or_check(TABLE_PATH, text, ROOT, args.check)


if __name__ == "__main__":
    sys.exit(main())
