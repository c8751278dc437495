"""Spike trains as to-FPGA words in one vectorised step (a bulk path for input spikes).

A train is a sorted array of times (FPGA timer cycles since its last reset) and 16-bit spike
labels. Each distinct time becomes one ``WaitUntil``; the labels sent at that time follow in
packs of up to three (``SpikePack1/2/3ToChip``, the first label in the most significant bits), as
one playback instruction carries at most three.

>>> [hex(w) for w in encode_spike_train([100, 100, 250], [1, 2, 3])]
['0x500000000000064', '0xe00000000010002', '0x5000000000000fa', '0xd00000000000003']
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

import fisch

__all__ = ["encode_spike_train"]

_WAIT = fisch.instruction("timing.WaitUntil").index
#: Header of a pack of n labels, at index n.
_PACK = np.array([0] + [fisch.instruction(f"event_to_fpga.SpikePack{n}").index for n in (1, 2, 3)])


def _checked(values: npt.ArrayLike, what: str, top: int) -> npt.NDArray[np.int64]:
    a = np.asarray(values)
    if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
        raise TypeError(f"spike {what} must be a 1-D integer array, got {a.dtype} {a.shape}")
    a = a.astype(np.int64)
    bad = (a < 0) | (a > top)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"spike {what}[{i}] must be in [0, {top}], got {int(a[i])}")
    return a


def encode_spike_train(times: npt.ArrayLike, labels: npt.ArrayLike) -> npt.NDArray[np.uint64]:
    """Return the to-FPGA words that send ``labels[i]`` when the timer reaches ``times[i]``.

    Raises
    ------
    TypeError
        If an argument is not a 1-D integer array.
    ValueError
        If the lengths differ, a time lies outside 32 bits, a label outside 16 bits, or the
        times decrease.
    """
    t = _checked(times, "times", 0xFFFF_FFFF)
    label = _checked(labels, "labels", 0xFFFF)
    if t.size != label.size:
        raise ValueError(f"{t.size} spike times but {label.size} labels")
    if t.size and (np.diff(t) < 0).any():
        i = int(np.argmax(np.diff(t) < 0)) + 1
        raise ValueError(f"spike times must not decrease: times[{i}] = {t[i]} < {t[i - 1]}")
    if not t.size:
        return np.zeros(0, np.uint64)
    n = t.size
    new_time = np.empty(n, bool)
    new_time[0] = True
    np.not_equal(t[1:], t[:-1], out=new_time[1:])
    if new_time.all():  # the common case, one spike per time: WaitUntil, SpikePack1, ...
        pair_payloads = np.empty((n, 2), np.uint64)
        pair_payloads[:, 0], pair_payloads[:, 1] = t, label
        pair_headers = np.empty((n, 2), np.int64)
        pair_headers[:, 0], pair_headers[:, 1] = _WAIT, _PACK[1]
        return fisch.encode_to_fpga(pair_headers.reshape(-1), pair_payloads.reshape(-1))
    group_start = np.flatnonzero(new_time)
    group_size = np.diff(np.r_[group_start, n])
    within = np.arange(n) - np.repeat(group_start, group_size)  # index within the time's group
    pack_start = np.flatnonzero(within % 3 == 0)
    pack_size = np.minimum(3, np.repeat(group_size, (group_size + 2) // 3) - within[pack_start])
    payload = np.zeros(pack_start.size, np.uint64)
    for k in range(3):
        has = pack_size > k
        shift = (16 * (pack_size[has] - 1 - k)).astype(np.uint64)
        payload[has] |= label[pack_start[has] + k].astype(np.uint64) << shift
    # each group: its WaitUntil, then its packs
    packs_per_group = (group_size + 2) // 3
    wait_at = np.arange(group_start.size) + np.r_[0, np.cumsum(packs_per_group)[:-1]]
    headers = np.empty(group_start.size + pack_start.size, np.int64)
    payloads = np.empty(headers.size, np.uint64)
    is_wait = np.zeros(headers.size, bool)
    is_wait[wait_at] = True
    headers[is_wait], payloads[is_wait] = _WAIT, t[group_start].astype(np.uint64)
    headers[~is_wait], payloads[~is_wait] = _PACK[pack_size], payload
    return fisch.encode_to_fpga(headers, payloads)
