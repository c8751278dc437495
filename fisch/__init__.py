"""FPGA word layer of the BrainScaleS-2 SDK, mirroring the real fisch and hxcomm.

Word containers (``Omnibus``, ``Timer``, ``WaitUntil``, ``Barrier``, spike packs, JTAG, SPI and
I2C words) encode to the bit-exact UT messages of HX v3; the word-level
``PlaybackProgramBuilder`` collects them into a ``PlaybackProgram``; ``run(connection, program)``
executes it on a connection from ``fisch.connection`` and decodes the answer into tickets, spikes
and MADC samples.

>>> from halco import OmnibusAddress, TimerOnDLS
>>> from fisch import Omnibus, PlaybackProgramBuilder, Timer, run
>>> from fisch.connection import ZeroMockConnection
>>> builder = PlaybackProgramBuilder()
>>> builder.write(TimerOnDLS(), Timer())
>>> ticket = builder.read(OmnibusAddress(0x8000_0000))
>>> program = builder.done()
>>> [hex(w) for w in program.to_fpga_words().tolist()]
['0x400000000000000', '0xb00001f80000000', '0xa00000000000000']
>>> with ZeroMockConnection() as connection:
...     info = run(connection, program)
>>> ticket.get()
[Omnibus(Omnibus.Value(0x0))]
"""

from fisch._board import (
    I2CAckMissingError,
    I2CAD5252RwRegister,
    I2CDAC6573RwRegister,
    I2CIdRegister,
    I2CINA219RoRegister,
    I2CINA219RwRegister,
    I2CTCA9546Register,
    I2CTCA9554RoRegister,
    I2CTCA9554RwRegister,
    I2CTempRegister,
    SPIDACControlRegister,
    SPIDACDataRegister,
    SPIShiftRegister,
)
from fisch._builder import ContainerTicket, PlaybackProgramBuilder
from fisch._chip import chip_model_version
from fisch._codec import (
    FromFPGAMessages,
    decode_from_fpga,
    decode_to_fpga,
    encode_from_fpga,
    encode_to_fpga,
)
from fisch._container import Container, containers
from fisch._event import (
    FPGA_CLOCK_CYCLES_PER_US,
    MADC_SAMPLE_DTYPE,
    SPIKE_DTYPE,
    ChipTime,
    FPGATime,
    HighspeedLinkNotification,
    MADCSampleFromChip,
    SpikeFromChip,
    TimeoutNotification,
)
from fisch._instructions import (
    FROM_FPGA_DICTIONARY,
    TO_FPGA_DICTIONARY,
    Field,
    Instruction,
    instruction,
    instructions,
)
from fisch._jtag import (
    JTAGClockScaler,
    JTAGIdCode,
    JTAGPhyRegister,
    JTAGPLLRegister,
    OmnibusChipOverJTAG,
    ResetJTAGTap,
)
from fisch._program import PLAYBACK_MEMORY_SIZE_TO_FPGA, PlaybackProgram, describe_to_fpga_word
from fisch._run import RunTimeInfo, run
from fisch._words import (
    Barrier,
    NullPayloadReadable,
    Omnibus,
    PollingOmnibusBlock,
    ResetChip,
    SpikePack1ToChip,
    SpikePack2ToChip,
    SpikePack3ToChip,
    SystimeSync,
    Timer,
    WaitUntil,
)

__all__ = [
    "FPGA_CLOCK_CYCLES_PER_US",
    "FROM_FPGA_DICTIONARY",
    "MADC_SAMPLE_DTYPE",
    "PLAYBACK_MEMORY_SIZE_TO_FPGA",
    "SPIKE_DTYPE",
    "TO_FPGA_DICTIONARY",
    "Barrier",
    "ChipTime",
    "Container",
    "ContainerTicket",
    "FPGATime",
    "Field",
    "FromFPGAMessages",
    "HighspeedLinkNotification",
    "I2CAD5252RwRegister",
    "I2CAckMissingError",
    "I2CDAC6573RwRegister",
    "I2CINA219RoRegister",
    "I2CINA219RwRegister",
    "I2CIdRegister",
    "I2CTCA9546Register",
    "I2CTCA9554RoRegister",
    "I2CTCA9554RwRegister",
    "I2CTempRegister",
    "Instruction",
    "JTAGClockScaler",
    "JTAGIdCode",
    "JTAGPLLRegister",
    "JTAGPhyRegister",
    "MADCSampleFromChip",
    "NullPayloadReadable",
    "Omnibus",
    "OmnibusChipOverJTAG",
    "PlaybackProgram",
    "PlaybackProgramBuilder",
    "PollingOmnibusBlock",
    "ResetChip",
    "ResetJTAGTap",
    "RunTimeInfo",
    "SPIDACControlRegister",
    "SPIDACDataRegister",
    "SPIShiftRegister",
    "SpikeFromChip",
    "SpikePack1ToChip",
    "SpikePack2ToChip",
    "SpikePack3ToChip",
    "SystimeSync",
    "TimeoutNotification",
    "Timer",
    "WaitUntil",
    "chip_model_version",
    "containers",
    "decode_from_fpga",
    "decode_to_fpga",
    "describe_to_fpga_word",
    "encode_from_fpga",
    "encode_to_fpga",
    "instruction",
    "instructions",
    "run",
]
