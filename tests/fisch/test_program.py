"""Builder, program, response decoding, tickets and run — against the zero mock and scripted
response streams."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisch
import halco
from fisch import Omnibus, PlaybackProgramBuilder, run
from fisch.connection import ConnectionBase, ZeroMockConnection
from fisch.errors import (
    NotReadableError,
    NotWritableError,
    PlaybackMemoryWarning,
    RunError,
    TicketNotReadyError,
)

HALT = 0x0A000000_00000000


class Scripted(ConnectionBase):
    """Returns a fixed from-FPGA stream, whatever the program."""

    def __init__(self, messages: list[tuple[int, int, int]]) -> None:
        super().__init__()
        h, p, hi = zip(*messages, strict=True) if messages else ((), (), ())
        self.words = fisch.encode_from_fpga(list(h), list(p), list(hi))
        self.received: npt.NDArray[np.uint64] | None = None

    def _execute(self, words: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        self.received = words
        return self.words


def msg(name: str, payload: int = 0, high: int = 0) -> tuple[int, int, int]:
    return (fisch.instruction(name).index, payload, high)


HALT_MSG = msg("from_fpga_system.Loopback", 0)


def experiment() -> tuple[PlaybackProgramBuilder, list[fisch.ContainerTicket[fisch.Container]]]:
    b = PlaybackProgramBuilder()
    b.write(halco.TimerOnDLS(), fisch.Timer())
    b.write(halco.OmnibusAddress(0x0016002A), Omnibus(0x81))
    t1 = b.read(halco.OmnibusAddress(0x0016002A))
    b.write(halco.SpikePack1ToChipOnDLS(), fisch.SpikePack1ToChip([halco.SpikeLabel(0x1234)]))
    b.write(halco.WaitUntilOnFPGA(), fisch.WaitUntil(1250))
    t2 = b.read(halco.JTAGIdCodeOnDLS())
    t3 = b.read([halco.OmnibusAddress(a) for a in (1, 2, 3)])
    t4 = b.read(halco.NullPayloadReadableOnFPGA())
    b.write(halco.BarrierOnFPGA(), fisch.Barrier.omnibus)
    return b, [t1, t2, t3, t4]


def test_zero_mock_run_resolves_tickets() -> None:
    b, tickets = experiment()
    assert (b.size_to_fpga(), b.size_from_fpga(), b.is_write_only()) == (13, 6, False)
    program = b.done()
    assert b.empty() and b.size_from_fpga() == 0  # done() resets the builder
    words = program.to_fpga_words()
    assert words.dtype == np.uint64 and words.size == 14 and int(words[-1]) == HALT
    assert words[:4].tolist() == [
        0x04000000_00000000, 0x0B00000F_0016002A, 0x0C000000_00000081, 0x0B00001F_0016002A,
    ]  # fmt: skip
    for t in tickets:
        assert not t.valid()
        with pytest.raises(TicketNotReadyError, match="has not run"):
            t.get()
    with ZeroMockConnection() as conn:
        info = run(conn, program)
    assert info.execution_duration >= 0 and info.decode_duration >= 0
    assert tickets[0].get() == [Omnibus(0)]
    assert tickets[1].get() == [fisch.JTAGIdCode(0)]
    assert tickets[2].get() == [Omnibus(0)] * 3
    assert tickets[3].get() == [fisch.NullPayloadReadable()]
    assert [t.fpga_time().value() for t in tickets] == [1, 2, 5, 6]  # one cycle per message
    assert program.get_spikes().dtype == fisch.SPIKE_DTYPE
    assert program.get_madc_samples().dtype == fisch.MADC_SAMPLE_DTYPE
    assert program.run_ok() and program.tickets_valid()
    with ZeroMockConnection() as conn:  # programs can run again
        run(conn, program)
    assert tickets[2].get() == [Omnibus(0)] * 3 and program.get_spikes().size == 0


def test_spike_and_madc_decoding_with_time_tracking() -> None:
    conn = Scripted([
        msg("timing_from_fpga.Systime", 1000),                       # t = 1000
        msg("event_from_fpga.SpikePack1", (0x10 << 16) | 0x0042),    # t = 1001, ts 0x10 -> 8
        msg("timing_from_fpga.Sysdelta", 20),                        # t = 1002 + 20
        msg("event_from_fpga.SpikePack3", 0x1111_222222_333333 & (2**64 - 1), 0xFE),  # t = 1023
        msg("event_from_fpga.MADCSamplePack2", (0x02_0405 << 24) | (0xFF_07FF)),       # t = 1024
        HALT_MSG,
    ])  # fmt: skip
    program = PlaybackProgramBuilder().done()
    run(conn, program)
    spikes = program.get_spikes()
    assert spikes.dtype == np.dtype([("label", "<u2"), ("fpga_time", "<u8"), ("chip_time", "<u8")])
    assert spikes["label"].tolist() == [0x0042, 0x1111, 0x2222, 0x3333]
    assert spikes["fpga_time"].tolist() == [1001, 1023, 1023, 1023]
    # chip time: upper bits of fpga_time, low 7 bits = timestamp / 2 (1023 = 7 * 128 + 127)
    assert spikes["chip_time"].tolist() == [896 + 0x10 // 2, 896 + 0xFE // 2, 896 + 0x22 // 2,
                                            896 + 0x33 // 2]  # fmt: skip
    madc = program.get_madc_samples()
    assert madc.dtype.names == ("value", "channel", "fpga_time", "chip_time")
    assert madc["value"].tolist() == [0x0405 & 0x3FF, 0x07FF & 0x3FF]
    assert madc["channel"].tolist() == [1, 1]
    assert madc["fpga_time"].tolist() == [1024, 1024]
    # 1024 = 8 * 128: both timestamps lie "later", so they belong to the previous period
    assert madc["chip_time"].tolist() == [1024 + 1 - 128, 1024 + 127 - 128]
    counts = program.get_spikes_pack_counts()
    assert counts == {halco.SpikePackFromFPGAOnDLS(1): 1, halco.SpikePackFromFPGAOnDLS(2): 0,
                      halco.SpikePackFromFPGAOnDLS(3): 1}  # fmt: skip
    assert program.get_madc_samples_pack_counts()[halco.MADCSamplePackFromFPGAOnDLS(2)] == 1


def test_chip_time_wraps_back_one_period() -> None:
    # fpga_time 1000 = 7*128 + 104; timestamp 2*110 -> 110 > 104 -> previous period: 768 + 110
    conn = Scripted([msg("timing_from_fpga.Systime", 999),
                     msg("event_from_fpga.SpikePack1", (220 << 16) | 7), HALT_MSG])  # fmt: skip
    program = PlaybackProgramBuilder().done()
    run(conn, program)
    assert program.get_spikes().tolist() == [(7, 1000, 878)]
    ev = fisch.SpikeFromChip.from_numpy(program.get_spikes()[0])
    assert ev == fisch.SpikeFromChip(halco.SpikeLabel(7), 1000, 878)
    # timestamp 2*100 -> 100 <= 104: the same period, 896 + 100
    conn = Scripted(
        [
            msg("timing_from_fpga.Systime", 999),
            msg("event_from_fpga.SpikePack1", (200 << 16) | 7),
            HALT_MSG,
        ]
    )
    run(conn, program)
    assert program.get_spikes()["chip_time"].tolist() == [996]


def test_notifications() -> None:
    raw_timeout = 3 | (5 << 32) | (2 << 39)
    conn = Scripted(
        [
            msg("from_fpga_system.HighspeedLinkNotification", 0b101_10001),
            msg("from_fpga_system.TimeoutNotification", raw_timeout),
            HALT_MSG,
        ]
    )
    b = PlaybackProgramBuilder()
    for i in range(20):
        b.write(halco.WaitUntilOnFPGA(), fisch.WaitUntil(i))
    program = b.done()
    with pytest.raises(RunError) as info:
        run(conn, program)
    text = str(info.value)
    assert "instruction 3 of 20" in text and "trace stalls 5" in text
    assert "omnibus reads in flight 2" in text
    assert "Instruction(0): timing.WaitUntil(value=0x0)" in text
    assert "Instruction(3): timing.WaitUntil(value=0x3)" in text
    assert "Instruction(4)" not in text
    (hs,) = program.get_highspeed_link_notifications()
    assert (hs.phy, hs.link_up, hs.check_error, hs.crc_error) == (
        halco.PhyStatusOnFPGA(5), True, True, False)  # fmt: skip
    (to,) = program.get_timeout_notifications()
    assert (to.value, to.trace_stall, to.omnibus_reads, to.fpga_time.value()) == (3, 5, 2, 2)
    assert not program.run_ok()


def test_missing_data_and_missing_halt_name_the_problem() -> None:
    b = PlaybackProgramBuilder()
    b.read([halco.OmnibusAddress(a) for a in range(4)])
    b.read(halco.JTAGIdCodeOnDLS())
    program = b.done()
    with pytest.raises(
        RunError,
        match=r"(?s)jtag 0/1, omnibus 1/4.*Omnibus x4: omnibus responses 0..3.*JTAGIdCode x1",
    ):
        run(Scripted([msg("omnibus_from_fpga.Data", 7), HALT_MSG]), program)
    with pytest.raises(RunError, match="without the halt loopback"):
        run(Scripted([msg("omnibus_from_fpga.Data", 7)]), program)


def test_builder_composition_moves_tickets() -> None:
    a, b = PlaybackProgramBuilder(), PlaybackProgramBuilder()
    ta = a.read(halco.OmnibusAddress(1))
    tb = b.read(halco.OmnibusAddress(2))
    a.merge_back(b)
    assert b.empty() and b.is_write_only()
    front = PlaybackProgramBuilder()
    tf = front.read(halco.OmnibusAddress(0))
    a.merge_front(front)
    program = a.done()
    assert [int(w) & 0xFF for w in program.to_fpga_words()[:-1]] == [0, 1, 2]
    conn = Scripted([msg("omnibus_from_fpga.Data", v) for v in (10, 11, 12)] + [HALT_MSG])
    run(conn, program)
    assert [t.get()[0].get().word for t in (tf, ta, tb)] == [10, 11, 12]
    assert tf.get_payloads().tolist() == [10]
    for op in (a.merge_back, a.merge_front):
        with pytest.raises(ValueError, match="same PlaybackProgramBuilder"):
            op(a)


def test_copy_back_and_bulk_paths() -> None:
    w = PlaybackProgramBuilder()
    w.write_array(Omnibus, np.array([4, 8], np.uint32), np.array([1, 2], np.uint32))
    w.write(halco.TimerOnDLS(), fisch.Timer())
    target = PlaybackProgramBuilder()
    target.copy_back(w)
    target.copy_back(w)
    assert target.size_to_fpga() == 10 and w.size_to_fpga() == 5  # copied, not moved
    r = PlaybackProgramBuilder()
    ticket = r.read_array(Omnibus, np.arange(3, dtype=np.uint32))
    with pytest.raises(ValueError, match="not write-only"):
        target.copy_back(r)
    r.write([halco.OmnibusAddress(1), halco.OmnibusAddress(2)], [Omnibus(5), Omnibus(6)])
    program = r.done()
    assert program.size_to_fpga() == 7
    run(ZeroMockConnection(), program)
    assert ticket.get_payloads().tolist() == [0, 0, 0]


def test_builder_rejects_bad_calls() -> None:
    b = PlaybackProgramBuilder()
    with pytest.raises(NotReadableError, match="WaitUntil cannot be read"):
        b.read(halco.WaitUntilOnFPGA())
    with pytest.raises(NotReadableError):
        b.read([halco.WaitUntilOnFPGA()])
    with pytest.raises(NotWritableError, match="JTAGIdCode cannot be written"):
        b.write(halco.JTAGIdCodeOnDLS(), fisch.JTAGIdCode())
    with pytest.raises(TypeError, match="no fisch container has coordinate type AtomicNeuronOnDLS"):
        b.read(halco.AtomicNeuronOnDLS())
    with pytest.raises(TypeError, match="coordinate and a fisch container"):
        b.write(halco.OmnibusAddress(1), 5)
    with pytest.raises(TypeError, match="use write_array"):
        b.write(np.arange(2), np.arange(2))
    with pytest.raises(ValueError, match="2 coordinates but 1 containers"):
        b.write([halco.OmnibusAddress(1)] * 2, [Omnibus(1)])
    with pytest.raises(TypeError, match="one type"):
        b.write([halco.OmnibusAddress(1)] * 2, [Omnibus(1), fisch.Timer()])
    with pytest.raises(ValueError, match="empty list: the container type is unknown"):
        b.read([])
    assert b.empty()  # failed calls add nothing
    with pytest.raises(TypeError, match="needs a PlaybackProgram"):
        run(ZeroMockConnection(), b)  # type: ignore[arg-type]


def test_ticket_of_unfinished_builder() -> None:
    b = PlaybackProgramBuilder()
    t = b.read(halco.OmnibusAddress(3))
    with pytest.raises(TicketNotReadyError, match="call done"):
        t.get()
    assert "pending" in repr(t)


def test_playback_memory_warning() -> None:
    b = PlaybackProgramBuilder()
    n = fisch.PLAYBACK_MEMORY_SIZE_TO_FPGA // 2
    b.write_array(Omnibus, np.zeros(n, np.uint32), np.zeros(n, np.uint32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        small = PlaybackProgramBuilder()
        small.copy_back(b)
        small.done()  # exactly the memory size: no warning
    b.write(halco.TimerOnDLS(), fisch.Timer())
    with pytest.warns(PlaybackMemoryWarning, match=r"\(4194305\) larger than playback memory"):
        b.done()


def test_program_printing() -> None:
    b = PlaybackProgramBuilder()
    b.write(halco.OmnibusAddress(0x10), Omnibus(3))
    assert str(b) == (
        "omnibus_to_fpga.Address(address=0x10, byte_enables=0xf, is_read=0x0)\n"
        "omnibus_to_fpga.Data(value=0x3)"
    )
    program = b.done()
    assert str(program).startswith("Instruction(0): omnibus_to_fpga.Address(")
    assert "2 instructions" in repr(program)


def model_playback(msgs: list[tuple[int, int]]) -> tuple[list[tuple[int, int, int]], list[int]]:
    """The real PlaybackDecoder's rules, message by message: spikes and omnibus-queue times."""
    t, spikes, omnibus_times = 0, [], []
    mask = 2**43 - 1
    for h, p in msgs:
        t = (t + 1) & mask
        name = fisch.FROM_FPGA_DICTIONARY[h].name
        if name == "timing_from_fpga.Systime":
            t = p
        elif name == "timing_from_fpga.Sysdelta":
            t = (t + p) & mask
        elif name == "omnibus_from_fpga.Data":
            omnibus_times.append(t)
        elif name.startswith("event_from_fpga.SpikePack"):
            n = int(name[-1])
            for i in range(n):
                e = (p >> (24 * (n - 1 - i))) & 0xFFFFFF
                ct = (t & ~0x7F) | ((e >> 16) >> 1)
                if ct > t:
                    ct = (ct - 128) & mask
                spikes.append((e & 0xFFFF, t, ct))
    return spikes, omnibus_times


