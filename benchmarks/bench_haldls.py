"""Encoding speed of the haldls containers and lola aggregates against 1 GbE wire time.

Targets (issue "haldls and lola"): encoding the full ``SynapseMatrix`` of one synram and the
whole default ``Chip`` (addresses cached, values encoded to uint32 words) is faster than sending
the same words over 1 GbE, at 8 bytes per instruction and 125 MB/s; the ratio printed is wire
time / encode time (> 1 meets the target). The encode of a single ``NeuronConfig`` to its six
words is printed in µs against a peer: building the six ints from six Python bit expressions.

Run: ``python -P benchmarks/bench_haldls.py [--check]`` (``--check`` exits 1 if a target is
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
from haldls import lola

LINE_RATE = 125e6  # bytes per second, 1 GbE
WORD_BYTES = 8  # one 64-bit instruction per register word


def _best(stmt: Callable[[], object], number: int = 1, repeat: int = 7) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number


def _wire(words: int) -> float:
    return words * WORD_BYTES / LINE_RATE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    ok = True

    rng = np.random.default_rng(1)
    matrix = lola.SynapseMatrix()
    matrix.weights = rng.integers(0, 64, (256, 256))
    matrix.labels = rng.integers(0, 64, (256, 256))
    synram = halco.SynramOnDLS(0)
    matrix.encode_write_arrays(synram)  # address cache
    t = _best(lambda: matrix.encode_write_arrays(synram), number=5)
    n = len(matrix.encode_array(synram))
    ratio = _wire(n) / t
    ok &= ratio > 1
    print(
        f"SynapseMatrix ({n} words): encode {t * 1e3:.2f} ms, wire {_wire(n) * 1e3:.2f} ms, "
        f"ratio {ratio:.2f} {'ok' if ratio > 1 else 'MISSED'}"
    )

    chip = lola.Chip()
    chip.encode_write_arrays()
    t = _best(lambda: chip.encode_write_arrays(), number=3)
    n = len(chip.encode_array())
    ratio = _wire(n) / t
    ok &= ratio > 1
    print(
        f"Chip ({n} words): encode {t * 1e3:.2f} ms, wire {_wire(n) * 1e3:.2f} ms, "
        f"ratio {ratio:.2f} {'ok' if ratio > 1 else 'MISSED'}"
    )

    config = haldls.NeuronConfig(enable_fire=True, membrane_capacitor_size=63)
    t = _best(config.encode_words, number=20_000)
    flags = [True, False, True, False, True, True]

    def peer() -> list[int]:
        return [int(flags[0]) | int(flags[1]) << 1 | int(flags[2]) << 2 for _ in range(6)]

    p = _best(peer, number=20_000)
    print(f"NeuronConfig.encode_words: {t * 1e6:.2f} µs ({t / p:.1f}x the peer, {p * 1e6:.2f} µs)")
    if args.check and not ok:
        print("a target was missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
