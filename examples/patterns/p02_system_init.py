"""Pattern 2: initialise the system and run (reference §8.2)."""

from __future__ import annotations

import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection


def main() -> None:
    """Generate the SystemInit program, end it with a barrier and run it."""
    with ZeroMockConnection() as conn:
        builder, _ = stadls.SystemInit(conn.get_hwdb_entry()[0]).generate()
        builder.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
        program = builder.done()
        stadls.run(conn, [program])
    print(f"SystemInit: {program.size_to_fpga()} instructions")


if __name__ == "__main__":
    main()
