"""Projections through the PyNN API: weights, the sign rule, placement, PSPs and the seed slide's
network. Thresholds follow the chip model's constants (csrc/analog.h), over several seeds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from pyNN.errors import ConnectionError as PyNNConnectionError
from tutorial_neurons import LEAK_OVER_THRESHOLD, SYNAPTIC_INPUT

import pynn_frontend as pynn
from fisch.connection import ChipModelConnection

#: A silent neuron at about 0.46 V with both synaptic inputs on.
LISTENER = {
    "leak_v_leak": 500,
    "leak_i_bias": 200,
    "membrane_capacitance_capacitance": 63,
    **SYNAPTIC_INPUT,
}


@pytest.fixture
def session() -> Iterator[None]:
    pynn.setup()
    yield
    pynn.end()


def _one_to_one(weight: float, receptor: str = "excitatory") -> pynn.Projection:
    source = pynn.Population(1, pynn.cells.SpikeSourceArray(spike_times=[0.05]))
    target = pynn.Population(1, pynn.cells.HXNeuron(**LISTENER))
    return pynn.Projection(
        source,
        target,
        pynn.OneToOneConnector(),
        pynn.synapses.StaticSynapse(weight=weight),
        receptor_type=receptor,
    )


def _deflection(seed: int, weight: int) -> float:
    """The mean membrane change (MADC LSB) in the 25 µs after one input spike at 50 µs."""
    pynn.setup(connection=ChipModelConnection(seed=seed))
    receptor = "inhibitory" if weight < 0 else "excitatory"
    projection = _one_to_one(weight, receptor)
    projection.post.record("v")
    pynn.run(0.1)
    signal = projection.post.get_data("v").segments[-1].irregularlysampledsignals[0]
    v, t = signal.magnitude[:, 0], signal.times.magnitude
    pynn.end()
    base = v[(t > 0.01) & (t < 0.05)].mean()
    return float(v[(t > 0.051) & (t < 0.075)].mean() - base)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_psp_grows_with_weight_and_inhibition_lowers(seed: int) -> None:
    zero = _deflection(seed, 0)  # (the membrane still settles from its reset: the reference)
    up = [_deflection(seed, w) - zero for w in (16, 32, 63, 126)]
    down = _deflection(seed, -63) - zero
    assert up[0] > 0.5, up
    assert np.all(np.diff(up) > 0.5), up  # monotonic; 126 takes two synapses
    assert down < -2, down


@pytest.mark.usefixtures("session")
def test_weights_round_split_and_place() -> None:
    projection = _one_to_one(123.0)
    with pytest.raises(RuntimeError, match="after mapping"):
        _ = projection.placed_connections
    pynn.run(None, pynn.RunCommand.PREPARE)
    (placed,) = projection.placed_connections
    assert [p.weight for p in placed] == [63, 60]
    assert len({int(p.synapse_row.toEnum()) for p in placed}) == 2
    projection.set(weight=42.5)  # (half to even, as Python rounds)
    assert projection.get("weight", format="list") == [(0, 0, 42.0)]
    for connection in projection:
        connection.weight = 7
    assert projection.get("weight", format="array")[0, 0] == 7


@pytest.mark.usefixtures("session")
def test_sign_rule_delay_receptor_and_assembly_errors() -> None:
    with pytest.raises(PyNNConnectionError, match="Weights must be positive"):
        _one_to_one(-5)
    with pytest.raises(PyNNConnectionError, match=r"Weights must be .*negative"):
        _one_to_one(5, "inhibitory")
    projection = _one_to_one(5)
    with pytest.raises(PyNNConnectionError, match="Weights must be positive"):
        projection.set(weight=-1)
    assert projection.get("weight", format="list") == [(0, 0, 5.0)]
    with pytest.raises(ValueError, match="delay unequal 0"):
        pynn.synapses.StaticSynapse(weight=1, delay=1.0)
    with pytest.raises(ValueError, match="delay unequal 0"):
        projection.set(delay=0.5)
    with pytest.raises(NotImplementedError, match="Receptor not implemented"):
        _one_to_one(5, "gaba_b")
    pops = [pynn.Population(1, pynn.cells.HXNeuron()) for _ in range(2)]
    with pytest.raises(NotImplementedError, match="Assemblies"):
        pynn.Projection(pops[0] + pops[1], pops[0], pynn.AllToAllConnector())


@pytest.mark.usefixtures("session")
def test_routing_error_names_the_projection_and_neurons() -> None:
    sources = pynn.Population(300, pynn.cells.SpikeSourceArray(spike_times=[0.01]))
    target = pynn.Population(1, pynn.cells.HXNeuron(**LISTENER))
    pynn.Projection(sources, target, pynn.AllToAllConnector(), label="too-many")
    with pytest.raises(pynn.RoutingError, match=r"in-degree.*AtomicNeuronOnDLS\(0\).*too-many"):
        pynn.run(0.01)


@pytest.mark.usefixtures("session")
def test_routing_is_reused_until_the_topology_changes() -> None:
    projection = _one_to_one(10)
    pynn.run(None, pynn.RunCommand.PREPARE)
    state = pynn.simulator.state
    assert state is not None
    first = state.mapping.routing
    projection.set(weight=60)
    pynn.run(None, pynn.RunCommand.PREPARE)
    assert state.mapping.routing is first
    projection.set(weight=100)  # two synapses now
    pynn.run(None, pynn.RunCommand.PREPARE)
    assert state.mapping.routing is not first


def _slide(inhibition: int) -> tuple[list[int], int, int]:
    """The seed slide's network: spikes of n1 and n3, samples of n3's membrane."""
    pynn.setup()
    n1 = pynn.Population(4, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
    n2 = pynn.Population(4, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
    listener = {**LISTENER, "threshold_enable": True, "threshold_v_threshold": 300}
    n3 = pynn.Population(2, pynn.cells.HXNeuron(**listener, reset_v_reset=400, reset_i_bias=1022))
    stimulus = pynn.Population(2, pynn.cells.SpikeSourceArray(spike_times=[0.02, 0.04, 0.06]))
    static = pynn.synapses.StaticSynapse
    pynn.Projection(stimulus, n3, pynn.AllToAllConnector(), static(weight=63))
    pynn.Projection(n1, n3, pynn.AllToAllConnector(), static(weight=63))
    pynn.Projection(
        n2, n3, pynn.AllToAllConnector(), static(weight=-inhibition), receptor_type="inhibitory"
    )
    n1.record("spikes")
    n3.record("spikes")
    n3[0:1].record("v")
    pynn.run(0.2)
    n1_spikes = [len(s) for s in n1.get_data().segments[-1].spiketrains]
    block = n3.get_data()
    n3_spikes = sum(len(s) for s in block.segments[-1].spiketrains)
    samples = len(block.segments[-1].irregularlysampledsignals[0])
    pynn.end()
    return n1_spikes, n3_spikes, samples


def test_seed_slide_network_runs_and_inhibition_counts() -> None:
    n1, free, samples = _slide(0)
    _, inhibited, _ = _slide(63)
    assert min(n1) >= 5  # leak over threshold: about 10 spikes in 0.2 ms
    assert free > 10
    assert inhibited < free / 2
    assert samples > 0.9 * 0.2 / pynn.simulator.State.dt


@pytest.mark.usefixtures("session")
@pytest.mark.parametrize(
    "make",
    [
        lambda base: base.AllToAllConnector(allow_self_connections=False),
        lambda base: base.OneToOneConnector(),
        lambda base: base.FromListConnector([(0, 1, 5.0), (2, 0, 7.0), (1, 1, 3.0)], ["weight"]),
    ],
)
def test_fast_connect_equals_pyNN_generic_path(make: Any) -> None:
    """The numpy path of the common connectors makes the connections PyNN's own loop makes."""
    pop = pynn.Population(3, pynn.cells.HXNeuron())
    view = pop[0:3]
    generic = type("Generic", (type(make(pynn)),), {})  # (a subclass: PyNN's path)
    connector = make(pynn)
    slow_connector = generic.__new__(generic)
    slow_connector.__dict__.update(make(pynn).__dict__)
    fast = pynn.Projection(pop, view, connector, pynn.synapses.StaticSynapse(weight=4))
    slow = pynn.Projection(pop, view, slow_connector, pynn.synapses.StaticSynapse(weight=4))
    assert fast.get("weight", format="list") == slow.get("weight", format="list")
    assert len(fast) > 0


