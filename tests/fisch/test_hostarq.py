"""HostARQ: the wire format against the reference's layouts, the halt counter, and the client
and the setup emulator over loopback (reference hostarq.md)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from bypass_network import COLUMNS, configure, experiment
from hypothesis import given
from hypothesis import strategies as st
from setups import serving
from udp_proxy import FaultyProxy

import halco
import haldls
import stadls
from fisch._chip import ffi, lib
from fisch._codec import decode_from_fpga, encode_from_fpga
from fisch.connection import ArqConnection, ChipModelConnection
from fisch.emulator import Emulator
from fisch.errors import ConnectionUnavailableError, TransportError
from fisch.hostarq import (
    MAX_PDUWORDS,
    PTYPE_CFG,
    PTYPE_UT,
    Frame,
    FrameError,
    cfg_words,
    decode_frame,
    encode_frame,
    parse_cfg,
)

HALT = np.array([0x0A00000000000000], np.uint64)


def test_frames_are_the_reference_layout() -> None:
    words = np.array([0x0102030405060708, 0x0A00000000000000], np.uint64)
    data = encode_frame(0x11, 0x22, PTYPE_UT, words)
    assert data == bytes.fromhex("00000011 00000022 0010 0002 0102030405060708 0a00000000000000")
    frame = decode_frame(data)
    assert isinstance(frame, Frame) and (frame.ack, frame.seq, frame.ptype) == (0x11, 0x22, 0x10)
    assert frame.words.tolist() == words.tolist()
    assert decode_frame(bytes.fromhex("000000ff")) == 255  # an ack-only frame
    empty = encode_frame(1, 2, 0x8000, np.zeros(0, np.uint64))
    assert len(empty) == 20 and decode_frame(empty).words.size == 0  # (the host's padding)
    for bad in (b"\0" * 3, data[:-1], data + b"\0", bytes.fromhex("0000000000000100 8000 0000")):
        with pytest.raises(FrameError):
            decode_frame(bad)
    with pytest.raises(FrameError, match="at most 180"):
        encode_frame(0, 0, PTYPE_UT, np.zeros(181, np.uint64))


def test_configuration_frame_text_is_byte_reversed_on_the_wire() -> None:
    words = cfg_words("version: 1\ncompatible_until: 0\n")
    assert words[:4].tolist() == [256, 128, 180, 4]
    wire = encode_frame(255, 0, PTYPE_CFG, words)[12:]
    assert wire[32:40] == b"version:"[::-1]  # each 8-character chunk LSB first
    assert parse_cfg(words) == ((256, 128, 180), "version: 1\ncompatible_until: 0\n")
    with pytest.raises(FrameError):
        parse_cfg(words[:3])


def _halts(stream: np.ndarray, cuts: list[int]) -> tuple[int, list[int]]:
    """Count halts and messages per header with the stream arriving in pieces cut at `cuts`."""
    pos, counts, total, start = ffi.new("size_t *"), ffi.new("uint64_t[13]"), 0, 0
    for end in [*sorted(cuts), len(stream)]:
        part = np.ascontiguousarray(stream[: max(end, start)])
        found = lib.bss2_ut_count_halts(ffi.from_buffer("uint64_t[]", part), part.size, pos, counts)
        assert found >= 0
        total, start = total + found, end
    return total, list(counts)


@given(
    st.lists(st.sampled_from([(2, 0), (2, 1), (1, 7), (9, 3), (12, 5), (5, 99)]), max_size=40),
    st.lists(st.integers(0, 60), max_size=5),
)
def test_halts_are_counted_however_the_stream_is_cut(
    messages: list[tuple[int, int]], cuts: list[int]
) -> None:
    from fisch._codec import encode_from_fpga

    headers = np.array([h for h, _ in messages], np.int64)
    payloads = np.array([p for _, p in messages], np.uint64)
    stream = encode_from_fpga(headers, payloads)
    expected = sum(1 for h, p in messages if (h, p) == (2, 0))
    halts, counts = _halts(stream, [c for c in cuts if c <= len(stream)])
    assert halts == expected
    assert counts == np.bincount(headers, minlength=13).tolist()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with serving(Emulator(["127.0.0.1"], port=0, reset_port=0, seed=5)) as emu:
        yield emu


def _arq(emu: Emulator) -> ArqConnection:
    data_port, reset_port = emu.ports[0]
    return ArqConnection("127.0.0.1", data_port, reset_port, timeout=2.0)


def test_a_setup_over_hostarq_gives_the_chip_models_results(emulator: Emulator) -> None:
    with _arq(emulator) as arq:
        assert "compatible_until" in arq.info
        over_network = experiment(arq)
    with ChipModelConnection(seed=5) as local:
        in_process = experiment(local)
    assert over_network[0] == in_process[0]
    assert len(over_network[1]) == 60  # (each relayed back by its neuron)
    np.testing.assert_array_equal(over_network[1], in_process[1])


def test_events_after_the_halt_belong_to_their_programs_answer(emulator: Emulator) -> None:
    """Spikes still in the chip when the halt comes back, in a frame after the halt's: the same
    raw answers as in process, and none of them spills into the next answer."""
    config = stadls.PlaybackProgramBuilder()
    configure(config, 31, 0)
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    times = 10 + np.arange(200)  # (a spike a cycle: the last ones relayed after the halt)
    builder.write_spike_train(times, times % COLUMNS)
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(int(times[-1]) + 1))
    read = stadls.PlaybackProgramBuilder()
    read.read(halco.CrossbarNodeOnDLS(0))
    spikes, one_read = builder.done().to_fpga_words(), read.done().to_fpga_words()[:-1]
    setup = config.done().to_fpga_words()

    def spills(answer: np.ndarray) -> bool:  # (the halt's frame is not the answer's last)
        messages = decode_from_fpga(answer)
        halt = messages.header.tolist().index(2)
        halt_word = len(encode_from_fpga(messages.header[: halt + 1], messages.payload[: halt + 1]))
        return -(-halt_word // MAX_PDUWORDS) * MAX_PDUWORDS < len(answer)

    for n in range(1000):  # reads in front, until the answer spills
        program = np.concatenate([np.tile(one_read, n), spikes])
        with ChipModelConnection(seed=5) as local:
            local.execute(setup)
            if spills(local.execute(program)):
                break
    programs = [setup, program, HALT]
    with _arq(emulator) as arq, ChipModelConnection(seed=5) as local:
        answers = [(arq.execute(w), local.execute(w)) for w in programs]
    assert spills(answers[1][1])
    for over_network, in_process in answers:
        np.testing.assert_array_equal(over_network, in_process)


def test_big_programs_and_answers_cross_many_frames(emulator: Emulator) -> None:
    """A program of 2,000 reads: 12 frames out, their answers back, in order."""
    builder = stadls.PlaybackProgramBuilder()
    coords = [halco.CrossbarNodeOnDLS(i % 64) for i in range(2000)]
    tickets = [builder.read(c) for c in coords]
    with _arq(emulator) as arq:
        stadls.run(arq, builder.done())
    with ChipModelConnection(seed=5) as local:
        expected = stadls.PlaybackProgramBuilder()
        more = [expected.read(c) for c in coords]
        stadls.run(local, expected.done())
    assert [t.get() for t in tickets] == [t.get() for t in more]


def test_programs_must_end_with_the_halt_and_be_instructions(emulator: Emulator) -> None:
    from fisch._instructions import TO_FPGA_DICTIONARY
    from fisch.errors import UnknownInstructionError, UTDecodeError

    assert [lib.bss2_ut_to_fpga_payload_bits(h) for h in range(16)] == [
        i.size for i in TO_FPGA_DICTIONARY
    ]  # (the C request counter checks what the Python dictionary says)
    with _arq(emulator) as arq:
        with pytest.raises(ValueError, match="halt loopback"):
            arq.execute(np.array([0x0100000000000000], np.uint64))
        with pytest.raises(UnknownInstructionError, match="header 16"):
            arq.execute(np.array([0x1000000000000000, HALT[0]], np.uint64))
        with pytest.raises(UTDecodeError, match="bits above"):
            arq.execute(np.array([0x0A00000000000000 | (1 << 5), HALT[0]], np.uint64))
        assert arq.execute(HALT).size > 0  # (nothing was sent)


def test_no_setup_and_other_parameters_are_refused() -> None:
    quiet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    quiet.bind(("127.0.0.1", 0))  # a port where nobody answers resets
    port = quiet.getsockname()[1]
    start = time.monotonic()
    with pytest.raises(ConnectionUnavailableError, match="no configuration frame"):
        ArqConnection("127.0.0.1", port, port)
    assert time.monotonic() - start < 3.0
    quiet.close()
    quiet = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    quiet.bind(("127.0.0.1", 0))
    port = quiet.getsockname()[1]

    def fake_fpga() -> None:  # answers the reset with a window of 64
        _, host = quiet.recvfrom(64)
        words = cfg_words("version: 1\ncompatible_until: 0\n")
        words[1] = 64
        quiet.sendto(encode_frame(255, 0, PTYPE_CFG, words), host)

    thread = threading.Thread(target=fake_fpga, daemon=True)
    thread.start()
    with pytest.raises(ConnectionUnavailableError, match="MAX_WINSIZ': 64"):
        ArqConnection("127.0.0.1", port, port)
    thread.join(timeout=5)
    quiet.close()


def test_a_stopped_setup_raises_and_a_restarted_one_works() -> None:
    with serving(Emulator(["127.0.0.1"], port=0, reset_port=0, seed=1)) as emu:
        data_port, reset_port = emu.ports[0]
        arq = ArqConnection("127.0.0.1", data_port, reset_port, timeout=1.0)
        arq.execute(HALT)
    start = time.monotonic()
    with pytest.raises(TransportError, match="stopped answering"):
        arq.execute(HALT)
    assert time.monotonic() - start < 3.0
    arq.close()
    again = Emulator(["127.0.0.1"], port=data_port, reset_port=reset_port, seed=1)
    with serving(again), ArqConnection("127.0.0.1", data_port, reset_port) as fresh:
        assert fresh.execute(HALT).size > 0


def test_the_hx_emulator_command_serves_and_stops_on_sigterm() -> None:
    import shutil
    import signal
    import subprocess
    import sys

    ports = []
    for _ in range(2):  # (two free ports, given back for the daemon to bind)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    command = shutil.which("hx-emulator", path=str(Path(sys.executable).parent))
    assert command is not None, "hx-emulator is installed with the package"
    daemon = subprocess.Popen(
        [command, "--port", str(ports[0]), "--reset-port", str(ports[1]), "--seed", "5"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                arq = ArqConnection("127.0.0.1", ports[0], ports[1])
                break
            except ConnectionUnavailableError:
                assert time.monotonic() < deadline, "the daemon did not come up"
        with arq:
            assert arq.execute(HALT).size > 0
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, log = daemon.communicate(timeout=10)
    assert daemon.returncode == 0
    assert "reset from 127.0.0.1" in log and "program of 1 words" in log and "stopped" in log


@pytest.mark.parametrize("loss", [0.0, 0.01, 0.1])
def test_endpoints_deliver_every_frame_once_in_order_through_faults(loss: float) -> None:
    """Two bare endpoints, 3000 frames through the fault proxy (loss, duplication, reordering,
    truncation, garbage, wrong lengths)."""
    from fisch.hostarq import ArqEndpoint

    far = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    far.bind(("127.0.0.1", 0))
    faults = dict.fromkeys(["duplicate", "reorder", "truncate", "garbage", "wrong_length"], loss)
    proxy = FaultyProxy("127.0.0.1", far.getsockname()[1], 9, seed=3, loss=loss, **faults)
    near = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    near.connect(("127.0.0.1", proxy.ports[0]))
    sender = ArqEndpoint(near, probe=0.0005)
    sender.send(PTYPE_UT, np.zeros(1, np.uint64))  # (the proxy learns the sender's address)
    receiver = ArqEndpoint(far, ("127.0.0.1", proxy.up.getsockname()[1]), probe=0.0005)
    got: list[int] = []
    sent, deadline = 1, time.monotonic() + 30
    while len(got) < 3000 and time.monotonic() < deadline:
        while sent < 3000 and sender.room > 0:
            sender.send(PTYPE_UT, np.array([sent, sent], np.uint64))
            sent += 1
        sender.poll(0.0)
        receiver.poll(0.0001)
        for ptype, words in receiver.frames():
            assert ptype == PTYPE_UT
            got.append(int(words[0]))
    proxy.close()
    assert got == list(range(3000))
    if loss:
        assert sender.stats["resent"] > 0 and receiver.stats["duplicates"] > 0
        assert receiver.stats["garbage"] > 0
    near.close()
    far.close()


def test_a_program_the_setup_refuses_raises_instead_of_waiting(emulator: Emulator) -> None:
    """Longer than the playback memory: in process a PlaybackMemoryError, over the network the
    setup's timeout notification (its log says why), never a hang."""
    import fisch
    from fisch.errors import PlaybackMemoryError, PlaybackMemoryWarning, RunError

    builder = fisch.PlaybackProgramBuilder()
    builder.read(halco.OmnibusAddress(0x0016002A))
    n = 4_194_304 // 2  # (two words a write)
    builder.write_array(fisch.Omnibus, np.full(n, 0x0016002A), np.ones(n, np.int64))
    with pytest.warns(PlaybackMemoryWarning):
        program = builder.done()
    with ChipModelConnection() as local, pytest.raises(PlaybackMemoryError):
        fisch.run(local, program)
    with _arq(emulator) as arq:
        with pytest.raises(RunError, match="timeout"):
            fisch.run(arq, program)
        assert arq.execute(HALT).size > 0  # (the connection goes on)


