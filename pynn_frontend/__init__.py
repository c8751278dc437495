"""PyNN backend of the BrainScaleS-2 SDK: ``import pynn_frontend as pynn``.

A real PyNN 0.13 backend (on ``pyNN.common``, returning ``neo`` data) that mirrors
``pynn_brainscales.brainscales2``: times are ms of hardware time, ``HXNeuron`` takes the raw
circuit parameters of a ``lola.AtomicNeuron``, recorded membranes are raw MADC codes. It runs on
the chip model unless ``setup(connection=...)`` names another connection.

So far: ``setup`` (``neuronPermutation``, ``connection``), ``run``/``run_for``/``run_until`` with
``RunCommand``, ``reset``, ``end``, the state queries, ``Population``/``PopulationView``/
``Assembly`` of ``HXNeuron``, recording of spikes and one analog observable (MADC, at most two
neurons), ``get_data`` as neo. Projections, spike sources and the other setup keywords follow.

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

from pyNN import errors, random, space
from pyNN.recording import get_io

from pynn_frontend import cells, simulator
from pynn_frontend.cells import HXNeuron
from pynn_frontend.control import (
    RunCommand,
    end,
    get_current_time,
    get_max_delay,
    get_min_delay,
    get_time_step,
    num_processes,
    rank,
    reset,
    run,
    run_for,
    run_until,
    setup,
)
from pynn_frontend.populations import Assembly, Population, PopulationView

__all__ = [
    "Assembly",
    "HXNeuron",
    "Population",
    "PopulationView",
    "RunCommand",
    "cells",
    "end",
    "errors",
    "get_current_time",
    "get_io",
    "get_max_delay",
    "get_min_delay",
    "get_time_step",
    "list_standard_models",
    "num_processes",
    "random",
    "rank",
    "reset",
    "run",
    "run_for",
    "run_until",
    "setup",
    "simulator",
    "space",
]


def list_standard_models() -> list[type]:
    """Return the cell types of this backend."""
    return [HXNeuron]
