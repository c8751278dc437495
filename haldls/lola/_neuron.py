"""``AtomicNeuron``: one neuron's named parameters, and ``NeuronBlock``: all 512 of them.

An AtomicNeuron maps onto its ``NeuronConfig``, the 24 ``CapMemCell``s of its CapMem column and
its ``NeuronBackendConfig`` (reference §3.1), written in that order, the cells in the real
stack's order. The mapping is one table (``_NEURON_CONFIG``, ``_BACKEND_CONFIG``, ``_CAPMEM``)
used in both directions and for many neurons at once (the block encodes 512 neurons as numpy
columns).

>>> import halco
>>> n = AtomicNeuron()
>>> n.leak.v_leak = 600
>>> n.event_routing.analog_output = AtomicNeuron.EventRouting.AnalogOutputMode.normal
>>> [type(c).__name__ for _, c in n.leaves(halco.AtomicNeuronOnDLS())][:2]
['NeuronConfig', 'CapMemCell']
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from halco import (
    AtomicNeuronOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    CapMemRowOnCapMemBlock,
)
from haldls._blocks import CapMemCell
from haldls._field import Field
from haldls._neuron import NeuronBackendConfig, NeuronConfig
from haldls._struct import Struct, StructField
from haldls.lola._base import Aggregate, AnalogValueVariant, Slot, analog
from haldls.lola._table import RowValues

__all__ = ["AtomicNeuron"]


def _analog() -> Field:
    return analog()


class _SynapticInput(Struct):
    """Excitatory or inhibitory synaptic input (an OTA integrating onto the membrane)."""

    enable = Field(bool)
    i_bias_tau = _analog()
    i_bias_coba = _analog()
    i_shift_reference = _analog()
    i_bias_gm = _analog()
    v_rev_coba = _analog()
    enable_small_capacitance = Field(bool, default=True)
    enable_high_resistance = Field(bool)
    enable_coba_mode = Field(bool)


class AtomicNeuron(Aggregate):
    """All parameters of one AdEx neuron circuit, grouped as on the real stack (reference §3.1).

    Analog values are ``CapMemCell.Value`` (0..1022) or ``CapMemCell.DisableRefresh``.
    """

    coordinate_type = AtomicNeuronOnDLS
    AnalogValueVariant = AnalogValueVariant

    class SynapticInput(_SynapticInput):
        """Excitatory or inhibitory synaptic input."""

    class Leak(Struct):
        """Leak conductance towards ``v_leak``."""

        v_leak = _analog()
        i_bias = _analog()
        enable_degeneration = Field(bool)
        enable_division = Field(bool)
        enable_multiplication = Field(bool)

    class Reset(Struct):
        """Reset conductance towards ``v_reset``."""

        v_reset = _analog()
        i_bias = _analog()
        enable_degeneration = Field(bool)
        enable_division = Field(bool)
        enable_multiplication = Field(bool)

    class Threshold(Struct):
        """Spike threshold comparator."""

        enable = Field(bool)
        v_threshold = _analog()

    class Multicompartment(Struct):
        """Switches joining compartments of neighbouring circuits."""

        connect_soma = Field(bool)
        connect_soma_right = Field(bool)
        connect_right = Field(bool)
        connect_vertical = Field(bool)
        enable_conductance = Field(bool)
        enable_conductance_division = Field(bool)
        enable_conductance_multiplication = Field(bool)
        i_bias_nmda = _analog()

    class ConstantCurrent(Struct):
        """Constant current onto the membrane."""

        class Type(enum.IntEnum):
            """Direction of the current."""

            source = 0
            sink = 1

        enable = Field(bool)
        i_offset = _analog()
        type = Field(Type)

    class MembraneCapacitance(Struct):
        """Membrane capacitor size."""

        capacitance = Field(NeuronConfig.MembraneCapacitorSize)

    class Adaptation(Struct):
        """Adaptation state variable (AdEx ``w``)."""

        enable = Field(bool)
        enable_pulse = Field(bool)
        invert_a = Field(bool)
        invert_b = Field(bool)
        v_ref = _analog()
        i_bias_tau = _analog()
        i_bias_a = _analog()
        i_bias_b = _analog()
        v_leak = _analog()

    class Exponential(Struct):
        """Exponential spike-initiation term."""

        enable = Field(bool)
        v_exp = _analog()
        i_bias = _analog()

    class EventRouting(Struct):
        """What a spike of the neuron does: analog fire line, digital event, bypasses."""

        class AnalogOutputMode(enum.IntEnum):
            """Fire-signal output."""

            off = 0
            normal = 1
            strong = 2

        Address = NeuronBackendConfig.AddressOut
        analog_output = Field(AnalogOutputMode)
        enable_digital = Field(bool)
        enable_bypass_excitatory = Field(bool)
        enable_bypass_inhibitory = Field(bool)
        address = Field(NeuronBackendConfig.AddressOut)
        enable_post_overwrite = Field(bool)

    class Readout(Struct):
        """Analog readout of the neuron."""

        Source = NeuronConfig.ReadoutSource
        enable_buffered_access = Field(bool)
        enable_amplifier = Field(bool)
        enable_unbuffered_access = Field(bool)
        source = Field(NeuronConfig.ReadoutSource)

    class RefractoryPeriod(Struct):
        """Refractory period and reset timing of the backend."""

        input_clock = Field(NeuronBackendConfig.InputClock)
        reset_holdoff = Field(NeuronBackendConfig.ResetHoldoff, default=15)  # as upstream
        refractory_time = Field(NeuronBackendConfig.RefractoryTime)
        enable_pause = Field(bool)

    class Bayesian(Struct):
        """Logic combining the fire signals of neighbours (Bayesian extension)."""

        class Operation(enum.IntEnum):
            """Combination of own and neighbour fire signal."""

            local = 0
            AND = 1
            XNOR = 2
            MULLER_C = 3

        to_post_pulse = Field(bool, default=True)
        operation = Field(Operation)
        connect_fire_vertical = Field(bool)
        connect_fire_to_right = Field(bool)
        connect_fire_from_right = Field(bool)
        enable_master = Field(bool)
        enable_slave = Field(bool)

    excitatory_input = StructField(SynapticInput)
    inhibitory_input = StructField(SynapticInput)
    leak = StructField(Leak)
    reset = StructField(Reset)
    threshold = StructField(Threshold)
    multicompartment = StructField(Multicompartment)
    constant_current = StructField(ConstantCurrent)
    membrane_capacitance = StructField(MembraneCapacitance)
    adaptation = StructField(Adaptation)
    exponential = StructField(Exponential)
    event_routing = StructField(EventRouting)
    readout = StructField(Readout)
    refractory_period = StructField(RefractoryPeriod)
    bayesian = StructField(Bayesian)

    def _fresh_values(self) -> _NeuronValues:
        return _NeuronValues(_DEFAULT_ROW.copy()[None, :], 0)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        assert isinstance(other, AtomicNeuron)
        return bool(np.array_equal(_row(self), _row(other)))

    def copy(self) -> AtomicNeuron:
        """Return an independent copy."""
        new = AtomicNeuron.__new__(AtomicNeuron)
        new._values = _NeuronValues(_row(self).copy()[None, :], 0)
        return new

    def _visit(self, coord: Any) -> Iterator[Slot]:
        values = self._values
        assert isinstance(values, _NeuronValues)

        def store(table: npt.NDArray[np.int64]) -> None:
            values.table[values.index] = table[0]

        yield from neuron_slots([coord], lambda: _row(self)[None, :], store)

    def asNeuronConfig(self) -> NeuronConfig:
        """Return the neuron's ``NeuronConfig``."""
        return NeuronConfig.from_columns(_nc_columns(_row(self)[None, :]))[0]

    def asNeuronBackendConfig(self) -> NeuronBackendConfig:
        """Return the neuron's ``NeuronBackendConfig``."""
        return NeuronBackendConfig.from_columns(_nbc_columns(_row(self)[None, :]))[0]


