"""A 4 x 4 Sudoku solved by a spiking network (the tutorial's fp_sudoku, demo 4).

64 neurons, one per (row, column, digit); each gets Poisson noise and excites itself a little;
neurons that exclude each other (same cell, or same digit in a row, column or 2 x 2 box) inhibit
each other through one small projection per pair of one-neuron views, as the tutorial builds
it (about 700 projections); a clue source drives the given digits. The digit of each cell is
the neuron that fired most. Run: ``python sudoku.py``.
"""

from __future__ import annotations

import time
from itertools import product

import numpy as np

import pynn_frontend as pynn

#: A solved grid; the puzzle shows some of its entries as clues.
SOLUTION = np.array([[0, 1, 2, 3], [2, 3, 0, 1], [1, 0, 3, 2], [3, 2, 1, 0]])
INHIBITION = 63
NOISE = 30
NEURON = {
    "leak_v_leak": 400,
    "leak_i_bias": 200,
    "threshold_v_threshold": 300,
    "threshold_enable": True,
    "reset_v_reset": 300,
    "reset_i_bias": 1022,
    "membrane_capacitance_capacitance": 63,
    "refractory_period_refractory_time": 50,
    "excitatory_input_enable": True,
    "excitatory_input_i_bias_tau": 200,
    "excitatory_input_i_bias_gm": 500,
    "inhibitory_input_enable": True,
    "inhibitory_input_i_bias_tau": 200,
    "inhibitory_input_i_bias_gm": 500,
}


def index(row: int, column: int, digit: int) -> int:
    """Return the neuron of `digit` in cell (`row`, `column`)."""
    return 16 * row + 4 * column + digit


def conflicts(i: int) -> list[int]:
    """Return the neurons that neuron `i` excludes."""
    r, c, d = i // 16, (i // 4) % 4, i % 4
    out = set()
    for k in range(4):
        out |= {index(r, c, k), index(r, k, d), index(k, c, d)}
    br, bc = 2 * (r // 2), 2 * (c // 2)
    out |= {index(br + a, bc + b, d) for a, b in product(range(2), range(2))}
    return sorted(out - {i})


def build(clues: np.ndarray, runtime: float = 0.5) -> tuple[pynn.Population, float]:
    """Build the network in a running session; return its neurons and the building time (s).

    `clues`: a 4 x 4 grid of digits, -1 where the puzzle is open.
    """
    start = time.perf_counter()
    pop = pynn.Population(64, pynn.cells.HXNeuron(**NEURON))
    noise = pynn.Population(
        64, pynn.cells.SpikeSourcePoisson(rate=5e5, start=0.01, duration=runtime - 0.01)
    )
    static = pynn.synapses.StaticSynapse
    pynn.Projection(noise, pop, pynn.OneToOneConnector(), static(weight=NOISE))
    pynn.Projection(pop, pop, pynn.OneToOneConnector(), static(weight=20))
    clue = pynn.Population(1, pynn.cells.SpikeSourceArray(spike_times=np.linspace(0, runtime, 500)))
    clue_weights = np.zeros((1, 64))
    for r, c in zip(*np.nonzero(clues >= 0), strict=True):
        clue_weights[0, index(r, c, clues[r, c])] = 63
    pynn.Projection(clue, pop, pynn.AllToAllConnector(), static(weight=clue_weights))
    for i in range(64):
        for j in conflicts(i):
            pynn.Projection(
                pynn.PopulationView(pop, [i]),
                pynn.PopulationView(pop, [j]),
                pynn.AllToAllConnector(),
                static(weight=-INHIBITION),
                receptor_type="inhibitory",
            )
    pop.record("spikes")
    return pop, time.perf_counter() - start


def solve(clues: np.ndarray, runtime: float = 0.5) -> tuple[np.ndarray, float, float]:
    """Run the network; return the grid of most active digits, build and mapping times (s)."""
    pynn.setup()
    pop, built = build(clues, runtime)
    start = time.perf_counter()
    pynn.run(None, pynn.RunCommand.PREPARE)
    mapped = time.perf_counter() - start
    pynn.run(runtime)
    counts = np.array([len(s) for s in pop.get_data().segments[-1].spiketrains])
    pynn.end()
    return counts.reshape(4, 4, 4).argmax(axis=2), built, mapped


def valid(grid: np.ndarray) -> bool:
    """Return whether `grid` has every digit once per row, column and box."""
    boxes = [grid[a : a + 2, b : b + 2].ravel() for a in (0, 2) for b in (0, 2)]
    groups = [*grid, *grid.T, *boxes]
    return all(sorted(g) == [0, 1, 2, 3] for g in groups)


def main() -> None:
    """Solve the puzzle with 8 clues."""
    np.random.seed(1)  # noqa: NPY002 (the Poisson sources draw from numpy's global state)
    clues = np.full((4, 4), -1)
    for r, c in [(0, 0), (0, 3), (1, 1), (1, 2), (2, 1), (2, 2), (3, 0), (3, 3)]:
        clues[r, c] = SOLUTION[r, c]
    grid, built, mapped = solve(clues)
    print(grid)
    print(f"valid: {valid(grid)}, the known solution: {np.array_equal(grid, SOLUTION)}")
    print(f"network built in {built:.2f} s, mapped in {mapped:.2f} s")


if __name__ == "__main__":
    main()
