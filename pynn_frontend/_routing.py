"""The greedy router: connections onto PADI buses, synapse drivers, rows and synapses.

Facts (reference bss2-frontend.md §3.4, §3.7): a neuron in column c sends on event output
o = c // 32, which the crossbar forwards to PADI bus o % 4 of either hemisphere; a spike label's
bits 6-10 are the row select that the bus's 32 synapse drivers compare (under their
``row_address_compare_mask``) and bits 0-5 the synapse label a synapse must hold; a driver
feeds two rows, each excitatory or inhibitory; a row has one synapse per column, weight 0-63.

Decisions (the reference describes the real router's aims, not its every step):

- A neuron's 8-bit ``address_out`` is its index among the 64 circuits of its event output
  (column % 32, + 32 in the bottom row): unique, so it is also its synapse label, and the
  row select it sends is 4 o, the first of its output's four.
- Sources are grouped per target hemisphere: the neurons of one event output form one group;
  external sources are packed into groups of at most 64 (unique 6-bit labels), a group closed
  when it would need more than 16 rows (8 drivers: the largest block a bus with both its
  neuron outputs forwarded has free); a group that finds no block is split in two and retried.
- A group gets an aligned block of 2^k drivers on one bus (compare mask = the block's high
  bits), so every driver of the block, and no other, takes its events. A neuron group's block
  holds its output's selects; external blocks hold no select a forwarded output sends.
- A group needs, per receptor, as many rows as its largest number of synapses onto one
  column; excitatory rows come first. Synapse i of a column goes to the i-th row of its kind.
- External sources send one label per targeted hemisphere: L2 channel = bus, bits 11-13 =
  the PADI bus (hemisphere * 4 + bus), which the crossbar's L2 nodes compare.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import halco

__all__ = ["Routing", "RoutingError", "address_out", "route"]

DRIVERS = 32  # per PADI bus
ROWS = 2 * DRIVERS  # per PADI bus
SYNRAM_ROWS = 256
GROUP_SOURCES = 64  # 6-bit synapse labels
EXTERNAL_GROUP_ROWS = 16  # an external group closes before it needs more (8 drivers)
NEURONS = 512


class RoutingError(RuntimeError):
    """The network does not fit the chip's synapse drivers, rows or labels."""


