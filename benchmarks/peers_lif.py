"""The reference LIF network of bench_analog.py in NEST and Brian2, for wall-time comparison.

Runs in the peers' own environment (``make peers`` makes ``.venv-peers`` with the ``bench``
extra: NEST 3.10, Brian2 2.9 and the numpy they need), whichever of the two imports. Same sizes,
rates and connections (``lif_network.connections``), 1 s of biological time at dt = 0.1 ms,
current-based exponential synapses. The chip model's constants give the biological parameters
(time x 1000): C 250 pF, τ_m 10 ms, τ_syn 5 ms, threshold and reset from rest 0 mV as
lif_network says, refractory 2 ms, 80 pA per weight LSB (3.2 mV of I/g_L, csrc/analog.h).
With ``adex`` the AdEx variant instead: the exponential term and adaptation on (NEST
aeif_psc_exp; Brian2 the same equations, forward Euler), parameters from lif_network's ADEX
codes (onset V_T, Δ_T 30 mV, τ_w, a, b; the threshold becomes the spike detection V_peak).
Prints one JSON line: each simulator's wall time of the run (build and compilation excluded)
and its spikes.

Run: ``.venv-peers/bin/python benchmarks/peers_lif.py [seed] [adex]``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lif_network import (
    A_NS,
    B_PA,
    DELTA_T_MV,
    INPUTS,
    NEURONS,
    TAU_W_MS,
    V_RESET_MV,
    V_T_MV,
    V_TH_MV,
    connections,
)

T_MS, DT_MS, RATE_HZ = 1000.0, 0.1, 20.0
C_PF, TAU_M, TAU_SYN, T_REF = 250.0, 10.0, 5.0, 2.0
V_TH, V_RESET, PA_PER_LSB = V_TH_MV, V_RESET_MV, 80.0
REPEATS = 5


def run_nest(seed: int, adex: bool = False) -> dict[str, float]:
    import nest

    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.ResetKernel()
    nest.resolution = DT_MS
    nest.rng_seed = seed + 1
    if adex:
        neurons = nest.Create(
            "aeif_psc_exp",
            NEURONS,
            params={"C_m": C_PF, "g_L": C_PF / TAU_M, "tau_syn_ex": TAU_SYN, "t_ref": T_REF,
                    "E_L": 0.0, "V_th": V_T_MV, "Delta_T": DELTA_T_MV, "V_peak": V_TH,
                    "V_reset": V_RESET, "V_m": 0.0, "a": A_NS, "b": B_PA, "tau_w": TAU_W_MS},
        )  # fmt: skip
    else:
        neurons = nest.Create(
            "iaf_psc_exp",
            NEURONS,
            params={"C_m": C_PF, "tau_m": TAU_M, "tau_syn_ex": TAU_SYN, "t_ref": T_REF,
                    "E_L": 0.0, "V_th": V_TH, "V_reset": V_RESET, "V_m": 0.0},
        )  # fmt: skip
    noise = nest.Create("poisson_generator", INPUTS, params={"rate": RATE_HZ})
    parrots = nest.Create("parrot_neuron", INPUTS)
    nest.Connect(noise, parrots, "one_to_one")
    src, tgt, w = connections(seed)
    pre = np.concatenate([np.array(parrots.tolist()), np.array(neurons.tolist())])[src]
    post = np.array(neurons.tolist())[tgt]
    spec = {"weight": w * PA_PER_LSB, "delay": np.full(len(w), DT_MS)}
    nest.Connect(pre, post, "one_to_one", spec)
    spikes = nest.Create("spike_recorder")
    nest.Connect(neurons, spikes)
    meter = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": DT_MS})
    nest.Connect(meter, neurons[0])
    start = time.perf_counter()
    nest.Simulate(T_MS)
    return {"wall": time.perf_counter() - start, "spikes": float(spikes.n_events)}


def run_brian2(seed: int, adex: bool = False) -> dict[str, float]:
    import brian2 as b2

    b2.prefs.logging.console_log_level = "ERROR"
    b2.start_scope()
    b2.defaultclock.dt = DT_MS * b2.ms
    b2.seed(seed + 1)
    eqs = """dv/dt = (-v + I / g) / tau_m : volt (unless refractory)
             dI/dt = -I / tau_s : amp
             g : siemens (constant)
             tau_m : second (constant)
             tau_s : second (constant)"""
    reset = f"v = {V_RESET}*mV"
    if adex:
        eqs = f"""dv/dt = (-v + {DELTA_T_MV}*mV * exp((v - {V_T_MV}*mV) / ({DELTA_T_MV}*mV))
                       + (I - w) / g) / tau_m : volt (unless refractory)
                 dw/dt = ({A_NS}*nS * v - w) / ({TAU_W_MS}*ms) : amp
                 dI/dt = -I / tau_s : amp
                 g : siemens (constant)
                 tau_m : second (constant)
                 tau_s : second (constant)"""
        reset += f"; w += {B_PA}*pA"
    group = b2.NeuronGroup(NEURONS, eqs, threshold=f"v > {V_TH}*mV", reset=reset,
                           refractory=T_REF * b2.ms,
                           method="euler" if adex else "exact")  # fmt: skip
    group.g = C_PF * b2.pF / (TAU_M * b2.ms)
    group.tau_m, group.tau_s = TAU_M * b2.ms, TAU_SYN * b2.ms
    inputs = b2.PoissonGroup(INPUTS, RATE_HZ * b2.Hz)
    src, tgt, w = connections(seed)
    syn_in = b2.Synapses(inputs, group, "weight : amp", on_pre="I_post += weight")
    syn_rec = b2.Synapses(group, group, "weight : amp", on_pre="I_post += weight")
    ext = src < INPUTS
    syn_in.connect(i=src[ext], j=tgt[ext])
    syn_in.weight = w[ext] * PA_PER_LSB * b2.pA
    syn_rec.connect(i=src[~ext] - INPUTS, j=tgt[~ext])
    syn_rec.weight = w[~ext] * PA_PER_LSB * b2.pA
    spikes = b2.SpikeMonitor(group)
    trace = b2.StateMonitor(group, "v", record=[0])
    net = b2.Network(group, inputs, syn_in, syn_rec, spikes, trace)
    net.run(DT_MS * b2.ms)  # code generation and compilation, not timed
    start = time.perf_counter()
    net.run(T_MS * b2.ms)
    return {"wall": time.perf_counter() - start, "spikes": float(spikes.num_spikes)}


def main() -> int:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    adex = len(sys.argv) > 2 and sys.argv[2] == "adex"
    result: dict[str, dict[str, float]] = {}
    for name, fn in (("nest", run_nest), ("brian2", run_brian2)):
        try:
            runs = [
                fn(seed, adex) for _ in range(REPEATS)
            ]  # the best counts, as for the chip model
            result[name] = min(runs, key=lambda r: r["wall"])
        except ImportError:
            continue
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
