"""The two UT message dictionaries of HX v3 (reference §6.1), as one declarative table.

A UT message is an 8-bit header (the instruction's index in its dictionary; the header's top bit
is the comma and is 0 for valid messages) followed by a right-aligned payload. To the FPGA every
message is one 64-bit word; from the FPGA messages take ``max(64, 8·ceil((8 + payload)/8))`` bits,
i.e. 64 bits except for the 3-packs of events (80 bits). Payload layouts name their fields here, so
that packing, unpacking, printing and the generic tests all read the same table.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Literal

import attrs

from fisch.errors import FieldRangeError, UnknownInstructionError

__all__ = [
    "FROM_FPGA_DICTIONARY",
    "HEADER_BITS",
    "TO_FPGA_DICTIONARY",
    "Field",
    "Instruction",
    "instructions",
]

#: Header width in bits in both directions (1 comma bit + 4 index bits, rounded up to a byte).
HEADER_BITS = 8
#: Bits of one physical word (both directions).
PHYWORD_BITS = 64

Direction = Literal["to_fpga", "from_fpga"]


@attrs.frozen
class Field:
    """One bit field of a payload: ``width`` bits starting at bit ``lsb``, values in ``[lo, hi]``.

    ``hi`` defaults to the largest value the width holds.
    """

    name: str
    lsb: int
    width: int
    lo: int = 0
    hi: int = attrs.field(default=-1)

    def __attrs_post_init__(self) -> None:
        if self.hi < 0:
            object.__setattr__(self, "hi", (1 << self.width) - 1)

    @property
    def mask(self) -> int:
        """Mask of the field's bits within the payload."""
        return ((1 << self.width) - 1) << self.lsb


def _frozen(mapping: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(mapping))


def _value(width: int) -> tuple[Field, ...]:
    return (Field("value", 0, width),) if width else ()


