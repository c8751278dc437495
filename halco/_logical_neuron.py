"""Multi-compartment ("logical") neurons built from connected atomic neurons.

A ``LogicalNeuronCompartments`` describes a shape: compartments, each a list of atomic neurons
on a 128 x 2 local grid. ``LogicalNeuronOnDLS`` places that shape on the chip at an anchor
(the placed shape's top-left corner) without crossing the left/right backend halves.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

from halco._base import Grid, Ranged
from halco._neuron import AtomicNeuronOnDLS, NeuronColumnOnDLS, NeuronRowOnDLS

__all__ = [
    "AtomicNeuronOnLogicalNeuron",
    "CompartmentOnLogicalNeuron",
    "LogicalNeuronCompartments",
    "LogicalNeuronOnDLS",
    "NeuronColumnOnLogicalNeuron",
    "NeuronRowOnLogicalNeuron",
]


class NeuronRowOnLogicalNeuron(Ranged, max=1):
    """Row inside a logical neuron's shape."""

    __slots__ = ()


class NeuronColumnOnLogicalNeuron(Ranged, max=127):
    """Column inside a logical neuron's shape (at most one backend half wide)."""

    __slots__ = ()


class AtomicNeuronOnLogicalNeuron(Grid, x=NeuronColumnOnLogicalNeuron, y=NeuronRowOnLogicalNeuron):
    """An atomic neuron inside a logical neuron's shape."""

    __slots__ = ()

    class Direction(enum.Enum):
        """Neighbour direction for :meth:`get_neighbor`."""

        left = 0
        right = 1
        opposite_row = 2

    def get_neighbor(self, direction: AtomicNeuronOnLogicalNeuron.Direction) -> Any:
        """Return the neighbour to the left, right or in the other row.

        Raises
        ------
        CoordinateRangeError
            If the neighbour would lie outside the shape grid.
        TypeError
            If ``direction`` is not a ``Direction``.
        """
        x, y = self.x()._e, self.y()._e
        if direction is self.Direction.left:
            return AtomicNeuronOnLogicalNeuron(x - 1, y)
        if direction is self.Direction.right:
            return AtomicNeuronOnLogicalNeuron(x + 1, y)
        if direction is self.Direction.opposite_row:
            return AtomicNeuronOnLogicalNeuron(x, 1 - y)
        raise TypeError(
            f"direction must be AtomicNeuronOnLogicalNeuron.Direction, got {direction!r}"
        )


class CompartmentOnLogicalNeuron(Ranged, max=254):
    """Index of a compartment of a logical neuron."""

    __slots__ = ()


_Shape = dict[CompartmentOnLogicalNeuron, list[AtomicNeuronOnLogicalNeuron]]


class LogicalNeuronCompartments:
    """Shape of a logical neuron: compartment index -> atomic neurons (on the local grid).

    Raises
    ------
    ValueError
        If an atomic neuron appears in more than one compartment (or twice).
    """

    __slots__ = ("_compartments",)

    def __init__(
        self, compartments: Mapping[Any, Iterable[AtomicNeuronOnLogicalNeuron]] | None = None
    ) -> None:
        shape: _Shape = {}
        seen: set[AtomicNeuronOnLogicalNeuron] = set()
        for key, neurons in (compartments or {}).items():
            comp = CompartmentOnLogicalNeuron._coerce(key, "LogicalNeuronCompartments", "key")
            placed = [
                AtomicNeuronOnLogicalNeuron._coerce(n, "LogicalNeuronCompartments", "entry")
                for n in neurons
            ]
            for n in placed:
                if n in seen:
                    raise ValueError(f"{n!r} is contained in more than one compartment")
                seen.add(n)
            shape[comp] = placed
        self._compartments = dict(sorted(shape.items()))

    def get_compartments(self) -> _Shape:
        """Return a copy of the compartment map."""
        return {k: list(v) for k, v in self._compartments.items()}

    def _all(self) -> list[AtomicNeuronOnLogicalNeuron]:
        return [n for ns in self._compartments.values() for n in ns]

    def get_left_most_column(self) -> NeuronColumnOnLogicalNeuron:
        """Return the smallest column used (``max`` for an empty shape)."""
        return min((n.x() for n in self._all()), default=NeuronColumnOnLogicalNeuron(127))

    def get_right_most_column(self) -> NeuronColumnOnLogicalNeuron:
        """Return the largest column used (``min`` for an empty shape)."""
        return max((n.x() for n in self._all()), default=NeuronColumnOnLogicalNeuron(0))

    def get_top_most_row(self) -> NeuronRowOnLogicalNeuron:
        """Return the smallest row used."""
        return min((n.y() for n in self._all()), default=NeuronRowOnLogicalNeuron(1))

    def get_bottom_most_row(self) -> NeuronRowOnLogicalNeuron:
        """Return the largest row used."""
        return max((n.y() for n in self._all()), default=NeuronRowOnLogicalNeuron(0))

    def flip_x(self) -> LogicalNeuronCompartments:
        """Return the shape mirrored left-right inside its bounding box."""
        lo, hi = self.get_left_most_column()._e, self.get_right_most_column()._e
        return LogicalNeuronCompartments(
            {k: [AtomicNeuronOnLogicalNeuron(lo + hi - n.x()._e, n.y()) for n in v]
             for k, v in self._compartments.items()}
        )  # fmt: skip

    def flip_y(self) -> LogicalNeuronCompartments:
        """Return the shape mirrored top-bottom inside its bounding box."""
        lo, hi = self.get_top_most_row()._e, self.get_bottom_most_row()._e
        return LogicalNeuronCompartments(
            {k: [AtomicNeuronOnLogicalNeuron(n.x(), lo + hi - n.y()._e) for n in v]
             for k, v in self._compartments.items()}
        )  # fmt: skip

    def _key(self) -> list[tuple[int, list[int]]]:
        return [(k._e, [n._e for n in v]) for k, v in self._compartments.items()]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LogicalNeuronCompartments) and self._key() == other._key()

    def __lt__(self, other: LogicalNeuronCompartments) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(("LogicalNeuronCompartments", repr(self._key())))

    def __reduce__(self) -> tuple[Any, ...]:
        return (LogicalNeuronCompartments, (self._compartments,))

    def __repr__(self) -> str:
        return f"LogicalNeuronCompartments({self._compartments!r})"


