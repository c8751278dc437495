"""Declarative container fields: where each value's bits live in the register words.

A field is a descriptor in a container's class body; the body's order is the field table. A
field's value is spread LSB-first over one or more segments ``at(word, lsb, width)`` (several
segments express the split fields of hardware quirks); an optional permutation maps value bit i
to placement bit ``perm[i]`` (the synapse weight's DAC wiring). Array fields hold one placement
per entry of a halco key type and are ``TypedArray`` values, assignable in place.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from halco.common import Coordinate, TypedArray

__all__ = ["ArrayField", "Field", "Seg", "at"]


@attrs.frozen
class Seg:
    """``width`` bits of register word ``word``, starting at bit ``lsb``."""

    word: int
    lsb: int
    width: int

    @property
    def mask(self) -> int:
        """The segment's bits within its word."""
        return ((1 << self.width) - 1) << self.lsb


def at(word: int, lsb: int, width: int = 1) -> tuple[Seg, ...]:
    """Return a one-segment placement (``width`` bits at ``lsb`` of word ``word``)."""
    return (Seg(word, lsb, width),)


def _width(segs: Sequence[Seg]) -> int:
    return sum(s.width for s in segs)


def _scatter(value: int, segs: Sequence[Seg], words: list[int]) -> None:
    for s in segs:
        words[s.word] |= (value & ((1 << s.width) - 1)) << s.lsb
        value >>= s.width


def _gather(words: Sequence[int], segs: Sequence[Seg]) -> int:
    value, shift = 0, 0
    for s in segs:
        value |= ((words[s.word] >> s.lsb) & ((1 << s.width) - 1)) << shift
        shift += s.width
    return value


def _permute(value: int, perm: Sequence[int]) -> int:
    return sum(((value >> i) & 1) << p for i, p in enumerate(perm))


def _unpermute(value: int, perm: Sequence[int]) -> int:
    return sum(((value >> p) & 1) << i for i, p in enumerate(perm))


class _Kind:
    """How a field's Python value converts to and from its integer bits."""

    def __init__(self, typ: Any, container: str, field: str) -> None:
        self.typ = typ
        self.container, self.field = container, field
        self.owner = f"{container}.{field}"
        if typ is bool:
            self.lo, self.hi = 0, 1
        elif isinstance(typ, tuple):  # a variant of ranged types with disjoint ranges
            self.lo, self.hi = min(t.min for t in typ), max(t.max for t in typ)
        elif isinstance(typ, type) and issubclass(typ, enum.IntEnum):
            values = [int(m) for m in typ]
            self.lo, self.hi = min(values), max(values)
        elif isinstance(typ, type) and issubclass(typ, Coordinate):
            self.lo, self.hi = typ.min, typ.max
        else:  # pragma: no cover - programming error in a field table
            raise TypeError(f"{self.owner}: unsupported field type {typ!r}")

    def coerce(self, value: Any) -> Any:
        """Return ``value`` as the field's type.

        Raises
        ------
        TypeError, ValueError
            If the value has the wrong type or lies outside the range.
        """
        typ = self.typ
        if typ is bool:
            if isinstance(value, bool):
                return value
            if type(value) is int and value in (0, 1):
                return bool(value)
            raise TypeError(f"{self.owner} must be a bool, got {type(value).__name__} {value!r}")
        if isinstance(typ, tuple):
            if isinstance(value, typ):
                return value
            if type(value) is not int:
                names = " or ".join(t.__qualname__ for t in typ)
                raise TypeError(f"{self.owner} must be {names}, got {type(value).__name__}")
            return self.from_int(value)
        if issubclass(typ, enum.IntEnum):
            if isinstance(value, typ):
                return value
            if isinstance(value, enum.Enum) or type(value) is not int:
                raise TypeError(
                    f"{self.owner} must be {typ.__qualname__}, got {type(value).__name__} {value!r}"
                )
            try:
                return typ(value)
            except ValueError:
                raise ValueError(
                    f"{self.owner} must be one of {[f'{m.name}={int(m)}' for m in typ]}, "
                    f"got {value}"
                ) from None
        return typ._coerce(value, self.container, self.field)

    def to_int(self, value: Any) -> int:
        return int(value)

    def from_int(self, raw: int) -> Any:
        """Return the field value of raw bits (``ValueError`` if no value has them)."""
        typ = self.typ
        if typ is bool:
            return bool(raw)
        if isinstance(typ, tuple):
            for t in typ:
                if t.min <= raw <= t.max:
                    return t._from_enum(raw)
            raise ValueError(f"{self.owner} must be in [{self.lo}, {self.hi}], got {raw}")
        if issubclass(typ, enum.IntEnum):
            return typ(raw)
        if not typ.min <= raw <= typ.max:
            raise ValueError(f"{self.owner} decodes to {raw}, outside [{typ.min}, {typ.max}]")
        return typ._from_enum(raw)

    def default(self) -> Any:
        if self.typ is bool:
            return False
        if isinstance(self.typ, tuple):
            return self.typ[0]()
        if issubclass(self.typ, enum.IntEnum):
            return next(iter(self.typ))
        return self.typ()


