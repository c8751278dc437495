"""Throughput of the FPGA word codec against the 1 GbE line rate, with peers from the same run.

Target (issue "fisch"): like the real hxcomm, bulk encode and bulk decode each exceed 125 MB/s
(1 GbE line rate; MB = 1e6 bytes, 8 bytes per 64-bit wire word) so that the codec is never the
bottleneck. Bulk encode: ``Omnibus.encode_write_array`` on 1 M integer writes (2 M words),
``encode_to_fpga`` on those 2 M messages and the builder path ``write_array`` + ``done()`` +
``to_fpga_words()``. Bulk decode: a ~16 MB response stream (spike packs of 1-3 events, Omnibus
data, Sysdelta, a final halt loopback) framed by ``decode_from_fpga`` and fully decoded by
``PlaybackProgram.push_from_fpga_words``. ``encode_from_fpga`` (the mock connection's encoder)
and the single-word path ``builder.write(OmnibusAddress(a), Omnibus(v))`` are informational;
the single-word peer is appending two Python ints to a list, the cheapest pure-Python per-word
path.

Run: ``python -P benchmarks/bench_fisch.py [--check]`` (``--check`` exits 1 if a target is
missed; ``-P`` keeps the source tree off ``sys.path`` so the installed package is measured).
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

import fisch
import halco

LINE_RATE = 125e6  # bytes per second, 1 GbE
WORD_BYTES = 8
N_WRITES = 1_000_000  # bulk to-FPGA: 2 M words = 16 MB
N_MESSAGES = 1_880_000  # bulk from-FPGA: ~16 MB of words
N_SINGLE = 50_000  # single-word builder writes per timing

# from-FPGA headers (reference §4.1): omnibus data, loopback, sysdelta, spike packs 1-3
OMNIBUS_DATA, LOOPBACK, SYSDELTA, SPIKE1, SPIKE2, SPIKE3 = 1, 2, 6, 10, 11, 12


def _best(stmt: Callable[[], object], number: int = 1, repeat: int = 7) -> float:
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number


def _response_stream(
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Return a from-FPGA stream, and the labels and chip times of its spikes in order.

    Each spike's 8-bit timestamp (250 MHz) lies 0-31 FPGA cycles before its message's FPGA time
    (one cycle per message, plus every Sysdelta's payload), as events do on hardware.
    """
    kinds = np.array([SPIKE1, SPIKE2, SPIKE3, OMNIBUS_DATA, SYSDELTA])
    h = rng.choice(kinds, size=N_MESSAGES - 1, p=[0.3, 0.25, 0.25, 0.1, 0.1])
    n = np.where(h >= SPIKE1, h - SPIKE1 + 1, 0)  # events per message
    payload = rng.integers(0, 2**32, size=h.size, dtype=np.uint64)  # Omnibus data
    payload[h == SYSDELTA] &= np.uint64(0xFF)
    time = np.cumsum(np.where(h == SYSDELTA, payload + np.uint64(1), np.uint64(1)))
    label = rng.integers(0, 2**16, size=(h.size, 3), dtype=np.uint64)
    chip = time[:, None] - rng.integers(0, 32, size=(h.size, 3), dtype=np.uint64)
    chip &= np.uint64(2**43 - 1)  # 43-bit system time: the first events wrap around
    half = rng.integers(0, 2, size=(h.size, 3), dtype=np.uint64)  # timestamp bit 0, 250 MHz
    ev = label | ((chip & np.uint64(0x7F)) << np.uint64(17)) | (half << np.uint64(16))
    spike = n > 0
    shift = (24 * np.clip(n[:, None] - 1 - np.arange(3), 0, None)).astype(np.uint64)
    packed = np.bitwise_or.reduce(np.where(np.arange(3) < n[:, None], ev << shift, 0), axis=1)
    payload[spike] = packed[spike]
    high = np.where(h == SPIKE3, ev[:, 0] >> np.uint64(16), 0).astype(np.uint64)
    zero = np.zeros(1, np.uint64)  # the halt loopback (payload 0) ends every response
    words = fisch.encode_from_fpga(np.append(h, LOOPBACK), np.append(payload, zero),
                                   np.append(high, zero))  # fmt: skip
    valid = np.arange(3) < n[:, None]
    return words, label[valid], chip[valid]


def _single_writes(pairs: list[tuple[int, int]]) -> None:
    builder = fisch.PlaybackProgramBuilder()
    write, address, omnibus = builder.write, halco.OmnibusAddress, fisch.Omnibus
    for a, v in pairs:
        write(address(a), omnibus(v))


def _peer_appends(pairs: list[tuple[int, int]]) -> None:
    out: list[int] = []
    append = out.append
    for a, v in pairs:
        append(a)
        append(v)


