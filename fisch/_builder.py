"""The word-level ``PlaybackProgramBuilder`` and its ``ContainerTicket`` (reference §4.2).

Instructions accumulate as 64-bit words: single writes append Python ints (the cheap path for
scripts), bulk writes append numpy arrays. A read reserves ``count x decode_ut_message_count``
places in its container's response queue; its ticket remembers where, and ``merge_back`` /
``merge_front`` shift the tickets of the builder whose responses now come later.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from fisch._codec import decode_to_fpga
from fisch._container import RESPONSE_QUEUES, Container, ResponseQueue, container_for
from fisch._event import FPGATime
from fisch._instructions import instruction
from fisch._program import PLAYBACK_MEMORY_SIZE_TO_FPGA, PlaybackProgram, describe_to_fpga_word
from fisch.errors import NotReadableError, PlaybackMemoryWarning, TicketNotReadyError
from halco.common import Coordinate

__all__ = ["ContainerTicket", "PlaybackProgramBuilder"]

C = TypeVar("C", bound=Container)


class TicketStorage:
    """Where a ticket's responses are: queue, first position, count; and in which program."""

    __slots__ = ("container_type", "count", "pos", "program", "queue")

    def __init__(self, container_type: type[Container], queue: ResponseQueue, pos: int, count: int):
        self.container_type = container_type
        self.queue = queue
        self.pos = pos
        self.count = count
        self.program: PlaybackProgram | None = None

    @property
    def size(self) -> int:
        """Number of response messages the ticket covers."""
        return self.count * self.container_type.decode_ut_message_count

    def valid(self) -> bool:
        """Return whether the program ran and its queue holds this ticket's messages.

        A queue holding more messages than the program's reads asked for cannot be matched to
        tickets, so none of its tickets is valid then.
        """
        prog = self.program
        if prog is None or not prog.ran:
            return False
        have = prog.response_queue(self.queue)[0].size
        return self.pos + self.size <= have <= prog.expected_size(self.queue)


class ContainerTicket(Generic[C]):
    """Handle to the result of a read; valid once the program has run.

    ``get()`` returns the list of read containers (one per coordinate), ``fpga_time()`` when the
    last response arrived, ``get_payloads()`` the raw response payloads as a numpy array.
    """

    __slots__ = ("_s",)

    def __init__(self, storage: TicketStorage) -> None:
        self._s = storage

    @property
    def container_type(self) -> type[Container]:
        """The container type read."""
        return self._s.container_type

    def valid(self) -> bool:
        """Return whether the data is available."""
        return self._s.valid()

    def _check(self) -> PlaybackProgram:
        s = self._s
        if s.program is None:
            raise TicketNotReadyError(
                f"ticket for {s.count} {s.container_type.__name__} read(s) is not valid yet: "
                "its builder has not been turned into a program (call done() and run it)"
            )
        if not s.program.ran:
            raise TicketNotReadyError(
                f"ticket for {s.count} {s.container_type.__name__} read(s) is not valid yet: "
                "its program has not run"
            )
        if not s.valid():
            have = s.program.response_queue(s.queue)[0].size
            raise TicketNotReadyError(
                f"ticket for {s.count} {s.container_type.__name__} read(s) has no valid data: "
                f"needs {s.queue} responses {s.pos}..{s.pos + s.size - 1} of "
                f"{s.program.expected_size(s.queue)} expected, the run returned {have}"
            )
        return s.program

    def get_payloads(self) -> npt.NDArray[np.uint64]:
        """Return the raw response payloads (``count x decode_ut_message_count``).

        Raises
        ------
        TicketNotReadyError
            If the program has not run or the run lacked this ticket's responses.
        """
        prog = self._check()
        s = self._s
        return prog.response_queue(s.queue)[0][s.pos : s.pos + s.size]

    def get(self) -> list[C]:
        """Return the read containers, one per coordinate read.

        Raises
        ------
        TicketNotReadyError
            If the program has not run or the run lacked this ticket's responses.
        """
        payloads = self.get_payloads().tolist()
        ct = self._s.container_type
        m = ct.decode_ut_message_count
        return [ct.decode(payloads[i : i + m]) for i in range(0, len(payloads), m)]  # type: ignore[misc]

    def fpga_time(self) -> FPGATime:
        """Return the FPGA time of the ticket's last response.

        Raises
        ------
        TicketNotReadyError
            If the program has not run or the run lacked this ticket's responses.
        ValueError
            If the ticket covers no read (an empty list was read).
        """
        prog = self._check()
        s = self._s
        if not s.count:
            raise ValueError("a ticket of an empty read has no fpga_time")
        return FPGATime(int(prog.response_queue(s.queue)[1][s.pos + s.size - 1]))

    def __repr__(self) -> str:
        s = self._s
        state = "valid" if s.valid() else "pending"
        return f"<ContainerTicket {s.count}x{s.container_type.__name__} ({state})>"