@pytest.mark.usefixtures("session")
def test_backend_statistics_after_mapping() -> None:
    with pytest.raises(RuntimeError, match="only available after first mapping"):
        pynn.get_backend_statistics()
    _one_to_one(100)  # two synapses
    pynn.run(None, pynn.RunCommand.PREPARE)
    stats = pynn.get_backend_statistics()
    assert (stats.num_populations, stats.num_projections, stats.num_neurons) == (2, 1, 1)
    assert stats.num_synapses == 2 and stats.num_synapse_drivers == 1
    assert stats.neuron_usage == 1 / 512 and stats.routing_duration > 0


def test_initial_config_gives_the_parameters_not_given() -> None:
    import halco
    from haldls import lola

    chip = lola.Chip()
    neurons = chip.neuron_block.atomic_neurons
    neurons.set_field("leak.v_leak", 700)
    neurons.set_field("leak.i_bias", 300, [5])
    for b in halco.iter_all(halco.SynapseBlockOnDLS):
        chip.synapse_blocks[b].i_bias_dac.fill(0)  # (no synaptic currents at all)
    with pytest.raises(TypeError, match=r"lola\.Chip"):
        pynn.setup(initial_config=object())
    pynn.setup(neuronPermutation=[5], initial_config=chip)
    pop = pynn.Population(1, pynn.cells.HXNeuron(leak_v_leak=400, **SYNAPTIC_INPUT))
    assert pop.get("leak_v_leak") == 400  # given
    assert pop.get("leak_i_bias") == 300  # the chip's, at circuit 5
    source = pynn.Population(1, pynn.cells.SpikeSourceArray(spike_times=[0.05]))
    pynn.Projection(source, pop, pynn.AllToAllConnector(), pynn.synapses.StaticSynapse(weight=63))
    pop.record("v")
    pynn.run(0.1)
    signal = pop.get_data().segments[-1].irregularlysampledsignals[0]
    v, t = signal.magnitude[:, 0], signal.times.magnitude
    pynn.end()
    # a DAC bias of 0: the input moves nothing (as the chip's own test does with weight 0)
    assert abs(v[(t > 0.051) & (t < 0.075)].mean() - v[(t > 0.03) & (t < 0.05)].mean()) < 1.5


