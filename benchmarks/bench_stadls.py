"""Speed of the stadls builder against 1 GbE wire time of the programs it builds.

Targets (issue "stadls"): building the program (through ``PlaybackProgramBuilder`` up to
``done()`` and its to-FPGA words) for (1) a whole default ``lola.Chip`` written at once and
(2) a 10,000-spike input train of ``block_until(TimerOnDLS(), Timer.Value(t))`` + spike pack
writes, through ``write_spike_train`` (numpy arrays), is faster than sending the program's
words over 1 GbE (8 bytes per instruction at 125 MB/s). The ratio printed is wire time / build
time (> 1 meets the target), with µs per builder operation. The same train written one command
at a time is printed for information: a Python call per command costs microseconds, a wire
instruction 64 ns.

Run: ``python -P benchmarks/bench_stadls.py [--check]`` (``--check`` exits 1 if a target is
missed; ``-P`` keeps the source tree off ``sys.path`` so the installed package is measured).
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable

import numpy as np

import halco
import haldls
import stadls
from haldls import lola

LINE_RATE = 125e6  # bytes per second, 1 GbE
WORD_BYTES = 8  # one 64-bit instruction


def _best(stmt: Callable[[], object], number: int = 1, repeat: int = 5) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number


def _report(name: str, seconds: float, operations: int, words: int) -> bool:
    wire = words * WORD_BYTES / LINE_RATE
    ratio = wire / seconds
    print(
        f"{name}: {operations} operations, {words} words ({words * WORD_BYTES / 1e6:.2f} MB): "
        f"build {seconds * 1e3:.2f} ms ({seconds / operations * 1e6:.2f} µs per operation), "
        f"wire {wire * 1e3:.2f} ms, ratio {ratio:.2f} {'ok' if ratio > 1 else 'MISSED'}"
    )
    return ratio > 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    ok = True

    chip = lola.Chip()

    def write_chip() -> int:
        builder = stadls.PlaybackProgramBuilder()
        builder.write(halco.ChipOnDLS(), chip)
        return len(builder.done().to_fpga_words())

    words = write_chip()  # address cache
    ok &= _report("write lola.Chip", _best(write_chip), 1, words)

    times = [int(t) for t in range(1000, 1000 + 10_000 * 125, 125)]  # one spike per µs
    labels = [halco.SpikeLabel(i % 0x4000) for i in range(10_000)]
    timer = halco.TimerOnDLS()
    pack = halco.SpikePack1ToChipOnDLS()

    def spike_train() -> int:
        builder = stadls.PlaybackProgramBuilder()
        builder.write(timer, haldls.Timer())
        for t, label in zip(times, labels, strict=True):
            builder.block_until(timer, haldls.Timer.Value(t))
            builder.write(pack, haldls.SpikePack1ToChip(labels=[label]))
        return len(builder.done().to_fpga_words())

    time_array = np.array(times, np.int64)
    label_array = np.array([int(x) for x in labels], np.int64)

    def spike_train_bulk() -> int:
        builder = stadls.PlaybackProgramBuilder()
        builder.write(timer, haldls.Timer())
        builder.write_spike_train(time_array, label_array)
        return len(builder.done().to_fpga_words())

    words = spike_train_bulk()
    ok &= _report("10,000-spike train, write_spike_train", _best(spike_train_bulk), 2 * 10_000,
                  words)  # fmt: skip
    words = spike_train()
    _report("  (informational) one command at a time", _best(spike_train, repeat=3), 2 * 10_000,
            words)  # fmt: skip

    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
