"""Generic halco building blocks, as ``halco.common`` in the real bindings.

``Enum`` is the canonical linear index used to convert between coordinate types; ``iter_all``
iterates every value of a type (or the cartesian product of several types).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, TypeVar, overload

from halco._base import BaseType, Coordinate, Enum, Grid, Interval, Mixin, Ranged, X, Y
from halco._typed_array import TypedArray

__all__ = [
    "BaseType",
    "Coordinate",
    "Enum",
    "Grid",
    "Interval",
    "Mixin",
    "Ranged",
    "TypedArray",
    "X",
    "Y",
    "iter_all",
    "typed_array",
]

T = TypeVar("T", bound=Coordinate)

#: The real bindings' spelling of :class:`TypedArray`.
typed_array = TypedArray


@overload
def iter_all(t: type[T], /) -> Iterator[T]: ...


@overload
def iter_all(*types: type[Coordinate]) -> Iterator[tuple[Any, ...]]: ...


def iter_all(*types: type[Coordinate]) -> Iterator[Any]:
    """Iterate every value of a coordinate type in enum order; several types give their product.

    >>> from halco import SynramOnDLS, HemisphereOnDLS
    >>> list(iter_all(SynramOnDLS))
    [SynramOnDLS(0), SynramOnDLS(1)]
    >>> len(list(iter_all(SynramOnDLS, HemisphereOnDLS)))
    4

    Raises
    ------
    TypeError
        If no type or a non-coordinate type is given, or the type is unbounded (a ``BaseType``).
    """
    if not types:
        raise TypeError("iter_all needs at least one coordinate type")
    for t in types:
        if not (isinstance(t, type) and issubclass(t, Coordinate)) or issubclass(t, BaseType):
            raise TypeError(f"iter_all needs bounded coordinate types, got {t!r}")
    if len(types) == 1:
        return types[0]._iter_all()
    return itertools.product(*(list(t._iter_all()) for t in types))
