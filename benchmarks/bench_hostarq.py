"""HostARQ over loopback: the real client (``ArqConnection``) against ``hx-emulator`` in its own
process, with the reference's anchors (hostarq.md, "Throughput anchor"; issue "Ethernet
transport").

- Bulk transfer, payload MB/s (1e6 bytes) per direction, full 180-word frames: to the setup
  (dummy data frames, which the setup takes and drops) and from it (the setup's "send dummy"
  mode), against the real HostARQ's 118 MB/s on 1 GbE. Goal: at least that.
- The same with 1 % of the datagrams lost in both directions (each end drops 1 % of what it
  sends): the fraction of the loss-free rate kept.
- Round trip of a minimal program (the halt alone) through ``execute``: median and minimum
  against the real system's test limits, 150 µs and 120 µs.

Run: ``python -P benchmarks/bench_hostarq.py [--check]`` (``--check`` exits 1 if a target is
missed).
"""

from __future__ import annotations

import argparse
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from fisch.connection import ArqConnection
from fisch.hostarq import MAX_PDUWORDS, PTYPE_DUMMYDATA, PTYPE_SENDDUMMY

ANCHOR_MB_S = 118.0  # the real HostARQ, payload per direction on 1 GbE
RTT_MEDIAN_US, RTT_MIN_US = 150.0, 120.0  # the real system's test limits
FRAMES = 40_000  # 57.6 MB of payload per direction
FRAME_BYTES = MAX_PDUWORDS * 8


@contextmanager
def emulator(loss: float = 0.0) -> Iterator[tuple[str, int, int]]:
    """``hx-emulator`` on a random loopback address; yields its address and ports."""
    address = (
        f"127.{random.randrange(1, 255)}.{random.randrange(1, 255)}.{random.randrange(2, 255)}"
    )
    ports = []
    for _ in range(2):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((address, 0))
            ports.append(s.getsockname()[1])
    command = [sys.executable, "-m", "fisch.emulator", "--quiet", "--listen", address, "--port",
               str(ports[0]), "--reset-port", str(ports[1]), "--loss", str(loss)]  # fmt: skip
    daemon = subprocess.Popen(command)
    try:
        yield address, ports[0], ports[1]
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def connect(address: str, data: int, reset: int) -> ArqConnection:
    deadline = time.monotonic() + 30
    while True:
        try:
            return ArqConnection(address, data, reset)
        except ConnectionError:
            if time.monotonic() > deadline:
                raise


def to_setup(arq: ArqConnection, frames: int) -> float:
    """Payload MB/s of `frames` dummy frames, until the last is acked."""
    end = arq.endpoint
    chunk = np.zeros(MAX_PDUWORDS * 128, np.uint64)
    start, sent = time.perf_counter(), 0
    while sent < frames or end.unacked:
        if sent < frames and end.room:
            n = min(end.room, frames - sent)
            end.send_words(PTYPE_DUMMYDATA, chunk[: n * MAX_PDUWORDS], 0)
            sent += n
        end.poll(0.0005)
    return frames * FRAME_BYTES / (time.perf_counter() - start) / 1e6


def from_setup(arq: ArqConnection, frames: int) -> float:
    """Payload MB/s of `frames` dummy frames the setup sends, until the last is in."""
    end = arq.endpoint
    start, got = time.perf_counter(), 0
    end.send(PTYPE_SENDDUMMY, np.array([frames], np.uint64))
    while got < frames:
        end.poll(0.0005)
        got += end.discard()
    return frames * FRAME_BYTES / (time.perf_counter() - start) / 1e6


def round_trips(arq: ArqConnection, n: int = 2000) -> np.ndarray:
    halt = np.array([0x0A00000000000000], np.uint64)
    times = np.empty(n)
    for i in range(n):
        t = time.perf_counter()
        arq.execute(halt)
        times[i] = time.perf_counter() - t
    return times * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    rates: dict[tuple[str, float], float] = {}
    rtt = np.zeros(0)
    for loss in (0.0, 0.01):
        with emulator(loss) as where:
            with connect(*where) as arq:
                arq.endpoint.set_loss(loss, seed=1)
                for name, measure in (("to the setup", to_setup), ("from the setup", from_setup)):
                    rates[name, loss] = max(measure(arq, FRAMES) for _ in range(3))
                if not loss:
                    rtt = round_trips(arq)
    print(f"HostARQ over loopback, {FRAMES} frames of {MAX_PDUWORDS} words per run, best of 3")
    ok = True
    for name in ("to the setup", "from the setup"):
        clean, lossy = rates[name, 0.0], rates[name, 0.01]
        good = clean >= ANCHOR_MB_S
        ok &= good
        print(f"  {name:15s} {clean:7.1f} MB/s = {clean / ANCHOR_MB_S:5.2f}x the real HostARQ's "
              f"{ANCHOR_MB_S:.0f} MB/s on 1 GbE  [{'ok' if good else 'MISSED'}]")  # fmt: skip
        print(f"  {'':15s} {lossy:7.1f} MB/s with 1 % loss each way: {lossy / clean:5.1%} kept")
    median, least = float(np.median(rtt)), float(rtt.min())
    good = median <= RTT_MEDIAN_US and least <= RTT_MIN_US
    ok &= good
    print(f"  round trip of a minimal program ({rtt.size}x): median {median:.0f} µs "
          f"(limit {RTT_MEDIAN_US:.0f}), minimum {least:.0f} µs (limit {RTT_MIN_US:.0f})"
          f"  [{'ok' if good else 'MISSED'}]")  # fmt: skip
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
