"""Exceptions raised by halco.

Each subclasses the builtin a caller would naturally catch; messages name the type, the value and
the allowed range.
"""

from __future__ import annotations

__all__ = ["CoordinateRangeError", "CoordinateTypeError", "InvalidGridPositionError"]


class CoordinateRangeError(ValueError, OverflowError):
    """A coordinate value lies outside its type's range.

    It is an ``OverflowError`` (what the real halco raises) and a ``ValueError`` (what Python
    users expect for a bad value).
    """


class CoordinateTypeError(TypeError):
    """A value of the wrong coordinate type was given where a typed coordinate is required."""


class InvalidGridPositionError(ValueError):
    """An (x, y) position that does not exist on a sparse grid, e.g. a missing crossbar node."""
