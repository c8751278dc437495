"""FPGA-level word containers: Omnibus, timer, wait, barrier, polling, systime, reset, spikes.

Encodings follow reference §4.1; each line of ``_write``/``_read`` is one UT message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Self, TypeGuard

import numpy as np
import numpy.typing as npt

from fisch._container import ArrayOrSequence, Container, check_flag
from fisch._instructions import instruction
from fisch.errors import FieldRangeError
from halco import (
    BarrierOnFPGA,
    NullPayloadReadableOnFPGA,
    OmnibusAddress,
    PollingOmnibusBlockOnFPGA,
    ResetChipOnDLS,
    SpikeLabel,
    SpikePack1ToChipOnDLS,
    SpikePack2ToChipOnDLS,
    SpikePack3ToChipOnDLS,
    SystimeSyncOnFPGA,
    TimerOnDLS,
    WaitUntilOnFPGA,
)
from halco.common import BaseType, Coordinate, Ranged

__all__ = [
    "Barrier",
    "NullPayloadReadable",
    "Omnibus",
    "PollingOmnibusBlock",
    "ResetChip",
    "SpikePack1ToChip",
    "SpikePack2ToChip",
    "SpikePack3ToChip",
    "SystimeSync",
    "Timer",
    "WaitUntil",
]


def _header(name: str) -> int:
    return instruction(name).index << 56


_ADDRESS = _header("omnibus_to_fpga.Address")
_DATA = _header("omnibus_to_fpga.Data")
_SETUP = _header("timing.Setup")
_BARRIER = _header("timing.Barrier")
_POLLING = _header("timing.PollingOmnibusBlock")
_SYSTIME_INIT = _header("timing.SystimeInit")
_RESET = _header("system.Reset")
_TICK = _header("system.Loopback") | instruction("system.Loopback").constants["tick"]
_IS_READ = 1 << 36
_ALL_BYTES = 0xF << 32
#: Omnibus address of the FPGA timer's value (reference §4.1, ``timer_readout``).
TIMER_READOUT_ADDRESS = 0x8800_000C


class NoValue(Container, register=False):
    """Base of containers without a value (``ResetJTAGTap``, ``NullPayloadReadable``)."""

    __slots__ = ()
    Value = type(None)

    def __init__(self) -> None:
        self._value = None

    @classmethod
    def _coerce_value(cls, value: Any) -> None:
        if value is not None:
            raise TypeError(f"{cls.__name__} has no value, got {value!r}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), ())


class FlagValue(Container, register=False):
    """Base of containers whose value is a bool (``default`` when none is given)."""

    __slots__ = ()
    Value = bool
    default: ClassVar[bool] = False

    @classmethod
    def _coerce_value(cls, value: Any) -> bool:
        return cls.default if value is None else check_flag(f"{cls.__name__} value", value)


def _u32(owner: str, value: object) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{owner} must be an int, got {type(value).__name__} {value!r}")
    v = int(value)
    if not 0 <= v <= 0xFFFF_FFFF:
        raise FieldRangeError(f"{owner} must be in [0, 4294967295], got {v}")
    return v


def _word(value: object) -> int:
    return _u32("Omnibus.Value.word", value)


def _byte_enables(value: Iterable[object]) -> tuple[bool, bool, bool, bool]:
    be = tuple(check_flag("Omnibus.Value.byte_enables entry", b) for b in value)
    if len(be) != 4:
        raise ValueError(f"Omnibus.Value.byte_enables must have 4 entries, got {len(be)}")
    return be


class Omnibus(Container):
    """One 32-bit word on the Omnibus, the FPGA's and chip's register bus.

    >>> hex(Omnibus(0x81).encode_write(OmnibusAddress(0x0016002A))[0])
    '0xb00000f0016002a'
    """

    __slots__ = ()
    coordinate_type = OmnibusAddress
    is_readable = True
    response_queue = "omnibus"
    decode_ut_message_count = 1

    class Value:
        """A 32-bit word and its four byte enables (entry i enables byte i; all by default).

        Immutable; equal values compare and hash equal.
        """

        __slots__ = ("_be", "_mask", "_word")
        _ALL = (True, True, True, True)

        def __init__(
            self, word: int = 0, byte_enables: Iterable[object] = (True, True, True, True)
        ) -> None:
            if type(word) is not int or not 0 <= word <= 0xFFFF_FFFF:
                word = _word(word)
            self._word = word
            if type(byte_enables) is tuple and byte_enables == self._ALL:
                self._be, self._mask = self._ALL, 0xF
            else:
                self._be = _byte_enables(byte_enables)
                self._mask = sum(1 << i for i, b in enumerate(self._be) if b)

        @property
        def word(self) -> int:
            """The 32-bit word."""
            return self._word

        @property
        def byte_enables(self) -> tuple[bool, bool, bool, bool]:
            """Which of the four bytes are written."""
            return self._be

        @property
        def byte_enable_mask(self) -> int:
            """The byte enables as a 4-bit mask."""
            return self._mask

        def __int__(self) -> int:
            return self._word

        def __index__(self) -> int:
            return self._word

        def __eq__(self, other: object) -> bool:
            return (
                type(other) is type(self)
                and other._word == self._word
                and other._mask == self._mask
            )

        def __hash__(self) -> int:
            return hash((self._word, self._mask))

        def __repr__(self) -> str:
            if self._mask == 0xF:
                return f"Omnibus.Value({self._word:#x})"
            return f"Omnibus.Value({self._word:#x}, {self._be!r})"

        def __reduce__(self) -> tuple[Any, ...]:
            return (type(self), (self._word, self._be))

    @classmethod
    def _coerce_value(cls, value: Any) -> Omnibus.Value:
        if type(value) is cls.Value:
            return value
        return cls.Value() if value is None else cls.Value(value)

    def _write(self, coord: Coordinate) -> list[int]:
        v = self._value
        return [_ADDRESS | (v._mask << 32) | coord._e, _DATA | v._word]

    @classmethod
    def _read(cls, coord: Coordinate) -> list[int]:
        return [_ADDRESS | _IS_READ | _ALL_BYTES | coord._e]

    @classmethod
    def encode_write_array(
        cls, coords: ArrayOrSequence, values: ArrayOrSequence, byte_enables: int = 0xF
    ) -> npt.NDArray[Any]:
        """Return the words writing ``values[i]`` to ``coords[i]``; numpy arrays take a fast path.

        Integer arrays of addresses and words are encoded vectorised with ``byte_enables`` for
        every word; sequences of ``OmnibusAddress``/``Omnibus`` go through the per-word path.

        Raises
        ------
        FieldRangeError
            If an address or word does not fit 32 bits, or ``byte_enables`` not 4 bits.
        ValueError
            If the arrays differ in length.
        """
        if not (_is_int_array(coords) and _is_int_array(values)):
            return super().encode_write_array(coords, values)
        addr = _check_u32_array(coords, "Omnibus address")
        word = _check_u32_array(values, "Omnibus word")
        if addr.shape != word.shape:
            raise ValueError(f"{addr.size} addresses but {word.size} words")
        if not 0 <= byte_enables <= 0xF:
            raise FieldRangeError(f"Omnibus byte_enables must be in [0, 15], got {byte_enables}")
        out = np.empty(2 * addr.size, dtype=np.uint64)
        out[0::2] = addr | np.uint64(_ADDRESS | (byte_enables << 32))
        out[1::2] = word | np.uint64(_DATA)
        return out

    @classmethod
    def encode_read_array(cls, coords: ArrayOrSequence) -> npt.NDArray[Any]:
        """Return the words reading every address; integer arrays take a fast path.

        Raises
        ------
        FieldRangeError
            If an address does not fit 32 bits.
        """
        if not _is_int_array(coords):
            return super().encode_read_array(coords)
        return _check_u32_array(coords, "Omnibus address") | np.uint64(
            _ADDRESS | _IS_READ | _ALL_BYTES
        )


def _is_int_array(x: object) -> TypeGuard[npt.NDArray[Any]]:
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.integer)


def _check_u32_array(x: npt.NDArray[Any], what: str) -> npt.NDArray[np.uint64]:
    if x.ndim != 1:
        raise ValueError(f"{what}es must be one-dimensional, got shape {x.shape}")
    if x.size:
        lo, hi = int(x.min()), int(x.max())
        if lo < 0 or hi > 0xFFFF_FFFF:
            bad = lo if lo < 0 else hi
            i = int(np.flatnonzero(x == bad)[0])
            raise FieldRangeError(f"{what} {i} must be in [0, 4294967295], got {bad}")
    return x.astype(np.uint64)


class Timer(Container):
    """The FPGA timer that ``WaitUntil`` compares with (125 MHz, 32 bit, wraps after 34.36 s).

    Writing resets it to 0 (``timing.Setup``); the hardware cannot load any other value, so
    writing another value raises. Reading goes through the Omnibus (address 0x8800000C).
    """

    __slots__ = ()
    coordinate_type = TimerOnDLS
    is_readable = True
    response_queue = "omnibus"
    decode_ut_message_count = 1

    class Value(BaseType, bits=32):
        """Timer value in FPGA clock cycles (125 MHz)."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        if self._value._e != 0:
            raise FieldRangeError(
                f"Timer can only be written with value 0 (a write resets the timer), "
                f"got {self._value._e}"
            )
        return [_SETUP]

    @classmethod
    def _read(cls, coord: Coordinate) -> list[int]:
        return [_ADDRESS | _IS_READ | _ALL_BYTES | TIMER_READOUT_ADDRESS]


