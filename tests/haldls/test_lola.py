"""lola aggregates: the AtomicNeuron field table and mapping, NeuronBlock, SynapseMatrix/Row.

The expected field names, CapMem rows and register mappings are written out by hand from the
reference (bss2-lowlevel.md §1.6, §3.1, §3.2), not taken from the code under test.
"""

from __future__ import annotations

import enum
import pickle
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import halco
import haldls
from halco import (
    AtomicNeuronOnDLS,
    CapMemCellOnCapMemBlock,
    CapMemCellOnDLS,
    CapMemRowOnCapMemBlock,
    NeuronBlockOnDLS,
    SynapseOnSynapseRow,
    SynapseQuadOnDLS,
    SynapseQuadOnSynram,
    SynapseRowOnDLS,
    SynapseRowOnSynram,
    SynramOnDLS,
)
from halco.errors import CoordinateRangeError, CoordinateTypeError
from haldls import (
    CapMemCell,
    ColumnCurrentQuad,
    CommonNeuronBackendConfig,
    NeuronBackendConfig,
    NeuronConfig,
    SynapseQuad,
)
from haldls._field import Field
from haldls._struct import Struct
from haldls.errors import ContainerDecodeError
from haldls.lola import AtomicNeuron, NeuronBlock, SynapseMatrix, SynapseRow

# -- the reference tables, by hand ---------------------------------------------------------------
SYNAPTIC_INPUT = (
    "enable",
    "i_bias_tau",
    "i_bias_coba",
    "i_shift_reference",
    "i_bias_gm",
    "v_rev_coba",
    "enable_small_capacitance",
    "enable_high_resistance",
    "enable_coba_mode",
)
#: Sub-struct -> field names (reference §3.1), in table order.
FIELDS: dict[str, tuple[str, ...]] = {
    "excitatory_input": SYNAPTIC_INPUT,
    "inhibitory_input": SYNAPTIC_INPUT,
    "leak": ("v_leak", "i_bias", "enable_degeneration", "enable_division", "enable_multiplication"),
    "reset": (
        "v_reset",
        "i_bias",
        "enable_degeneration",
        "enable_division",
        "enable_multiplication",
    ),
    "threshold": ("enable", "v_threshold"),
    "multicompartment": (
        "connect_soma",
        "connect_soma_right",
        "connect_right",
        "connect_vertical",
        "enable_conductance",
        "enable_conductance_division",
        "enable_conductance_multiplication",
        "i_bias_nmda",
    ),
    "constant_current": ("enable", "i_offset", "type"),
    "membrane_capacitance": ("capacitance",),
    "adaptation": (
        "enable",
        "enable_pulse",
        "invert_a",
        "invert_b",
        "v_ref",
        "i_bias_tau",
        "i_bias_a",
        "i_bias_b",
        "v_leak",
    ),
    "exponential": ("enable", "v_exp", "i_bias"),
    "event_routing": (
        "analog_output",
        "enable_digital",
        "enable_bypass_excitatory",
        "enable_bypass_inhibitory",
        "address",
        "enable_post_overwrite",
    ),
    "readout": ("enable_buffered_access", "enable_amplifier", "enable_unbuffered_access", "source"),
    "refractory_period": ("input_clock", "reset_holdoff", "refractory_time", "enable_pause"),
    "bayesian": (
        "to_post_pulse",
        "operation",
        "connect_fire_vertical",
        "connect_fire_to_right",
        "connect_fire_from_right",
        "enable_master",
        "enable_slave",
    ),
}
#: CapMem row names and indices (reference §1.6).
ROW_INDEX = {
    "v_leak": 0,
    "v_reset": 1,
    "v_threshold": 2,
    "e_synin_exc_rev": 3,
    "e_synin_inh_rev": 4,
    "v_adapt_leak": 5,
    "v_exp": 6,
    "v_adapt_ref": 7,
    "i_bias_leak": 8,
    "i_bias_reset": 9,
    "i_bias_synin_exc_tau": 10,
    "i_bias_synin_exc_coba": 11,
    "i_bias_synin_exc_shift": 12,
    "i_bias_synin_exc_gm": 13,
    "i_bias_synin_inh_tau": 14,
    "i_bias_synin_inh_coba": 15,
    "i_bias_synin_inh_shift": 16,
    "i_bias_synin_inh_gm": 17,
    "i_bias_adapt_tau": 18,
    "i_bias_adapt_a": 19,
    "i_bias_adapt_b": 20,
    "i_bias_exp": 21,
    "i_mem_offset": 22,
    "i_bias_nmda": 23,
}
#: Analog field -> CapMem row (reference §3.1).
ANALOG_ROWS = {
    "excitatory_input.i_bias_tau": 10,
    "excitatory_input.i_bias_coba": 11,
    "excitatory_input.i_shift_reference": 12,
    "excitatory_input.i_bias_gm": 13,
    "excitatory_input.v_rev_coba": 3,
    "inhibitory_input.i_bias_tau": 14,
    "inhibitory_input.i_bias_coba": 15,
    "inhibitory_input.i_shift_reference": 16,
    "inhibitory_input.i_bias_gm": 17,
    "inhibitory_input.v_rev_coba": 4,
    "leak.v_leak": 0,
    "leak.i_bias": 8,
    "reset.v_reset": 1,
    "reset.i_bias": 9,
    "threshold.v_threshold": 2,
    "multicompartment.i_bias_nmda": 23,
    "constant_current.i_offset": 22,
    "adaptation.v_ref": 7,
    "adaptation.i_bias_tau": 18,
    "adaptation.i_bias_a": 19,
    "adaptation.i_bias_b": 20,
    "adaptation.v_leak": 5,
    "exponential.v_exp": 6,
    "exponential.i_bias": 21,
}
#: The real stack's visit order of the 24 cells (upstream lola neuron.tcc).
CELL_ORDER = [
    ROW_INDEX[name]
    for name in (
        "i_bias_synin_exc_tau",
        "i_bias_synin_exc_coba",
        "i_bias_synin_exc_shift",
        "i_bias_synin_exc_gm",
        "e_synin_exc_rev",
        "i_bias_synin_inh_tau",
        "i_bias_synin_inh_coba",
        "i_bias_synin_inh_shift",
        "i_bias_synin_inh_gm",
        "e_synin_inh_rev",
        "v_leak",
        "i_bias_leak",
        "v_reset",
        "i_bias_reset",
        "v_threshold",
        "i_mem_offset",
        "v_adapt_leak",
        "i_bias_adapt_tau",
        "i_bias_adapt_a",
        "i_bias_adapt_b",
        "v_adapt_ref",
        "v_exp",
        "i_bias_exp",
        "i_bias_nmda",
    )
]
#: Boolean AtomicNeuron field -> NeuronConfig field.
NC_SWITCHES = {
    "excitatory_input.enable": "enable_synaptic_input_excitatory",
    "excitatory_input.enable_small_capacitance": (
        "enable_synaptic_input_excitatory_small_capacitance"
    ),
    "excitatory_input.enable_high_resistance": "enable_synaptic_input_excitatory_high_resistance",
    "excitatory_input.enable_coba_mode": "enable_synaptic_input_excitatory_coba_mode",
    "inhibitory_input.enable": "enable_synaptic_input_inhibitory",
    "inhibitory_input.enable_small_capacitance": (
        "enable_synaptic_input_inhibitory_small_capacitance"
    ),
    "inhibitory_input.enable_high_resistance": "enable_synaptic_input_inhibitory_high_resistance",
    "inhibitory_input.enable_coba_mode": "enable_synaptic_input_inhibitory_coba_mode",
    "leak.enable_degeneration": "enable_leak_degeneration",
    "leak.enable_division": "enable_leak_division",
    "leak.enable_multiplication": "enable_leak_multiplication",
    "reset.enable_degeneration": "enable_reset_degeneration",
    "reset.enable_division": "enable_reset_division",
    "reset.enable_multiplication": "enable_reset_multiplication",
    "threshold.enable": "enable_threshold_comparator",
    "multicompartment.connect_soma": "connect_soma",
    "multicompartment.connect_soma_right": "connect_soma_right",
    "multicompartment.connect_right": "connect_membrane_right",
    "multicompartment.connect_vertical": "connect_bottom",
    "multicompartment.enable_conductance": "enable_multicomp_conductance",
    "multicompartment.enable_conductance_division": "enable_divide_multicomp_conductance_bias",
    "multicompartment.enable_conductance_multiplication": (
        "enable_multiply_multicomp_conductance_bias"
    ),
    "constant_current.enable": "enable_membrane_offset",
    "adaptation.enable": "enable_adaptation",
    "adaptation.invert_a": "invert_adaptation_a",
    "adaptation.invert_b": "invert_adaptation_b",
    "exponential.enable": "enable_exponential",
    "event_routing.enable_bypass_excitatory": "enable_bypass_excitatory",
    "event_routing.enable_bypass_inhibitory": "enable_bypass_inhibitory",
    "readout.enable_buffered_access": "enable_readout",
    "readout.enable_amplifier": "enable_readout_amplifier",
    "readout.enable_unbuffered_access": "enable_unbuffered_access",
    "refractory_period.enable_pause": "enable_pause",
}
#: Boolean AtomicNeuron field -> NeuronBackendConfig field.
NBC_SWITCHES = {
    "adaptation.enable_pulse": "enable_adaptation_pulse",
    "event_routing.enable_digital": "enable_spike_out",
    "event_routing.enable_post_overwrite": "post_overwrite",
    "bayesian.to_post_pulse": "enable_bayesian_extension",
    "bayesian.connect_fire_vertical": "connect_fire_bottom",
    "bayesian.connect_fire_to_right": "connect_fire_to_right",
    "bayesian.connect_fire_from_right": "connect_fire_from_right",
    "bayesian.enable_master": "enable_neuron_master",
    "bayesian.enable_slave": "enable_neuron_slave",
}
#: Fields that default to True on the real stack (everything else is off / 0).
TRUE_BY_DEFAULT = {
    "excitatory_input.enable_small_capacitance",
    "inhibitory_input.enable_small_capacitance",
    "bayesian.to_post_pulse",
}
NEURON_ENUMS = [0, 1, 255, 256, 511]
N_CELLS = 24
NC_WORDS, NBC_WORDS = 6, 4
NEURON_WORDS = NC_WORDS + N_CELLS + NBC_WORDS  # 34
N_NEURONS = 512


