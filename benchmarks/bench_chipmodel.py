"""Speed of the embedded chip model against the 1 GbE link that would feed a real FPGA.

Targets (issue "chip model I"): executing (1) a whole default ``lola.Chip`` configuration
program and (2) a 100,000-spike input program (``write_spike_train``: a wait and a spike pack per
spike) on ``ChipModelConnection`` runs at least as many instructions per second as the wire
delivers: 125 MB/s / 8 bytes = 15.6 M instructions/s. The ratio printed is model rate / wire rate
(> 1 meets the target); the time measured is ``connection.execute(words)`` alone, the program
being built beforehand.

Event path (reported; its correctness is checked): the 100,000 input spikes, one per
72 ns, reach 32 synapse rows on one PADI bus; each row's synapse with the spike's label relays it
through a bypassed neuron back to the FPGA (33 crossbar events and 32 synaptic events per input
spike). Printed: routed crossbar events and synaptic events per second of wall time, and the
wall time per second of model (hardware) time, the chip itself being 1.

Run: ``python -P benchmarks/bench_chipmodel.py [--check]`` (``--check`` exits 1 if a target is
missed; ``-P`` keeps the source tree off ``sys.path`` so the installed package is measured).
"""

from __future__ import annotations

import argparse
import sys
import timeit

import numpy as np
import numpy.typing as npt

import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection
from haldls import lola

WIRE_RATE = 125e6 / 8  # instructions per second over 1 GbE


def _execute_rate(words: npt.NDArray[np.uint64], repeat: int = 5) -> float:
    with ChipModelConnection(seed=1) as connection:
        best = min(timeit.repeat(lambda: connection.execute(words), number=1, repeat=repeat))
    return len(words) / best


def _report(name: str, words: npt.NDArray[np.uint64]) -> bool:
    rate = _execute_rate(words)
    ratio = rate / WIRE_RATE
    print(
        f"{name}: {len(words)} instructions, {rate / 1e6:.1f} M instructions/s "
        f"(wire {WIRE_RATE / 1e6:.1f} M/s), ratio {ratio:.2f} {'ok' if ratio >= 1 else 'MISSED'}"
    )
    return ratio >= 1


DRIVERS = 32  # on PADI bus 0 of the top hemisphere: drivers 0, 4, ..., 124
LABELS = 64


def _node(output: int, input_: int) -> halco.CrossbarNodeOnDLS:
    return halco.CrossbarNodeOnDLS(
        halco.CrossbarOutputOnDLS(output), halco.CrossbarInputOnDLS(input_)
    )


def _bypass_network(builder: stadls.PlaybackProgramBuilder) -> None:
    """Driver k's bottom row holds label j at column (j + 4k) % 256; all neurons relay (bypass)."""
    builder.write(
        halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(enable_event_recording=True)
    )
    drop_all = haldls.CrossbarNode(mask=0, target=1)
    builder.write(_node(8, 8), drop_all)
    for k in range(8):  # neuron events to the FPGA only
        builder.write(_node(k, k), drop_all)
        builder.write(_node(k + 4 if k < 4 else k - 4, k), drop_all)
    padi = haldls.CommonPADIBusConfig()
    padi.enable_spl1[0] = True
    builder.write(halco.CommonPADIBusConfigOnDLS(0), padi)
    driver = haldls.SynapseDriverConfig(
        enable_receiver=True,
        row_address_compare_mask=0,
        row_mode_bottom=haldls.SynapseDriverConfig.RowMode.excitatory,
    )
    switches = haldls.ColumnCurrentQuad()
    for e in range(4):
        switches.switches[e].enable_synaptic_current_excitatory = True
    for q in range(halco.ColumnCurrentQuadOnSynram.size):
        coord = halco.ColumnCurrentQuadOnDLS(
            halco.ColumnCurrentQuadOnSynram(q), halco.SynramOnDLS(0)
        )
        builder.write(coord, switches)
    weights = np.zeros((256, 256), dtype=np.int64)
    labels = np.full((256, 256), LABELS, dtype=np.int64) % 64
    for k in range(DRIVERS):
        d = halco.SynapseDriverOnDLS(4 * k)
        builder.write(d, driver)
        row = int(d.toSynapseRowOnSynram()[halco.SynapseRowOnSynapseDriver.bottom])
        for j in range(LABELS):
            column = (j + 4 * k) % 256
            weights[row, column], labels[row, column] = 63, j
    matrix = lola.SynapseMatrix()
    matrix.weights.from_numpy(weights)
    matrix.labels.from_numpy(labels)
    builder.write(halco.SynramOnDLS(0), matrix)
    for column in range(256):
        n = halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(column), halco.NeuronRowOnDLS(0))
        builder.write(
            n.toNeuronConfigOnDLS(),
            haldls.NeuronConfig(enable_fire=True, enable_bypass_excitatory=True),
        )
        builder.write(
            n.toNeuronBackendConfigOnDLS(),
            haldls.NeuronBackendConfig(enable_spike_out=True, address_out=column % 256),
        )
    for b in range(2):
        builder.write(halco.CommonNeuronBackendConfigOnDLS(b), haldls.CommonNeuronBackendConfig())


def _report_event_path(n: int) -> bool:
    config = stadls.PlaybackProgramBuilder()
    _bypass_network(config)
    times = np.arange(n, dtype=np.int64) * 9 + 1000
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.write_spike_train(times, np.arange(n, dtype=np.int64) % LABELS)
    words = builder.done().to_fpga_words()
    with ChipModelConnection(seed=1) as connection:
        connection.execute(config.done().to_fpga_words())
        best = float("inf")
        for _ in range(3):
            start = connection.systime
            wall = min(best, timeit.timeit(lambda: connection.execute(words), number=1))
            best = wall
            model = (connection.systime - start) * 8e-9
            diagnostics = connection.diagnostics
    routed = diagnostics["events_to_chip"] + diagnostics["neuron_spikes"]
    synaptic = diagnostics["synaptic_events"]
    rate = len(words) / best
    print(
        f"event path: {n} input spikes, {routed} routed crossbar events "
        f"({routed / best / 1e6:.1f} M/s), {synaptic} synaptic events "
        f"({synaptic / best / 1e6:.1f} M/s), {diagnostics['events_to_host']} spikes back; "
        f"wall/hardware time {best / model:.1f} (the chip: 1); "
        f"{rate / 1e6:.1f} M instructions/s (wire ratio {rate / WIRE_RATE:.2f}, reported only)"
    )
    expected = n * (DRIVERS + 1)
    if routed != expected or diagnostics["events_to_host"] != n * DRIVERS:
        print(f"event path: expected {expected} routed events and {n * DRIVERS} back: WRONG")
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    ok = True

    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.ChipOnDLS(), lola.Chip())
    ok &= _report("lola.Chip configuration", builder.done().to_fpga_words())

    n = 100_000
    times = np.arange(n, dtype=np.int64) * 125 + 1000  # one spike per µs
    labels = np.arange(n, dtype=np.int64) % 0x4000
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.write_spike_train(times, labels)
    ok &= _report("100,000-spike input", builder.done().to_fpga_words())
    ok &= _report_event_path(n)

    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
