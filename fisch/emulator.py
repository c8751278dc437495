"""A BrainScaleS-2 setup emulator: the FPGA side of HostARQ in front of the chip model.

``hx-emulator`` (or ``python -m fisch.emulator``) listens on loopback (``--listen``, repeatable:
one emulated setup per address), data port ``--port`` (1234) and reset port ``--reset-port``
(45054). A reset frame on the reset port restarts that setup's ARQ and is answered with the
configuration frame (the Fcp parameters and the info text ``version: 1`` /
``compatible_until: 0``); loopback frames are echoed; the UT words of the stream run on the
setup's own chip model (seed ``--seed`` + its index), one program per halt loopback, and the
answer goes back in full frames of 180 words. It logs what it serves and stops cleanly on
SIGTERM or SIGINT.

Decision: the chip model runs a program once its halt loopback has arrived (a real FPGA starts
at once), so the model executes exactly the programs an in-process ``ChipModelConnection``
would, with the same results for the same seed. A program runs in a worker thread per setup,
so that the ARQ keeps answering (acks, loopbacks) while the model computes.
"""

from __future__ import annotations

import argparse
import logging
import queue
import selectors
import signal
import socket
import threading
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from fisch._program import HALT_WORD
from fisch.connection import ChipModelConnection
from fisch.hostarq import (
    MAX_PDUWORDS,
    PTYPE_CFG,
    PTYPE_LOOPBACK,
    PTYPE_UT,
    RESET_MAGIC,
    ArqEndpoint,
    cfg_words,
)

__all__ = ["INFO", "Emulator", "main"]

#: The info text of the configuration frame (YAML, as hxcomm parses it).
INFO = "version: 1\ncompatible_until: 0\n"
_HALT_WORD = np.uint64(HALT_WORD)
log = logging.getLogger("hx-emulator")


class _Setup:
    """One emulated setup: its sockets, ARQ, chip model and program assembly."""

    def __init__(
        self, address: str, port: int, reset_port: int, seed: int,
        done: queue.Queue[tuple[_Setup, int, npt.NDArray[np.uint64]]], wake: socket.socket,
    ) -> None:  # fmt: skip
        self.address, self.seed, self.done, self.wake = address, seed, done, wake
        self.data = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.reset_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for sock, p in ((self.data, port), (self.reset_sock, reset_port)):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 10 << 20)
            sock.bind((address, p))
        self.arq: ArqEndpoint | None = None
        self.chip = ChipModelConnection(seed)
        self.pending: list[npt.NDArray[np.uint64]] = []  # UT words not yet ending in a halt
        self.outbox: deque[npt.NDArray[np.uint64]] = deque()  # answer frames to send
        self.generation = 0  # (a reset drops the answers of programs sent before it)
        self.jobs: queue.Queue[tuple[int, npt.NDArray[np.uint64]] | None] = queue.Queue()
        self.worker = threading.Thread(target=self._work, name=f"chip-{address}", daemon=True)
        self.worker.start()

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            generation, program = job
            try:
                answer = self.chip.execute(program)
            except Exception as exc:  # (a refused program: logged; its answer is empty)
                log.warning("%s: program of %d words refused: %s", self.address, len(program), exc)
                answer = np.zeros(0, np.uint64)
            self.done.put((self, generation, answer))
            self.wake.send(b"\0")

    def on_reset(self, data: bytes, source: Any) -> None:
        if data != RESET_MAGIC.to_bytes(4, "big"):
            return
        log.info("%s: reset from %s:%d", self.address, *source)
        self.arq = ArqEndpoint(self.data, source)
        self.generation += 1
        self.pending.clear()
        self.outbox.clear()
        self.arq.send(PTYPE_CFG, cfg_words(INFO))

    def on_data(self) -> None:
        arq = self.arq
        if arq is None:  # (no reset yet: nothing to take)
            self.data.recv(65536)
            return
        arq.drain()
        while arq.delivered:
            ptype, words = arq.delivered.popleft()
            if ptype == PTYPE_LOOPBACK:
                self.outbox.append(np.append(np.uint64(PTYPE_LOOPBACK), words))
            elif ptype == PTYPE_UT:
                self._take(words)

    def _take(self, words: npt.NDArray[np.uint64]) -> None:
        """Queue each program whose halt has arrived."""
        halts = np.flatnonzero(words == _HALT_WORD)
        start = 0
        for h in halts:
            program = np.concatenate([*self.pending, words[start : h + 1]])
            self.pending.clear()
            start = int(h) + 1
            log.info("%s: program of %d words", self.address, len(program))
            self.jobs.put((self.generation, program))
        if start < len(words):
            self.pending.append(words[start:])

    def answer(self, generation: int, words: npt.NDArray[np.uint64]) -> None:
        if generation != self.generation:
            return
        for i in range(0, len(words), MAX_PDUWORDS):
            self.outbox.append(np.append(np.uint64(PTYPE_UT), words[i : i + MAX_PDUWORDS]))

    def pump(self) -> None:
        """Send what the window takes; run the ARQ timers."""
        arq = self.arq
        if arq is None:
            return
        while self.outbox and arq.room > 0:
            frame = self.outbox.popleft()
            arq.send(int(frame[0]), frame[1:])
        try:
            arq.timers()
        except ConnectionError as exc:
            log.warning("%s: peer lost (%s); waiting for a reset", self.address, exc)
            self.arq = None

    def close(self) -> None:
        self.jobs.put(None)
        self.worker.join(timeout=5.0)
        self.data.close()
        self.reset_sock.close()
        self.chip.close()


