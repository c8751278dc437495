"""Table-backed struct arrays (``haldls.lola._table``): live views, copies and bad input."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import halco
from halco.errors import CoordinateRangeError
from haldls import CrossbarNode, SynapseDriverConfig
from haldls.lola import Crossbar, SynapseDriverBlock
from haldls.lola._table import TableArray, table_columns


def test_entries_are_live_views_and_assignment_copies() -> None:
    crossbar = Crossbar()
    nodes = crossbar.nodes
    assert isinstance(nodes, TableArray) and len(nodes) == halco.CrossbarNodeOnDLS.size
    nodes[halco.CrossbarNodeOnDLS(3)].target = 5  # through a view
    assert int(crossbar.nodes[3].target) == 5
    node = CrossbarNode(mask=7)
    nodes[4] = node
    node.mask = 1  # the table holds a copy
    assert int(nodes[4].mask) == 7
    nodes[5] = {"enable_drop_counter": True}
    assert nodes[5].enable_drop_counter is True
    assert [int(n.target) for n in nodes][3] == 5


def test_fill_to_numpy_equality_and_pickle() -> None:
    block = SynapseDriverBlock()
    block.synapse_drivers.fill(SynapseDriverConfig(enable_receiver=True))
    raw = block.synapse_drivers.to_numpy()
    column = table_columns(SynapseDriverConfig)["enable_receiver"][0]
    assert raw.shape == (128, len(SynapseDriverConfig._fields)) and raw[:, column].all()
    raw[:] = 0  # a copy
    assert block.synapse_drivers[0].enable_receiver is True
    other = SynapseDriverBlock()
    assert block != other
    other.synapse_drivers = block.synapse_drivers  # whole assignment copies the table
    assert other == block
    other.synapse_drivers[1].enable_receiver = False
    assert block.synapse_drivers[1].enable_receiver is True
    assert pickle.loads(pickle.dumps(block)) == block
    words = block.encode_array(halco.SynapseDriverBlockOnDLS(1))
    back = SynapseDriverBlock.decode_array(words, halco.SynapseDriverBlockOnDLS(1))
    assert back == block and np.array_equal(back.synapse_drivers.table, block.synapse_drivers.table)


def test_bad_input() -> None:
    crossbar = Crossbar()
    with pytest.raises(TypeError, match=r"Crossbar\.nodes entries must be CrossbarNode"):
        crossbar.nodes[0] = 5
    with pytest.raises(TypeError, match=r"Crossbar\.nodes entries"):
        crossbar.nodes[0] = SynapseDriverConfig()
    with pytest.raises(ValueError, match="needs 76 entries, got 2"):
        crossbar.nodes = [CrossbarNode(), CrossbarNode()]
    with pytest.raises(TypeError, match="iterable of 76"):
        crossbar.nodes = 3
    with pytest.raises(CoordinateRangeError):
        crossbar.nodes[76]
    with pytest.raises(CoordinateRangeError, match=r"CrossbarNode\.target"):
        crossbar.nodes[0].target = 1 << 14
    assert crossbar == Crossbar()  # nothing was changed by the refused input


def test_structs_with_array_fields_cannot_live_in_a_table() -> None:
    from haldls import CommonNeuronBackendConfig

    with pytest.raises(TypeError, match="sample_positive_edge cannot live in a table"):
        table_columns(CommonNeuronBackendConfig)
