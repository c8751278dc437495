"""A fault-injecting UDP proxy between a HostARQ client and a setup (emulator).

The client talks to the proxy's data and reset ports as if they were the FPGA's; the proxy
forwards from one upstream socket, so the setup sees one host (the reset frame's source is the
data socket, as with the real host). Data datagrams in both directions meet the faults, drawn
from a seeded generator: loss, duplication, reordering (a datagram held back behind the next),
truncation, garbage datagrams and frames whose LEN field lies. Reset frames pass untouched.
"""

from __future__ import annotations

import selectors
import socket
import struct
import threading
from typing import Any

import numpy as np


class FaultyProxy:
    """Forward between a client and the setup at ``(host, data_port, reset_port)``."""

    def __init__(
        self, host: str, data_port: int, reset_port: int, *, seed: int = 0, loss: float = 0.0,
        duplicate: float = 0.0, reorder: float = 0.0, truncate: float = 0.0,
        garbage: float = 0.0, wrong_length: float = 0.0,
    ) -> None:  # fmt: skip
        self.setup_data, self.setup_reset = (host, data_port), (host, reset_port)
        self.rates = {
            "loss": loss, "duplicate": duplicate, "reorder": reorder, "truncate": truncate,
            "garbage": garbage, "wrong_length": wrong_length,
        }  # fmt: skip
        self.counts = dict.fromkeys(self.rates, 0)
        self.rng = np.random.default_rng(seed)
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front_reset = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for sock in (self.front, self.front_reset, self.up):
            sock.bind(("127.0.0.1", 0))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.client: Any = None
        self.held: dict[str, list[bytes]] = {"up": [], "down": []}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def ports(self) -> tuple[int, int]:
        """The data and reset ports a client connects to."""
        return self.front.getsockname()[1], self.front_reset.getsockname()[1]

    def _faulty(self, data: bytes, direction: str) -> list[bytes]:
        """The datagrams that leave for one that came in."""
        r = self.rng.random(6)
        rates = self.rates
        if r[0] < rates["loss"]:
            self.counts["loss"] += 1
            return []
        out = [data]
        if r[1] < rates["duplicate"]:
            self.counts["duplicate"] += 1
            out.append(data)
        if r[2] < rates["truncate"] and len(data) > 12:
            self.counts["truncate"] += 1
            out.append(data[: int(self.rng.integers(1, len(data)))])
        if r[3] < rates["garbage"]:
            self.counts["garbage"] += 1
            out.append(self.rng.bytes(int(self.rng.integers(1, 200))))
        if r[4] < rates["wrong_length"] and len(data) > 12:
            self.counts["wrong_length"] += 1
            n = struct.unpack_from(">H", data, 10)[0]
            out.append(data[:10] + struct.pack(">H", (n + 1) % 181) + data[12:])
        if r[5] < rates["reorder"]:
            self.counts["reorder"] += 1
            self.held[direction].extend(out)  # (overtaken by the next datagram)
            return []
        out.extend(self.held[direction])
        self.held[direction] = []
        return out

    def _serve(self) -> None:
        selector = selectors.DefaultSelector()
        for sock in (self.front, self.front_reset, self.up):
            selector.register(sock, selectors.EVENT_READ)
        while not self._stop.is_set():
            for key, _ in selector.select(0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    data, source = sock.recvfrom(65536)
                except OSError:
                    continue
                try:
                    if sock is self.front_reset:
                        self.client = source  # (the real host resets from its data socket)
                        self.up.sendto(data, self.setup_reset)
                    elif sock is self.front:
                        self.client = source
                        for d in self._faulty(data, "up"):
                            self.up.sendto(d, self.setup_data)
                    elif source == self.setup_data and self.client is not None:
                        for d in self._faulty(data, "down"):
                            self.front.sendto(d, self.client)
                except OSError:
                    pass  # (a side that is gone: as on a network, the datagram is lost)
        selector.close()

    def close(self) -> None:
        """Stop forwarding; release the sockets."""
        self._stop.set()
        self._thread.join(timeout=5)
        for sock in (self.front, self.front_reset, self.up):
            sock.close()
