"""On-chip Poisson sources (``SpikeSourcePoissonOnChip``): generator settings and labels.

A population of n sources uses the background generator of its PADI bus in each hemisphere
(generator h * 4 + bus). Each event carries the label ``(1 << 13) | (bus << 11) | (select << 6)``
with its low k bits random (k = ceil(log2 n), the mask), so that an event picks one of 2^k
labels; label i < n is source i. Bit 13 marks background events among the recorded ones
(neurons' labels stay below 2048); the router's block on the bus gives the row select.

Generator settings (reference bss2-frontend.md §2.5.3), f = 250 MHz, r_tot = rate * 2^k (every
label at ``rate``): ``Rate = round(255 r_tot / f)``, ``p = (Rate + 1) / 256``,
``Period = round(f / r_tot * p) - 1``; an event comes after a geometric number of
(Period + 1)-tick bins of success probability p. Decision: the top hemisphere's generators
send their events to the FPGA too (recorded spikes are theirs; the bottom one draws its own).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import halco
import haldls

__all__ = ["MARK", "disable", "enable", "settings", "sources_of"]

CLOCK = 250e6  # Hz: the generators' clock
MARK = 1 << 13


def settings(pop: Any) -> tuple[int, int, int, int]:
    """Return (rate register, period, mask, seed) of population `pop`.

    Raises
    ------
    ValueError
        If rate or seed differ between its sources, or the seed is out of 32 bits.
    RuntimeError
        If the total rate cannot be realised (above the clock, or below one event per the
        longest period).
    """
    rates, seeds = np.unique(pop._parameters["rate"]), np.unique(pop._parameters["seed"])
    if rates.size != 1 or seeds.size != 1:
        raise ValueError(
            "SpikeSourcePoissonOnChip: rate and seed must be the same for the whole population, "
            f"got rates {rates.tolist()} and seeds {seeds.tolist()}"
        )
    seed = int(seeds[0])
    if not 0 <= seed < 1 << 32:
        raise ValueError(f"SpikeSourcePoissonOnChip: seed must be in [0, 2**32), got {seed}")
    k = int(np.ceil(np.log2(pop.size))) if pop.size > 1 else 0
    total = float(rates[0]) * (1 << k)
    if not 0 < total <= CLOCK:
        raise RuntimeError(
            "The chosen Poisson rate can not be realized on hardware. The product of rate and "
            f"number of neurons is too high in this population: {rates[0]} Hz x {1 << k} labels "
            f"= {total:.4g} Hz, the generator's clock {CLOCK:.4g} Hz"
        )
    rate = int(np.clip(round(255 * total / CLOCK), 0, 255))
    p = (rate + 1) / 256
    period = round(CLOCK / total * p) - 1
    if period > 65535:
        raise RuntimeError(
            "The chosen Poisson rate can not be realized on hardware: "
            f"{total:.4g} Hz in all is below the slowest the generator draws "
            f"({CLOCK / 256 / 65536:.4g} Hz)"
        )
    return rate, max(period, 0), (1 << k) - 1, seed


def enable(builder: Any, pop: Any, selects: dict[tuple[int, int], int]) -> None:
    """Start `pop`'s generators (both hemispheres) with the rows selects of its blocks."""
    rate, period, mask, seed = settings(pop)
    bus = pop.background_bus
    for h in (0, 1):
        label = MARK | (bus << 11) | (selects.get((h, bus), 0) << 6)
        source = haldls.BackgroundSpikeSource(
            enable=True, enable_random=True, period=period, rate=rate, seed=seed, mask=mask,
            neuron_label=label,
        )  # fmt: skip
        builder.write(halco.BackgroundSpikeSourceOnDLS(h * 4 + bus), source)


def disable(builder: Any, pop: Any) -> None:
    """Stop `pop`'s generators."""
    for h in (0, 1):
        coord = halco.BackgroundSpikeSourceOnDLS(h * 4 + pop.background_bus)
        builder.write(coord, haldls.BackgroundSpikeSource())


def sources_of(labels: npt.NDArray[np.int64], pops: list[Any]) -> npt.NDArray[np.int64]:
    """Return the ID of the on-chip source of each recorded 14-bit label (-1: none)."""
    out = np.full(labels.size, -1, np.int64)
    marked = (labels & MARK) != 0
    for pop in pops:
        mine = marked & (((labels >> 11) & 3) == pop.background_bus)
        index = labels & 63
        ok = mine & (index < pop.size)
        ids = np.asarray([int(c) for c in pop.all_cells], np.int64)
        out[ok] = ids[index[ok]]
    return out
