"""Value structs: typed, validated fields with equality, repr, pickle and a plain-dict form.

``Struct`` is the base of every register container and of small nested value types such as
``ColumnCorrelationQuad.ColumnCorrelationSwitch``. A ``StructArrayField`` holds one struct per
entry of a halco key type and places each member of each entry in the register words.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

from halco.common import Coordinate, TypedArray
from haldls._field import ArrayField, Field, Seg

__all__ = ["Struct", "StructArrayField", "StructField"]


def plain(value: Any) -> Any:
    """Return a JSON- and repr-friendly form of a field value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return int(value.value)
    if isinstance(value, Struct):
        return value.to_dict()
    if isinstance(value, TypedArray):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    return int(value)


class Struct:
    """Base of value structs: construct with keyword arguments for any fields.

    Every field is a validated property; structs are mutable values, equal when all fields are.
    """

    __slots__ = ("_values",)
    _fields: ClassVar[tuple[Field, ...]] = ()
    __hash__ = None  # type: ignore[assignment]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = tuple(v for v in vars(cls).values() if isinstance(v, Field))
        cls._fields = cls._fields + own

    def __init__(self, *value: Any, **fields: Any) -> None:
        """Build from keyword arguments (or a one-field struct from its value alone).

        ``ResetChip(True)`` and ``CapMemCell(CapMemCell.Value(5))`` work as in the real bindings.

        Raises
        ------
        TypeError
            If a name is not a field, or a positional value is given to a struct that has
            more than one field (or twice).
        """
        self._values: MutableMapping[str, Any] = self._fresh_values()
        if value:
            names = [f.name for f in self._fields]
            if len(value) > 1 or len(names) != 1 or names[0] in fields:
                raise TypeError(
                    f"{type(self).__qualname__} takes its fields {names} as keywords; a single "
                    "positional value only for a one-field struct"
                )
            fields = {names[0]: value[0]}
        for name, given in fields.items():
            if not isinstance(getattr(type(self), name, None), Field):
                raise TypeError(
                    f"{type(self).__qualname__} has no field {name!r}; fields: "
                    f"{[f.name for f in self._fields]}"
                )
            setattr(self, name, given)

    def _fresh_values(self) -> MutableMapping[str, Any]:
        """Return the storage of a new struct: field name -> default value."""
        return {f.name: f.fresh_default() for f in self._fields}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        mine, theirs = self._values, other._values
        return all(f.equal(mine[f.name], theirs[f.name]) for f in self._fields)

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as plain Python values (ints, bools, lists, dicts)."""
        return {f.name: plain(self._values[f.name]) for f in self._fields}

    def __repr__(self) -> str:
        parts = []
        for f in self._fields:
            v = self._values[f.name]
            if isinstance(v, enum.Enum):
                parts.append(f"{f.name}={type(v).__qualname__}.{v.name}")
            else:
                parts.append(f"{f.name}={plain(v)!r}")
        return f"{type(self).__qualname__}({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.to_dict()))

    def copy(self) -> Self:
        """Return an independent copy."""
        return type(self)(**self.to_dict())

    def fields(self) -> Iterator[tuple[str, Any]]:
        """Iterate (name, value) over the fields in table order."""
        return ((f.name, self._values[f.name]) for f in self._fields)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """Return the field names in table order."""
        return tuple(f.name for f in cls._fields)


def owned_array(key: type[Coordinate], values: list[Any], value_type: Any) -> TypedArray[Any]:
    """Return a typed array holding ``values`` themselves (fresh objects: no checking copy)."""
    array: TypedArray[Any] = TypedArray(key, values)
    array._value_type = value_type
    return array


def _rebuild(cls: type[Struct], values: dict[str, Any]) -> Struct:
    return cls(**values)


class StructField(Field):
    """A nested struct (``neuron.leak``), mutable in place.

    Assigning a struct or a dict of its fields copies it. Not placed in register words: used by
    the lola aggregates.
    """

    def __init__(self, struct: type[Struct], doc: str = "") -> None:
        self.typ = struct
        self.__doc__ = doc
        self.name = ""
        self.segs = ()

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = f"{owner.__qualname__}.{name}"

    def fresh_default(self) -> Struct:
        return self.typ()

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, self.typ):
            obj._values[self.name] = value.copy()
        elif isinstance(value, dict):
            obj._values[self.name] = self.typ(**value)
        else:
            raise TypeError(
                f"{self.owner} must be {self.typ.__qualname__} or a dict of its fields, "
                f"got {type(value).__name__}"
            )

    def placements(self) -> Sequence[tuple[Seg, ...]]:
        return ()


class StructArrayField(Field):
    """An array of structs over a halco key type, e.g. ``quad.switches[EntryOnQuad(1)]``.

    ``placement(entry, member)`` gives the segments of one member of one entry. Entries are
    mutable in place (``quad.switches[1].enable_internal_causal = True``); assigning a struct
    or a dict of its fields to an entry, or an iterable of them to the field, copies them.
    """

    array = True

    def __init__(
        self,
        key: type[Coordinate],
        struct: type[Struct],
        placement: Callable[[int, str], tuple[Seg, ...]],
        doc: str = "",
    ) -> None:
        self.key = key
        self.typ = struct
        self._placement = placement
        self.__doc__ = doc
        self.name = ""
        self.members: list[ArrayField] = []

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = f"{owner.__qualname__}.{name}"
        for m in self.typ._fields:
            sub = ArrayField(self.key, m.typ, self._member_placement(m.name), m._default, m.perm)
            sub.__set_name__(owner, f"{name}[].{m.name}")
            self.members.append(sub)
        self.segs = self.members[0].segs if self.members else ()
        self.entry_segs = [s for m in self.members for s in m.entry_segs]

    def _member_placement(self, member: str) -> Callable[[int], tuple[Seg, ...]]:
        return lambda entry: self._placement(entry, member)

    def _coerce(self, value: Any) -> Struct:
        if isinstance(value, self.typ):
            return value.copy()
        if isinstance(value, dict):
            return self.typ(**value)
        raise TypeError(
            f"{self.owner} entries must be {self.typ.__qualname__} or a dict of its fields, "
            f"got {type(value).__name__}"
        )

    def make_array(self, values: Iterable[Any]) -> TypedArray[Any]:
        """Return a typed array of copies of ``values``."""
        return TypedArray(self.key, values, value_type=self._coerce)

    def fresh_default(self) -> TypedArray[Any]:
        return owned_array(self.key, [self.typ() for _ in range(self.key.size)], self._coerce)

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
            raise TypeError(f"{self.owner} must be an iterable of {self.key.size} entries")
        obj._values[self.name] = self.make_array(value)

    def _member_lists(self, value: Any) -> Iterator[tuple[ArrayField, list[Any]]]:
        for m, sm in zip(self.members, self.typ._fields, strict=True):
            yield m, [s._values[sm.name] for s in value]

    def encode_into(self, value: Any, words: list[int]) -> None:
        for m, values in self._member_lists(value):
            m.encode_into(values, words)

    def decode_from(self, words: Sequence[int]) -> TypedArray[Any]:
        members = [(n, m.decode_from(words)) for m, n in self._names()]
        return self.make_array(
            [self.typ(**{n: v[i] for n, v in members}) for i in range(self.key.size)]
        )

    def placements(self) -> Sequence[tuple[Seg, ...]]:
        return self.entry_segs

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.key.size, len(self.members))

    def raw(self, value: Any) -> Any:
        return [[m.kind.to_int(s._values[n]) for m, n in self._names()] for s in value]

    def _names(self) -> list[tuple[ArrayField, str]]:
        return [(m, sm.name) for m, sm in zip(self.members, self.typ._fields, strict=True)]

    def from_raw(self, raw: Any) -> TypedArray[Any]:
        names = self._names()
        return self.make_array(
            [
                self.typ(**{n: m.kind.from_int(v) for (m, n), v in zip(names, e, strict=True)})
                for e in raw
            ]
        )

    def encode_array(self, raw: npt.ArrayLike, out: npt.NDArray[np.int64]) -> None:
        values = np.asarray(raw)
        shape = (len(out), *self.shape)
        if values.shape != shape:
            values = np.broadcast_to(values, shape) if values.shape == self.shape else values
            if values.shape != shape:
                raise ValueError(f"{self.owner}: expected shape {shape}, got {values.shape}")
        for k, m in enumerate(self.members):
            m.encode_array(values[..., k], out)

    def decode_array(self, words: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return np.stack([m.decode_array(words) for m in self.members], axis=-1)

    def invalid(self, raw: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        return np.stack([m.kind.invalid(raw[..., k]) for k, m in enumerate(self.members)], -1)