def _line(what: str, nbytes: int, target: bool, stmt: Callable[[], object]) -> bool:
    seconds = _best(stmt)
    rate = nbytes / seconds
    ok = rate >= LINE_RATE or not target
    tag = ("target >= 125 MB/s" if target else "informational") + ("" if ok else ", MISSED")
    print(f"{what:<52} {seconds * 1e3:8.2f} ms {rate / 1e6:8.0f} MB/s  "
          f"({rate / LINE_RATE:5.2f}x 125 MB/s; {tag})")  # fmt: skip
    return ok


def main() -> int:
    """Measure, print figures and ratios; return 1 on a missed target with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a target is missed")
    args = parser.parse_args()
    rng = np.random.default_rng(20240611)

    # -- bulk encode, to the FPGA ---------------------------------------------------------------
    addrs = rng.integers(0, 2**32, size=N_WRITES, dtype=np.uint32)
    values = rng.integers(0, 2**32, size=N_WRITES, dtype=np.uint32)
    out_words = fisch.Omnibus.encode_write_array(addrs, values)
    to_bytes = out_words.size * WORD_BYTES
    headers, payloads = fisch.decode_to_fpga(out_words)
    assert np.array_equal(fisch.encode_to_fpga(headers, payloads), out_words)

    def builder_path() -> npt.NDArray[np.uint64]:
        builder = fisch.PlaybackProgramBuilder()
        builder.write_array(fisch.Omnibus, addrs, values)
        return builder.done().to_fpga_words()

    assert np.array_equal(builder_path()[:-1], out_words)
    print(f"bulk encode, to FPGA: {N_WRITES} Omnibus writes = {out_words.size} words "
          f"= {to_bytes / 1e6:.0f} MB")  # fmt: skip
    ok = _line("  Omnibus.encode_write_array(u32 arrays)", to_bytes, True,
               lambda: fisch.Omnibus.encode_write_array(addrs, values))  # fmt: skip
    ok &= _line("  encode_to_fpga(headers, payloads)", to_bytes, True,
                lambda: fisch.encode_to_fpga(headers, payloads))  # fmt: skip
    ok &= _line("  builder.write_array + done().to_fpga_words()", to_bytes + WORD_BYTES, True,
                builder_path)  # fmt: skip

    # -- bulk decode, from the FPGA -------------------------------------------------------------
    stream, labels, chip_times = _response_stream(rng)
    n_spikes = labels.size
    from_bytes = stream.size * WORD_BYTES
    m = fisch.decode_from_fpga(stream)
    reads = fisch.PlaybackProgramBuilder()  # one Omnibus read per Omnibus response in the stream
    n_reads = int(np.count_nonzero(m.header == OMNIBUS_DATA))
    ticket = reads.read_array(fisch.Omnibus, np.zeros(n_reads, np.uint32))
    program = reads.done()

    def full_decode() -> npt.NDArray[np.void]:
        program.clear_from_fpga_messages()
        program.push_from_fpga_words(stream)
        return program.get_spikes()

    assert m.header.size == N_MESSAGES
    assert np.array_equal(fisch.encode_from_fpga(m.header, m.payload, m.payload_high), stream)
    spikes = full_decode()
    assert np.array_equal(spikes["label"], labels)
    assert np.array_equal(spikes["chip_time"], chip_times)
    program.check()  # the halt loopback arrived and every response matched a read
    assert ticket.get_payloads().size == n_reads
    print(f"bulk decode, from FPGA: {N_MESSAGES} messages ({n_spikes} spikes) = {stream.size} "
          f"words = {from_bytes / 1e6:.0f} MB")  # fmt: skip
    ok &= _line("  decode_from_fpga(words) (framing, C)", from_bytes, True,
                lambda: fisch.decode_from_fpga(stream))  # fmt: skip
    ok &= _line("  program.push_from_fpga_words + get_spikes()", from_bytes, True, full_decode)
    _line("  encode_from_fpga(h, p, p_high) (mock connection)", from_bytes, False,
          lambda: fisch.encode_from_fpga(m.header, m.payload, m.payload_high))  # fmt: skip

    # -- single-word builder path -----------------------------------------------------------------
    pairs = list(zip(addrs[:N_SINGLE].tolist(), values[:N_SINGLE].tolist(), strict=True))
    single = _best(lambda: _single_writes(pairs), repeat=5) / N_SINGLE
    peer = _best(lambda: _peer_appends(pairs), repeat=5) / N_SINGLE
    rate = 2 * WORD_BYTES / single
    print(f"single-word path, builder.write(OmnibusAddress(a), Omnibus(v)), {N_SINGLE} calls:")
    print(f"  {single * 1e6:6.2f} us per write, {single / 2 * 1e6:6.2f} us per wire word, "
          f"{rate / 1e6:6.1f} MB/s ({rate / LINE_RATE:.3f}x 125 MB/s; informational)")  # fmt: skip
    print(f"  peer, two list.append of ints: {peer * 1e6:6.3f} us per write "
          f"({2 * WORD_BYTES / peer / 1e6:.0f} MB/s); ratio {single / peer:.1f}")  # fmt: skip
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
