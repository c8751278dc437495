"""PyNN backend of the BrainScaleS-2 SDK.

It will hold a real PyNN backend (subclassing ``pyNN.common``) that mirrors
``pynn_brainscales.brainscales2``, so that BrainScaleS-2 tutorial scripts run with one changed
import; times are milliseconds of hardware time, and it goes beyond the original where a
simulator-backed chip allows.
"""

__all__: list[str] = []
