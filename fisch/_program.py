"""``PlaybackProgram``: the words a program sends, and what came back, decoded (reference §4.3).

The response decoder works on whole arrays: C frames the from-FPGA stream, annotates every message
with the FPGA time (each message advances it by one cycle, ``Systime`` sets it, ``Sysdelta`` adds
to it) and unpacks spike and MADC packs into structured arrays with reconstructed chip times;
numpy fills the JTAG/Omnibus/loopback queues that tickets read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from fisch._chip import ffi, lib
from fisch._codec import FromFPGAMessages, decode_timed, decode_to_fpga
from fisch._container import RESPONSE_QUEUES, ResponseQueue
from fisch._event import (
    MADC_SAMPLE_DTYPE,
    SPIKE_DTYPE,
    HighspeedLinkNotification,
    TimeoutNotification,
)
from fisch._instructions import FROM_FPGA_DICTIONARY, TO_FPGA_DICTIONARY, instruction
from fisch.errors import RunError
from halco import MADCSamplePackFromFPGAOnDLS, SpikePackFromFPGAOnDLS

if TYPE_CHECKING:
    from fisch._builder import TicketStorage

__all__ = ["PlaybackProgram", "describe_to_fpga_word"]

#: Words the FPGA's playback memory holds (32 MiB / 8 B); larger programs lose timing guarantees.
PLAYBACK_MEMORY_SIZE_TO_FPGA = 4_194_304
#: The word hxcomm appends to every program: ``system.Loopback(halt)``.
HALT_WORD = instruction("system.Loopback").encode(0)
#: Instructions printed before a timed-out one.
TIMEOUT_CONTEXT = 10

_H = {i.name: i.index for i in FROM_FPGA_DICTIONARY}
_QUEUE_HEADER: dict[ResponseQueue, int] = {
    "jtag": _H["jtag_from_hicann.Data"],
    "omnibus": _H["omnibus_from_fpga.Data"],
}


def describe_to_fpga_word(word: int) -> str:
    """Return a readable form of one to-FPGA word, e.g. ``timing.WaitUntil(value=1250)``.

    >>> describe_to_fpga_word(0x0B00001F0016002A)
    'omnibus_to_fpga.Address(address=0x16002a, byte_enables=0xf, is_read=0x1)'
    """
    header = word >> 56
    if header >= len(TO_FPGA_DICTIONARY):
        return f"<invalid word {word:#018x}>"
    ins = TO_FPGA_DICTIONARY[header]
    payload = word & ((1 << 56) - 1)
    if payload >> ins.size:
        return f"<invalid {ins.name} word {word:#018x}>"
    fields = ", ".join(f"{k}={v:#x}" for k, v in ins.unpack(payload).items())
    return f"{ins.name}({fields})"


class PlaybackProgram:
    """An immutable sequence of to-FPGA words plus the decoded responses of its last run.

    Built by ``PlaybackProgramBuilder.done()``; executed by ``fisch.run(connection, program)``.
    """

    def __init__(
        self,
        words: npt.NDArray[np.uint64],
        expected: dict[ResponseQueue, int],
        tickets: list[TicketStorage],
    ) -> None:
        self._words = words
        self._words.flags.writeable = False
        self._expected = dict(expected)
        self._tickets = tickets
        self._ran = False
        self.clear_from_fpga_messages()

    # -- what goes out ----------------------------------------------------------------------------
    def to_fpga_words(self) -> npt.NDArray[np.uint64]:
        """Return the encoded to-FPGA stream a connection receives, halt loopback included."""
        return np.append(self._words, np.uint64(HALT_WORD))

    def size_to_fpga(self) -> int:
        """Return the number of instructions (without the halt)."""
        return int(self._words.size)

    def size_from_fpga(self) -> int:
        """Return the number of responses the tickets expect."""
        return sum(self._expected.values())

    def empty(self) -> bool:
        """Return whether the program has no instructions."""
        return self._words.size == 0

    def describe(self, start: int = 0, stop: int | None = None) -> str:
        """Return instructions ``start``..``stop`` one per line, as ``Instruction(i): …``."""
        stop = self._words.size if stop is None else min(stop, self._words.size)
        return "\n".join(
            f"Instruction({i}): {describe_to_fpga_word(int(self._words[i]))}"
            for i in range(max(start, 0), stop)
        )

    def __str__(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        return (
            f"<PlaybackProgram: {self.size_to_fpga()} instructions, "
            f"{self.size_from_fpga()} expected responses>"
        )

    # -- what comes back --------------------------------------------------------------------------
    def clear_from_fpga_messages(self) -> None:
        """Forget the responses of the last run, so that the program can run again."""
        empty = np.zeros(0, np.uint64)
        self._queues: dict[ResponseQueue, tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]]
        self._queues = {q: (empty, empty) for q in RESPONSE_QUEUES}
        self._spikes = np.zeros(0, SPIKE_DTYPE)
        self._madc = np.zeros(0, MADC_SAMPLE_DTYPE)
        self._highspeed: list[HighspeedLinkNotification] = []
        self._timeouts: list[TimeoutNotification] = []
        self._spike_packs = {SpikePackFromFPGAOnDLS(n): 0 for n in (1, 2, 3)}
        self._madc_packs = {MADCSamplePackFromFPGAOnDLS(n): 0 for n in (1, 2, 3)}
        self._halts = 0
        self._time = 0  # FPGA time of the last message pushed
        self._ran = False

    def push_from_fpga_words(self, words: npt.ArrayLike) -> None:
        """Decode from-FPGA words into this program's response state.

        Several pushes append (the FPGA time carries on) until ``clear_from_fpga_messages()``;
        each push must hold whole messages, as every response stream of a run does.

        Raises
        ------
        UnknownInstructionError, UTDecodeError
            If the stream is not a valid from-FPGA UT stream.
        """
        m, t, per_header, self._time = decode_timed(words, self._time)
        self._absorb(m, t, per_header)

    def _absorb(
        self, m: FromFPGAMessages, t: npt.NDArray[np.uint64], per_header: npt.NDArray[np.uint64]
    ) -> None:
        h, p = m.header, m.payload
        present = per_header > 0  # (a kind that is absent costs no pass over the stream)
        for q, header in _QUEUE_HEADER.items():
            if present[header]:
                sel = h == header
                self._append_queue(q, p[sel], t[sel])
        if present[_H["from_fpga_system.Loopback"]]:
            loop = h == _H["from_fpga_system.Loopback"]
            tick = loop & (p == 1)
            self._append_queue("loopback", p[tick], t[tick])
            self._halts += int(np.count_nonzero(loop & ~tick))

        def where(header: int) -> npt.NDArray[np.intp]:
            return np.flatnonzero(h == header) if present[header] else np.zeros(0, np.intp)

        for i in where(_H["from_fpga_system.HighspeedLinkNotification"]):
            self._highspeed.append(HighspeedLinkNotification(int(p[i]), int(t[i])))
        for i in where(_H["from_fpga_system.TimeoutNotification"]):
            raw = int(p[i])
            self._timeouts.append(
                TimeoutNotification(
                    raw & 0xFFFF_FFFF, raw >> 32 & 0x7F, raw >> 39 & 0x3F, int(t[i])
                )
            )
        (spikes, spike_packs), (samples, sample_packs) = _unpack_events(m, t, per_header)
        if spikes.size:
            self._spikes = np.concatenate([self._spikes, spikes]) if self._spikes.size else spikes
        for n, c in zip((1, 2, 3), spike_packs, strict=True):
            self._spike_packs[SpikePackFromFPGAOnDLS(n)] += c
        if samples.size:
            self._madc = np.concatenate([self._madc, samples]) if self._madc.size else samples
        for n, c in zip((1, 2, 3), sample_packs, strict=True):
            self._madc_packs[MADCSamplePackFromFPGAOnDLS(n)] += c
        self._ran = True

    def _append_queue(
        self, q: ResponseQueue, payloads: npt.NDArray[np.uint64], times: npt.NDArray[np.uint64]
    ) -> None:
        old_p, old_t = self._queues[q]
        if old_p.size:
            payloads, times = np.concatenate([old_p, payloads]), np.concatenate([old_t, times])
        self._queues[q] = (payloads, times)

    def get_spikes(self) -> npt.NDArray[Any]:
        """Return the spikes of the last run (``SPIKE_DTYPE``: label, fpga_time, chip_time)."""
        return self._spikes

    def get_madc_samples(self) -> npt.NDArray[Any]:
        """Return the MADC samples of the last run (``MADC_SAMPLE_DTYPE``)."""
        return self._madc

    def get_highspeed_link_notifications(self) -> list[HighspeedLinkNotification]:
        """Return the highspeed-link notifications of the last run."""
        return list(self._highspeed)

    def get_timeout_notifications(self) -> list[TimeoutNotification]:
        """Return the playback timeout notifications of the last run."""
        return list(self._timeouts)

    def get_spikes_pack_counts(self) -> dict[SpikePackFromFPGAOnDLS, int]:
        """Return how many spike packs of each size arrived."""
        return dict(self._spike_packs)

    def get_madc_samples_pack_counts(self) -> dict[MADCSamplePackFromFPGAOnDLS, int]:
        """Return how many MADC sample packs of each size arrived."""
        return dict(self._madc_packs)

    def expected_size(self, q: ResponseQueue) -> int:
        """Return how many messages the program's reads expect in response queue ``q``."""
        return self._expected[q]

    def response_queue(self, q: ResponseQueue) -> tuple[npt.NDArray[np.uint64], ...]:
        """Return the (payloads, fpga_times) received in response queue ``q``."""
        return self._queues[q]

    # -- verdict ----------------------------------------------------------------------------------
    def run_ok(self) -> bool:
        """Return whether the last run had no playback timeout."""
        return not self._timeouts

    def tickets_valid(self) -> bool:
        """Return whether every response queue holds exactly the expected number of messages.

        More responses than reads asked for mean that the responses cannot be matched to the
        tickets, so that counts as invalid too (as in the real fisch).
        """
        return all(self._queues[q][0].size == n for q, n in self._expected.items())

    def check(self) -> None:
        """Raise if the last run failed; do nothing otherwise.

        Raises
        ------
        RunError
            On a playback timeout (naming the instruction and its neighbours), if the halt
            loopback never came back, or if tickets lack their data.
        """
        if self._timeouts:
            raise RunError(self._timeout_message(self._timeouts[0]))
        if self._halts == 0:
            raise RunError(
                "the response stream ended without the halt loopback: the program did not "
                "complete (connection lost or response truncated)"
            )
        extra = [q for q, n in self._expected.items() if self._queues[q][0].size > n]
        if extra:
            got = ", ".join(f"{q} {self._queues[q][0].size}/{self._expected[q]}" for q in extra)
            raise RunError(
                f"more responses than the reads asked for (received/expected: {got}); the "
                "responses cannot be matched to the tickets"
            )
        if not self.tickets_valid():
            missing = [s for s in self._tickets if not s.valid()]
            lines = [
                f"  {s.container_type.__name__} x{s.count}: {s.queue} responses "
                f"{s.pos}..{s.pos + s.count * s.container_type.decode_ut_message_count - 1}"
                for s in missing[:TIMEOUT_CONTEXT]
            ]
            got = ", ".join(
                f"{q} {self._queues[q][0].size}/{n}" for q, n in self._expected.items() if n
            )
            raise RunError(
                f"tickets lack data (received/expected: {got}); {len(missing)} ticket(s) "
                "without data:\n" + "\n".join(lines)
            )

    def _timeout_message(self, note: TimeoutNotification) -> str:
        i = note.value
        n = self._words.size
        head = (
            f"playback instruction timeout at fpga_time {note.fpga_time.value()}: instruction "
            f"{i} of {n} (trace stalls {note.trace_stall}, omnibus reads in flight "
            f"{note.omnibus_reads})"
        )
        if i == n:
            return (
                head
                + "; that is the halt loopback appended at execution; context:\n"
                + (
                    self.describe(i - TIMEOUT_CONTEXT, i)
                    + f"\nInstruction({n}): system.Loopback(halt)"
                )
            )
        if i > n:
            return head + f"; the index is invalid, the program has only {n + 1} instructions"
        return head + "; context:\n" + self.describe(i - TIMEOUT_CONTEXT, i + 1)

    @property
    def ran(self) -> bool:
        """Whether responses have been pushed since the last clear."""
        return self._ran

    def instructions(self) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint64]]:
        """Return (headers, payloads) of the program's words."""
        return decode_to_fpga(self._words)