def get_path(n: AtomicNeuron, path: str) -> Any:
    sub, name = path.split(".")
    return getattr(getattr(n, sub), name)


def set_path(n: AtomicNeuron, path: str, value: Any) -> None:
    sub, name = path.split(".")
    setattr(getattr(n, sub), name, value)


def cell_coord(coord: AtomicNeuronOnDLS, row: int) -> CapMemCellOnDLS:
    return CapMemCellOnDLS(
        CapMemCellOnCapMemBlock(coord.toCapMemColumnOnCapMemBlock(), CapMemRowOnCapMemBlock(row)),
        coord.toCapMemBlockOnDLS(),
    )


def cell_address(coord: AtomicNeuronOnDLS, row: int) -> int:
    (a,) = CapMemCell.addresses(cell_coord(coord, row))
    return int(a)


def ints(values: Any) -> list[int]:
    return [int(v) for v in values]


def split_leaves(
    n: AtomicNeuron, coord: AtomicNeuronOnDLS | None = None
) -> tuple[NeuronConfig, dict[int, int], NeuronBackendConfig]:
    """Return the neuron's NeuronConfig, {CapMem row: value} and NeuronBackendConfig leaves."""
    leaves = list(n.leaves(coord))
    types = [type(c) for _, c in leaves]
    assert types == [NeuronConfig] + [CapMemCell] * N_CELLS + [NeuronBackendConfig]
    nc, nbc = leaves[0][1], leaves[-1][1]
    assert isinstance(nc, NeuronConfig) and isinstance(nbc, NeuronBackendConfig)
    cells: dict[int, int] = {}
    for c, cell in leaves[1:-1]:
        assert isinstance(c, CapMemCellOnDLS) and isinstance(cell, CapMemCell)
        on_block: Any = c
        cells[int(on_block.toCapMemCellOnCapMemBlock().y())] = int(cell.value)
    return nc, cells, nbc


