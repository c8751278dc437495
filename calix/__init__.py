"""Calibration of the BrainScaleS-2 SDK, built on ``stadls`` and mirroring the real calix.

It will hold calibration routines whose results are ``haldls.lola`` containers or
coordinate/container lists that can be applied to a playback program builder or handed to the
PyNN frontend as ``initial_config``.
"""

__all__: list[str] = []
