"""A BrainScaleS-2 setup emulator: the FPGA side of HostARQ in front of the chip model.

``hx-emulator`` (or ``python -m fisch.emulator``) listens on loopback (``--listen``, repeatable:
one emulated setup per address), data port ``--port`` (1234) and reset port ``--reset-port``
(45054). A reset frame on the reset port restarts that setup's ARQ and is answered with the
configuration frame (the Fcp parameters and the info text ``version: 1`` /
``compatible_until: 0``); loopback frames are echoed; dummy data frames (type 0x0000) are taken
and dropped, and a "send dummy" frame (0x8003) holding a count is answered with that many full
dummy data frames (the perf-test modes, for transport benchmarks); the UT words of the stream
run on the setup's own chip model (seed ``--seed`` + its index), one program per halt loopback,
and the answer goes back in full frames of 180 words. It logs what it serves and stops cleanly on
SIGTERM or SIGINT.

Decisions: the chip model runs a program once its halt loopback has arrived (a real FPGA starts
at once), so the model executes exactly the programs an in-process ``ChipModelConnection``
would. A reset (a new connection) powers up a fresh chip with the setup's seed, so a connection
sees what a new ``ChipModelConnection(seed)`` would, with the same results. A program runs in a
worker thread per setup, so that the ARQ keeps acking while the model computes, unless it is
quick: at most 512 words without waits (timing.WaitUntil, timing.PollingOmnibusBlock), whose
model time is a few cycles a word, runs at once when the worker is idle (no thread hand-off in
a short program's round trip); a loopback frame
is echoed in order with the answers (after the answer of every program received before it), so
a host that sends one behind its program knows the whole answer is in when the echo is.
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

from fisch._codec import encode_from_fpga
from fisch._program import HALT_WORD
from fisch.connection import ChipModelConnection
from fisch.hostarq import (
    MAX_PDUWORDS,
    MAX_WINSIZ,
    PTYPE_CFG,
    PTYPE_DUMMYDATA,
    PTYPE_LOOPBACK,
    PTYPE_SENDDUMMY,
    PTYPE_UT,
    RESET_MAGIC,
    ArqEndpoint,
    cfg_words,
)

__all__ = ["INFO", "Emulator", "main"]

#: The info text of the configuration frame (YAML, as hxcomm parses it).
INFO = "version: 1\ncompatible_until: 0\n"
_HALT_WORD = np.uint64(HALT_WORD)
#: The answer to a program the chip model refuses (e.g. longer than the playback memory): a
#: timeout notification, then the halt's loopback; the host reports the timeout, and does not
#: wait for read responses that will not come.
_REFUSED = encode_from_fpga(np.array([4, 2]), np.zeros(2, np.uint64))
_DUMMY = np.zeros(MAX_PDUWORDS * MAX_WINSIZ, np.uint64)  # (a window of dummy data frames)
#: Headers of the to-FPGA instructions that wait (timing.WaitUntil, timing.PollingOmnibusBlock).
_WAIT_UNTIL, _POLLING = np.uint64(5), np.uint64(8)


def _quick(program: npt.NDArray[np.uint64]) -> bool:
    """Whether a program runs in bounded, short wall time: at most 512 words and no waits."""
    if program.size > 512:
        return False
    headers = program >> np.uint64(56)
    return not ((headers == _WAIT_UNTIL) | (headers == _POLLING)).any()


log = logging.getLogger("hx-emulator")
#: A program to run (or a loopback frame to echo): the reset generation it belongs to, the chip
#: it runs on, the packet type and the words.
_Job = tuple[int, ChipModelConnection, int, npt.NDArray[np.uint64]]
#: What to send back: the setup, the generation, the packet type and the words.
_Answer = tuple["_Setup", int, int, npt.NDArray[np.uint64]]


class _Setup:
    """One emulated setup: its sockets, ARQ, chip model and program assembly."""

    def __init__(
        self, address: str, port: int, reset_port: int, seed: int, flags: dict[str, bool],
        done: queue.Queue[_Answer], wake: socket.socket,
    ) -> None:  # fmt: skip
        self.address, self.seed, self.flags = address, seed, flags
        self.done, self.wake = done, wake
        self.data = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.reset_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for sock, p in ((self.data, port), (self.reset_sock, reset_port)):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 10 << 20)
            sock.bind((address, p))
        self.arq: ArqEndpoint | None = None
        self.running = 0
        self.loss = 0.0
        self.chip = ChipModelConnection(seed, **flags)
        self.pending: list[npt.NDArray[np.uint64]] = []  # UT words not yet ending in a halt
        self.outbox: deque[list[Any]] = deque()  # answers to send: [ptype, words, words sent]
        self.generation = 0  # (a reset drops the answers of programs sent before it)
        self.jobs: queue.Queue[_Job | None] = queue.Queue()
        self.worker = threading.Thread(target=self._work, name=f"chip-{address}", daemon=True)
        self.worker.start()

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            generation, chip, ptype, program = job
            if generation != self.generation:
                continue  # (sent before a reset: its answer would be dropped)
            if ptype != PTYPE_UT:  # (a loopback: echoed in order with the answers)
                self.done.put((self, generation, ptype, program))
                self.wake.send(b"\0")
                continue
            self.done.put((self, generation, ptype, self._run(chip, program)))
            self.wake.send(b"\0")

    def _run(self, chip: ChipModelConnection, program: npt.NDArray[np.uint64]) -> Any:
        try:
            return chip.execute(program)
        except Exception as exc:  # (refused: a timeout notification and the halt answer it)
            log.warning("%s: program of %d words refused: %s", self.address, len(program), exc)
            return _REFUSED

    def on_reset(self, data: bytes, source: Any) -> None:
        if data != RESET_MAGIC.to_bytes(4, "big"):
            return
        log.info("%s: reset from %s:%d", self.address, *source)
        self.arq = ArqEndpoint(self.data, source)
        self.arq.set_loss(self.loss, seed=self.generation)
        self.generation += 1
        self.running = 0  # (programs and echoes queued and not answered yet)
        # (the old chip is freed once a program still running on it is done)
        self.chip = ChipModelConnection(self.seed, **self.flags)
        self.pending.clear()
        self.outbox.clear()
        self.arq.send(PTYPE_CFG, cfg_words(INFO))

    def on_data(self) -> None:
        arq = self.arq
        if arq is None:  # (no reset yet: nothing to take)
            self.data.recv(65536)
            return
        arq.poll(0.0)
        for ptype, words in arq.frames():
            if ptype == PTYPE_LOOPBACK and self.running == 0:
                self.outbox.append([ptype, words, 0])  # (no answer before it: echoed at once)
            elif ptype == PTYPE_LOOPBACK:
                self.running += 1
                self.jobs.put((self.generation, self.chip, ptype, words))
            elif ptype == PTYPE_UT:
                self._take(words)
            elif ptype == PTYPE_SENDDUMMY and words.size:
                self.outbox.append([PTYPE_DUMMYDATA, None, -int(words[0])])

    def _take(self, words: npt.NDArray[np.uint64]) -> None:
        """Queue each program whose halt has arrived."""
        halts = np.flatnonzero(words == _HALT_WORD)
        start = 0
        for h in halts:
            program = words[start : h + 1]
            if self.pending:
                program = np.concatenate([*self.pending, program])
            self.pending.clear()
            start = int(h) + 1
            log.info("%s: program of %d words", self.address, len(program))
            self.running += 1
            if self.running == 1 and _quick(program):
                self.answer(self.generation, PTYPE_UT, self._run(self.chip, program))
            else:
                self.jobs.put((self.generation, self.chip, PTYPE_UT, program))
        if start < len(words):
            self.pending.append(words[start:])

    def answer(self, generation: int, ptype: int, words: npt.NDArray[np.uint64]) -> None:
        if generation != self.generation:
            return
        self.running -= 1
        self.outbox.append([ptype, np.ascontiguousarray(words, np.uint64), 0])

    def pump(self) -> None:
        """Send what the window takes; run the ARQ timers."""
        arq = self.arq
        if arq is None:
            return
        try:
            while self.outbox and arq.room > 0:
                ptype, words, done = self.outbox[0]
                if done < 0:  # (dummy data frames still to send: -done)
                    n = min(arq.room, -done)
                    arq.send_words(ptype, _DUMMY[: n * MAX_PDUWORDS], 0)
                    self.outbox[0][2] = done + n
                    if done + n == 0:
                        self.outbox.popleft()
                    continue
                if ptype != PTYPE_UT:  # (an echo: one frame, as it came)
                    arq.send(ptype, words)
                    done = words.size
                elif words.size:
                    self.outbox[0][2] = done = arq.send_words(ptype, words, done)
                if done >= words.size:
                    self.outbox.popleft()
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
    """Emulated setups on `addresses` (one each), served by ``serve()`` until ``stop()``.

    Setup ``k`` runs a chip model with seed ``seed + k``; `mismatch` and `noise` as in
    ``ChipModelConnection``; `loss` drops that fraction of the datagrams the setups send (for
    tests and benchmarks of the transport).

    Raises
    ------
    ValueError
        If `loss` is not in [0, 1].
    OSError
        If an address or port cannot be bound.
    """

    def __init__(
        self, addresses: Sequence[str] = ("127.0.0.1",), port: int = 1234,
        reset_port: int = 0xAFFE, seed: int = 0, *, mismatch: bool = True, noise: bool = True,
        loss: float = 0.0,
    ) -> None:  # fmt: skip
        if not 0.0 <= loss <= 1.0:
            raise ValueError(f"loss must be a fraction in [0, 1], got {loss}")
        flags = {"mismatch": mismatch, "noise": noise}
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self.done: queue.Queue[_Answer] = queue.Queue()
        self.setups = [
            _Setup(address, port, reset_port, seed + k, flags, self.done, self._wake_w)
            for k, address in enumerate(addresses)
        ]
        for setup in self.setups:
            setup.loss = loss
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
                # (a short program's answer is awaited here: no round through the selector)
                wait = any(s.running for s in self.setups)
                while wait or not self.done.empty():
                    try:
                        setup, generation, ptype, words = self.done.get(timeout=0.0005)
                    except queue.Empty:
                        break
                    setup.answer(generation, ptype, words)
                    wait = setup.running > 0
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
    parser.add_argument("--no-mismatch", action="store_true", help="ideal circuits (tests)")
    parser.add_argument("--no-noise", action="store_true", help="no temporal noise (tests)")
    parser.add_argument("--loss", type=float, default=0.0, help="drop this fraction of the "
                        "datagrams sent (transport tests)")  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="log warnings only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(name)s %(message)s")  # fmt: skip
    emulator = Emulator(
        args.listen or ["127.0.0.1"], args.port, args.reset_port, args.seed,
        mismatch=not args.no_mismatch, noise=not args.no_noise, loss=args.loss,
    )  # fmt: skip
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
