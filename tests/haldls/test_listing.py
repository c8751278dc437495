"""haldls.ContainerList (JSON and binary forms) and the vectorised column encoder.

The binary layout is pinned by bytes written out by hand from the format in the
``haldls._listing`` docstring; round trips run over random containers of every registered type.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from container_strategies import container_strategy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import halco
import haldls
import haldls.lola
from halco import CapMemCellOnDLS, CrossbarNodeOnDLS
from halco.common import Coordinate
from haldls import CapMemCell, ContainerList, CrossbarNode, ExternalPPUMemoryQuad, containers
from haldls._field import Field
from haldls._struct import StructArrayField
from haldls.errors import ContainerDecodeError

Entry = tuple[Coordinate, haldls.Container]
NAMES = sorted(containers)


@st.composite
def entry_of(draw: st.DrawFn, ctype: type[haldls.Container]) -> Entry:
    """A (coordinate, container) pair of type ``ctype`` at a random coordinate."""
    t: Any = ctype.coordinate_type
    return t(draw(st.integers(t.min, t.max))), draw(container_strategy(ctype))


@st.composite
def entry_lists(draw: st.DrawFn, names: list[str] = NAMES, max_size: int = 8) -> list[Entry]:
    """Entries of random registered types, often with runs of one type split by others."""
    pool = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
    types = draw(st.lists(st.sampled_from(pool), max_size=max_size))
    return [draw(entry_of(containers[name])) for name in types]


def raw_strategy(f: Field, n: int) -> st.SearchStrategy[npt.NDArray[Any]]:
    """N raw values of field ``f`` (N x shape), as ``decode_columns`` gives them."""
    kinds = [m.kind for m in f.members] if isinstance(f, StructArrayField) else [f.kind]
    size = n * int(np.prod(f.shape, dtype=np.int64)) // len(kinds)
    per_kind = []
    for kind in kinds:
        one: st.SearchStrategy[int] = (
            st.sampled_from([int(v) for v in kind.allowed])
            if kind.allowed is not None
            else st.integers(kind.lo, kind.hi)
        )
        per_kind.append(st.lists(one, min_size=size, max_size=size))

    def build(columns: list[list[int]]) -> npt.NDArray[Any]:
        a = np.array(columns, np.int64).T if columns else np.zeros((0, 0), np.int64)
        return a.reshape(n, *f.shape)

    return st.tuples(*per_kind).map(lambda cols: build(list(cols)))


def narrow(a: npt.NDArray[np.int64], kind: Any) -> npt.NDArray[Any]:
    """``a`` in the narrowest integer dtype that holds the field's range (bool for bools)."""
    if kind.typ is bool:
        return a.astype(bool)
    return a.astype(np.result_type(np.min_scalar_type(kind.lo), np.min_scalar_type(kind.hi)))


def pairs(entries: ContainerList) -> list[tuple[Any, Any, Any]]:
    """The entries as comparable (type, coordinate, container) triples."""
    return [(type(c), coord, c) for coord, c in entries.values]


def binary_list(
    entries: list[tuple[str, list[int], list[list[int]], str]], version: int = 2
) -> bytes:
    """A binary container list written from the documented format (name, enums, words, dtype)."""
    out = b"BSS2CL" + struct.pack("<HI", version, len(entries))
    for name, enums, words, fmt in entries:
        out += struct.pack("<H", len(name)) + name.encode() + struct.pack("<I", len(enums))
        if version > 1:
            out += struct.pack("<B", struct.calcsize(fmt))  # word size
        out += b"".join(struct.pack("<I", e) for e in enums)
        out += b"".join(struct.pack("<" + fmt, w) for row in words for w in row)
    return out


def capmem(e: int, value: int) -> Entry:
    return CapMemCellOnDLS(e), CapMemCell(value=value)