# -- strategies built from the Field descriptors -------------------------------------------------
def value_strategy(f: Field) -> st.SearchStrategy[Any]:
    typ = f.typ
    if typ is bool:
        return st.booleans()
    if isinstance(typ, tuple):  # the analog variant: Value 0..1022 or DisableRefresh 1023
        return st.integers(min(t.min for t in typ), max(t.max for t in typ))
    if isinstance(typ, enum.EnumMeta):
        return st.sampled_from(list(typ))
    return st.integers(typ.min, typ.max)


def struct_strategy(cls: type[Struct]) -> st.SearchStrategy[Struct]:
    return st.fixed_dictionaries({f.name: value_strategy(f) for f in cls._fields}).map(
        lambda kw: cls(**kw)
    )


atomic_neurons: st.SearchStrategy[AtomicNeuron] = st.fixed_dictionaries(
    {f.name: struct_strategy(f.typ) for f in AtomicNeuron._fields}
).map(lambda kw: AtomicNeuron(**kw))


# -- 1. field table and defaults -----------------------------------------------------------------
def test_sub_struct_and_field_names_follow_the_reference() -> None:
    assert AtomicNeuron.field_names() == tuple(FIELDS)
    for sub, names in FIELDS.items():
        cls = getattr(AtomicNeuron, sub).typ
        assert cls.field_names() == names, sub
        assert type(getattr(AtomicNeuron(), sub)) is cls
    assert AtomicNeuron.excitatory_input.typ is AtomicNeuron.inhibitory_input.typ
    assert set(ANALOG_ROWS) | set(NC_SWITCHES) | set(NBC_SWITCHES) | {
        "constant_current.type",
        "membrane_capacitance.capacitance",
        "event_routing.analog_output",
        "event_routing.address",
        "readout.source",
        "refractory_period.input_clock",
        "refractory_period.reset_holdoff",
        "refractory_period.refractory_time",
        "bayesian.operation",
    } == {f"{sub}.{name}" for sub, names in FIELDS.items() for name in names}
    assert sorted(ANALOG_ROWS.values()) == list(range(N_CELLS))
    assert sorted(CELL_ORDER) == list(range(N_CELLS))
    for name, row in ROW_INDEX.items():
        assert int(getattr(CapMemRowOnCapMemBlock, name)) == row


def test_field_types_and_ranges() -> None:
    analog = (CapMemCell.Value, CapMemCell.DisableRefresh)
    for path in ANALOG_ROWS:
        sub, name = path.split(".")
        assert getattr(getattr(AtomicNeuron, sub).typ, name).typ == analog, path
    assert AtomicNeuron.AnalogValueVariant == analog
    for path in [*NC_SWITCHES, *NBC_SWITCHES]:
        sub, name = path.split(".")
        assert getattr(getattr(AtomicNeuron, sub).typ, name).typ is bool, path

    def members(e: type[enum.IntEnum]) -> dict[str, int]:
        return {m.name: int(m) for m in e}

    assert members(AtomicNeuron.ConstantCurrent.Type) == {"source": 0, "sink": 1}
    assert members(AtomicNeuron.EventRouting.AnalogOutputMode) == {
        "off": 0,
        "normal": 1,
        "strong": 2,
    }
    assert members(AtomicNeuron.Readout.Source) == {
        "membrane": 0,
        "exc_synin": 1,
        "inh_synin": 2,
        "adaptation": 3,
    }
    assert members(AtomicNeuron.Bayesian.Operation) == {
        "local": 0,
        "AND": 1,
        "XNOR": 2,
        "MULLER_C": 3,
    }
    ranged = {
        "membrane_capacitance.capacitance": 63,
        "event_routing.address": 255,
        "refractory_period.input_clock": 1,
        "refractory_period.reset_holdoff": 15,
        "refractory_period.refractory_time": 255,
    }
    for path, top in ranged.items():
        sub, name = path.split(".")
        typ = getattr(getattr(AtomicNeuron, sub).typ, name).typ
        assert (typ.min, typ.max) == (0, top), path


def test_defaults_are_the_real_stacks() -> None:
    n = AtomicNeuron()
    for sub, names in FIELDS.items():
        for name in names:
            path = f"{sub}.{name}"
            value = get_path(n, path)
            if path == "refractory_period.reset_holdoff":
                continue  # see test_reset_holdoff_default_is_upstreams
            if path in TRUE_BY_DEFAULT:
                assert value is True, path
            elif isinstance(value, bool):
                assert value is False, path
            else:
                assert int(value) == 0, path
    for path in ANALOG_ROWS:
        assert type(get_path(n, path)) is CapMemCell.Value, path
    assert n.constant_current.type is AtomicNeuron.ConstantCurrent.Type.source
    assert n.event_routing.analog_output is AtomicNeuron.EventRouting.AnalogOutputMode.off
    assert n.readout.source is AtomicNeuron.Readout.Source.membrane
    assert n.bayesian.operation is AtomicNeuron.Bayesian.Operation.local
    assert n.asNeuronConfig() == NeuronConfig(
        enable_synaptic_input_excitatory_small_capacitance=True,
        enable_synaptic_input_inhibitory_small_capacitance=True,
    )
    nbc = n.asNeuronBackendConfig()
    assert nbc.enable_bayesian_extension is True
    assert not nbc.enable_bayesian_0 and not nbc.enable_bayesian_1
    assert AtomicNeuron() == AtomicNeuron()