@given(st.lists(st.tuples(st.integers(0, 15), st.integers(0, 2**56 - 1)), max_size=60))
def test_the_c_request_counter_agrees_with_the_python_read_detection(
    messages: list[tuple[int, int]],
) -> None:
    from fisch._codec import decode_to_fpga, encode_to_fpga
    from fisch._connection_base import _reads
    from fisch._instructions import TO_FPGA_DICTIONARY

    headers = np.array([h for h, _ in messages], np.int64)
    payloads = np.array(
        [p & ((1 << TO_FPGA_DICTIONARY[h].size) - 1) for h, p in messages], np.uint64
    )
    words = np.ascontiguousarray(encode_to_fpga(headers, payloads))
    out, where = ffi.new("uint64_t[3]"), ffi.new("size_t *")
    assert (
        lib.bss2_ut_count_requests(ffi.from_buffer("uint64_t[]", words), words.size, out, where)
        == 0
    )
    omnibus, jtag = _reads(*decode_to_fpga(words))
    halts = int(np.count_nonzero(words == HALT[0]))
    assert list(out) == [halts, int(omnibus.sum()), int(jtag.sum())]


def test_endpoint_and_emulator_refuse_bad_arguments() -> None:
    from fisch.hostarq import ArqEndpoint

    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    end = ArqEndpoint(a)
    with pytest.raises(FrameError, match="at most 180"):
        end.send(PTYPE_UT, np.zeros(181, np.uint64))
    for _ in range(128):
        end.send(PTYPE_UT, HALT)
    with pytest.raises(FrameError, match="window is full"):
        end.send(PTYPE_UT, HALT)
    with pytest.raises(ValueError, match=r"in \[0, 1\], got 1.5"):
        end.set_loss(1.5)
    with pytest.raises(ValueError, match="loss must be a fraction"):
        Emulator(["127.0.0.1"], 0, 0, loss=-0.1)
    a.close()
    b.close()
