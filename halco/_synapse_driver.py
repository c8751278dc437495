"""Synapse drivers and PADI buses.

128 drivers per hemisphere; driver ``d`` listens on PADI bus ``d % 4`` as the ``d // 4``-th
driver of that bus, and drives synram rows ``2d`` (bottom) and ``2d + 1`` (top).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from halco._base import Mixin, Ranged
from halco._chip import TopBottom
from halco._synapse import SynapseRowOnDLS, SynapseRowOnSynapseDriver, SynapseRowOnSynram
from halco._typed_array import TypedArray

if TYPE_CHECKING:
    from halco._capmem import CapMemBlockOnDLS
    from halco._routing import CrossbarOutputOnDLS

__all__ = [
    "CommonPADIBusConfigOnDLS",
    "CommonSTPConfigOnDLS",
    "CommonSynapseDriverConfigOnDLS",
    "PADIBusBlockOnDLS",
    "PADIBusOnDLS",
    "PADIBusOnPADIBusBlock",
    "PADIEventOnDLS",
    "PADIRowSelectAddress",
    "SynapseDriverBlockOnDLS",
    "SynapseDriverOnDLS",
    "SynapseDriverOnPADIBus",
    "SynapseDriverOnSynapseDriverBlock",
    "SynapseDriverSRAMTimingConfigOnDLS",
]


_BUSES = 4


class PADIBusOnPADIBusBlock(Ranged, max=3):
    """PADI bus inside a hemisphere's bus block."""

    __slots__ = ()


class PADIBusBlockOnDLS(TopBottom):
    """PADI bus block of a hemisphere (top, bottom)."""

    __slots__ = ()


class PADIBusOnDLS(
    Mixin, local=PADIBusOnPADIBusBlock, outer=PADIBusBlockOnDLS, names=("synapse_driver", "block")
):
    """One of 8 PADI buses; equals crossbar output 0-7."""

    __slots__ = ()

    def toCrossbarOutputOnDLS(self) -> CrossbarOutputOnDLS:
        """Return the crossbar output feeding this bus (same enum)."""
        from halco._routing import CrossbarOutputOnDLS

        return CrossbarOutputOnDLS._from_enum(self._e)


class CommonPADIBusConfigOnDLS(TopBottom):
    """Common configuration of a PADI bus block."""

    __slots__ = ()


class CommonSTPConfigOnDLS(TopBottom):
    """Common short-term plasticity configuration of a hemisphere."""

    __slots__ = ()


class PADIEventOnDLS(TopBottom):
    """Software-triggered PADI event of a hemisphere."""

    __slots__ = ()


class PADIRowSelectAddress(Ranged, max=31):
    """5-bit address selecting a synapse driver on its bus."""

    __slots__ = ()


class SynapseDriverOnPADIBus(Ranged, max=31):
    """Driver index on its PADI bus."""

    __slots__ = ()

    def toSynapseDriverOnSynapseDriverBlock(self) -> TypedArray[SynapseDriverOnSynapseDriverBlock]:
        """Return the drivers at this index on each of the 4 buses, indexed by bus."""
        return TypedArray(
            PADIBusOnPADIBusBlock,
            [SynapseDriverOnSynapseDriverBlock._from_enum(self._e * _BUSES + i) for i in range(4)],
        )


class SynapseDriverOnSynapseDriverBlock(Ranged, max=127):
    """Synapse driver inside a hemisphere."""

    __slots__ = ()

    def toPADIBusOnPADIBusBlock(self) -> PADIBusOnPADIBusBlock:
        """Return the PADI bus the driver listens on (``d % 4``)."""
        return PADIBusOnPADIBusBlock._from_enum(self._e % _BUSES)

    def toSynapseDriverOnPADIBus(self) -> SynapseDriverOnPADIBus:
        """Return the driver's index on its bus (``d // 4``)."""
        return SynapseDriverOnPADIBus._from_enum(self._e // _BUSES)

    def toSynapseRowOnSynram(self) -> TypedArray[SynapseRowOnSynram]:
        """Return the two rows, indexed by ``SynapseRowOnSynapseDriver`` (top = odd row)."""
        return TypedArray(
            SynapseRowOnSynapseDriver,
            [SynapseRowOnSynram(2 * self._e + 1), SynapseRowOnSynram(2 * self._e)],
        )


class SynapseDriverBlockOnDLS(TopBottom):
    """Synapse driver block of a hemisphere."""

    __slots__ = ()


class SynapseDriverOnDLS(
    Mixin,
    local=SynapseDriverOnSynapseDriverBlock,
    outer=SynapseDriverBlockOnDLS,
    names=("synapse_driver", "block"),
):
    """One of the 256 synapse drivers."""

    __slots__ = ()

    def toCapMemBlockOnDLS(self) -> CapMemBlockOnDLS:
        """Return the CapMem block biasing the driver (``2 * hemisphere + (index odd)``)."""
        from halco._capmem import CapMemBlockOnDLS

        block, driver = self.split()
        return CapMemBlockOnDLS._from_enum(2 * block._e + driver._e % 2)

    def toSynapseRowOnDLS(self) -> tuple[SynapseRowOnDLS, SynapseRowOnDLS]:
        """Return the two synapse rows (even row first)."""
        return (
            SynapseRowOnDLS._from_enum(2 * self._e),
            SynapseRowOnDLS._from_enum(2 * self._e + 1),
        )


class CommonSynapseDriverConfigOnDLS(TopBottom):
    """Common synapse driver configuration of a hemisphere."""

    __slots__ = ()


class SynapseDriverSRAMTimingConfigOnDLS(TopBottom):
    """SRAM timing of a synapse driver block."""

    __slots__ = ()