stream = st.lists(
    st.sampled_from(fisch.FROM_FPGA_DICTIONARY).flatmap(
        lambda i: st.tuples(st.just(i.index), st.integers(0, i.payload_mask))
    ),
    max_size=60,
)


@given(stream)
def test_response_decoding_matches_the_decoder_model(msgs: list[tuple[int, int]]) -> None:
    h = [a for a, _ in msgs]
    low, high = [p & (2**64 - 1) for _, p in msgs], [p >> 64 for _, p in msgs]
    words = fisch.encode_from_fpga(h, low, high)
    program = PlaybackProgramBuilder().done()
    program.push_from_fpga_words(words)
    spikes, omnibus_times = model_playback(msgs)
    assert program.get_spikes().tolist() == spikes
    assert program.response_queue("omnibus")[1].tolist() == omnibus_times
    n_madc = sum(int(fisch.FROM_FPGA_DICTIONARY[a].name[-1]) for a in h if 7 <= a <= 9)
    assert program.get_madc_samples().size == n_madc
    program.clear_from_fpga_messages()
    assert program.get_spikes().size == 0 and not program.ran


def test_extra_responses_invalidate_tickets() -> None:
    b = PlaybackProgramBuilder()
    t = b.read(halco.OmnibusAddress(1))
    program = b.done()
    extra = [msg("omnibus_from_fpga.Data", 0xDEAD), msg("omnibus_from_fpga.Data", 1), HALT_MSG]
    with pytest.raises(RunError, match=r"more responses than the reads asked for.*omnibus 2/1"):
        run(Scripted(extra), program)
    assert not t.valid() and not program.tickets_valid()
    with pytest.raises(TicketNotReadyError, match=r"0\.\.0 of 1 expected, the run returned 2"):
        t.get()


