"""Simulation control as on the real backend.

``setup``, ``run`` with ``RunCommand``, ``reset``, ``end`` and PyNN's state queries.

``run(runtime)`` runs the network for `runtime` ms of hardware time; ``run(dt, APPEND)`` only
appends a snippet of `dt` ms (the network as it is now), and the next ``run`` (EXECUTE) runs all
appended snippets back to back in one program. A second run needs ``reset()`` first: the chip
runs in continuous time. Runs go to ``setup``'s ``connection``, else to the one the environment
selects as on the real backend (``fisch.connection.connection_from_env``: the zero mock, or the
setup ``SLURM_FPGA_IPS`` names), else to a chip model; the first run opens it, ``end`` closes it.
"""

from __future__ import annotations

import enum
import warnings
from typing import Any

from pyNN import common

from fisch.connection import ChipModelConnection, connection_from_env
from haldls import lola
from pynn_frontend import _execution, simulator
from pynn_frontend._mapping import map_network
from pynn_frontend.injection import InjectedConfiguration, InjectedReadout

__all__ = [
    "RunCommand",
    "end",
    "get_current_time",
    "get_max_delay",
    "get_min_delay",
    "get_time_step",
    "num_processes",
    "preprocess",
    "rank",
    "reset",
    "run",
    "run_for",
    "run_until",
    "setup",
]

#: setup's keywords (reference bss2-frontend.md §2.2) that this backend implements so far.
SETUP_KEYWORDS = frozenset(
    {
        "neuronPermutation",
        "backgroundPermutation",
        "connection",
        "enable_neuron_bypass",
        "initial_config",
        "injected_config",
        "injected_readout",
    }
)
#: The real backend's other keywords: accepted names, not implemented yet here.
LATER = frozenset(
    {
        "calibration_cache",
        "injected_calib_target",
        "injected_calib_options",
    }
)


class RunCommand(enum.Enum):
    """What ``run`` does: map only, append a snippet, or execute (appending one if timed)."""

    PREPARE = enum.auto()
    APPEND = enum.auto()
    EXECUTE = enum.auto()


def setup(timestep: float = simulator.State.dt, min_delay: Any = "auto", **extra: Any) -> int:
    """Start a session (ending a running one); returns the MPI rank (0).

    Raises
    ------
    KeyError
        For a keyword the real backend does not know.
    NotImplementedError
        For one of its keywords that this backend does not implement yet.
    ValueError, OverflowError, TypeError
        For a bad ``neuronPermutation`` (repeated, out of 0..511, not integers); TypeError for
        an ``initial_config`` that is no ``lola.Chip``.
    """
    unknown = set(extra) - SETUP_KEYWORDS - LATER
    if unknown:
        raise KeyError(
            f"unhandled extra_params in call to pynn.setup(...):{ {k: extra[k] for k in unknown} }"
        )
    later = set(extra) & LATER
    if later:
        raise NotImplementedError(f"setup keywords not implemented yet: {sorted(later)}")
    for name, kind in (
        ("injected_config", InjectedConfiguration),
        ("injected_readout", InjectedReadout),
    ):
        if extra.get(name) is not None and not isinstance(extra[name], kind):
            raise TypeError(
                f"{name} must be a pynn.{kind.__name__}, got {type(extra[name]).__name__}"
            )
    chip = extra.get("initial_config")
    if chip is not None and not isinstance(chip, lola.Chip):
        raise TypeError(f"initial_config must be a haldls.lola.Chip, got {type(chip).__name__}")
    if "backgroundPermutation" in extra:
        order = list(extra["backgroundPermutation"])
        if sorted(order) != sorted(set(order)) or not set(order) <= {0, 1, 2, 3}:
            raise ValueError(
                f"backgroundPermutation: unique PADI bus indices in 0..3, got {order!r}"
            )
        extra["backgroundPermutation"] = order
    if "neuronPermutation" in extra:
        extra["neuronPermutation"] = _permutation(extra["neuronPermutation"])
    common.setup(timestep, "auto")
    if simulator.state is not None:
        end()
    simulator.state = simulator.State(**extra)
    return 0


def _permutation(order: Any) -> list[int]:
    values = list(order)
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise TypeError(f"neuronPermutation must hold ints, got {values!r}")
    if any(v < 0 for v in values):
        raise TypeError(f"neuronPermutation entries must not be negative, got {values!r}")
    if len(values) > 512 or any(v > 511 for v in values):
        raise OverflowError(
            f"neuronPermutation: at most 512 entries in [0, 511], got {len(values)} with "
            f"largest {max(values, default=0)}"
        )
    if len(set(values)) != len(values):
        raise ValueError(f"neuronPermutation: non-unique entries in {values!r}")
    return values


