"""Cell types: ``HXNeuron`` and the external spike sources.

``HXNeuron`` holds the raw circuit parameters of one ``lola.AtomicNeuron``; the external
sources are ``SpikeSourceArray`` and ``SpikeSourcePoisson``.

Every parameter is ``<member>_<field>`` of ``haldls.lola.AtomicNeuron`` (``leak_v_leak``,
``threshold_enable``, ...), with the default of a default-constructed AtomicNeuron: a silent
neuron. Enumerations are their integer values; CapMem values 0..1022. The fields the backend
sets itself (the analog fire output, the digital event output, the readout switches and source)
are hidden: naming one raises ``pyNN.errors.NonExistentParameterError``.

``SpikeSourcePoisson`` draws its trains on the host, as the real backend does: per source
n ~ Poisson(duration * rate / 1000) spikes, uniform in [start, start + duration), from numpy's
global random state (``np.random.seed`` makes them repeat); a source keeps its train until its
parameters change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
from pyNN.standardmodels import StandardCellType, build_translations
from pyNN.standardmodels import cells as standard

from haldls import lola

__all__ = [
    "HXNeuron",
    "SpikeSourceArray",
    "SpikeSourcePoisson",
    "SpikeSourcePoissonOnChip",
    "atomic_neuron",
    "field_path",
    "flat_parameters",
    "spike_times",
]

#: Fields the backend sets (as the real stack: event routing for spiking, readout for recording).
HIDDEN = frozenset(
    {
        "event_routing_analog_output",
        "event_routing_enable_digital",
        "readout_source",
        "readout_enable_amplifier",
        "readout_enable_buffered_access",
    }
)

#: Readout sources of the analog recordables (NeuronConfig.ReadoutSource).
READOUT_SOURCE = {"v": 0, "exc_synin": 1, "inh_synin": 2, "adaptation": 3}


def flat_parameters(neuron: lola.AtomicNeuron) -> dict[str, Any]:
    """Flatten `neuron` into ``<member>_<field>`` parameters (hidden ones included), as ints."""
    out: dict[str, Any] = {}
    for member in neuron.field_names():
        for field, value in getattr(neuron, member).to_dict().items():
            out[f"{member}_{field}"] = value if isinstance(value, bool) else int(value)
    return out


def atomic_neuron(parameters: Mapping[str, Any], base: lola.AtomicNeuron | None = None) -> Any:
    """Build an AtomicNeuron: `base` (default: a silent one) with the flat `parameters` in.

    Raises
    ------
    KeyError
        If a name is no flat AtomicNeuron field.
    ValueError, TypeError
        If a value is outside its field's range (the field's own check).
    """
    neuron = lola.AtomicNeuron() if base is None else base.copy()
    for name, value in parameters.items():
        member, field = _split(name)
        value = bool(value) if isinstance(_DEFAULTS[name], bool) else int(value)
        setattr(getattr(neuron, member), field, value)  # (the member is the neuron's own)
    return neuron


def field_path(name: str) -> str:
    """Return the AtomicNeuron path ("leak.v_leak") of a flat parameter name ("leak_v_leak").

    Raises
    ------
    KeyError
        If `name` is no flat AtomicNeuron field.
    """
    return ".".join(_split(name))


def _split(name: str) -> tuple[str, str]:
    for member in _MEMBERS:
        if name.startswith(member + "_"):
            return member, name[len(member) + 1 :]
    raise KeyError(f"{name!r} is no AtomicNeuron parameter")


_MEMBERS = sorted(lola.AtomicNeuron.field_names(), key=len, reverse=True)
_DEFAULTS = flat_parameters(lola.AtomicNeuron())


class HXNeuron(StandardCellType):
    """One neuron circuit with its raw parameters (CapMem LSB, switches, small integers).

    Recordables: ``spikes`` and one analog observable per neuron (``v``, ``exc_synin``,
    ``inh_synin``, ``adaptation``, raw MADC LSB). Receptors ``excitatory`` and ``inhibitory``.
    """

    default_parameters: ClassVar = {k: v for k, v in _DEFAULTS.items() if k not in HIDDEN}
    translations = build_translations(*[(k, k) for k in default_parameters])
    default_initial_values: ClassVar[dict[str, float]] = {}
    recordable: ClassVar = ["spikes", *READOUT_SOURCE]
    units: ClassVar = dict.fromkeys(READOUT_SOURCE, "dimensionless")
    receptor_types = ("excitatory", "inhibitory")
    conductance_based = False
    injectable = False

    def __init__(self, **parameters: Any) -> None:
        """Take the parameters as PyNN does, and keep their names (``given``).

        With ``setup(initial_config=...)`` the others come from the chip's neuron at the circuit
        a neuron is placed on.

        Raises
        ------
        pyNN.errors.NonExistentParameterError
            For a name that is no (visible) AtomicNeuron parameter.
        """
        super().__init__(**parameters)
        self.given = frozenset(parameters)


class SpikeSourceArray(standard.SpikeSourceArray):
    """Spikes at given times (ms; one list for all, or one ``Sequence`` per source)."""

    translations = build_translations(("spike_times", "spike_times"))


class SpikeSourcePoisson(standard.SpikeSourcePoisson):
    """Poisson spikes at ``rate`` (Hz) from ``start`` for ``duration`` (ms), drawn on the host."""

    translations = build_translations(
        ("rate", "rate"), ("start", "start"), ("duration", "duration")
    )


def spike_times(pop: Any) -> dict[int, npt.NDArray[np.float64]]:
    """Return each source's spike times (ms) of an external source population by ID.

    Raises
    ------
    TypeError
        For a population of another cell type.
    """
    p = pop._parameters
    ids = [int(c) for c in pop.all_cells]
    if isinstance(pop.celltype, standard.SpikeSourceArray):
        return {
            i: np.sort(np.asarray(t.value, np.float64))
            for i, t in zip(ids, p["spike_times"], strict=True)
        }
    if isinstance(pop.celltype, standard.SpikeSourcePoisson):
        cache: dict[int, Any] = pop.__dict__.setdefault("_poisson_trains", {})
        out = {}
        for k, i in enumerate(ids):
            key = (float(p["rate"][k]), float(p["start"][k]), float(p["duration"][k]))
            if cache.get(i, (None,))[0] != key:
                rate, start, duration = key
                n = np.random.poisson(  # noqa: NPY002 (the global state, as the real one)
                    max(duration * rate / 1000.0, 0.0)
                )
                times = np.random.uniform(start, start + duration, n)  # noqa: NPY002
                cache[i] = (key, np.sort(times))
            out[i] = cache[i][1]
        return out
    raise TypeError(f"{type(pop.celltype).__name__} is no external spike source")


class SpikeSourcePoissonOnChip(StandardCellType):
    """Poisson spikes at ``rate`` (Hz, each source) from an on-chip background generator.

    The population's sources share one generator per hemisphere on one PADI bus (the
    ``backgroundPermutation`` of ``setup``, default buses 3, 2, 1, 0 in creation order; at most
    four such populations); each event picks one of them at random. ``rate`` and ``seed`` are
    one value for the population; the generators' total rate (the rate times the sources,
    rounded up to a power of two) must stay within their 250 MHz clock. At most 64 sources.
    """

    default_parameters: ClassVar = {"rate": 1.0, "seed": 0}
    translations = build_translations(("rate", "rate"), ("seed", "seed"))
    default_initial_values: ClassVar[dict[str, float]] = {}
    recordable: ClassVar = ["spikes"]
    units: ClassVar = {"rate": "Hz", "seed": "dimensionless"}
    receptor_types = ()
    injectable = False
