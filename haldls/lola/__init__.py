"""Logical aggregates of the BrainScaleS-2 SDK (``lola``): neurons, synapse matrices, the chip.

Each aggregate is a typed value with named parameters and one ordered visitor over the haldls
leaf containers it stands for; that visitor serves writes (``encode_write_arrays``, also
differential against a reference), reads (``decode_array``) and addresses (``address_array``).
Large aggregates encode as numpy columns. The xBoard DAC blocks are write-only.
"""

from haldls.lola import (
    _board,
    _chip,
    _composite,
    _elf,
    _external,
    _neuron,
    _neuron_block,
    _readout,
    _readout_chain,
    _synapse,
)
from haldls.lola._base import Aggregate, containers
from haldls.lola._board import *  # noqa: F403
from haldls.lola._chip import *  # noqa: F403
from haldls.lola._composite import *  # noqa: F403
from haldls.lola._elf import *  # noqa: F403
from haldls.lola._external import *  # noqa: F403
from haldls.lola._neuron import *  # noqa: F403
from haldls.lola._neuron_block import *  # noqa: F403
from haldls.lola._readout import *  # noqa: F403
from haldls.lola._readout_chain import *  # noqa: F403
from haldls.lola._synapse import *  # noqa: F403

__all__ = ["Aggregate", "containers"]
__all__ += _board.__all__
__all__ += _chip.__all__
__all__ += _composite.__all__
__all__ += _elf.__all__
__all__ += _external.__all__
__all__ += _neuron.__all__
__all__ += _neuron_block.__all__
__all__ += _readout.__all__
__all__ += _readout_chain.__all__
__all__ += _synapse.__all__
