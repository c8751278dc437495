"""The reference LIF network of bench_analog.py through PyNN on NEST, end to end.

Runs in the peers' environment (``make peers``: NEST 3.10 and PyNN 0.13 there): setup, the
populations (IF_curr_exp with the biological parameters of peers_lif.py, 256 Poisson inputs at
20 Hz), the two projections from lif_network's connection lists, 1 s biological at dt 0.1 ms,
all spikes and one membrane recorded, ``get_data``, five times in this process. Prints one JSON
line: the best wall time of all of it (imports excluded) and its spikes.

Run: ``.venv-peers/bin/python benchmarks/peers_pynn.py [seed]``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyNN.nest as sim
from lif_network import INPUTS, NEURONS, V_RESET_MV, V_TH_MV, connections

PA_PER_LSB = 80.0  # peers_lif.py: 80 pA per weight LSB
REPEATS = 5  # runs in this process; the best counts, as for the chip model


def main(seed: int) -> dict[str, float]:
    """Build, run and read back the network; return the wall time and the spikes."""
    start = time.perf_counter()
    sim.setup(timestep=0.1, min_delay=0.1)
    cell = sim.IF_curr_exp(
        cm=0.25, tau_m=10.0, tau_syn_E=5.0, tau_refrac=2.0, v_rest=0.0,
        v_thresh=V_TH_MV, v_reset=V_RESET_MV,
    )  # fmt: skip
    neurons = sim.Population(NEURONS, cell, initial_values={"v": 0.0})
    inputs = sim.Population(INPUTS, sim.SpikeSourcePoisson(rate=20.0))
    src, tgt, w = connections(seed)
    ext = src < INPUTS
    nA = w * PA_PER_LSB * 1e-3
    pairs = [(inputs, np.c_[src[ext], tgt[ext], nA[ext]]),
             (neurons, np.c_[src[~ext] - INPUTS, tgt[~ext], nA[~ext]])]  # fmt: skip
    for pre, conns in pairs:
        sim.Projection(pre, neurons, sim.FromListConnector(conns, column_names=["weight"]))
    neurons.record("spikes")
    neurons[0:1].record("v")
    sim.run(1000.0)
    block = neurons.get_data()
    spikes = sum(len(s) for s in block.segments[0].spiketrains)
    sim.end()
    return {"wall": time.perf_counter() - start, "spikes": float(spikes)}


if __name__ == "__main__":
    runs = [main(int(sys.argv[1]) if len(sys.argv) > 1 else 1) for _ in range(REPEATS)]
    print(json.dumps(min(runs, key=lambda r: r["wall"])))
