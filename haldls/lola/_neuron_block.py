"""``NeuronBlock``: all 512 AtomicNeurons, the backend blocks and the neurons' global biases.

The neurons live in one int64 table (a row per neuron, a column per AtomicNeuron field), so the
block encodes them as numpy columns without touching 512 Python objects;
``block.atomic_neurons[c]`` is a live view of row ``c``.

Visit order: the neurons' NeuronConfigs, their CapMem cells (24 per neuron, in the AtomicNeuron
order), their NeuronBackendConfigs, then the backend blocks, the two current rows (the switches
from the neurons to the synapse arrays) and the global biases per CapMem block. The real
stack interleaves the three leaf types neuron by neuron; the registers are distinct, so the
order of the words does not change what is written, and grouping them lets each type encode
as one batch (our decision).

>>> block = NeuronBlock()
>>> block.atomic_neurons[3].leak.v_leak = 700
>>> int(block.atomic_neurons[3].leak.v_leak)
700
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from halco import (
    AtomicNeuronOnDLS,
    CapMemBlockOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    ColumnCurrentRowOnDLS,
    CommonNeuronBackendConfigOnDLS,
    NeuronBlockOnDLS,
)
from halco.common import Coordinate, TypedArray
from haldls._field import Field, Seg
from haldls._neuron import CommonNeuronBackendConfig
from haldls.lola._base import (
    Aggregate,
    AnalogValueVariant,
    ItemArrayField,
    Slot,
    ValueArrayField,
    array_slot,
    cell_slot,
)
from haldls.lola._neuron import (
    AtomicNeuron,
    Table,
    default_table,
    field_column,
    neuron_row,
    neuron_slots,
    neuron_view,
)
from haldls.lola._synapse import ColumnCurrentRow

__all__ = ["NeuronBlock"]

_N = AtomicNeuronOnDLS.size


class _NeuronArray(TypedArray[AtomicNeuron]):
    """``atomic_neurons``: 512 AtomicNeurons over one table; entries are live views."""

    __slots__ = ("table",)

    def __init__(self, table: Table) -> None:
        self._key, self._value_type, self.table = AtomicNeuronOnDLS, None, table

    def __getitem__(self, key: object) -> AtomicNeuron:
        return neuron_view(self.table, self._index(key))

    def __setitem__(self, key: object, value: Any) -> None:
        self.table[self._index(key)] = neuron_row(value, "NeuronBlock.atomic_neurons")

    def __len__(self) -> int:
        return _N

    def __iter__(self) -> Iterator[AtomicNeuron]:
        return (neuron_view(self.table, i) for i in range(_N))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NeuronArray) and bool(np.array_equal(self.table, other.table))

    def get_field(self, path: str) -> npt.NDArray[np.int64]:
        """Return field ``path`` ("leak.v_leak") of all 512 neurons as integers (a copy).

        Raises
        ------
        KeyError
            If ``path`` names no AtomicNeuron field.
        """
        return self.table[:, field_column(path)[0]].copy()

    def set_field(self, path: str, values: Any, neurons: Any = None) -> None:
        """Set field ``path`` of ``neurons`` (AtomicNeuronOnDLS enums; all if None), vectorised.

        Booleans and enumerations go as integers.

        Raises
        ------
        KeyError
            If ``path`` names no AtomicNeuron field.
        ValueError
            If a value lies outside the field's range (field, value and range named).
        """
        col, kind = field_column(path)
        rows = slice(None) if neurons is None else np.asarray(neurons, np.intp)
        v = np.asarray(values)
        if v.dtype.kind not in "biu":
            raise ValueError(f"AtomicNeuron.{path} takes integers, got dtype {v.dtype}")
        v = v.astype(np.int64)
        bad = (v < kind.lo) | (v > kind.hi)
        if kind.allowed is not None:
            bad |= ~np.isin(v, kind.allowed)
        if np.any(bad):
            raise ValueError(
                f"AtomicNeuron.{path} must be in [{kind.lo}, {kind.hi}], got {int(v[bad].flat[0])}"
            )
        self.table[rows, col] = v

    def fill(self, value: Any) -> None:
        """Set every neuron to ``value`` (an AtomicNeuron or a dict of its fields)."""
        self.table[:] = neuron_row(value, "NeuronBlock.atomic_neurons")

    def to_numpy(self) -> Any:
        """Not available: use the entries' fields.

        Raises
        ------
        TypeError
            Always (AtomicNeurons are no numbers).
        """
        raise TypeError("atomic_neurons holds AtomicNeurons, which have no numpy form")


class _NeuronArrayField(ItemArrayField):
    """The ``atomic_neurons`` field: assigning an iterable of 512 neurons copies them."""

    def fresh_default(self) -> _NeuronArray:
        return _NeuronArray(default_table(_N))

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
            raise TypeError(f"{self.owner} must be an iterable of {_N} AtomicNeurons")
        if isinstance(value, _NeuronArray):
            obj._values[self.name] = _NeuronArray(value.table.copy())
            return
        rows = [neuron_row(v, self.owner) for v in value]
        if len(rows) != _N:
            raise ValueError(f"{self.owner} needs {_N} AtomicNeurons, got {len(rows)}")
        obj._values[self.name] = _NeuronArray(np.array(rows, np.int64))

    def placements(self) -> tuple[tuple[Seg, ...], ...]:
        return ()


def _analog_values(default: int, doc: str) -> Field:
    return ValueArrayField(CapMemBlockOnDLS, AnalogValueVariant, default, doc)


#: The global bias fields and their CapMem cells (halco names, in each block), in visit order.
_BIASES = (
    ("v_bias_casc_n", "neuron_v_bias_casc_n"),
    ("i_bias_readout_amp", "neuron_i_bias_readout_amp"),
    ("i_bias_leak_source_follower", "neuron_i_bias_leak_source_follower"),
    ("i_bias_threshold_comparator", "neuron_i_bias_spike_comparator"),
    ("i_bias_synin_drop", "neuron_i_bias_synin_drop"),
)


class NeuronBlock(Aggregate):
    """All 512 AtomicNeurons, the backend blocks, current rows and the neurons' global biases.

    ``atomic_neurons[AtomicNeuronOnDLS]``; ``backends[CommonNeuronBackendConfigOnDLS]``;
    ``current_rows[ColumnCurrentRowOnDLS]``; the biases are typed arrays over
    ``CapMemBlockOnDLS`` (defaults as upstream).
    """

    coordinate_type = NeuronBlockOnDLS
    atomic_neurons = _NeuronArrayField(AtomicNeuronOnDLS, AtomicNeuron)
    backends = ItemArrayField(CommonNeuronBackendConfigOnDLS, CommonNeuronBackendConfig)
    current_rows = ItemArrayField(ColumnCurrentRowOnDLS, ColumnCurrentRow)
    v_bias_casc_n = _analog_values(250, "Cascode bias of the neurons' OTAs.")
    i_bias_readout_amp = _analog_values(110, "Bias of the neurons' readout amplifiers.")
    i_bias_leak_source_follower = _analog_values(
        100, "Bias of the leak/reset input drop source follower."
    )
    i_bias_threshold_comparator = _analog_values(200, "Bias of the threshold comparators.")
    i_bias_synin_drop = _analog_values(300, "Bias of the synaptic input drop source follower.")

    def _visit(self, coord: Any) -> Iterator[Slot]:
        values = self._values

        def store(table: Table) -> None:
            values["atomic_neurons"] = _NeuronArray(table)

        yield from neuron_slots(_all_neurons(), lambda: values["atomic_neurons"].table, store)
        yield array_slot(
            CommonNeuronBackendConfig,
            lambda: [CommonNeuronBackendConfigOnDLS(i) for i in range(2)],
            lambda: self.backends,
        )
        for i, row in enumerate(self.current_rows):
            yield from row._visit(ColumnCurrentRowOnDLS(i))
        yield cell_slot(self, _bias_cells())


@functools.cache
def _all_neurons() -> tuple[AtomicNeuronOnDLS, ...]:
    return tuple(AtomicNeuronOnDLS(e) for e in range(_N))


@functools.cache
def _bias_cells() -> list[tuple[Coordinate, str, int | None]]:
    return [
        (CapMemCellOnDLS(getattr(CapMemCellOnCapMemBlock, cell), CapMemBlockOnDLS(b)), name, b)
        for b in range(CapMemBlockOnDLS.size)
        for name, cell in _BIASES
    ]
