"""The two paths a program takes in tests: the in-process chip model, and the setup emulator
(``fisch.emulator``) reached with ``ArqConnection`` over loopback HostARQ. Both give the same
results for the same seed; ``model.diagnostics`` and ``model.systime`` look into the chip model
that ran the programs, wherever it runs."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fisch.connection import ArqConnection, ChipModelConnection, ConnectionBase
from fisch.emulator import Emulator

#: The paths, as pytest parameters.
KINDS = ("chip_model", "emulator")


class EmulatedModel:
    """The chip model of an emulated setup (the current one: a reset makes a fresh one)."""

    def __init__(self, emulator: Emulator) -> None:
        self._setup = emulator.setups[0]

    @property
    def diagnostics(self) -> dict[str, int]:
        return self._setup.chip.diagnostics

    @property
    def systime(self) -> int:
        return self._setup.chip.systime


@contextmanager
def serving(emulator: Emulator) -> Iterator[Emulator]:
    """Serve `emulator` in a thread; stop and close it at the end."""
    thread = threading.Thread(target=emulator.serve, daemon=True)
    thread.start()
    try:
        yield emulator
    finally:
        emulator.stop()
        thread.join(timeout=10)
        emulator.close()


@contextmanager
def connect(kind: str, seed: int = 0, **flags: bool) -> Iterator[tuple[ConnectionBase, Any]]:
    """Yield a connection of `kind` to a fresh chip of `seed`, and its model."""
    if kind == "chip_model":
        with ChipModelConnection(seed, **flags) as connection:
            yield connection, connection
        return
    assert kind == "emulator", kind
    with serving(Emulator(["127.0.0.1"], 0, 0, seed, **flags)) as emulator:
        ((data, reset),) = emulator.ports
        with ArqConnection("127.0.0.1", data, reset) as connection:
            yield connection, EmulatedModel(emulator)


@contextmanager
def emulated_setup(seed: int = 0, **flags: bool) -> Iterator[Emulator]:
    """Serve one setup on the default ports of a random loopback address (``.setups[0].address``).

    What ``SLURM_FPGA_IPS`` names for the real stack: ``connection_from_env`` reaches it.
    """
    rng = random.Random()
    for _ in range(20):
        address = f"127.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}.{rng.randrange(2, 255)}"
        try:
            emulator = Emulator([address], seed=seed, **flags)
        except OSError:  # (taken: another address)
            continue
        with serving(emulator):
            yield emulator
        return
    raise OSError("no free loopback address for an emulated setup")