# -- the mapping table ---------------------------------------------------------------------------
#: NeuronConfig field <- AtomicNeuron path (direct copies).
_NEURON_CONFIG = {
    "enable_synaptic_input_excitatory": "excitatory_input.enable",
    "enable_synaptic_input_excitatory_small_capacitance": "excitatory_input.enable_small_capacitance",  # noqa: E501
    "enable_synaptic_input_excitatory_high_resistance": "excitatory_input.enable_high_resistance",
    "enable_synaptic_input_excitatory_coba_mode": "excitatory_input.enable_coba_mode",
    "enable_synaptic_input_inhibitory": "inhibitory_input.enable",
    "enable_synaptic_input_inhibitory_small_capacitance": "inhibitory_input.enable_small_capacitance",  # noqa: E501
    "enable_synaptic_input_inhibitory_high_resistance": "inhibitory_input.enable_high_resistance",
    "enable_synaptic_input_inhibitory_coba_mode": "inhibitory_input.enable_coba_mode",
    "enable_leak_degeneration": "leak.enable_degeneration",
    "enable_leak_division": "leak.enable_division",
    "enable_leak_multiplication": "leak.enable_multiplication",
    "enable_reset_degeneration": "reset.enable_degeneration",
    "enable_reset_division": "reset.enable_division",
    "enable_reset_multiplication": "reset.enable_multiplication",
    "enable_threshold_comparator": "threshold.enable",
    "connect_soma": "multicompartment.connect_soma",
    "connect_soma_right": "multicompartment.connect_soma_right",
    "connect_membrane_right": "multicompartment.connect_right",
    "connect_bottom": "multicompartment.connect_vertical",
    "enable_multicomp_conductance": "multicompartment.enable_conductance",
    "enable_divide_multicomp_conductance_bias": "multicompartment.enable_conductance_division",
    "enable_multiply_multicomp_conductance_bias": "multicompartment.enable_conductance_multiplication",  # noqa: E501
    "enable_membrane_offset": "constant_current.enable",
    "invert_membrane_offset": "constant_current.type",  # sink = 1
    "membrane_capacitor_size": "membrane_capacitance.capacitance",
    "enable_adaptation": "adaptation.enable",
    "invert_adaptation_a": "adaptation.invert_a",
    "invert_adaptation_b": "adaptation.invert_b",
    "enable_exponential": "exponential.enable",
    "enable_bypass_excitatory": "event_routing.enable_bypass_excitatory",
    "enable_bypass_inhibitory": "event_routing.enable_bypass_inhibitory",
    "enable_readout": "readout.enable_buffered_access",
    "enable_readout_amplifier": "readout.enable_amplifier",
    "enable_unbuffered_access": "readout.enable_unbuffered_access",
    "readout_source": "readout.source",
    "enable_pause": "refractory_period.enable_pause",
}
#: NeuronBackendConfig field <- AtomicNeuron path (direct copies).
_BACKEND_CONFIG = {
    "address_out": "event_routing.address",
    "enable_spike_out": "event_routing.enable_digital",
    "post_overwrite": "event_routing.enable_post_overwrite",
    "select_input_clock": "refractory_period.input_clock",
    "reset_holdoff": "refractory_period.reset_holdoff",
    "refractory_time": "refractory_period.refractory_time",
    "enable_adaptation_pulse": "adaptation.enable_pulse",
    "enable_bayesian_extension": "bayesian.to_post_pulse",
    "connect_fire_bottom": "bayesian.connect_fire_vertical",
    "connect_fire_to_right": "bayesian.connect_fire_to_right",
    "connect_fire_from_right": "bayesian.connect_fire_from_right",
    "enable_neuron_master": "bayesian.enable_master",
    "enable_neuron_slave": "bayesian.enable_slave",
}
R = CapMemRowOnCapMemBlock
#: CapMem cells in visit order: (row, AtomicNeuron path).
_CAPMEM = [
    (R.i_bias_synin_exc_tau, "excitatory_input.i_bias_tau"),
    (R.i_bias_synin_exc_coba, "excitatory_input.i_bias_coba"),
    (R.i_bias_synin_exc_shift, "excitatory_input.i_shift_reference"),
    (R.i_bias_synin_exc_gm, "excitatory_input.i_bias_gm"),
    (R.e_synin_exc_rev, "excitatory_input.v_rev_coba"),
    (R.i_bias_synin_inh_tau, "inhibitory_input.i_bias_tau"),
    (R.i_bias_synin_inh_coba, "inhibitory_input.i_bias_coba"),
    (R.i_bias_synin_inh_shift, "inhibitory_input.i_shift_reference"),
    (R.i_bias_synin_inh_gm, "inhibitory_input.i_bias_gm"),
    (R.e_synin_inh_rev, "inhibitory_input.v_rev_coba"),
    (R.v_leak, "leak.v_leak"),
    (R.i_bias_leak, "leak.i_bias"),
    (R.v_reset, "reset.v_reset"),
    (R.i_bias_reset, "reset.i_bias"),
    (R.v_threshold, "threshold.v_threshold"),
    (R.i_mem_offset, "constant_current.i_offset"),
    (R.v_adapt_leak, "adaptation.v_leak"),
    (R.i_bias_adapt_tau, "adaptation.i_bias_tau"),
    (R.i_bias_adapt_a, "adaptation.i_bias_a"),
    (R.i_bias_adapt_b, "adaptation.i_bias_b"),
    (R.v_adapt_ref, "adaptation.v_ref"),
    (R.v_exp, "exponential.v_exp"),
    (R.i_bias_exp, "exponential.i_bias"),
    (R.i_bias_nmda, "multicompartment.i_bias_nmda"),
]
#: Every AtomicNeuron path, by sub-struct: the table must cover each exactly once.
_PATHS: dict[str, list[str]] = {}
for _p in [
    *_NEURON_CONFIG.values(),
    *_BACKEND_CONFIG.values(),
    *(p for _, p in _CAPMEM),
    "event_routing.analog_output",
    "bayesian.operation",
]:
    _sub, _name = _p.split(".")
    _PATHS.setdefault(_sub, []).append(_name)

