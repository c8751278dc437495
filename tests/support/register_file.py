"""A test connection that stores Omnibus writes and answers Omnibus reads from them.

Not a chip: no trigger, status or analog behaviour, only a register file (absent addresses read
0; byte enables honoured), so that writes read back through the real word path before the chip
model exists. JTAG reads answer 0; loopbacks are echoed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

import fisch
from fisch.connection import ConnectionBase

_ADDRESS = fisch.instruction("omnibus_to_fpga.Address").index
_DATA = fisch.instruction("omnibus_to_fpga.Data").index
_JTAG_DATA = fisch.instruction("to_fpga_jtag.Data").index
_LOOPBACK = fisch.instruction("system.Loopback").index
_FROM_OMNIBUS = fisch.instruction("omnibus_from_fpga.Data").index
_FROM_JTAG = fisch.instruction("jtag_from_hicann.Data").index
_FROM_LOOPBACK = fisch.instruction("from_fpga_system.Loopback").index


class RegisterFileConnection(ConnectionBase):
    """Stores Omnibus writes (``registers``) and answers Omnibus reads with them."""

    def __init__(self) -> None:
        super().__init__()
        self.registers: dict[int, int] = {}

    def _execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        headers, payloads = fisch.decode_to_fpga(words)
        out_h: list[int] = []
        out_p: list[int] = []
        pending: tuple[int, int] | None = None
        for h, p in zip(headers.tolist(), payloads.tolist(), strict=True):
            if h == _ADDRESS:
                address, enables, is_read = p & 0xFFFF_FFFF, (p >> 32) & 0xF, (p >> 36) & 1
                if is_read:
                    out_h.append(_FROM_OMNIBUS)
                    out_p.append(self.registers.get(address, 0))
                else:
                    pending = (address, enables)
            elif h == _DATA and pending is not None:
                address, enables = pending
                mask = sum(0xFF << 8 * i for i in range(4) if enables >> i & 1)
                old = self.registers.get(address, 0)
                self.registers[address] = old & ~mask | p & mask
                pending = None
            elif h == _JTAG_DATA and (p >> 48) & 1:
                out_h.append(_FROM_JTAG)
                out_p.append(0)
            elif h == _LOOPBACK:
                out_h.append(_FROM_LOOPBACK)
                out_p.append(p)
        return fisch.encode_from_fpga(out_h, out_p)
