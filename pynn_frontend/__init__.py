"""PyNN backend of the BrainScaleS-2 SDK: ``import pynn_frontend as pynn``.

A real PyNN 0.13 backend (on ``pyNN.common``, returning ``neo`` data) that mirrors
``pynn_brainscales.brainscales2``: times are ms of hardware time, ``HXNeuron`` takes the raw
circuit parameters of a ``lola.AtomicNeuron``, recorded membranes are raw MADC codes. It runs on
the chip model unless ``setup(connection=...)`` names another connection.

What it has: ``setup`` (``neuronPermutation``, ``backgroundPermutation``,
``enable_neuron_bypass``, ``initial_config``, ``injected_config``, ``injected_readout``,
``connection``), ``run``/``run_for``/``run_until`` with ``RunCommand`` (and the deprecated
``preprocess``), ``reset``, ``end``, the state queries, the procedural API, ``Population``/
``PopulationView``/``Assembly`` of ``HXNeuron`` (``actual_hwparams`` after PREPARE),
``SpikeSourceArray``, ``SpikeSourcePoisson`` and ``SpikeSourcePoissonOnChip``, ``Projection``
with every PyNN connector and ``StaticSynapse`` (placed and routed onto the synapse array),
recording of spikes and one analog observable (MADC, at most two neurons), ``get_data`` as neo,
``get_backend_statistics``. Not here: calibrated cell types, plasticity and the PPU,
multi-compartment neurons; CADC and pad recording, ``inside_realtime`` and PPU-symbol injection
raise ``NotImplementedError``.

>>> import pynn_frontend as pynn
>>> pynn.setup()
0
>>> pop = pynn.Population(1, pynn.cells.HXNeuron(leak_v_leak=700, leak_i_bias=1022))
>>> pop.record(["v"])
>>> pynn.run(0.01)
0.01
>>> signal = pop.get_data().segments[-1].irregularlysampledsignals[0]
>>> signal.name, str(signal.units)
('v', '1.0 dimensionless')
>>> pynn.end()
"""

from pyNN import common, errors, random, space
from pyNN.connectors import (  # every PyNN connector, as the real backend
    AllToAllConnector,
    ArrayConnector,
    CloneConnector,
    CSAConnector,
    DisplacementDependentProbabilityConnector,
    DistanceDependentProbabilityConnector,
    FixedNumberPostConnector,
    FixedNumberPreConnector,
    FixedProbabilityConnector,
    FixedTotalNumberConnector,
    FromFileConnector,
    FromListConnector,
    IndexBasedProbabilityConnector,
    OneToOneConnector,
    SmallWorldConnector,
)
from pyNN.recording import get_io

from pynn_frontend import cells, control, simulator, standardmodels, synapses
from pynn_frontend._routing import RoutingError
from pynn_frontend.cells import (
    HXNeuron,
    SpikeSourceArray,
    SpikeSourcePoisson,
    SpikeSourcePoissonOnChip,
)
from pynn_frontend.control import *  # noqa: F403 (the control functions, as __all__ says)
from pynn_frontend.injection import (
    InjectedConfiguration,
    InjectedReadout,
    get_inside_realtime_begin_read,
    get_inside_realtime_end_read,
    get_post_realtime_read,
    get_post_realtime_read_ppu_symbols,
    get_pre_realtime_read,
)
from pynn_frontend.populations import Assembly, Population, PopulationView
from pynn_frontend.projections import Projection
from pynn_frontend.statistics import BackendStatistics, get_backend_statistics
from pynn_frontend.synapses import StaticSynapse

__all__ = [
    *control.__all__,
    "AllToAllConnector",
    "ArrayConnector",
    "CSAConnector",
    "CloneConnector",
    "DisplacementDependentProbabilityConnector",
    "DistanceDependentProbabilityConnector",
    "FixedNumberPostConnector",
    "FixedNumberPreConnector",
    "FixedProbabilityConnector",
    "FixedTotalNumberConnector",
    "FromFileConnector",
    "FromListConnector",
    "IndexBasedProbabilityConnector",
    "OneToOneConnector",
    "SmallWorldConnector",
    "Assembly",
    "BackendStatistics",
    "HXNeuron",
    "InjectedConfiguration",
    "InjectedReadout",
    "Population",
    "PopulationView",
    "Projection",
    "RoutingError",
    "SpikeSourceArray",
    "SpikeSourcePoisson",
    "SpikeSourcePoissonOnChip",
    "StaticSynapse",
    "cells",
    "connect",
    "create",
    "errors",
    "get_backend_statistics",
    "get_inside_realtime_begin_read",
    "get_inside_realtime_end_read",
    "get_io",
    "get_post_realtime_read",
    "get_post_realtime_read_ppu_symbols",
    "get_pre_realtime_read",
    "initialize",
    "list_standard_models",
    "random",
    "record",
    "set",
    "simulator",
    "space",
    "standardmodels",
    "synapses",
]

create = common.build_create(Population)
connect = common.build_connect(Projection, FixedProbabilityConnector, StaticSynapse)
record = common.build_record(simulator)
initialize = common.initialize  # (the procedural API, deprecated in PyNN as in the real backend)
set = common.set  # (shadows the builtin inside this module only, as in PyNN's backends)


def list_standard_models() -> list[type]:
    """Return the cell types of this backend."""
    return [HXNeuron, SpikeSourceArray, SpikeSourcePoisson, SpikeSourcePoissonOnChip]
