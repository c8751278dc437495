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

from halco.common import Coordinate, TypedArray
from haldls._blocks import CapMemCell
from haldls._container import Container
from haldls._field import Field, Seg, _Kind
from haldls._struct import Struct
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

    def addresses(self) -> npt.NDArray[np.int64]:
        """Return the leaves' register addresses (N x words)."""
        rows = [self.container_type._addresses(c) for c in self.coords()]
        return np.array(rows, np.int64).reshape(self.n, self.container_type.words)


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

_address_cache: dict[tuple[type[Aggregate], Coordinate], npt.NDArray[np.uint32]] = {}


class Aggregate(Struct):
    """Base of the lola containers: typed fields plus an ordered leaf visitor ``_visit``."""

    __slots__ = ()
    coordinate_type: ClassVar[type[Coordinate]]

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
    def address_array(cls, coord: Any = None) -> npt.NDArray[np.uint32]:
        """Return the addresses of every register word, in write order (computed once).

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not a ``coordinate_type``.
        """
        c = cls._coord(coord)
        key = (cls, c)
        if key not in _address_cache:
            parts = [s.addresses().reshape(-1) for s in cls()._visit(c)]
            cached = np.concatenate(parts).astype(np.uint32) if parts else np.zeros(0, np.uint32)
            cached.flags.writeable = False
            _address_cache[key] = cached
        return _address_cache[key]

    def encode_array(self, coord: Any = None) -> npt.NDArray[np.uint32]:
        """Return every register word, in write order (the visitor's), as uint32.

        Raises
        ------
        CoordinateRangeError
            If a value lies outside its field's range (the field is named).
        """
        parts = [s.encode() for s in self._visit(self._coord(coord))]
        return np.concatenate(parts).astype(np.uint32) if parts else np.zeros(0, np.uint32)

    @classmethod
    def decode_array(cls, words: npt.ArrayLike, coord: Any = None) -> Self:
        """Return the aggregate read back from its register words (in write order).

        Raises
        ------
        ContainerDecodeError
            If the number of words is wrong or a leaf's words do not decode.
        """
        w = np.asarray(words)
        self = cls()
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
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
        """Return (addresses, words) of a write; with ``reference``, only the changed words.

        Raises
        ------
        TypeError
            If ``reference`` is not of the same type.
        CoordinateRangeError
            If a value lies outside its field's range.
        """
        addresses, words = self.address_array(coord), self.encode_array(coord)
        if reference is None:
            return addresses, words
        if type(reference) is not type(self):
            raise TypeError(f"reference must be a {type(self).__name__}")
        changed = words != reference.encode_array(coord)
        return addresses[changed], words[changed]

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
        return TypedArray(self.key, [self.typ() for _ in range(self.key.size)], self._coerce)

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
            raise TypeError(f"{self.owner} must be an iterable of {self.key.size} entries")
        obj._values[self.name] = TypedArray(self.key, value, value_type=self._coerce)

    def placements(self) -> Sequence[tuple[Seg, ...]]:
        return ()


class MatrixField(Field):
    """A numpy array of a ranged type (``matrix.weights``, 256 x 256).

    Range-checked on assignment and again when encoded (in-place edits are numpy's).
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