# -- 1. round trips and equality -----------------------------------------------------------------
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(values=entry_lists())
def test_json_and_binary_round_trips(values: list[Entry]) -> None:
    entries = ContainerList(values)
    assert len(entries) == len(values)
    expected = [(type(c), coord, c) for coord, c in values]
    assert pairs(entries) == expected
    assert [(type(c), coord, c) for coord, c in entries.tolist()] == expected
    assert [(type(c), coord, c) for coord, c in entries] == expected
    for back in (
        ContainerList.from_json(entries.to_json()),
        ContainerList.from_binary(entries.to_binary()),
        ContainerList.from_binary(ContainerList.from_json(entries.to_json()).to_binary()),
    ):
        assert back == entries
        assert pairs(back) == expected
        assert all(type(coord) is type(c).coordinate_type for _, coord, c in pairs(back))
    assert ContainerList.from_binary(entries.to_binary()).to_binary() == entries.to_binary()


@settings(max_examples=30)
@given(data=st.data(), name=st.sampled_from(NAMES))
def test_every_type_round_trips_alone(data: st.DataObject, name: str) -> None:
    values = data.draw(st.lists(entry_of(containers[name]), min_size=1, max_size=4))
    entries = ContainerList(values)
    assert ContainerList.from_binary(entries.to_binary()) == entries
    assert ContainerList.from_json(entries.to_json()) == entries
    assert [c for _, c in ContainerList.from_binary(entries.to_binary())] == [c for _, c in values]


@settings(max_examples=30)
@given(
    a=st.lists(entry_of(CapMemCell), min_size=1, max_size=3),
    b=entry_of(CrossbarNode),
    c=st.lists(entry_of(CapMemCell), min_size=1, max_size=3),
)
def test_runs_of_one_type_split_by_others(a: list[Entry], b: Entry, c: list[Entry]) -> None:
    entries = ContainerList([*a, b, *c])
    back = ContainerList.from_binary(entries.to_binary())
    assert pairs(back) == pairs(entries)
    assert [t.__name__ for t, _, _ in back.runs()] == ["CapMemCell", "CrossbarNode", "CapMemCell"]
    assert [len(e) for _, e, _ in back.runs()] == [len(a), 1, len(c)]


@settings(max_examples=40)
@given(values=entry_lists(max_size=6), data=st.data())
def test_equality_of_append_constructor_and_runs(values: list[Entry], data: st.DataObject) -> None:
    appended = ContainerList()
    for coord, c in values:
        appended.append(coord, c)
    built = ContainerList(values)
    # the same pairs as runs of one entry each, and as one run per maximal stretch
    single = ContainerList.from_runs(
        (type(c), [int(coord.toEnum())], [c.encode_words()]) for coord, c in values
    )
    assert appended == built == single == ContainerList(list(built))
    assert ContainerList.from_runs(built.runs()) == built
    # appending after packing joins the existing list
    split = data.draw(st.integers(0, len(values)))
    partly = ContainerList(values[:split])
    assert len(partly.runs()) >= 0  # packs the pending entries
    for coord, c in values[split:]:
        partly.append(coord, c)
    assert partly == built and len(partly) == len(values)
    assert pairs(partly) == pairs(built)
    assert (built == ContainerList()) is (not values)
    assert built != pairs(built) and built != values  # a list of pairs is no ContainerList


def test_equality_is_ordered_and_by_content() -> None:
    one, two = capmem(3, 400), (CrossbarNodeOnDLS(5), CrossbarNode(mask=7))
    assert ContainerList([one, two]) == ContainerList([one, two])
    assert ContainerList([one, two]) != ContainerList([two, one])
    assert ContainerList([one, capmem(4, 1)]) != ContainerList([capmem(4, 1), one])
    assert ContainerList([one]) != ContainerList([capmem(3, 401)])
    assert ContainerList([one]) != ContainerList([capmem(2, 400)])
    assert ContainerList([one]) != ContainerList([one, one])
    assert ContainerList([one, one]) == ContainerList([one, one])
    assert ContainerList() == ContainerList() == ContainerList.from_runs([])
    empty_run = ContainerList.from_runs([(CapMemCell, [], np.zeros((0, 1), np.int64))])
    assert empty_run == ContainerList() and len(empty_run) == 0
    assert empty_run.to_binary() == ContainerList().to_binary()
    with pytest.raises(TypeError):
        hash(ContainerList())
    assert repr(ContainerList([one, two])) == "ContainerList(2 entries)"


