"""FPGA word layer of the BrainScaleS-2 SDK, mirroring the real fisch and hxcomm.

It will hold the FPGA word containers (``Omnibus``, ``Timer``, ``WaitUntil``, ``Barrier``,
``SpikePack1ToChip`` … ``SpikePack3ToChip``, ``ResetChip``, JTAG words), the bit-exact UT message
dictionary and codec, a word-level ``PlaybackProgramBuilder``, the response decoder (tickets,
spikes, MADC samples, timeouts, chip-time reconstruction) and ``fisch.connection`` with its
executors (chip model, Ethernet HostARQ/UDP, setup emulator, zero mock). Today it exposes only the
version of the compiled chip model.
"""

from fisch._chip import chip_model_version

__all__: list[str] = ["chip_model_version"]
