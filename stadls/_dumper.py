"""``PlaybackProgramBuilderDumper``: record writes and waits as containers, replay them later.

The dumper has the write/block_until/merge/copy API of ``PlaybackProgramBuilder`` but keeps the
calls, in order, instead of words; ``done()`` gives a picklable ``DumperDone`` and
``convert_to_builder`` replays it into a real builder (reference §5.6).

Decision: each entry is the argument tuple of the call that made it, so that a replay produces
the same words: ``(coord, container)``, ``(coord, container, reference)``, ``(coord, container,
backend)`` or ``(coord, container, reference, backend)`` for writes (only what was given) and
``(coord, condition)`` for ``block_until``. Entries hold copies of the containers and
conditions, and the coordinate coerced to its type. The dumper checks types, coordinates and
backends when recording; values the words refuse (a timer written with a value other than 0)
surface when the record is replayed.

>>> import halco, haldls
>>> dumper = PlaybackProgramBuilderDumper()
>>> dumper.write(halco.TimerOnDLS(), haldls.Timer())
>>> dumper.block_until(halco.TimerOnDLS(), haldls.Timer.Value(10))
>>> done = dumper.done()
>>> [type(x).__qualname__ for x in done.values[1]]
['TimerOnDLS', 'Timer.Value']
>>> convert_to_builder(done)
PlaybackProgramBuilder(to FPGA size: 2, is write only: true)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fisch
from haldls import BlockUntil, Container, Struct
from haldls.lola import Aggregate
from stadls._builder import PlaybackProgramBuilder, _check_condition, _is_backend

__all__ = ["DumperDone", "PlaybackProgramBuilderDumper", "convert_to_builder"]

#: One recorded call: its arguments (see the module docstring).
Entry = tuple[Any, ...]


def _copy(x: Any) -> Any:
    """Return an independent copy of a container or condition (others are immutable)."""
    return x.copy() if isinstance(x, Struct) else x


def _copy_entry(entry: Entry) -> Entry:
    return (entry[0], *(_copy(x) for x in entry[1:]))


class DumperDone:
    """A finished record: ``values`` (list of tuples), ``tolist()``, ``len()``, ``==``, pickle.

    ``DumperDone(values)`` builds one from a list of entries (as ``tolist()`` returns them).
    """

    __slots__ = ("values",)

    def __init__(self, values: Any = ()) -> None:
        self.values: list[Entry] = [tuple(e) for e in values]

    def tolist(self) -> list[Entry]:
        """Return the entries as a new list (of the same tuples)."""
        return list(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DumperDone) and self.values == other.values

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DumperDone({len(self)} entries)"


def _entries(other: Any) -> list[Entry]:
    if isinstance(other, PlaybackProgramBuilderDumper):
        return other._entries
    if isinstance(other, DumperDone):
        return other.values
    raise TypeError(
        f"expected a PlaybackProgramBuilderDumper or DumperDone, got {type(other).__name__}"
    )


class PlaybackProgramBuilderDumper:
    """Records ``write`` and ``block_until`` calls; ``done()`` returns a ``DumperDone``.

    ``read()`` is not supported: a record holds no responses.
    """

    def __init__(self) -> None:
        self._entries: list[Entry] = []

    # -- recording --------------------------------------------------------------------------------
    def write(self, coord: Any, container: Any, *args: Any) -> None:
        """Record a write of ``container`` at ``coord`` (optionally differential and/or backend).

        Same arguments as ``PlaybackProgramBuilder.write``; nothing is recorded when it raises.

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not the container's coordinate type.
        NotWritableError
            If the container cannot be written.
        TypeError
            If ``container`` is no haldls container or lola aggregate, the reference is of
            another type or given for a trigger aggregate, or there are too many arguments.
        ValueError
            If the container does not travel as ``backend``.
        """
        if len(args) > 2:
            raise TypeError(f"write() takes at most 5 arguments, got {3 + len(args)}")
        backend = args[-1] if args and _is_backend(args[-1]) else None
        rest = args[:-1] if backend is not None else args
        if len(rest) > 1:
            raise TypeError(
                f"write() takes one reference and one backend, got {type(rest[-1]).__name__} "
                "as backend"
            )
        reference = rest[0] if rest else None
        cls = type(container)
        if not isinstance(container, (Container, Aggregate)):
            raise TypeError(
                f"write() needs a haldls container or lola aggregate, got {cls.__name__}"
            )
        if reference is not None and type(reference) is not cls:
            raise TypeError(f"reference must be a {cls.__name__}, got {type(reference).__name__}")
        if not container.is_writable:
            raise fisch.errors.NotWritableError(f"{cls.__name__} cannot be written")
        if isinstance(container, Aggregate):
            if reference is not None and not container.differential_write:
                raise TypeError(f"{cls.__name__} is a trigger and cannot be written differentially")
            c = container._coord(coord)
            PlaybackProgramBuilder._aggregate_word(cls, c, backend)
        else:
            c = cls.coordinate_type._coerce(coord, cls.__name__, "coordinate")
            container._backend(backend)
        entry: Entry = (c, container.copy())
        if reference is not None:
            entry += (reference.copy(),)
        if backend is not None:
            entry += (backend,)
        self._entries.append(entry)

    def read(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse: a dumper cannot read.

        Raises
        ------
        NotImplementedError
            Always; record reads with a ``PlaybackProgramBuilder`` instead.
        """
        raise NotImplementedError(
            "PlaybackProgramBuilderDumper cannot read (a record holds no responses); "
            "use a PlaybackProgramBuilder, e.g. convert_to_builder(dumper), for reads"
        )

    def block_until(self, coord: Any, condition: Any) -> None:
        """Record a wait until ``condition`` holds at ``coord``.

        Raises
        ------
        CoordinateTypeError
            If ``coord`` is not the condition's coordinate type.
        TypeError
            If ``condition`` is no block-until condition.
        """
        _check_condition(condition)
        name = type(condition).__qualname__
        c = condition.coordinate_type._coerce(coord, name, "coordinate")
        self._entries.append((c, _copy(condition)))

    # -- composition ------------------------------------------------------------------------------
    def merge_back(self, other: Any) -> None:
        """Append ``other``'s entries (a dumper or ``DumperDone``, left empty).

        Raises
        ------
        TypeError
            If ``other`` is neither.
        ValueError
            If ``other`` is this dumper.
        """
        if other is self:
            raise ValueError("merge_back not possible from the same PlaybackProgramBuilderDumper")
        entries = _entries(other)
        self._entries.extend(entries)
        entries.clear()

    def merge_front(self, other: Any) -> None:
        """Prepend ``other``'s entries (a dumper or ``DumperDone``, left empty).

        Raises
        ------
        TypeError
            If ``other`` is neither.
        ValueError
            If ``other`` is this dumper.
        """
        if other is self:
            raise ValueError("merge_front not possible from the same PlaybackProgramBuilderDumper")
        entries = _entries(other)
        self._entries[:0] = entries
        entries.clear()

    def copy_back(self, other: Any) -> None:
        """Append copies of ``other``'s entries (a dumper or ``DumperDone``, unchanged).

        Raises
        ------
        TypeError
            If ``other`` is neither.
        """
        self._entries.extend([_copy_entry(e) for e in _entries(other)])

    # -- state ------------------------------------------------------------------------------------
    def empty(self) -> bool:
        """Return whether nothing has been recorded."""
        return not self._entries

    def is_write_only(self) -> bool:
        """Return ``True``: a dumper has no reads."""
        return True

    def __len__(self) -> int:
        return len(self._entries)

    def done(self) -> DumperDone:
        """Return the record and reset the dumper."""
        done = DumperDone()
        done.values, self._entries = self._entries, []
        return done

    def __repr__(self) -> str:
        return f"PlaybackProgramBuilderDumper({len(self)} entries)"


def convert_to_builder(dumper: PlaybackProgramBuilderDumper | DumperDone) -> PlaybackProgramBuilder:
    """Return a ``PlaybackProgramBuilder`` that replays the record (which stays unchanged).

    Raises
    ------
    TypeError
        If ``dumper`` is neither a dumper nor a ``DumperDone``, or an entry is malformed.
    ValueError
        If a recorded value does not fit its words (e.g. a timer written with a value but 0).
    """
    builder = PlaybackProgramBuilder()
    for i, entry in enumerate(_entries(dumper)):
        if not isinstance(entry, tuple) or not 2 <= len(entry) <= 4:
            raise TypeError(f"entry {i} must be a tuple of 2 to 4 call arguments, got {entry!r}")
        if isinstance(entry[1], BlockUntil):
            if len(entry) != 2:
                raise TypeError(f"entry {i}: a block_until entry is (coord, condition)")
            builder.block_until(*entry)
        else:
            builder.write(*entry)
    return builder