def test_values_are_fresh_objects() -> None:
    entries = ContainerList([(CapMemCellOnDLS(1), CapMemCell(value=5))])
    got = entries.values[0][1]
    assert isinstance(got, CapMemCell)
    got.value = 7
    assert entries.values[0][1] == CapMemCell(value=5)


# -- 2. the binary layout, by hand ---------------------------------------------------------------
GOLDEN_CAPMEM = (
    b"BSS2CL"  # magic
    b"\x02\x00"  # version 2 (u16)
    b"\x01\x00\x00\x00"  # one run (u32)
    b"\x0a\x00CapMemCell"  # type name: u16 length + UTF-8
    b"\x01\x00\x00\x00"  # one entry (u32)
    b"\x04"  # word size: 4 bytes (u8)
    b"\x03\x00\x00\x00"  # CapMemCellOnDLS(3) (u32 enum)
    b"\x90\x01\x00\x00"  # the word: 400 (u32)
)
#: The same list in format version 1 (no word size), which is still read.
GOLDEN_CAPMEM_V1 = GOLDEN_CAPMEM.replace(b"\x02\x00", b"\x01\x00", 1).replace(
    b"\x01\x00\x00\x00\x04", b"\x01\x00\x00\x00"
)


def test_golden_binary() -> None:
    entries = ContainerList([capmem(3, 400)])
    assert entries.to_binary() == GOLDEN_CAPMEM
    back = ContainerList.from_binary(GOLDEN_CAPMEM)
    assert back == entries
    [(coord, cell)] = back.values
    assert coord == CapMemCellOnDLS(3) and type(coord) is CapMemCellOnDLS
    assert cell == CapMemCell(value=400)
    assert ContainerList().to_binary() == b"BSS2CL\x02\x00\x00\x00\x00\x00"
    assert ContainerList.from_binary(b"BSS2CL\x02\x00\x00\x00\x00\x00") == ContainerList()
    assert ContainerList.from_binary(GOLDEN_CAPMEM_V1) == entries
    assert len(GOLDEN_CAPMEM_V1) == len(GOLDEN_CAPMEM) - 1


def test_word_size_per_run() -> None:
    """Byte-enabled words take 8 bytes only where a write leaves bytes out."""
    full = (halco.ExternalPPUMemoryQuadOnFPGA(1), ExternalPPUMemoryQuad(quad=[1, 2, 3, 4]))
    part = (halco.ExternalPPUMemoryQuadOnFPGA(2), ExternalPPUMemoryQuad(enables=[False] * 4))
    assert ContainerList([full]).to_binary() == binary_list(
        [("ExternalPPUMemoryQuad", [1], [[0x0102_0304]], "I")]
    )
    assert ContainerList([full, part]).to_binary() == binary_list(
        [("ExternalPPUMemoryQuad", [1, 2], [[0x0102_0304], [0xF_0000_0000]], "Q")]
    )
    for entries in ([full], [full, part]):
        listing = ContainerList(entries)
        assert ContainerList.from_binary(listing.to_binary()) == listing
    # version 1 stored the wide type with 8 bytes per word
    v1 = binary_list([("ExternalPPUMemoryQuad", [1], [[0x0102_0304]], "Q")], version=1)
    assert ContainerList.from_binary(v1) == ContainerList([full])
    with pytest.raises(ContainerDecodeError, match="word size 2"):
        ContainerList.from_binary(binary_list([("CapMemCell", [3], [[1]], "H")]))


def test_golden_json() -> None:
    text = ContainerList([capmem(3, 400), capmem(7, 1023)]).to_json()
    assert json.loads(text) == {
        "format": "bss2-container-list",
        "version": 1,
        "values": [["CapMemCell", 3, {"value": 400}], ["CapMemCell", 7, {"value": 1023}]],
    }
    back = ContainerList.from_json(text)
    cell = back.values[1][1]
    assert isinstance(cell, CapMemCell) and isinstance(cell.value, CapMemCell.DisableRefresh)