Raw = dict[str, npt.NDArray[np.int64]]
Table = npt.NDArray[np.int64]

# -- storage: one int64 row per neuron, one column per AtomicNeuron path ------------------------
#: The table columns: every AtomicNeuron path, sub-struct by sub-struct.
_COLUMNS = [f"{sub}.{name}" for sub, names in _PATHS.items() for name in names]
_COL = {path: j for j, path in enumerate(_COLUMNS)}
#: Sub-struct types of the AtomicNeuron fields (both synaptic inputs share one).
_SUB_TYPES: dict[str, type[Struct]] = {sub: getattr(AtomicNeuron, sub).typ for sub in _PATHS}
#: Per sub-struct: field name -> (table column, field kind).
_SUB_COLS = {
    sub: {name: (_COL[f"{sub}.{name}"], getattr(_SUB_TYPES[sub], name).kind) for name in names}
    for sub, names in _PATHS.items()
}
_DEFAULT_ROW = np.array(
    [int(_SUB_TYPES[p.split(".")[0]]()._values[p.split(".")[1]]) for p in _COLUMNS], np.int64
)
_DEFAULT_ROW.flags.writeable = False


class _NeuronValues(MutableMapping[str, Any]):
    """An AtomicNeuron's storage: sub-struct views over row ``index`` of ``table``.

    Standalone neurons own a one-row table; a NeuronBlock's neurons are rows of its table, so
    editing ``block.atomic_neurons[c].leak.v_leak`` edits the block.
    """

    __slots__ = ("index", "table")

    def __init__(self, table: Table, index: int) -> None:
        self.table, self.index = table, index

    def __getitem__(self, sub: str) -> Struct:
        view = _SUB_TYPES[sub].__new__(_SUB_TYPES[sub])
        view._values = RowValues(self.table, self.index, _SUB_COLS[sub])
        return view

    def __setitem__(self, sub: str, struct: Struct) -> None:
        values, row = struct._values, self.table[self.index]
        for name, (j, _) in _SUB_COLS[sub].items():
            row[j] = int(values[name])

    def __delitem__(self, sub: str) -> None:
        raise TypeError("AtomicNeuron sub-structs cannot be deleted")

    def __iter__(self) -> Iterator[str]:
        return iter(_PATHS)

    def __len__(self) -> int:
        return len(_PATHS)


