"""Pattern 5: timed stimulus with spike injection and recording (reference §8.5).

The spikes are sent one command at a time, as in the upstream tests; ``write_spike_train``
does the same for numpy arrays in one step. The zero mock records no spikes; the chip model
will.
"""

from __future__ import annotations

import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection


def main() -> None:
    """Send ten spikes 10 µs apart and read the recorded spikes."""
    spike_times_us = [10.0 * (i + 1) for i in range(10)]
    b = stadls.PlaybackProgramBuilder()
    b.write(halco.SystimeSyncOnFPGA(), haldls.SystimeSync())
    b.write(halco.TimerOnDLS(), haldls.Timer())  # timer := 0
    for i, t_us in enumerate(spike_times_us):
        b.block_until(
            halco.TimerOnDLS(),
            haldls.Timer.Value(int(t_us * int(haldls.Timer.Value.fpga_clock_cycles_per_us))),
        )
        b.write(halco.SpikePack1ToChipOnDLS(), haldls.SpikePack1ToChip([halco.SpikeLabel(i)]))
    program = b.done()
    with ZeroMockConnection() as conn:
        stadls.run(conn, [program])
    spikes = program.spikes.to_numpy()  # dtype [('label',u2),('fpga_time',u8),('chip_time',u8)]
    print(f"{program.size_to_fpga()} instructions, {len(spikes)} spikes recorded: {spikes.dtype}")


if __name__ == "__main__":
    main()
