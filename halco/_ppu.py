"""Plasticity processing units (PPUs) and their memories, on chip and FPGA-side."""

from __future__ import annotations

from typing import ClassVar

from halco._base import Interval, Mixin, Ranged
from halco._chip import TopBottom

__all__ = [
    "ExternalPPUDRAMMemoryBlockOnFPGA",
    "ExternalPPUDRAMMemoryBlockSize",
    "ExternalPPUDRAMMemoryByteOnFPGA",
    "ExternalPPUDRAMMemoryOnFPGA",
    "ExternalPPUDRAMMemoryQuadOnFPGA",
    "ExternalPPUMemoryBlockOnFPGA",
    "ExternalPPUMemoryBlockSize",
    "ExternalPPUMemoryByteOnFPGA",
    "ExternalPPUMemoryOnFPGA",
    "ExternalPPUMemoryQuadOnFPGA",
    "PPUControlRegisterOnDLS",
    "PPUMemoryBlockOnDLS",
    "PPUMemoryBlockOnPPU",
    "PPUMemoryBlockSize",
    "PPUMemoryOnDLS",
    "PPUMemoryWordOnDLS",
    "PPUMemoryWordOnPPU",
    "PPUOnDLS",
    "PPUStatusRegisterOnDLS",
]


class PPUOnDLS(TopBottom):
    """One of the two PPUs (top, bottom)."""

    __slots__ = ()


class PPUMemoryOnDLS(TopBottom):
    """Whole memory of a PPU."""

    __slots__ = ()


class PPUControlRegisterOnDLS(TopBottom):
    """Control register of a PPU."""

    __slots__ = ()


class PPUStatusRegisterOnDLS(TopBottom):
    """Status register of a PPU."""

    __slots__ = ()


class PPUMemoryWordOnPPU(Ranged, max=0x1000 - 1):
    """32-bit word of a PPU's 16 KiB memory; ``return_code`` is word 3071."""

    __slots__ = ()
    return_code: ClassVar[PPUMemoryWordOnPPU]


PPUMemoryWordOnPPU.return_code = PPUMemoryWordOnPPU(3071)


class PPUMemoryBlockSize(Ranged, min=1, max=PPUMemoryWordOnPPU.size):
    """Length of a block of PPU memory words."""

    __slots__ = ()


class PPUMemoryBlockOnPPU(Interval, of=PPUMemoryWordOnPPU):
    """Contiguous words ``[min, max]`` of a PPU memory; ``mailbox`` is 3072-4095."""

    __slots__ = ()
    mailbox: ClassVar[PPUMemoryBlockOnPPU]

    def toPPUMemoryBlockSize(self) -> PPUMemoryBlockSize:
        """Return the number of words."""
        return PPUMemoryBlockSize(self.length())


PPUMemoryBlockOnPPU.mailbox = PPUMemoryBlockOnPPU(
    PPUMemoryWordOnPPU(3072), PPUMemoryWordOnPPU(4095)
)


class PPUMemoryWordOnDLS(Mixin, local=PPUMemoryWordOnPPU, outer=PPUOnDLS, names=("word", "ppu")):
    """A word of either PPU memory (8 192 words)."""

    __slots__ = ()


class PPUMemoryBlockOnDLS(Mixin, local=PPUMemoryBlockOnPPU, outer=PPUOnDLS, names=("reg", "ppu")):
    """A block of words of either PPU memory."""

    __slots__ = ()

    def toPPUMemoryBlockSize(self) -> PPUMemoryBlockSize:
        """Return the number of words."""
        return self._local().toPPUMemoryBlockSize()

    def length(self) -> int:
        """Return the number of words."""
        return self._local().length()


class ExternalPPUMemoryByteOnFPGA(Ranged, max=0x20000 - 1):
    """Byte of the FPGA-side 128 KiB PPU memory."""

    __slots__ = ()


class ExternalPPUMemoryQuadOnFPGA(Ranged, max=0x8000 - 1):
    """32-bit quad of the FPGA-side PPU memory."""

    __slots__ = ()


class ExternalPPUMemoryBlockSize(Ranged, min=1, max=ExternalPPUMemoryByteOnFPGA.size):
    """Length of a block of external PPU memory bytes."""

    __slots__ = ()


class ExternalPPUMemoryBlockOnFPGA(Interval, of=ExternalPPUMemoryByteOnFPGA):
    """Contiguous bytes of the FPGA-side PPU memory."""

    __slots__ = ()

    def toExternalPPUMemoryBlockSize(self) -> ExternalPPUMemoryBlockSize:
        """Return the number of bytes."""
        return ExternalPPUMemoryBlockSize(self.length())


class ExternalPPUMemoryOnFPGA(Ranged, max=0):
    """The whole FPGA-side PPU memory."""

    __slots__ = ()


class ExternalPPUDRAMMemoryByteOnFPGA(Ranged, max=0x10000000 - 1):
    """Byte of the 256 MiB FPGA-side PPU DRAM."""

    __slots__ = ()


class ExternalPPUDRAMMemoryQuadOnFPGA(Ranged, max=0x4000000 - 1):
    """32-bit quad of the FPGA-side PPU DRAM."""

    __slots__ = ()


class ExternalPPUDRAMMemoryBlockSize(Ranged, min=1, max=ExternalPPUDRAMMemoryByteOnFPGA.size):
    """Length of a block of PPU DRAM bytes."""

    __slots__ = ()


class ExternalPPUDRAMMemoryBlockOnFPGA(Interval, of=ExternalPPUDRAMMemoryByteOnFPGA):
    """Contiguous bytes of the PPU DRAM."""

    __slots__ = ()

    def toExternalPPUDRAMMemoryBlockSize(self) -> ExternalPPUDRAMMemoryBlockSize:
        """Return the number of bytes."""
        return ExternalPPUDRAMMemoryBlockSize(self.length())


class ExternalPPUDRAMMemoryOnFPGA(Ranged, max=0):
    """The whole PPU DRAM."""

    __slots__ = ()
