"""Pattern 3: write a neuron configuration and read it back (reference §8.3).

Runs on the zero mock, which answers every read with 0; on the chip model the read returns
the configuration written.
"""

from __future__ import annotations

import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection


def main() -> None:
    """Write a NeuronConfig, read it back through a ticket."""
    b = stadls.PlaybackProgramBuilder()
    cfg = haldls.NeuronConfig()
    cfg.enable_threshold_comparator = True
    cfg.membrane_capacitor_size = 63
    coord = halco.AtomicNeuronOnDLS(halco.common.Enum(5)).toNeuronConfigOnDLS()
    b.write(coord, cfg)
    ticket = b.read(coord)
    b.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
    with ZeroMockConnection() as conn:
        stadls.run(conn, [b.done()])
    print("written:", cfg)
    print("read back (zero mock):", ticket.get())


if __name__ == "__main__":
    main()
