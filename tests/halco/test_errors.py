"""Bad input raises at once, naming the type, the value and the allowed range."""

from __future__ import annotations

import numpy as np
import pytest

import halco
from halco import (
    AtomicNeuronOnDLS,
    CoordinateRangeError,
    CoordinateTypeError,
    CrossbarNodeOnDLS,
    Enum,
    NeuronColumnOnDLS,
    NeuronConfigOnDLS,
    SynapseOnSynapseRow,
)
from halco.common import TypedArray


def test_out_of_range_is_value_and_overflow_error() -> None:
    with pytest.raises(CoordinateRangeError, match=r"NeuronColumnOnDLS .*\[0, 255\], got 256"):
        NeuronColumnOnDLS(256)
    with pytest.raises(OverflowError):
        NeuronColumnOnDLS(-1)
    with pytest.raises(ValueError, match=r"AtomicNeuronOnDLS enum must be in \[0, 511\], got 512"):
        AtomicNeuronOnDLS(Enum(512))
    with pytest.raises(ValueError, match="OmnibusAddress"):
        halco.OmnibusAddress(1 << 32)


def test_wrong_coordinate_type_is_type_error() -> None:
    with pytest.raises(CoordinateTypeError, match="NeuronColumnOnDLS"):
        NeuronColumnOnDLS(SynapseOnSynapseRow(3))
    with pytest.raises(TypeError, match="x must be NeuronColumnOnDLS"):
        AtomicNeuronOnDLS(SynapseOnSynapseRow(3), halco.NeuronRowOnDLS(0))
    with pytest.raises(TypeError, match="block must be NeuronConfigBlockOnDLS"):
        NeuronConfigOnDLS(halco.NeuronConfigOnNeuronConfigBlock(1), halco.CapMemBlockOnDLS(0))
    with pytest.raises(TypeError):
        NeuronColumnOnDLS(3.0)
    with pytest.raises(TypeError):
        NeuronColumnOnDLS("3")
    with pytest.raises(TypeError, match="neuron, block"):
        NeuronConfigOnDLS(neuron=1, synram=0)


def test_invalid_sparse_grid_position_is_value_error() -> None:
    with pytest.raises(halco.InvalidGridPositionError, match=r"no node at x=1, y=0") as info:
        CrossbarNodeOnDLS(halco.CrossbarOutputOnDLS(1), halco.CrossbarInputOnDLS(0))
    assert isinstance(info.value, ValueError)
    assert CrossbarNodeOnDLS(
        halco.CrossbarOutputOnDLS(4), halco.CrossbarInputOnDLS(0)
    ).toEnum() == (Enum(1))


def test_typed_array_indexing() -> None:
    arr = TypedArray(halco.EntryOnQuad, value_type=halco.SynapseLabel)
    arr[halco.EntryOnQuad(2)] = 61
    arr[3] = halco.SynapseLabel(5)
    assert arr[2] == halco.SynapseLabel(61)
    with pytest.raises(CoordinateTypeError, match="indexed with NeuronColumnOnDLS"):
        _ = arr[NeuronColumnOnDLS(1)]
    with pytest.raises(CoordinateRangeError):
        _ = arr[4]
    with pytest.raises(CoordinateRangeError):
        arr[0] = 64


def test_typed_array_numpy_round_trip_checks_range() -> None:
    arr = TypedArray(halco.EntryOnQuad, value_type=halco.SynapseLabel)
    arr.from_numpy(np.array([1, 2, 3, 63]))
    assert arr.to_numpy().tolist() == [1, 2, 3, 63]
    with pytest.raises(CoordinateRangeError, match=r"SynapseLabel must be in \[0, 63\], got 64"):
        arr.from_numpy(np.array([1, 64, 3, 4]))
    assert arr.to_numpy().tolist() == [1, 2, 3, 63]
    with pytest.raises(ValueError, match="shape"):
        arr.from_numpy(np.zeros(3))


def test_logical_neuron_placement() -> None:
    on_ln = halco.AtomicNeuronOnLogicalNeuron
    shape = halco.LogicalNeuronCompartments(
        {halco.CompartmentOnLogicalNeuron(0): [on_ln(0, 0), on_ln(1, 0)],
         halco.CompartmentOnLogicalNeuron(1): [on_ln(1, 1)]}
    )  # fmt: skip
    neuron = halco.LogicalNeuronOnDLS(shape, AtomicNeuronOnDLS(NeuronColumnOnDLS(10), 0))
    assert [int(n) for n in neuron.get_atomic_neurons()] == [10, 11, 256 + 11]
    flipped = shape.flip_x()
    assert flipped.get_compartments()[halco.CompartmentOnLogicalNeuron(1)] == [on_ln(0, 1)]
    assert on_ln(3, 0).get_neighbor(on_ln.Direction.opposite_row) == on_ln(3, 1)
    with pytest.raises(ValueError, match="outside the neuron grid or across"):
        halco.LogicalNeuronOnDLS(shape, AtomicNeuronOnDLS(NeuronColumnOnDLS(127), 0))
    with pytest.raises(ValueError, match="more than one compartment"):
        halco.LogicalNeuronCompartments({0: [on_ln(0, 0)], 1: [on_ln(0, 0)]})
    import pickle

    assert pickle.loads(pickle.dumps(neuron)) == neuron
    assert pickle.loads(pickle.dumps(shape)) == shape
