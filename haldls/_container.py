"""The base of every haldls register container, its backends, and the registry.

A container declares its ``coordinate_type``, its number of register ``words``, its fields (the
class body's ``Field``/``ArrayField`` descriptors, in order) and ``_addresses(coord)``; the generic
encoder and decoder here do the rest. ``backends`` lists the fisch word types it can travel as; the
first is the default (chip registers: ``Omnibus`` over the highspeed link, else
``OmnibusChipOverJTAG``).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Self

import fisch
from halco.common import Coordinate, TypedArray
from haldls._field import Field
from haldls.errors import ContainerDecodeError

__all__ = ["Backend", "Container", "containers", "encode_write", "from_json", "to_json"]

#: Every fisch word type a container can be encoded to (``haldls.Backend.Omnibus`` …).
Backend = enum.Enum("Backend", [(name, name) for name in fisch.containers])  # type: ignore[misc]
Backend.__doc__ = "The fisch word types a container travels as (``Backend.Omnibus``)."
_BACKENDS: dict[Any, type[fisch.Container]] = {b: fisch.containers[b.value] for b in Backend}

_registry: dict[str, type[Container]] = {}
#: Registry of every haldls container type, by name.
containers = MappingProxyType(_registry)

_CHIP_BACKENDS = (fisch.Omnibus, fisch.OmnibusChipOverJTAG)


def _plain(value: Any) -> Any:
    """Return a JSON- and repr-friendly form of a field value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return int(value.value)
    if isinstance(value, TypedArray):
        return [_plain(v) for v in value]
    return int(value)


