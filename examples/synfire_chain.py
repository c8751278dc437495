"""A synfire chain (the tutorial's fp_synfireChain, demo 3) on the chip model.

Eight links of 7 excitatory and 7 inhibitory neurons. A stimulus (a burst of 5 spikes)
starts link 0; each link's excitatory neurons excite the next link's excitatory and inhibitory
neurons, and each link's inhibitory neurons silence their own link's excitatory ones, so
activity travels down the chain as a short volley per link. Weights as the tutorial's
solution: stimulus 63/63, exc->exc 60, exc->inh 20, inh->exc -15. The neurons are uncalibrated
(raw parameters): a leak potential 20-30 mV below the threshold, which the chip's fixed
pattern spreads. Writes the raster to ``synfire_chain.png`` and prints each link's
first spike and firing window. Run: ``python synfire_chain.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # (a file, no window)
import matplotlib.pyplot as plt
import numpy as np

import pynn_frontend as pynn
from fisch.connection import ChipModelConnection

LINKS, SIZE = 8, 7
#: A neuron at rest below its threshold, with both synaptic inputs (hardware units).
NEURON = {
    "leak_v_leak": 506,
    "leak_i_bias": 300,
    "threshold_v_threshold": 300,
    "threshold_enable": True,
    "reset_v_reset": 400,
    "reset_i_bias": 1022,
    "reset_enable_multiplication": True,
    "membrane_capacitance_capacitance": 63,
    "refractory_period_refractory_time": 50,
    "excitatory_input_enable": True,
    "excitatory_input_i_bias_tau": 200,
    "excitatory_input_i_bias_gm": 1000,
    "inhibitory_input_enable": True,
    "inhibitory_input_i_bias_tau": 200,
    "inhibitory_input_i_bias_gm": 1000,
}
WEIGHTS = {"stim_exc": 63, "stim_inh": 63, "exc_exc": 60, "exc_inh": 20, "inh_exc": -15}


def run_chain(
    weights: dict[str, int] | None = None, runtime: float = 0.05, seed: int | None = None
) -> list[list[np.ndarray]]:
    """Run the chain; return per link the spike trains (ms) of its excitatory neurons.

    `seed`: the chip model's (its fixed pattern and noise), else the default chip.
    """
    w = {**WEIGHTS, **(weights or {})}
    if seed is None:
        pynn.setup()
    else:
        pynn.setup(connection=ChipModelConnection(seed=seed))
    exc = [pynn.Population(SIZE, pynn.cells.HXNeuron(**NEURON)) for _ in range(LINKS)]
    inh = [pynn.Population(SIZE, pynn.cells.HXNeuron(**NEURON)) for _ in range(LINKS)]
    stimulus = pynn.Population(
        1, pynn.cells.SpikeSourceArray(spike_times=[0.01, 0.0102, 0.0104, 0.0106, 0.0108])
    )
    static, all_to_all = pynn.synapses.StaticSynapse, pynn.AllToAllConnector()
    pynn.Projection(stimulus, exc[0], all_to_all, static(weight=w["stim_exc"]))
    pynn.Projection(stimulus, inh[0], all_to_all, static(weight=w["stim_inh"]))
    for i in range(LINKS):
        pynn.Projection(
            inh[i], exc[i], all_to_all, static(weight=w["inh_exc"]), receptor_type="inhibitory"
        )
        if i + 1 < LINKS:
            pynn.Projection(exc[i], exc[i + 1], all_to_all, static(weight=w["exc_exc"]))
            pynn.Projection(exc[i], inh[i + 1], all_to_all, static(weight=w["exc_inh"]))
    for pop in exc:
        pop.record("spikes")
    pynn.run(runtime)
    trains = [
        [np.asarray(s.magnitude) for s in pop.get_data().segments[-1].spiketrains] for pop in exc
    ]
    pynn.end()
    return trains


def summary(trains: list[list[np.ndarray]]) -> list[tuple[float, float, int]]:
    """Per link: (first spike, last spike, spikes); NaN times for a silent link."""
    out = []
    for link in trains:
        spikes = np.concatenate(link)
        if spikes.size == 0:
            out.append((float("nan"), float("nan"), 0))
        else:
            out.append((float(spikes.min()), float(spikes.max()), int(spikes.size)))
    return out


def main(out: Path) -> None:
    """Run the chain with the solution weights and without inhibition; plot and print."""
    trains = run_chain()
    fig, ax = plt.subplots()
    for i, link in enumerate(trains):
        for j, t in enumerate(link):
            ax.plot(t, np.full(t.size, i * SIZE + j), "|", color="C0")
    ax.set(xlabel="time (ms, hardware)", ylabel="excitatory neuron (link x 7 + index)")
    fig.savefig(out / "synfire_chain.png")
    plt.close(fig)
    for name, result in (("solution", trains), ("inh_exc = 0", run_chain({"inh_exc": 0}))):
        print(f"{name}: link (first spike ms, last spike ms, spikes)")
        for i, (first, last, n) in enumerate(summary(result)):
            print(f"  {i}: {first:.4f} {last:.4f} {n}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
