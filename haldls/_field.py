"""Declarative container fields: where each value's bits live in the register words.

A field is a descriptor in a container's class body; the body's order is the field table. A
field's value is spread LSB-first over one or more segments ``at(word, lsb, width)`` (several
segments express the split fields of hardware quirks); an optional permutation maps value bit i
to placement bit ``perm[i]`` (the synapse weight's DAC wiring). Array fields hold one placement
per entry of a halco key type and are ``TypedArray`` values, assignable in place.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter, itemgetter
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from halco.common import Coordinate, TypedArray
from halco.errors import CoordinateRangeError

__all__ = ["ArrayField", "CodedField", "Field", "Seg", "at"]


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


def _scatter_array(raw: npt.NDArray[np.int64], segs: Sequence[Seg], out: npt.NDArray[Any]) -> None:
    shift = 0
    for s in segs:
        out[:, s.word] |= ((raw >> shift) & ((1 << s.width) - 1)) << s.lsb
        shift += s.width


def _gather_array(words: npt.NDArray[np.int64], segs: Sequence[Seg]) -> npt.NDArray[np.int64]:
    value = np.zeros(len(words), np.int64)
    shift = 0
    for s in segs:
        value |= ((words[:, s.word] >> s.lsb) & ((1 << s.width) - 1)) << shift
        shift += s.width
    return value


def _permute(value: int, perm: Sequence[int]) -> int:
    return sum(((value >> i) & 1) << p for i, p in enumerate(perm))


def _unpermute(value: int, perm: Sequence[int]) -> int:
    return sum(((value >> p) & 1) << i for i, p in enumerate(perm))


class _Kind:
    """How a field's Python value converts to and from its integer bits."""

    allowed: npt.NDArray[np.int64] | None = None  # the valid raw values where not lo..hi

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
            if len(values) != self.hi - self.lo + 1:
                self.allowed = np.array(sorted(values), np.int64)
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
        try:
            return typ._coerce(value, self.container, self.field)
        except CoordinateRangeError:
            raise CoordinateRangeError(
                f"{self.owner} must be in [{self.lo}, {self.hi}], got {value!r}"
            ) from None

    def to_int(self, value: Any) -> int:
        return int(value)

    def invalid(self, raw: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Return where ``raw`` holds no value of the field's type."""
        bad = (raw < self.lo) | (raw > self.hi)
        if self.allowed is not None:
            bad |= ~np.isin(raw, self.allowed)
        return bad

    def check_raw(self, raw: npt.NDArray[np.int64]) -> None:
        """Check an array of raw field values.

        Raises
        ------
        CoordinateRangeError
            If an element lies outside the field's range (the first one is named).
        """
        if self.allowed is None and raw.size:  # fast path: two reductions
            unsigned = raw.dtype.kind == "u" and self.lo <= 0
            if (unsigned or raw.min() >= self.lo) and raw.max() <= self.hi:
                return
        bad = self.invalid(raw)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise CoordinateRangeError(
                f"{self.owner} must be in [{self.lo}, {self.hi}], got {int(raw[index])} "
                f"at index {index if len(index) > 1 else index[0]}"
            )

    def from_int(self, raw: int) -> Any:
        """Return the field value of raw bits (``ValueError`` if no value has them)."""
        typ = self.typ
        if typ is bool:
            return bool(raw)
        if isinstance(typ, tuple):
            for t in typ:
                if t.min <= raw <= t.max:
                    return t._from_enum(raw)
            raise CoordinateRangeError(f"{self.owner} must be in [{self.lo}, {self.hi}], got {raw}")
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
        placement: tuple[Seg, ...] = (),
        default: Any = None,
        perm: Sequence[int] | None = None,
        doc: str = "",
        invert: bool = False,
    ) -> None:
        self.typ = typ
        self.segs = placement  # empty in a Struct body: placed by the StructArrayField
        self.invert = invert  # the hardware stores the complement of the value
        self._default = default
        self.perm = tuple(perm) if perm else None
        self.__doc__ = doc
        self.name = ""
        self.kind: _Kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.kind = _Kind(self.typ, owner.__qualname__, name)
        self.default_value = (
            self.kind.default() if self._default is None else self.kind.coerce(self._default)
        )
        width = _width(self.segs) or (self.kind.hi - min(self.kind.lo, 0)).bit_length() + 1
        self.signed = self.kind.lo < 0  # two's complement in the placement's width
        self.bits_mask = (1 << width) - 1
        self.sign_bit = 1 << (width - 1)
        if self.kind.hi >> width or (self.signed and -self.kind.lo > self.sign_bit):
            raise TypeError(  # pragma: no cover - table error
                f"{owner.__name__}.{name}: placement narrower than the value range"
            )
        if self.perm:  # lookup tables of the bit permutation, both ways
            codes = range(1 << len(self.perm))
            self.lut = np.array([_permute(v, self.perm) for v in codes], np.int64)
            self.inverse_lut = np.array([_unpermute(v, self.perm) for v in codes], np.int64)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._values[self.name]

    def __set__(self, obj: Any, value: Any) -> None:
        obj._values[self.name] = self.kind.coerce(value)

    def fresh_default(self) -> Any:
        """Return the default value (a new object where values are mutable)."""
        return self.default_value

    def equal(self, a: Any, b: Any) -> bool:
        """Return whether two values of the field are equal."""
        return bool(a == b)

    def _bits(self, value: Any) -> int:
        raw = self.kind.to_int(value) & self.bits_mask
        if self.invert:
            raw ^= self.bits_mask
        return _permute(raw, self.perm) if self.perm else raw

    def _value(self, bits: int) -> Any:
        raw = _unpermute(bits, self.perm) if self.perm else bits
        if self.invert:
            raw ^= self.bits_mask
        if self.signed and raw & self.sign_bit:
            raw -= self.sign_bit << 1
        return self.kind.from_int(raw)

    def encode_into(self, value: Any, words: list[int]) -> None:
        """OR the field's bits into ``words``."""
        _scatter(self._bits(value), self.segs, words)

    def decode_from(self, words: Sequence[int]) -> Any:
        """Return the field's value read from ``words``."""
        return self._value(_gather(words, self.segs))

    def placements(self) -> Sequence[tuple[Seg, ...]]:
        """Every placement of the field (one for a scalar)."""
        return (self.segs,)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of one container's raw value (``()`` for a scalar, ``(n,)`` for an array)."""
        return ()

    def raw(self, value: Any) -> Any:
        """Return the raw integer(s) of a field value (a list for arrays)."""
        return self.kind.to_int(value)

    def from_raw(self, raw: Any) -> Any:
        """Return the field value of raw integer(s) (``ValueError`` if out of range)."""
        return self.kind.from_int(raw)

    def raw_column(self, values: Sequence[Mapping[str, Any]]) -> npt.NDArray[np.int64]:
        """Return the raw values of this field in the value dicts of N structs (N x shape)."""
        items = map(itemgetter(self.name), values)
        if not self.shape and (self.typ is bool or isinstance(self.typ, enum.EnumMeta)):
            return np.fromiter(items, np.int64, len(values))  # ints already
        if not self.shape:  # ranged values keep their integer in _e
            return np.fromiter(map(attrgetter("_e"), items), np.int64, len(values))
        raw = [self.raw(v) for v in items]
        return np.array(raw, np.int64).reshape(len(values), *self.shape)

    def encode_array(self, raw: npt.ArrayLike, out: npt.NDArray[np.int64]) -> None:
        """OR the bits of raw values of ``len(out)`` containers into ``out`` (N x words).

        Raises
        ------
        CoordinateRangeError
            If a value lies outside the field's range.
        ValueError
            If ``raw`` has the wrong shape.
        """
        values = np.asarray(raw)
        shape = (len(out), *self.shape)
        if values.shape != shape:
            if values.ndim == 0 or values.shape == self.shape:
                values = np.broadcast_to(values, shape)
            else:
                raise ValueError(f"{self.kind.owner}: expected shape {shape}, got {values.shape}")
        values = values.astype(np.int64, copy=False)
        self.kind.check_raw(values)
        values = values & self.bits_mask
        if self.invert:
            values = values ^ self.bits_mask
        if self.perm:
            values = self.lut[values]
        if not self.array:
            values = values[:, None]
        for j, segs in enumerate(self.placements()):
            _scatter_array(values[:, j], segs, out)

    def invalid(self, raw: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Return where raw values (as ``decode_array`` gives them) are invalid."""
        return self.kind.invalid(raw)

    def decode_array(self, words: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Return the raw values of N containers' words (N x words), unchecked."""
        cols = [_gather_array(words, segs) for segs in self.placements()]
        values = np.stack(cols, axis=1) if self.array else cols[0]
        if self.perm:
            values = self.inverse_lut[values]
        if self.invert:
            values = values ^ self.bits_mask
        if self.signed:
            values = np.where(values & self.sign_bit, values - (self.sign_bit << 1), values)
        return values


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
        invert: bool = False,
    ) -> None:
        self.key = key
        self.entry_segs = [placement(i) for i in range(key.size)]
        super().__init__(typ, self.entry_segs[0], default, perm, doc, invert)

    def make_array(self, values: Iterable[Any]) -> TypedArray[Any]:
        return TypedArray(self.key, values, value_type=self.kind.coerce)

    def fresh_default(self) -> TypedArray[Any]:
        return self.make_array([self.default_value] * self.key.size)

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise TypeError(f"{self.kind.owner} must be an iterable of {self.key.size} values")
        obj._values[self.name] = self.make_array(value)

    def encode_into(self, value: Any, words: list[int]) -> None:
        for segs, v in zip(self.entry_segs, value, strict=True):
            _scatter(self._bits(v), segs, words)

    def decode_from(self, words: Sequence[int]) -> TypedArray[Any]:
        return self.make_array([self._value(_gather(words, segs)) for segs in self.entry_segs])

    def placements(self) -> Sequence[tuple[Seg, ...]]:
        return self.entry_segs

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.key.size,)

    def raw(self, value: Any) -> Any:
        return [self.kind.to_int(v) for v in value]

    def from_raw(self, raw: Any) -> TypedArray[Any]:
        return self.make_array([self.kind.from_int(v) for v in raw])


