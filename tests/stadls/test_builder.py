"""stadls.PlaybackProgramBuilder: every container and aggregate, tickets, waits, bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from container_strategies import container_strategy, random_coord, written
from hypothesis import given, settings
from hypothesis import strategies as st
from register_file import RegisterFileConnection

import fisch
import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection
from halco.errors import CoordinateTypeError
from haldls import lola

NAMES = sorted(haldls.containers)
READ_BACK = [
    n
    for n in NAMES
    if haldls.containers[n].is_readable
    and haldls.containers[n].is_writable
    and haldls.containers[n].backends[0] is fisch.Omnibus
]


def wire(pairs: list[tuple[Any, fisch.Container]]) -> list[int]:
    return [u for c, w in pairs for u in w.encode_write(c)]


HALT = fisch.instruction("system.Loopback").encode(0)


def words_of(builder: stadls.PlaybackProgramBuilder) -> list[int]:
    """The program's words without the halt that ends every program."""
    words = [int(w) for w in builder.done().to_fpga_words()]
    assert words[-1] == HALT
    return words[:-1]


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=10)
@given(data=st.data())
def test_every_container_writes_its_words_with_every_backend(
    name: str, data: st.DataObject
) -> None:
    ctype = haldls.containers[name]
    if not ctype.is_writable:
        with pytest.raises(fisch.errors.NotWritableError):
            stadls.PlaybackProgramBuilder().write(ctype.coordinate_type(), ctype())
        return
    c = data.draw(container_strategy(ctype))
    coord = random_coord(ctype, data)
    for backend in [None, *(haldls.Backend[b.__name__] for b in ctype.backends)]:
        builder = stadls.PlaybackProgramBuilder()
        args = () if backend is None else (backend,)
        try:
            expected = wire(haldls.encode_write(coord, c, backend))
        except ValueError as refused:  # a value the word refuses (the timer takes only 0)
            with pytest.raises(type(refused)):
                builder.write(coord, c, *args)
            assert builder.empty()
            continue
        builder.write(coord, c, *args)
        assert builder.is_write_only()
        assert words_of(builder) == expected


@pytest.mark.parametrize("name", READ_BACK)
@settings(max_examples=5)
@given(data=st.data())
def test_containers_read_back_what_was_written(name: str, data: st.DataObject) -> None:
    ctype = haldls.containers[name]
    c = data.draw(container_strategy(ctype))
    coord = random_coord(ctype, data)
    builder = stadls.PlaybackProgramBuilder()
    builder.write(coord, c)
    ticket = builder.read(coord)
    assert not ticket.valid()
    builder.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
    program = builder.done()
    with RegisterFileConnection() as connection:
        stadls.run(connection, program)
    assert ticket.valid() and ticket.get() == written(c)
    assert ticket.get_coordinate() == coord and ticket.container_type is ctype
    assert int(ticket.fpga_time) >= 0


def test_differential_write_sends_only_changed_words() -> None:
    coord = halco.NeuronConfigOnDLS(7)
    old = haldls.NeuronConfig()
    new = haldls.NeuronConfig(enable_fire=True)
    builder = stadls.PlaybackProgramBuilder()
    builder.write(coord, new, old)
    changed = [p for p, q in zip(haldls.encode_write(coord, new), haldls.encode_write(coord, old),
                                 strict=True) if p[1] != q[1]]  # fmt: skip
    assert len(changed) == 1
    assert words_of(builder) == wire(changed)
    builder.write(coord, new, new, haldls.Backend.OmnibusChipOverJTAG)
    assert builder.empty()
    with pytest.raises(TypeError, match="reference must be a NeuronConfig"):
        builder.write(coord, new, haldls.CrossbarNode())
    with pytest.raises(TypeError, match=r"must be a haldls\.Backend"):
        builder.write(coord, new, old, "junk")
    assert builder.empty()


def test_aggregates_write_their_arrays_and_read_back() -> None:
    block = lola.Crossbar()
    block.nodes[halco.CrossbarNodeOnDLS(5)].target = 17
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.CrossbarOnDLS(), block)
    addresses, words = block.encode_write_arrays(halco.CrossbarOnDLS())
    expected = fisch.Omnibus.encode_write_array(addresses.astype(np.int64), words)
    ticket = builder.read(halco.CrossbarOnDLS())
    program = builder.done()
    assert [int(w) for w in program.to_fpga_words()][: expected.size] == expected.tolist()
    with RegisterFileConnection() as connection:
        stadls.run(connection, program)
    assert ticket.get() == block
    # differential against the default: one node, one word
    builder.write(halco.CrossbarOnDLS(), block, lola.Crossbar())
    assert builder.size_to_fpga() == 2