@pytest.mark.usefixtures("session")
def test_weight_array_sums_repeated_pairs() -> None:
    """Two connections of one pair (a list connector may give them) add up in the array form."""
    pre = pynn.Population(2, pynn.cells.SpikeSourceArray(spike_times=[0.01]))
    post = pynn.Population(2, pynn.cells.HXNeuron())
    projection = pynn.Projection(
        pre, post, pynn.FromListConnector([(0, 1, 5.0), (0, 1, 7.0), (1, 0, 2.0)], ["weight"])
    )
    array = projection.get("weight", format="array")
    assert array[0, 1] == 12 and array[1, 0] == 2 and np.isnan(array[0, 0])
    projection.set(weight=np.array([[0.0, 3.0], [4.0, 0.0]]))
    assert projection.get("weight", format="list") == [(0, 1, 3.0), (0, 1, 3.0), (1, 0, 4.0)]


def test_bad_setup_hooks_and_lists_raise_clear_errors() -> None:
    import halco
    import stadls

    with pytest.raises(ValueError, match="backgroundPermutation: unique PADI bus indices"):
        pynn.setup(backgroundPermutation=[0, 0, 1, 2])
    with pytest.raises(ValueError, match="backgroundPermutation"):
        pynn.setup(backgroundPermutation=[4])
    with pytest.raises(TypeError, match=r"injected_readout must be a pynn\.InjectedReadout"):
        pynn.setup(injected_readout={halco.TimerOnDLS()})
    with pytest.raises(TypeError, match="an injection hook is a"):
        pynn.InjectedConfiguration(pre_realtime=[1, 2])
    reading = stadls.PlaybackProgramBuilder()
    reading.read(halco.TimerOnDLS())
    with pytest.raises(ValueError, match="write-only"):
        pynn.InjectedConfiguration(post_realtime=reading)
    pynn.setup()
    try:
        pre = pynn.Population(2, pynn.cells.SpikeSourceArray(spike_times=[0.01]))
        post = pynn.Population(2, pynn.cells.HXNeuron())
        with pytest.raises(PyNNConnectionError, match="source index out of range"):
            pynn.Projection(pre, post, pynn.FromListConnector([(5, 0, 1.0)], ["weight"]))
        with pytest.raises(ValueError, match="U is not a valid parameter"):
            pynn.Projection(pre, post, pynn.FromListConnector([(0, 0, 1.0)], ["U"]))
        sources = pynn.Population(1, pynn.cells.SpikeSourcePoissonOnChip(rate=1e3, seed=-1))
        pynn.Projection(sources, post, pynn.AllToAllConnector())
        with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*32\)"):
            pynn.run(0.01)
    finally:
        pynn.end()