def test_binary_runs_are_split_and_neighbours_joined() -> None:
    node = CrossbarNode(mask=0x1234, target=5)
    entries = ContainerList([capmem(3, 400), (CrossbarNodeOnDLS(70), node), capmem(5, 1)])
    expected = binary_list(
        [
            ("CapMemCell", [3], [[400]], "I"),
            ("CrossbarNode", [70], [node.encode_words()], "I"),
            ("CapMemCell", [5], [[1]], "I"),
        ]
    )
    assert entries.to_binary() == expected
    joined = ContainerList.from_runs([(CapMemCell, [3], [[400]]), (CapMemCell, [5, 9], [[1], [2]])])
    assert joined.to_binary() == binary_list([("CapMemCell", [3, 5, 9], [[400], [1], [2]], "I")])


def test_wide_words_are_u64() -> None:
    pack = haldls.SpikePack3ToChip
    assert pack.word_bits > 32
    coord = pack.coordinate_type()
    item = pack.decode([0x0001_0002_0003])  # three labels: 48 bits
    assert ContainerList([(coord, item)]).to_binary() == binary_list(
        [("SpikePack3ToChip", [int(coord.toEnum())], [[0x0001_0002_0003]], "Q")]
    )
    small = pack.decode([0x0003])  # a run whose words fit 32 bits is stored as u32
    assert ContainerList([(coord, small)]).to_binary() == binary_list(
        [("SpikePack3ToChip", [int(coord.toEnum())], [[3]], "I")]
    )


@settings(max_examples=30)
@given(item=container_strategy(haldls.SpikePack3ToChip))
def test_wide_words_round_trip(item: haldls.Container) -> None:
    coord = haldls.SpikePack3ToChip.coordinate_type()
    entries = ContainerList([(coord, item)])
    [word] = item.encode_words()
    # a run whose words fit 32 bits is stored as u32 (test_wide_words_are_u64)
    stored = struct.pack("<I", word) if word < 1 << 32 else struct.pack("<Q", word)
    assert entries.to_binary()[-len(stored) :] == stored
    assert ContainerList.from_binary(entries.to_binary()) == entries


# -- 3. bad input --------------------------------------------------------------------------------
SMALL = binary_list(
    [
        ("CapMemCell", [3, 4], [[400], [1023]], "I"),
        ("CrossbarNode", [70], [CrossbarNode(mask=3).encode_words()], "I"),
    ]
)


def test_small_blob_is_valid() -> None:
    assert len(ContainerList.from_binary(SMALL)) == 3


@pytest.mark.parametrize("cut", range(len(SMALL)))
def test_every_truncation_raises_decode_error(cut: int) -> None:
    with pytest.raises(ContainerDecodeError):
        ContainerList.from_binary(SMALL[:cut])


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "magic"),
        (b"BSS2C", "magic"),
        (b"BSS2CX" + GOLDEN_CAPMEM[6:], "magic"),
        (b"bss2cl" + GOLDEN_CAPMEM[6:], "magic"),
        (b"BSS2CL\x03\x00" + GOLDEN_CAPMEM[8:], "version 3"),
        (b"BSS2CL\x00\x00" + GOLDEN_CAPMEM[8:], "version 0"),
        (GOLDEN_CAPMEM + b"\x00", "1 bytes after"),
        (GOLDEN_CAPMEM + b"\x00" * 4, "4 bytes after"),
        (GOLDEN_CAPMEM.replace(b"CapMemCell", b"CapMemCelX"), "unknown container type"),
        (GOLDEN_CAPMEM.replace(b"CapMemCell", b"CapMemCel\xff"), "unknown container type"),
        (binary_list([("Chip", [0], [[0]], "I")]), "unknown container type 'Chip'"),
        (binary_list([("CapMemCell", [12480], [[1]], "I")]), "coordinate"),
        (binary_list([("CapMemCell", [2**32 - 1], [[1]], "I")]), "coordinate"),
        (binary_list([("CrossbarNode", [76], [[0]], "I")]), "coordinate"),
        (binary_list([("CapMemCell", [3], [[0x400]], "I")]), "outside its fields"),
        (binary_list([("CapMemCell", [3], [[0x8000_0000]], "I")]), "outside its fields"),
        (binary_list([("CrossbarNode", [0], [[0x4000]], "I")]), "outside its fields"),
        (binary_list([("CapMemCell", [3], [[1]], "I")]) + b"x", "1 bytes after"),
        (GOLDEN_CAPMEM.replace(b"\x01\x00\x00\x00\x0a", b"\x02\x00\x00\x00\x0a"), "truncated"),
    ],
)
def test_bad_binary(data: bytes, match: str) -> None:
    with pytest.raises(ContainerDecodeError, match=match):
        ContainerList.from_binary(data)


