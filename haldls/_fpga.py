"""Playback-executor containers and block-until conditions (timer, barrier, polling, resets).

Also systime sync, spike packs and the JTAG controls. These travel as dedicated fisch
instructions rather than Omnibus words (reference §2.4, §4.1), except
``PollingOmnibusBlockConfig`` (three FPGA executor registers). A ``BlockUntil`` is no container
but a condition that stalls the playback executor: ``Timer.Value``, ``Barrier`` and
``PollingOmnibusBlock``.

>>> [type(w).__name__ for _, w in Timer.Value(125).encode_block_until()]
['WaitUntil']
>>> Barrier.omnibus.encode_block_until()[0][1] == fisch.Barrier.omnibus
True
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, ClassVar

import fisch
from halco import (
    BarrierOnFPGA,
    EventRecordingConfigOnFPGA,
    FPGADeviceDNAOnFPGA,
    HicannARQStatusOnFPGA,
    InstructionTimeoutConfigOnFPGA,
    JTAGClockScalerOnDLS,
    JTAGIdCodeOnDLS,
    PerfTestOnFPGA,
    PerfTestStatusOnFPGA,
    PollingOmnibusBlockConfigOnFPGA,
    PollingOmnibusBlockOnFPGA,
    ResetChipOnDLS,
    ResetJTAGTapOnDLS,
    SpikeLabel,
    SpikePack1ToChipOnDLS,
    SpikePack2ToChipOnDLS,
    SpikePack3ToChipOnDLS,
    SystimeCorrectionBarrierConfigOnFPGA,
    SystimeSyncOnFPGA,
    TimerOnDLS,
)
from halco.common import BaseType, Coordinate, Ranged
from haldls._container import Container
from haldls._field import ArrayField, Field, Seg, at
from haldls._struct import Struct

__all__ = [
    "Barrier",
    "BlockUntil",
    "EventRecordingConfig",
    "FPGADeviceDNA",
    "HicannARQStatus",
    "InstructionTimeoutConfig",
    "JTAGClockScaler",
    "JTAGIdCode",
    "PerfTest",
    "PerfTestStatus",
    "PollingOmnibusBlock",
    "PollingOmnibusBlockConfig",
    "ResetChip",
    "ResetJTAGTap",
    "SpikePack1ToChip",
    "SpikePack2ToChip",
    "SpikePack3ToChip",
    "SystimeCorrectionBarrierConfig",
    "SystimeSync",
    "Timer",
    "block_untils",
]

_block_untils: dict[str, type[Any]] = {}
#: Registry of the block-until condition types, by name.
block_untils = MappingProxyType(_block_untils)

#: FPGA playback executor register file (reference §2.2).
EXECUTOR_BASE = 0x8800_0000
_FPGA = (fisch.Omnibus,)


class BlockUntil:
    """A condition the playback executor waits for; ``encode_block_until`` gives its words.

    Subclasses set ``coordinate_type`` (where the condition is evaluated) and register
    themselves in ``block_untils``.
    """

    __slots__ = ()
    coordinate_type: ClassVar[type[Coordinate]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _block_untils[cls.__qualname__] = cls

    def _words(self) -> list[fisch.Container]:  # pragma: no cover - abstract
        raise NotImplementedError

    def encode_block_until(self, coord: Any = None) -> list[tuple[Coordinate, fisch.Container]]:
        """Return the (fisch coordinate, fisch word) pairs that block until the condition holds.

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is given and is not a ``coordinate_type``.
        """
        if coord is not None:
            self.coordinate_type._coerce(coord, type(self).__qualname__, "coordinate")
        return [(type(w).coordinate_type(), w) for w in self._words()]


class _TimerValue(BaseType, BlockUntil, bits=32):
    """FPGA clock cycles (125 MHz); as a block-until: wait until the timer reaches it."""

    __slots__ = ()
    #: Where users wait for it, ``block_until(TimerOnDLS(), Timer.Value(t))``, as upstream;
    #: the word it becomes is a ``WaitUntil`` at ``WaitUntilOnFPGA``.
    coordinate_type = TimerOnDLS
    #: Clock cycles per microsecond.
    fpga_clock_cycles_per_us: ClassVar[_TimerValue]

    def _words(self) -> list[fisch.Container]:
        return [fisch.WaitUntil(self._e)]


_TimerValue.__name__, _TimerValue.__qualname__ = "Value", "Timer.Value"
_block_untils["Timer.Value"] = _block_untils.pop("_TimerValue")
_TimerValue.fpga_clock_cycles_per_us = _TimerValue(fisch.FPGA_CLOCK_CYCLES_PER_US)


class Timer(Container):
    """The FPGA timer ``Timer.Value`` conditions compare with.

    Writing resets it: the hardware takes no value but 0, and fisch refuses any other when the
    write is encoded. Reading returns the current count.
    """

    coordinate_type = TimerOnDLS
    base_address = 0
    backends = (fisch.Timer,)
    Value = _TimerValue
    value = Field(_TimerValue, at(0, 0, 32))


class Barrier(Struct, BlockUntil):
    """Wait until the selected kinds of outstanding responses have arrived.

    Statics ``Barrier.omnibus``, ``.jtag``, ``.systime``, ``.multi_fpga``,
    ``.systime_correction`` select one kind each.
    """

    coordinate_type = BarrierOnFPGA
    enable_omnibus = Field(bool)
    enable_jtag = Field(bool)
    enable_systime = Field(bool)
    enable_multi_fpga = Field(bool)
    enable_systime_correction = Field(bool)
    omnibus: ClassVar[Barrier]
    jtag: ClassVar[Barrier]
    systime: ClassVar[Barrier]
    multi_fpga: ClassVar[Barrier]
    systime_correction: ClassVar[Barrier]

    def _words(self) -> list[fisch.Container]:
        mask = sum(1 << i for i, (_, on) in enumerate(self.fields()) if on)
        return [fisch.Barrier(mask)]


for _bit, _kind in enumerate(("omnibus", "jtag", "systime", "multi_fpga", "systime_correction")):
    assert int(getattr(fisch.Barrier.Value, _kind)) == 1 << _bit  # same bit order as fisch
    setattr(Barrier, _kind, Barrier(**{f"enable_{_kind}": True}))


class PollingOmnibusBlock(Struct, BlockUntil):
    """Wait until ``(*address & mask) == target`` (or ``!=`` when not expecting equality).

    Address, mask and target are set by ``PollingOmnibusBlockConfig``.
    """

    coordinate_type = PollingOmnibusBlockOnFPGA
    enable_expects_equality = Field(bool, default=True)

    def _words(self) -> list[fisch.Container]:
        return [fisch.PollingOmnibusBlock(self.enable_expects_equality)]


class PollingOmnibusBlockConfig(Container):
    """Address, mask and target a ``PollingOmnibusBlock`` compares (FPGA executor registers).

    Words are address, target, mask at executor registers 6, 7, 8.
    """

    class Address(BaseType, bits=32):
        """Omnibus address polled."""

        __slots__ = ()

    class Value(BaseType, bits=32):
        """A 32-bit data word."""

        __slots__ = ()

    coordinate_type = PollingOmnibusBlockConfigOnFPGA
    base_address = EXECUTOR_BASE + 6
    words = 3
    backends = (fisch.Omnibus,)
    address = Field(Address, at(0, 0, 32))
    target = Field(Value, at(1, 0, 32))
    mask = Field(Value, at(2, 0, 32))


class _Flag(Container, register=False):
    """A one-bit instruction payload (systime sync, chip reset)."""

    base_address = 0

    @classmethod
    def _to_fisch(cls, word: type[fisch.Container], ints: list[int]) -> list[fisch.Container]:
        return [word(bool(w)) for w in ints]


class SystimeSync(_Flag):
    """Synchronise FPGA and chip system time (``do_sync=True``); write only."""

    coordinate_type = SystimeSyncOnFPGA
    backends = (fisch.SystimeSync,)
    is_readable = False
    do_sync = Field(bool, at(0, 0), default=True)


class ResetChip(_Flag):
    """The chip's reset line (``value=True`` holds the chip in reset); write only."""

    coordinate_type = ResetChipOnDLS
    backends = (fisch.ResetChip,)
    is_readable = False
    value = Field(bool, at(0, 0))


