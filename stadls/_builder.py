"""``PlaybackProgramBuilder``: write and read haldls/lola containers, block until conditions.

The builder turns containers into fisch words (``haldls.encode_write`` for one container,
``encode_write_arrays`` for an aggregate) and appends them to a fisch builder; reads return a
``ContainerTicket`` that decodes the container once the program has run (reference §5.1).

>>> import halco, haldls
>>> builder = PlaybackProgramBuilder()
>>> builder.write(halco.TimerOnDLS(), haldls.Timer())
>>> ticket = builder.read(halco.CrossbarNodeOnDLS(3))
>>> builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(1000))
>>> builder
PlaybackProgramBuilder(to FPGA size: 3, is write only: false)
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import numpy as np

import fisch
import haldls
from halco.common import Coordinate
from haldls import Backend, BlockUntil, Container
from haldls.lola import Aggregate
from stadls._program import PlaybackProgram
from stadls._spikes import encode_spike_train

__all__ = ["ContainerTicket", "PlaybackProgramBuilder"]

T = TypeVar("T")


class ContainerTicket(Generic[T]):
    """The result of a ``read``: ``get()`` returns the container once the program has run."""

    __slots__ = ("_coord", "_decode", "_ticket", "_type")

    def __init__(self, coord: Coordinate, container_type: type[T], ticket: Any, decode: Any):
        self._coord, self._type, self._ticket, self._decode = coord, container_type, ticket, decode

    def get(self) -> T:
        """Return the container read.

        Raises
        ------
        TicketNotReadyError
            If the program has not run, or the run lacked this ticket's responses.
        """
        return self._decode(self._ticket)

    def valid(self) -> bool:
        """Return whether the data is available."""
        return bool(self._ticket.valid())

    @property
    def fpga_time(self) -> fisch.FPGATime:
        """The FPGA time of the last response.

        Raises
        ------
        TicketNotReadyError
            If the program has not run.
        """
        return self._ticket.fpga_time()

    def get_coordinate(self) -> Coordinate:
        """Return the coordinate read."""
        return self._coord

    @property
    def container_type(self) -> type[T]:
        """The container type read."""
        return self._type

    def __repr__(self) -> str:
        state = "valid" if self.valid() else "pending"
        return f"<ContainerTicket {self._type.__name__} at {self._coord!r} ({state})>"


def _word_type(backend: Any) -> type[fisch.Container] | None:
    if backend is None:
        return None
    if isinstance(backend, Backend):
        return fisch.containers[backend.value]
    if isinstance(backend, type) and issubclass(backend, fisch.Container):
        return backend
    raise TypeError(f"backend must be a haldls.Backend, got {type(backend).__name__}")


def _check_condition(condition: Any) -> None:
    """Raise ``TypeError`` unless ``condition`` is a block-until condition."""
    if not isinstance(condition, BlockUntil):
        raise TypeError(
            f"block_until() needs a condition (Timer.Value, Barrier, PollingOmnibusBlock), "
            f"got {type(condition).__name__}"
        )


def _is_backend(x: Any) -> bool:
    return isinstance(x, Backend) or (isinstance(x, type) and issubclass(x, fisch.Container))


class PlaybackProgramBuilder:
    """Sequential program of writes, reads and waits; ``done()`` returns the program.

    ``write(coord, container[, backend])``, ``write(coord, container, reference[, backend])``
    (only the words that differ from ``reference``), ``read(coord[, backend])`` → ticket,
    ``block_until(coord, condition)``. Works for every haldls container and lola aggregate.
    """

    def __init__(self) -> None:
        self._builder = fisch.PlaybackProgramBuilder()
        #: Targets on which a read of the program is not supported (``unsupported_targets``).
        self._unsupported: set[str] = set()

    # -- writing ----------------------------------------------------------------------------------
    def write(self, coord: Any, container: Any, *args: Any) -> None:
        """Write ``container`` at ``coord`` (optionally differential and/or with a backend).

        Nothing is appended when the write raises.

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not the container's coordinate type.
        NotWritableError
            If the container cannot be written.
        TypeError
            If ``container`` is no haldls container or lola aggregate, or the reference is of
            another type.
        ValueError
            If the container does not travel as ``backend``, or a value is out of range.
        """
        reference, backend = None, None
        if len(args) > 2:
            raise TypeError(f"write() takes at most 5 arguments, got {3 + len(args)}")
        if args and _is_backend(args[-1]):
            backend = args[-1]
            args = args[:-1]
        if len(args) > 1:
            raise TypeError(
                f"write(): the last argument must be a haldls.Backend, got {args[-1]!r}"
            )
        if args:
            reference = args[0]
            if type(reference) is not type(container):
                raise TypeError(
                    f"reference must be a {type(container).__name__}, "
                    f"got {type(reference).__name__}"
                )
        if isinstance(container, Aggregate):
            self._write_aggregate(coord, container, reference, backend)
        elif isinstance(container, Container):
            self._write_container(coord, container, reference, backend)
        else:
            raise TypeError(
                "write() needs a haldls container or lola aggregate, "
                f"got {type(container).__name__}"
            )

    def _write_container(
        self, coord: Any, container: Container, reference: Container | None, backend: Any
    ) -> None:
        pairs = haldls.encode_write(coord, container, backend)
        if reference is not None:
            old = haldls.encode_write(coord, reference, backend)
            pairs = [p for p, q in zip(pairs, old, strict=True) if p[1] != q[1]]
        if pairs:
            word = type(pairs[0][1])
            self._builder.write_array(word, [c for c, _ in pairs], [w for _, w in pairs])

    @staticmethod
    def _aggregate_word(cls: type[Aggregate], c: Coordinate, backend: Any) -> type[fisch.Container]:
        """Return the word type an aggregate's leaves travel as.

        That is ``backend`` if every leaf supports it, else the leaves' common default (Omnibus
        for chip and FPGA registers, the SPI words for the board DACs).

        Raises
        ------
        ValueError
            If a leaf cannot travel as ``backend``, or the leaves have no common default.
        """
        leaves = {typ for typ, *_ in cls._layout(c).runs}
        word = _word_type(backend)
        if word is None:
            defaults = {t.backends[0] for t in leaves} or {fisch.Omnibus}
            if len(defaults) > 1:
                raise ValueError(f"{cls.__name__}: its leaves travel as different words")
            (word,) = defaults
        bad = sorted(t.__name__ for t in leaves if word not in t.backends)
        if bad:
            raise ValueError(f"{cls.__name__} cannot travel as {word.__name__}: leaves {bad}")
        return word

    def _write_aggregate(
        self, coord: Any, container: Aggregate, reference: Aggregate | None, backend: Any
    ) -> None:
        c = type(container)._coord(coord)
        word = self._aggregate_word(type(container), c, backend)
        if reference is None:
            addresses, words = container.encode_write_arrays(c)
        else:
            addresses, words = container.encode_write_arrays(c, reference=reference)
        if word is fisch.Omnibus:
            if words.dtype != np.uint64:
                self._builder.write_array(fisch.Omnibus, addresses, words)
                return
            # bytes left out (bits 32-35 of a byte-enabled leaf's words): one bulk write per
            # run of words with the same byte enables
            enables = (~(words >> np.uint64(32)) & np.uint64(0xF)).astype(np.int64)
            cuts = np.flatnonzero(np.diff(enables)) + 1
            for a, w, e in zip(
                np.split(addresses, cuts),
                np.split(words, cuts),
                np.split(enables, cuts),
                strict=True,
            ):
                data = (w & np.uint64(0xFFFF_FFFF)).astype(np.uint32)
                self._builder.write_array(fisch.Omnibus, a, data, byte_enables=int(e[0]))
            return
        coords = [word.coordinate_type._coerce(int(a)) for a in addresses.tolist()]
        self._builder.write_array(word, coords, [word(int(w)) for w in words.tolist()])

    # -- reading ----------------------------------------------------------------------------------
    def read(
        self, coord: Any, container_type: Any = None, backend: Any = None
    ) -> ContainerTicket[Any]:
        """Read the container at ``coord``; return its ticket.

        The container type follows from the coordinate (``container_type`` picks one where
        several share a coordinate type, e.g. an aggregate or a view).

        Raises
        ------
        NotReadableError
            If the container cannot be read (write-only).
        TypeError
            If no container type has the coordinate's type.
        ValueError
            If the container does not travel as ``backend``.
        """
        if container_type is not None and _is_backend(container_type):
            container_type, backend = None, container_type
        ctype = container_type or _container_for(coord)
        if isinstance(ctype, type) and issubclass(ctype, Aggregate):
            return self._read_aggregate(coord, ctype, backend)
        return self._read_container(coord, ctype, backend)

    def _read_container(
        self, coord: Any, ctype: type[Container], backend: Any
    ) -> ContainerTicket[Any]:
        if not ctype.is_readable:
            raise fisch.errors.NotReadableError(f"{ctype.__name__} cannot be read (write-only)")
        addresses = ctype.addresses(coord, backend)
        word = ctype._backend(backend)
        ticket = self._builder.read_array(word, addresses)
        self._unsupported |= ctype.unsupported_read_targets
        c = ctype.coordinate_type._coerce(coord)

        def decode(t: Any) -> Container:
            return ctype.decode_at(c, t.get())

        return ContainerTicket(c, ctype, ticket, decode)

    def _read_aggregate(
        self, coord: Any, ctype: type[Aggregate], backend: Any
    ) -> ContainerTicket[Any]:
        if not ctype.is_readable:
            raise fisch.errors.NotReadableError(f"{ctype.__name__} cannot be read")
        c = ctype._coord(coord)
        word = self._aggregate_word(ctype, c, backend)
        addresses = ctype.address_array(c)
        if word is fisch.Omnibus:
            ticket = self._builder.read_array(fisch.Omnibus, addresses.astype(np.int64))
        else:
            coords = [word.coordinate_type._coerce(int(a)) for a in addresses.tolist()]
            ticket = self._builder.read_array(word, coords)
        for typ, *_ in ctype._layout(c).runs:
            self._unsupported |= typ.unsupported_read_targets

        def decode(t: Any) -> Aggregate:
            return ctype.decode_array(t.get_payloads().astype(np.int64), c)

        return ContainerTicket(c, ctype, ticket, decode)

    # -- waiting ----------------------------------------------------------------------------------
    def block_until(self, coord: Any, condition: Any) -> None:
        """Stall the playback executor until ``condition`` holds at ``coord``.

        Conditions: ``Timer.Value`` at ``TimerOnDLS``, ``Barrier`` at ``BarrierOnFPGA``,
        ``PollingOmnibusBlock`` at ``PollingOmnibusBlockOnFPGA``.

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not the condition's coordinate type.
        TypeError
            If ``condition`` is no block-until condition.
        """
        _check_condition(condition)
        pairs = condition.encode_block_until(coord)
        self._builder.write_array(type(pairs[0][1]), [c for c, _ in pairs], [w for _, w in pairs])

    def write_spike_train(self, times: Any, labels: Any) -> None:
        """Send ``labels[i]`` when the timer reaches ``times[i]`` (numpy arrays, vectorised).

        Equivalent to ``block_until(TimerOnDLS(), Timer.Value(t))`` per distinct time followed
        by ``SpikePack1/2/3ToChip`` writes of its labels, three per instruction at most.

        Raises
        ------
        TypeError, ValueError
            As ``stadls.encode_spike_train``.
        """
        self._builder.write_to_fpga_words(encode_spike_train(times, labels))

    # -- composition ------------------------------------------------------------------------------
    @staticmethod
    def _fisch(other: Any) -> fisch.PlaybackProgramBuilder:
        if isinstance(other, PlaybackProgramBuilder):
            return other._builder
        if isinstance(other, fisch.PlaybackProgramBuilder):
            return other
        raise TypeError(
            f"expected a stadls or fisch PlaybackProgramBuilder, got {type(other).__name__}"
        )

    def merge_back(self, other: Any) -> None:
        """Append ``other``'s instructions and tickets (a stadls or fisch builder, left empty).

        Raises
        ------
        TypeError
            If ``other`` is no builder.
        ValueError
            If ``other`` is this builder.
        """
        self._builder.merge_back(self._fisch(other))
        self._take_targets(other)

    def merge_front(self, other: Any) -> None:
        """Prepend ``other``'s instructions and tickets (a stadls or fisch builder, left empty).

        Raises
        ------
        TypeError
            If ``other`` is no builder.
        ValueError
            If ``other`` is this builder.
        """
        self._builder.merge_front(self._fisch(other))
        self._take_targets(other)

    def _take_targets(self, other: Any) -> None:
        if isinstance(other, PlaybackProgramBuilder):
            self._unsupported |= other._unsupported
            other._unsupported = set()

    def copy_back(self, other: Any) -> None:
        """Append a copy of ``other``'s instructions; ``other`` must be write-only.

        Raises
        ------
        ValueError
            If ``other`` contains reads.
        """
        self._builder.copy_back(self._fisch(other))

    # -- state ------------------------------------------------------------------------------------
    def empty(self) -> bool:
        """Return whether no instruction has been added."""
        return self._builder.empty()

    def is_write_only(self) -> bool:
        """Return whether the builder has no reads."""
        return self._builder.is_write_only()

    def size_to_fpga(self) -> int:
        """Return the number of to-FPGA instructions so far."""
        return self._builder.size_to_fpga()

    def size_from_fpga(self) -> int:
        """Return the number of responses the reads so far expect."""
        return self._builder.size_from_fpga()

    @property
    def unsupported_targets(self) -> frozenset[str]:
        """Targets ("hardware", "simulation") on which the reads so far are not supported."""
        return frozenset(self._unsupported)

    def done(self) -> PlaybackProgram:
        """Return the program and reset the builder."""
        program = PlaybackProgram(self._builder.done(), frozenset(self._unsupported))
        self._unsupported = set()
        return program

    def __repr__(self) -> str:
        write_only = "true" if self.is_write_only() else "false"
        return (
            f"PlaybackProgramBuilder(to FPGA size: {self.size_to_fpga()}, "
            f"is write only: {write_only})"
        )


def _container_for(coord: Any) -> type[Container]:
    """Return the haldls container type whose coordinate type ``coord`` has.

    Raises
    ------
    TypeError
        If no container, or several, have it (then ``read`` needs the type).
    """
    matches = [c for c in haldls.containers.values() if type(coord) is c.coordinate_type]
    if not matches:
        aggregates = [
            a for a in haldls.lola.containers.values() if type(coord) is a.coordinate_type
        ]
        if len(aggregates) == 1:
            return aggregates[0]  # type: ignore[return-value]
        raise TypeError(f"no container type has the coordinate type {type(coord).__name__}")
    if len(matches) > 1:
        names = sorted(c.__name__ for c in matches)
        raise TypeError(
            f"several containers have the coordinate type {type(coord).__name__} ({names}): "
            "pass the container type to read()"
        )
    return matches[0]