def test_bad_binary_names_the_type() -> None:
    with pytest.raises(ContainerDecodeError, match="CapMemCell"):
        ContainerList.from_binary(binary_list([("CapMemCell", [12480], [[1]], "I")]))
    with pytest.raises(ContainerDecodeError, match="CrossbarNode"):
        ContainerList.from_binary(binary_list([("CrossbarNode", [0], [[0x4000]], "I")]))


def test_from_runs_validates() -> None:
    with pytest.raises(ContainerDecodeError, match=r"\[0, 12479\]"):
        ContainerList.from_runs([(CapMemCell, [-1], [[0]])])
    with pytest.raises(ContainerDecodeError, match="outside its fields"):
        ContainerList.from_runs([(CapMemCell, [0], [[0x400]])])
    with pytest.raises(ContainerDecodeError, match="32 bit"):
        ContainerList.from_runs([(CapMemCell, [0], [[-1]])])


VALID = '["CapMemCell", 3, {"value": 400}]'


def listing(*entries: str, version: Any = 1) -> str:
    return (
        f'{{"format": "bss2-container-list", "version": {json.dumps(version)}, '
        f'"values": [{", ".join(entries)}]}}'
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "not a JSON container list"),
        ("not json", "not a JSON container list"),
        ("[]", "not a JSON container list"),
        ("[1, 2, 3]", "not a JSON container list"),
        ("5", "not a JSON container list"),
        ('"text"', "not a JSON container list"),
        ("null", "not a JSON container list"),
        ('{"format": "other", "version": 1, "values": []}', "not a JSON container list"),
        ('{"version": 1, "values": []}', "not a JSON container list"),
        (listing(VALID, version=2), "version 2"),
        (listing(VALID, version=None), "version None"),
        (listing(VALID, version="1"), "version '1'"),
        (listing(VALID, '["CapMemCell", 3]'), "entry #1"),
        (listing(VALID, '["CapMemCell", 3, {}, 4]'), "entry #1"),
        (listing(VALID, "5"), "entry #1"),
        (listing(VALID, "null"), "entry #1"),
        (listing(VALID, '["Nope", 0, {}]'), r"entry #1: unknown container type 'Nope'"),
        (listing(VALID, '["Chip", 0, {}]'), "entry #1: unknown container type"),
        (listing(VALID, '[["CapMemCell"], 0, {}]'), "entry #1"),
        (listing(VALID, '["CapMemCell", 12480, {"value": 1}]'), "entry #1.*coordinate"),
        (listing(VALID, '["CapMemCell", -1, {"value": 1}]'), "entry #1.*coordinate"),
        (listing(VALID, '["CapMemCell", null, {"value": 1}]'), "entry #1.*coordinate"),
        (listing(VALID, '["CapMemCell", 3, {"value": 2000}]'), "entry #1"),
        (listing(VALID, '["CapMemCell", 3, {"value": -1}]'), "entry #1"),
        (listing(VALID, '["CapMemCell", 3, {"value": 1.5}]'), "entry #1"),
        (listing(VALID, '["CapMemCell", 3, {"bogus": 1}]'), "entry #1.*bogus"),
        (listing(VALID, '["CapMemCell", 3, [1]]'), "entry #1"),
        (listing(VALID, '["CrossbarNode", 0, {"mask": 16384}]'), "entry #1.*mask"),
        (listing(VALID, VALID, '["CapMemCell", 3, 4]'), "entry #2"),
    ],
)
def test_bad_json(text: str, match: str) -> None:
    with pytest.raises(ContainerDecodeError, match=match):
        ContainerList.from_json(text)


def test_good_json_by_hand() -> None:
    back = ContainerList.from_json(listing(VALID, '["CrossbarNode", 70, {"mask": 3}]'))
    assert back == ContainerList([capmem(3, 400), (CrossbarNodeOnDLS(70), CrossbarNode(mask=3))])
    assert ContainerList.from_json(listing()) == ContainerList()


