"""Speed of the chip model's analog core on the reference LIF network, against the chip itself.

The network (issue "chip model II"): 512 current-based LIF neurons (τ_m ≈ 10 µs, τ_syn ≈ 5 µs),
256 external Poisson inputs at 20 kHz (hardware time), each neuron fed by each input with
p = 0.1 and by each other neuron with p = 0.05, weights 10..40, 1 ms of hardware time, all
spikes recorded and one MADC trace. Target: wall time at most 10x the hardware time (the chip
runs the millisecond in a millisecond); the best run counts, here and in the peers.
Printed: the wall/hardware ratio, the network's spike and synaptic event counts and rates, and
the scaling with the input rate (events per second of wall time). The AdEx variant (the same
network with the exponential term and adaptation on, lif_network's ADEX codes) is reported too,
with its peers (NEST aeif_psc_exp, Brian2's AdEx equations).

Placement (what the PyNN backend's router would do, simplified): every source (input or neuron)
gets a PADI bus, a row select (synapse driver) and a 6-bit synapse label; a connection takes a
free row (top, then bottom) of that driver in the target's column. Where both are taken the
connection is left out (counted and printed: a few per cent).

Peers: with NEST and Brian2 in their own environment (``make peers`` makes ``.venv-peers``;
or ``PEER_PYTHON``), ``peers_lif.py`` runs the same network there (1 s biological, dt 0.1 ms)
and the ratios to the fastest are printed (target: at least 20x faster).

Run: ``python -P benchmarks/bench_analog.py [--check]`` (``--check`` exits 1 if a target is
missed).
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
import numpy.typing as npt

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection
from haldls import lola

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # (run with -P) the network shared with the peers
from lif_network import (  # noqa: E402
    ADAPT_A,
    ADAPT_B,
    I_EXP,
    INPUTS,
    NEURONS,
    TAU_W,
    V_EXP,
    V_LEAK,
    V_RESET,
    V_THRESHOLD,
    connections,
)

US = 125  # FPGA cycles per µs
DURATION_US = 1000
TARGET = 10.0  # wall / hardware time
PEER_TARGET = 20.0  # at least this much faster than the fastest peer
# Runs timed, the best counts (as timeit's): the chip model's 10 ms run for at least SPAN
# seconds and at least MIN_REPEATS times, a peer's 0.5-2 s run 5 times (peers_lif.py), so that
# either spans a second or more. This machine's clock moves between about 1.3 and 2.8 GHz in
# phases of seconds, and a few short runs may all fall into a slow phase. The median is printed
# beside the best.
SPAN = 1.0
MIN_REPEATS = 20


def _sources() -> tuple[npt.NDArray[np.int64], ...]:
    """(bus, select, label) of every source: inputs 0..255, then neurons 0..511, and the
    address_out of each neuron. A neuron's event output fixes its bus and 3 select bits."""
    bus = np.zeros(INPUTS + NEURONS, np.int64)
    select = np.zeros_like(bus)
    label = np.zeros_like(bus)
    address = np.zeros(NEURONS, np.int64)
    for n in range(NEURONS):
        column = n % 256
        output = int(halco.NeuronColumnOnDLS(column).toNeuronEventOutputOnDLS().toEnum()) % 8
        idx = (column % 32) + 32 * (n // 256)  # 64 neurons share an output
        address[n] = ((idx % 4) << 6) | (idx // 4)
        padi = (output << 8) | int(address[n])
        bus[INPUTS + n], select[INPUTS + n], label[INPUTS + n] = output % 4, padi >> 6, padi & 63
    for i in range(INPUTS):  # the selects no neuron uses on the bus
        b, j = i % 4, i // 4
        free = [k for k in range(32) if k // 4 not in (b, b + 4)]
        bus[i], select[i], label[i] = b, free[j % len(free)], j // len(free)
    return bus, select, label, address


def build(
    seed: int, adex: bool = False
) -> tuple[stadls.PlaybackProgramBuilder, npt.NDArray[np.int64], int]:
    """The configuration program (of the AdEx variant if `adex`), the inputs' 14-bit labels, and
    the connections left out."""
    bus, select, label, address = _sources()
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(True))
    node = haldls.CrossbarNode
    for n in halco.iter_all(halco.CrossbarNodeOnDLS):
        out, inp = int(n.x()), int(n.y())
        if 8 <= inp < 12 and out < 8:  # inputs: bits 11-12 of the label pick the bus
            c = node(mask=0b11 << 11, target=(out % 4) << 11)
        elif inp < 8 and out < 8:  # neurons: their output's bus
            c = node(mask=0, target=0)
        elif inp < 8 and out >= 8:  # neurons to the FPGA (recorded)
            c = node(mask=0, target=0)
        else:
            c = node(mask=0, target=1)  # nothing else
        builder.write(n, c)
    padi = haldls.CommonPADIBusConfig()
    for b in range(4):
        padi.enable_spl1[b] = True
    for block in halco.iter_all(halco.CommonPADIBusConfigOnDLS):
        builder.write(block, padi)
    mode = haldls.SynapseDriverConfig.RowMode.excitatory
    driver = haldls.SynapseDriverConfig(
        enable_receiver=True, row_address_compare_mask=31, row_mode_top=mode, row_mode_bottom=mode
    )
    for d in halco.iter_all(halco.SynapseDriverOnDLS):
        builder.write(d, driver)
    # connections: (source, target neuron) with the probabilities; weights 10..40
    left_out = 0
    weights = np.zeros((2, 256, 256), np.int64)
    labels = np.zeros((2, 256, 256), np.int64)
    drivers = halco.SynapseDriverOnSynapseDriverBlock
    row_of = {}
    for e in range(drivers.size):
        rows = halco.SynapseDriverOnDLS(e).toSynapseRowOnSynram()
        row_of[e] = [int(rows[halco.SynapseRowOnSynapseDriver.top]),
                     int(rows[halco.SynapseRowOnSynapseDriver.bottom])]  # fmt: skip
    for src, target, weight in zip(*connections(seed), strict=True):
        s, j = target // 256, target % 256
        d = int(select[src]) * 4 + int(bus[src])  # driver number k on bus b
        for r in row_of[d]:
            if weights[s, r, j] == 0:
                weights[s, r, j] = weight
                labels[s, r, j] = label[src]
                break
        else:
            left_out += 1
    for s in range(2):
        matrix = lola.SynapseMatrix()
        matrix.weights.from_numpy(weights[s])
        matrix.labels.from_numpy(labels[s])
        builder.write(halco.SynramOnDLS(s), matrix)
        for q in range(64):
            switches = haldls.ColumnCurrentQuad()
            for e in range(4):
                switches.switches[e].enable_synaptic_current_excitatory = True
            builder.write(
                halco.ColumnCurrentQuadOnDLS(
                    halco.ColumnCurrentQuadOnSynram(q), halco.SynramOnDLS(s)
                ),
                switches,
            )
    for block in halco.iter_all(halco.CapMemBlockOnDLS):
        dac = halco.CapMemCellOnDLS(halco.CapMemCellOnCapMemBlock.syn_i_bias_dac, block)
        builder.write(dac, haldls.CapMemCell(haldls.CapMemCell.Value(600)))
    backend = haldls.CommonNeuronBackendConfig(clock_scale_slow=3, clock_scale_adaptation_pulse=7)
    for block in halco.iter_all(halco.CommonNeuronBackendConfigOnDLS):
        builder.write(block, backend)
    for n in range(NEURONS):
        builder.write(halco.AtomicNeuronOnDLS(n), _neuron(int(address[n]), n == 0, adex))
    inputs = (bus[:INPUTS] << 11) | (select[:INPUTS] << 6) | label[:INPUTS]
    channel = np.arange(INPUTS) % 4  # L2 channel (crossbar input 8 + channel)
    return builder, (channel << 14) | inputs, left_out


def _neuron(address: int, recorded: bool, adex: bool = False) -> lola.AtomicNeuron:
    """τ_m ≈ 10 µs (leak bias 84), τ_syn ≈ 5 µs (bias 60, small capacitance), rest 0.37 V,
    threshold 0.79 V, reset 0.30 V, refractory 31 x 64 ns ≈ 2 µs; with `adex` the exponential
    term (onset 0.75 V, Δ_T 30 mV) and adaptation (τ_w 100 µs, a and b) on."""
    n = lola.AtomicNeuron()
    n.leak.v_leak, n.leak.i_bias = V_LEAK, 84
    n.threshold.v_threshold, n.threshold.enable = V_THRESHOLD, True
    n.reset.v_reset, n.reset.i_bias, n.reset.enable_multiplication = V_RESET, 1022, True
    n.membrane_capacitance.capacitance = 63
    n.excitatory_input.enable, n.excitatory_input.i_bias_tau = True, 60
    n.excitatory_input.i_bias_gm = 500
    n.refractory_period.refractory_time = 31
    n.event_routing.analog_output = lola.AtomicNeuron.EventRouting.AnalogOutputMode.normal
    n.event_routing.enable_digital = True
    n.event_routing.address = address
    if recorded:
        n.readout.enable_amplifier = n.readout.enable_buffered_access = True
    if adex:
        n.exponential.enable, n.exponential.v_exp, n.exponential.i_bias = True, V_EXP, I_EXP
        n.adaptation.enable, n.adaptation.enable_pulse = True, True
        n.adaptation.i_bias_tau, n.adaptation.v_ref = TAU_W, 500
        n.adaptation.i_bias_a, n.adaptation.i_bias_b = ADAPT_A, ADAPT_B
        n.adaptation.v_leak = V_LEAK - 200  # E_a at rest
    return n


def experiment(labels: npt.NDArray[np.int64], rate_hz: float, seed: int) -> stadls.PlaybackProgram:
    """Poisson input at `rate_hz` per input for DURATION_US, the MADC on neuron 0."""
    rng = np.random.default_rng(seed + 1)
    n = rng.poisson(rate_hz * DURATION_US * 1e-6 * INPUTS)
    times = np.sort(rng.integers(10 * US, (DURATION_US + 10) * US, n))
    which = rng.integers(0, INPUTS, n)
    builder = stadls.PlaybackProgramBuilder()
    selection = haldls.ReadoutSourceSelection()
    mux = halco.SourceMultiplexerOnReadoutSourceSelection(0)
    buffer = selection.get_buffer(mux)
    buffer.neuron_even[halco.HemisphereOnDLS(0)] = True
    selection.set_buffer(mux, buffer)
    builder.write(halco.ReadoutSourceSelectionOnDLS(), selection)
    builder.write(halco.MADCConfigOnDLS(), haldls.MADCConfig(number_of_samples=DURATION_US * 30))
    builder.write(halco.MADCControlOnDLS(), haldls.MADCControl(wake_up=True))
    builder.write(halco.MADCControlOnDLS(), haldls.MADCControl(start_recording=True))
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.write_spike_train(times, labels[which])
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value((DURATION_US + 20) * US))
    return builder.done()


def run(rate_hz: float, seed: int = 1, adex: bool = False) -> dict[str, float]:
    """Configure, then time the 1 ms experiment for SPAN seconds, at least MIN_REPEATS times
    (the best counts, as timeit's); return its figures."""
    config, labels, left_out = build(seed, adex)
    with ChipModelConnection(seed=seed) as connection:
        stadls.run(connection, config.done())
        walls: list[float] = []
        end = time.perf_counter() + SPAN
        while len(walls) < MIN_REPEATS or time.perf_counter() < end:
            program = experiment(labels, rate_hz, seed)
            start = time.perf_counter()
            stadls.run(connection, program)
            walls.append(time.perf_counter() - start)
        diagnostics = connection.diagnostics
    wall = min(walls)
    spikes = program.spikes.to_numpy()
    hardware = (DURATION_US + 20) * 1e-6
    return {
        "wall": wall,
        "median": float(np.median(walls)),
        "runs": float(len(walls)),
        "ratio": wall / hardware,
        "spikes": float(len(spikes)),
        "rate": len(spikes) / NEURONS / hardware,
        "inputs": float(diagnostics["events_to_chip"]),  # (of the last run)
        "synaptic": float(diagnostics["synaptic_events"]),
        "madc": float(len(program.madc_samples.to_numpy())),
        "left_out": float(left_out),
    }


def peers(adex: bool = False) -> dict[str, dict[str, float]] | None:
    """Wall times of the same network (its AdEx variant if `adex`) in NEST and Brian2
    (peers_lif.py in the peers' environment: $PEER_PYTHON, else .venv-peers from ``make
    peers``); None if there is none."""
    python = os.environ.get("PEER_PYTHON", str(HERE.parent / ".venv-peers" / "bin" / "python"))
    if not Path(python).exists():
        return None
    command = [python, str(HERE / "peers_lif.py"), "1", "adex" if adex else "lif"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args()
    r = run(20e3)
    ok = r["ratio"] <= TARGET
    print(
        f"LIF network, 1 ms hardware time: wall {r['wall'] * 1e3:.1f} ms, wall/hardware "
        f"{r['ratio']:.1f} (target <= {TARGET:.0f}, the chip: 1) {'ok' if ok else 'MISSED'} "
        f"(best of {r['runs']:.0f} runs; median {r['median'] * 1e3:.1f} ms); "
        f"{r['spikes']:.0f} spikes ({r['rate'] / 1e3:.1f} kHz per neuron), "
        f"{r['inputs']:.0f} input spikes, {r['synaptic']:.0f} synaptic events "
        f"({r['synaptic'] / r['wall'] / 1e6:.1f} M/s), {r['madc']:.0f} MADC samples, "
        f"{r['left_out']:.0f} connections left out by placement"
    )
    for rate in (5e3, 10e3, 40e3):
        s = run(rate)
        print(
            f"  input {rate / 1e3:.0f} kHz: wall/hardware {s['ratio']:.1f}, "
            f"{(s['inputs'] + s['synaptic']) / s['wall'] / 1e6:.1f} M events/s "
            f"({s['rate'] / 1e3:.1f} kHz per neuron)"
        )
    found = peers()
    if found is None:
        print("peers: NEST and Brian2 not installed (make peers), no comparison")
    elif found:
        for name, f in found.items():
            print(
                f"  {name}: {f['wall']:.3f} s for 1 s biological ({f['spikes']:.0f} spikes): "
                f"the chip model is {f['wall'] / r['wall']:.1f}x faster"
            )
        fastest = min(f["wall"] for f in found.values())
        faster = fastest / r["wall"] >= PEER_TARGET
        print(
            f"against the fastest peer: {fastest / r['wall']:.1f}x (target >= {PEER_TARGET:.0f}) "
            f"{'ok' if faster else 'MISSED'}"
        )
        ok &= faster
    a = run(20e3, adex=True)
    print(
        f"AdEx variant (exponential and adaptation on; reported, no target): wall "
        f"{a['wall'] * 1e3:.1f} ms, wall/hardware {a['ratio']:.1f}; {a['spikes']:.0f} spikes, "
        f"{a['synaptic']:.0f} synaptic events"
    )
    found = peers(adex=True)
    for name, f in (found or {}).items():
        print(
            f"  {name} (AdEx): {f['wall']:.3f} s for 1 s biological ({f['spikes']:.0f} spikes): "
            f"the chip model is {f['wall'] / a['wall']:.1f}x faster"
        )
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
