"""``get_backend_statistics()``: what the mapping used of the chip (reference §2.14)."""

from __future__ import annotations

import attrs

import halco
from pynn_frontend import simulator

__all__ = ["BackendStatistics", "get_backend_statistics"]


@attrs.frozen
class BackendStatistics:
    """Sizes and usage of the mapped network (one execution instance: the chip)."""

    num_populations: int
    num_projections: int
    num_neurons: int
    num_synapses: int
    num_synapse_drivers: int
    #: fractions of the chip's 512 neurons, 131 072 synapses and 256 synapse drivers in use
    neuron_usage: float
    synapse_usage: float
    synapse_driver_usage: float
    #: seconds: gathering the network's connections, and routing them (0 if reused)
    network_construction_duration: float
    routing_duration: float


def get_backend_statistics() -> BackendStatistics:
    """Return the statistics of the last mapping (PREPARE, APPEND or EXECUTE).

    Raises
    ------
    RuntimeError
        Outside a session, or before the network was first mapped.
    """
    state = simulator.state
    if state is None:
        raise RuntimeError("call pynn.setup() first")
    mapping = state.mapping
    if mapping is None:
        raise RuntimeError(
            "Backend statistics are only available after first mapping: call "
            "pynn.run(None, pynn.RunCommand.PREPARE) or pynn.run(runtime) first"
        )
    neurons = sum(len(p.circuits) for p in state.populations)
    synapses = int(mapping.routing.synapse_row.size)
    drivers = len(mapping.routing.drivers)
    return BackendStatistics(
        num_populations=len(state.populations),
        num_projections=len(mapping.projections),
        num_neurons=neurons,
        num_synapses=synapses,
        num_synapse_drivers=drivers,
        neuron_usage=neurons / halco.AtomicNeuronOnDLS.size,
        synapse_usage=synapses / halco.SynapseOnDLS.size,
        synapse_driver_usage=drivers / halco.SynapseDriverOnDLS.size,
        network_construction_duration=mapping.construction_duration,
        routing_duration=mapping.routing_duration,
    )
