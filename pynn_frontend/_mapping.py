"""The network's mapping onto the chip: gathered, routed, written.

The connections are gathered, routed (only when the topology changed) and written as
crossbar, PADI bus, synapse driver and synapse configuration.

Decisions where the reference is silent:

- Without ``initial_config`` the synapse DAC bias (``syn_i_bias_dac``, the global weight
  scale) is 600 in all four CapMem blocks, the calibration target's value (reference
  bss2-chipmodel.md §9). (Every column's synaptic current switches are on: _execution's
  neuron block.)
- Every snippet writes both synapse matrices (weights and labels) if they differ from the
  previous snippet's, and the routing's drivers and crossbar if the routing changed.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import halco
import haldls
from haldls import lola
from pynn_frontend._routing import NEURONS, Routing, route
from pynn_frontend.projections import PlacedConnection, part_weight, synapses_per_weight

__all__ = ["Mapping", "circuits_of", "map_network", "write_routing", "write_synapses"]

#: The synapse DAC bias written without an initial_config (the calibration target's).
SYNAPSE_DAC_BIAS = 600


def circuits_of(pop: Any) -> npt.NDArray[np.int64]:
    """Return the atomic neuron enums of a population's or view's neurons (-1: none)."""
    root = pop.grandparent if hasattr(pop, "grandparent") else pop
    if not root.circuits:
        return np.full(pop.size, -1, np.int64)
    enums = np.array([int(c.toEnum()) for c in root.circuits], np.int64)
    if root is pop:
        return enums
    return enums[np.asarray(pop.index_in_grandparent(np.arange(pop.size)), np.int64)]


def _ids_of(pop: Any) -> npt.NDArray[np.int64]:
    return np.asarray([int(c) for c in pop.all_cells], np.int64)


@attrs.define
class Mapping:
    """The routed network: its projections' connections as one set of arrays."""

    projections: list[Any]
    offsets: dict[int, int]  # id(projection) -> its first connection in the arrays
    src: npt.NDArray[np.int64]  # source keys (circuits, or 512 + external ID)
    tgt: npt.NDArray[np.int64]  # target circuits
    receptor: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]  # synapses per connection
    routing: Routing
    #: seconds: gathering the connections, and routing them (0 when the routing was reused)
    construction_duration: float = 0.0
    routing_duration: float = 0.0

    def weights(self) -> npt.NDArray[np.int64]:
        """Every connection's present |weight| (projections' order)."""
        if not self.projections:
            return np.zeros(0, np.int64)
        return np.abs(np.concatenate([p._weight for p in self.projections]))

    def matrices(self, weights: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Return (2 synrams, weights/labels, 256 rows, 256 columns) for connection `weights`."""
        r = self.routing
        out = np.zeros((2, 2, 256, 256), np.int64)
        w = part_weight(weights[r.synapse_connection], r.synapse_part)
        out[r.synapse_hemisphere, 0, r.synapse_row, r.synapse_column] = w
        out[r.synapse_hemisphere, 1, r.synapse_row, r.synapse_column] = r.synapse_label
        return out

    def placed(self, projection: Any) -> list[list[PlacedConnection]]:
        """Return each connection's synapses (row, column, present weight)."""
        r = self.routing
        first = self.offsets[id(projection)]
        n = len(projection)
        out: list[list[PlacedConnection]] = [[] for _ in range(n)]
        mine = np.flatnonzero((r.synapse_connection >= first) & (r.synapse_connection < first + n))
        weights = part_weight(
            projection._weight[r.synapse_connection[mine] - first], r.synapse_part[mine]
        )
        for k, weight in zip(mine, weights, strict=True):
            c = int(r.synapse_connection[k]) - first
            row = halco.SynapseRowOnDLS(
                halco.SynapseRowOnSynram(int(r.synapse_row[k])),
                halco.SynramOnDLS(int(r.synapse_hemisphere[k])),
            )
            column = halco.SynapseOnSynapseRow(int(r.synapse_column[k]))
            out[c].append(PlacedConnection(row, column, int(weight)))
        return out


#: Routings of recent topologies (key -> routing), shared by all sessions of the process: a
#: script that sets up the same network again (a parameter sweep, a notebook cell run twice)
#: is not routed again. A routing depends on the topology alone (placed sources, targets,
#: receptors and synapses per connection), so reusing one is exact.
_ROUTES: OrderedDict[bytes, Routing] = OrderedDict()
_ROUTES_KEPT = 8


def map_network(projections: list[Any], cache: dict[str, Any]) -> Mapping:
    """Gather and route `projections`; reuse a routing if the topology is unchanged.

    `cache` is the session's (its last routing); recent topologies of the process are kept too.

    Raises
    ------
    RoutingError
        If the network does not fit (see ``_routing.route``).
    """
    start = time.perf_counter()
    parts = []
    offsets: dict[int, int] = {}
    at = 0
    background: dict[int, tuple[int, int]] = {}
    for p in projections:
        pre = circuits_of(p.pre)
        if pre.size and pre[0] < 0:  # external sources: 512 + ID
            pre = NEURONS + _ids_of(p.pre)
        root = p.pre.grandparent if hasattr(p.pre, "grandparent") else p.pre
        if getattr(root, "background_bus", -1) >= 0:  # on-chip: the label is the index
            for i, cell in enumerate(root.all_cells):
                background[NEURONS + int(cell)] = (root.background_bus, i)
        post = circuits_of(p.post)
        inh = int(p.inhibitory)
        parts.append(
            (pre[p._pre], post[p._post], np.full(len(p), inh), synapses_per_weight(p._weight))
        )
        offsets[id(p)] = at
        at += len(p)
    if parts:
        src, tgt, receptor, count = (
            np.concatenate(x).astype(np.int64) for x in zip(*parts, strict=True)
        )
    else:
        src = tgt = receptor = count = np.zeros(0, np.int64)
    key = b"".join(a.tobytes() + b"|" for a in (src, tgt, receptor, count))
    key += repr(sorted(background.items())).encode()
    gathered = time.perf_counter()
    if cache.get("key") != key:

        def describe(conns: npt.NDArray[np.int64]) -> str:
            return _describe(projections, offsets, tgt, conns)

        if key in _ROUTES:
            _ROUTES.move_to_end(key)
        else:
            _ROUTES[key] = route(src, tgt, receptor, count, describe, background)
            if len(_ROUTES) > _ROUTES_KEPT:
                _ROUTES.popitem(last=False)
        cache["routing"] = _ROUTES[key]
        cache["key"] = key
    routed = time.perf_counter()
    return Mapping(
        projections, offsets, src, tgt, receptor, count, cache["routing"],
        gathered - start, routed - gathered,
    )  # fmt: skip


def _describe(projections: list[Any], offsets: dict[int, int], tgt: Any, conns: Any) -> str:
    """Name the projections and target neurons of connections `conns` (for routing errors)."""
    names = []
    for p in projections:
        first = offsets[id(p)]
        if np.any((conns >= first) & (conns < first + len(p))):
            names.append(repr(p.label))
    circuits = sorted(set(tgt[conns].tolist()))
    shown = ", ".join(f"AtomicNeuronOnDLS({c})" for c in circuits[:8])
    more = f" and {len(circuits) - 8} more" if len(circuits) > 8 else ""
    return f"target neurons {shown}{more}; projection(s) {', '.join(names)}"


#: (input, output) of every crossbar node, in the order of ``lola.Crossbar.nodes``.
_NODES = np.array(
    [(int(n.y()), int(n.x())) for n in halco.iter_all(halco.CrossbarNodeOnDLS)], np.int64
)


def write_routing(builder: Any, routing: Routing, bypass: bool = False, chip: Any = None) -> None:
    """Write the crossbar, PADI buses, synapse drivers and the chip-level synapse settings.

    As a ``lola.Crossbar`` and one ``lola.SynapseDriverBlock`` per hemisphere (their other
    fields at their defaults). With `bypass` the PADI buses lengthen the synapses' pulses fully
    (``dacen_pulse_extension`` 15), as bypass mode needs (reference bss2-chipmodel.md §2.1).
    The synapse DAC biases are `chip`'s (the initial_config's synapse blocks), else 600.
    """
    crossbar = lola.Crossbar()
    nodes = crossbar.nodes
    for n, (inp, out) in enumerate(_NODES):
        mask, target = _node(routing, int(inp), int(out))
        nodes.table[n, nodes.cols["mask"][0]] = mask
        nodes.table[n, nodes.cols["target"][0]] = target
    builder.write(halco.CrossbarOnDLS(), crossbar)
    padi = haldls.CommonPADIBusConfig()
    for b in range(4):
        padi.enable_spl1[b] = True
        padi.dacen_pulse_extension[b] = 15 if bypass else 0
    for h in range(halco.SynapseDriverBlockOnDLS.size):
        block = lola.SynapseDriverBlock()
        block.padi_bus = padi
        drivers = block.synapse_drivers
        col = {name: drivers.cols[name][0] for name in _DRIVER_FIELDS}
        for (hh, e), (mask, top, bottom) in routing.drivers.items():
            if hh == h:
                row = drivers.table[e]
                row[col["enable_receiver"]] = 1
                row[col["row_address_compare_mask"]] = mask
                row[col["row_mode_top"]], row[col["row_mode_bottom"]] = top, bottom
        builder.write(halco.SynapseDriverBlockOnDLS(h), block)
    dac = halco.CapMemCellOnCapMemBlock.syn_i_bias_dac  # type: ignore[attr-defined]
    for h in range(halco.SynapseBlockOnDLS.size):
        for b in range(halco.CapMemBlockOnHemisphere.size):
            on = halco.CapMemBlockOnHemisphere(b)
            value = SYNAPSE_DAC_BIAS
            if chip is not None:
                value = int(chip.synapse_blocks[halco.SynapseBlockOnDLS(h)].i_bias_dac[on])
            capmem = halco.CapMemBlockOnDLS(on, halco.HemisphereOnDLS(h))
            cell = halco.CapMemCellOnDLS(dac, capmem)
            builder.write(cell, haldls.CapMemCell(haldls.CapMemCell.Value(value)))


_DRIVER_FIELDS = ("enable_receiver", "row_address_compare_mask", "row_mode_top", "row_mode_bottom")


def _node(routing: Routing, inp: int, out: int) -> tuple[int, int]:
    """Return (mask, target) of the crossbar node from input `inp` to output `out`.

    See _routing's label layout; (0, 1) drops every event, (0, 0) passes every one.
    """
    if inp < 8:  # a neuron event output: to the buses that need it, always to the FPGA
        return (0, 0) if out >= 8 or (inp, out) in routing.forwarded else (0, 1)
    if inp < 12 and out < 8:  # from the FPGA: bits 11-13 name the PADI bus
        return 0b111 << 11, out << 11
    if inp >= 12:  # a background source: to its bus where used; the top ones to the FPGA
        source = inp - 12
        if out < 8 and (source // 4, source % 4) in routing.background_select:
            return 0, 0
        if out >= 8 and source < 4:
            return 0, 0
    return 0, 1


def write_synapses(builder: Any, matrices: npt.NDArray[np.int64]) -> None:
    """Write both synrams' weights and labels."""
    for s in range(2):
        m = lola.SynapseMatrix()
        m.weights.from_numpy(matrices[s, 0])
        m.labels.from_numpy(matrices[s, 1])
        builder.write(halco.SynramOnDLS(s), m)
