"""The greedy router, checked against the chip's event path.

An event reaches the rows of every driver on its bus whose compare mask accepts its row select,
and there the synapses holding its 6-bit label: these tests replay that for every source and
check that exactly the synapses placed for its connections answer, in rows of the right kind.
"""

from __future__ import annotations

import numpy as np
import pytest

import halco
from pynn_frontend._routing import NEURONS, Routing, RoutingError, address_out, route


def _rows() -> dict[tuple[int, int], tuple[int, int]]:
    out = {}
    for e in range(128):
        rows = halco.SynapseDriverOnSynapseDriverBlock(e).toSynapseRowOnSynram()
        out[(e, 0)] = (e, int(rows[halco.SynapseRowOnSynapseDriver.top]))
        out[(e, 1)] = (e, int(rows[halco.SynapseRowOnSynapseDriver.bottom]))
    return out


ROWS = _rows()


def _events(src: int, routing: Routing) -> list[tuple[int, int, int]]:
    """(hemisphere, bus, 11-bit PADI label) of every event a source causes."""
    if src >= NEURONS:
        padi = [((lab >> 11) & 7, lab & 0x7FF) for lab in routing.labels.get(src - NEURONS, [])]
        return [(p // 4, p % 4, label) for p, label in padi]
    o = (src % 256) // 32
    label = (o << 8) | int(address_out(src))
    return [(p // 4, p % 4, label & 0x7FF) for out, p in routing.forwarded if out == o]


def _answers(
    src: int, routing: Routing, synapse_labels: np.ndarray
) -> set[tuple[int, int, int, int]]:
    """(hemisphere, row, column, row mode) of every synapse a source's events reach."""
    found = set()
    for h, bus, label in _events(src, routing):
        select, six = label >> 6, label & 63
        for (hh, e), (mask, top, bottom) in routing.drivers.items():
            if hh != h or e % 4 != bus or (select ^ (e // 4)) & mask:
                continue
            for half, mode in ((0, top), (1, bottom)):
                if mode == 0:
                    continue
                row = ROWS[(e, half)][1]
                for col in np.flatnonzero(synapse_labels[h, row] == six):
                    found.add((h, row, int(col), mode))
    return found


def _check(src: np.ndarray, tgt: np.ndarray, receptor: np.ndarray, count: np.ndarray) -> None:
    routing = route(src, tgt, receptor, count, lambda c: f"{len(c)} connections")
    r = routing
    cells = list(zip(r.synapse_hemisphere, r.synapse_row, r.synapse_column, strict=True))
    assert len(set(cells)) == len(cells), "two synapses in one place"
    assert np.array_equal(np.bincount(r.synapse_connection, minlength=src.size), count)
    labels = np.full((2, 256, 256), -1)
    labels[r.synapse_hemisphere, r.synapse_row, r.synapse_column] = r.synapse_label
    for s in np.unique(src):
        mine = np.isin(r.synapse_connection, np.flatnonzero(src == s))
        want = {
            (int(h), int(row), int(col), 1 + int(receptor[c]))
            for h, row, col, c in zip(
                r.synapse_hemisphere[mine], r.synapse_row[mine], r.synapse_column[mine],
                r.synapse_connection[mine], strict=True,
            )
        }  # fmt: skip
        assert _answers(int(s), routing, labels) == want, f"source {s}"


def test_a_random_network_is_routed_exactly() -> None:
    rng = np.random.default_rng(3)
    inputs, neurons = 100, 256
    pairs = [
        (NEURONS + i, n) for i in range(inputs) for n in range(0, 512, 2) if rng.random() < 0.1
    ]
    pairs += [(a, b) for a in range(0, 512, 2) for b in range(0, 512, 2) if rng.random() < 0.02]
    src, tgt = (np.array(x, np.int64) for x in zip(*pairs, strict=True))
    receptor = (rng.random(src.size) < 0.3).astype(np.int64)
    count = rng.integers(1, 3, src.size)
    assert neurons == 256
    _check(src, tgt, receptor, count)


def test_sources_reaching_both_hemispheres_get_a_label_each() -> None:
    src = np.array([NEURONS + 7, NEURONS + 7, 40, 40], np.int64)
    tgt = np.array([3, 300, 5, 260], np.int64)
    routing = route(src, tgt, np.array([0, 1, 0, 1]), np.ones(4, np.int64), str)
    assert len(routing.labels[7]) == 2
    _check(src, tgt, np.array([0, 1, 0, 1]), np.ones(4, np.int64))


def test_too_many_synapses_onto_one_neuron_is_named() -> None:
    src = NEURONS + np.arange(300, dtype=np.int64)
    tgt = np.full(300, 17, np.int64)
    with pytest.raises(RoutingError, match="in-degree larger than the number of synapse rows"):
        route(src, tgt, np.zeros(300, np.int64), np.ones(300, np.int64), lambda c: "named")


def test_one_output_needing_more_than_a_bus_is_named() -> None:
    src = np.arange(32, dtype=np.int64)  # event output 0: 32 neurons, 3 synapses each
    tgt = np.full(32, 300, np.int64)
    with pytest.raises(RoutingError, match=r"single PADI bus.*event output 0.*named"):
        route(src, tgt, np.zeros(32, np.int64), np.full(32, 3, np.int64), lambda c: "named")


def test_drivers_running_out_is_named() -> None:
    # 200 excitatory synapses onto column 0 and 200 inhibitory ones onto column 1: each neuron's
    # in-degree fits its 256 rows, but a row has one kind, so the hemisphere would need 400
    src = NEURONS + np.arange(400, dtype=np.int64)
    tgt = np.repeat([0, 1], 200)
    receptor = np.repeat([0, 1], 200)
    with pytest.raises(RoutingError, match="Synapse driver allocations not successful"):
        route(src, tgt, receptor, np.ones(400, np.int64), str)


def test_sources_onto_different_columns_share_rows() -> None:
    # 512 sources, 64 onto each of 8 columns: packed across columns they need 64 rows, not 512
    src = NEURONS + np.arange(512, dtype=np.int64)
    tgt = np.repeat(np.arange(0, 256, 32), 64)
    neurons = np.arange(0, 256, 32, dtype=np.int64)  # one neuron per event output onto 511
    src = np.concatenate([src, neurons])
    tgt = np.concatenate([tgt, np.full(8, 511)])
    count = np.ones(src.size, np.int64)
    _check(src, tgt, np.zeros(src.size, np.int64), count)
