"""Hypothesis strategies for random valid haldls containers, shared by the test modules.

Test modules cannot import each other (importlib mode); pytest puts ``tests/support`` on
``sys.path`` (``pythonpath`` in pyproject), so they import this module by name.
"""

from __future__ import annotations

import enum
from typing import Any

from hypothesis import strategies as st

import haldls
from halco.common import Coordinate
from haldls._field import Field
from haldls._struct import StructArrayField

__all__ = ["container_strategy", "field_strategy", "random_coord", "written"]


def field_strategy(f: Field) -> st.SearchStrategy[Any]:
    """Return random valid values of a container field (lists for array fields).

    Raises
    ------
    AssertionError
        If the field's type has no strategy.
    """
    typ = f.typ
    if isinstance(f, StructArrayField):
        entry = st.fixed_dictionaries({m.name: field_strategy(m) for m in typ._fields})
        return st.lists(entry, min_size=f.key.size, max_size=f.key.size)
    if typ is bool:
        one: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(typ, tuple):
        one = st.integers(min(t.min for t in typ), max(t.max for t in typ))
    elif isinstance(typ, type) and issubclass(typ, enum.IntEnum):
        one = st.sampled_from(list(typ))
    elif isinstance(typ, type) and issubclass(typ, Coordinate):
        one = st.integers(typ.min, typ.max)
    else:
        raise AssertionError(f"no strategy for field {f.name}: {typ!r}")
    if f.array:
        return st.lists(one, min_size=f.key.size, max_size=f.key.size)  # type: ignore[attr-defined]
    return one


def container_strategy(ctype: type[haldls.Container]) -> st.SearchStrategy[haldls.Container]:
    """Return random valid containers of one type."""
    return st.fixed_dictionaries({f.name: field_strategy(f) for f in ctype._fields}).map(
        lambda kw: ctype(**kw)
    )


def random_coord(ctype: Any, data: st.DataObject) -> Any:
    """Draw a random coordinate of the container type ``ctype``."""
    t = ctype.coordinate_type
    return t(data.draw(st.integers(t.min, t.max)))


def written(c: haldls.Container) -> haldls.Container:
    """What reading back gives after writing ``c`` over zeros: bytes a write left out stay 0."""
    if not type(c).byte_enabled:
        return c
    out = []
    for w in c.encode_words():
        kept = sum(0xFF << 8 * i for i in range(4) if not w >> (32 + i) & 1)
        out.append(w & kept)
    return type(c).decode(out)
