"""Exceptions raised by fisch.

Each subclasses the builtin a caller would naturally catch; messages name the value, the field
and what is allowed.
"""

from __future__ import annotations

__all__ = [
    "ConnectionUnavailableError",
    "FieldRangeError",
    "NotReadableError",
    "NotWritableError",
    "PlaybackMemoryError",
    "PlaybackMemoryWarning",
    "RunError",
    "TicketNotReadyError",
    "TransportError",
    "UTDecodeError",
    "UnknownInstructionError",
]


class FieldRangeError(ValueError, OverflowError):
    """A payload or word value does not fit its field (never truncated silently)."""


class UTDecodeError(ValueError):
    """A UT word stream (either direction) that is truncated or malformed."""


class UnknownInstructionError(UTDecodeError, LookupError):
    """A UT message header or instruction name that is not in its dictionary."""


class NotReadableError(TypeError):
    """``read()`` of a container that cannot be read (the real stack's ``logic_error``)."""


class NotWritableError(TypeError):
    """``write()`` of a container that cannot be written."""


class TicketNotReadyError(RuntimeError):
    """A ticket was asked for data before its program ran (or the run lacked that data)."""


class RunError(RuntimeError):
    """A program ran but failed: a playback timeout, missing responses, or no halt."""


class ConnectionUnavailableError(ConnectionError):
    """No connection could be chosen or opened."""


class TransportError(ConnectionError):
    """A connection's transport failed during a program (the setup stopped answering)."""


class PlaybackMemoryError(ValueError):
    """A program is larger than the FPGA's playback memory and a connection refuses it."""


class PlaybackMemoryWarning(UserWarning):
    """A program is larger than the FPGA's playback memory; timing is not guaranteed."""
