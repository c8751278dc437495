"""The lola aggregate base: one ordered visitor serves write, read and address computation.

An aggregate's ``_visit(coord)`` yields ``Slot`` objects in a fixed order, each a batch of N
leaf containers of one type: how to compute their addresses, how to get their raw field
columns (for encoding) and how to set them (after decoding). Writes encode every slot with the
numpy column codec; reads decode the words back slot by slot; the addresses of a coordinate are
computed once and cached, as they never depend on the values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Self

import attrs
import numpy as np
import numpy.typing as npt

import fisch
from halco.common import Coordinate, TypedArray
from haldls._blocks import CapMemCell
from haldls._container import Container, encode_write
from haldls._field import Field, Seg, _Kind
from haldls._listing import ContainerList
from haldls._struct import Struct, owned_array
from haldls.errors import ContainerDecodeError

__all__ = [
    "Aggregate",
    "AnalogValueVariant",
    "ItemArrayField",
    "MatrixField",
    "Slot",
    "ValueArrayField",
    "analog",
    "array_slot",
    "cell_slot",
    "containers",
    "object_slot",
    "single_slot",
]

_registry: dict[str, type[Aggregate]] = {}
#: Registry of every lola aggregate type, by name.
containers = MappingProxyType(_registry)

Columns = Mapping[str, npt.ArrayLike]


@attrs.frozen
class Slot:
    """N leaf containers of one type at consecutive positions of an aggregate's visit order.

    ``coords()`` returns their coordinates (built only for addresses, which are cached),
    ``get()`` their raw field columns and ``set(columns)`` stores decoded columns back into the
    aggregate.
    """

    container_type: type[Container]
    n: int
    coords: Callable[[], Sequence[Coordinate]]
    get: Callable[[], Columns]
    set: Callable[[dict[str, npt.NDArray[np.int64]]], None]
    #: The leaf objects, where the aggregate holds them (a few encode faster one by one).
    objects: Callable[[], Sequence[Container]] | None = None

    def encode(self) -> npt.NDArray[Any]:
        """Return the leaves' register words, flattened in visit order."""
        if self.objects is not None and self.n <= _FEW:
            return np.array([w for c in self.objects() for w in c.encode_words()], np.uint32)
        return self.container_type.encode_columns(self.get(), n=self.n).reshape(-1)

    def addresses(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return the leaves' register addresses (N x words) and coordinate enums (N)."""
        coords = self.coords()
        rows = [self.container_type._addresses(c) for c in coords]
        enums = np.array([int(c.toEnum()) for c in coords], np.int64)
        return np.array(rows, np.int64).reshape(self.n, self.container_type.words), enums


def object_slot(
    container_type: type[Container], coords: Sequence[Coordinate], items: list[Any]
) -> Slot:
    """Return a slot over a mutable list of leaf container objects (replaced on decode)."""

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        items[:] = container_type.from_columns(columns, n=len(items))

    return Slot(
        container_type,
        len(items),
        lambda: coords,
        lambda: container_type.to_columns(items),
        set_,
        lambda: items,
    )


def array_slot(
    container_type: type[Container],
    coords: Callable[[], Sequence[Coordinate]],
    array: Callable[[], TypedArray[Any]],
) -> Slot:
    """Return a slot over a typed array of leaf containers (entries replaced on decode)."""
    n = len(array())

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        target = array()
        for i, c in enumerate(container_type.from_columns(columns, n=n)):
            target[i] = c

    return Slot(
        container_type,
        n,
        coords,
        lambda: container_type.to_columns(list(array())),
        set_,
        lambda: list(array()),
    )


def single_slot(
    container_type: type[Container], coord: Coordinate, owner: Aggregate, name: str
) -> Slot:
    """Return a slot over one leaf container held in field ``name`` of ``owner``."""

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        setattr(owner, name, container_type.from_columns(columns, n=1)[0])

    return Slot(
        container_type,
        1,
        lambda: [coord],
        lambda: container_type.to_columns([getattr(owner, name)]),
        set_,
        lambda: [getattr(owner, name)],
    )


#: An analog parameter: a CapMem value 0..1022 or DisableRefresh (1023).
AnalogValueVariant = (CapMemCell.Value, CapMemCell.DisableRefresh)


def analog(default: int | None = None, doc: str = "") -> Field:
    """Return a scalar analog-value field (``CapMemCell.Value`` or ``DisableRefresh``)."""
    return Field(AnalogValueVariant, default=default, doc=doc)


class ValueArrayField(Field):
    """A typed array of plain values over a halco key (``block.i_bias_dac[block_on_hemisphere]``).

    Entries are validated on assignment, in place or as a whole iterable of ``key.size``.
    """

    array = True

    def __init__(self, key: type[Coordinate], typ: Any, default: Any = None, doc: str = "") -> None:
        super().__init__(typ, (), default, doc=doc)
        self.key = key

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.kind = _Kind(self.typ, owner.__qualname__, name)
        self.default_value = (
            self.kind.default() if self._default is None else self.kind.coerce(self._default)
        )

    def make_array(self, values: Iterable[Any]) -> TypedArray[Any]:
        return TypedArray(self.key, values, value_type=self.kind.coerce)

    def fresh_default(self) -> TypedArray[Any]:
        return self.make_array([self.default_value] * self.key.size)

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
            raise TypeError(f"{self.kind.owner} must be an iterable of {self.key.size} values")
        obj._values[self.name] = self.make_array(value)

    def placements(self) -> Sequence[tuple[Seg, ...]]:
        return ()


_CELL_KIND = CapMemCell.value.kind


def cell_slot(owner: Struct, cells: Sequence[tuple[Coordinate, str, int | None]]) -> Slot:
    """Return a slot of CapMemCells holding analog fields of ``owner``.

    ``cells`` lists (``CapMemCellOnDLS``, field name, entry index or None for a scalar field).
    """
    values = owner._values

    def get() -> Columns:
        raw = [int(values[name] if i is None else values[name][i]) for _, name, i in cells]
        return {"value": np.array(raw, np.int64)}

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        for (_, name, i), v in zip(cells, columns["value"].tolist(), strict=True):
            if i is None:
                values[name] = _CELL_KIND.from_int(v)
            else:
                values[name][i] = _CELL_KIND.from_int(v)

    return Slot(CapMemCell, len(cells), lambda: [c for c, _, _ in cells], get, set_)


#: Up to this many leaf objects are encoded one by one rather than as numpy columns.
_FEW = 8


class _Layout:
    """Where an aggregate's leaves lie in its word array (computed once per coordinate)."""

    def __init__(self, slots: list[Slot]) -> None:
        parts, self.runs, at = [], [], 0
        enums_of: dict[type[Container], list[tuple[npt.NDArray[np.int64], int]]] = {}
        for s in slots:
            addresses, enums = s.addresses()
            parts.append(addresses.reshape(-1))
            size = addresses.size
            self.runs.append((s.container_type, enums, at, at + size))
            enums_of.setdefault(s.container_type, []).append((enums, at))
            at += size
        self.addresses = (
            np.concatenate(parts).astype(np.uint32) if parts else np.zeros(0, np.uint32)
        )
        self.addresses.flags.writeable = False
        #: per leaf type: coordinate enum -> position of the leaf's first word (-1: absent)
        self.positions: dict[type[Container], npt.NDArray[np.int64]] = {}
        for typ, found in enums_of.items():
            table = np.full(typ.coordinate_type.size, -1, np.int64)
            for enums, start in found:
                table[enums] = start + typ.words * np.arange(len(enums))
            self.positions[typ] = table
        self._by_address: dict[int, int] | None = None

    def position(self, address: int, typ: type, leaf: Any, cls: type, c: Any) -> int:
        """Return the position of a register address.

        Raises
        ------
        ValueError
            If the aggregate has no such register.
        """
        if self._by_address is None:
            self._by_address = {a: i for i, a in enumerate(self.addresses.tolist())}
        i = self._by_address.get(address)
        if i is None:
            raise ValueError(f"{typ.__name__} at {leaf!r} is not part of {cls.__name__} at {c!r}")
        return i


_layout_cache: dict[tuple[type[Aggregate], Coordinate], _Layout] = {}


class Aggregate(Struct):
    """Base of the lola containers: typed fields plus an ordered leaf visitor ``_visit``."""

    __slots__ = ()
    coordinate_type: ClassVar[type[Coordinate]]
    #: Whether a write can be encoded (read results such as CADC samples cannot).
    is_writable: ClassVar[bool] = True
    #: Whether reading it back means anything (triggers such as correlation resets do not).
    is_readable: ClassVar[bool] = True
    #: Whether ``encode_write_arrays`` accepts a ``reference`` (triggers have no state).
    differential_write: ClassVar[bool] = True

    def __init_subclass__(cls, register: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if register:
            if cls.__name__ in _registry:  # pragma: no cover - programming error
                raise TypeError(f"aggregate {cls.__name__} registered twice")
            _registry[cls.__name__] = cls

    def _visit(self, coord: Any) -> Iterator[Slot]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _coord(cls, coord: Any) -> Coordinate:
        if coord is None:
            return cls.coordinate_type()
        return cls.coordinate_type._coerce(coord, cls.__name__, "coordinate")

    @classmethod
    def default_at(cls, coord: Any = None) -> Self:
        """Return the default aggregate for ``coord`` (sized to it where sizes vary).

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not a ``coordinate_type``.
        """
        cls._coord(coord)
        return cls()

    @classmethod
    def _layout(cls, c: Coordinate) -> _Layout:
        key = (cls, c)
        if key not in _layout_cache:
            _layout_cache[key] = _Layout(list(cls.default_at(c)._visit(c)))
        return _layout_cache[key]

    @classmethod
    def address_array(cls, coord: Any = None) -> npt.NDArray[np.uint32]:
        """Return the addresses of every register word, in write order (computed once).

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not a ``coordinate_type``.
        """
        return cls._layout(cls._coord(coord)).addresses

    def encode_array(self, coord: Any = None) -> npt.NDArray[np.uint32 | np.uint64]:
        """Return every register word, in write order (the visitor's).

        The words are uint32, unless a byte-enabled leaf leaves bytes out (a block of external
        PPU memory bytes that does not start or end on a word): then uint64 with those bits
        32-35 set, one for each byte not written (as ``ExternalPPUMemoryQuad`` words).

        Raises
        ------
        NotWritableError
            If the aggregate is read-only.
        CoordinateRangeError
            If a value lies outside its field's range (the field is named).
        """
        if not self.is_writable:
            raise fisch.errors.NotWritableError(f"{type(self).__name__} is read-only")
        # uint32 unless some byte is left out, so that a whole chip's byte-enabled words
        # (all bytes written) do not widen the whole array
        parts, wide = [], False
        for slot in self._visit(self._coord(coord)):
            part = slot.encode()
            wide = wide or (slot.container_type.byte_enabled and bool((part >> 32).any()))
            parts.append(part)
        dtype = np.uint64 if wide else np.uint32
        return (
            np.concatenate([p.astype(dtype, copy=False) for p in parts])
            if parts
            else np.zeros(0, dtype)
        )

    @classmethod
    def decode_array(cls, words: npt.ArrayLike, coord: Any = None) -> Self:
        """Return the aggregate read back from its register words (in write order).

        Raises
        ------
        ContainerDecodeError
            If the number of words is wrong or a leaf's words do not decode.
        """
        w = np.asarray(words)
        self = cls.default_at(coord)
        slots = list(self._visit(cls._coord(coord)))
        total = sum(s.n * s.container_type.words for s in slots)
        if w.shape != (total,):
            raise ContainerDecodeError(f"{cls.__name__} has {total} words, got shape {w.shape}")
        at = 0
        for s in slots:
            size = s.n * s.container_type.words
            s.set(s.container_type.decode_columns(w[at : at + size].reshape(s.n, -1)))
            at += size
        return self

    def encode_write_arrays(
        self, coord: Any = None, reference: Aggregate | None = None
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32 | np.uint64]]:
        """Return (addresses, words) of a write; with ``reference``, only the changed words.

        The words are as ``encode_array``'s.

        Raises
        ------
        TypeError
            If ``reference`` is not of the same type, or the aggregate is a trigger.
        NotWritableError
            If the aggregate is read-only.
        CoordinateRangeError
            If a value lies outside its field's range.
        """
        if reference is not None and not self.differential_write:
            raise TypeError(
                f"{type(self).__name__} is a trigger and cannot be written differentially"
            )
        addresses, words = self.address_array(coord), self.encode_array(coord)
        if reference is None:
            return addresses, words
        if type(reference) is not type(self):
            raise TypeError(f"reference must be a {type(self).__name__}")
        changed = words != reference.encode_array(coord)
        return addresses[changed], words[changed]

    def to_container_list(self, coord: Any = None) -> ContainerList:
        """Return the leaves as a ``haldls.ContainerList`` (storable as JSON or binary).

        Raises
        ------
        NotWritableError
            If the aggregate is read-only (read results are no configuration).
        CoordinateTypeError
            If ``coord`` is not a ``coordinate_type``.
        """
        c = self._coord(coord)
        layout, words = self._layout(c), self.encode_array(c).astype(np.int64)
        runs = [
            (typ, enums, words[start:stop].reshape(len(enums), typ.words))
            for typ, enums, start, stop in layout.runs
        ]
        return ContainerList.from_runs(runs, validate=False)  # words just encoded

    @classmethod
    def from_container_list(
        cls, entries: Iterable[tuple[Coordinate, Container]], coord: Any = None
    ) -> Self:
        """Return the default aggregate (``default_at``) with the listed leaves written over it.

        ``entries`` is a ``ContainerList`` or any iterable of (coordinate, container) pairs;
        it may hold any subset of the leaves (e.g. calibrated CapMem cells), applied in order.
        Each leaf sets what its write would set: bytes a write's byte enables leave out keep
        their value (an ``ExternalPPUMemoryQuad`` with some ``enables`` off, an
        ``ExternalPPUMemoryByte`` in its lane). Leaves of a type the aggregate does not visit are
        applied register by register where their registers are the aggregate's (the synapse
        views such as ``SynapseWeightQuad`` have addresses of their own, so are refused).

        Raises
        ------
        ValueError
            If an entry's registers are not part of the aggregate at ``coord``.
        ContainerDecodeError
            If the resulting words do not decode (e.g. half of a split field was written).
        """
        c = cls._coord(coord)
        layout = cls._layout(c)
        listing = entries if isinstance(entries, ContainerList) else ContainerList(entries)
        words = cls.default_at(c).encode_array(c).astype(np.int64)
        for typ, enums, run_words in listing.runs():
            positions = layout.positions.get(typ)
            if positions is None:
                for leaf_coord, leaf in ContainerList.from_runs([(typ, enums, run_words)]):
                    for a, w, keep in _register_writes(leaf_coord, leaf):
                        i = layout.position(a, typ, leaf_coord, cls, c)
                        words[i] = words[i] & keep | w
                continue
            start = positions[enums]
            if (start < 0).any():
                e = int(enums[np.argmax(start < 0)])
                raise ValueError(
                    f"{typ.__name__} at {typ.coordinate_type._coerce(e)!r} is not part of "
                    f"{cls.__name__} at {c!r}"
                )
            at = start[:, None] + np.arange(typ.words)
            if typ.byte_enabled:  # bytes a write leaves out keep their value
                keep = np.zeros_like(run_words)
                for i in range(4):
                    keep |= (run_words >> (32 + i) & 1) * (0xFF << 8 * i)
                run_words = words[at] & keep | run_words & 0xFFFF_FFFF & ~keep
            words[at] = run_words
        return cls.decode_array(words, c)

    def leaves(self, coord: Any = None) -> Iterator[tuple[Coordinate, Container]]:
        """Iterate the (leaf coordinate, leaf container) pairs in visit order (for inspection).

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not a ``coordinate_type``.
        """
        for s in self._visit(self._coord(coord)):
            columns = {k: np.asarray(v) for k, v in s.get().items()}
            yield from zip(s.coords(), s.container_type.from_columns(columns, n=s.n), strict=True)


def _register_writes(coord: Coordinate, leaf: Container) -> Iterator[tuple[int, int, int]]:
    """Yield (address, word, mask of the bits kept) of each register a leaf's write sets.

    Omnibus writes honour their byte enables (a byte's lane); other leaves set whole words.
    """
    typ = type(leaf)
    if not (typ.is_writable and typ.backends[0] is fisch.Omnibus):
        for a, w in zip(typ._addresses(coord), leaf.encode_words(), strict=True):
            yield a, w, 0
        return
    for address, word in encode_write(coord, leaf):
        v = word.get()
        written = sum(0xFF << 8 * i for i in range(4) if v.byte_enables[i])
        yield int(address), v.word & written, ~written & 0xFFFF_FFFF


class ItemArrayField(Field):
    """An array of structs or containers over a halco key (``block.atomic_neurons[coord]``).

    Entries are mutable in place; assigning an entry or the whole array copies the values.
    """

    array = True

    def __init__(self, key: type[Coordinate], item: type[Struct], doc: str = "") -> None:
        self.key, self.typ = key, item
        self.__doc__ = doc
        self.name = ""
        self.segs: tuple[Seg, ...] = ()

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = f"{owner.__qualname__}.{name}"

    def _coerce(self, value: Any) -> Struct:
        if isinstance(value, self.typ):
            return value.copy()
        if isinstance(value, dict):
            return self.typ(**value)
        raise TypeError(f"{self.owner} entries must be {self.typ.__qualname__}")

    def fresh_default(self) -> TypedArray[Any]:
        return owned_array(self.key, [self.typ() for _ in range(self.key.size)], self._coerce)

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
            raise TypeError(f"{self.owner} must be an iterable of {self.key.size} entries")
        obj._values[self.name] = TypedArray(self.key, value, value_type=self._coerce)

    def placements(self) -> Sequence[tuple[Seg, ...]]:
        return ()


class MatrixArray(np.ndarray):
    """The numpy array a ``MatrixField`` holds, with upstream's ``from_numpy``/``to_numpy``."""

    _owner = ""
    _typ: Any = None

    def from_numpy(self, values: npt.ArrayLike) -> None:
        """Overwrite every entry from ``values`` (same shape, range-checked).

        Raises
        ------
        ValueError
            If the shape differs.
        CoordinateRangeError
            If a value lies outside the entries' range.
        """
        a = np.asarray(values)
        if a.shape != self.shape:
            raise ValueError(f"{self._owner} must have shape {self.shape}, got {a.shape}")
        check_range(a, self._typ, self._owner)
        self[...] = a

    def to_numpy(self) -> npt.NDArray[Any]:
        """Return a copy as a plain numpy array."""
        return np.array(self.view(np.ndarray))


class MatrixField(Field):
    """A numpy array of a ranged type (``matrix.weights``, 256 x 256).

    Range-checked on assignment and again when encoded (in-place edits are numpy's). Reading
    the field gives a ``MatrixArray`` view with ``from_numpy``/``to_numpy``.
    """

    def __init__(self, typ: Any, shape: tuple[int, ...], doc: str = "") -> None:
        self.typ, self.shape_ = typ, shape
        self.__doc__ = doc
        self.name = ""
        self.segs: tuple[Seg, ...] = ()
        self.dtype = np.uint8 if typ.max < 256 else np.int64

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = f"{owner.__qualname__}.{name}"

    def fresh_default(self) -> npt.NDArray[Any]:
        return np.zeros(self.shape_, self.dtype)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        view = obj._values[self.name].view(MatrixArray)
        view._owner, view._typ = self.owner, self.typ
        return view

    def __set__(self, obj: Any, value: Any) -> None:
        a = np.asarray(value)
        if a.shape != self.shape_:
            raise ValueError(f"{self.owner} must have shape {self.shape_}, got {a.shape}")
        if a.dtype.kind not in "iub":
            raise TypeError(f"{self.owner} must hold integers, got {a.dtype}")
        check_range(a, self.typ, self.owner)
        obj._values[self.name] = a.astype(self.dtype)

    def equal(self, a: Any, b: Any) -> bool:
        return bool(np.array_equal(a, b))

    def placements(self) -> Sequence[tuple[Seg, ...]]:
        return ()


def check_range(a: npt.NDArray[Any], typ: Any, owner: str) -> None:
    """Check every element of ``a`` against a ranged type.

    Raises
    ------
    CoordinateRangeError
        Naming the first offending index and value.
    """
    from halco.errors import CoordinateRangeError

    bad = (a < typ.min) | (a > typ.max)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CoordinateRangeError(
            f"{owner} must be in [{typ.min}, {typ.max}], got {int(a[index])} at index {index}"
        )