class _SpikePack(Container, register=False):
    """N spike labels injected into the chip in one instruction; write only.

    The register word packs the labels 16 bit each, the first label most significant, as the
    fisch instruction does.
    """

    is_readable = False
    base_address = 0
    N: ClassVar[int]

    def __init_subclass__(cls, n: int = 0, **kwargs: Any) -> None:
        if n:
            cls.N, cls.word_bits = n, 16 * n

            class Entry(Ranged, max=n - 1):
                __slots__ = ()

            Entry.__qualname__ = f"{cls.__name__}.Entry"
            Entry.__doc__ = f"Index of a label in the pack, 0..{n - 1}."
            cls.Entry = Entry  # type: ignore[attr-defined]
            labels = ArrayField(Entry, SpikeLabel, lambda i: at(0, 16 * (n - 1 - i), 16))
            labels.__set_name__(cls, "labels")
            cls.labels = labels  # type: ignore[attr-defined]
        super().__init_subclass__(**kwargs)

    @classmethod
    def _to_fisch(cls, word: type[fisch.Container], ints: list[int]) -> list[fisch.Container]:
        n = cls.N
        return [word(tuple((w >> (16 * (n - 1 - i))) & 0xFFFF for i in range(n))) for w in ints]

    @classmethod
    def _from_fisch(cls, w: Any) -> int:
        if isinstance(w, cls.backends[0]):
            labels = w.get()
            return sum(int(v) << (16 * (cls.N - 1 - i)) for i, v in enumerate(labels))
        return super()._from_fisch(w)