def test_reset_holdoff_default_is_upstreams() -> None:
    n = AtomicNeuron()
    assert int(n.refractory_period.reset_holdoff) == 15
    # upstream, a default AtomicNeuron's backend config is the default NeuronBackendConfig
    assert n.asNeuronBackendConfig() == NeuronBackendConfig()


# -- 2. addresses --------------------------------------------------------------------------------
@pytest.mark.parametrize("e", NEURON_ENUMS)
def test_atomic_neuron_addresses(e: int) -> None:
    coord = AtomicNeuronOnDLS(e)
    array = AtomicNeuron.address_array(coord)
    assert array.dtype == np.uint32
    addresses = ints(array)
    assert len(addresses) == NEURON_WORDS == len(set(addresses))
    assert addresses[:NC_WORDS] == ints(NeuronConfig.addresses(coord.toNeuronConfigOnDLS()))
    cells = addresses[NC_WORDS : NC_WORDS + N_CELLS]
    assert set(cells) == {cell_address(coord, r) for r in range(N_CELLS)}
    assert cells == [cell_address(coord, r) for r in CELL_ORDER]  # the real stack's order
    assert addresses[NC_WORDS + N_CELLS :] == ints(
        NeuronBackendConfig.addresses(coord.toNeuronBackendConfigOnDLS())
    )
    # the leaves agree: same coordinates, same order
    leaf_addresses = [
        int(a) for c, leaf in AtomicNeuron().leaves(coord) for a in type(leaf).addresses(c)
    ]
    assert leaf_addresses == addresses
    # an int coordinate is its enum; the cached array cannot be modified
    assert ints(AtomicNeuron.address_array(e)) == addresses
    with pytest.raises(ValueError):
        array[0] = 0


def test_atomic_neuron_default_coordinate_is_enum_0() -> None:
    assert ints(AtomicNeuron.address_array()) == ints(AtomicNeuron.address_array(0))


def test_all_neurons_have_disjoint_addresses() -> None:
    seen: set[int] = set()
    for e in range(N_NEURONS):
        seen.update(ints(AtomicNeuron.address_array(AtomicNeuronOnDLS(e))))
    assert len(seen) == N_NEURONS * NEURON_WORDS
    assert set(ints(NeuronBlock.address_array()[: N_NEURONS * NEURON_WORDS])) == seen


# -- 3. semantic mapping -------------------------------------------------------------------------
@pytest.mark.parametrize("e", [0, 300])
def test_analog_values_land_in_their_capmem_rows(e: int) -> None:
    coord = AtomicNeuronOnDLS(e)
    n = AtomicNeuron()
    for path, row in ANALOG_ROWS.items():
        set_path(n, path, 100 + 37 * row)  # distinct values
    _, cells, _ = split_leaves(n, coord)
    assert cells == {row: 100 + 37 * row for row in range(N_CELLS)}
    words = n.encode_array(coord)
    addresses = ints(AtomicNeuron.address_array(coord))
    for path, row in ANALOG_ROWS.items():
        assert words[addresses.index(cell_address(coord, row))] == 100 + 37 * row, path


def test_leak_v_leak_and_disable_refresh() -> None:
    n = AtomicNeuron()
    n.leak.v_leak = 600
    _, cells, _ = split_leaves(n)
    assert cells[int(CapMemRowOnCapMemBlock.v_leak)] == 600
    assert sum(cells.values()) == 600
    n.leak.v_leak = CapMemCell.DisableRefresh()
    assert split_leaves(n)[1][0] == 1023
    n.leak.v_leak = 1023  # an int 1023 is DisableRefresh
    assert type(n.leak.v_leak) is CapMemCell.DisableRefresh
    n.leak.v_leak = 1022
    assert type(n.leak.v_leak) is CapMemCell.Value


@pytest.mark.parametrize("path", sorted(NC_SWITCHES))
def test_neuron_config_switches(path: str) -> None:
    n = AtomicNeuron()
    base_nc, base_nbc = n.asNeuronConfig(), n.asNeuronBackendConfig()
    value = path not in TRUE_BY_DEFAULT
    set_path(n, path, value)
    expected = base_nc.copy()
    setattr(expected, NC_SWITCHES[path], value)
    assert expected != base_nc
    nc, cells, nbc = split_leaves(n)
    assert nc == n.asNeuronConfig() == expected
    assert nbc == n.asNeuronBackendConfig() == base_nbc
    assert set(cells.values()) == {0}


@pytest.mark.parametrize("path", sorted(NBC_SWITCHES))
def test_backend_config_switches(path: str) -> None:
    n = AtomicNeuron()
    base_nc, base_nbc = n.asNeuronConfig(), n.asNeuronBackendConfig()
    value = path not in TRUE_BY_DEFAULT
    set_path(n, path, value)
    expected = base_nbc.copy()
    setattr(expected, NBC_SWITCHES[path], value)
    assert expected != base_nbc
    nc, _, nbc = split_leaves(n)
    assert nbc == n.asNeuronBackendConfig() == expected
    assert nc == n.asNeuronConfig() == base_nc


@pytest.mark.parametrize(
    ("mode", "fire", "strong"),
    [("off", False, False), ("normal", True, False), ("strong", True, True)],
)
def test_analog_output(mode: str, fire: bool, strong: bool) -> None:
    n = AtomicNeuron()
    n.event_routing.analog_output = AtomicNeuron.EventRouting.AnalogOutputMode[mode]
    nc, _, _ = split_leaves(n)
    assert (nc.enable_fire, nc.enable_strong_fire) == (fire, strong)
    assert nc == n.asNeuronConfig()
    assert AtomicNeuron.decode_array(n.encode_array()) == n