class LogicalNeuronOnDLS:
    """A logical neuron placed on the chip: its shape anchored at an ``AtomicNeuronOnDLS``.

    Raises
    ------
    ValueError
        If the placed shape leaves the neuron grid or crosses the left/right backend halves.
    """

    __slots__ = ("_placed",)

    def __init__(
        self,
        compartments: LogicalNeuronCompartments | None = None,
        anchor: AtomicNeuronOnDLS | None = None,
    ) -> None:
        self._placed: dict[CompartmentOnLogicalNeuron, list[AtomicNeuronOnDLS]] = {}
        if compartments is None:
            return
        anchor = AtomicNeuronOnDLS._coerce(
            anchor or AtomicNeuronOnDLS(), "LogicalNeuronOnDLS", "anchor"
        )
        left = compartments.get_left_most_column()._e
        top = compartments.get_top_most_row()._e
        width = compartments.get_right_most_column()._e - left
        height = compartments.get_bottom_most_row()._e - top
        ax, ay = anchor.x()._e, anchor.y()._e
        half_end = 127 if ax <= 127 else 255
        if ay + height > 1 or ax + width > half_end:
            raise ValueError(
                f"anchor {anchor!r} places a shape of width {width + 1} and height {height + 1} "
                f"outside the neuron grid or across the backend halves (columns 0-127 | 128-255)"
            )
        for comp, neurons in compartments.get_compartments().items():
            self._placed[comp] = [
                AtomicNeuronOnDLS(
                    NeuronColumnOnDLS(ax + n.x()._e - left), NeuronRowOnDLS(ay + n.y()._e - top)
                )
                for n in neurons
            ]

    def get_placed_compartments(self) -> dict[CompartmentOnLogicalNeuron, list[AtomicNeuronOnDLS]]:
        """Return compartment -> placed atomic neurons."""
        return {k: list(v) for k, v in self._placed.items()}

    def get_atomic_neurons(self) -> list[AtomicNeuronOnDLS]:
        """Return all atomic neurons, compartment by compartment."""
        return [n for ns in self._placed.values() for n in ns]

    def _key(self) -> list[tuple[int, list[int]]]:
        return [(k._e, [n._e for n in v]) for k, v in self._placed.items()]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LogicalNeuronOnDLS) and self._key() == other._key()

    def __lt__(self, other: LogicalNeuronOnDLS) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(("LogicalNeuronOnDLS", repr(self._key())))

    def __getstate__(self) -> dict[CompartmentOnLogicalNeuron, list[AtomicNeuronOnDLS]]:
        return self._placed

    def __setstate__(
        self, state: dict[CompartmentOnLogicalNeuron, list[AtomicNeuronOnDLS]]
    ) -> None:
        self._placed = state

    def __repr__(self) -> str:
        return f"LogicalNeuronOnDLS({self._placed!r})"