def _row(neuron: AtomicNeuron) -> Table:
    values = neuron._values
    assert isinstance(values, _NeuronValues)
    return values.table[values.index]


def neuron_view(table: Table, index: int) -> AtomicNeuron:
    """Return the AtomicNeuron stored in row ``index`` of a neuron table (a live view)."""
    neuron = AtomicNeuron.__new__(AtomicNeuron)
    neuron._values = _NeuronValues(table, index)
    return neuron


def neuron_row(value: Any, owner: str) -> Table:
    """Return the table row of an AtomicNeuron or of a dict of its fields.

    Raises
    ------
    TypeError
        If ``value`` is neither.
    """
    if isinstance(value, AtomicNeuron):
        return _row(value)
    if isinstance(value, dict):
        return _row(AtomicNeuron(**value))
    raise TypeError(f"{owner} entries must be AtomicNeuron or a dict of its fields")


def field_column(path: str) -> tuple[int, Any]:
    """Return the table column and the field kind of AtomicNeuron field ``path`` ("leak.v_leak").

    Raises
    ------
    KeyError
        If ``path`` names no AtomicNeuron field.
    """
    sub, _, name = path.partition(".")
    try:
        return _SUB_COLS[sub][name]
    except KeyError:
        raise KeyError(f"{path!r} is no AtomicNeuron field (as 'leak.v_leak')") from None