@pytest.mark.parametrize(
    ("operation", "bits"),
    [("local", (0, 0)), ("AND", (1, 0)), ("XNOR", (0, 1)), ("MULLER_C", (1, 1))],
)
def test_bayesian_operation(operation: str, bits: tuple[int, int]) -> None:
    n = AtomicNeuron()
    n.bayesian.operation = AtomicNeuron.Bayesian.Operation[operation]
    _, _, nbc = split_leaves(n)
    assert (int(nbc.enable_bayesian_0), int(nbc.enable_bayesian_1)) == bits
    assert nbc == n.asNeuronBackendConfig()
    assert AtomicNeuron.decode_array(n.encode_array()) == n


def test_enum_and_ranged_fields() -> None:
    n = AtomicNeuron()
    n.constant_current.type = AtomicNeuron.ConstantCurrent.Type.sink
    n.membrane_capacitance.capacitance = 63
    n.readout.source = AtomicNeuron.Readout.Source.adaptation
    n.event_routing.address = 200
    n.refractory_period.input_clock = 1
    n.refractory_period.reset_holdoff = 7
    n.refractory_period.refractory_time = 201
    nc, _, nbc = split_leaves(n, AtomicNeuronOnDLS(77))
    assert nc.invert_membrane_offset is True
    assert not nc.enable_membrane_offset
    assert int(nc.membrane_capacitor_size) == 63
    assert nc.readout_source == NeuronConfig.ReadoutSource.adaptation
    assert int(nbc.address_out) == 200
    assert int(nbc.select_input_clock) == 1
    assert int(nbc.reset_holdoff) == 7
    assert int(nbc.refractory_time) == 201
    assert nc == n.asNeuronConfig() and nbc == n.asNeuronBackendConfig()
    n.constant_current.type = AtomicNeuron.ConstantCurrent.Type.source
    assert n.asNeuronConfig().invert_membrane_offset is False


# -- 4. round trips ------------------------------------------------------------------------------
@settings(max_examples=40)
@given(n=atomic_neurons, e=st.integers(0, N_NEURONS - 1))
def test_atomic_neuron_round_trips(n: AtomicNeuron, e: int) -> None:
    coord = AtomicNeuronOnDLS(e)
    words = n.encode_array(coord)
    assert words.dtype == np.uint32 and words.shape == (NEURON_WORDS,)
    back = AtomicNeuron.decode_array(words, coord)
    assert back == n
    assert back.to_dict() == n.to_dict()
    for path in ANALOG_ROWS:  # DisableRefresh stays DisableRefresh
        assert type(get_path(back, path)) is type(get_path(n, path))
    assert AtomicNeuron.decode_array(words.tolist(), coord) == n
    assert pickle.loads(pickle.dumps(n)) == n
    assert eval(repr(n), {"AtomicNeuron": AtomicNeuron}) == n
    # the leaves hold the same words at the same addresses
    leaves = list(n.leaves(coord))
    assert [w for _, c in leaves for w in c.encode_words()] == words.tolist()
    assert leaves[0][1] == n.asNeuronConfig()
    assert leaves[-1][1] == n.asNeuronBackendConfig()
    # encoding does not depend on the coordinate
    assert n.encode_array().tolist() == words.tolist()
    # a copy is equal and independent
    c = n.copy()
    assert c == n and c is not n
    old = int(n.leak.v_leak)
    c.leak.v_leak = (old + 1) % 1023
    c.event_routing.enable_digital = not n.event_routing.enable_digital
    assert int(n.leak.v_leak) == old
    assert c != n
    assert c.leak is not n.leak


def test_sub_struct_assignment_copies() -> None:
    n = AtomicNeuron()
    leak = AtomicNeuron.Leak(v_leak=5, enable_division=True)
    n.leak = leak
    leak.v_leak = 6
    assert int(n.leak.v_leak) == 5 and n.leak.enable_division
    n.leak = {"v_leak": 7}
    assert int(n.leak.v_leak) == 7 and not n.leak.enable_division
    n.excitatory_input.enable = True
    n.inhibitory_input = n.excitatory_input
    n.excitatory_input.enable = False
    assert n.inhibitory_input.enable is True
    m = AtomicNeuron(leak={"v_leak": 9}, bayesian=AtomicNeuron.Bayesian(to_post_pulse=False))
    assert int(m.leak.v_leak) == 9 and m.bayesian.to_post_pulse is False


# -- 5. NeuronBlock ------------------------------------------------------------------------------
def modified_neuron(k: int) -> AtomicNeuron:
    n = AtomicNeuron()
    n.leak.v_leak = 10 + k
    n.threshold.enable = True
    n.event_routing.analog_output = AtomicNeuron.EventRouting.AnalogOutputMode(k % 3)
    n.event_routing.address = k % 256
    n.bayesian.operation = AtomicNeuron.Bayesian.Operation(k % 4)
    n.refractory_period.refractory_time = (3 * k) % 256
    n.adaptation.i_bias_b = 1023 - k % 2  # DisableRefresh on odd k
    return n


#: The block's words: neurons, two backend configs, two current rows, 5 biases in 4 blocks.
BLOCK_WORDS = (
    N_NEURONS * NEURON_WORDS
    + 2 * CommonNeuronBackendConfig.words
    + 2 * 64 * ColumnCurrentQuad.words  # the two current rows
    + 5 * 4
)


def block_slices(e: int) -> tuple[slice, slice, slice]:
    """The NeuronConfig, CapMem and backend words of neuron ``e`` in the block's word array."""
    cells0 = N_NEURONS * NC_WORDS
    nbc0 = cells0 + N_NEURONS * N_CELLS
    return (
        slice(NC_WORDS * e, NC_WORDS * (e + 1)),
        slice(cells0 + N_CELLS * e, cells0 + N_CELLS * (e + 1)),
        slice(nbc0 + NBC_WORDS * e, nbc0 + NBC_WORDS * (e + 1)),
    )


