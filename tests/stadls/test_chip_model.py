"""The embedded chip model (``fisch.connection.ChipModelConnection``), driven through stadls;
the run-level tests run over both paths, in process and through the setup emulator."""

from __future__ import annotations

import numpy as np
import pytest
from container_strategies import container_strategy, random_coord, written
from hypothesis import given, settings
from hypothesis import strategies as st
from setups import KINDS, connect

import fisch
import halco
import haldls
import stadls
from fisch.connection import ChipModelConnection

#: Containers a program can write and read back (the counting timer has its own test).
READ_WRITE = sorted(
    n for n, c in haldls.containers.items() if c.is_readable and c.is_writable and n != "Timer"
)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", READ_WRITE)
@settings(max_examples=5)
@given(data=st.data())
def test_every_container_reads_back_what_was_written(
    kind: str, name: str, data: st.DataObject
) -> None:
    """Random valid values at random coordinates, written and read with every pair of backends."""
    ctype = haldls.containers[name]
    c = data.draw(container_strategy(ctype))
    coord = random_coord(ctype, data)
    writers = [haldls.Backend[b.__name__] for b in ctype.backends if b.is_writable]
    readers = [haldls.Backend[b.__name__] for b in ctype.backends if b.is_readable]
    write_backend = data.draw(st.sampled_from(writers))
    read_backend = data.draw(st.sampled_from(readers))
    builder = stadls.PlaybackProgramBuilder()
    try:
        builder.write(coord, c, write_backend)
    except ValueError:  # a value the word refuses (the timer takes only 0)
        return
    ticket = builder.read(coord, read_backend)  # the program ends when its reads are answered
    with connect(kind, seed=data.draw(st.integers(0, 2**64 - 1))) as (connection, model):
        stadls.run(connection, builder.done())
        assert model.diagnostics["unknown_reads"] == 0
        assert model.diagnostics["unknown_writes"] == 0
    assert ticket.get() == written(c)


@pytest.mark.parametrize("kind", KINDS)
def test_system_init_runs_cleanly(kind: str) -> None:
    with connect(kind) as (connection, model):
        builder, _ = stadls.SystemInit(connection.get_hwdb_entry()[0]).generate()
        builder.block_until(halco.BarrierOnFPGA(), haldls.Barrier.omnibus)
        stadls.run(connection, builder.done())
        diagnostics = model.diagnostics
    assert diagnostics["unknown_reads"] == diagnostics["unknown_writes"] == 0
    assert diagnostics["timeouts"] == 0
    assert diagnostics["end_systime"] > diagnostics["start_systime"]


@pytest.mark.parametrize("kind", KINDS)
def test_time_goes_on_between_programs(kind: str) -> None:
    """A wait of 10 us costs 1250 cycles of model time; responses carry the systime."""
    with connect(kind) as (connection, model):
        builder = stadls.PlaybackProgramBuilder()
        builder.write(halco.TimerOnDLS(), haldls.Timer())
        builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(1250))
        ticket = builder.read(halco.TimerOnDLS())
        before = model.systime
        stadls.run(connection, builder.done())
        after = model.systime
    assert after - before >= 1250
    assert int(ticket.get().value) >= 1250
    assert before + 1250 <= int(ticket.fpga_time) <= after


@pytest.mark.parametrize("kind", KINDS)
def test_registers_persist_between_programs_and_reset_clears_the_chip(kind: str) -> None:
    coord = halco.CrossbarNodeOnDLS(7)
    node = haldls.CrossbarNode(mask=0x155, target=0x2A)
    with connect(kind) as (connection, _):
        first = stadls.PlaybackProgramBuilder()
        first.write(coord, node)
        stadls.run(connection, first.done())
        second = stadls.PlaybackProgramBuilder()
        kept = second.read(coord)
        second.write(halco.ResetChipOnDLS(), haldls.ResetChip(True))
        second.write(halco.ResetChipOnDLS(), haldls.ResetChip(False))
        cleared = second.read(coord)
        stadls.run(connection, second.done())
    assert kept.get() == node
    assert cleared.get() == haldls.CrossbarNode.decode([0])


def test_unknown_addresses_and_bad_programs() -> None:
    with ChipModelConnection() as connection:
        builder = fisch.PlaybackProgramBuilder()
        builder.write(halco.OmnibusAddress(0x0001_0000), fisch.Omnibus(5))  # between units
        ticket = builder.read(halco.OmnibusAddress(0x0001_0000))
        program = builder.done()
        fisch.run(connection, program)
        diagnostics = connection.diagnostics
        assert ticket.get()[0].get().word == 0
        assert diagnostics["unknown_writes"] == diagnostics["unknown_reads"] == 1
        assert diagnostics["first_unknown_address"] == 0x0001_0000
        with pytest.raises(fisch.errors.UTDecodeError, match="word 1"):
            connection.execute(np.array([0x0400_0000_0000_0000, 0x7F00_0000_0000_0000], np.uint64))
        with pytest.raises(fisch.errors.PlaybackMemoryError):
            connection.execute(np.zeros(4_194_305, np.uint64))
    with pytest.raises(fisch.errors.ConnectionUnavailableError):
        connection.execute(np.zeros(1, np.uint64))
    with pytest.raises(TypeError, match="seed"):
        ChipModelConnection(seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*64\)"):
        ChipModelConnection(seed=-1)


def test_analog_options_and_membrane_refuse_bad_values() -> None:
    for flag in ("mismatch", "noise"):
        with pytest.raises(TypeError, match=f"{flag} must be a bool, got int"):
            ChipModelConnection(seed=1, **{flag: 1})  # type: ignore[arg-type]
    with ChipModelConnection(seed=1, mismatch=False, noise=False) as connection:
        assert connection.mismatch is False and connection.noise is False
        assert 0.0 <= connection.membrane(511) <= 1.2
        with pytest.raises(ValueError, match=r"neuron must be in \[0, 512\), got 512"):
            connection.membrane(512)
        with pytest.raises(ValueError, match="got -1"):
            connection.membrane(-1)
        with pytest.raises(TypeError, match="neuron must be an int, got float"):
            connection.membrane(1.0)  # type: ignore[arg-type]
    with pytest.raises(fisch.errors.ConnectionUnavailableError):
        connection.membrane(0)
