"""Chip-level coordinates: hemispheres, the chip itself, and FPGA/board singletons."""

from __future__ import annotations

from typing import Any, ClassVar

from halco._base import Mixin, Ranged

__all__ = [
    "ChipOnDLS",
    "DLSGlobal",
    "HemisphereGlobal",
    "HemisphereOnDLS",
    "TopBottom",
]


class TopBottom(Ranged, max=1):
    """A two-valued coordinate with statics ``top`` (0) and ``bottom`` (1)."""

    __slots__ = ()
    top: ClassVar[Any]
    bottom: ClassVar[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # the statics are instances of the subclass itself
        cls.top = cls._from_enum(0)
        cls.bottom = cls._from_enum(1)


class HemisphereOnDLS(TopBottom):
    """One of the two chip halves (top, bottom)."""

    __slots__ = ()


class ChipOnDLS(Ranged, max=0):
    """The chip as a whole."""

    __slots__ = ()


class DLSGlobal(Ranged, max=254):
    """A chip among many setups (global index)."""

    __slots__ = ()


class HemisphereGlobal(Mixin, local=HemisphereOnDLS, outer=DLSGlobal, names=("half", "dls")):
    """A hemisphere of a globally indexed chip."""

    __slots__ = ()