def test_neuron_block_layout_and_round_trip() -> None:
    block = NeuronBlock()
    for e in NEURON_ENUMS:
        block.atomic_neurons[AtomicNeuronOnDLS(e)] = modified_neuron(e)
    words = block.encode_array()
    addresses = NeuronBlock.address_array(NeuronBlockOnDLS())
    assert words.shape == addresses.shape == (BLOCK_WORDS,)
    assert len(set(ints(addresses))) == BLOCK_WORDS
    for e in [*NEURON_ENUMS, 17, 400]:
        nw = block.atomic_neurons[e].encode_array()
        na = AtomicNeuron.address_array(e)
        for s, part in zip(
            block_slices(e),
            (slice(0, NC_WORDS), slice(NC_WORDS, NC_WORDS + N_CELLS), slice(-NBC_WORDS, None)),
            strict=True,
        ):
            assert words[s].tolist() == nw[part].tolist(), e
            assert addresses[s].tolist() == na[part].tolist(), e
    back = NeuronBlock.decode_array(words)
    assert back == block
    for e in NEURON_ENUMS:
        assert back.atomic_neurons[e] == modified_neuron(e)
    assert back.atomic_neurons[2] == AtomicNeuron()


@settings(max_examples=4)
@given(
    neurons=st.dictionaries(st.integers(0, N_NEURONS - 1), atomic_neurons, min_size=1, max_size=3)
)
def test_neuron_block_hypothesis_round_trip(neurons: dict[int, AtomicNeuron]) -> None:
    block = NeuronBlock()
    for e, n in neurons.items():
        block.atomic_neurons[e] = n
    back = NeuronBlock.decode_array(block.encode_array())
    assert back == block
    for e, n in neurons.items():
        assert back.atomic_neurons[e] == n


def test_neuron_block_entries() -> None:
    block = NeuronBlock()
    n = modified_neuron(3)
    block.atomic_neurons[3] = n
    n.leak.v_leak = 999  # the block holds a copy
    assert int(block.atomic_neurons[3].leak.v_leak) == 13
    block.atomic_neurons[3].leak.v_leak = 500  # entries are mutable in place
    assert int(block.atomic_neurons[AtomicNeuronOnDLS(3)].leak.v_leak) == 500
    with pytest.raises(TypeError):
        block.atomic_neurons[0] = 5
    with pytest.raises(ValueError):
        block.atomic_neurons = [AtomicNeuron()] * 3
    with pytest.raises(CoordinateRangeError):
        block.atomic_neurons[N_NEURONS]


@pytest.mark.parametrize("e", [0, 300, 511])
def test_neuron_block_differential_write(e: int) -> None:
    reference = NeuronBlock()
    block = NeuronBlock()
    block.atomic_neurons[e].leak.v_leak = 600
    addresses, words = block.encode_write_arrays(reference=reference)
    assert ints(addresses) == [cell_address(AtomicNeuronOnDLS(e), ROW_INDEX["v_leak"])]
    assert ints(words) == [600]
    addresses, words = reference.encode_write_arrays(reference=reference)
    assert addresses.size == words.size == 0
    full_addresses, full_words = block.encode_write_arrays()
    assert full_addresses.size == full_words.size == BLOCK_WORDS
    with pytest.raises(TypeError):
        block.encode_write_arrays(reference=AtomicNeuron())


def test_atomic_neuron_differential_write() -> None:
    coord = AtomicNeuronOnDLS(256)
    n = AtomicNeuron()
    n.readout.enable_buffered_access = True
    addresses, words = n.encode_write_arrays(coord, reference=AtomicNeuron())
    assert len(addresses) == len(words) == 1
    nc_addresses = ints(NeuronConfig.addresses(coord.toNeuronConfigOnDLS()))
    assert int(addresses[0]) in nc_addresses
    i = nc_addresses.index(int(addresses[0]))
    assert int(words[0]) == n.asNeuronConfig().encode_words()[i]
    assert n.asNeuronConfig().enable_readout is True
    assert n.encode_write_arrays(coord, reference=n.copy())[0].size == 0


# -- 6. SynapseMatrix and SynapseRow -------------------------------------------------------------
QUAD_COLUMNS = 64


def quad_of(col: int) -> tuple[int, int]:
    """Halco's (quad column, entry) of synapse column ``col``."""
    s = SynapseOnSynapseRow(col)
    return int(s.toSynapseQuadColumnOnDLS()), int(s.toEntryOnQuad())


def quad_addresses(row: int, q: int, synram: SynramOnDLS) -> list[int]:
    coord = SynapseQuadOnDLS(
        SynapseQuadOnSynram(halco.SynapseQuadColumnOnDLS(q), SynapseRowOnSynram(row)), synram
    )
    return ints(SynapseQuad.addresses(coord))


def expected_row_words(fields: dict[str, npt.NDArray[Any]]) -> list[int]:
    """The 128 words of one synapse row (1-d arrays), built quad by quad from SynapseQuad."""
    quads = [SynapseQuad() for _ in range(QUAD_COLUMNS)]
    for col in range(256):
        q, e = quad_of(col)
        for name, values in fields.items():
            getattr(quads[q], name)[e] = int(values[col])
    return [w for quad in quads for w in quad.encode_words()]


@pytest.mark.parametrize("synram", [0, 1])
@pytest.mark.parametrize(("row", "col"), [(0, 0), (0, 2), (0, 5), (17, 128), (100, 63), (255, 255)])
def test_matrix_entry_lands_in_halcos_quad(synram: int, row: int, col: int) -> None:
    s = SynramOnDLS(synram)
    m = SynapseMatrix()
    base = m.encode_array(s)
    m.weights[row, col] = 42
    words = m.encode_array(s)
    q, e = quad_of(col)
    k = row * QUAD_COLUMNS + q
    assert np.flatnonzero(words != base).tolist() == [2 * k]
    expected = SynapseQuad()
    expected.weights[e] = 42
    assert SynapseQuad.decode(words[2 * k : 2 * k + 2].tolist()) == expected
    assert ints(SynapseMatrix.address_array(s)[2 * k : 2 * k + 2]) == quad_addresses(row, q, s)
    # all four fields of the synapse go to the same quad entry
    m.labels[row, col] = 33
    m.time_calibs[row, col] = 2
    m.amp_calibs[row, col] = 3
    words = m.encode_array(s)
    assert np.flatnonzero(words != base).tolist() == [2 * k, 2 * k + 1]
    expected.labels[e], expected.time_calibs[e], expected.amp_calibs[e] = 33, 2, 3
    assert SynapseQuad.decode(words[2 * k : 2 * k + 2].tolist()) == expected
    # differential write: exactly that quad's words
    addresses, changed = m.encode_write_arrays(s, reference=SynapseMatrix())
    assert ints(addresses) == quad_addresses(row, q, s)
    assert ints(changed) == expected.encode_words()


