"""Pattern 10: load, start, poll and stop a PPU program from an ELF file; the reinit stack (§8.10).

Usage: ``python p10_ppu_program.py [program.elf]``. Without an argument it loads
``data/ppu_example.elf``: a tiny hand-assembled program that stores 42 as its return code and
sleeps. The zero mock runs no PPU (its status never reads ``sleep``), so polling gives up after a
few rounds there; the loading words are what real hardware would receive.
"""

from __future__ import annotations

import pathlib
import sys

import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection
from haldls import lola

EXAMPLE = pathlib.Path(__file__).parent / "data" / "ppu_example.elf"
PPU = halco.PPUOnDLS.top
POLLS = 3
POLL_INTERVAL = 125 * 10  # FPGA clock cycles (10 us)


def load_and_start(program: lola.PPUElfFile.Memory) -> stadls.PlaybackProgram:
    """Return a program that holds the PPU in reset, loads ``program`` and lets it run."""
    b = stadls.PlaybackProgramBuilder()
    ctrl = haldls.PPUControlRegister()
    ctrl.inhibit_reset = False
    b.write(PPU.toPPUControlRegisterOnDLS(), ctrl)  # hold in reset
    last = halco.PPUMemoryWordOnPPU(int(program.internal.size()) - 1)
    block = halco.PPUMemoryBlockOnPPU(halco.PPUMemoryWordOnPPU(0), last)
    b.write(halco.PPUMemoryBlockOnDLS(block, PPU), program.internal)
    if program.external is not None:
        byte = halco.ExternalPPUMemoryByteOnFPGA
        size = len(program.external.bytes)
        b.write(halco.ExternalPPUMemoryBlockOnFPGA(byte(0), byte(size - 1)), program.external)
    if program.external_dram is not None:
        dram = halco.ExternalPPUDRAMMemoryByteOnFPGA
        size = len(program.external_dram.bytes)
        coord = halco.ExternalPPUDRAMMemoryBlockOnFPGA(dram(0), dram(size - 1))
        b.write(coord, program.external_dram)
    ctrl.inhibit_reset = True
    b.write(PPU.toPPUControlRegisterOnDLS(), ctrl)  # run
    b.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
    return b.done()


def main(path: str | pathlib.Path = EXAMPLE) -> None:
    """Load the program, start it with a reinit entry, poll until it sleeps, stop it."""
    elf = lola.PPUElfFile(path)
    program = elf.read_program()
    for name, symbol in sorted(elf.read_symbols().items()):
        print(f"symbol {name}: {symbol.type.name} at {symbol.coordinate!r}")
    init = load_and_start(program)
    print(f"loading: {len(init.to_fpga_words())} words to the FPGA")
    with ZeroMockConnection() as conn:
        # replayed whenever a scheduler hands the hardware back; enforced: runs now
        reinit = stadls.ReinitStackEntry(conn)
        reinit.set([init], enforce=True)
        for poll in range(1, POLLS + 1):
            b = stadls.PlaybackProgramBuilder()
            b.write(halco.TimerOnDLS(), haldls.Timer())
            b.block_until(halco.TimerOnDLS(), haldls.Timer.Value(POLL_INTERVAL))
            status = b.read(PPU.toPPUStatusRegisterOnDLS())
            code = b.read(halco.PPUMemoryWordOnDLS(halco.PPUMemoryWordOnPPU.return_code, PPU))
            stadls.run(conn, b.done())
            if status.get().sleep:
                print(f"asleep after {poll} polls, return code {int(code.get().value)}")
                break
        else:
            print(f"still running after {POLLS} polls (nothing executes PPU code here)")
        stop = stadls.PlaybackProgramBuilder()
        stop.write(PPU.toPPUControlRegisterOnDLS(), haldls.PPUControlRegister())  # reset again
        stadls.run(conn, stop.done())
        reinit.pop()


if __name__ == "__main__":
    main(*sys.argv[1:2])
