"""Experiment control of the BrainScaleS-2 SDK (``stadls``).

``PlaybackProgramBuilder`` writes haldls containers and lola aggregates, reads them back through
``ContainerTicket`` and blocks until timer, barrier or polling conditions; ``done()`` gives a
``PlaybackProgram`` that ``run(connection, program)`` executes, after which tickets, ``spikes``
and ``madc_samples`` hold the results (reference §5).

>>> import halco, haldls
>>> from fisch.connection import ZeroMockConnection
>>> builder = PlaybackProgramBuilder()
>>> ticket = builder.read(halco.CrossbarNodeOnDLS(3))
>>> program = builder.done()
>>> with ZeroMockConnection() as connection:
...     run(connection, program)
>>> ticket.get()
CrossbarNode(mask=0, target=0, enable_drop_counter=False)
"""

from stadls._absolute_time import AbsoluteTimePlaybackProgramBuilder, PlaybackDelayWarning
from stadls._builder import ContainerTicket, PlaybackProgramBuilder
from stadls._dumper import DumperDone, PlaybackProgramBuilderDumper, convert_to_builder
from stadls._init import (
    ASICAdapterBoardInit,
    ChipInit,
    CubeASICAdapterBoardInit,
    JboaASICAdapterBoardInit,
    PlaybackGenerator,
    SystemInit,
    generate,
)
from stadls._program import EventSequence, PlaybackProgram, run
from stadls._reinit import ReinitStackEntry
from stadls._spikes import encode_spike_train

__all__ = [
    "ASICAdapterBoardInit",
    "AbsoluteTimePlaybackProgramBuilder",
    "ChipInit",
    "ContainerTicket",
    "CubeASICAdapterBoardInit",
    "DumperDone",
    "EventSequence",
    "JboaASICAdapterBoardInit",
    "PlaybackDelayWarning",
    "PlaybackGenerator",
    "PlaybackProgram",
    "PlaybackProgramBuilder",
    "PlaybackProgramBuilderDumper",
    "ReinitStackEntry",
    "SystemInit",
    "convert_to_builder",
    "encode_spike_train",
    "generate",
    "run",
]