#: A vectorised map between raw values and the codes stored in the words.
Codec = Callable[[npt.NDArray[np.int64]], npt.NDArray[np.int64]]


class CodedField(Field):
    """A scalar field whose bits hold ``to_code(value)`` instead of the value itself.

    ``to_code`` and ``from_code`` map numpy arrays of raw values to codes and back;
    ``from_code`` must return a value outside the field's range for codes no value has (the
    decoder then rejects the word). Used for offset (``value - 1``) and one-hot encodings.
    """

    def __init__(
        self,
        typ: Any,
        placement: tuple[Seg, ...],
        to_code: Codec,
        from_code: Codec,
        default: Any = None,
        doc: str = "",
    ) -> None:
        super().__init__(typ, placement, default, doc=doc)
        self.to_code, self.from_code = to_code, from_code

    def __set_name__(self, owner: type, name: str) -> None:
        # Field's width check compares the value range with the placement, which a code need
        # not respect (a 2-bit code holds 2..4); the codec maps instead.
        self.name = name
        self.kind = _Kind(self.typ, owner.__qualname__, name)
        self.default_value = (
            self.kind.default() if self._default is None else self.kind.coerce(self._default)
        )
        self.signed = False
        self.bits_mask = (1 << sum(s.width for s in self.segs)) - 1

    def _bits(self, value: Any) -> int:
        return int(self.to_code(np.array([self.kind.to_int(value)], np.int64))[0])

    def _value(self, bits: int) -> Any:
        raw = int(self.from_code(np.array([bits], np.int64))[0])
        if self.kind.invalid(np.array([raw], np.int64))[0]:
            raise ValueError(f"{self.kind.owner}: bits {bits:#x} encode no value")
        return self.kind.from_int(raw)

    def decode_from(self, words: Sequence[int]) -> Any:
        return self._value(_gather(words, self.segs))

    def encode_array(self, raw: npt.ArrayLike, out: npt.NDArray[np.int64]) -> None:
        values = np.asarray(raw)
        if values.shape != (len(out),):
            if values.ndim:
                raise ValueError(f"{self.kind.owner}: expected shape {(len(out),)}")
            values = np.broadcast_to(values, (len(out),))
        values = values.astype(np.int64)
        self.kind.check_raw(values)
        _scatter_array(self.to_code(values), self.segs, out)

    def decode_array(self, words: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return self.from_code(_gather_array(words, self.segs))