@attrs.frozen
class Instruction:
    """One UT instruction: where it lives in its dictionary and how its payload is laid out."""

    name: str
    index: int
    size: int
    direction: Direction
    fields: tuple[Field, ...] = ()
    constants: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen)

    @property
    def word_width(self) -> int:
        """Bits of the whole message on the wire (header + payload, aligned)."""
        if self.direction == "to_fpga":
            return PHYWORD_BITS
        return max(PHYWORD_BITS, 8 * -(-(HEADER_BITS + self.size) // 8))

    @property
    def payload_mask(self) -> int:
        """Mask of the payload bits."""
        return (1 << self.size) - 1

    def pack(self, **values: int) -> int:
        """Return the payload holding the given field values (missing fields are 0).

        Raises
        ------
        TypeError
            If a field name does not belong to this instruction.
        FieldRangeError
            If a value lies outside its field's range.
        """
        payload = 0
        known = {f.name: f for f in self.fields}
        for name, raw in values.items():
            f = known.get(name)
            if f is None:
                raise TypeError(
                    f"{self.name} has no payload field {name!r}; fields: {sorted(known)}"
                )
            try:
                v = operator.index(raw)
            except TypeError:
                raise TypeError(
                    f"{self.name} field {name} must be an int, got {type(raw).__name__} {raw!r}"
                ) from None
            if not f.lo <= v <= f.hi:
                raise FieldRangeError(
                    f"{self.name} field {name} must be in [{f.lo}, {f.hi}], got {v}"
                )
            payload |= v << f.lsb
        return payload

    def unpack(self, payload: int) -> dict[str, int]:
        """Return the field values of ``payload``.

        Raises
        ------
        FieldRangeError
            If the payload is wider than the instruction's payload.
        """
        self.check_payload(payload)
        return {f.name: (payload >> f.lsb) & ((1 << f.width) - 1) for f in self.fields}

    def check_payload(self, payload: int) -> int:
        """Return ``payload`` if it fits the payload width.

        Raises
        ------
        FieldRangeError
            If the payload is negative or wider than ``size`` bits.
        """
        if payload < 0 or payload >> self.size:
            raise FieldRangeError(
                f"{self.name} payload must be in [0, {self.payload_mask:#x}] ({self.size} bits), "
                f"got {payload:#x}"
            )
        return payload

    def encode(self, payload: int = 0) -> int:
        """Return the 64-bit to-FPGA word carrying ``payload`` (header in the top byte).

        Raises
        ------
        FieldRangeError
            If the payload does not fit.
        TypeError
            If this is a from-FPGA instruction (those have no single-word encoding).
        """
        if self.direction != "to_fpga":
            raise TypeError(f"{self.name} is a from-FPGA message; use encode_from_fpga()")
        return (self.index << (PHYWORD_BITS - HEADER_BITS)) | self.check_payload(payload)

    def __repr__(self) -> str:
        return f"<{self.direction} instruction {self.index}: {self.name} ({self.size} bit)>"


def _labels(
    n: int,
    width: int,
    extra: tuple[tuple[str, int, int], ...] = (),
) -> tuple[Field, ...]:
    """Fields of an n-pack; element 0 sits in the most significant position."""
    out: list[Field] = []
    for i in range(n):
        base = (n - 1 - i) * width
        if not extra:
            out.append(Field(f"label{i}", base, width))
        for name, lsb, w in extra:
            out.append(Field(f"{name}{i}", base + lsb, w))
    return tuple(out)


_JTAG_INS = {
    "EXTEST": 0,
    "IDCODE": 1,
    "SAMPLE_PRELOAD": 2,
    "PLL_TARGET_REG": 3,
    "SHIFT_PLL": 4,
    "OMNIBUS_ADDRESS": 5,
    "OMNIBUS_DATA": 6,
    "OMNIBUS_REQUEST": 7,
    "BYPASS": 127,
}
_BARRIER = {"omnibus": 1, "jtag": 2, "systime": 4, "multi_fpga": 8, "systime_correction": 16}
_LOOPBACK = {"halt": 0, "tick": 1}
_SPIKE = (("label", 0, 16), ("timestamp", 16, 8))
# MADC sample field: value bits 0-9, channel bit 10 (bits 11-15 carry nothing; the real
# decoder ignores them and so do we); timestamp above the 16-bit sample field.
_MADC = (("value", 0, 10), ("channel", 10, 1), ("timestamp", 16, 8))


def _make(direction: Direction) -> Callable[..., Instruction]:
    def make(
        index: int,
        name: str,
        size: int,
        fields: tuple[Field, ...] | None = None,
        constants: dict[str, int] | None = None,
    ) -> Instruction:
        f = _value(size) if fields is None else fields
        return Instruction(name, index, size, direction, f, constants or {})

    return make


_to, _from = _make("to_fpga"), _make("from_fpga")


#: To-FPGA dictionary, indexed by header.
TO_FPGA_DICTIONARY: tuple[Instruction, ...] = (
    _to(0, "to_fpga_jtag.Init", 0),
    _to(1, "to_fpga_jtag.Scaler", 8),
    _to(2, "to_fpga_jtag.Ins", 7, constants=_JTAG_INS),
    # data padded to 40 bits, num_bits padded to 8, keep_response padded to 8 (56 bits in all)
    _to(
        3,
        "to_fpga_jtag.Data",
        56,
        (
            Field("payload", 0, 33),
            Field("num_bits", 40, 8, 3, 33),
            Field("keep_response", 48, 1),
        ),
    ),
    _to(4, "timing.Setup", 0),
    _to(5, "timing.WaitUntil", 32),
    _to(6, "timing.SystimeInit", 1),
    _to(7, "timing.Barrier", 5, constants=_BARRIER),
    _to(8, "timing.PollingOmnibusBlock", 1),
    _to(9, "system.Reset", 1),
    _to(10, "system.Loopback", 1, constants=_LOOPBACK),
    _to(
        11,
        "omnibus_to_fpga.Address",
        37,
        (
            Field("address", 0, 32),
            Field("byte_enables", 32, 4),
            Field("is_read", 36, 1),
        ),
    ),
    _to(12, "omnibus_to_fpga.Data", 32),
    _to(13, "event_to_fpga.SpikePack1", 16, _labels(1, 16)),
    _to(14, "event_to_fpga.SpikePack2", 32, _labels(2, 16)),
    _to(15, "event_to_fpga.SpikePack3", 48, _labels(3, 16)),
)

#: From-FPGA dictionary, indexed by header.
FROM_FPGA_DICTIONARY: tuple[Instruction, ...] = (
    _from(0, "jtag_from_hicann.Data", 33),
    _from(1, "omnibus_from_fpga.Data", 32),
    _from(2, "from_fpga_system.Loopback", 1, constants=_LOOPBACK),
    _from(
        3,
        "from_fpga_system.HighspeedLinkNotification",
        8,
        (
            Field("check_error", 0, 1),
            Field("crc_recover", 1, 1),
            Field("crc_error", 2, 1),
            Field("decode_error", 3, 1),
            Field("link_up", 4, 1),
            Field("phy", 5, 3),
        ),
    ),
    _from(
        4,
        "from_fpga_system.TimeoutNotification",
        45,
        (
            Field("value", 0, 32),
            Field("trace_stall", 32, 7),
            Field("omnibus_reads", 39, 6),
        ),
    ),
    _from(5, "timing_from_fpga.Systime", 43),
    _from(6, "timing_from_fpga.Sysdelta", 8),
    _from(7, "event_from_fpga.MADCSamplePack1", 24, _labels(1, 24, _MADC)),
    _from(8, "event_from_fpga.MADCSamplePack2", 48, _labels(2, 24, _MADC)),
    _from(9, "event_from_fpga.MADCSamplePack3", 72, _labels(3, 24, _MADC)),
    _from(10, "event_from_fpga.SpikePack1", 24, _labels(1, 24, _SPIKE)),
    _from(11, "event_from_fpga.SpikePack2", 48, _labels(2, 24, _SPIKE)),
    _from(12, "event_from_fpga.SpikePack3", 72, _labels(3, 24, _SPIKE)),
)

#: Registry of every UT instruction, by qualified name (``"omnibus_to_fpga.Address"``).
instructions: Mapping[str, Instruction] = MappingProxyType(
    {i.name: i for i in TO_FPGA_DICTIONARY + FROM_FPGA_DICTIONARY}
)


def instruction(name: str) -> Instruction:
    """Return the instruction registered under ``name``.

    Raises
    ------
    UnknownInstructionError
        If no instruction has that name.
    """
    try:
        return instructions[name]
    except KeyError:
        raise UnknownInstructionError(
            f"no UT instruction named {name!r}; known: {', '.join(instructions)}"
        ) from None