class Emulator:
    """Emulated setups on `addresses` (one each), served by ``serve()`` until ``stop()``."""

    def __init__(
        self, addresses: Sequence[str] = ("127.0.0.1",), port: int = 1234,
        reset_port: int = 0xAFFE, seed: int = 0,
    ) -> None:  # fmt: skip
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self.done: queue.Queue[tuple[_Setup, int, npt.NDArray[np.uint64]]] = queue.Queue()
        self.setups = [
            _Setup(address, port, reset_port, seed + k, self.done, self._wake_w)
            for k, address in enumerate(addresses)
        ]
        self._running = False

    @property
    def ports(self) -> list[tuple[int, int]]:
        """The data and reset ports each setup is bound to (useful with port 0)."""
        return [(s.data.getsockname()[1], s.reset_sock.getsockname()[1]) for s in self.setups]

    def serve(self) -> None:
        """Serve until ``stop()`` (or a signal handler calling it)."""
        selector = selectors.DefaultSelector()
        selector.register(self._wake_r, selectors.EVENT_READ, None)
        for setup in self.setups:
            selector.register(setup.data, selectors.EVENT_READ, (setup, "data"))
            selector.register(setup.reset_sock, selectors.EVENT_READ, (setup, "reset"))
            log.info("setup %s: data port %d, reset port %d, seed %d", setup.address,
                     *setup.data.getsockname()[1:2], setup.reset_sock.getsockname()[1],
                     setup.seed)  # fmt: skip
        self._running = True
        try:
            while self._running:
                busy = any(s.arq is not None and (s.arq.unacked or s.outbox) for s in self.setups)
                for key, _ in selector.select(0.001 if busy else 0.1):
                    if key.data is None:
                        while True:
                            try:
                                self._wake_r.recv(4096)
                            except BlockingIOError:
                                break
                        continue
                    setup, kind = key.data
                    if kind == "reset":
                        data, source = setup.reset_sock.recvfrom(64)
                        setup.on_reset(data, source)
                    else:
                        setup.on_data()
                while not self.done.empty():
                    setup, generation, words = self.done.get()
                    setup.answer(generation, words)
                for setup in self.setups:
                    setup.pump()
        finally:
            selector.close()

    def stop(self) -> None:
        """Make ``serve()`` return (safe from a signal handler or another thread)."""
        self._running = False
        try:
            self._wake_w.send(b"\0")
        except OSError:
            pass

    def close(self) -> None:
        """Release the setups' sockets, workers and chip models."""
        for setup in self.setups:
            setup.close()
        self._wake_r.close()
        self._wake_w.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hx-emulator``; returns its exit status."""
    parser = argparse.ArgumentParser(prog="hx-emulator", description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", action="append", help="address of a setup (repeatable; "
                        "default 127.0.0.1)")  # fmt: skip
    parser.add_argument("--port", type=int, default=1234, help="data port (1234)")
    parser.add_argument("--reset-port", type=int, default=0xAFFE, help="reset port (45054)")
    parser.add_argument("--seed", type=int, default=0, help="chip seed of the first setup")
    parser.add_argument("--quiet", action="store_true", help="log warnings only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(name)s %(message)s")  # fmt: skip
    emulator = Emulator(args.listen or ["127.0.0.1"], args.port, args.reset_port, args.seed)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: emulator.stop())
    try:
        emulator.serve()
    finally:
        emulator.close()
        log.info("stopped")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
