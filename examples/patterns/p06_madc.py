"""Pattern 6: MADC recording (reference §8.6). The zero mock returns no samples."""

from __future__ import annotations

import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection


def main() -> None:
    """Configure, wake and start the MADC; read the samples."""
    b = stadls.PlaybackProgramBuilder()
    madc_cfg = haldls.MADCConfig()
    madc_cfg.number_of_samples = 20000
    b.write(halco.MADCConfigOnDLS(), madc_cfg)
    ctrl = haldls.MADCControl()
    ctrl.wake_up = True
    ctrl.enable_power_down_after_sampling = False
    b.write(halco.MADCControlOnDLS(), ctrl)
    b.write(halco.TimerOnDLS(), haldls.Timer())  # wait for the MADC to wake up, sync systime
    b.block_until(halco.TimerOnDLS(), haldls.Timer.Value(1000))
    b.write(halco.SystimeSyncOnFPGA(), haldls.SystimeSync())
    ctrl.wake_up = False
    ctrl.start_recording = True
    b.write(halco.MADCControlOnDLS(), ctrl)
    b.block_until(halco.TimerOnDLS(), haldls.Timer.Value(1000 + 20000 * 5))
    program = b.done()
    with ZeroMockConnection() as conn:
        stadls.run(conn, [program])
    samples = program.madc_samples.to_numpy()  # fields value, channel, fpga_time, chip_time
    print(f"{len(samples)} samples: {samples.dtype.names}")


if __name__ == "__main__":
    main()