def test_atomic_neuron_write_and_jtag_backend() -> None:
    neuron = lola.AtomicNeuron()
    neuron.leak.v_leak = 600
    coord = halco.AtomicNeuronOnDLS(halco.Enum(9))
    builder = stadls.PlaybackProgramBuilder()
    builder.write(coord, neuron, haldls.Backend.OmnibusChipOverJTAG)
    addresses, words = neuron.encode_write_arrays(coord)
    jtag = [
        (halco.OmnibusChipOverJTAGAddress(int(a)), fisch.OmnibusChipOverJTAG(int(w)))
        for a, w in zip(addresses.tolist(), words.tolist(), strict=True)
    ]
    assert words_of(builder) == wire(jtag)
    with pytest.raises(ValueError, match="cannot travel as OmnibusChipOverJTAG"):
        builder.write(halco.ExternalPPUMemoryOnFPGA(), lola.ExternalPPUMemory(),
                      haldls.Backend.OmnibusChipOverJTAG)  # fmt: skip
    with pytest.raises(ValueError, match="cannot travel as"):
        builder.write(coord, neuron, haldls.Backend.Timer)
    assert builder.empty()


def test_block_until_conditions() -> None:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(1250))
    builder.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
    builder.block_until(halco.PollingOmnibusBlockOnFPGA(), haldls.PollingOmnibusBlock())
    expected = (
        fisch.Timer().encode_write(halco.TimerOnDLS())
        + fisch.WaitUntil(1250).encode_write(halco.WaitUntilOnFPGA())
        + fisch.Barrier.omnibus.encode_write(halco.BarrierOnFPGA())
        + fisch.PollingOmnibusBlock(True).encode_write(halco.PollingOmnibusBlockOnFPGA())
    )
    assert words_of(builder) == expected
    with pytest.raises(CoordinateTypeError):
        builder.block_until(halco.BarrierOnFPGA(), haldls.Timer.Value(10))
    with pytest.raises(TypeError, match="condition"):
        builder.block_until(halco.TimerOnDLS(), 10)
    assert builder.empty()


def test_bad_input_leaves_nothing_behind() -> None:
    builder = stadls.PlaybackProgramBuilder()
    with pytest.raises(fisch.errors.NotReadableError):
        builder.read(halco.ShiftRegisterOnBoard())
    with pytest.raises(CoordinateTypeError):
        builder.write(halco.SynapseQuadOnDLS(), haldls.NeuronConfig())
    with pytest.raises(fisch.errors.NotWritableError):
        builder.write(halco.PPUStatusRegisterOnDLS(), haldls.PPUStatusRegister())
    with pytest.raises(ValueError, match="Timer"):
        builder.write(halco.TimerOnDLS(), haldls.Timer(value=5))  # only 0 resets the timer
    with pytest.raises(TypeError, match="haldls container"):
        builder.write(halco.TimerOnDLS(), fisch.Timer())
    with pytest.raises(TypeError, match="no container type"):
        builder.read(halco.NeuronRowOnDLS())
    with pytest.raises(ValueError, match="does not fit"):
        builder.write(halco.PPUMemoryBlockOnDLS(), lola.PPUMemoryBlock())
    assert builder.empty() and builder.size_from_fpga() == 0


def test_tickets_before_run_and_copy_back() -> None:
    builder = stadls.PlaybackProgramBuilder()
    ticket = builder.read(halco.CapMemCellOnDLS(3))
    with pytest.raises(fisch.errors.TicketNotReadyError):
        ticket.get()
    other = stadls.PlaybackProgramBuilder()
    with pytest.raises(ValueError, match="write-only"):
        other.copy_back(builder)
    writes = stadls.PlaybackProgramBuilder()
    writes.write(halco.CapMemCellOnDLS(3), haldls.CapMemCell(value=100))
    other.copy_back(writes)
    assert other.size_to_fpga() == writes.size_to_fpga() == 2
    program = builder.done()
    with pytest.raises(fisch.errors.TicketNotReadyError):
        ticket.get()
    with ZeroMockConnection() as connection:
        stadls.run(connection, [program])
    assert ticket.get() == haldls.CapMemCell(value=0)
    with pytest.raises(TypeError, match="PlaybackProgram"):
        stadls.run(ZeroMockConnection(), [builder])  # type: ignore[list-item]


def test_merge_with_fisch_builders_and_tickets_follow() -> None:
    front = fisch.PlaybackProgramBuilder()
    front.write(halco.OmnibusAddress(0x10_0000), fisch.Omnibus(0xFFFF))
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.CapMemCellOnDLS(1), haldls.CapMemCell(value=5))
    ticket = builder.read(halco.CapMemCellOnDLS(1))
    builder.merge_front(front)
    back = stadls.PlaybackProgramBuilder()
    back.write(halco.CapMemCellOnDLS(2), haldls.CapMemCell(value=6))
    back_ticket = back.read(halco.CapMemCellOnDLS(2))
    builder.merge_back(back)
    assert front.empty() and back.empty()
    assert repr(builder) == "PlaybackProgramBuilder(to FPGA size: 8, is write only: false)"
    program = builder.done()
    connection = RegisterFileConnection()
    stadls.run(connection, program)
    assert connection.registers[0x10_0000] == 0xFFFF
    assert ticket.get() == haldls.CapMemCell(value=5)
    assert back_ticket.get() == haldls.CapMemCell(value=6)
    with pytest.raises(TypeError, match="PlaybackProgramBuilder"):
        builder.merge_back([])
    with pytest.raises(ValueError):
        builder.merge_back(builder)


