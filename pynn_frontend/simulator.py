"""The backend's simulator module in PyNN's sense: its name, the cell ``ID`` and the ``State``.

PyNN's common classes read ``simulator.state`` at call time; ``setup()`` puts a fresh ``State``
there and ``end()`` sets it to ``None`` again (as ``pynn_brainscales`` does), so every part of
this package reads ``simulator.state`` through this module, never a copy of it.
"""

from __future__ import annotations

from typing import Any

from pyNN import common

__all__ = ["ID", "State", "name", "state"]

#: Recorded in every neo Block's annotations (``simulator``).
name = "BrainScaleS-2 (pynn_frontend)"


class ID(int, common.IDMixin):
    """A cell's PyNN ID: an int that knows its population (``parent``)."""

    def __init__(self, n: int) -> None:
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    """What one ``setup() ... end()`` session holds.

    Times are ms of hardware time. ``dt`` is the MADC's sample spacing (34 ns), fixed; the
    ``timestep`` given to ``setup`` is ignored, as on the real stack.
    """

    dt = 3.4e-05

    def __init__(self, **config: Any) -> None:
        super().__init__()
        self.mpi_rank = 0
        self.num_processes = 1
        self.min_delay = 0.0
        self.max_delay = 0.0
        self.record_sample_times = True  # (PyNN: irregularly sampled signals)
        self.recorders: set[Any] = set()
        self.id_counter = 0
        self.segment_counter = 0
        self.t = 0.0
        #: setup's BrainScaleS-2 keywords (control.setup checked them)
        self.config = config
        #: the populations in creation order: they take neuron circuits in this order
        self.populations: list[Any] = []
        #: circuits taken so far (indices into the placement order)
        self.placed = 0
        #: SpikeSourcePoissonOnChip populations created (each takes a PADI bus index)
        self.background_used = 0
        #: the injected reads of the last run (point -> {coordinate: container})
        self.injected_reads: dict[str, Any] = {}
        #: the projections in creation order
        self.projections: list[Any] = []
        #: the last routing and its topology key (re-routed only when the topology changes)
        self.route_cache: dict[str, Any] = {}
        #: the network's mapping as of the last PREPARE, APPEND or EXECUTE
        self.mapping: Any = None
        #: snippets appended since the last reset: (start, runtime, network snapshot)
        self.snippets: list[Any] = []
        #: whether the snippets ran (a second run needs a reset first)
        self.executed = False
        #: the connection, and whether setup made it (end() closes only its own)
        self.connection: Any = config.get("connection")
        self.own_connection = False

    def run_until(self, tstop: float) -> None:
        """Not used: ``control.run`` replaces PyNN's run (runtime None allowed, RunCommand).

        Raises
        ------
        NotImplementedError
            Always.
        """
        raise NotImplementedError("pynn_frontend runs through pynn.run(runtime, command)")

    def reset(self) -> None:
        """Time back to 0, the appended snippets dropped; network and recording stay."""
        self.running = False
        self.t = 0.0
        self.t_start = 0.0
        self.segment_counter += 1
        self.snippets = []
        self.executed = False


#: The session's state; ``None`` outside ``setup() ... end()``.
state: State | None = None
