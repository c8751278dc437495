"""A vectorised column encoder: N containers' raw field values to register words at once.

The field table of a container type is flattened once into raw columns (one per scalar field,
per array entry, per struct-array entry and member) and bit segments. Encoding then costs a
fixed number of numpy operations over an (N x columns) matrix, whatever the number of fields:
one range check, one mask/invert, one gather of every segment and one sum per word (the
segments of a word hold disjoint bits, so summing them is OR-ing them). Fields with their own
``encode_array`` (hardware quirks such as partly inverted arrays) are encoded by it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from haldls._field import ArrayField, CodedField, Field
from haldls._struct import StructArrayField

__all__ = ["ColumnEncoder"]

Int64s = npt.NDArray[np.int64]


class _Part:
    """One field's share of the raw matrix: columns ``lo:hi`` and their leaf fields."""

    def __init__(self, field: Field, lo: int, leaves: Sequence[Field]) -> None:
        self.field, self.lo, self.leaves = field, lo, leaves
        self.hi = lo + len(leaves)
        self.shape = field.shape


def _leaves(f: Field) -> list[tuple[Field, Any]] | None:
    """Return (leaf field, placement) per raw column of ``f``, or None if ``f`` encodes itself."""
    t = type(f)
    if t is Field or t is CodedField:
        return [(f, f.segs)]
    if t is ArrayField and isinstance(f, ArrayField):
        return [(f, segs) for segs in f.entry_segs]
    if isinstance(f, StructArrayField) and type(f).encode_array is StructArrayField.encode_array:
        members = f.members
        if any(type(m) is not ArrayField for m in members):
            return None
        return [(m, m.entry_segs[e]) for e in range(f.key.size) for m in members]
    return None


