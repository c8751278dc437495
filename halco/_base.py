"""Building blocks of every coordinate: ranged integers, grids, compound coordinates, intervals.

Every coordinate stores one integer, its canonical linear index (the *enum*); everything else
(x, y, local and outer parts) is derived from it. That keeps construction cheap, hashing and
pickling trivial, and makes ``T(Enum(e))`` the universal conversion, as in the real halco.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, Self, TypeVar

from halco.errors import CoordinateRangeError, CoordinateTypeError, InvalidGridPositionError

__all__ = [
    "BaseType",
    "Coordinate",
    "Enum",
    "Grid",
    "Interval",
    "Mixin",
    "Ranged",
    "X",
    "Y",
]

_C = TypeVar("_C", bound="Coordinate")
_new = object.__new__


def _kind_error(cls: type, value: object, expected: str) -> CoordinateTypeError:
    return CoordinateTypeError(
        f"{cls.__name__} cannot be built from {type(value).__name__} {value!r}; expected {expected}"
    )


def _range_error(cls: type, what: str, value: int, lo: int, hi: int) -> CoordinateRangeError:
    return CoordinateRangeError(f"{cls.__name__} {what} must be in [{lo}, {hi}], got {value}")


class Coordinate:
    """Base of every halco value: an immutable, typed, totally ordered index.

    Values of different types never compare equal and hash differently, so
    ``NeuronColumnOnDLS(3)`` and ``SynapseOnSynapseRow(3)`` can share a dict.
    """

    __slots__ = ("_e",)
    _e: int
    #: Number of distinct values of the type.
    size: ClassVar[int] = 0
    #: Smallest and largest enum value.
    min: ClassVar[int] = 0
    max: ClassVar[int] = -1
    _hseed: ClassVar[int] = 0
    _what: ClassVar[str] = "enum"  # how range errors name the value

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._hseed = hash(cls.__module__ + "." + cls.__qualname__)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def _from_enum(cls: type[_C], e: int) -> _C:
        self = _new(cls)
        self._e = e
        return self

    @classmethod
    def _enum_arg(cls, value: object) -> int:
        """Return the checked enum carried by an ``Enum`` or plain integer argument.

        Raises
        ------
        CoordinateTypeError
            If ``value`` is a coordinate of another type or not an integer.
        CoordinateRangeError
            If the enum lies outside ``[min, max]``.
        """
        if type(value) is int:
            e = value
        elif isinstance(value, Coordinate):
            if not isinstance(value, (Enum, cls)):
                raise _kind_error(cls, value, f"{cls.__name__}, Enum or int")
            e = value._e
        else:
            try:
                e = operator.index(value)  # type: ignore[arg-type]
            except TypeError:
                raise _kind_error(cls, value, "Enum or int") from None
        if not cls.min <= e <= cls.max:
            raise _range_error(cls, cls._what, e, cls.min, cls.max)
        return e

    @classmethod
    def _coerce(cls: type[_C], value: object, owner: str = "", part: str = "value") -> _C:
        """Return ``value`` as a ``cls`` instance; plain integers convert implicitly.

        ``owner`` and ``part`` only name the argument in error messages.

        Raises
        ------
        CoordinateTypeError
            If ``value`` is a coordinate of another type.
        CoordinateRangeError
            If an integer lies outside the range of ``cls``.
        """
        if type(value) is cls:
            return value
        if type(value) is int and cls.min <= value <= cls.max:
            self = _new(cls)
            self._e = value
            return self
        if isinstance(value, Coordinate) and not isinstance(value, Enum):
            raise CoordinateTypeError(
                f"{owner} {part} must be {cls.__name__} (or an int), "
                f"got {type(value).__name__} {value!r}".lstrip()
            )
        return cls._from_enum(cls._enum_arg(value))

    # -- protocol ------------------------------------------------------------------------------
    def toEnum(self) -> Enum:
        """Return the canonical linear index."""
        return Enum(self._e)

    def __index__(self) -> int:
        return self._e

    def __int__(self) -> int:
        return self._e

    def __hash__(self) -> int:
        return hash((self._hseed, self._e))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._e == self._e

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._e < other._e

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._e <= other._e

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._e > other._e

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._e >= other._e

    def __reduce__(self) -> tuple[Callable[[int], Coordinate], tuple[int]]:
        return (type(self)._from_enum, (self._e,))

    def __copy__(self: _C) -> _C:
        return self

    def __deepcopy__(self: _C, memo: dict[int, Any]) -> _C:
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._e})"

    @classmethod
    def _iter_all(cls: type[_C]) -> Iterator[_C]:
        return map(cls._from_enum, range(cls.min, cls.max + 1))


def _enum_to(cls: type[_C]) -> Callable[[Coordinate], _C]:
    """Return a conversion method building ``cls`` from the same enum (documented mapping)."""

    def convert(self: Coordinate) -> _C:
        return cls._from_enum(cls._enum_arg(self._e))

    convert.__doc__ = f"Return the {cls.__name__} with the same enum."
    return convert


class _Arithmetic(Coordinate):
    """Integer-like values: arithmetic with ints or the same type stays in the type (checked)."""

    __slots__ = ()
    _what = "value"

    def __new__(cls, value: object = None) -> Self:
        """Build from an int (implicit conversion), an ``Enum`` or a value of the same type.

        Raises
        ------
        CoordinateRangeError
            If the value lies outside ``[min, max]``.
        CoordinateTypeError
            If the value is a coordinate of another type, or not integral.
        """
        if value is None:
            e = cls.min
        elif type(value) is int and cls.min <= value <= cls.max:
            e = value
        else:
            e = cls._enum_arg(value)
        self = _new(cls)
        self._e = e
        return self

    def value(self) -> int:
        """Return the plain integer value."""
        return self._e

    def __bool__(self) -> bool:
        return self._e != 0

    def _op(self, other: object, fn: Callable[[int, int], int]) -> Any:
        if type(other) is type(self):
            rhs = other._e
        elif type(other) is int:
            rhs = other
        else:
            return NotImplemented
        return type(self)(fn(self._e, rhs))

    def __add__(self, other: object) -> Any:
        return self._op(other, operator.add)

    def __sub__(self, other: object) -> Any:
        return self._op(other, operator.sub)

    def __mul__(self, other: object) -> Any:
        return self._op(other, operator.mul)

    def __floordiv__(self, other: object) -> Any:
        return self._op(other, operator.floordiv)

    def __mod__(self, other: object) -> Any:
        return self._op(other, operator.mod)

    __radd__ = __add__
    __rmul__ = __mul__


class BaseType(_Arithmetic):
    """Unranged strong typedef over an unsigned integer of ``bits`` bits (e.g. ``OmnibusAddress``).

    Define with ``class OmnibusAddress(BaseType, bits=32)``.
    """

    __slots__ = ()
    bits: ClassVar[int] = 64

    def __init_subclass__(cls, *, bits: int | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if bits is not None:
            cls.bits = bits
        cls.min, cls.max = 0, (1 << cls.bits) - 1
        cls.size = 1 << cls.bits


class Enum(BaseType, bits=64):
    """Generic linear index used to convert between coordinate types (``T(Enum(e))``).

    Unlike coordinates it also equals the plain int of its value (``n.toEnum() == 386``), as in
    the real bindings, where ints convert to ``Enum`` implicitly.
    """

    __slots__ = ()

    def toEnum(self) -> Enum:
        """Return itself."""
        return self

    def __eq__(self, other: object) -> bool:
        if type(other) is int:
            return other == self._e
        return type(other) is Enum and other._e == self._e

    def __hash__(self) -> int:
        return hash(self._e)


class X(BaseType, bits=64):
    """Generic x index."""

    __slots__ = ()


class Y(BaseType, bits=64):
    """Generic y index."""

    __slots__ = ()


class Ranged(_Arithmetic):
    """Ranged integer (halco's ``RantWrapper``): ``class NeuronColumnOnDLS(Ranged, max=255)``.

    ``min``, ``max`` and ``size`` are class attributes; the default value is ``min``.
    Construction outside the range raises :class:`~halco.errors.CoordinateRangeError`.
    """

    __slots__ = ()

    def __init_subclass__(cls, *, max: int | None = None, min: int = 0, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if max is not None:
            if max < min:
                raise ValueError(f"{cls.__name__}: max {max} < min {min}")
            cls.min, cls.max, cls.size = min, max, max - min + 1


class Grid(Coordinate):
    """Two-dimensional coordinate over ranged ``x`` and ``y`` types.

    ``enum = (y - y.min) * x.size + (x - x.min)`` (row major). A sparse grid passes ``nodes``,
    the valid ``(x, y)`` pairs in enum order; other positions raise
    :class:`~halco.errors.InvalidGridPositionError`.
    """

    __slots__ = ()
    X: ClassVar[type[Ranged]]
    Y: ClassVar[type[Ranged]]
    _nodes: ClassVar[tuple[tuple[int, int], ...] | None] = None
    _node_enum: ClassVar[dict[tuple[int, int], int]] = {}

    def __init_subclass__(
        cls,
        *,
        x: type[Ranged] | None = None,
        y: type[Ranged] | None = None,
        nodes: Sequence[tuple[int, int]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if x is None or y is None:
            return
        cls.X, cls.Y = x, y
        if nodes is not None:
            cls._nodes = tuple(nodes)
            cls._node_enum = {xy: e for e, xy in enumerate(cls._nodes)}
            cls.size = len(cls._nodes)
        else:
            cls._nodes = None
            cls.size = x.size * y.size
        cls.min, cls.max = 0, cls.size - 1
        for axis, method in ((x, "x"), (y, "y")):
            name = "to" + axis.__name__
            if name not in cls.__dict__:
                setattr(cls, name, getattr(cls, method))

    def __new__(cls, x: object = None, y: object = None) -> Self:
        """Build from ``(x, y)``, from an ``Enum``/int enum alone, or default (enum 0).

        Raises
        ------
        CoordinateTypeError
            If ``x`` or ``y`` has the wrong coordinate type.
        CoordinateRangeError
            If a value lies outside its range.
        InvalidGridPositionError
            If ``(x, y)`` is not a node of a sparse grid.
        """
        if y is None:
            e = 0 if x is None else cls._enum_arg(x)
        elif type(x) is cls.X and type(y) is cls.Y and cls._nodes is None:  # fast path
            e = (y._e - cls.Y.min) * cls.X.size + x._e - cls.X.min
        else:
            xi = cls.X._coerce(x, cls.__name__, "x")._e - cls.X.min
            yi = cls.Y._coerce(y, cls.__name__, "y")._e - cls.Y.min
            if cls._nodes is None:
                e = yi * cls.X.size + xi
            else:
                try:
                    e = cls._node_enum[(xi, yi)]
                except KeyError:
                    raise InvalidGridPositionError(
                        f"{cls.__name__} has no node at x={xi}, y={yi}; "
                        f"valid nodes: {list(cls._nodes)}"
                    ) from None
        self = _new(cls)
        self._e = e
        return self

    def x(self) -> Any:
        """Return the x coordinate."""
        if self._nodes is None:
            return self.X._from_enum(self._e % self.X.size + self.X.min)
        return self.X._from_enum(self._nodes[self._e][0] + self.X.min)

    def y(self) -> Any:
        """Return the y coordinate."""
        if self._nodes is None:
            return self.Y._from_enum(self._e // self.X.size + self.Y.min)
        return self.Y._from_enum(self._nodes[self._e][1] + self.Y.min)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.x()!r}, {self.y()!r})"


class Mixin(Coordinate):
    """Compound coordinate: a ``local`` part inside an ``outer`` part (halco's coordinate mixin).

    ``enum = outer_index * local.size + local_index``. Constructed as ``T(local, outer)`` (the
    outer part defaults to its first value), with the real keyword names (``names``), or from an
    ``Enum``/int enum alone. ``to<Local>()``, ``to<Outer>()`` and ``split()`` (outer, local) are
    provided, and so are the local type's own ``to*()`` conversions and ``x()``/``y()``.
    """

    __slots__ = ()
    LOCAL: ClassVar[type[Coordinate]]
    OUTER: ClassVar[type[Coordinate]]
    _names: ClassVar[tuple[str, str]] = ("local", "outer")
    _name_set: ClassVar[frozenset[str]] = frozenset(_names)

    def __init_subclass__(
        cls,
        *,
        local: type[Coordinate] | None = None,
        outer: type[Coordinate] | None = None,
        names: tuple[str, str] = ("block", "synram"),
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if local is None or outer is None:
            return
        cls.LOCAL, cls.OUTER, cls._names, cls._name_set = local, outer, names, frozenset(names)
        cls.size = local.size * outer.size
        cls.min, cls.max = 0, cls.size - 1
        own = {"to" + local.__name__: cls._local, "to" + outer.__name__: cls._outer}
        for name, fn in own.items():
            if name not in cls.__dict__:
                setattr(cls, name, fn)
        for name in dir(local):
            conversion = name[:2] == "to" and name[2:3].isupper() and name != "toEnum"
            if conversion or name in ("x", "y"):
                if not hasattr(cls, name) or getattr(cls, name) is getattr(Coordinate, name, None):
                    setattr(cls, name, _delegate(name))

    def __new__(cls, *args: object, **kwargs: object) -> Self:
        """Build from ``(local, outer=default)``, keyword names, an ``Enum``/int, or default.

        Raises
        ------
        CoordinateTypeError
            If a part has the wrong coordinate type, or the arguments do not fit.
        CoordinateRangeError
            If a value lies outside its range.
        """
        if not kwargs:
            if len(args) == 2:
                local, outer = args
                if type(local) is cls.LOCAL and type(outer) is cls.OUTER:  # fast path
                    self = _new(cls)
                    self._e = (outer._e - cls.OUTER.min) * cls.LOCAL.size + local._e - cls.LOCAL.min
                    return self
                return cls._build(local, outer)
            if len(args) == 1:
                if isinstance(args[0], cls.LOCAL):
                    return cls._build(args[0], None)
                return cls._from_enum(cls._enum_arg(args[0]))
            if not args:
                return cls._from_enum(0)
        local_name, outer_name = cls._names
        if (
            len(args) + len(kwargs) > 2
            or not kwargs.keys() <= cls._name_set
            or (args and local_name in kwargs)
        ):
            raise CoordinateTypeError(
                f"{cls.__name__} takes ({local_name}, {outer_name}), got "
                f"{len(args)} positional and keywords {sorted(kwargs)}"
            )
        local = kwargs[local_name] if local_name in kwargs else (args[0] if args else None)
        return cls._build(local, kwargs.get(outer_name))

    @classmethod
    def _build(cls, local: object, outer: object) -> Any:
        lo = cls.LOCAL._coerce(local, cls.__name__, cls._names[0])._e - cls.LOCAL.min
        out = 0
        if outer is not None:  # the outer part defaults to its first value
            out = cls.OUTER._coerce(outer, cls.__name__, cls._names[1])._e - cls.OUTER.min
        self = _new(cls)
        self._e = out * cls.LOCAL.size + lo
        return self

    def _local(self) -> Any:
        return self.LOCAL._from_enum(self._e % self.LOCAL.size + self.LOCAL.min)

    def _outer(self) -> Any:
        return self.OUTER._from_enum(self._e // self.LOCAL.size + self.OUTER.min)

    def split(self) -> tuple[Any, Any]:
        """Return ``(outer, local)``."""
        return self._outer(), self._local()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._local()!r}, {self._outer()!r})"


def _delegate(name: str) -> Callable[[Mixin], Any]:
    def method(self: Mixin) -> Any:
        return getattr(self._local(), name)()

    method.__name__ = name
    method.__doc__ = f"Return ``{name}()`` of the local part."
    return method


class Interval(Coordinate):
    """Closed interval ``[min, max]`` of a ranged type (``class B(Interval, of=WordType)``).

    Enum order is by ``(min, max)``: ``enum = sum_{k < lo}(n - k) + (hi - lo)`` for ``n`` values.
    """

    __slots__ = ()
    OF: ClassVar[type[Ranged]]

    def __init_subclass__(cls, *, of: type[Ranged] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if of is None:
            return
        cls.OF = of
        n = of.size
        cls.size = n * (n + 1) // 2
        cls.min, cls.max = 0, cls.size - 1

    def __new__(cls, min: object = None, max: object = None) -> Self:
        """Build from the first and last value (inclusive), or from an ``Enum`` alone.

        Raises
        ------
        CoordinateTypeError
            If a bound has the wrong coordinate type.
        CoordinateRangeError
            If a bound lies outside its range or ``min > max``.
        """
        if max is None:
            return cls._from_enum(0 if min is None else cls._enum_arg(min))
        lo = cls.OF._coerce(min, cls.__name__, "min")._e - cls.OF.min
        hi = cls.OF._coerce(max, cls.__name__, "max")._e - cls.OF.min
        if lo > hi:
            raise _range_error(cls, "max", hi + cls.OF.min, lo + cls.OF.min, cls.OF.max)
        return cls._from_enum(cls._offset(lo) + hi - lo)

    @classmethod
    def _offset(cls, lo: int) -> int:
        return lo * cls.OF.size - lo * (lo - 1) // 2

    def _bounds(self) -> tuple[int, int]:
        n, e = self.OF.size, self._e
        # invert the triangular offset: largest lo with _offset(lo) <= e
        lo = int(((2 * n + 1) - ((2 * n + 1) ** 2 - 8 * e) ** 0.5) // 2)
        while self._offset(lo) > e:
            lo -= 1
        while lo + 1 < n and self._offset(lo + 1) <= e:
            lo += 1
        return lo, lo + e - self._offset(lo)

    def toMin(self) -> Any:
        """Return the first value of the interval."""
        return self.OF._from_enum(self._bounds()[0] + self.OF.min)

    def toMax(self) -> Any:
        """Return the last value of the interval (inclusive)."""
        return self.OF._from_enum(self._bounds()[1] + self.OF.min)

    def length(self) -> int:
        """Return the number of values in the interval."""
        lo, hi = self._bounds()
        return hi - lo + 1

    def contains(self, value: object) -> bool:
        """Return whether ``value`` (of the interval's value type) lies inside.

        Raises
        ------
        CoordinateTypeError
            If ``value`` is a coordinate of another type.
        """
        v = self.OF._coerce(value, type(self).__name__ + ".contains", "argument")._e - self.OF.min
        lo, hi = self._bounds()
        return lo <= v <= hi

    def __iter__(self) -> Iterator[Any]:
        lo, hi = self._bounds()
        return map(self.OF._from_enum, range(lo + self.OF.min, hi + self.OF.min + 1))

    def __len__(self) -> int:
        return self.length()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.toMin()!r}, {self.toMax()!r})"
