"""``Projection``: connections between populations, kept as numpy arrays.

Weights are hardware units: rounded to integers (Python's rounding, half to even), excitatory
ones >= 0 and inhibitory ones <= 0 (the hardware uses the magnitude); a weight above 63 takes
``ceil(w / 63)`` synapses in different rows (123 -> 63 + 60). Delays are 0. Connections are
sorted by (pre, post) index. ``placed_connections`` names each connection's synapses once the
network has been mapped (``run``, or ``run(None, RunCommand.PREPARE)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from pyNN import common, connectors, errors
from pyNN.parameters import LazyArray
from pyNN.space import Space

import halco
from pynn_frontend import simulator
from pynn_frontend.populations import Assembly
from pynn_frontend.synapses import StaticSynapse

__all__ = ["Connection", "PlacedConnection", "Projection", "part_weight", "synapses_per_weight"]

RECEPTORS = ("excitatory", "inhibitory")
MAX_WEIGHT = 63
SIGN_RULE = (
    "Weights must be positive for conductance-based and/or excitatory synapses and negative for "
    "inhibitory synapses"
)


_LIST_CONNECTORS = (connectors.FromListConnector, connectors.FromFileConnector)


class PlacedConnection(NamedTuple):
    """One hardware synapse of a connection."""

    synapse_row: halco.SynapseRowOnDLS
    synapse_on_row: halco.SynapseOnSynapseRow
    weight: int


def synapses_per_weight(weight: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Return how many synapses each (signed) weight takes: max(1, ceil(|w| / 63))."""
    w = np.abs(np.asarray(weight, np.int64))
    return np.maximum(1, -(-w // MAX_WEIGHT))


def part_weight(weight: npt.ArrayLike, part: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Return the weight of synapse `part` (0, 1, ...) of a connection of (signed) `weight`.

    |w| goes over the synapses 63 each, the rest in the last (123 -> 63, 60; then zeros).
    """
    w = np.abs(np.asarray(weight, np.int64)) - MAX_WEIGHT * np.asarray(part, np.int64)
    return np.clip(w, 0, MAX_WEIGHT)


class Connection:
    """One connection of a projection; setting ``weight`` sets it in the projection."""

    def __init__(self, projection: Projection, index: int) -> None:
        self._projection = projection
        self._index = index

    @property
    def presynaptic_index(self) -> int:
        """Index of the source in ``projection.pre``."""
        return int(self._projection._pre[self._index])

    @property
    def postsynaptic_index(self) -> int:
        """Index of the target in ``projection.post``."""
        return int(self._projection._post[self._index])

    @property
    def weight(self) -> int:
        """The connection's (signed, integer) weight."""
        return int(self._projection._weight[self._index])

    @weight.setter
    def weight(self, value: float) -> None:
        w = _rounded(np.array([value]))
        self._projection._check_sign(w)
        self._projection._weight[self._index] = w[0]

    @property
    def delay(self) -> float:
        """Always 0."""
        return 0.0

    def as_tuple(self, *names: str) -> tuple[Any, ...]:
        """Return the named attributes."""
        return tuple(getattr(self, name) for name in names)


@contextmanager
def _one_row_columns() -> Iterator[None]:
    """Let connectors connect a single presynaptic neuron (for the duration of a connect).

    PyNN 0.13's connectors take each column of the connection map as an array, but a map of
    one row gives 0-d columns, whose ``nonzero()`` numpy 2 refuses (a 1 x 1 OneToOneConnector
    fails). The columns are made 1-d here; Python's True (connect all) is left as it is.
    """
    original = LazyArray.by_column

    def by_column(self: Any, mask: Any = None) -> Iterator[Any]:
        for column in original(self, mask):
            yield np.atleast_1d(column) if isinstance(column, np.ndarray | np.generic) else column

    LazyArray.by_column = by_column
    try:
        yield
    finally:
        LazyArray.by_column = original


def _rounded(values: npt.ArrayLike) -> npt.NDArray[np.int64]:
    v = np.asarray(values, np.float64)
    if not np.all(np.isfinite(v)):
        raise errors.ConnectionError(f"weights must be finite numbers, got {v[~np.isfinite(v)]}")
    return np.round(v).astype(np.int64)


class Projection(common.Projection):
    """Connections from `pre` to `post` (a population or view of HXNeurons) of one receptor.

    Raises (constructor)
    --------------------
    NotImplementedError
        For an Assembly as pre or post, or a receptor other than excitatory/inhibitory.
    pyNN.errors.ConnectionError
        For weights against the sign rule.
    ValueError
        For a delay other than 0.
    RuntimeError
        Outside a session.
    """

    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(
        self,
        presynaptic_population: Any,
        postsynaptic_population: Any,
        connector: Any,
        synapse_type: Any = None,
        source: Any = None,
        receptor_type: Any = None,
        space: Any = None,
        label: str | None = None,
    ) -> None:
        state = _state()
        if isinstance(presynaptic_population, Assembly) or isinstance(
            postsynaptic_population, Assembly
        ):
            raise NotImplementedError("Assemblies are not supported yet")
        if receptor_type is not None and receptor_type not in RECEPTORS:
            raise NotImplementedError(
                f"Receptor not implemented: {receptor_type!r} (use one of {RECEPTORS})"
            )
        if not getattr(postsynaptic_population.celltype, "receptor_types", ()):
            raise errors.ConnectionError(
                f"{postsynaptic_population.celltype.__class__.__name__} has no receptors: "
                "only neurons can be targets"
            )
        self._pre = np.zeros(0, np.int64)
        self._post = np.zeros(0, np.int64)
        self._weight = np.zeros(0, np.int64)
        self._chunks: list[tuple[Any, ...]] = []
        super().__init__(
            presynaptic_population,
            postsynaptic_population,
            connector,
            synapse_type,
            source,
            receptor_type,
            space if space is not None else Space(),
            label,
        )
        if not self._connect_fast():
            with _one_row_columns():
                self._connector.connect(self)
        self._merge()
        state.projections.append(self)

    @property
    def inhibitory(self) -> bool:
        """Whether the projection drives the inhibitory input."""
        return bool(self.receptor_type == "inhibitory")

    def _check_sign(self, weights: npt.NDArray[np.int64]) -> None:
        bad = weights > 0 if self.inhibitory else weights < 0
        if np.any(bad):
            raise errors.ConnectionError(
                f"{SIGN_RULE}: projection {self.label!r} ({self.receptor_type}) got weight(s) "
                f"{np.unique(weights[bad])[:5].tolist()}"
            )

    def _convergent_connect(
        self,
        presynaptic_indices: Any,
        postsynaptic_index: Any,
        location_selector: Any = None,
        **connection_parameters: Any,
    ) -> None:
        pre = np.atleast_1d(np.asarray(presynaptic_indices, np.int64))
        delay = np.asarray(connection_parameters.get("delay", 0.0), np.float64)
        if np.any(delay != 0):
            raise ValueError("Setting the delay unequal 0 is not supported.")
        w = _rounded(np.broadcast_to(connection_parameters.get("weight", 0.0), pre.shape))
        self._check_sign(w)
        self._chunks.append((pre, np.full(pre.size, int(postsynaptic_index), np.int64), w))

    def _connect_fast(self) -> bool:
        """Connect a FromListConnector, or an AllToAll/OneToOne with one scalar weight, in numpy.

        PyNN's generic path translates the synapse parameters once per target neuron (a
        deepcopy each), which dominates building large or many small projections. The result
        is the same connections; other connectors (or parameter forms) take the generic path.
        Returns whether it connected.

        Raises
        ------
        pyNN.errors.ConnectionError
            For a source index out of range, or weights against the sign rule.
        ValueError
            For a delay other than 0, or a column the synapse type does not have.
        """
        c = self._connector
        if isinstance(c, connectors.FromListConnector) and type(c) in _LIST_CONNECTORS:
            conns = np.asarray(c.conn_list, np.float64).reshape(-1, 2 + len(c.column_names))
            names = list(c.column_names)
            for name in names:
                if name not in ("weight", "delay"):
                    raise ValueError(f"{name} is not a valid parameter for StaticSynapse")
            if conns.size and np.any(conns[:, 0] >= self.pre.size):
                raise errors.ConnectionError("source index out of range")
            pre, post = conns[:, 0].astype(np.int64), conns[:, 1].astype(np.int64)
            weight = conns[:, 2 + names.index("weight")] if "weight" in names else None
            delay = conns[:, 2 + names.index("delay")] if "delay" in names else None
        elif type(c) in (connectors.AllToAllConnector, connectors.OneToOneConnector):
            if type(c) is connectors.OneToOneConnector:
                pre = post = np.arange(min(self.pre.size, self.post.size), dtype=np.int64)
            else:
                pre, post = (g.ravel() for g in np.indices((self.pre.size, self.post.size)))
                if not c.allow_self_connections:
                    same = (
                        np.asarray(self.pre.all_cells)[pre] == np.asarray(self.post.all_cells)[post]
                    )
                    pre, post = pre[~same], post[~same]
            weight = delay = None
        else:
            return False
        space = self.synapse_type.native_parameters
        for name, given in (("weight", weight), ("delay", delay)):
            if given is None:
                value = space[name]
                if not value.is_homogeneous or callable(value.base_value):
                    return False  # (distributions, arrays, expressions: PyNN evaluates them)
        w = weight if weight is not None else np.full(pre.size, float(space["weight"].base_value))
        d = delay if delay is not None else np.full(pre.size, float(space["delay"].base_value))
        if np.any(d != 0):
            raise ValueError("Setting the delay unequal 0 is not supported.")
        rounded = _rounded(w)
        self._check_sign(rounded)
        self._chunks.append((pre, post, rounded))
        return True

    def _merge(self) -> None:
        if self._chunks:
            pre, post, w = (np.concatenate(x) for x in zip(*self._chunks, strict=True))
            order = np.lexsort((post, pre))
            self._pre, self._post, self._weight = pre[order], post[order], w[order]
        self._chunks = []

    def __len__(self) -> int:
        return int(self._pre.size)

    def __getitem__(self, i: int) -> Connection:
        if not -len(self) <= i < len(self):
            raise IndexError(f"connection index {i} out of range for {len(self)} connections")
        return Connection(self, int(i) % len(self))

    @property
    def connections(self) -> list[Connection]:
        """Every connection, in (pre, post) order."""
        return [Connection(self, i) for i in range(len(self))]

    def _set_attributes(self, parameter_space: Any) -> None:
        """Set weights from a (pre.size, post.size) parameter space; delays must stay 0.

        Raises
        ------
        pyNN.errors.ConnectionError
            For weights against the sign rule (nothing changes).
        ValueError
            For a delay other than 0.
        """
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            values = np.asarray(value, np.float64)[self._pre, self._post]
            if name == "delay":
                if np.any(values != 0):
                    raise ValueError("Setting the delay unequal 0 is not supported.")
                continue
            w = _rounded(values)
            self._check_sign(w)
            self._weight = w

    def _get_attributes_as_list(self, names: Any) -> list[tuple[Any, ...]]:
        columns = [self._column(n) for n in names]
        return list(zip(*(c.tolist() for c in columns), strict=True))

    def _get_attributes_as_arrays(self, names: Any, multiple_synapses: str = "sum") -> list[Any]:
        op = common.Projection.MULTI_SYNAPSE_OPERATIONS[multiple_synapses]
        out = []
        flat = self._pre * self.post.size + self._post
        repeated = np.unique(flat).size != flat.size  # (several connections of one pair)
        for name in names:
            values = np.full((self.pre.size, self.post.size), np.nan)
            column = self._column(name)
            if repeated:
                for i, j, v in zip(self._pre, self._post, column, strict=True):
                    values[i, j] = v if np.isnan(values[i, j]) else op(values[i, j], v)
            else:
                values[self._pre, self._post] = column
            out.append(values)
        return out

    def _column(self, name: str) -> npt.NDArray[Any]:
        if name == "presynaptic_index":
            return self._pre
        if name == "postsynaptic_index":
            return self._post
        if name in ("weight", "weights"):
            return self._weight.astype(np.float64)
        if name in ("delay", "delays"):
            return np.zeros(self._pre.size)
        raise AttributeError(f"a connection has no attribute {name!r}")

    @property
    def placed_connections(self) -> list[list[PlacedConnection]]:
        """Per connection, its synapses (row, column, weight), after mapping.

        Raises
        ------
        RuntimeError
            Before the network was mapped (``run``, or ``run(None, RunCommand.PREPARE)``).
        """
        mapping = _state().mapping
        if mapping is None or self not in mapping.projections:
            raise RuntimeError(
                "placed_connections are only available after mapping: call "
                "pynn.run(None, pynn.RunCommand.PREPARE) or pynn.run(runtime) first"
            )
        return mapping.placed(self)


def _state() -> simulator.State:
    if simulator.state is None:
        raise RuntimeError("call pynn.setup() first")
    return simulator.state