def test_program_properties() -> None:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    program = builder.done()
    with ZeroMockConnection() as connection:
        stadls.run(connection, program)
    assert program.spikes.to_numpy().dtype.names == ("label", "fpga_time", "chip_time")
    assert program.madc_samples.to_numpy().dtype.names == (
        "value",
        "channel",
        "fpga_time",
        "chip_time",
    )
    assert len(program.spikes) == 0 and program.highspeed_link_notifications == []
    assert not program.empty() and repr(program) == "PlaybackProgram(to FPGA size: 1)"
    again = stadls.PlaybackProgramBuilder()
    again.write(halco.TimerOnDLS(), haldls.Timer())
    assert again.done() == program


class HardwareOnly(RegisterFileConnection):
    supported_targets = frozenset({"hardware"})


def test_unsupported_targets_of_reads() -> None:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.NeuronConfigOnDLS(0), haldls.NeuronConfig())
    assert builder.unsupported_targets == frozenset()
    builder.read(halco.NeuronConfigOnDLS(0))  # not readable in simulation
    other = stadls.PlaybackProgramBuilder()
    other.read(halco.CADCChannelConfigOnDLS(0))  # not readable on hardware
    assert builder.unsupported_targets == {"simulation"}
    builder.merge_back(other)
    assert builder.unsupported_targets == {"simulation", "hardware"}
    assert other.unsupported_targets == frozenset()
    program = builder.done()
    assert program.unsupported_targets == {"simulation", "hardware"}
    assert builder.unsupported_targets == frozenset()
    with pytest.raises(fisch.errors.RunError, match="unsupported"):
        stadls.run(RegisterFileConnection(), program)
    # a block of leaves some of which a target cannot read
    rows = stadls.PlaybackProgramBuilder()
    rows.read(halco.CADCOnDLS(0), lola.CADCReadoutChain)
    sim_only = rows.done()
    assert sim_only.unsupported_targets == {"hardware"}
    with pytest.raises(fisch.errors.RunError, match="supports only"):
        stadls.run(HardwareOnly(), sim_only)
    stadls.run(RegisterFileConnection(), sim_only)  # supports simulation too


def test_unaligned_external_memory_block_writes_only_its_bytes() -> None:
    """Words a block shares with its neighbours travel with those neighbours' bytes disabled."""
    byte = halco.ExternalPPUMemoryByteOnFPGA
    whole = halco.ExternalPPUMemoryBlockOnFPGA(byte(0), byte(15))
    inner = halco.ExternalPPUMemoryBlockOnFPGA(byte(3), byte(9))
    b = stadls.PlaybackProgramBuilder()
    b.write(whole, lola.ExternalPPUMemoryBlock(bytes=np.full(16, 0xEE, np.uint8)))
    b.write(inner, lola.ExternalPPUMemoryBlock(bytes=np.arange(1, 8, dtype=np.uint8)))
    whole_ticket, inner_ticket = b.read(whole), b.read(inner)
    with RegisterFileConnection() as conn:
        stadls.run(conn, b.done())
    assert whole_ticket.get().bytes.tolist() == [0xEE] * 3 + list(range(1, 8)) + [0xEE] * 6
    assert inner_ticket.get() == lola.ExternalPPUMemoryBlock(bytes=np.arange(1, 8, dtype=np.uint8))


@pytest.mark.parametrize("name", sorted(lola.containers))
def test_every_aggregate_writes_and_reads_through_the_builder(name: str) -> None:
    """Each lola aggregate at its last coordinate (for a memory block: its last word or byte):
    its words reach their registers and, where readable, a read returns it."""
    cls = lola.containers[name]
    t: Any = cls.coordinate_type
    coord = t(t.max)
    aggregate = cls.default_at(coord)
    for field in ("bytes", "words"):  # memories: contents other than the zero default
        if isinstance(getattr(cls, field, None), lola._base.MatrixField):
            values = getattr(aggregate, field)
            values[:] = (np.arange(values.size).reshape(values.shape) * 37 + 11) % 256
    b = stadls.PlaybackProgramBuilder()
    if cls.is_writable:
        b.write(coord, aggregate)
        assert not b.empty()
    with RegisterFileConnection() as conn:
        stadls.run(conn, b.done())
        reader = stadls.PlaybackProgramBuilder()
        ticket = reader.read(coord) if cls.is_readable else None
        program = reader.done()
        if program.unsupported_targets >= {"hardware", "simulation"}:
            with pytest.raises(fisch.errors.RunError, match="unsupported"):
                stadls.run(conn, program)
            ticket = None
        else:
            stadls.run(conn, program)
    if cls.is_writable and not name.startswith("DAC"):  # the DAC blocks travel as SPI words
        addresses, words = aggregate.encode_write_arrays(coord)
        # bits 32-35: bytes a write leaves out (zero here, as the register was)
        assert [conn.registers[int(a)] for a in addresses] == [int(w) & 0xFFFF_FFFF for w in words]
    if ticket is not None:
        assert type(ticket.get()) is cls
        if cls.is_writable:
            assert ticket.get() == aggregate