def address_out(circuit: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Return the backend address of atomic neurons `circuit` (their synapse label)."""
    c = np.asarray(circuit, np.int64)
    return (c % 256) % 32 + 32 * (c // 256)


def _output(circuit: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return (circuit % 256) // 32


@attrs.define(eq=False)
class Routing:
    """Where every connection's synapses are, and how the events get there.

    ``synapse_*`` arrays hold one entry per hardware synapse, ordered by connection, then part.
    """

    #: (hemisphere, driver on block) -> (compare mask, row mode top, row mode bottom)
    drivers: dict[tuple[int, int], tuple[int, int, int]]
    #: neuron event outputs forwarded to PADI outputs (hemisphere * 4 + bus)
    forwarded: set[tuple[int, int]]
    #: external source -> its 16-bit spike labels (one per targeted hemisphere)
    labels: dict[int, list[int]]
    #: on-chip background sources: (hemisphere, bus) -> the row select of their block
    background_select: dict[tuple[int, int], int]
    synapse_connection: npt.NDArray[np.int64]
    synapse_part: npt.NDArray[np.int64]
    synapse_hemisphere: npt.NDArray[np.int64]
    synapse_row: npt.NDArray[np.int64]
    synapse_column: npt.NDArray[np.int64]
    synapse_label: npt.NDArray[np.int64]


@attrs.define(eq=False)
class _Group:
    hemisphere: int
    sources: list[int]  # source keys (circuits < 512, externals 512 + index)
    conns: npt.NDArray[np.int64]  # connection indices
    rows: tuple[int, int]  # (excitatory, inhibitory) rows needed
    output: int = -1  # the neuron event output, -1 for externals
    bus: int = -1
    block: tuple[int, int] = (0, 0)  # first driver on the bus, number of drivers
    #: an on-chip background population's group: its bus is fixed, labels given
    label6: dict[int, int] | None = None


def _drivers_for(rows: int) -> int:
    need = max(1, -(-rows // 2))
    return 1 << (need - 1).bit_length()


def _demand(col: npt.NDArray[np.int64], receptor: npt.NDArray[np.int64], count: Any) -> Any:
    per = np.bincount(col * 2 + receptor, weights=count, minlength=512).reshape(256, 2)
    return per.max(axis=0).astype(np.int64)


def route(
    src: npt.NDArray[np.int64],
    tgt: npt.NDArray[np.int64],
    receptor: npt.NDArray[np.int64],
    count: npt.NDArray[np.int64],
    describe: Any,
    background: dict[int, tuple[int, int]] | None = None,
) -> Routing:
    """Route connections (source key, target circuit, receptor 0/1, hardware synapses).

    Source keys: atomic neuron enums (0..511) for neurons, 512 + i for external source i.
    `describe(connection indices)` names the projections and neurons for an error.
    `background`: the keys of on-chip background sources -> (their PADI bus, 6-bit label);
    a population of them shares a bus and forms one group per hemisphere.

    Raises
    ------
    RoutingError
        Naming the limit, the neurons and the projections, when the network does not fit.
    """
    hemisphere, column = tgt // 256, tgt % 256
    _check_in_degree(tgt, count, describe)
    groups: list[_Group] = []
    neuron = src < NEURONS
    for h in (0, 1):
        here = hemisphere == h
        for o in range(8):
            conns = np.flatnonzero(here & neuron & (_output(src) == o))
            if conns.size:
                rows = _demand(column[conns], receptor[conns], count[conns])
                if rows.sum() > ROWS:
                    raise RoutingError(
                        f"in-degree on a single PADI bus larger than its {ROWS} synapse rows: "
                        f"the neurons of event output {o} need {int(rows.sum())} rows on bus "
                        f"{o % 4} of hemisphere {h}; {describe(conns)}"
                    )
                sources = sorted(set(src[conns].tolist()))
                groups.append(_Group(h, sources, conns, (int(rows[0]), int(rows[1])), o, o % 4))
        keys = np.array(sorted(background or {}), np.int64)
        on_chip = np.isin(src, keys)
        for bus in sorted({b for b, _ in (background or {}).values()}):
            mine = [k for k, (b, _) in (background or {}).items() if b == bus]
            conns = np.flatnonzero(here & np.isin(src, mine))
            if conns.size:
                rows = _demand(column[conns], receptor[conns], count[conns])
                label6 = {k: (background or {})[k][1] for k in mine}
                groups.append(
                    _Group(h, sorted(mine), conns, (int(rows[0]), int(rows[1])), bus=bus,
                           label6=label6)
                )  # fmt: skip
        external = np.flatnonzero(here & ~neuron & ~on_chip)
        groups += _external_groups(h, external, src, column, receptor, count)
    forwarded = {(g.output, g.hemisphere * 4 + g.bus) for g in groups if g.output >= 0}

    def halves(g: _Group) -> list[_Group]:
        first = set(g.sources[: len(g.sources) // 2])
        mine = np.isin(src[g.conns], list(first))
        out = []
        for part in (g.conns[mine], g.conns[~mine]):
            rows = _demand(column[part], receptor[part], count[part])
            members = sorted(set(src[part].tolist()))
            out.append(_Group(g.hemisphere, members, part, (int(rows[0]), int(rows[1]))))
        return out

    _allocate(groups, forwarded, describe, halves)
    return _place(groups, forwarded, src, column, receptor, count)


def _check_in_degree(tgt: Any, count: Any, describe: Any) -> None:
    per = np.bincount(tgt, weights=count, minlength=NEURONS)
    over = np.flatnonzero(per > SYNRAM_ROWS)
    if over.size:
        conns = np.flatnonzero(np.isin(tgt, over))
        raise RoutingError(
            f"Neuron(s) with in-degree larger than the number of synapse rows ({SYNRAM_ROWS}) "
            f"exist: {int(per.max())} hardware synapses onto one neuron; {describe(conns)}"
        )


def _external_groups(
    h: int, conns: Any, src: Any, column: Any, receptor: Any, count: Any
) -> list[_Group]:
    """Pack the external sources reaching hemisphere `h` into groups, first fit.

    A source joins the first group that stays within 64 sources and EXTERNAL_GROUP_ROWS rows
    with it (sources onto different columns share rows), else opens a new one.
    """
    if conns.size == 0:
        return []
    order = conns[np.argsort(src[conns], kind="stable")]
    keys, starts = np.unique(src[order], return_index=True)
    ends = [*starts[1:], order.size]
    vecs = np.zeros((0, 512), np.int64)  # per group: synapses per (column, receptor)
    peak = np.zeros((0, 2), np.int64)  # per group: its largest entry per receptor (its rows)
    members: list[list[int]] = []
    taken: list[list[Any]] = []
    for key, a, b in zip(keys, starts, ends, strict=True):
        mine = order[a:b]
        cells, into = np.unique(column[mine] * 2 + receptor[mine], return_inverse=True)
        own = np.bincount(into, weights=count[mine]).astype(np.int64)  # on its (col, r) cells
        trial = vecs[:, cells] + own  # (only the source's own cells can grow)
        grown = peak.copy()
        for r in (0, 1):
            mine_r = cells % 2 == r
            if mine_r.any():
                grown[:, r] = np.maximum(grown[:, r], trial[:, mine_r].max(axis=1))
        sizes = np.array([len(m) for m in members], np.int64)
        fits = np.flatnonzero((grown.sum(axis=1) <= EXTERNAL_GROUP_ROWS) & (sizes < GROUP_SOURCES))
        if fits.size:
            g = int(fits[0])
            vecs[g, cells] = trial[g]
            peak[g] = grown[g]
        else:
            g = len(members)
            fresh = np.zeros((1, 512), np.int64)
            fresh[0, cells] = own
            vecs = np.vstack([vecs, fresh])
            peak = np.vstack([peak, fresh[0].reshape(256, 2).max(axis=0)])
            members.append([])
            taken.append([])
        members[g].append(int(key))
        taken[g].append(mine)
    out = []
    for vec, m, t in zip(vecs, members, taken, strict=True):
        rows = vec.reshape(256, 2).max(axis=0)
        out.append(_Group(h, m, np.concatenate(t), (int(rows[0]), int(rows[1]))))
    return out


def _allocate(
    groups: list[_Group], forwarded: set[tuple[int, int]], describe: Any, halves: Any
) -> None:
    """Give every group an aligned driver block on a bus (neuron groups first, fixed bus).

    An external group that finds no block is replaced by its `halves` and those are retried.

    Raises
    ------
    RoutingError
        If a group's rows exceed a bus, or no bus has a free block for it.
    """
    used = np.zeros((2, 4, DRIVERS), bool)
    reserved = np.zeros((2, 4, DRIVERS), bool)  # selects that forwarded outputs send
    for o, p in forwarded:
        reserved[p // 4, p % 4, 4 * o : 4 * o + 4] = True
    queue = sorted(groups, key=lambda g: (g.output < 0, -sum(g.rows)))
    while queue:
        g = queue.pop(0)
        rows = sum(g.rows)
        if rows > ROWS:
            raise RoutingError(
                f"PADI-bus(ses) with required number of synapse rows larger than the number of "
                f"synapse rows on a single PADI-bus ({ROWS}) exist: a group of "
                f"{len(g.sources)} sources needs {rows} rows in hemisphere {g.hemisphere}; "
                f"{describe(g.conns)}"
            )
        size = max(_drivers_for(rows), 4 if g.output >= 0 else 1)
        buses = (
            [g.bus]
            if g.output >= 0 or g.label6 is not None
            else sorted(range(4), key=lambda b: used[g.hemisphere, b].sum())
        )
        for b in buses:
            free = ~used[g.hemisphere, b]
            other = reserved[g.hemisphere, b].copy()
            if g.output >= 0:
                other[4 * g.output : 4 * g.output + 4] = False
            for start in range(0, DRIVERS, size):
                if g.output >= 0 and not start <= 4 * g.output < start + size:
                    continue
                span = slice(start, start + size)
                if free[span].all() and not other[span].any():
                    used[g.hemisphere, b, span] = True
                    g.bus, g.block = b, (start, size)
                    break
            else:
                continue
            break
        else:
            if g.output < 0 and g.label6 is None and len(g.sources) > 1:
                groups.remove(g)
                parts = halves(g)
                groups += parts
                queue[:0] = parts
                continue
            free_rows = 2 * int((~used[g.hemisphere]).sum())
            raise RoutingError(
                "Synapse driver allocations not successful: a group of "
                f"{len(g.sources)} sources needs {size} adjacent synapse drivers ({rows} rows) "
                f"on one PADI bus of hemisphere {g.hemisphere}, where {free_rows} rows are "
                f"left in pieces; {describe(g.conns)}"
            )


def _driver_rows() -> npt.NDArray[np.int64]:
    """Return ROW_OF[driver on block, 0 top / 1 bottom]: its row on the synram (from halco)."""
    out = np.zeros((128, 2), np.int64)
    for e in range(128):
        rows = halco.SynapseDriverOnSynapseDriverBlock(e).toSynapseRowOnSynram()
        out[e, 0] = int(rows[halco.SynapseRowOnSynapseDriver.top])
        out[e, 1] = int(rows[halco.SynapseRowOnSynapseDriver.bottom])
    return out


ROW_OF = _driver_rows()


def _rows_of(bus: int, block: tuple[int, int]) -> list[tuple[int, int, int]]:
    """(driver on block, row on synram, 0 top / 1 bottom) of a block's rows, in order."""
    out = []
    for k in range(block[0], block[0] + block[1]):
        e = k * 4 + bus
        out += [(e, int(ROW_OF[e, 0]), 0), (e, int(ROW_OF[e, 1]), 1)]
    return out


def _place(
    groups: list[_Group], forwarded: set[tuple[int, int]], src: Any, column: Any, receptor: Any,
    count: Any,
) -> Routing:  # fmt: skip
    drivers: dict[tuple[int, int], tuple[int, int, int]] = {}
    labels: dict[int, list[int]] = {}
    background: dict[tuple[int, int], int] = {}
    parts: list[tuple[Any, ...]] = []
    for g in groups:
        rows = _rows_of(g.bus, g.block)
        mask = DRIVERS - 1 & ~(g.block[1] - 1)
        modes = [1] * g.rows[0] + [2] * g.rows[1] + [0] * (len(rows) - sum(g.rows))
        for (e, _, half), mode in zip(rows, modes, strict=True):
            m = list(drivers.get((g.hemisphere, e), (mask, 0, 0)))
            m[1 + half] = mode
            drivers[(g.hemisphere, e)] = (m[0], m[1], m[2])
        if g.output >= 0:
            label6 = {s: int(address_out(s)) for s in g.sources}
        elif g.label6 is not None:
            label6 = g.label6
            background[(g.hemisphere, g.bus)] = g.block[0]
        else:
            label6 = {s: i for i, s in enumerate(g.sources)}
            select = g.block[0]
            p = g.hemisphere * 4 + g.bus
            for s, i in label6.items():
                labels.setdefault(s - NEURONS, []).append(
                    (g.bus << 14) | (p << 11) | (select << 6) | i
                )
        conns = g.conns[np.lexsort((g.conns, column[g.conns], receptor[g.conns]))]
        key = column[conns] * 2 + receptor[conns]
        n = count[conns]
        first = np.cumsum(n) - n  # slot of each connection's first synapse in its (col, r)
        seg = np.r_[True, key[1:] != key[:-1]]
        base = np.maximum.accumulate(np.where(seg, first, 0))
        slot0 = first - base
        rep = np.repeat(np.arange(conns.size), n)
        part = np.arange(rep.size) - np.repeat(first, n)
        slot = slot0[rep] + part
        r = receptor[conns][rep]
        index = np.where(r == 0, slot, g.rows[0] + slot)
        row_of = np.array([row for _, row, _ in rows], np.int64)
        keys = np.array(list(label6), np.int64)
        order6 = np.argsort(keys)
        values6 = np.array(list(label6.values()), np.int64)[order6]
        lab = values6[np.searchsorted(keys[order6], src[conns])][rep]
        parts.append(
            (conns[rep], part, np.full(rep.size, g.hemisphere), row_of[index],
             column[conns][rep], lab)
        )  # fmt: skip
    if parts:
        cols = [np.concatenate(x) for x in zip(*parts, strict=True)]
        order = np.lexsort((cols[1], cols[0]))
        cols = [c[order].astype(np.int64) for c in cols]
    else:
        cols = [np.zeros(0, np.int64)] * 6
    return Routing(drivers, forwarded, labels, background, *cols)