def _state() -> simulator.State:
    if simulator.state is None:
        raise RuntimeError("call pynn.setup() first")
    return simulator.state


def preprocess() -> None:
    """Map the network without running it (deprecated: it warns, as the real backend's does).

    The same as ``run(None, RunCommand.PREPARE)``.

    Raises
    ------
    RoutingError
        As ``run`` with PREPARE.
    """
    warnings.warn(
        "pynn.preprocess() is deprecated: use pynn.run(None, pynn.RunCommand.PREPARE)",
        DeprecationWarning,
        stacklevel=2,
    )
    run(None, RunCommand.PREPARE)


def run(runtime: float | None, command: RunCommand = RunCommand.EXECUTE) -> float:
    """Run for `runtime` ms of hardware time (or append, or prepare); returns the time.

    PREPARE maps the network (placement, routing) without running it: ``placed_connections``
    and the populations' ``actual_hwparams`` are then available.

    Raises
    ------
    ValueError
        APPEND without a runtime, or EXECUTE with nothing to run.
    RuntimeError
        A second EXECUTE without ``reset()``.
    RoutingError
        (a RuntimeError) If the projections do not fit the chip; it names the limit, the
        neurons and the projections.
    """
    state = _state()
    if command is RunCommand.PREPARE:
        state.mapping = map_network(state.projections, state.route_cache)
        return float(state.t)
    if command is RunCommand.APPEND and runtime is None:
        raise ValueError("Appending a configuration that is executed for no time is forbidden.")
    if state.executed:
        raise RuntimeError(
            "Call `pynn.reset()` before calling `pynn.run()` again. BrainScaleS-2 emulates the "
            "behavior of neurons and synapses in continuous time. Stacking several `pynn.run` "
            "commands without calling `pynn.reset()` between runs is therefore not supported."
        )
    snippets = list(state.snippets)
    if runtime is not None:
        if runtime <= 0:
            raise ValueError(f"runtime must be positive (ms), got {runtime}")
        total = state.t + runtime
        if round(runtime * _execution.CYCLES_PER_MS) >= 1 << 32:
            raise ValueError(
                f"Total runtime of {total} ms too long. Maximum supported runtime "
                f"{((1 << 32) - 1) / _execution.CYCLES_PER_MS} ms (per snippet: the FPGA's "
                "32-bit timer at 125 MHz)"
            )
        snippets.append(_execution.snapshot(state, state.t, runtime))
    if command is RunCommand.APPEND:
        state.snippets, state.t = snippets, state.t + (runtime or 0.0)
        return float(state.t)
    if not snippets:
        raise ValueError(
            "No experiment scheduled for execution yet. Call pynn.run(runtime) or append "
            "snippets with pynn.run(runtime, pynn.RunCommand.APPEND) first."
        )
    if state.connection is None:  # (a setup SLURM_FPGA_IPS names, as the real backend's)
        state.connection = connection_from_env(default=ChipModelConnection)
        state.own_connection = True
    reads = _execution.execute(state.connection, snippets)  # (refused: no state changes)
    state.injected_reads = reads
    state.snippets, state.t = snippets, state.t + (runtime or 0.0)
    state.executed = True
    state.running = True
    return float(state.t)


run_for = run


def run_until(tstop: float, command: RunCommand = RunCommand.EXECUTE) -> float:
    """``run(tstop - t, command)``.

    Raises
    ------
    ValueError
        If `tstop` is not after the current time (and as ``run``).
    """
    return run(tstop - _state().t, command)


def reset(annotations: dict[str, Any] | None = None) -> None:
    """Start a new segment at t = 0; network, parameters and recording stay.

    The data recorded so far goes to the recorders' caches, annotated with `annotations`.
    """
    state = _state()
    for recorder in state.recorders:
        recorder.store_to_cache(annotations or {})
        recorder.snippets = []
    state.reset()


def end() -> None:
    """End the session; any further call needs ``setup()``.

    Writes what ``record(to_file=...)`` asked for and closes the connection this backend opened.
    """
    state = simulator.state
    if state is None:
        return
    for population, variables, filename in state.write_on_end:
        population.write_data(filename, variables)
    if state.own_connection:
        state.connection.close()
    simulator.state = None


get_current_time, get_time_step, get_min_delay, get_max_delay, num_processes, rank = (
    common.build_state_queries(simulator)
)
