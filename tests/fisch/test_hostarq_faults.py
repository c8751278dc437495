"""HostARQ through faults: a proxy between the real client and the setup emulator loses,
duplicates, reorders, truncates and forges datagrams; every answer stays the fault-free one.
A setup killed in the middle of a program gives a clear transport error in bounded time."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from bypass_network import experiment
from setups import serving
from udp_proxy import FaultyProxy

import halco
import haldls
import stadls
from fisch.connection import ArqConnection, ChipModelConnection
from fisch.emulator import Emulator
from fisch.errors import ConnectionUnavailableError, TransportError
from haldls import lola

FAULTS = {
    "loss 1%": {"loss": 0.01},
    "loss 10%": {"loss": 0.1},
    "duplication and reordering": {"duplicate": 0.05, "reorder": 0.05},
    "truncated, garbage, wrong length": {"truncate": 0.05, "garbage": 0.05, "wrong_length": 0.05},
    "all at once": {
        "loss": 0.05, "duplicate": 0.05, "reorder": 0.05, "truncate": 0.05, "garbage": 0.05,
        "wrong_length": 0.05,
    },
}  # fmt: skip
COORDS = [halco.CrossbarNodeOnDLS(i % 64) for i in range(2000)]


def _reads(connection: object) -> list[object]:
    """A program of 2,000 reads (12 frames out, more back)."""
    builder = stadls.PlaybackProgramBuilder()
    tickets = [builder.read(c) for c in COORDS]
    stadls.run(connection, builder.done())
    return [t.get() for t in tickets]


@pytest.fixture(scope="module")
def fault_free() -> tuple[object, object]:
    with ChipModelConnection(seed=5) as local:
        return experiment(local), _reads(local)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with serving(Emulator(["127.0.0.1"], 0, 0, seed=5)) as emu:
        yield emu


@pytest.mark.parametrize("faults", FAULTS.values(), ids=FAULTS.keys())
def test_answers_through_faults_are_the_fault_free_ones(
    emulator: Emulator, fault_free: tuple[object, object], faults: dict[str, float]
) -> None:
    proxy = FaultyProxy("127.0.0.1", *emulator.ports[0], seed=len(faults), **faults)
    try:
        with ArqConnection("127.0.0.1", *proxy.ports) as arq:
            reads, spikes = experiment(arq)
            more = [_reads(arq) for _ in range(10)]  # (about 1000 datagrams)
            stats = dict(arq._arq.stats)
    finally:
        proxy.close()
    (expected_reads, expected_spikes), expected_more = fault_free
    assert reads == expected_reads and more == [expected_more] * 10
    np.testing.assert_array_equal(spikes, expected_spikes)
    assert all(proxy.counts[name] > 0 for name in faults), proxy.counts  # (the faults happened)
    if "loss" in faults:
        assert stats["resent"] > 0
    if {"truncate", "garbage", "wrong_length"} & faults.keys():
        assert stats["garbage"] > 0


def test_a_setup_lost_behind_the_network_raises_in_bounded_time(emulator: Emulator) -> None:
    """No ICMP from the setup's host: the client gives up after ``timeout`` s of silence."""
    proxy = FaultyProxy("127.0.0.1", *emulator.ports[0])
    arq = ArqConnection("127.0.0.1", *proxy.ports, timeout=1.0)
    try:
        arq.execute(np.array([0x0A00000000000000], np.uint64))
        proxy.rates["loss"] = 1.0  # (the cable is pulled)
        start = time.monotonic()
        with pytest.raises(TransportError, match="nothing from"):
            _reads(arq)
        assert time.monotonic() - start < 3.0
    finally:
        arq.close()
        proxy.close()


def _free_ports() -> list[int]:
    ports = []
    for _ in range(2):  # (two free ports, given back for the daemon to bind)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    return ports


def _daemon(ports: list[int]) -> tuple[subprocess.Popen[str], ArqConnection]:
    command = shutil.which("hx-emulator", path=str(Path(sys.executable).parent))
    assert command is not None, "hx-emulator is installed with the package"
    daemon = subprocess.Popen(
        [command, "--quiet", "--port", str(ports[0]), "--reset-port", str(ports[1])],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            return daemon, ArqConnection("127.0.0.1", *ports, timeout=2.0)
        except ConnectionUnavailableError:
            assert time.monotonic() < deadline, "the daemon did not come up"


def _busy_program(ms: int) -> stadls.PlaybackProgramBuilder:
    """512 neurons firing for `ms` of hardware time: seconds of wall time for the model."""
    builder = stadls.PlaybackProgramBuilder()
    for block in halco.iter_all(halco.CommonNeuronBackendConfigOnDLS):
        builder.write(block, haldls.CommonNeuronBackendConfig(clock_scale_slow=3))
    neuron = lola.AtomicNeuron()
    neuron.leak.v_leak, neuron.leak.i_bias = 1000, 150  # (leak over threshold)
    neuron.threshold.v_threshold, neuron.threshold.enable = 300, True
    neuron.reset.v_reset, neuron.reset.i_bias = 400, 1022
    neuron.event_routing.enable_digital = True
    neuron.event_routing.analog_output = lola.AtomicNeuron.EventRouting.AnalogOutputMode.normal
    for coord in halco.iter_all(halco.AtomicNeuronOnDLS):
        builder.write(coord, neuron)
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(ms * 125_000))
    return builder


def test_a_setup_killed_mid_program_raises_and_a_restarted_one_works() -> None:
    ports = _free_ports()
    daemon, arq = _daemon(ports)
    builder = _busy_program(250)
    killer = threading.Timer(0.5, daemon.send_signal, [signal.SIGKILL])
    killer.start()
    start = time.monotonic()
    try:
        with pytest.raises(TransportError, match="stopped answering"):
            stadls.run(arq, builder.done())
        assert time.monotonic() - start < 0.5 + 3.0
    finally:
        killer.join()
        daemon.wait(timeout=10)
        arq.close()
    daemon, arq = _daemon(ports)
    try:
        with arq, ChipModelConnection(seed=0) as local:
            assert _reads(arq) == _reads(local)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.communicate(timeout=10)