def _unpack_events(
    m: FromFPGAMessages, t: npt.NDArray[np.uint64], counts: npt.NDArray[np.uint64]
) -> tuple[tuple[npt.NDArray[Any], list[int]], tuple[npt.NDArray[Any], list[int]]]:
    """Unpack spike and MADC sample packs into structured arrays, in stream order (in C).

    One pass for both kinds; with each kind's packs per size. ``counts`` are the message counts
    per from-FPGA header.
    """
    kinds = []
    for first, dtype in (
        (_H["event_from_fpga.SpikePack1"], SPIKE_DTYPE),
        (_H["event_from_fpga.MADCSamplePack1"], MADC_SAMPLE_DTYPE),
    ):
        per_size = [int(c) for c in counts[first : first + 3]]
        total = per_size[0] + 2 * per_size[1] + 3 * per_size[2]
        kinds.append((np.empty(total, dtype), per_size))
    (spikes, _), (samples, _) = kinds
    if spikes.size or samples.size:
        written = ffi.new("int64_t[2]")
        status = lib.bss2_ut_unpack_all(
            ffi.from_buffer("uint8_t[]", m.header),
            ffi.from_buffer("uint64_t[]", m.payload),
            ffi.from_buffer("uint8_t[]", m.payload_high),
            ffi.from_buffer("uint64_t[]", t),
            m.header.size,
            ffi.from_buffer("uint8_t[]", spikes.view(np.uint8), require_writable=True),
            spikes.size,
            ffi.from_buffer("uint8_t[]", samples.view(np.uint8), require_writable=True),
            samples.size,
            written,
        )
        if status != 0 or (written[0], written[1]) != (spikes.size, samples.size):
            raise RuntimeError(  # pragma: no cover - the counts above are exact
                f"event unpacking wrote {written[0]} and {written[1]} records (status {status}), "
                f"expected {spikes.size} and {samples.size}"
            )
    return kinds[0], kinds[1]
