"""``ContainerList``: an ordered list of (coordinate, container) pairs, as JSON or compact binary.

This is the file form of configurations and calibration results: each entry names its
container type; its coordinate is stored as the coordinate type's enum value. JSON keeps the
container fields readable; the binary form keeps the register words, in runs of one type:

- magic ``b"BSS2CL"``, format version (u16), number of runs (u32);
- per run: type name (u16 length + UTF-8), count (u32), word size in bytes (u8: 4, or 8 where a
  word of the run needs more than 32 bits), the coordinates' enum values (u32 each), then the
  words (``count x words``), little endian. (Version 1, still read, had no word size: u64 for
  types with registers wider than 32 bits.)

>>> import halco
>>> from haldls import CapMemCell
>>> entries = ContainerList([(halco.CapMemCellOnDLS(3), CapMemCell(value=400))])
>>> ContainerList.from_binary(entries.to_binary()) == entries
True
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from halco.common import Coordinate
from haldls._container import Container, containers
from haldls.errors import ContainerDecodeError

__all__ = ["ContainerList"]

MAGIC = b"BSS2CL"
#: Version of the binary form (2: word size per run) and of the JSON form.
VERSION = 2
JSON_VERSION = 1
Entry = tuple[Coordinate, Container]


def _container_type(name: Any) -> type[Container]:
    if name not in containers:
        raise ContainerDecodeError(f"unknown container type {name!r}")
    return containers[name]


def _coordinate(typ: type[Container], e: Any) -> Coordinate:
    if type(e) is not int:
        raise ContainerDecodeError(f"{typ.__name__}: coordinate enum must be an int, got {e!r}")
    try:
        return typ.coordinate_type._coerce(int(e), typ.__name__, "coordinate")
    except (TypeError, ValueError) as err:  # CoordinateRangeError is a ValueError
        raise ContainerDecodeError(f"{typ.__name__}: bad coordinate {e!r}: {err}") from None


class _Run:
    """Consecutive entries of one container type: coordinate enums and register words."""

    __slots__ = ("enums", "typ", "words")

    def __init__(self, typ: type[Container], enums: Any, words: Any) -> None:
        self.typ = typ
        self.enums = np.asarray(enums, np.int64).reshape(-1)
        self.words = np.asarray(words, np.int64).reshape(len(self.enums), typ.words)

    def entries(self) -> list[Entry]:
        typ = self.typ
        items = typ.from_columns(typ.decode_columns(self.words), n=len(self.enums))
        coords = [_coordinate(typ, e) for e in self.enums.tolist()]
        return list(zip(coords, items, strict=True))


class ContainerList:
    """An ordered list of (coordinate, container) pairs, e.g. a stored chip configuration.

    Stored as runs of one container type (coordinate enums and register words as numpy
    arrays), so whole chips convert quickly; ``values`` builds the pairs.

    Raises
    ------
    TypeError
        If an entry is not a (coordinate, container) pair of matching types.
    """

    __slots__ = ("_pending", "_runs")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, values: Iterable[Entry] = ()) -> None:
        self._runs: list[_Run] = []
        self._pending: list[Entry] = []  # appended pairs not yet packed into a run
        for entry in values:
            self.append(*entry)

    @classmethod
    def from_runs(
        cls, runs: Iterable[tuple[type[Container], Any, Any]], validate: bool = True
    ) -> ContainerList:
        """Return a list from runs of (container type, coordinate enums, N x words words).

        ``validate=False`` skips decoding the words (for words an encoder has just produced).

        Raises
        ------
        ContainerDecodeError
            If the words of a run do not decode as its type.
        """
        out = cls()
        for typ, enums, words in runs:
            run = _Run(_container_type(typ.__name__), enums, words)
            if validate:
                typ.decode_columns(run.words)
            if len(run.enums) and (
                run.enums.min() < 0 or run.enums.max() >= typ.coordinate_type.size
            ):
                raise ContainerDecodeError(
                    f"{typ.__name__}: coordinate enums must be in "
                    f"[0, {typ.coordinate_type.size - 1}]"
                )
            out._runs.append(run)
        return out

    def runs(self) -> list[tuple[type[Container], Any, Any]]:
        """Return the runs: (container type, coordinate enums, N x words register words)."""
        self._pack()
        return [(r.typ, r.enums, r.words) for r in self._runs]

    def _pack(self) -> None:
        pending, self._pending = self._pending, []
        start = 0
        for i in range(1, len(pending) + 1):
            if i == len(pending) or type(pending[i][1]) is not type(pending[start][1]):
                typ = type(pending[start][1])
                part = pending[start:i]
                self._runs.append(
                    _Run(
                        typ,
                        [int(c.toEnum()) for c, _ in part],
                        [c.encode_words() for _, c in part],
                    )
                )
                start = i

    def append(self, coord: Coordinate, container: Container) -> None:
        """Append one pair.

        Raises
        ------
        TypeError
            If ``container`` is no registered container or ``coord`` not its coordinate type.
        """
        typ = type(container)
        if not isinstance(container, Container) or containers.get(typ.__name__) is not typ:
            raise TypeError(f"expected a registered haldls container, got {typ.__name__}")
        if type(coord) is not typ.coordinate_type:
            raise TypeError(
                f"{typ.__name__} needs a {typ.coordinate_type.__name__}, got {type(coord).__name__}"
            )
        self._pending.append((coord, container))

    @property
    def values(self) -> list[Entry]:
        """The (coordinate, container) pairs, in order (built on each access)."""
        self._pack()
        return [entry for r in self._runs for entry in r.entries()]

    def __len__(self) -> int:
        return sum(len(r.enums) for r in self._runs) + len(self._pending)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ContainerList):
            return False
        mine, theirs = _merged(self.runs()), _merged(other.runs())
        return len(mine) == len(theirs) and all(
            a[0] is b[0] and np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[2])
            for a, b in zip(mine, theirs, strict=True)
        )

    def __repr__(self) -> str:
        return f"ContainerList({len(self)} entries)"

    def tolist(self) -> list[Entry]:
        """Return the pairs as a list."""
        return self.values

    # -- JSON -----------------------------------------------------------------------------------
    def to_json(self) -> str:
        """Return the list as JSON: ``[type name, coordinate enum, fields]`` per entry."""
        entries = [[type(c).__name__, int(coord.toEnum()), c.to_dict()] for coord, c in self.values]
        return json.dumps(
            {"format": "bss2-container-list", "version": JSON_VERSION, "values": entries}
        )

    @classmethod
    def from_json(cls, text: str) -> ContainerList:
        """Return the list stored by ``to_json``.

        Raises
        ------
        ContainerDecodeError
            If the text is no container list or an entry is invalid (the entry is named).
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ContainerDecodeError(f"not a JSON container list: {err}") from None
        if not isinstance(data, dict) or data.get("format") != "bss2-container-list":
            raise ContainerDecodeError("not a JSON container list")
        if data.get("version") != JSON_VERSION:
            raise ContainerDecodeError(f"container list version {data.get('version')!r}")
        entries = data.get("values", [])
        if not isinstance(entries, list):
            raise ContainerDecodeError("container list values must be a list")
        out = cls()
        for i, entry in enumerate(entries):
            try:
                name, e, fields = entry
                typ = _container_type(name)
                out.append(_coordinate(typ, e), typ(**fields))
            except (TypeError, ValueError) as err:
                raise ContainerDecodeError(f"container list entry #{i}: {err}") from None
        return out

    # -- binary ---------------------------------------------------------------------------------
    def to_binary(self) -> bytes:
        """Return the compact binary form (register words in runs of one type)."""
        runs = _merged(self.runs())
        chunks = [MAGIC, struct.pack("<HI", VERSION, len(runs))]
        for typ, enums, words in runs:
            name = typ.__name__.encode()
            size = 4 if typ.word_bits <= 32 or not words.size or words.max() >> 32 == 0 else 8
            chunks.append(
                struct.pack("<H", len(name)) + name + struct.pack("<IB", len(enums), size)
            )
            chunks.append(enums.astype("<u4").tobytes())
            chunks.append(words.astype(f"<u{size}").tobytes())
        return b"".join(chunks)

    @classmethod
    def from_binary(cls, data: bytes) -> ContainerList:
        """Return the list stored by ``to_binary``.

        Raises
        ------
        ContainerDecodeError
            If the data is truncated, of another format, or holds invalid words or coordinates.
        """
        view = memoryview(data)
        if bytes(view[: len(MAGIC)]) != MAGIC:
            raise ContainerDecodeError("not a binary container list (bad magic)")
        at = len(MAGIC)

        def take(size: int) -> memoryview:
            nonlocal at
            if at + size > len(view):
                raise ContainerDecodeError("binary container list is truncated")
            at += size
            return view[at - size : at]

        version, n_runs = struct.unpack("<HI", take(6))
        if version not in (1, VERSION):
            raise ContainerDecodeError(f"container list version {version}")
        runs = []
        for _ in range(n_runs):
            (length,) = struct.unpack("<H", take(2))
            typ = _container_type(bytes(take(length)).decode(errors="replace"))
            (count,) = struct.unpack("<I", take(4))
            size = struct.unpack("<B", take(1))[0] if version > 1 else _word_size(typ)
            if size not in (4, 8):
                raise ContainerDecodeError(f"{typ.__name__}: word size {size} bytes")
            enums = np.frombuffer(take(4 * count), "<u4").astype(np.int64)
            dtype = np.dtype(f"<u{size}")
            words = np.frombuffer(take(dtype.itemsize * count * typ.words), dtype)
            if typ.word_bits > 63 and count and words.max() >> 63:  # pragma: no cover
                raise ContainerDecodeError(f"{typ.__name__}: word outside 63 bits")
            runs.append((typ, enums, words.astype(np.int64).reshape(count, typ.words)))
        if at != len(view):
            raise ContainerDecodeError(f"{len(view) - at} bytes after the container list")
        return cls.from_runs(runs)


def _merged(
    runs: list[tuple[type[Container], Any, Any]],
) -> list[tuple[type[Container], Any, Any]]:
    """Return runs with neighbours of one type joined (one canonical form per list)."""
    out: list[tuple[type[Container], Any, Any]] = []
    for typ, enums, words in runs:
        if out and out[-1][0] is typ:
            _, e, w = out[-1]
            out[-1] = (typ, np.concatenate([e, enums]), np.concatenate([w, words]))
        elif len(enums):
            out.append((typ, enums, words))
    return out


def _word_size(typ: type[Container]) -> int:
    return 4 if typ.word_bits <= 32 else 8
