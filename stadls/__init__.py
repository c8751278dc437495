"""Experiment control of the BrainScaleS-2 SDK.

It will hold the user-facing ``PlaybackProgramBuilder`` (``write``, ``read`` returning a ticket,
``block_until``, ``merge_back``, ``copy_back``, ``done``), the ``PlaybackProgram`` with spikes and
MADC samples as numpy structured arrays carrying the real field names, ``run(connection,
program)``, the ``SystemInit`` / ``ChipInit`` generators and the ``Dumper`` of recorded
coordinate/container pairs.
"""

__all__: list[str] = []