@pytest.mark.parametrize("values", ["null", "5", "true", '"abc"', '{"a": 1}'])
def test_json_values_not_a_list(values: str) -> None:
    text = f'{{"format": "bss2-container-list", "version": 1, "values": {values}}}'
    with pytest.raises(ContainerDecodeError, match="values"):
        ContainerList.from_json(text)


@pytest.mark.parametrize("coordinate", ["3.5", '"3"', "true", "3.0"])
def test_json_coordinate_must_be_an_integer(coordinate: str) -> None:
    with pytest.raises(ContainerDecodeError, match="entry #0"):
        ContainerList.from_json(listing(f'["CapMemCell", {coordinate}, {{"value": 1}}]'))


class Unregistered(CapMemCell, register=False):
    """A container type outside the registry."""

    __slots__ = ()


def test_append_rejects_foreign_pairs() -> None:
    entries = ContainerList()
    with pytest.raises(TypeError, match="registered"):
        entries.append(CapMemCellOnDLS(0), Unregistered())
    with pytest.raises(TypeError, match="registered"):
        entries.append(CapMemCellOnDLS(0), 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="registered"):
        entries.append(halco.ChipOnDLS(), haldls.lola.Chip())  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match="CapMemCell needs a CapMemCellOnDLS, got CrossbarNodeOnDLS"
    ):
        entries.append(CrossbarNodeOnDLS(0), CapMemCell())
    with pytest.raises(TypeError, match="needs a CapMemCellOnDLS"):
        entries.append(3, CapMemCell())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ContainerList([CapMemCell()])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        ContainerList([(CrossbarNodeOnDLS(0), CapMemCell())])
    assert len(entries) == 0 and entries == ContainerList()


def mutations(blob: bytes) -> st.SearchStrategy[bytes]:
    """Byte strings near a valid blob: cut, with bytes replaced, inserted or appended."""
    n = len(blob)

    def replace(at: int, b: int) -> bytes:
        return blob[:at] + bytes([b]) + blob[at + 1 :]

    return st.one_of(
        st.integers(0, n).map(lambda k: blob[:k]),
        st.tuples(st.integers(0, n - 1), st.integers(0, 255)).map(lambda t: replace(*t)),
        st.tuples(st.integers(0, n), st.binary(min_size=1, max_size=8)).map(
            lambda t: blob[: t[0]] + t[1] + blob[t[0] :]
        ),
        st.binary(max_size=16).map(lambda tail: blob + tail),
    )


@settings(max_examples=300)
@given(
    data=st.one_of(
        st.binary(max_size=64),
        st.binary(max_size=64).map(lambda b: b"BSS2CL" + b),
        st.binary(max_size=64).map(lambda b: b"BSS2CL\x01\x00" + b),
        mutations(SMALL),
        mutations(GOLDEN_CAPMEM),
    )
)
def test_arbitrary_bytes_raise_only_decode_errors(data: bytes) -> None:
    try:
        entries = ContainerList.from_binary(data)
    except ContainerDecodeError:
        return
    assert ContainerList.from_binary(entries.to_binary()) == entries


@settings(max_examples=100)
@given(text=st.one_of(st.text(max_size=40), st.binary(max_size=40).map(repr)))
def test_arbitrary_json_text_raises_only_decode_errors(text: str) -> None:
    try:
        ContainerList.from_json(text)
    except ContainerDecodeError:
        pass