_OMNIBUS_ADDRESS = instruction("omnibus_to_fpga.Address").index
_JTAG_DATA = instruction("to_fpga_jtag.Data").index
_LOOPBACK = instruction("system.Loopback").index


def _sequence(x: object) -> bool:
    return isinstance(x, (Sequence, np.ndarray)) and not isinstance(x, (str, bytes))


class PlaybackProgramBuilder:
    """Builds a ``PlaybackProgram`` from fisch word containers.

    >>> from halco import OmnibusAddress
    >>> from fisch import Omnibus
    >>> b = PlaybackProgramBuilder()
    >>> b.write(OmnibusAddress(0x0016002A), Omnibus(0x81))
    >>> ticket = b.read(OmnibusAddress(0x0016002A))
    >>> b.size_to_fpga(), b.is_write_only()
    (3, False)
    """

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._chunks: list[npt.NDArray[np.uint64]] = []
        self._chunk_size = 0
        self._tail: list[int] = []
        self._expected: dict[ResponseQueue, int] = dict.fromkeys(RESPONSE_QUEUES, 0)
        self._tickets: list[TicketStorage] = []

    def _flush(self) -> None:
        if self._tail:
            self._chunks.append(np.array(self._tail, dtype=np.uint64))
            self._chunk_size += len(self._tail)
            self._tail = []

    def _append(self, words: npt.NDArray[np.uint64]) -> None:
        if words.size:
            self._flush()
            self._chunks.append(words)
            self._chunk_size += words.size

    def _words(self) -> npt.NDArray[np.uint64]:
        self._flush()
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0] if self._chunks else np.zeros(0, np.uint64)

    # -- writing ----------------------------------------------------------------------------------
    def write(self, coord: Any, container: Any) -> None:
        """Write ``container`` to ``coord``, or ``containers[i]`` to ``coords[i]`` for lists.

        Raises
        ------
        NotWritableError
            If the container cannot be written.
        TypeError
            If the arguments are not a coordinate and a container (or lists of them).
        ValueError
            If the lists differ in length or a value is out of range.
        """
        if isinstance(container, Container):
            self._tail.extend(container.encode_write(coord))
            return
        if not (_sequence(coord) and _sequence(container)):
            raise TypeError(
                "write() takes a coordinate and a fisch container, or lists of them; got "
                f"{type(coord).__name__} and {type(container).__name__}"
            )
        if isinstance(container, np.ndarray):
            raise TypeError("write() of numpy arrays needs the container type: use write_array()")
        if len(coord) != len(container):
            raise ValueError(f"{len(coord)} coordinates but {len(container)} containers")
        if not container:
            return
        ctype = type(container[0])
        if not isinstance(container[0], Container) or any(type(c) is not ctype for c in container):
            raise TypeError("write() of a list needs fisch containers of one type")
        self._append(ctype.encode_write_array(coord, container))

    def write_array(
        self, container_type: type[Container], coords: Any, values: Any, **kwargs: Any
    ) -> None:
        """Bulk write: ``container_type.encode_write_array(coords, values)`` (numpy fast path).

        Raises
        ------
        FieldRangeError
            If an address or value does not fit.
        ValueError
            If the arrays differ in length.
        """
        self._append(container_type.encode_write_array(coords, values, **kwargs))

    def write_to_fpga_words(self, words: Any) -> None:
        """Append already encoded to-FPGA words (for bulk paths such as spike trains).

        Only instructions without a response are accepted, since reads need tickets.

        Raises
        ------
        UTDecodeError
            If a word has an unknown header.
        ValueError
            If a word requests a response (an Omnibus read, a JTAG data shift keeping its
            response, a loopback).
        """
        w = np.asarray(words, np.uint64).reshape(-1)
        headers, payloads = decode_to_fpga(w)
        read = (headers == _OMNIBUS_ADDRESS) & ((payloads >> np.uint64(36)) & np.uint64(1) == 1)
        read |= (headers == _JTAG_DATA) & ((payloads >> np.uint64(48)) & np.uint64(1) == 1)
        read |= headers == _LOOPBACK
        if read.any():
            i = int(np.argmax(read))
            raise ValueError(
                f"word {i} ({describe_to_fpga_word(int(w[i]))}) requests a response: "
                "use read() for reads"
            )
        self._append(w.copy())

    # -- reading ----------------------------------------------------------------------------------
    def _ticket(self, ctype: type[Container], count: int) -> ContainerTicket[Any]:
        queue = ctype.response_queue
        assert queue is not None  # readable containers declare their queue
        storage = TicketStorage(ctype, queue, self._expected[queue], count)
        self._expected[queue] += storage.size
        self._tickets.append(storage)
        return ContainerTicket(storage)

    def read(self, coord: Any) -> ContainerTicket[Any]:
        """Read ``coord`` (or every coordinate of a list); return the ticket for the result.

        Raises
        ------
        NotReadableError
            If the coordinate's container cannot be read.
        TypeError
            If no fisch container has the coordinate's type, or a list mixes types.
        """
        if isinstance(coord, Coordinate):
            ctype = container_for(coord)
            self._tail.extend(ctype.encode_read(coord))
            return self._ticket(ctype, 1)
        if not _sequence(coord) or isinstance(coord, np.ndarray):
            raise TypeError(
                f"read() takes a coordinate or a list of coordinates, got {type(coord).__name__}; "
                "for numpy arrays use read_array()"
            )
        if not coord:  # decision: the C++ template knows the type of an empty vector; we do not
            raise ValueError(
                "read() of an empty list: the container type is unknown; use "
                "read_array(container_type, [])"
            )
        ctype = container_for(coord[0])
        if any(type(c) is not type(coord[0]) for c in coord):
            raise TypeError("read() of a list needs coordinates of one type")
        if not ctype.is_readable:
            raise NotReadableError(f"{ctype.__name__} cannot be read (write-only)")
        self._append(ctype.encode_read_array(coord))
        return self._ticket(ctype, len(coord))

    def read_array(self, container_type: type[Container], coords: Any) -> ContainerTicket[Any]:
        """Bulk read of ``coords`` (numpy fast path for ``Omnibus`` addresses).

        Raises
        ------
        NotReadableError
            If the container cannot be read.
        """
        if not container_type.is_readable:
            raise NotReadableError(f"{container_type.__name__} cannot be read (write-only)")
        words = container_type.encode_read_array(coords)
        self._append(words)
        return self._ticket(container_type, len(coords))

    # -- composition ------------------------------------------------------------------------------
    def merge_back(self, other: PlaybackProgramBuilder) -> None:
        """Append ``other``'s instructions and tickets; ``other`` is left empty.

        Raises
        ------
        ValueError
            If ``other`` is this builder.
        """
        if other is self:
            raise ValueError("merge_back not possible from the same PlaybackProgramBuilder")
        for s in other._tickets:
            s.pos += self._expected[s.queue]
        self._take(other, front=False)

    def merge_front(self, other: PlaybackProgramBuilder) -> None:
        """Prepend ``other``'s instructions and tickets; ``other`` is left empty.

        Raises
        ------
        ValueError
            If ``other`` is this builder.
        """
        if other is self:
            raise ValueError("merge_front not possible from the same PlaybackProgramBuilder")
        for s in self._tickets:
            s.pos += other._expected[s.queue]
        self._take(other, front=True)

    def _take(self, other: PlaybackProgramBuilder, front: bool) -> None:
        words = other._words()
        if front:
            self._flush()
            self._chunks.insert(0, words)
            self._chunk_size += words.size
        else:
            self._append(words)
        self._tickets += other._tickets
        for q in RESPONSE_QUEUES:
            self._expected[q] += other._expected[q]
        other._reset()

    def copy_back(self, other: PlaybackProgramBuilder) -> None:
        """Append a copy of ``other``'s instructions; ``other`` must be write-only.

        Raises
        ------
        ValueError
            If ``other`` contains reads.
        """
        if not other.is_write_only():
            raise ValueError("PlaybackProgramBuilder to copy is not write-only (it has reads)")
        self._append(other._words().copy())

    # -- state ------------------------------------------------------------------------------------
    def empty(self) -> bool:
        """Return whether no instruction has been added."""
        return self.size_to_fpga() == 0

    def is_write_only(self) -> bool:
        """Return whether the builder has no reads."""
        return not any(self._expected.values())

    def size_to_fpga(self) -> int:
        """Return the number of to-FPGA instructions so far."""
        return self._chunk_size + len(self._tail)

    def size_from_fpga(self) -> int:
        """Return the number of responses the reads so far expect."""
        return sum(self._expected.values())

    def done(self) -> PlaybackProgram:
        """Return the program and reset the builder.

        Warns with :class:`~fisch.errors.PlaybackMemoryWarning` when the program is larger than
        the FPGA's playback memory (4,194,304 instructions): it still runs, without timing
        guarantees.
        """
        size = self.size_to_fpga()
        if size > PLAYBACK_MEMORY_SIZE_TO_FPGA:
            warnings.warn(
                f"PlaybackProgram instruction size ({size}) larger than playback memory size on "
                f"FPGA ({PLAYBACK_MEMORY_SIZE_TO_FPGA}) -> no timing guarantees possible",
                PlaybackMemoryWarning,
                stacklevel=2,
            )
        program = PlaybackProgram(self._words(), self._expected, self._tickets)
        for s in self._tickets:
            s.program = program
        self._reset()
        return program

    def __str__(self) -> str:
        return "\n".join(describe_to_fpga_word(int(w)) for w in self._words())

    def __repr__(self) -> str:
        return (
            f"<PlaybackProgramBuilder: {self.size_to_fpga()} instructions, "
            f"{self.size_from_fpga()} expected responses>"
        )