def default_table(n: int) -> Table:
    """Return the table of ``n`` default neurons."""
    return np.tile(_DEFAULT_ROW, (n, 1))


# -- encoding: table columns <-> NeuronConfig, CapMem cells, NeuronBackendConfig ---------------
_CAPMEM_COLS = np.array([_COL[p] for _, p in _CAPMEM], np.intp)


def _nc_columns(table: Table) -> Raw:
    cols = {f: table[:, _COL[p]] for f, p in _NEURON_CONFIG.items()}
    analog_output = table[:, _COL["event_routing.analog_output"]]
    cols["enable_fire"] = (analog_output != 0).astype(np.int64)
    cols["enable_strong_fire"] = (analog_output == 2).astype(np.int64)
    return cols


def _nbc_columns(table: Table) -> Raw:
    cols = {f: table[:, _COL[p]] for f, p in _BACKEND_CONFIG.items()}
    operation = table[:, _COL["bayesian.operation"]]
    cols["enable_bayesian_0"] = operation & 1
    cols["enable_bayesian_1"] = operation >> 1
    return cols


def _table(nc: Raw, cells: Table, nbc: Raw) -> Table:
    """Return the neuron table of decoded NeuronConfig, CapMem (N x 24) and backend columns.

    Raises
    ------
    ContainerDecodeError
        If the fire bits hold strong fire without fire (no AtomicNeuron has that).
    """
    from haldls.errors import ContainerDecodeError

    if (nc["enable_strong_fire"] & ~nc["enable_fire"]).any():
        raise ContainerDecodeError("NeuronConfig sets enable_strong_fire without enable_fire")
    table = np.empty((len(cells), len(_COLUMNS)), np.int64)
    for f, p in _NEURON_CONFIG.items():
        table[:, _COL[p]] = nc[f]
    for f, p in _BACKEND_CONFIG.items():
        table[:, _COL[p]] = nbc[f]
    table[:, _CAPMEM_COLS] = cells
    table[:, _COL["event_routing.analog_output"]] = nc["enable_fire"] + nc["enable_strong_fire"]
    operation = nbc["enable_bayesian_0"] | (nbc["enable_bayesian_1"] << 1)
    table[:, _COL["bayesian.operation"]] = operation
    return table


def neuron_slots(
    coords: Sequence[AtomicNeuronOnDLS],
    table: Callable[[], Table],
    store: Callable[[Table], None],
) -> Iterator[Slot]:
    """Yield the three slots of the neurons in ``table()`` at ``coords``.

    Decoding calls ``store`` with the decoded table.
    """
    n = len(coords)
    decoded: dict[str, Any] = {}

    def cells() -> list[CapMemCellOnDLS]:
        return [
            CapMemCellOnDLS(
                CapMemCellOnCapMemBlock(c.toCapMemColumnOnCapMemBlock(), row),
                c.toCapMemBlockOnDLS(),
            )
            for c in coords
            for row, _ in _CAPMEM
        ]

    def set_cells(cols: Raw) -> None:
        decoded["cells"] = cols["value"].reshape(n, len(_CAPMEM))

    def set_nbc(cols: Raw) -> None:
        store(_table(decoded["nc"], decoded["cells"], cols))

    yield Slot(
        NeuronConfig,
        n,
        lambda: [c.toNeuronConfigOnDLS() for c in coords],
        lambda: _nc_columns(table()),
        lambda cols: decoded.__setitem__("nc", cols),
    )
    yield Slot(
        CapMemCell,
        n * len(_CAPMEM),
        cells,
        lambda: {"value": table()[:, _CAPMEM_COLS].reshape(-1)},
        set_cells,
    )
    yield Slot(
        NeuronBackendConfig,
        n,
        lambda: [c.toNeuronBackendConfigOnDLS() for c in coords],
        lambda: _nbc_columns(table()),
        set_nbc,
    )