# -- 4. the column encoder against the scalar encoder --------------------------------------------
@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_encode_columns_equals_encode_words(name: str, data: st.DataObject) -> None:
    ctype = containers[name]
    objs = data.draw(st.lists(container_strategy(ctype), max_size=6))
    n = len(objs)
    words = ctype.encode_columns(ctype.to_columns(objs), n=n)
    assert words.shape == (n, ctype.words)
    assert words.dtype == (np.uint32 if ctype.word_bits <= 32 else np.uint64)
    assert words.tolist() == [o.encode_words() for o in objs]


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_encode_columns_of_raw_columns(name: str, data: st.DataObject) -> None:
    """Raw numpy columns (narrow dtypes too) encode as the containers they decode to."""
    ctype = containers[name]
    n = data.draw(st.integers(0, 5))
    columns = {f.name: data.draw(raw_strategy(f, n)) for f in ctype._fields}
    objs = ctype.from_columns(columns, n=n)
    expected = [o.encode_words() for o in objs]
    assert ctype.encode_columns(columns, n=n).tolist() == expected
    if ctype._fields and n:
        assert ctype.encode_columns(columns).tolist() == expected  # n from the columns
    scalar = [f for f in ctype._fields if not isinstance(f, StructArrayField)]
    narrowed = {
        name: narrow(v, f.kind) if f in scalar else v
        for f, (name, v) in zip(ctype._fields, columns.items(), strict=True)
    }
    assert ctype.encode_columns(narrowed, n=n).tolist() == expected
    decoded = ctype.decode_columns(np.array(expected, np.int64).reshape(n, ctype.words))
    assert {k: v.tolist() for k, v in decoded.items()} == {
        k: np.asarray(v).tolist() for k, v in columns.items()
    }


@pytest.mark.parametrize("name", NAMES)
def test_encode_columns_n0_n1_defaults_and_broadcast(name: str) -> None:
    ctype = containers[name]
    dtype = np.uint32 if ctype.word_bits <= 32 else np.uint64
    default = ctype()
    empty = ctype.encode_columns(ctype.to_columns([]), n=0)
    assert empty.shape == (0, ctype.words) and empty.dtype == dtype
    assert ctype.encode_columns({}, n=0).shape == (0, ctype.words)
    assert ctype.encode_columns(ctype.to_columns([default]), n=1).tolist() == [
        default.encode_words()
    ]
    assert ctype.encode_columns({}, n=3).tolist() == [default.encode_words()] * 3
    if not ctype._fields:
        return
    # one entry's value (shape of one container) broadcasts over all N
    f = ctype._fields[-1]
    kinds = [m.kind for m in f.members] if isinstance(f, StructArrayField) else [f.kind]
    top = np.array([k.hi if k.allowed is None else int(k.allowed[-1]) for k in kinds], np.int64)
    one = np.broadcast_to(top, (int(np.prod(f.shape, dtype=np.int64)) // len(kinds), len(kinds)))
    one = one.reshape(f.shape)
    [item] = ctype.from_columns({**ctype.to_columns([default]), f.name: one[None]}, n=1)
    assert ctype.encode_columns({f.name: one}, n=3).tolist() == [item.encode_words()] * 3
    assert ctype.encode_columns({f.name: one[None]}, n=1).tolist() == [item.encode_words()]


@pytest.mark.parametrize("name", NAMES)
def test_encode_columns_rejects_bad_columns(name: str) -> None:
    ctype = containers[name]
    with pytest.raises(TypeError, match="no fields"):
        ctype.encode_columns({"no_such_field": np.zeros(2, np.int64)}, n=2)
    if not ctype._fields:
        with pytest.raises(ValueError, match="needs columns or n"):
            ctype.encode_columns({})
        return
    f = ctype._fields[0]
    kind = f.members[0].kind if isinstance(f, StructArrayField) else f.kind
    cols = {f.name: np.zeros((3, *f.shape), np.int64)}
    cols[f.name][(2,) + (0,) * len(f.shape)] = kind.hi + 1
    with pytest.raises(ValueError, match=f.name.split("[")[0]):  # CoordinateRangeError
        ctype.encode_columns(cols, n=3)
    with pytest.raises(ValueError, match="shape"):
        ctype.encode_columns({f.name: np.zeros((2, *f.shape, 5), np.int64)}, n=2)


def test_stray_bits_are_refused_by_every_type() -> None:
    """Words that no container encodes to are refused by the column decoder, as by ``decode``."""
    for name in NAMES:
        ctype = containers[name]
        for j, used in enumerate(ctype._used):
            free = ~(used | ctype._fixed[j] | ctype._ignored[j]) & ((1 << ctype.word_bits) - 1)
            if not free:
                continue
            words = np.array([ctype().encode_words()], np.int64)
            words[0, j] |= free & -free  # the lowest bit outside the fields
            with pytest.raises(ContainerDecodeError):
                ctype.decode_columns(words)
            with pytest.raises(ContainerDecodeError):
                ContainerList.from_runs([(ctype, [0], words)])
