"""``ReinitStackEntry``: programs to replay when exclusive hardware access is regained (§5.7).

On a remote scheduler connection, a session may lose the hardware to another session; the
registered *request* programs are then replayed before the session's next work, and *snapshot*
programs would run before access is released, their Omnibus reads becoming the writes of the next
reinit. Entries form a stack. Every connection of this SDK gives direct access, where upstream
semantics reduce to: ``set(..., enforce=True)`` runs the request programs at once,
``set(..., enforce=False)``, ``enforce()`` and ``pop()`` do nothing, snapshots are unused.
"""

from __future__ import annotations

from collections.abc import Sequence

from fisch.connection import Connection
from stadls._program import PlaybackProgram, run

__all__ = ["ReinitStackEntry"]


def _programs(value: object, argument: str) -> tuple[PlaybackProgram, ...]:
    """Return ``value`` as a tuple of programs, or raise a ``TypeError`` naming ``argument``."""
    if isinstance(value, PlaybackProgram):
        raise TypeError(
            f"{argument} must be a list of PlaybackProgram, got a single PlaybackProgram "
            f"({value!r}); pass [program] instead"
        )
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(
            f"{argument} must be a list of PlaybackProgram, got {type(value).__name__} ({value!r})"
        )
    programs = tuple(value)
    for i, p in enumerate(programs):
        if not isinstance(p, PlaybackProgram):
            raise TypeError(
                f"{argument}[{i}] must be a PlaybackProgram, got {type(p).__name__} ({p!r})"
            )
    return programs


class ReinitStackEntry:
    """An entry of a connection's reinit stack.

    Decisions of this SDK, all connections being direct-access ones: enforced request programs run
    through ``stadls.run(connection, programs)``, so tickets in them receive data and FPGA
    timeouts raise (upstream executes them raw). The entry keeps what was last set
    (``pbmem_request``, ``pbmem_snapshot``) and whether it was popped (``popped``); as upstream on
    direct connections, ``set`` after ``pop`` still works and popping twice is harmless. Snapshot
    programs are checked to be programs only: that they consist of Omnibus reads is not checked.

    Parameters
    ----------
    connection
        The connection the entry belongs to (anything with ``execute(words)``).

    Raises
    ------
    TypeError
        If ``connection`` has no callable ``execute``.

    Examples
    --------
    >>> import halco, haldls, stadls
    >>> from fisch.connection import ZeroMockConnection
    >>> builder = stadls.PlaybackProgramBuilder()
    >>> builder.write(halco.CrossbarNodeOnDLS(0), haldls.CrossbarNode(mask=1, target=1))
    >>> with ZeroMockConnection() as connection:
    ...     entry = ReinitStackEntry(connection)
    ...     entry.set([builder.done()])  # runs the program now
    ...     entry.pop()
    >>> entry
    ReinitStackEntry(connection=ZeroMockConnection, programs=1, snapshots=0, popped=True)
    """

    __slots__ = ("_connection", "_popped", "_request", "_snapshot")

    def __init__(self, connection: Connection) -> None:
        if not callable(getattr(connection, "execute", None)):
            raise TypeError(
                f"connection must be a connection with an execute(words) method, got "
                f"{type(connection).__name__} ({connection!r})"
            )
        self._connection = connection
        self._request: tuple[PlaybackProgram, ...] = ()
        self._snapshot: tuple[PlaybackProgram, ...] | None = None
        self._popped = False

    @property
    def pbmem_request(self) -> tuple[PlaybackProgram, ...]:
        """The request programs last set (empty before the first ``set``)."""
        return self._request

    @property
    def pbmem_snapshot(self) -> tuple[PlaybackProgram, ...] | None:
        """The snapshot programs last set, or ``None``."""
        return self._snapshot

    @property
    def popped(self) -> bool:
        """Whether ``pop()`` has been called."""
        return self._popped

    def set(
        self,
        pbmem_request: Sequence[PlaybackProgram],
        pbmem_snapshot: Sequence[PlaybackProgram] | None = None,
        enforce: bool = True,
    ) -> None:
        """Register request (and snapshot) programs; with ``enforce``, run the request now.

        Everything is validated before anything runs. If running raises, the entry keeps what
        it held before (programs that ran before the failing one stay executed).

        Raises
        ------
        TypeError
            If ``pbmem_request`` is not a list of ``PlaybackProgram`` (a single program
            included), ``pbmem_snapshot`` is neither ``None`` nor such a list, or ``enforce`` is
            not a ``bool``.
        RunError
            If ``enforce`` and ``stadls.run`` fails (unsupported targets: nothing runs then).
        """
        request = _programs(pbmem_request, "pbmem_request")
        snapshot = None if pbmem_snapshot is None else _programs(pbmem_snapshot, "pbmem_snapshot")
        if not isinstance(enforce, bool):
            raise TypeError(f"enforce must be a bool, got {type(enforce).__name__} ({enforce!r})")
        if enforce:
            run(self._connection, list(request))
        self._request, self._snapshot = request, snapshot

    def enforce(self) -> None:
        """Enforce the reinit; a no-op on direct-access connections (all of this SDK's)."""

    def pop(self) -> None:
        """Remove the entry from the stack; on direct-access connections only marks it popped."""
        self._popped = True

    def __repr__(self) -> str:
        snapshots = 0 if self._snapshot is None else len(self._snapshot)
        return (
            f"ReinitStackEntry(connection={type(self._connection).__name__}, "
            f"programs={len(self._request)}, snapshots={snapshots}, popped={self._popped})"
        )
