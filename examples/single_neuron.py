"""The BrainScaleS-2 tutorial's single-neuron experiments (ts_00, parts 1-3) on the chip model.

As the tutorial writes them, with ``import pynn_frontend as pynn`` for the real backend's import:

1. a silent neuron: the membrane follows ``leak_v_leak`` (swept 400...1000);
2. leak over threshold: the leak pulls the membrane above the threshold, a regular sawtooth;
3. fixed-pattern variations: the same parameters on 10 circuits, one recorded per run.

Each part writes its plot (``single_neuron_<part>.png``) and prints what it shows.
Run: ``python single_neuron.py [output directory]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # (files only)
import matplotlib.pyplot as plt
import numpy as np

import pynn_frontend as pynn

#: The tutorial's leak-over-threshold parameters.
LEAK_OVER_THRESHOLD = {
    "leak_v_leak": 1000,
    "leak_i_bias": 150,
    "threshold_v_threshold": 300,
    "threshold_enable": True,
    "reset_v_reset": 400,
    "reset_i_bias": 1022,
    "reset_enable_multiplication": True,
    "membrane_capacitance_capacitance": 63,
    "refractory_period_refractory_time": 255,
}


def _membrane(pop: pynn.Population) -> tuple[np.ndarray, np.ndarray]:
    signal = pop.get_data("v").segments[-1].irregularlysampledsignals[0]
    return np.asarray(signal.times), np.asarray(signal.magnitude[:, 0])


def silent_neuron(out: Path) -> list[float]:
    """Part 1: return the mean membrane (MADC LSB) per leak potential."""
    fig, ax = plt.subplots()
    means = []
    for v_leak in (400, 600, 800, 1000):
        pynn.setup()
        pop = pynn.Population(1, pynn.cells.HXNeuron(leak_v_leak=v_leak, leak_i_bias=1022))
        pop.record(["v"])
        pynn.run(0.2)
        t, v = _membrane(pop)
        pynn.end()
        means.append(float(v.mean()))
        ax.plot(t, v, label=f"leak_v_leak {v_leak}")
    ax.set(xlabel="time (ms, hardware)", ylabel="membrane (MADC LSB)", ylim=(100, 800))
    ax.legend()
    fig.savefig(out / "single_neuron_silent.png")
    plt.close(fig)
    return means


def leak_over_threshold(out: Path) -> tuple[int, float, float]:
    """Part 2: return the spike count and the membrane's range in 0.2 ms."""
    pynn.setup()
    pop = pynn.Population(1, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
    pop.record(["v", "spikes"])
    pynn.run(0.2)
    t, v = _membrane(pop)
    spikes = np.asarray(pop.get_data("spikes").segments[-1].spiketrains[0])
    pynn.end()
    fig, ax = plt.subplots()
    ax.plot(t, v)
    ax.vlines(spikes, 780, 800, color="k")
    ax.set(xlabel="time (ms, hardware)", ylabel="membrane (MADC LSB)", ylim=(100, 800))
    fig.savefig(out / "single_neuron_leak_over_threshold.png")
    plt.close(fig)
    return spikes.size, float(np.percentile(v, 1)), float(np.percentile(v, 99))


def fixed_pattern(out: Path) -> list[int]:
    """Part 3: return each of 10 circuits' spike count in 0.1 ms (recorded one at a time)."""
    pynn.setup()
    pop = pynn.Population(10, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
    pop.record("spikes")
    fig, ax = plt.subplots()
    counts = []
    for i in range(10):
        pynn.PopulationView(pop, [i]).record("v")
        pynn.run(0.1)
        t, v = _membrane(pop)
        trains = pop.get_data("spikes").segments[-1].spiketrains
        counts.append(len(trains[i]))
        ax.plot(t, v, lw=0.7)
        pynn.reset()
        pop.record(None)
        pop.record("spikes")
    pynn.end()
    ax.set(xlabel="time (ms, hardware)", ylabel="membrane (MADC LSB)", ylim=(100, 800))
    fig.savefig(out / "single_neuron_fixed_pattern.png")
    plt.close(fig)
    return counts


def main(out: Path) -> None:
    """Run the three parts; print what they show."""
    out.mkdir(parents=True, exist_ok=True)
    means = silent_neuron(out)
    print(
        "silent neuron: mean membrane per leak_v_leak 400/600/800/1000:", [round(m) for m in means]
    )
    n, low, high = leak_over_threshold(out)
    print(f"leak over threshold: {n} spikes in 0.2 ms, membrane between {low:.0f} and {high:.0f}")
    counts = fixed_pattern(out)
    print(f"fixed pattern: spikes in 0.1 ms on 10 circuits: {counts}")
    print(f"plots in {out}/single_neuron_*.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
