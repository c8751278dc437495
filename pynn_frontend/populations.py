"""``Population``, ``PopulationView`` and ``Assembly`` on PyNN's common classes.

A population keeps its parameters as one array per native name. Its neurons take neuron
circuits when it is created, in creation order, from the placement order (``setup``'s
``neuronPermutation``, else circuits 0, 1, 2, ...); ``Population.circuits`` names them.
``initialize`` is accepted and does nothing: a neuron starts each run from its reset (as on the
real stack).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt
from pyNN import common, errors
from pyNN.parameters import ParameterSpace, simplify

import halco
from pynn_frontend import simulator
from pynn_frontend.cells import (
    SpikeSourcePoissonOnChip,
    atomic_neuron,
    field_path,
    flat_parameters,
)
from pynn_frontend.recording import Recorder

__all__ = ["Assembly", "Population", "PopulationView"]


def _state() -> simulator.State:
    if simulator.state is None:
        raise RuntimeError("call pynn.setup() first")
    return simulator.state


class Assembly(common.Assembly):
    """Several populations or views, as one."""

    _simulator = simulator


class _Parameters:
    """Native parameter access shared by populations and views (over ``parent`` storage)."""

    celltype: Any
    size: int

    def _storage(self) -> tuple[dict[str, npt.NDArray[Any]], Any]:
        raise NotImplementedError

    def _get_parameters(self, *names: str) -> ParameterSpace:
        native = self._get_native_parameters(*self.celltype.get_native_names(*names))
        return self.celltype.reverse_translate(native)

    def _get_native_parameters(self, *names: str) -> ParameterSpace:
        storage, mask = self._storage()
        return ParameterSpace(
            {name: simplify(storage[name][mask]) for name in names}, shape=(self.size,)
        )

    def _set_parameters(self, parameter_space: ParameterSpace) -> None:
        storage, mask = self._storage()
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            column = storage[name]
            try:
                column[mask] = np.asarray(value, dtype=column.dtype)
            except (TypeError, ValueError) as e:
                raise errors.InvalidParameterValueError(
                    f"{name}: {value!r} does not fit its type {column.dtype}"
                ) from e

    def _set_initial_value_array(self, variable: str, value: Any) -> None:
        """Nothing: a neuron starts each run from its reset (initial values are not set)."""

    def record(
        self,
        variables: Any,
        to_file: Any = None,
        sampling_interval: Any = None,
        locations: Any = None,
        *,
        device: str = "madc",
    ) -> None:
        """Record `variables` (``None``: stop all of the population's recording).

        Analog observables go through the MADC (``device="madc"``, the only device so far).

        Raises
        ------
        NotImplementedError
            For ``device="cadc"`` or a pad (``"pad_0"``, ``"pad_1_buffered"``, ...), not
            implemented yet, or a sampling interval.
        ValueError
            For another device, or a second analog observable of a neuron.
        """
        if device != "madc":
            if device == "cadc" or re.fullmatch(r"pad_[01](_buffered|_unbuffered)?", device):
                raise NotImplementedError(f'Recording device "{device}" is not implemented yet')
            raise ValueError(f'Device "{device}" is not supported (use "madc")')
        super().record(variables, to_file, sampling_interval, locations)  # type: ignore[misc]


class PopulationView(_Parameters, common.PopulationView):
    """Some neurons of a population (a slice, list, array or mask)."""

    _simulator = simulator
    _assembly_class = Assembly

    def _storage(self) -> tuple[dict[str, npt.NDArray[Any]], Any]:
        return self.grandparent._parameters, self.index_in_grandparent(np.arange(self.size))

    def _get_view(self, selector: Any, label: str | None = None) -> PopulationView:
        return PopulationView(self, selector, label)

    def initialize(self, **initial_values: Any) -> None:
        """Ignore initial values, as a population does."""


class Population(_Parameters, common.Population):
    """Neurons of one cell type on consecutive IDs, placed on neuron circuits."""

    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As PyNN's Population; within a session only.

        Raises
        ------
        RuntimeError
            Before ``setup()`` or after ``end()``.
        ValueError
            If too few neuron circuits are left for its neurons.
        """
        _state()
        super().__init__(*args, **kwargs)

    def _create_cells(self) -> None:
        state = _state()
        ids = np.arange(state.id_counter, state.id_counter + self.size)
        self.all_cells = np.array([simulator.ID(int(i)) for i in ids], dtype=simulator.ID)
        self._mask_local = np.ones(self.size, dtype=bool)
        space = self.celltype.native_parameters
        space.shape = (self.size,)
        space.evaluate(simplify=False)
        self._parameters = {k: np.array(v) for k, v in space.as_dict().items()}
        for cell in self.all_cells:
            cell.parent = self
        self.circuits = _place(state, self.size) if _is_neuron(self.celltype) else []
        chip = state.config.get("initial_config")
        if chip is not None and self.circuits:
            self._take_initial_config(chip)
        self.background_bus = -1
        if isinstance(self.celltype, SpikeSourcePoissonOnChip):
            self.background_bus = _background_bus(state, self.size)
        state.id_counter += self.size
        state.populations.append(self)

    def _storage(self) -> tuple[dict[str, npt.NDArray[Any]], Any]:
        return self._parameters, slice(None)

    def _get_view(self, selector: Any, label: str | None = None) -> PopulationView:
        return PopulationView(self, selector, label)

    @property
    def actual_hwparams(self) -> list[Any]:
        """The ``lola.AtomicNeuron`` of each neuron as it will be written, after PREPARE.

        Editable: the fields changed on these objects since PREPARE (or the last run) apply
        from the next run on; ``set()`` applies too, and to fields not changed here. The
        backend's own fields (event routing, readout) are set at each run.

        Built on first access (a Python object per neuron: not on the run's path).

        Raises
        ------
        AttributeError
            Before ``run(None, RunCommand.PREPARE)`` or a run.
        """
        if self._hwparams is None:
            if _state().mapping is None:
                raise AttributeError(
                    "actual_hwparams only available after pynn.run() call or "
                    "pynn.run(None, pynn.RunCommand.PREPARE)"
                )
            self._hw_base = {k: np.array(v, copy=True) for k, v in self._parameters.items()}
            self._hwparams = [
                atomic_neuron({k: v[i] for k, v in self._parameters.items()})
                for i in range(self.size)
            ]
        return self._hwparams

    _hwparams: list[Any] | None = None
    _hw_base: dict[str, npt.NDArray[Any]] | None = None

    def _take_hwparams(self) -> None:
        """Apply the edits of actual_hwparams since PREPARE to the parameters."""
        if self._hwparams is None or self._hw_base is None:
            return
        edited = [flat_parameters(n) for n in self._hwparams]
        for name, base in self._hw_base.items():
            now = np.array([e[name] for e in edited], dtype=base.dtype)
            changed = now != base
            self._parameters[name][changed] = now[changed]
        self._hw_base = {k: np.array(v, copy=True) for k, v in self._parameters.items()}

    def _take_initial_config(self, chip: Any) -> None:
        """Take the parameters the cell type was not given from `chip`'s neurons at the circuits.

        (The circuits are known at creation, so ``get``/``set`` see these values at once: the
        real backend's "Initial config not yet applied" error before PREPARE has no cause here.)
        """
        given = getattr(self.celltype, "given", None)
        neurons = chip.neuron_block.atomic_neurons
        enums = np.array([int(c.toEnum()) for c in self.circuits], np.int64)
        for name, column in self._parameters.items():
            if given is not None and name in given:
                continue
            values = neurons.get_field(field_path(name))[enums]
            self._parameters[name] = values.astype(column.dtype)


def _background_bus(state: simulator.State, n: int) -> int:
    """Take the next PADI bus of the background permutation for `n` on-chip sources.

    Raises
    ------
    ValueError
        For more than 64 sources, or a fifth population.
    """
    if n > 64:
        raise ValueError(f"SpikeSourcePoissonOnChip holds at most 64 sources, got {n}")
    order = state.config.get("backgroundPermutation") or [3, 2, 1, 0]
    if state.background_used >= len(order):
        raise ValueError(
            f"at most {len(order)} SpikeSourcePoissonOnChip populations (one per PADI bus "
            "index, both hemispheres)"
        )
    state.background_used += 1
    return int(order[state.background_used - 1])


def _is_neuron(celltype: Any) -> bool:
    return "spikes" in celltype.recordable and bool(celltype.receptor_types)


def _place(state: simulator.State, n: int) -> list[halco.AtomicNeuronOnDLS]:
    """Take the next `n` circuits of the placement order.

    Raises
    ------
    ValueError
        If fewer are left.
    """
    order = state.config.get("neuronPermutation") or range(halco.AtomicNeuronOnDLS.size)
    if state.placed + n > len(order):
        raise ValueError(
            f"Cannot register more than {len(order)} neuron circuits: {state.placed} are "
            f"placed, {n} more asked for"
        )
    taken = [halco.AtomicNeuronOnDLS(int(i)) for i in list(order)[state.placed : state.placed + n]]
    state.placed += n
    return taken
