"""Pattern 7: spike counters and CADC reads with many tickets (reference §8.7)."""

from __future__ import annotations

import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection


def main() -> None:
    """Read all 512 spike counters and one CADC sample row."""
    b = stadls.PlaybackProgramBuilder()
    tickets = [b.read(c.toSpikeCounterReadOnDLS()) for c in halco.iter_all(halco.NeuronConfigOnDLS)]
    row_ticket = b.read(
        halco.CADCSampleRowOnDLS(block=halco.SynapseRowOnSynram(), synram=halco.SynramOnDLS.top)
    )
    b.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
    with ZeroMockConnection() as conn:
        stadls.run(conn, [b.done()])
    counts = [t.get().count if not t.get().overflow else None for t in tickets]
    row = row_ticket.get()
    print(
        f"{len(counts)} counters, total {sum(int(c) for c in counts if c is not None)}; {row!r:.60}"
    )


if __name__ == "__main__":
    main()
