"""Struct arrays held as one int64 table: a row per entry, a column per field.

Large arrays of small structs (the crossbar's nodes, a hemisphere's synapse drivers, CADC
channels, column switches) encode from the table's columns without touching one Python object
per entry; ``array[i]`` returns a live view whose fields read and write row ``i``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from halco.common import Coordinate, TypedArray
from haldls._container import Container
from haldls._field import CodedField, Field
from haldls._struct import Struct
from haldls.lola._base import ItemArrayField, Slot

__all__ = ["RowValues", "TableArray", "TableArrayField", "table_columns", "table_slot"]


class RowValues(MutableMapping[str, Any]):
    """The field storage of a struct view: the columns of one row of an int64 table.

    ``cols`` maps field names to (table column, field kind); values arrive coerced by the
    field descriptors and are stored as their raw integers.
    """

    __slots__ = ("cols", "index", "table")

    def __init__(
        self, table: npt.NDArray[np.int64], index: int, cols: dict[str, tuple[int, Any]]
    ) -> None:
        self.table, self.index, self.cols = table, index, cols

    def __getitem__(self, name: str) -> Any:
        j, kind = self.cols[name]
        return kind.from_int(int(self.table[self.index, j]))

    def __setitem__(self, name: str, value: Any) -> None:
        self.table[self.index, self.cols[name][0]] = int(value)

    def __delitem__(self, name: str) -> None:
        raise TypeError("fields cannot be deleted")

    def __iter__(self) -> Iterator[str]:
        return iter(self.cols)

    def __len__(self) -> int:
        return len(self.cols)


def table_columns(struct: type[Struct]) -> dict[str, tuple[int, Any]]:
    """Return a struct's table layout: field name -> (column, kind), in field order.

    Raises
    ------
    TypeError
        If a field is not a plain scalar (bool, enum, ranged or analog value).
    """
    cols = {}
    for j, f in enumerate(struct._fields):
        if type(f) not in (Field, CodedField):
            raise TypeError(f"{struct.__qualname__}.{f.name} cannot live in a table")
        cols[f.name] = (j, f.kind)
    return cols


class TableArray(TypedArray[Any]):
    """A typed array of structs stored as one int64 table (a row per entry, a column per field).

    Entries are live views (``drivers[3].enable_receiver = True`` edits the table); assigning
    an entry copies a struct or a dict of its fields. ``table`` is the raw form, in the
    struct's field order.
    """

    __slots__ = ("cols", "owner", "struct", "table")

    def __init__(
        self,
        key: type[Coordinate],
        struct: type[Struct],
        table: npt.NDArray[np.int64],
        owner: str = "",
    ) -> None:
        self._key, self._value_type = key, None
        self.struct, self.table, self.cols = struct, table, table_columns(struct)
        self.owner = owner or struct.__qualname__

    def _view(self, i: int) -> Any:
        view = self.struct.__new__(self.struct)
        view._values = RowValues(self.table, i, self.cols)
        return view

    def __getitem__(self, key: object) -> Any:
        return self._view(self._index(key))

    def row(self, value: Any, owner: str) -> list[int]:
        """Return the raw row of a struct (or a dict of its fields).

        Raises
        ------
        TypeError
            If ``value`` is neither.
        """
        if isinstance(value, dict):
            value = self.struct(**value)
        if type(value) is not self.struct:
            raise TypeError(
                f"{owner} entries must be {self.struct.__qualname__} or a dict of its fields, "
                f"got {type(value).__name__}"
            )
        values = value._values
        return [int(values[name]) for name in self.cols]

    def __setitem__(self, key: object, value: Any) -> None:
        self.table[self._index(key)] = self.row(value, self.owner)

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self) -> Iterator[Any]:
        return (self._view(i) for i in range(len(self.table)))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TableArray)
            and other.struct is self.struct
            and bool(np.array_equal(self.table, other.table))
        )

    def fill(self, value: Any) -> None:
        """Set every entry to a copy of ``value``."""
        self.table[:] = self.row(value, self.owner)

    def to_numpy(self) -> Any:
        """Return the raw table (entries x fields, in field order), a copy."""
        return self.table.copy()

    def columns(self) -> dict[str, npt.NDArray[np.int64]]:
        """Return the raw field columns (views of the table)."""
        return {name: self.table[:, j] for name, (j, _) in self.cols.items()}

    def store(self, columns: Mapping[str, npt.NDArray[np.int64]]) -> None:
        """Set the table from raw field columns (as ``decode_columns`` gives them)."""
        for name, (j, _) in self.cols.items():
            self.table[:, j] = columns[name]


class TableArrayField(ItemArrayField):
    """An array of plain-field structs over a halco key, held as a ``TableArray``."""

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        table_columns(self.typ)  # fail early on a struct that cannot live in a table
        default = self.typ()
        self.default_row = np.array([int(v) for _, v in default.fields()], np.int64)

    def fresh_default(self) -> TableArray:
        table = np.tile(self.default_row, (self.key.size, 1))
        return TableArray(self.key, self.typ, table, self.owner)

    def __set__(self, obj: Any, value: Any) -> None:
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
            raise TypeError(f"{self.owner} must be an iterable of {self.key.size} entries")
        array = self.fresh_default()
        if isinstance(value, TableArray) and value.struct is self.typ:
            rows: Any = value.table
        else:
            rows = [array.row(v, self.owner) for v in value]
        if len(rows) != self.key.size:
            raise ValueError(f"{self.owner} needs {self.key.size} entries, got {len(rows)}")
        array.table[:] = rows
        obj._values[self.name] = array


def table_slot(
    container_type: type[Container],
    coords: Callable[[], Sequence[Coordinate]],
    array: Callable[[], TableArray],
) -> Slot:
    """Return a slot over a table array of leaf containers (their raw columns, no objects)."""
    return Slot(
        container_type,
        len(array()),
        coords,
        lambda: array().columns(),
        lambda columns: array().store(columns),
    )
