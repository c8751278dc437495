"""Placeholder: containers of this area are being added (issue 4)."""

from __future__ import annotations

__all__: list[str] = []
