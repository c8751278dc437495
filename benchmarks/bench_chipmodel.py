"""Speed of the embedded chip model against the 1 GbE link that would feed a real FPGA.

Targets (issue "chip model I"): executing (1) a whole default ``lola.Chip`` configuration
program and (2) a 100,000-spike input program (``write_spike_train``: a wait and a spike pack per
spike) on ``ChipModelConnection`` runs at least as many instructions per second as the wire
delivers: 125 MB/s / 8 bytes = 15.6 M instructions/s. The ratio printed is model rate / wire rate
(> 1 meets the target); the time measured is ``connection.execute(words)`` alone, the program
being built beforehand.

Run: ``python -P benchmarks/bench_chipmodel.py [--check]`` (``--check`` exits 1 if a target is
missed; ``-P`` keeps the source tree off ``sys.path`` so the installed package is measured).
"""

from __future__ import annotations

import argparse
import sys
import timeit

import numpy as np
import numpy.typing as npt

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection
from haldls import lola

WIRE_RATE = 125e6 / 8  # instructions per second over 1 GbE


def _execute_rate(words: npt.NDArray[np.uint64], repeat: int = 5) -> float:
    with ChipModelConnection(seed=1) as connection:
        best = min(timeit.repeat(lambda: connection.execute(words), number=1, repeat=repeat))
    return len(words) / best


def _report(name: str, words: npt.NDArray[np.uint64]) -> bool:
    rate = _execute_rate(words)
    ratio = rate / WIRE_RATE
    print(
        f"{name}: {len(words)} instructions, {rate / 1e6:.1f} M instructions/s "
        f"(wire {WIRE_RATE / 1e6:.1f} M/s), ratio {ratio:.2f} {'ok' if ratio >= 1 else 'MISSED'}"
    )
    return ratio >= 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    ok = True

    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.ChipOnDLS(), lola.Chip())
    ok &= _report("lola.Chip configuration", builder.done().to_fpga_words())

    n = 100_000
    times = np.arange(n, dtype=np.int64) * 125 + 1000  # one spike per µs
    labels = np.arange(n, dtype=np.int64) % 0x4000
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.write_spike_train(times, labels)
    ok &= _report("100,000-spike input", builder.done().to_fpga_words())

    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