class ColumnEncoder:
    """The flattened field table of one container type (built once per type)."""

    def __init__(self, cls: Any) -> None:
        self.cls = cls
        self.parts: list[_Part] = []
        self.others: list[Field] = []  # fields that encode themselves
        leaves: list[Field] = []
        segs: list[tuple[int, int, int, int, int]] = []  # column, shift, width, word, lsb
        for f in cls._fields:
            cols = _leaves(f)
            if cols is None:
                self.others.append(f)
                continue
            self.parts.append(_Part(f, len(leaves), [leaf for leaf, _ in cols]))
            for leaf, placement in cols:
                shift = 0
                for s in placement:
                    segs.append((len(leaves), shift, s.width, s.word, s.lsb))
                    shift += s.width
                leaves.append(leaf)
        self.columns = len(leaves)
        # per-column constants as (columns x 1), to broadcast over the (columns x N) matrix
        self.lo = np.array([[leaf.kind.lo] for leaf in leaves], np.int64).reshape(-1, 1)
        self.hi = np.array([[leaf.kind.hi] for leaf in leaves], np.int64).reshape(-1, 1)
        self.mask = np.array([leaf.bits_mask for leaf in leaves], np.int64).reshape(-1, 1)
        flip = [leaf.bits_mask if leaf.invert else 0 for leaf in leaves]
        self.flip = np.array(flip, np.int64).reshape(-1, 1)
        self.any_flip = bool(self.flip.any())
        self.allowed = [
            (j, leaf.kind.allowed) for j, leaf in enumerate(leaves) if leaf.kind.allowed is not None
        ]
        self.permuted = [(j, leaf.lut) for j, leaf in enumerate(leaves) if leaf.perm]
        self.coded = [(j, leaf) for j, leaf in enumerate(leaves) if isinstance(leaf, CodedField)]
        segs.sort(key=lambda s: (s[3], s[0]))  # by word: each word's segments are contiguous
        table = np.array(segs, np.int64).reshape(-1, 5)
        self.seg_col = table[:, 0].astype(np.intp)
        self.seg_shift, self.seg_lsb = table[:, 1:2], table[:, 4:5]
        self.seg_mask = (np.int64(1) << table[:, 2:3]) - 1
        self.seg_words, self.seg_starts = np.unique(table[:, 3], return_index=True)
        self.one_per_word = len(self.seg_words) == len(self.seg_col)
        # every column is one segment of its own width: no shift and no mask per segment
        self.simple = not self.seg_shift.any() and bool(
            np.array_equal(self.seg_mask, self.mask[self.seg_col])
        )
        self.words = cls.words
        plain = (
            len(self.parts) == 1 and not self.parts[0].shape and not self.others and self.simple
        ) and not (self.allowed or self.permuted or self.coded)
        self.scalar = self.parts[0].field if plain else None
        self.fixed = np.array(cls._fixed, np.int64).reshape(-1, 1)

    def _raw(self, columns: Mapping[str, npt.ArrayLike], n: int) -> Int64s:
        raw = np.empty((self.columns, n), np.int64)  # column-major: long contiguous rows
        for p in self.parts:
            f = p.field
            if f.name in columns:
                values = np.asarray(columns[f.name])
            else:
                values = np.asarray(f.raw(f.fresh_default()))
            if values.shape == (n, *p.shape):
                raw[p.lo : p.hi] = values.reshape(n, p.hi - p.lo).T
            elif values.ndim == 0 or values.shape == p.shape:
                raw[p.lo : p.hi] = values.reshape(-1, 1)
            else:
                owner = getattr(f, "owner", None) or f.kind.owner
                raise ValueError(f"{owner}: expected shape {(n, *p.shape)}, got {values.shape}")
        return raw

    def _check(self, raw: Int64s) -> None:
        if not raw.size:
            return
        bad = (raw.min(axis=1, keepdims=True) < self.lo) | (
            raw.max(axis=1, keepdims=True) > self.hi
        )
        for j, allowed in self.allowed:
            bad[j] |= ~np.isin(raw[j], allowed).all()
        if bad.any():  # let the offending field name itself
            for p in self.parts:
                if bad[p.lo : p.hi].any():
                    for k, leaf in enumerate(p.leaves):
                        leaf.kind.check_raw(raw[p.lo + k])

    def _encode_scalar(self, columns: Mapping[str, npt.ArrayLike], n: int) -> Int64s:
        f = self.scalar
        assert f is not None
        raw = np.asarray(columns[f.name] if f.name in columns else f.raw(f.fresh_default()))
        if raw.shape != (n,):
            if raw.ndim:
                raise ValueError(f"{f.kind.owner}: expected shape {(n,)}, got {raw.shape}")
            raw = np.broadcast_to(raw, (n,))
        raw = raw.astype(np.int64, copy=False)
        lo, hi = raw.min(), raw.max()
        if lo < f.kind.lo or hi > f.kind.hi:
            f.kind.check_raw(raw)
        bits = raw & f.bits_mask
        if f.invert:
            bits ^= f.bits_mask
        out = (bits << int(self.seg_lsb[0, 0])) | int(self.fixed[int(self.seg_words[0]), 0])
        if self.words == 1:
            return out.reshape(n, 1)
        words = np.zeros((n, self.words), np.int64)
        words[:, int(self.seg_words[0])] = out
        words |= self.fixed.reshape(-1)
        return words

    def encode(self, columns: Mapping[str, npt.ArrayLike], n: int) -> Int64s:
        """Return the register words (N x words, int64) of N containers' raw values.

        Raises
        ------
        CoordinateRangeError
            If a value lies outside its field's range.
        ValueError
            If a column has the wrong shape.
        """
        if self.scalar is not None and n > 0:  # one plain column: a few operations
            return self._encode_scalar(columns, n)
        raw = self._raw(columns, n)
        self._check(raw)
        bits = raw & self.mask
        if self.any_flip:
            bits ^= self.flip
        for j, lut in self.permuted:
            bits[j] = lut[bits[j]]
        for j, leaf in self.coded:
            bits[j] = leaf.to_code(raw[j])
        parts = bits[self.seg_col]
        if not self.simple:
            parts >>= self.seg_shift
            parts &= self.seg_mask
        parts <<= self.seg_lsb
        out = np.zeros((self.words, n), np.int64)
        if self.one_per_word:
            out[self.seg_words] = parts
        elif len(self.seg_col):
            out[self.seg_words] = np.add.reduceat(parts, self.seg_starts, axis=0)
        out |= self.fixed
        words = out.T
        for f in self.others:
            value = columns[f.name] if f.name in columns else f.raw(f.fresh_default())
            f.encode_array(value, words)
        return words