def test_matrix_addresses() -> None:
    for synram in (0, 1):
        s = SynramOnDLS(synram)
        addresses = SynapseMatrix.address_array(s)
        assert addresses.shape == (256 * QUAD_COLUMNS * 2,)
        assert len(set(ints(addresses))) == addresses.size
        for row, q in [(0, 0), (0, 63), (1, 0), (128, 31), (255, 63)]:
            k = row * QUAD_COLUMNS + q
            assert ints(addresses[2 * k : 2 * k + 2]) == quad_addresses(row, q, s)
    top, bottom = (set(ints(SynapseMatrix.address_array(SynramOnDLS(i)))) for i in (0, 1))
    assert not top & bottom


def random_fields(seed: int, shape: tuple[int, ...]) -> dict[str, npt.NDArray[Any]]:
    rng = np.random.default_rng(seed)
    return {
        "weights": rng.integers(0, 64, shape, dtype=np.uint8),
        "labels": rng.integers(0, 64, shape, dtype=np.uint8),
        "time_calibs": rng.integers(0, 4, shape, dtype=np.uint8),
        "amp_calibs": rng.integers(0, 4, shape, dtype=np.uint8),
    }


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1), synram=st.integers(0, 1), row=st.integers(0, 255))
def test_matrix_round_trip(seed: int, synram: int, row: int) -> None:
    s = SynramOnDLS(synram)
    fields = random_fields(seed, (256, 256))
    m = SynapseMatrix(**fields)
    words = m.encode_array(s)
    assert words.dtype == np.uint32 and words.shape == (256 * QUAD_COLUMNS * 2,)
    back = SynapseMatrix.decode_array(words, s)
    assert back == m
    for name, values in fields.items():
        assert np.array_equal(getattr(back, name), values), name
    # one row checked against quads built entry by entry from halco's mapping
    row_fields = {name: values[row] for name, values in fields.items()}
    assert words[row * 128 : (row + 1) * 128].tolist() == expected_row_words(row_fields)


def test_matrix_copy_pickle_and_assignment() -> None:
    fields = random_fields(1, (256, 256))
    m = SynapseMatrix(**fields)
    assert pickle.loads(pickle.dumps(m)) == m
    c = m.copy()
    assert c == m
    c.weights[0, 0] = (int(m.weights[0, 0]) + 1) % 64
    assert c != m
    assert m.weights[0, 0] == fields["weights"][0, 0]
    source = np.zeros((256, 256), np.int64)
    m.weights = source
    source[3, 3] = 5  # the matrix holds a copy
    assert m.weights[3, 3] == 0
    m.weights = np.ones((256, 256), bool)  # bools are integers 0/1
    assert int(m.weights.sum()) == 256 * 256
    m.labels = [[63] * 256] * 256
    assert int(m.labels[255, 255]) == 63


def test_matrix_bad_values() -> None:
    m = SynapseMatrix()
    with pytest.raises(ValueError, match="weights") as info:
        m.weights = np.full((256, 256), 64)
    assert isinstance(info.value, OverflowError)  # a CoordinateRangeError, as halco raises
    with pytest.raises(ValueError, match="labels"):
        m.labels = np.full((256, 256), -1)
    with pytest.raises(ValueError, match="time_calibs"):
        m.time_calibs = np.full((256, 256), 4)
    with pytest.raises(ValueError, match="shape"):
        m.weights = np.zeros((256, 255), np.uint8)
    with pytest.raises(ValueError, match="shape"):
        m.weights = np.zeros((256 * 256,), np.uint8)
    with pytest.raises(TypeError):
        m.weights = np.zeros((256, 256))  # floats
    assert not m.weights.any()  # the failed assignments changed nothing
    m.weights[0, 0] = 64  # numpy's in-place edit is checked on encode
    with pytest.raises(ValueError, match="weights"):
        m.encode_array(SynramOnDLS(0))
    with pytest.raises(ValueError, match="weights"):
        m.encode_write_arrays(SynramOnDLS(0), reference=SynapseMatrix())
    with pytest.raises(ContainerDecodeError):
        SynapseMatrix.decode_array(np.zeros(100, np.uint32))
    with pytest.raises(CoordinateTypeError):
        SynapseMatrix.address_array(AtomicNeuronOnDLS())


@pytest.mark.parametrize("e", [0, 255, 256, 511])
def test_synapse_row(e: int) -> None:
    coord: Any = SynapseRowOnDLS(e)
    synram, row = coord.toSynramOnDLS(), int(coord.toSynapseRowOnSynram())
    addresses = SynapseRow.address_array(coord)
    matrix_addresses = SynapseMatrix.address_array(synram)
    assert ints(addresses) == ints(matrix_addresses[row * 128 : (row + 1) * 128])
    fields = random_fields(e, (256,))
    r = SynapseRow(**fields)
    words = r.encode_array(coord)
    assert words.tolist() == expected_row_words(fields)
    assert SynapseRow.decode_array(words, coord) == r
    m = SynapseMatrix()
    for name, values in fields.items():
        getattr(m, name)[row] = values
    assert words.tolist() == m.encode_array(synram)[row * 128 : (row + 1) * 128].tolist()
    # a single entry
    r2 = SynapseRow()
    r2.weights[7] = 1
    q, entry = quad_of(7)
    quad = SynapseQuad()
    quad.weights[entry] = 1
    a, w = r2.encode_write_arrays(coord, reference=SynapseRow())
    assert ints(a) == quad_addresses(row, q, synram)[:1]
    assert ints(w) == quad.encode_words()[:1]