class SpikePack1ToChip(_SpikePack, n=1):
    """One spike label to the chip."""

    coordinate_type = SpikePack1ToChipOnDLS
    backends = (fisch.SpikePack1ToChip,)


class SpikePack2ToChip(_SpikePack, n=2):
    """Two spike labels to the chip in one instruction."""

    coordinate_type = SpikePack2ToChipOnDLS
    backends = (fisch.SpikePack2ToChip,)


class SpikePack3ToChip(_SpikePack, n=3):
    """Three spike labels to the chip in one instruction."""

    coordinate_type = SpikePack3ToChipOnDLS
    backends = (fisch.SpikePack3ToChip,)


class JTAGClockScaler(Container):
    """Divider of the JTAG clock (default 6, as the real stack); write only."""

    class Value(Ranged, max=0xFF):
        """Clock divider."""

        __slots__ = ()

    coordinate_type = JTAGClockScalerOnDLS
    base_address = 0
    backends = (fisch.JTAGClockScaler,)
    is_readable = False
    value = Field(Value, at(0, 0, 8), default=6)


class ResetJTAGTap(Container):
    """Reset the chip's JTAG TAP controller; write only, no fields."""

    coordinate_type = ResetJTAGTapOnDLS
    base_address = 0
    backends = (fisch.ResetJTAGTap,)
    is_readable = False

    @classmethod
    def _to_fisch(cls, word: type[fisch.Container], ints: list[int]) -> list[fisch.Container]:
        return [word() for _ in ints]


class JTAGIdCode(Container):
    """The chip's JTAG identification word; read only.

    Bit 0 is a marker the chip always returns as 1; a 0 there is a broken JTAG chain and
    decoding fails.
    """

    class Version(Ranged, max=0xF):
        """Chip version."""

        __slots__ = ()

    class PartNumber(Ranged, max=0xFFFF):
        """Part number."""

        __slots__ = ()

    class ManufacturerId(Ranged, max=0x7FF):
        """JEDEC manufacturer id."""

        __slots__ = ()

    coordinate_type = JTAGIdCodeOnDLS
    base_address = 0
    backends = (fisch.JTAGIdCode,)
    is_writable = False
    _fixed = (1,)
    manufacturer_id = Field(ManufacturerId, at(0, 1, 11))
    part_number = Field(PartNumber, at(0, 12, 16))
    version = Field(Version, at(0, 28, 4))


