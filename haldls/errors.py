"""Exceptions raised by haldls (besides the halco range and type errors of field values).

Each subclasses the builtin a caller would naturally catch; messages name the container, the
field or word, the value and what is allowed.
"""

from __future__ import annotations

__all__ = ["ContainerDecodeError"]


class ContainerDecodeError(ValueError):
    """Register words that are no valid encoding of a container (count, stray bits, values)."""
