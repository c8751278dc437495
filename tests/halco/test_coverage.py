"""Every public coordinate type is in the registry, and the registry is exported."""

from __future__ import annotations

import halco
from halco.common import Coordinate


def _all_subclasses(t: type) -> set[type]:
    found = set()
    for sub in t.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_every_coordinate_class_is_registered() -> None:
    defined = {
        t for t in _all_subclasses(Coordinate)
        if t.__module__.startswith("halco.") and not t.__name__.startswith("_")
        and t.__module__ not in ("halco._base", "halco.common")
        and t.__name__ not in ("TopBottom",)
    }  # fmt: skip
    registered = set(halco.coordinates.values())
    missing = sorted(t.__name__ for t in defined - registered)
    assert not missing, f"coordinates missing from the registry: {missing}"


def test_registry_is_exported_and_named_consistently() -> None:
    for name, t in halco.coordinates.items():
        assert name in halco.__all__
        assert t.__name__ == name
        assert getattr(halco, name) is t
    assert {"LogicalNeuronOnDLS", "LogicalNeuronCompartments"} <= set(halco.coordinates)
