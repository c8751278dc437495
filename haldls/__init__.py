"""Register containers of the BrainScaleS-2 SDK (HX v3, bit-exact).

One container per chip register or memory: a ``halco`` coordinate type, typed and validated
fields, and ``addresses(coord)`` / ``encode()`` / ``decode(words)`` onto ``fisch`` word types,
driven by one declarative field table per container (``haldls._field``). ``encode_write`` shows
exactly which registers and bits a write touches; ``encode_columns``/``decode_columns`` do the
same for many containers of one type at once, as numpy arrays. The composite containers
``CapMemBlock``, ``PPUMemoryBlock`` and ``PPUMemory`` are ``haldls.lola`` aggregates, exported
here under their upstream names (loaded on first use).

>>> import halco, haldls
>>> node = haldls.CrossbarNode(mask=0x3FFF, target=5)
>>> pairs = haldls.encode_write(halco.CrossbarNodeOnDLS(3), node)
>>> [(hex(int(address)), hex(word.get().word)) for address, word in pairs]
[('0x13001c', '0x53fff')]
"""

from typing import Any

from haldls import (
    _blocks,
    _board,
    _clock,
    _fpga,
    _neuron,
    _ppu,
    _readout,
    _synapse,
    _synapse_driver,
    _system,
)
from haldls._blocks import *  # noqa: F403
from haldls._board import *  # noqa: F403
from haldls._clock import *  # noqa: F403
from haldls._container import Backend, Container, containers, encode_write, from_json, to_json
from haldls._fpga import *  # noqa: F403
from haldls._listing import ContainerList
from haldls._neuron import *  # noqa: F403
from haldls._ppu import *  # noqa: F403
from haldls._readout import *  # noqa: F403
from haldls._struct import Struct
from haldls._synapse import *  # noqa: F403
from haldls._synapse_driver import *  # noqa: F403
from haldls._system import *  # noqa: F403

__all__ = [
    "Backend",
    "Container",
    "ContainerList",
    "Struct",
    "containers",
    "encode_write",
    "from_json",
    "to_json",
]
__all__ += _blocks.__all__
__all__ += _board.__all__
__all__ += _clock.__all__
__all__ += _fpga.__all__
__all__ += _neuron.__all__
__all__ += _ppu.__all__
__all__ += _readout.__all__
__all__ += _synapse.__all__
__all__ += _synapse_driver.__all__
__all__ += _system.__all__

#: Composite containers defined in ``haldls.lola`` (upstream keeps them in haldls).
_COMPOSITES = ("CapMemBlock", "PPUMemory", "PPUMemoryBlock")
__all__ += _COMPOSITES


def __getattr__(name: str) -> Any:
    if name in _COMPOSITES:
        from haldls.lola import _composite

        return getattr(_composite, name)
    raise AttributeError(f"module 'haldls' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_COMPOSITES))
