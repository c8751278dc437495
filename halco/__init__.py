"""halco: typed coordinates of the BrainScaleS-2 (HX v3) chip, named as in the real stack.

Every part of the chip has a coordinate type ``<Thing>On<Parent>`` with a range, conversions
``to<Other>()`` and iteration ``iter_all(T)``:

>>> from halco import AtomicNeuronOnDLS, NeuronColumnOnDLS, NeuronRowOnDLS, iter_all
>>> n = AtomicNeuronOnDLS(NeuronColumnOnDLS(130), NeuronRowOnDLS.bottom)
>>> n.toNeuronConfigOnDLS()
NeuronConfigOnDLS(NeuronConfigOnNeuronConfigBlock(2), NeuronConfigBlockOnDLS(3))
>>> AtomicNeuronOnDLS.size
512
"""

from halco import (
    _board,
    _cadc,
    _capmem,
    _chip,
    _fpga,
    _i2c,
    _jboa,
    _logical_neuron,
    _neuron,
    _ppu,
    _readout,
    _routing,
    _synapse,
    _synapse_driver,
    common,
    errors,
)
from halco._board import *  # noqa: F403
from halco._cadc import *  # noqa: F403
from halco._capmem import *  # noqa: F403
from halco._chip import *  # noqa: F403
from halco._fpga import *  # noqa: F403
from halco._hemisphere import HEMISPHERE_EQUIVALENT
from halco._i2c import *  # noqa: F403
from halco._jboa import *  # noqa: F403
from halco._logical_neuron import *  # noqa: F403
from halco._neuron import *  # noqa: F403
from halco._ppu import *  # noqa: F403
from halco._readout import *  # noqa: F403
from halco._routing import *  # noqa: F403
from halco._synapse import *  # noqa: F403
from halco._synapse_driver import *  # noqa: F403
from halco.common import Enum, iter_all, typed_array
from halco.errors import CoordinateRangeError, CoordinateTypeError, InvalidGridPositionError

_MODULES = (_board, _cadc, _capmem, _chip, _fpga, _i2c, _jboa, _logical_neuron, _neuron, _ppu,
            _readout, _routing, _synapse, _synapse_driver)  # fmt: skip

#: Every public coordinate type, by name: the registry the generic tests iterate.
coordinates: dict[str, type] = {n: getattr(m, n) for m in _MODULES for n in m.__all__}

__all__ = [
    *coordinates,
    "HEMISPHERE_EQUIVALENT",
    "CoordinateRangeError",
    "CoordinateTypeError",
    "Enum",
    "InvalidGridPositionError",
    "common",
    "coordinates",
    "errors",
    "iter_all",
    "typed_array",
]
