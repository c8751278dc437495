"""Connections: the protocol, the zero mock and the environment selection."""

from __future__ import annotations

import numpy as np
import pytest
from setups import emulated_setup

import fisch
import halco
from fisch.connection import (
    ArqConnection,
    Connection,
    ZeroMockConnection,
    connection_from_env,
)
from fisch.errors import ConnectionUnavailableError


def test_zero_mock_implements_the_protocol() -> None:
    conn = ZeroMockConnection()
    assert isinstance(conn, Connection)
    assert ZeroMockConnection.supported_targets == {"hardware", "simulation"}


def test_zero_mock_answers_reads_and_echoes_loopbacks() -> None:
    b = fisch.PlaybackProgramBuilder()
    b.write(halco.OmnibusAddress(4), fisch.Omnibus(9))  # no answer
    b.read(halco.OmnibusAddress(4))
    b.read(halco.OmnibusChipOverJTAGAddress(4))  # 6 JTAG words, one keeps its response
    b.read(halco.NullPayloadReadableOnFPGA())
    words = b.done().to_fpga_words()
    with ZeroMockConnection() as conn:
        out = conn.execute(words)
    m = fisch.decode_from_fpga(out)
    names = [fisch.FROM_FPGA_DICTIONARY[h].name for h in m.header.tolist()]
    assert names == [
        "omnibus_from_fpga.Data",
        "jtag_from_hicann.Data",
        "from_fpga_system.Loopback",
        "from_fpga_system.Loopback",
    ]
    assert m.payload.tolist() == [0, 0, 1, 0]  # tick, then halt


def test_closed_connection_refuses_work() -> None:
    conn = ZeroMockConnection()
    conn.close()
    assert conn.closed
    with pytest.raises(ConnectionUnavailableError, match="ZeroMockConnection is closed"):
        conn.execute(np.zeros(1, np.uint64))
    with pytest.raises(ValueError, match="ns_per_message must be >= 0"):
        ZeroMockConnection(ns_per_message=-1)


def test_zero_mock_rejects_garbage_words() -> None:
    with pytest.raises(fisch.errors.UnknownInstructionError):
        ZeroMockConnection().execute(np.array([0xFF00000000000000], np.uint64))


def test_connection_from_env() -> None:
    assert isinstance(connection_from_env({"HXCOMM_ENABLE_ZERO_MOCK": "1"}), ZeroMockConnection)
    with pytest.raises(ConnectionUnavailableError, match="No executor backend found"):
        connection_from_env({})
    for on in ("2", "01", " 1"):  # like the real stack's atoi(value) != 0
        assert isinstance(connection_from_env({"HXCOMM_ENABLE_ZERO_MOCK": on}), ZeroMockConnection)
    for off in ("0", "", "yes"):
        with pytest.raises(ConnectionError):
            connection_from_env({"HXCOMM_ENABLE_ZERO_MOCK": off})


def test_connections_have_one_setup_without_a_hardware_database_entry() -> None:
    with ZeroMockConnection() as connection:
        assert connection.get_hwdb_entry() == (None,)


def test_connection_from_env_reaches_the_setup_slurm_fpga_ips_names() -> None:
    halt = np.array([0x0A00000000000000], np.uint64)
    with emulated_setup() as emulator:
        address = emulator.setups[0].address
        for value in (address, f"{address}:1234", f" {address} "):
            with connection_from_env({"SLURM_FPGA_IPS": value}) as connection:
                assert isinstance(connection, ArqConnection)
                assert connection.execute(halt).size > 0
        both = {"SLURM_FPGA_IPS": address, "HXCOMM_ENABLE_ZERO_MOCK": "1"}
        assert isinstance(connection_from_env(both), ZeroMockConnection)  # (first match wins)
    for value, message in [
        ("", "exactly one FPGA"),
        ("192.168.4.1,192.168.4.2", "got 2; connections to several FPGAs"),
        ("127.0.0.1:0", "port must be in"),
        ("127.0.0.1:http", "port must be in"),
    ]:
        with pytest.raises(ConnectionUnavailableError, match=message):
            connection_from_env({"SLURM_FPGA_IPS": value})
    fallback = connection_from_env({}, default=ZeroMockConnection)
    assert isinstance(fallback, ZeroMockConnection)
