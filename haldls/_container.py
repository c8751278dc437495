"""The base of every haldls register container, its backends, and the registry.

A container declares its ``coordinate_type``, its number of register ``words``, its fields (the
class body's ``Field``/``ArrayField`` descriptors, in order) and ``_addresses(coord)`` (or, for a
single register block, its ``base_address``); the generic encoder and decoder do the rest.
``backends`` lists the fisch word types it can travel as; the first is the default (chip
registers: ``Omnibus`` over the highspeed link, else ``OmnibusChipOverJTAG``).

Decision: a container whose writes use Omnibus byte enables (``byte_enabled``) has 36-bit
register words: bits 0-31 the data, bit 32 + i set when byte i is *not* written. A plain 32-bit
word therefore means "all bytes", as a read returns it.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

import fisch
from halco.common import Coordinate
from haldls._columns import ColumnEncoder
from haldls._struct import Struct
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


class Container(Struct):
    """Base of the register containers; subclasses register themselves.

    Construct with keyword arguments for any fields (``CrossbarNode(target=5)``); every field is
    a validated property. Containers are mutable values: equal when all fields are equal.
    """

    __slots__ = ()
    coordinate_type: ClassVar[type[Coordinate]]
    words: ClassVar[int] = 1
    _encoder: ClassVar[ColumnEncoder]
    _names: ClassVar[frozenset[str]]
    #: Width of a register word (wider only for spike packs, whose fisch word holds 3 labels).
    word_bits: ClassVar[int] = 32
    backends: ClassVar[tuple[type[fisch.Container], ...]] = _CHIP_BACKENDS
    is_readable: ClassVar[bool] = True
    is_writable: ClassVar[bool] = True
    #: Execution targets ("hardware", "simulation") on which reading it is not supported; a
    #: program reading it lists them in ``unsupported_targets``.
    unsupported_read_targets: ClassVar[frozenset[str]] = frozenset()
    _used: ClassVar[tuple[int, ...]] = ()
    #: Bits that are always set in each word (a marker the hardware returns); checked on decode.
    _fixed: ClassVar[tuple[int, ...]] = ()
    #: Bits of each word a read ignores: status or mode bits of a device no field describes
    #: (any ``_fixed`` among them are written but not checked).
    _ignored: ClassVar[tuple[int, ...]] = ()
    #: First register of a single-instance container whose words are consecutive; others
    #: compute their addresses from the coordinate in ``_addresses``.
    base_address: ClassVar[int | None] = None
    #: Whether bits 32-35 of the words hold disabled Omnibus byte enables (module docstring).
    byte_enabled: ClassVar[bool] = False
    #: Whether the wire words depend on the coordinate (``encode_at``/``decode_at`` differ).
    words_depend_on_coordinate: ClassVar[bool] = False

    def __init_subclass__(cls, register: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        used = [0] * cls.words
        for f in cls._fields:
            for segs in f.placements():
                for s in segs:
                    if used[s.word] & s.mask:  # pragma: no cover - table error
                        raise TypeError(f"{cls.__name__}.{f.name} overlaps another field")
                    used[s.word] |= s.mask
        cls._used = tuple(used)
        if not cls._fixed or len(cls._fixed) != cls.words:
            cls._fixed = (0,) * cls.words
        if not cls._ignored or len(cls._ignored) != cls.words:
            cls._ignored = (0,) * cls.words
        if register:
            if cls.__name__ in _registry:  # pragma: no cover - programming error
                raise TypeError(f"container {cls.__name__} registered twice")
            _registry[cls.__name__] = cls

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
    def _addresses(cls, coord: Any) -> list[int]:
        """Return the register addresses at ``coord`` (the words from ``base_address`` on)."""
        if cls.base_address is None:  # pragma: no cover - table error
            raise NotImplementedError(f"{cls.__name__} declares no addresses")
        return [cls.base_address + i for i in range(cls.words)]

    def encode_words(self) -> list[int]:
        """Return the register words as integers."""
        words = list(self._fixed)
        for f in self._fields:
            f.encode_into(self._values[f.name], words)
        return words

    def encode(self, backend: Any = None) -> list[fisch.Container]:
        """Return the fisch words a write sends (default backend first in ``backends``).

        Raises
        ------
        NotWritableError
            If the container is read-only.
        ValueError
            If the container does not support ``backend``.
        """
        if not self.is_writable:
            raise fisch.errors.NotWritableError(f"{type(self).__name__} is read-only")
        return self._to_fisch(self._backend(backend), self.encode_words())

    def encode_at(self, coord: Any, backend: Any = None) -> list[fisch.Container]:
        """Return the fisch words a write at ``coord`` sends.

        That is ``encode`` unless the words depend on the coordinate, as a byte's lane does.

        Raises
        ------
        NotWritableError, ValueError
            As ``encode``.
        """
        return self.encode(backend)

    @classmethod
    def decode_at(cls, coord: Any, words: Sequence[Any]) -> Self:
        """Return the container at ``coord`` read back from its words.

        That is ``decode`` unless the words depend on the coordinate, as a byte's lane does.

        Raises
        ------
        ContainerDecodeError
            As ``decode``.
        """
        return cls.decode(words)

    @classmethod
    def _to_fisch(cls, word: type[fisch.Container], ints: list[int]) -> list[fisch.Container]:
        """Return the fisch words of register words (override where the value is no int)."""
        if cls.byte_enabled:
            return [
                word(fisch.Omnibus.Value(w & 0xFFFF_FFFF, [not w >> 32 + i & 1 for i in range(4)]))
                for w in ints
            ]
        return [word(w) for w in ints]

    @classmethod
    def _from_fisch(cls, w: Any) -> int:
        """Return the register word of a fisch word or int."""
        if cls.byte_enabled and isinstance(w, fisch.Omnibus):
            v = w.get()
            return v.word | (~v.byte_enable_mask & 0xF) << 32
        return _word_int(w, cls.word_bits)

    # -- columns: many containers of one type as numpy arrays of raw field values ---------------
    @classmethod
    def encode_columns(
        cls, columns: Mapping[str, npt.ArrayLike], n: int | None = None
    ) -> npt.NDArray[Any]:
        """Return the register words (N x ``words``, uint32) of N containers' raw field values.

        ``columns`` maps field names to arrays of N raw values (N x entries for array fields;
        bools as 0/1, enums and ranged types as their integers); absent fields take their
        default. ``n`` is needed only when no column is given.

        Raises
        ------
        TypeError
            If a name is not a field.
        CoordinateRangeError
            If a value lies outside its field's range.
        ValueError
            If a column has the wrong shape.
        """
        unknown = columns.keys() - cls._field_set()
        if unknown:
            raise TypeError(f"{cls.__name__} has no fields {sorted(unknown)}")
        if n is None:
            if not columns:
                raise ValueError(f"{cls.__name__}.encode_columns needs columns or n")
            n = len(np.asarray(next(iter(columns.values()))))
        encoder = cls.__dict__.get("_encoder")
        if encoder is None:
            encoder = ColumnEncoder(cls)
            cls._encoder = encoder
        out = encoder.encode(columns, n)
        return out.astype(np.uint32 if cls.word_bits <= 32 else np.uint64, order="C")

    @classmethod
    def _field_set(cls) -> frozenset[str]:
        names = cls.__dict__.get("_names")
        if names is None:
            names = frozenset(cls.field_names())
            cls._names = names
        return names

    @classmethod
    def decode_columns(cls, words: npt.ArrayLike) -> dict[str, npt.NDArray[np.int64]]:
        """Return the raw field values of N containers read back as words (N x ``words``).

        Raises
        ------
        ContainerDecodeError
            If the array has the wrong shape, or a word sets bits outside the fields or a value
            no field type has (the first offending container is named).
        """
        w = np.asarray(words)
        if w.ndim != 2 or w.shape[1] != cls.words:
            raise ContainerDecodeError(
                f"{cls.__name__} decodes N x {cls.words} words, got shape {w.shape}"
            )
        if w.dtype.kind not in "iu":
            raise ContainerDecodeError(f"{cls.__name__} decodes integer words, got {w.dtype}")
        w = w.astype(np.int64)
        if w.size and (w.min() < 0 or w.max() >> cls.word_bits):
            raise ContainerDecodeError(f"{cls.__name__}: register words are {cls.word_bits} bit")
        w = w & ~np.array(cls._ignored, np.int64)
        fixed = np.array(cls._fixed, np.int64) & ~np.array(cls._ignored, np.int64)
        missing = fixed & ~w
        if missing.any():
            i, j = (int(k) for k in np.argwhere(missing)[0])
            raise ContainerDecodeError(
                f"{cls.__name__} #{i} word {j} = {int(w[i, j]):#010x} lacks the fixed bits "
                f"{cls._fixed[j]:#x}"
            )
        w = w & ~fixed
        stray = w & ~np.array(cls._used, np.int64)
        if stray.any():
            i, j = (int(k) for k in np.argwhere(stray)[0])
            raise ContainerDecodeError(
                f"{cls.__name__} #{i} word {j} = {int(w[i, j]):#010x} sets bits "
                f"{int(stray[i, j]):#x} outside its fields (used bits {cls._used[j]:#010x})"
            )
        out = {}
        for f in cls._fields:
            raw = f.decode_array(w)
            bad = f.invalid(raw)
            if bad.any():
                index = tuple(int(k) for k in np.argwhere(bad)[0])
                raise ContainerDecodeError(
                    f"{cls.__name__} #{index[0]}: field {f.name} decodes to the invalid value "
                    f"{int(raw[index])} (at {index[1:] or 'its only entry'})"
                )
            out[f.name] = raw
        return out

    @classmethod
    def to_columns(cls, containers: Sequence[Container]) -> dict[str, npt.NDArray[np.int64]]:
        """Return the raw field values of ``containers`` (all of this type) as columns.

        Raises
        ------
        TypeError
            If an element is not of this type.
        """
        for c in containers:
            if type(c) is not cls:
                raise TypeError(f"expected {cls.__name__} elements, got {type(c).__name__}")
        values = [c._values for c in containers]
        return {f.name: f.raw_column(values) for f in cls._fields}

    @classmethod
    def from_columns(
        cls, columns: Mapping[str, npt.NDArray[Any]], n: int | None = None
    ) -> list[Self]:
        """Return containers from raw field columns (as ``decode_columns`` gives them).

        ``n`` is needed only for a container without fields.

        Raises
        ------
        ValueError
            If a value lies outside its field's range.
        """
        names = cls.field_names()
        if n is None:
            n = len(columns[names[0]]) if names else 0
        lists = {name: np.asarray(columns[name]).tolist() for name in names}
        out = []
        for i in range(n):
            self = cls.__new__(cls)
            self._values = {f.name: f.from_raw(lists[f.name][i]) for f in cls._fields}
            out.append(self)
        return out

    @classmethod
    def decode(cls, words: Sequence[Any]) -> Self:
        """Return the container read back from its register words (fisch words or ints).

        Raises
        ------
        ContainerDecodeError
            If the number of words is wrong, or a word sets bits that belong to no field or a
            value no field type has.
        """
        raw = [cls._from_fisch(w) for w in words]
        if len(raw) != cls.words:
            raise ContainerDecodeError(f"{cls.__name__} has {cls.words} words, got {len(raw)}")
        raw = [w & ~ignored for w, ignored in zip(raw, cls._ignored, strict=True)]
        checked = [f & ~ignored for f, ignored in zip(cls._fixed, cls._ignored, strict=True)]
        for i, (w, fixed) in enumerate(zip(raw, checked, strict=True)):
            if w & fixed != fixed:
                raise ContainerDecodeError(
                    f"{cls.__name__} word {i} = {w:#010x} lacks the fixed bits {fixed:#x}"
                )
        raw = [w & ~fixed for w, fixed in zip(raw, cls._fixed, strict=True)]
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


def _word_int(w: Any, bits: int = 32) -> int:
    if isinstance(w, fisch.Omnibus):
        return w.get().word
    if isinstance(w, fisch.Container):
        v = w.get()
        return 0 if v is None else int(v)  # payload-free instructions carry no value
    if type(w) is int or hasattr(w, "__index__"):
        v = int(w)
        if not 0 <= v < 1 << bits:
            raise ContainerDecodeError(f"register words are {bits} bit, got {v}")
        return v
    raise TypeError(f"register words must be fisch words or ints, got {type(w).__name__}")


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
    addresses = container.addresses(coord, backend)
    return list(zip(addresses, container.encode_at(coord, backend), strict=True))


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
