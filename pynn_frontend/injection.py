"""Injection hooks for experts: writes and reads at fixed points of each snippet.

Configuration written, and registers read, as the real backend's hooks (reference
bss2-frontend.md §2.12).

``setup(injected_config=InjectedConfiguration(...), injected_readout=InjectedReadout(...))``.
The points, in program order: ``pre_non_realtime`` (once, before the backend's configuration),
then per snippet ``pre_realtime`` (after the snippet's configuration, before its neurons are
reset), ``inside_realtime_begin`` (at t = 0, before the input events),
``inside_realtime_end`` (after the runtime) and ``post_realtime`` (after the snippet). A hook is
a ``{coordinate: container}`` dict or a write-only ``stadls.PlaybackProgramBuilder`` (copied,
so it serves every snippet and run). Reads are followed by an Omnibus barrier; after a run
``get_pre_realtime_read()`` etc. return ``{coordinate: container}`` of the last snippet.
Not implemented: ``inside_realtime`` (absolute-time builders) and PPU symbols.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

import halco
import haldls
import stadls
from pynn_frontend import simulator

__all__ = [
    "InjectedConfiguration",
    "InjectedReadout",
    "get_inside_realtime_begin_read",
    "get_inside_realtime_end_read",
    "get_post_realtime_read",
    "get_pre_realtime_read",
]

POINTS = ("pre_realtime", "inside_realtime_begin", "inside_realtime_end", "post_realtime")


def _hook(value: Any) -> Any:
    if isinstance(value, stadls.PlaybackProgramBuilder):
        if not value.is_write_only():
            raise ValueError("an injected builder must be write-only: read with InjectedReadout")
        return value
    if not isinstance(value, dict):
        raise TypeError(
            "an injection hook is a {coordinate: container} dict or a PlaybackProgramBuilder, "
            f"got {type(value).__name__}"
        )
    return dict(value)


def _none(value: Any) -> Any:
    if value:
        raise NotImplementedError("inside_realtime and ppu_symbols hooks are not implemented yet")
    return value


@attrs.define
class InjectedConfiguration:
    """Writes at the snippet points (dicts of containers or write-only builders)."""

    pre_non_realtime: Any = attrs.field(factory=dict, converter=_hook)
    pre_realtime: Any = attrs.field(factory=dict, converter=_hook)
    inside_realtime_begin: Any = attrs.field(factory=dict, converter=_hook)
    inside_realtime_end: Any = attrs.field(factory=dict, converter=_hook)
    post_realtime: Any = attrs.field(factory=dict, converter=_hook)
    inside_realtime: Any = attrs.field(default=None, converter=_none)
    ppu_symbols: Any = attrs.field(factory=dict, converter=_none)


def _coords(value: Any) -> frozenset[Any]:
    return frozenset(value)


@attrs.define
class InjectedReadout:
    """Coordinates read at the snippet points."""

    pre_realtime: frozenset[Any] = attrs.field(factory=frozenset, converter=_coords)
    inside_realtime_begin: frozenset[Any] = attrs.field(factory=frozenset, converter=_coords)
    inside_realtime_end: frozenset[Any] = attrs.field(factory=frozenset, converter=_coords)
    post_realtime: frozenset[Any] = attrs.field(factory=frozenset, converter=_coords)
    ppu_symbols: frozenset[str] = attrs.field(factory=frozenset, converter=_none)


def inject(builder: Any, config: InjectedConfiguration | None, point: str) -> None:
    """Append the writes of `point`."""
    if config is None:
        return
    hook = getattr(config, point)
    if isinstance(hook, stadls.PlaybackProgramBuilder):
        builder.copy_back(hook)
        return
    for coord, container in hook.items():
        builder.write(coord, container)


def read(builder: Any, readout: InjectedReadout | None, point: str) -> dict[Any, Any]:
    """Append the reads of `point` (then a barrier); return their tickets by coordinate."""
    if readout is None or point == "pre_non_realtime" or not getattr(readout, point):
        return {}
    tickets = {c: builder.read(c) for c in sorted(getattr(readout, point), key=repr)}
    builder.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
    return tickets


def _getter(point: str) -> Callable[[], dict[Any, Any]]:
    def get() -> dict[Any, Any]:
        state = simulator.state
        if state is None:
            raise RuntimeError("call pynn.setup() first")
        if point not in state.injected_reads:
            raise RuntimeError("injected reads are only available after pynn.run()")
        return dict(state.injected_reads[point])

    get.__name__ = get.__qualname__ = f"get_{point}_read"
    get.__doc__ = f"""Return the {point} reads of the last run's last snippet.

    Raises
    ------
    RuntimeError
        Outside a session, or before a run.
    """
    return get


get_pre_realtime_read = _getter("pre_realtime")
get_inside_realtime_begin_read = _getter("inside_realtime_begin")
get_inside_realtime_end_read = _getter("inside_realtime_end")
get_post_realtime_read = _getter("post_realtime")


def get_post_realtime_read_ppu_symbols() -> dict[str, Any]:
    """Return the PPU symbols read after the last run: none here.

    ``InjectedReadout`` refuses PPU symbols (the chip model runs no PPU programs).

    Raises
    ------
    RuntimeError
        Outside a session, or before a run (as ``get_post_realtime_read``).
    """
    get_post_realtime_read()
    return {}
