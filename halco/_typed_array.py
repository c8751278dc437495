"""Fixed-size arrays indexed by one coordinate type (halco's ``typed_array``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from halco._base import Coordinate, Enum
from halco.errors import CoordinateRangeError, CoordinateTypeError

__all__ = ["TypedArray"]

V = TypeVar("V")


class TypedArray(Generic[V]):
    """An array of ``key.size`` values indexed by ``key`` values (or plain ints, as in pyhalco).

    Indexing with a coordinate of another type raises :class:`~halco.errors.CoordinateTypeError`.
    ``value_type``, when given, converts and validates every stored value (e.g. a ranged type);
    its ``min``/``max`` bound ``from_numpy``.

    >>> from halco import EntryOnQuad, NeuronColumnOnDLS
    >>> a = TypedArray(EntryOnQuad, [NeuronColumnOnDLS(i) for i in range(4)])
    >>> a[EntryOnQuad(2)]
    NeuronColumnOnDLS(2)
    """

    __slots__ = ("_data", "_key", "_value_type")

    def __init__(
        self,
        key: type[Coordinate],
        values: Iterable[V] | None = None,
        value_type: Callable[[Any], V] | None = None,
        fill: V | None = None,
    ) -> None:
        """Create the array, from ``values`` (exactly ``key.size`` of them) or filled.

        Raises
        ------
        ValueError
            If ``values`` does not hold exactly ``key.size`` items.
        """
        self._key = key
        self._value_type = value_type
        if values is None:
            default = fill if fill is not None else (value_type() if value_type else None)  # type: ignore[call-arg]
            self._data: list[V] = [default] * key.size  # type: ignore[list-item]
        else:
            data = [self._check(v) for v in values]
            if len(data) != key.size:
                raise ValueError(
                    f"typed array over {key.__name__} needs {key.size} values, got {len(data)}"
                )
            self._data = data

    @property
    def size(self) -> int:
        """Number of entries (``key.size``)."""
        return len(self._data)

    def _check(self, value: Any) -> V:
        return self._value_type(value) if self._value_type is not None else value

    def _index(self, key: object) -> int:
        if type(key) is self._key:
            return key._e - self._key.min
        if isinstance(key, Coordinate) and not isinstance(key, Enum):
            raise CoordinateTypeError(
                f"array over {self._key.__name__} indexed with {type(key).__name__} {key!r}"
            )
        if isinstance(key, (slice,)):
            raise CoordinateTypeError(f"array over {self._key.__name__} cannot be sliced")
        return self._key._coerce(key, "typed array", "index")._e - self._key.min

    def __getitem__(self, key: object) -> V:
        return self._data[self._index(key)]

    def __setitem__(self, key: object, value: V) -> None:
        self._data[self._index(key)] = self._check(value)

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[V]:
        return iter(self._data)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TypedArray) and other._key is self._key and other._data == self._data
        )

    __hash__ = None  # type: ignore[assignment]

    def fill(self, value: V) -> None:
        """Set every entry to ``value``."""
        checked = self._check(value)
        self._data = [checked] * len(self._data)

    def to_numpy(self) -> npt.NDArray[Any]:
        """Return the values as a numpy array (integers for integral values)."""
        return np.array([int(v) if isinstance(v, Coordinate) else v for v in self._data])

    def from_numpy(self, array: npt.ArrayLike) -> None:
        """Set all entries from a one-dimensional array, range checked against ``value_type``.

        Raises
        ------
        ValueError
            If the shape does not match ``(size,)``.
        CoordinateRangeError
            If a value lies outside ``value_type``'s range (nothing is changed then).
        """
        arr = np.asarray(array)
        if arr.shape != (len(self._data),):
            raise ValueError(f"expected shape ({len(self._data)},), got {arr.shape}")
        vt = self._value_type
        lo, hi = getattr(vt, "min", None), getattr(vt, "max", None)
        if isinstance(lo, int) and isinstance(hi, int) and arr.size:
            bad = (arr < lo) | (arr > hi)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise CoordinateRangeError(
                    f"{getattr(vt, '__name__', 'value')} must be in [{lo}, {hi}], "
                    f"got {arr[i]} at index {i}"
                )
        self._data = [self._check(v.item() if hasattr(v, "item") else v) for v in arr]

    def __repr__(self) -> str:
        return f"TypedArray({self._key.__name__}, {self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (TypedArray, (self._key, self._data, self._value_type))
