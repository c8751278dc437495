"""Speed of the PyNN backend end to end, against PyNN on NEST, and of building many projections.

1. The reference network of bench_analog.py (512 LIF neurons, 256 Poisson inputs at 20 kHz,
   p = 0.1 and 0.05, weights 10..40, 1 ms of hardware time, all spikes and one membrane
   recorded) through ``pynn_frontend``: setup, populations, two FromList projections, run
   (mapping, routing, configuration and the chip model), ``get_data``. The peer is the same
   script on PyNN + NEST (peers_pynn.py in the peers' environment, ``make peers``), 1 s
   biological at dt 0.1 ms. Target: at least 10x faster. Each side runs in one process several
   times and its best run counts (as timeit's; the first run of a process also fills
   caches, printed apart).
2. The Sudoku network of examples/sudoku.py (64 one-neuron views, about 700 projections):
   building and mapping (``run(None, PREPARE)``). Target: under 1 s.

Run: ``python -P benchmarks/bench_pynn.py [--check]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import pynn_frontend as pynn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # (run with -P) the network shared with the peers
sys.path.insert(0, str(HERE.parent / "examples"))
from lif_network import INPUTS, NEURONS, V_LEAK, V_RESET, V_THRESHOLD, connections  # noqa: E402
from sudoku import build as build_sudoku  # noqa: E402

PEER_TARGET = 10.0
SUDOKU_TARGET = 1.0  # s
REPEATS = 5


def end_to_end(seed: int = 1) -> tuple[float, int]:
    """Run the reference network through PyNN once; return the wall time and the spikes."""
    start = time.perf_counter()
    pynn.setup()
    cell = pynn.cells.HXNeuron(
        leak_v_leak=V_LEAK, leak_i_bias=84, threshold_v_threshold=V_THRESHOLD,
        threshold_enable=True, reset_v_reset=V_RESET, reset_i_bias=1022,
        reset_enable_multiplication=True, membrane_capacitance_capacitance=63,
        excitatory_input_enable=True, excitatory_input_i_bias_tau=60,
        excitatory_input_i_bias_gm=500, refractory_period_refractory_time=31,
    )  # fmt: skip
    neurons = pynn.Population(NEURONS, cell)
    inputs = pynn.Population(INPUTS, pynn.cells.SpikeSourcePoisson(rate=20e3, duration=1.0))
    src, tgt, w = connections(seed)
    ext = src < INPUTS
    for pre, conns in ((inputs, np.c_[src[ext], tgt[ext], w[ext]]),
                       (neurons, np.c_[src[~ext] - INPUTS, tgt[~ext], w[~ext]])):  # fmt: skip
        pynn.Projection(pre, neurons, pynn.FromListConnector(conns, column_names=["weight"]))
    neurons.record("spikes")
    neurons[0:1].record("v")
    pynn.run(1.0)
    block = neurons.get_data()
    spikes = sum(len(s) for s in block.segments[0].spiketrains)
    pynn.end()
    return time.perf_counter() - start, spikes


def peer() -> dict[str, float] | None:
    """The best of PyNN + NEST's runs in one process (peers_pynn.py), or None."""
    python = os.environ.get("PEER_PYTHON", str(HERE.parent / ".venv-peers" / "bin" / "python"))
    if not Path(python).exists():
        return None
    command = [python, str(HERE / "peers_pynn.py"), "1"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"PyNN + NEST failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def sudoku() -> tuple[float, float]:
    """Build the Sudoku network and map it; return (build, map) seconds."""
    pynn.setup()
    _, built = build_sudoku(np.full((4, 4), -1))
    start = time.perf_counter()
    pynn.run(None, pynn.RunCommand.PREPARE)
    mapped = time.perf_counter() - start
    pynn.end()
    return built, mapped


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    first, spikes = end_to_end()
    walls = [end_to_end()[0] for _ in range(REPEATS)]
    wall = min(walls)
    print(
        f"reference network end to end (setup .. get_data): {wall * 1e3:.0f} ms best of "
        f"{REPEATS} (first run of the process {first * 1e3:.0f} ms), {spikes} spikes"
    )
    ok = True
    found = peer()
    if found is None:
        print("PyNN + NEST not installed (make peers): no comparison")
    else:
        ratio = found["wall"] / wall
        faster = ratio >= PEER_TARGET
        print(
            f"  PyNN + NEST: {found['wall'] * 1e3:.0f} ms ({found['spikes']:.0f} spikes): "
            f"{ratio:.1f}x slower (target >= {PEER_TARGET:.0f}) {'ok' if faster else 'MISSED'}"
        )
        ok &= faster
    sudoku()  # (the first mapping of a process fills caches)
    built, mapped = min(sudoku() for _ in range(3))
    quick = built + mapped < SUDOKU_TARGET
    print(
        f"Sudoku network (64 views, ~700 projections): built in {built:.3f} s, mapped in "
        f"{mapped:.3f} s (target < {SUDOKU_TARGET:.0f} s) {'ok' if quick else 'MISSED'}"
    )
    ok &= quick
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