class WaitUntil(Container):
    """Blocks playback until the timer reaches the value (``timing.WaitUntil``)."""

    __slots__ = ()
    coordinate_type = WaitUntilOnFPGA
    _H = _header("timing.WaitUntil")

    class Value(BaseType, bits=32):
        """Timer value to wait for, in FPGA clock cycles (125 MHz)."""

        __slots__ = ()

    def _write(self, coord: Coordinate) -> list[int]:
        return [self._H | self._value._e]


class _BarrierValue(Ranged, max=0x1F):
    """Barrier mask: omnibus 1, jtag 2, systime 4, multi_fpga 8, systime_correction 16."""

    __slots__ = ()
    omnibus: ClassVar[_BarrierValue]
    jtag: ClassVar[_BarrierValue]
    systime: ClassVar[_BarrierValue]
    multi_fpga: ClassVar[_BarrierValue]
    systime_correction: ClassVar[_BarrierValue]


_BarrierValue.__name__, _BarrierValue.__qualname__ = "Value", "Barrier.Value"
for _n, _v in instruction("timing.Barrier").constants.items():
    setattr(_BarrierValue, _n, _BarrierValue(_v))


class Barrier(Container):
    """Blocks playback until the selected kinds of outstanding responses have arrived.

    >>> Barrier(Barrier.Value.omnibus) == Barrier.omnibus
    True
    """

    __slots__ = ()
    coordinate_type = BarrierOnFPGA
    Value = _BarrierValue
    omnibus: ClassVar[Barrier]
    jtag: ClassVar[Barrier]
    systime: ClassVar[Barrier]
    multi_fpga: ClassVar[Barrier]
    systime_correction: ClassVar[Barrier]

    def _write(self, coord: Coordinate) -> list[int]:
        return [_BARRIER | self._value._e]


