"""Register containers of the BrainScaleS-2 SDK (HX v3, bit-exact).

One container per chip register or memory: a ``halco`` coordinate type, typed and validated
fields, and ``addresses(coord)`` / ``encode()`` / ``decode(words)`` onto ``fisch`` word types,
driven by one declarative field table per container (``haldls._field``). ``encode_write`` shows
exactly which registers and bits a write touches. The catalogue is being filled in (issue 4): so
far the neuron config, crossbar node, PPU control register and memory word, synapse quad
and CapMem cell.

>>> import halco, haldls
>>> node = haldls.CrossbarNode(mask=0x3FFF, target=5)
>>> pairs = haldls.encode_write(halco.CrossbarNodeOnDLS(3), node)
>>> [(hex(int(address)), hex(word.get().word)) for address, word in pairs]
[('0x13001c', '0x53fff')]
"""

from haldls._blocks import CapMemCell, CrossbarNode, PPUControlRegister, PPUMemoryWord, SynapseQuad
from haldls._container import Backend, Container, containers, encode_write, from_json, to_json
from haldls._neuron import NeuronConfig

__all__ = [
    "Backend",
    "CapMemCell",
    "Container",
    "CrossbarNode",
    "NeuronConfig",
    "PPUControlRegister",
    "PPUMemoryWord",
    "SynapseQuad",
    "containers",
    "encode_write",
    "from_json",
    "to_json",
]
