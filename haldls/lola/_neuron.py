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
import functools
from collections.abc import Iterator, Sequence
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from halco import (
    AtomicNeuronOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    CapMemRowOnCapMemBlock,
    NeuronBlockOnDLS,
)
from haldls._blocks import CapMemCell
from haldls._field import Field
from haldls._neuron import NeuronBackendConfig, NeuronConfig
from haldls._struct import Struct, StructField
from haldls.lola._base import Aggregate, AnalogValueVariant, ItemArrayField, Slot, analog

__all__ = ["AtomicNeuron", "NeuronBlock"]


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

    def _visit(self, coord: Any) -> Iterator[Slot]:
        yield from _neuron_slots([coord], lambda: [self], lambda ns: _assign(self, ns[0]))

    def asNeuronConfig(self) -> NeuronConfig:
        """Return the neuron's ``NeuronConfig``."""
        return NeuronConfig.from_columns(_nc_columns(_gather([self])))[0]

    def asNeuronBackendConfig(self) -> NeuronBackendConfig:
        """Return the neuron's ``NeuronBackendConfig``."""
        return NeuronBackendConfig.from_columns(_nbc_columns(_gather([self])))[0]


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


_raw_e = attrgetter("_e")


def _is_ranged(f: Field) -> bool:
    return f.typ is not bool and not isinstance(f.typ, enum.EnumMeta)


#: The ranged (not bool or enum) fields of each sub-struct: their raw value is ``._e``.
_RANGED = {
    sub: {name for name in names if _is_ranged(getattr(getattr(AtomicNeuron, sub).typ, name))}
    for sub, names in _PATHS.items()
}


def _gather(neurons: Sequence[AtomicNeuron]) -> Raw:
    """Return the raw value of every AtomicNeuron path over ``neurons``, as int64 columns."""
    out: Raw = {}
    n = len(neurons)
    for sub, names in _PATHS.items():
        structs = [a._values[sub]._values for a in neurons]
        for name in names:
            values = map(itemgetter(name), structs)
            if name in _RANGED[sub]:
                out[f"{sub}.{name}"] = np.fromiter(map(_raw_e, values), np.int64, n)
            else:  # bools and IntEnums are ints already
                out[f"{sub}.{name}"] = np.fromiter(values, np.int64, n)
    return out


def _nc_columns(raw: Raw) -> Raw:
    cols = {f: raw[p] for f, p in _NEURON_CONFIG.items()}
    analog_output = raw["event_routing.analog_output"]
    cols["enable_fire"] = (analog_output != 0).astype(np.int64)
    cols["enable_strong_fire"] = (analog_output == 2).astype(np.int64)
    return cols


def _nbc_columns(raw: Raw) -> Raw:
    cols = {f: raw[p] for f, p in _BACKEND_CONFIG.items()}
    operation = raw["bayesian.operation"]
    cols["enable_bayesian_0"] = operation & 1
    cols["enable_bayesian_1"] = operation >> 1
    return cols


def _scatter(nc: Raw, cells: npt.NDArray[np.int64], nbc: Raw) -> list[AtomicNeuron]:
    """Return AtomicNeurons from decoded NeuronConfig, CapMem (N x 24) and backend columns.

    Raises
    ------
    ContainerDecodeError
        If the fire bits hold strong fire without fire (no AtomicNeuron has that).
    """
    from haldls.errors import ContainerDecodeError

    raw: Raw = {p: nc[f] for f, p in _NEURON_CONFIG.items()}
    raw.update({p: nbc[f] for f, p in _BACKEND_CONFIG.items()})
    raw.update({p: cells[:, i] for i, (_, p) in enumerate(_CAPMEM)})
    if (nc["enable_strong_fire"] & ~nc["enable_fire"]).any():
        raise ContainerDecodeError("NeuronConfig sets enable_strong_fire without enable_fire")
    raw["event_routing.analog_output"] = nc["enable_fire"] + nc["enable_strong_fire"]
    raw["bayesian.operation"] = nbc["enable_bayesian_0"] | (nbc["enable_bayesian_1"] << 1)
    lists = {p: v.tolist() for p, v in raw.items()}
    kinds = {
        sub: [(name, getattr(type(AtomicNeuron()._values[sub]), name).kind) for name in names]
        for sub, names in _PATHS.items()
    }
    out = []
    for i in range(len(cells)):
        a = AtomicNeuron()
        for sub, fields in kinds.items():
            values = a._values[sub]._values
            for name, kind in fields:
                values[name] = kind.from_int(lists[f"{sub}.{name}"][i])
        out.append(a)
    return out


def _assign(target: AtomicNeuron, source: AtomicNeuron) -> None:
    target._values = source._values


def _neuron_slots(
    coords: Sequence[AtomicNeuronOnDLS],
    neurons: Any,
    store: Any,
) -> Iterator[Slot]:
    """Yield the three slots of ``neurons()`` at ``coords``; decoding calls ``store(list)``."""
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

    cache: dict[str, Raw] = {}

    def raw() -> Raw:
        if "raw" not in cache:
            cache["raw"] = _gather(neurons())
        return cache["raw"]

    def set_nc(cols: Raw) -> None:
        decoded["nc"] = cols

    def set_cells(cols: Raw) -> None:
        decoded["cells"] = cols["value"].reshape(n, len(_CAPMEM))

    def set_nbc(cols: Raw) -> None:
        store(_scatter(decoded["nc"], decoded["cells"], cols))

    yield Slot(
        NeuronConfig,
        n,
        lambda: [c.toNeuronConfigOnDLS() for c in coords],
        lambda: _nc_columns(raw()),
        set_nc,
    )
    yield Slot(
        CapMemCell,
        n * len(_CAPMEM),
        cells,
        lambda: {"value": np.stack([raw()[p] for _, p in _CAPMEM], axis=1).reshape(-1)},
        set_cells,
    )
    yield Slot(
        NeuronBackendConfig,
        n,
        lambda: [c.toNeuronBackendConfigOnDLS() for c in coords],
        lambda: _nbc_columns(raw()),
        set_nbc,
    )


@functools.cache
def _all_neurons() -> tuple[AtomicNeuronOnDLS, ...]:
    return tuple(AtomicNeuronOnDLS(e) for e in range(AtomicNeuronOnDLS.size))


class NeuronBlock(Aggregate):
    """All 512 AtomicNeurons (``atomic_neurons[AtomicNeuronOnDLS]``), encoded as numpy columns.

    The real stack's block also holds the backend block configs, current rows and global analog
    biases; here those follow with their containers (see the issue notes).
    """

    coordinate_type = NeuronBlockOnDLS
    atomic_neurons = ItemArrayField(AtomicNeuronOnDLS, AtomicNeuron)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        coords = _all_neurons()
        values = self._values

        def store(ns: list[AtomicNeuron]) -> None:
            self.atomic_neurons = ns

        yield from _neuron_slots(coords, lambda: list(values["atomic_neurons"]), store)