for _n in instruction("timing.Barrier").constants:
    setattr(Barrier, _n, Barrier(getattr(_BarrierValue, _n)))


class PollingOmnibusBlock(FlagValue):
    """Blocks until ``(*address & mask) == target`` (True) or ``!=`` (False).

    Address, mask and target live in the executor's ``PollingOmnibusBlockConfig`` registers.
    """

    __slots__ = ()
    coordinate_type = PollingOmnibusBlockOnFPGA
    default = True  # as the real fisch: block until equal

    def _write(self, coord: Coordinate) -> list[int]:
        return [_POLLING | int(self._value)]


class SystimeSync(FlagValue):
    """Starts (True) the synchronisation of FPGA and chip system time (``timing.SystimeInit``)."""

    __slots__ = ()
    coordinate_type = SystimeSyncOnFPGA

    def _write(self, coord: Coordinate) -> list[int]:
        return [_SYSTIME_INIT | int(self._value)]


class ResetChip(FlagValue):
    """Drives the chip's reset line (True = in reset; ``system.Reset``)."""

    __slots__ = ()
    coordinate_type = ResetChipOnDLS

    def _write(self, coord: Coordinate) -> list[int]:
        return [_RESET | int(self._value)]


class NullPayloadReadable(NoValue):
    """A read whose only answer is a loopback tick: marks a point in the response stream."""

    __slots__ = ()
    coordinate_type = NullPayloadReadableOnFPGA
    is_readable = True
    is_writable = False
    response_queue = "loopback"
    decode_ut_message_count = 1

    @classmethod
    def _read(cls, coord: Coordinate) -> list[int]:
        return [_TICK]

    @classmethod
    def _decode(cls, payloads: Sequence[int]) -> Self:
        return cls()


class _SpikePack(Container, register=False):
    """N spike labels sent to the chip in one instruction (first label most significant)."""

    __slots__ = ()
    Value = tuple
    N: ClassVar[int]
    _H: ClassVar[int]

    def __init_subclass__(cls, n: int = 0, **kwargs: Any) -> None:
        cls.N, cls._H = n, _header(f"event_to_fpga.SpikePack{n}")
        super().__init_subclass__(**kwargs)

    @classmethod
    def _coerce_value(cls, value: Any) -> tuple[SpikeLabel, ...]:
        if value is None:
            return (SpikeLabel(0),) * cls.N
        labels = tuple(SpikeLabel._coerce(v, cls.__name__, "label") for v in value)
        if len(labels) != cls.N:
            raise ValueError(f"{cls.__name__} holds exactly {cls.N} labels, got {len(labels)}")
        return labels

    def _write(self, coord: Coordinate) -> list[int]:
        word = self._H
        for i, label in enumerate(self._value):
            word |= label._e << (16 * (self.N - 1 - i))
        return [word]


class SpikePack1ToChip(_SpikePack, n=1):
    """One spike label to the chip (``event_to_fpga.SpikePack1``)."""

    __slots__ = ()
    coordinate_type = SpikePack1ToChipOnDLS


class SpikePack2ToChip(_SpikePack, n=2):
    """Two spike labels to the chip in one instruction."""

    __slots__ = ()
    coordinate_type = SpikePack2ToChipOnDLS


class SpikePack3ToChip(_SpikePack, n=3):
    """Three spike labels to the chip in one instruction."""

    __slots__ = ()
    coordinate_type = SpikePack3ToChipOnDLS