class Field:
    """A scalar field: ``name = Field(type, placement, default=…)`` in a container body.

    ``type`` is ``bool``, a halco ``Ranged``/``BaseType`` value type or an ``enum.IntEnum``.
    """

    array = False

    def __init__(
        self,
        typ: Any,
        placement: tuple[Seg, ...],
        default: Any = None,
        perm: Sequence[int] | None = None,
        doc: str = "",
    ) -> None:
        self.typ = typ
        self.segs = placement
        self._default = default
        self.perm = tuple(perm) if perm else None
        self.__doc__ = doc
        self.name = ""
        self.kind: _Kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.kind = _Kind(self.typ, owner.__name__, name)
        self.default_value = (
            self.kind.default() if self._default is None else self.kind.coerce(self._default)
        )
        if self.kind.hi >> _width(self.segs):  # pragma: no cover - table error
            raise TypeError(f"{owner.__name__}.{name}: placement narrower than the value range")

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._values[self.name]

    def __set__(self, obj: Any, value: Any) -> None:
        obj._values[self.name] = self.kind.coerce(value)

    def fresh_default(self) -> Any:
        """Return the default value (a new object where values are mutable)."""
        return self.default_value

    def encode_into(self, value: Any, words: list[int]) -> None:
        """OR the field's bits into ``words``."""
        raw = self.kind.to_int(value)
        _scatter(_permute(raw, self.perm) if self.perm else raw, self.segs, words)

    def decode_from(self, words: Sequence[int]) -> Any:
        """Return the field's value read from ``words``."""
        raw = _gather(words, self.segs)
        return self.kind.from_int(_unpermute(raw, self.perm) if self.perm else raw)

    def placements(self) -> Iterable[tuple[Seg, ...]]:
        """Every placement of the field (one for a scalar)."""
        return (self.segs,)


class ArrayField(Field):
    """An array field over a halco key type; ``placement(i)`` places entry ``i``.

    The value is a ``TypedArray``: ``quad.weights[EntryOnQuad(2)] = 61`` (or ``[2]``) validates
    in place; assigning any iterable of ``key.size`` values replaces it.
    """

    array = True

    def __init__(
        self,
        key: type[Coordinate],
        typ: Any,
        placement: Callable[[int], tuple[Seg, ...]],
        default: Any = None,
        perm: Sequence[int] | None = None,
        doc: str = "",
    ) -> None:
        self.key = key
        self.entry_segs = [placement(i) for i in range(key.size)]
        super().__init__(typ, self.entry_segs[0], default, perm, doc)

    def _array(self, values: Iterable[Any]) -> TypedArray[Any]:
        return TypedArray(self.key, values, value_type=self.kind.coerce)

    def fresh_default(self) -> TypedArray[Any]:
        return self._array([self.default_value] * self.key.size)

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise TypeError(f"{self.kind.owner} must be an iterable of {self.key.size} values")
        obj._values[self.name] = self._array(value)

    def encode_into(self, value: Any, words: list[int]) -> None:
        for segs, v in zip(self.entry_segs, value, strict=True):
            raw = self.kind.to_int(v)
            _scatter(_permute(raw, self.perm) if self.perm else raw, segs, words)

    def decode_from(self, words: Sequence[int]) -> TypedArray[Any]:
        out = []
        for segs in self.entry_segs:
            raw = _gather(words, segs)
            out.append(self.kind.from_int(_unpermute(raw, self.perm) if self.perm else raw))
        return self._array(out)

    def placements(self) -> Iterable[tuple[Seg, ...]]:
        return self.entry_segs