def test_pushes_continue_the_fpga_time() -> None:
    b = PlaybackProgramBuilder()
    tickets = [b.read(halco.OmnibusAddress(a)) for a in (1, 2)]
    program = b.done()
    first = [msg("timing_from_fpga.Systime", 1000), msg("omnibus_from_fpga.Data", 5)]
    program.push_from_fpga_words(Scripted(first).words)
    program.push_from_fpga_words(Scripted([msg("omnibus_from_fpga.Data", 6), HALT_MSG]).words)
    assert [t.fpga_time().value() for t in tickets] == [1001, 1002]
    program.check()


def test_timeout_on_the_halt_names_it() -> None:
    b = PlaybackProgramBuilder()
    b.write(halco.WaitUntilOnFPGA(), fisch.WaitUntil(1))
    program = b.done()
    conn = Scripted([msg("from_fpga_system.TimeoutNotification", 1), HALT_MSG])
    with pytest.raises(RunError, match=r"(?s)halt loopback appended.*Instruction\(1\): system"):
        run(conn, program)
    conn = Scripted([msg("from_fpga_system.TimeoutNotification", 7), HALT_MSG])
    with pytest.raises(RunError, match="index is invalid, the program has only 2 instructions"):
        run(conn, program)


def test_empty_bulk_read() -> None:
    b = PlaybackProgramBuilder()
    t = b.read_array(Omnibus, np.zeros(0, np.uint32))
    program = b.done()
    run(ZeroMockConnection(), program)
    assert t.get() == [] and t.valid()
    with pytest.raises(ValueError, match="empty read has no fpga_time"):
        t.fpga_time()


def test_write_to_fpga_words_appends_writes_only() -> None:
    b = PlaybackProgramBuilder()
    words = Omnibus(5).encode_write(halco.OmnibusAddress(3)) + fisch.WaitUntil(9).encode_write(
        halco.WaitUntilOnFPGA()
    )
    b.write_to_fpga_words(np.array(words, np.uint64))
    assert b.size_to_fpga() == 3 and b.is_write_only()
    reads = [
        Omnibus.encode_read(halco.OmnibusAddress(3)),
        fisch.JTAGIdCode.encode_read(halco.JTAGIdCodeOnDLS()),
        [HALT],
    ]
    for read in reads:
        with pytest.raises(ValueError, match="requests a response"):
            b.write_to_fpga_words(words + read)
    assert b.size_to_fpga() == 3
    assert [int(w) for w in b.done().to_fpga_words()][:3] == words