# -- FPGA registers ------------------------------------------------------------------------------
class EventRecordingConfig(Container):
    """Whether the FPGA forwards recorded events (spikes, MADC samples) to the host."""

    coordinate_type = EventRecordingConfigOnFPGA
    base_address = EXECUTOR_BASE + 0x5
    words = 1
    backends = _FPGA
    enable_event_recording = Field(bool, at(0, 0))


class InstructionTimeoutConfig(Container):
    """Playback executor's timeout per instruction, in FPGA cycles (default 10 ms)."""

    coordinate_type = InstructionTimeoutConfigOnFPGA
    base_address = EXECUTOR_BASE + 0x9
    words = 1
    backends = _FPGA

    class Value(BaseType, bits=32):
        """Timeout in 125 MHz FPGA cycles (upstream: the Timer value type)."""

        __slots__ = ()

    value = Field(Value, at(0, 0, 32), default=1_250_000)


class SystimeCorrectionBarrierConfig(Container):
    """Whether the systime correction barrier raises an interrupt."""

    coordinate_type = SystimeCorrectionBarrierConfigOnFPGA
    base_address = EXECUTOR_BASE + 0xB
    words = 1
    backends = _FPGA
    enable_interrupt = Field(bool, at(0, 0))


class FPGADeviceDNA(Container):
    """Unique 57-bit id of the FPGA (read-only): high 25 bits first, then the low 32 bits."""

    coordinate_type = FPGADeviceDNAOnFPGA
    base_address = EXECUTOR_BASE + 0x3
    words = 2
    backends = _FPGA
    is_writable = False

    class Value(Ranged, max=(1 << 57) - 1):
        """Device DNA."""

        __slots__ = ()

    value = Field(Value, (Seg(1, 0, 32), Seg(0, 0, 25)))


# -- highspeed-link diagnostics (reference §2.2: perftest at 0x8800_8000, L2 at 0x8800_C000) -----
PERFTEST_BASE = 0x8800_8000
HICANN_ARQ_STATUS_BASE = 0x8800_C010


class _Count(BaseType, bits=32):
    """A 32-bit event counter."""

    __slots__ = ()


class HicannARQStatus(Container):
    """Word counters of the FPGA's ARQ to the chip (read-only).

    Four words from 0x8800_C010: write, tx, rx, then read count.
    """

    coordinate_type = HicannARQStatusOnFPGA
    base_address = HICANN_ARQ_STATUS_BASE
    words = 4
    backends = _FPGA
    is_writable = False
    ReadCount = WriteCount = RxCount = TxCount = _Count
    read_count = Field(_Count, at(3, 0, 32), doc="Words the ARQ took from the chip.")
    write_count = Field(_Count, at(0, 0, 32), doc="Words the ARQ took from the FPGA.")
    rx_count = Field(_Count, at(2, 0, 32), doc="Words sent from the chip to the FPGA.")
    tx_count = Field(_Count, at(1, 0, 32), doc="Words sent from the FPGA to the chip.")


class PerfTest(Container):
    """Whether the FPGA's link performance test runs (test words to the chip and back)."""

    coordinate_type = PerfTestOnFPGA
    base_address = PERFTEST_BASE
    words = 1
    backends = _FPGA
    enable = Field(bool, at(0, 0))


class PerfTestStatus(Container):
    """Result of the link performance test (read-only), from 0x8800_8001 on.

    ``error_word`` is the first payload that did not follow its predecessor.
    """

    coordinate_type = PerfTestStatusOnFPGA
    base_address = PERFTEST_BASE + 1
    words = 4
    backends = _FPGA
    is_writable = False
    Sent = Received = InOrder = ErrorWord = _Count
    sent = Field(_Count, at(0, 0, 32), doc="Test words sent.")
    received = Field(_Count, at(1, 0, 32), doc="Test words received.")
    in_order = Field(_Count, at(2, 0, 32), doc="Test words received in order.")
    error_word = Field(_Count, at(3, 0, 32), doc="First out-of-order payload.")