class Container:
    """Base of the register containers; subclasses register themselves.

    Construct with keyword arguments for any fields (``CrossbarNode(target=5)``); every field is
    a validated property. Containers are mutable values: equal when all fields are equal.
    """

    __slots__ = ("_values",)
    coordinate_type: ClassVar[type[Coordinate]]
    words: ClassVar[int] = 1
    backends: ClassVar[tuple[type[fisch.Container], ...]] = _CHIP_BACKENDS
    is_readable: ClassVar[bool] = True
    is_writable: ClassVar[bool] = True
    _fields: ClassVar[tuple[Field, ...]] = ()
    _used: ClassVar[tuple[int, ...]] = ()
    __hash__ = None  # type: ignore[assignment]

    def __init_subclass__(cls, register: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = tuple(v for v in vars(cls).values() if isinstance(v, Field))
        cls._fields = cls._fields + own
        used = [0] * cls.words
        for f in cls._fields:
            for segs in f.placements():
                for s in segs:
                    if used[s.word] & s.mask:  # pragma: no cover - table error
                        raise TypeError(f"{cls.__name__}.{f.name} overlaps another field")
                    used[s.word] |= s.mask
        cls._used = tuple(used)
        if register:
            if cls.__name__ in _registry:  # pragma: no cover - programming error
                raise TypeError(f"container {cls.__name__} registered twice")
            _registry[cls.__name__] = cls

    def __init__(self, **fields: Any) -> None:
        self._values: dict[str, Any] = {f.name: f.fresh_default() for f in self._fields}
        for name, value in fields.items():
            if not isinstance(getattr(type(self), name, None), Field):
                raise TypeError(
                    f"{type(self).__name__} has no field {name!r}; fields: "
                    f"{[f.name for f in self._fields]}"
                )
            setattr(self, name, value)

    # -- value semantics ------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values == self._values

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as plain Python values (ints, bools, lists)."""
        return {f.name: _plain(self._values[f.name]) for f in self._fields}

    def __repr__(self) -> str:
        parts = []
        for f in self._fields:
            v = self._values[f.name]
            if isinstance(v, enum.Enum):
                parts.append(f"{f.name}={type(self).__name__}.{type(v).__name__}.{v.name}")
            else:
                parts.append(f"{f.name}={_plain(v)!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self).__name__, self.to_dict()))

    def copy(self) -> Self:
        """Return an independent copy."""
        return _rebuild(type(self).__name__, self.to_dict())  # type: ignore[return-value]

    # -- encoding -------------------------------------------------------------------------------
    @classmethod
    def _backend(cls, backend: Any) -> type[fisch.Container]:
        if backend is None:
            return cls.backends[0]
        word = _BACKENDS[backend] if isinstance(backend, Backend) else backend
        if word not in cls.backends:
            raise ValueError(
                f"{cls.__name__} cannot travel as {getattr(word, '__name__', word)}; supported "
                f"backends: {[b.__name__ for b in cls.backends]}"
            )
        return word

    @classmethod
    def addresses(cls, coord: Any, backend: Any = None) -> list[Coordinate]:
        """Return the fisch coordinates of the container's words at ``coord``.

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not a ``coordinate_type``.
        ValueError
            If the container does not support ``backend``.
        """
        word = cls._backend(backend)
        c = cls.coordinate_type._coerce(coord, cls.__name__, "coordinate")
        return [word.coordinate_type._coerce(a) for a in cls._addresses(c)]

    @classmethod
    def _addresses(cls, coord: Any) -> list[int]:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode_words(self) -> list[int]:
        """Return the register words as integers."""
        words = [0] * self.words
        for f in self._fields:
            f.encode_into(self._values[f.name], words)
        return words

    def encode(self, backend: Any = None) -> list[fisch.Container]:
        """Return the fisch words (default backend first in ``backends``).

        Raises
        ------
        ValueError
            If the container does not support ``backend``.
        """
        word = self._backend(backend)
        return [word(w) for w in self.encode_words()]

    @classmethod
    def decode(cls, words: Sequence[Any]) -> Self:
        """Return the container read back from its register words (fisch words or ints).

        Raises
        ------
        ContainerDecodeError
            If the number of words is wrong, or a word sets bits that belong to no field or a
            value no field type has.
        """
        raw = [_word_int(w) for w in words]
        if len(raw) != cls.words:
            raise ContainerDecodeError(f"{cls.__name__} has {cls.words} words, got {len(raw)}")
        for i, (w, used) in enumerate(zip(raw, cls._used, strict=True)):
            if w & ~used:
                raise ContainerDecodeError(
                    f"{cls.__name__} word {i} = {w:#010x} sets bits {w & ~used:#x} outside its "
                    f"fields (used bits {used:#010x})"
                )
        self = cls.__new__(cls)
        try:
            self._values = {f.name: f.decode_from(raw) for f in cls._fields}
        except ValueError as exc:
            raise ContainerDecodeError(f"{cls.__name__}: {exc}") from None
        return self

    def fields(self) -> Iterator[tuple[str, Any]]:
        """Iterate (name, value) over the fields in table order."""
        return ((f.name, self._values[f.name]) for f in self._fields)


def _word_int(w: Any) -> int:
    if isinstance(w, fisch.Omnibus):
        return w.get().word
    if isinstance(w, fisch.Container):
        return int(w.get())
    if type(w) is int or hasattr(w, "__index__"):
        v = int(w)
        if not 0 <= v <= 0xFFFF_FFFF:
            raise ContainerDecodeError(f"register words are 32 bit, got {v}")
        return v
    raise TypeError(f"register words must be fisch words or ints, got {type(w).__name__}")


def _rebuild(name: str, values: dict[str, Any]) -> Container:
    return _registry[name](**values)


def encode_write(
    coord: Any, container: Container, backend: Any = None
) -> list[tuple[Coordinate, fisch.Container]]:
    """Return the (fisch coordinate, fisch word) pairs a write of ``container`` produces, in order.

    For Omnibus backends ``int(coordinate)`` is the address and ``word.get().word`` the value.

    Raises
    ------
    NotWritableError
        If the container cannot be written.
    CoordinateTypeError, ValueError
        As ``addresses`` and ``encode``.
    """
    if not container.is_writable:
        raise fisch.errors.NotWritableError(f"{type(container).__name__} cannot be written")
    return list(zip(container.addresses(coord, backend), container.encode(backend), strict=True))


def to_json(container: Container) -> str:
    """Return a JSON text of the container (type name and plain field values)."""
    return json.dumps({"type": type(container).__name__, "fields": container.to_dict()})


def from_json(container: Container | type[Container], text: str) -> Container:
    """Return the container stored in ``text`` (``container`` gives the expected type).

    Raises
    ------
    ValueError
        If the text holds another container type or invalid field values.
    """
    data = json.loads(text)
    expected = container if isinstance(container, type) else type(container)
    if data.get("type") != expected.__name__:
        raise ValueError(f"JSON holds a {data.get('type')!r}, expected {expected.__name__}")
    return expected(**data["fields"])
