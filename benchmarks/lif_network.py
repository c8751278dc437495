"""The reference LIF network's sizes and connections, shared by the chip model's benchmark and
its peers (numpy only, so that the peers' environment can import it)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

INPUTS, NEURONS = 256, 512
P_INPUT, P_RECURRENT = 0.1, 0.05
#: CapMem codes of the chip model's neurons: leak, threshold, reset (bench_analog._neuron).
V_LEAK, V_THRESHOLD, V_RESET = 450, 450, 410
#: The same in mV from rest for the peers (csrc/analog.h: 1.76 mV per LSB, 420 mV drop for
#: leak and reset, none for the threshold). At this threshold the network stays clear of the
#: runaway excitation it tips into near 430 (where NEST, Brian2 and the model then differ widely).
V_TH_MV = V_THRESHOLD * 1.76 - (V_LEAK * 1.76 - 420.0)
V_RESET_MV = V_RESET * 1.76 - V_LEAK * 1.76
#: The AdEx variant: CapMem codes of the exponential term (onset v_exp, bias i_bias_exp: I_0 =
#: g_L Δ_T) and the adaptation (τ_w, a, b; v_leak = leak - 200: E_a at rest), as in
#: bench_analog._neuron, and the same in biological units for the peers (csrc/analog.h; currents
#: x 1e5 pA per µA and conductances x 0.1, from the capacitance (x 100) and time (x 1000) scales).
V_EXP, I_EXP, TAU_W, ADAPT_A, ADAPT_B = 663, 374, 100, 20, 20
V_T_MV = V_EXP * 1.76 - V_LEAK * 1.76
DELTA_T_MV, TAU_W_MS = 30.0, 2512.0 * TAU_W**-0.7
A_NS, B_PA = 2.0e-3 * ADAPT_A * 0.1 * 1e3, 5.0e-5 * ADAPT_B * 1e5


def connections(seed: int) -> tuple[npt.NDArray[np.int64], ...]:
    """The network's connections (source, target neuron, weight): source i < INPUTS is input i,
    else neuron i - INPUTS; each input with p = 0.1, each other neuron with p = 0.05."""
    rng = np.random.default_rng(seed)
    p = np.where(np.arange(INPUTS + NEURONS) < INPUTS, P_INPUT, P_RECURRENT)
    src, tgt = [], []
    for target in range(NEURONS):
        chosen = np.flatnonzero(rng.random(INPUTS + NEURONS) < p)
        chosen = chosen[chosen != INPUTS + target]
        src.append(chosen)
        tgt.append(np.full(len(chosen), target))
    sources, targets = np.concatenate(src), np.concatenate(tgt)
    return sources, targets, rng.integers(10, 41, len(sources))
