"""The base of every fisch word container and the registry that lists them.

A fisch container is one FPGA-level thing a program writes or reads: an Omnibus word, the timer,
a barrier, a spike pack. Each has a ``coordinate_type`` (halco), a ``Value``, ``get``/``set``,
and turns into UT messages: ``encode_write(coord)`` and ``encode_read(coord)`` return to-FPGA
words, ``decode(payloads)`` builds a container from ``decode_ut_message_count`` response payloads
taken from its ``response_queue``.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Literal, Self

import numpy as np
import numpy.typing as npt

from fisch.errors import FieldRangeError, NotReadableError, NotWritableError
from halco.common import Coordinate

__all__ = ["ArrayOrSequence", "Container", "ResponseQueue", "containers"]

#: What bulk encoders take: a sequence of coordinates/containers, or a numpy integer array.
ArrayOrSequence = Sequence[Any] | npt.NDArray[Any]

#: The response queues of a program, in the real stack's order (JTAG, Omnibus, loopback).
ResponseQueue = Literal["jtag", "omnibus", "loopback"]
RESPONSE_QUEUES: tuple[ResponseQueue, ...] = ("jtag", "omnibus", "loopback")
#: Payload bits of the response message each queue holds (jtag_from_hicann.Data,
#: omnibus_from_fpga.Data, from_fpga_system.Loopback).
RESPONSE_BITS: dict[ResponseQueue, int] = {"jtag": 33, "omnibus": 32, "loopback": 1}

_registry: dict[str, type[Container]] = {}
_by_coordinate: dict[type[Coordinate], type[Container]] = {}

#: Registry of every fisch container type, by name.
containers = MappingProxyType(_registry)


class Container:
    """Base of the fisch word containers; subclasses register themselves.

    Containers are mutable values: equal when type and value are equal, not hashable.
    """

    __slots__ = ("_value",)
    coordinate_type: ClassVar[type[Coordinate]]
    Value: ClassVar[Any]
    #: Which operations the container supports.
    is_readable: ClassVar[bool] = False
    is_writable: ClassVar[bool] = True
    #: Response queue a read fills, and how many messages one read yields there.
    response_queue: ClassVar[ResponseQueue | None] = None
    decode_ut_message_count: ClassVar[int] = 0
    __hash__ = None  # type: ignore[assignment]
    _value: Any

    def __init_subclass__(cls, *, register: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not register:
            return
        other = _by_coordinate.get(cls.coordinate_type)
        if other is not None:
            raise TypeError(
                f"{cls.__name__}: coordinate {cls.coordinate_type.__name__} already belongs to "
                f"{other.__name__}"
            )
        _registry[cls.__name__] = cls
        _by_coordinate[cls.coordinate_type] = cls

    def __init__(self, value: Any = None) -> None:
        self._value = self._coerce_value(value)

    @classmethod
    def _coerce_value(cls, value: Any) -> Any:
        """Return ``value`` as a ``Value`` (``None`` gives the default).

        Raises
        ------
        ValueError
            If the value lies outside the range of ``Value``.
        TypeError
            If the value has the wrong type.
        """
        return cls.Value() if value is None else cls.Value(value)

    # -- value access ---------------------------------------------------------------------------
    def get(self) -> Any:
        """Return the value."""
        return self._value

    def set(self, value: Any) -> None:
        """Set the value (validated as in the constructor).

        Raises
        ------
        ValueError, TypeError
            As the constructor.
        """
        self._value = self._coerce_value(value)

    @property
    def value(self) -> Any:
        """The value (the same as ``get()``/``set()``)."""
        return self._value

    @value.setter
    def value(self, value: Any) -> None:
        self.set(value)

    # -- value semantics ------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._value == self._value

    def __repr__(self) -> str:
        v = self._value
        shown = v._e if isinstance(v, Coordinate) else v  # nested Value types print as ints
        return f"{type(self).__name__}({shown!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._value,))

    # -- encoding -------------------------------------------------------------------------------
    @classmethod
    def _coord(cls, coord: object) -> Coordinate:
        return cls.coordinate_type._coerce(coord, cls.__name__, "coordinate")

    def encode_write(self, coord: object) -> list[int]:
        """Return the to-FPGA words writing this container to ``coord``.

        Raises
        ------
        NotWritableError
            If the container cannot be written.
        CoordinateTypeError
            If ``coord`` is not a ``coordinate_type``.
        """
        if not self.is_writable:
            raise NotWritableError(f"{type(self).__name__} cannot be written (read-only)")
        return self._write(self._coord(coord))

    @classmethod
    def encode_read(cls, coord: object) -> list[int]:
        """Return the to-FPGA words reading ``coord``.

        Raises
        ------
        NotReadableError
            If the container cannot be read.
        CoordinateTypeError
            If ``coord`` is not a ``coordinate_type``.
        """
        if not cls.is_readable:
            raise NotReadableError(f"{cls.__name__} cannot be read (write-only)")
        return cls._read(cls._coord(coord))

    @classmethod
    def decode(cls, payloads: Sequence[int]) -> Self:
        """Return the container read back from its ``decode_ut_message_count`` payloads.

        Raises
        ------
        NotReadableError
            If the container cannot be read.
        ValueError
            If the number of payloads is not ``decode_ut_message_count``.
        FieldRangeError
            If a payload is wider than its response message's payload.
        """
        if not cls.is_readable:
            raise NotReadableError(f"{cls.__name__} cannot be read (write-only)")
        if len(payloads) != cls.decode_ut_message_count:
            raise ValueError(
                f"{cls.__name__}.decode needs {cls.decode_ut_message_count} payloads, "
                f"got {len(payloads)}"
            )
        bits = RESPONSE_BITS[cls.response_queue]  # type: ignore[index]
        for p in payloads:
            if not 0 <= int(p) < 1 << bits:
                raise FieldRangeError(
                    f"{cls.__name__}.decode: a {cls.response_queue} response payload must be in "
                    f"[0, {(1 << bits) - 1}], got {int(p)}"
                )
        return cls._decode(payloads)

    @classmethod
    def encode_write_array(
        cls, coords: ArrayOrSequence, values: ArrayOrSequence
    ) -> npt.NDArray[Any]:
        """Return the to-FPGA words writing ``values[i]`` to ``coords[i]`` for all ``i``.

        Subclasses with a hot bulk path (``Omnibus``) override this with numpy.

        Raises
        ------
        ValueError
            If the sequences differ in length, or as ``encode_write``.
        """
        if len(coords) != len(values):
            raise ValueError(f"{len(coords)} coordinates but {len(values)} values")
        out: list[int] = []
        for c, v in zip(coords, values, strict=True):
            word = v if isinstance(v, cls) else cls(v)
            out += word.encode_write(c)
        return np.array(out, dtype=np.uint64)

    @classmethod
    def encode_read_array(cls, coords: ArrayOrSequence) -> npt.NDArray[Any]:
        """Return the to-FPGA words reading every coordinate of ``coords``.

        Raises
        ------
        NotReadableError
            As ``encode_read``.
        """
        out: list[int] = []
        for c in coords:
            out += cls.encode_read(c)
        return np.array(out, dtype=np.uint64)

    def _write(self, coord: Any) -> list[int]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _read(cls, coord: Any) -> list[int]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def _decode(cls, payloads: Sequence[int]) -> Self:
        """Return the container of a 32-bit value in the response's low bits.

        JTAG data has 33 bits; the real fisch keeps the low 32, and so does this default.
        """
        return cls(int(payloads[0]) & 0xFFFF_FFFF)


def container_for(coord: object) -> type[Container]:
    """Return the container type whose coordinate type is ``type(coord)``.

    Raises
    ------
    TypeError
        If no fisch container has that coordinate type.
    """
    try:
        return _by_coordinate[type(coord)]  # type: ignore[index]
    except KeyError:
        raise TypeError(
            f"no fisch container has coordinate type {type(coord).__name__} ({coord!r})"
        ) from None


def check_flag(owner: str, value: object) -> bool:
    """Return a boolean ``Value`` (the real ``BaseType<…, bool>``): a bool or the ints 0 and 1.

    Raises
    ------
    TypeError
        If ``value`` is not a bool or an int.
    ValueError
        If an int other than 0 or 1 is given.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{owner} must be a bool (or 0/1), got {value}")
    raise TypeError(f"{owner} must be a bool, got {type(value).__name__} {value!r}")