@settings(max_examples=10)
@given(
    values=st.lists(st.integers(0, 63), min_size=256, max_size=256),
    calibs=st.lists(st.integers(0, 3), min_size=256, max_size=256),
    e=st.integers(0, 511),
)
def test_synapse_row_round_trip(values: list[int], calibs: list[int], e: int) -> None:
    r = SynapseRow(weights=values, labels=values[::-1], time_calibs=calibs, amp_calibs=calibs)
    back = SynapseRow.decode_array(r.encode_array(e), e)
    assert back == r
    assert back.weights.tolist() == values
    assert back.labels.tolist() == values[::-1]


def test_synapse_row_bad_values() -> None:
    r = SynapseRow()
    with pytest.raises(ValueError, match="weights"):
        r.weights = np.full(256, 64)
    with pytest.raises(ValueError, match="shape"):
        r.weights = np.zeros(255, np.uint8)
    with pytest.raises(ValueError, match="shape"):
        r.labels = np.zeros((1, 256), np.uint8)
    r.labels[3] = 64
    with pytest.raises(ValueError, match="labels"):
        r.encode_array(SynapseRowOnDLS(0))
    with pytest.raises(ContainerDecodeError):
        SynapseRow.decode_array(np.zeros(129, np.uint32))


# -- 7. bad input --------------------------------------------------------------------------------
def test_atomic_neuron_field_errors() -> None:
    n = AtomicNeuron()
    for bad in (1024, -1):
        with pytest.raises(ValueError, match="v_leak"):
            n.leak.v_leak = bad
    for wrong in (1.5, "600", True, None):
        with pytest.raises(TypeError, match="v_leak"):
            n.leak.v_leak = wrong
    with pytest.raises(ValueError) as info:
        n.refractory_period.reset_holdoff = 16
    assert isinstance(info.value, OverflowError)
    with pytest.raises(ValueError):
        n.membrane_capacitance.capacitance = 64
    with pytest.raises(ValueError):
        n.event_routing.address = 256
    with pytest.raises(ValueError):
        n.event_routing.analog_output = 3
    with pytest.raises(TypeError):
        n.bayesian.operation = AtomicNeuron.EventRouting.AnalogOutputMode.normal
    with pytest.raises(TypeError):
        n.threshold.enable = 2
    with pytest.raises(TypeError):
        n.leak = 5
    with pytest.raises(TypeError):
        n.leak = AtomicNeuron.Reset()
    with pytest.raises(TypeError, match="leek"):
        AtomicNeuron(leek={"v_leak": 1})
    with pytest.raises(TypeError, match="v_leek"):
        n.leak = {"v_leek": 1}
    assert n == AtomicNeuron()  # nothing was changed by the failed assignments


def test_atomic_neuron_decode_errors() -> None:
    words = AtomicNeuron().encode_array()
    bad_arrays: list[Any] = [words[:-1], np.append(words, 0), words.reshape(-1, 1), []]
    for bad in bad_arrays:
        with pytest.raises(ContainerDecodeError):
            AtomicNeuron.decode_array(bad)
    strong_without_fire = words.copy()
    strong_without_fire[:NC_WORDS] = NeuronConfig(enable_strong_fire=True).encode_words()
    with pytest.raises(ContainerDecodeError, match="enable_strong_fire"):
        AtomicNeuron.decode_array(strong_without_fire)
    stray_cell = words.copy()
    stray_cell[NC_WORDS] = 1 << 10  # a CapMem cell holds 10 bits
    with pytest.raises(ContainerDecodeError):
        AtomicNeuron.decode_array(stray_cell)
    stray_backend = words.copy()
    stray_backend[-1] |= 1 << 8  # backend words hold 8 bits
    with pytest.raises(ContainerDecodeError):
        AtomicNeuron.decode_array(stray_backend)
    too_wide = words.astype(np.int64)
    too_wide[0] = 1 << 32
    with pytest.raises(ContainerDecodeError):
        AtomicNeuron.decode_array(too_wide)
    with pytest.raises(ContainerDecodeError):
        NeuronBlock.decode_array(np.zeros(NEURON_WORDS, np.uint32))


def test_coordinate_type_errors() -> None:
    with pytest.raises(CoordinateTypeError):
        AtomicNeuron.address_array(SynramOnDLS(0))
    with pytest.raises(CoordinateTypeError):
        AtomicNeuron().encode_array(SynapseRowOnDLS(0))
    with pytest.raises(CoordinateRangeError):
        AtomicNeuron.address_array(N_NEURONS)
    with pytest.raises(CoordinateTypeError):
        list(SynapseRow().leaves(SynramOnDLS(0)))
    with pytest.raises(TypeError):
        AtomicNeuron().encode_write_arrays(reference=NeuronBlock())


# -- 8. registry ---------------------------------------------------------------------------------
def test_registry() -> None:
    expected = {
        "AtomicNeuron": (AtomicNeuron, AtomicNeuronOnDLS),
        "NeuronBlock": (NeuronBlock, NeuronBlockOnDLS),
        "SynapseMatrix": (SynapseMatrix, SynramOnDLS),
        "SynapseRow": (SynapseRow, SynapseRowOnDLS),
    }
    for name, (cls, coordinate_type) in expected.items():
        assert haldls.lola.containers[name] is cls
        assert cls.coordinate_type is coordinate_type
        assert name in haldls.lola.__all__
        assert getattr(haldls.lola, name) is cls
    for name, cls in haldls.lola.containers.items():
        assert issubclass(cls, haldls.lola.Aggregate) and cls.__name__ == name
        assert not issubclass(cls, haldls.Container)  # aggregates are no leaf containers
