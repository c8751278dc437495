"""Synapse types: ``StaticSynapse`` with integer hardware weights and no delay."""

from __future__ import annotations

from typing import Any

from pyNN.standardmodels import build_translations
from pyNN.standardmodels import synapses as standard

__all__ = ["StaticSynapse"]


class StaticSynapse(standard.StaticSynapse):
    """A fixed weight (hardware units: 0..63 per synapse, larger ones split) and delay 0.

    Weights are rounded to integers; excitatory weights must be >= 0, inhibitory <= 0.
    """

    translations = build_translations(("weight", "weight"), ("delay", "delay"))

    def _get_minimum_delay(self) -> float:
        return 0.0

    def __init__(self, **parameters: Any) -> None:
        """As PyNN's, with delay 0 only.

        Raises
        ------
        ValueError
            For a delay other than 0.
        """
        delay = parameters.get("delay")
        if delay is not None and delay != 0:
            raise ValueError(f"Setting the delay unequal 0 is not supported (delay={delay!r}).")
        super().__init__(**parameters)
