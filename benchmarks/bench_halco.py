"""Speed of the coordinate layer against its targets and a peer measured in the same run.

Targets (issue "Foundation"): ``iter_all(SynapseOnDLS)`` (131 072 values) under 100 ms and
constructing a coordinate under 1 us. The peer is the cheapest possible Python value object
(a slotted class with one attribute), i.e. what any pure-Python coordinate must at least cost.

Run: ``python benchmarks/bench_halco.py [--check]`` (``--check`` exits 1 if a target is missed).
"""

from __future__ import annotations

import argparse
import sys
import timeit

import halco


class _Peer:
    __slots__ = ("e",)

    def __init__(self, e: int) -> None:
        self.e = e


def _best(stmt: object, number: int, repeat: int = 7) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number  # type: ignore[arg-type]


def main() -> int:
    """Measure, print figures and ratios; return 1 on a missed target with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a target is missed")
    args = parser.parse_args()

    n = halco.SynapseOnDLS.size
    iter_s = _best(lambda: list(halco.iter_all(halco.SynapseOnDLS)), number=1)
    peer_iter_s = _best(lambda: list(map(_Peer, range(n))), number=1)

    col, row = halco.NeuronColumnOnDLS(130), halco.NeuronRowOnDLS.bottom
    enum, synram = halco.Enum(1234), halco.SynramOnDLS.bottom
    quad = halco.SynapseQuadOnSynram(halco.SynapseQuadColumnOnDLS(3), halco.SynapseRowOnSynram(7))
    figures = {
        "NeuronColumnOnDLS(3)": _best(lambda: halco.NeuronColumnOnDLS(3), number=200_000),
        "AtomicNeuronOnDLS(col, row)": _best(
            lambda: halco.AtomicNeuronOnDLS(col, row), number=100_000
        ),
        "SynapseQuadOnDLS(enum)": _best(lambda: halco.SynapseQuadOnDLS(enum), number=100_000),
        "SynapseQuadOnDLS(quad, synram)": _best(
            lambda: halco.SynapseQuadOnDLS(quad, synram), number=100_000
        ),
    }
    # keyword construction parses names and converts ints: reported, not a target
    keyword = _best(lambda: halco.NeuronConfigOnDLS(neuron=2, block=3), number=100_000)
    peer_ctor = _best(lambda: _Peer(3), number=200_000)

    ok = iter_s < 0.100
    print(f"iter_all(SynapseOnDLS), {n} values: {iter_s * 1e3:7.2f} ms  (target < 100 ms, "
          f"peer {peer_iter_s * 1e3:.2f} ms, ratio {iter_s / peer_iter_s:.2f})")  # fmt: skip
    for what, seconds in figures.items():
        ok &= seconds < 1e-6
        print(f"construct {what:<38} {seconds * 1e9:7.0f} ns  (target < 1000 ns, "
              f"peer {peer_ctor * 1e9:.0f} ns, ratio {seconds / peer_ctor:.2f})")  # fmt: skip
    print(f"construct NeuronConfigOnDLS(neuron=2, block=3) {keyword * 1e9:7.0f} ns  (keywords and "
          f"ints, informational; ratio {keyword / peer_ctor:.2f})")  # fmt: skip
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
