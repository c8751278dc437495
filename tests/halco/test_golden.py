"""Golden facts from the reference (bss2-lowlevel §1.2-1.6): sizes, conversions, bit layouts."""

from __future__ import annotations

import pytest

import halco
from halco import (
    AtomicNeuronOnDLS,
    CapMemBlockOnDLS,
    CapMemBlockOnHemisphere,
    CrossbarInputOnDLS,
    CrossbarOutputOnDLS,
    Enum,
    NeuronColumnOnDLS,
    NeuronRowOnDLS,
    SynapseDriverOnDLS,
    SynapseDriverOnSynapseDriverBlock,
)

SIZES = {
    "HemisphereOnDLS": 2, "SynramOnDLS": 2, "NeuronRowOnDLS": 2, "NeuronColumnOnDLS": 256,
    "AtomicNeuronOnDLS": 512, "NeuronConfigBlockOnDLS": 4, "NeuronConfigOnNeuronConfigBlock": 128,
    "NeuronConfigOnDLS": 512, "NeuronBackendConfigBlockOnDLS": 2,
    "NeuronBackendConfigOnNeuronBackendConfigBlock": 256, "NeuronBackendConfigOnDLS": 512,
    "CommonNeuronBackendConfigOnDLS": 2, "NeuronResetOnDLS": 512, "SpikeCounterReadOnDLS": 512,
    "SpikeCounterResetOnDLS": 512, "NeuronEventOutputOnNeuronBackendBlock": 4,
    "NeuronEventOutputOnDLS": 8, "NeuronBackendAddressOut": 256, "NeuronResetQuadOnDLS": 128,
    "CompartmentOnLogicalNeuron": 255, "AtomicNeuronOnLogicalNeuron": 256,
    "SynapseRowOnSynram": 256, "SynapseOnSynapseRow": 256, "SynapseOnSynram": 65536,
    "SynapseOnDLS": 131072, "SynapseQuadColumnOnDLS": 64, "EntryOnQuad": 4,
    "SynapseQuadOnSynram": 16384, "SynapseQuadOnDLS": 32768, "SynapseWeightQuadOnDLS": 32768,
    "SynapseLabelQuadOnDLS": 32768, "SynapseCorrelationCalibQuadOnDLS": 32768,
    "CorrelationResetOnDLS": 32768, "SynapseRowOnDLS": 512, "SynapseWeightRowOnDLS": 512,
    "SynapseLabelRowOnDLS": 512, "SynapseCorrelationCalibRowOnDLS": 512,
    "CorrelationResetRowOnDLS": 512, "SynapseLabel": 64, "SynapticInputOnNeuron": 2,
    "SynapseDriverOnSynapseDriverBlock": 128, "SynapseDriverOnPADIBus": 32,
    "SynapseDriverBlockOnDLS": 2, "SynapseDriverOnDLS": 256, "PADIBusOnPADIBusBlock": 4,
    "PADIBusBlockOnDLS": 2, "PADIBusOnDLS": 8, "PADIEventOnDLS": 2, "CommonPADIBusConfigOnDLS": 2,
    "CommonSTPConfigOnDLS": 2, "PADIRowSelectAddress": 32, "CrossbarInputOnDLS": 20,
    "CrossbarOutputOnDLS": 12, "CrossbarL2OutputOnDLS": 4, "CrossbarNodeOnDLS": 76,
    "BackgroundSpikeSourceOnDLS": 8, "SPL1Address": 4, "NeuronLabel": 0x4000,
    "SpikePack1ToChipOnDLS": 1, "SpikePack2ToChipOnDLS": 1, "SpikePack3ToChipOnDLS": 1,
    "SpikePackFromFPGAOnDLS": 3, "MADCSamplePackFromFPGAOnDLS": 3, "CapMemBlockOnHemisphere": 2,
    "CapMemBlockOnDLS": 4, "CapMemColumnOnCapMemBlock": 130, "CapMemRowOnCapMemBlock": 24,
    "CapMemCellOnCapMemBlock": 3120, "CapMemCellOnDLS": 12480, "CapMemBlockConfigOnDLS": 4,
    "CapMemSRAMTimingConfigOnDLS": 4, "UnusedCapMemCellOnDLS": 90, "CADCOnDLS": 2,
    "CADCConfigOnDLS": 2, "CADCChannelType": 2, "CADCReadoutType": 2,
    "CADCChannelColumnOnSynram": 256, "CADCChannelConfigOnDLS": 1024,
    "CADCSampleQuadOnDLS": 131072, "CADCSampleRowOnDLS": 512, "ColumnCorrelationQuadOnDLS": 128,
    "ColumnCurrentQuadOnDLS": 128, "MADCConfigOnDLS": 1, "MADCControlOnDLS": 1,
    "SourceMultiplexerOnReadoutSourceSelection": 2, "PadOnDLS": 2,
    "PadMultiplexerConfigOnDLS": 2, "PPUOnDLS": 2, "PPUMemoryWordOnPPU": 4096,
    "PPUMemoryWordOnDLS": 8192, "PPUControlRegisterOnDLS": 2, "PPUStatusRegisterOnDLS": 2,
    "PPUMemoryOnDLS": 2, "ExternalPPUMemoryByteOnFPGA": 0x20000,
    "ExternalPPUMemoryQuadOnFPGA": 0x8000, "ExternalPPUDRAMMemoryByteOnFPGA": 0x10000000,
    "TimerOnDLS": 1, "WaitUntilOnFPGA": 1, "BarrierOnFPGA": 1, "SystimeSyncOnFPGA": 1,
    "SystimeSyncBaseOnDLS": 1, "PollingOmnibusBlockOnFPGA": 1, "JTAGPLLRegisterOnDLS": 8,
    "JTAGPhyRegisterOnDLS": 8, "PhyConfigFPGAOnDLS": 8, "PhyConfigChipOnDLS": 8,
    "PhyStatusOnFPGA": 8, "ADPLLOnDLS": 2, "PLLClockOutputOnDLS": 4, "DACChannelOnBoard": 16,
    "SpikeIOAddress": 256, "SpikeIOInputRouteOnFPGA": 256,
    "OutputRoutingTableEntryOnFPGA": 1 << 16, "InputRoutingTableEntryOnFPGA": 1 << 15,
    "ResetChipOnDLS": 1, "CrossbarOnDLS": 1, "ChipOnDLS": 1,
}  # fmt: skip


@pytest.mark.parametrize(("name", "size"), sorted(SIZES.items()))
def test_reference_sizes(name: str, size: int) -> None:
    assert getattr(halco, name).size == size


def test_raw_value_types() -> None:
    assert halco.OmnibusAddress(0xFFFFFFFF).value() == 0xFFFFFFFF
    assert halco.SpikeLabel.bits == 16 and halco.OmnibusChipOverJTAGAddress.bits == 32


def test_atomic_neuron_to_neuron_config() -> None:
    n = AtomicNeuronOnDLS(NeuronColumnOnDLS(130), NeuronRowOnDLS.bottom)
    assert n.toEnum() == Enum(386)
    cfg = n.toNeuronConfigOnDLS()
    assert cfg.toNeuronConfigBlockOnDLS() == halco.NeuronConfigBlockOnDLS(3)
    assert cfg.toNeuronConfigOnNeuronConfigBlock() == halco.NeuronConfigOnNeuronConfigBlock(2)
    assert n.toCapMemBlockOnDLS() == CapMemBlockOnDLS(3)
    assert n.toCapMemColumnOnCapMemBlock() == halco.CapMemColumnOnCapMemBlock(2)


def test_backend_block_scheme() -> None:
    n = AtomicNeuronOnDLS(NeuronColumnOnDLS(130), NeuronRowOnDLS.bottom)
    backend = n.toNeuronBackendConfigOnDLS()
    assert backend.toNeuronBackendConfigBlockOnDLS() == halco.NeuronBackendConfigBlockOnDLS(1)
    assert int(backend.toNeuronBackendConfigOnNeuronBackendConfigBlock()) == 128 + 2
    assert backend.toAtomicNeuronOnDLS() == n
    assert int(n.toNeuronResetOnDLS()) == int(n.toSpikeCounterReadOnDLS()) == int(backend)


def test_capmem_block_and_hemisphere() -> None:
    assert CapMemBlockOnDLS(3).toCapMemBlockOnHemisphere() == CapMemBlockOnHemisphere(1)
    assert CapMemBlockOnDLS(3).toHemisphereOnDLS() == halco.HemisphereOnDLS.bottom
    assert CapMemBlockOnDLS(CapMemBlockOnHemisphere.left, halco.HemisphereOnDLS.bottom) == (
        CapMemBlockOnDLS(2)
    )
    assert halco.NeuronConfigBlockOnDLS(2).toCapMemBlockOnDLS() == CapMemBlockOnDLS(2)


@pytest.mark.parametrize("d", range(128))
def test_driver_on_padi_bus(d: int) -> None:
    driver = SynapseDriverOnSynapseDriverBlock(d)
    assert int(driver.toPADIBusOnPADIBusBlock()) == d % 4
    assert int(driver.toSynapseDriverOnPADIBus()) == d // 4
    rows = driver.toSynapseRowOnSynram()
    assert int(rows[halco.SynapseRowOnSynapseDriver.top]) == 2 * d + 1
    assert int(rows[halco.SynapseRowOnSynapseDriver.bottom]) == 2 * d
    assert halco.SynapseRowOnSynram(2 * d + 1).toSynapseDriverOnSynapseDriverBlock() == driver


def test_driver_capmem_block() -> None:
    assert SynapseDriverOnDLS(5).toCapMemBlockOnDLS() == CapMemBlockOnDLS(1)
    assert SynapseDriverOnDLS(128 + 4).toCapMemBlockOnDLS() == CapMemBlockOnDLS(2)


@pytest.mark.parametrize("c", range(256))
def test_neuron_column_to_event_output_to_crossbar(c: int) -> None:
    out = NeuronColumnOnDLS(c).toNeuronEventOutputOnDLS()
    assert int(out) == c // 32
    assert out.toCrossbarInputOnDLS() == CrossbarInputOnDLS(c // 32)
    assert CrossbarInputOnDLS(c // 32).toNeuronEventOutputOnDLS() == out


def test_padi_bus_crossbar_and_l2() -> None:
    for e in range(8):
        assert halco.PADIBusOnDLS(e).toCrossbarOutputOnDLS() == CrossbarOutputOnDLS(e)
        assert CrossbarOutputOnDLS(e).toPADIBusOnDLS() == halco.PADIBusOnDLS(e)
        assert CrossbarOutputOnDLS(e).toCrossbarL2OutputOnDLS() is None
    for e in range(8, 12):
        assert CrossbarOutputOnDLS(e).toCrossbarL2OutputOnDLS() == halco.CrossbarL2OutputOnDLS(
            e - 8
        )
        assert CrossbarOutputOnDLS(e).toPADIBusOnDLS() is None
    for a in range(4):
        spl1 = halco.SPL1Address(a)
        assert spl1.toCrossbarInputOnDLS() == CrossbarInputOnDLS(8 + a)
        assert CrossbarInputOnDLS(8 + a).toSPL1Address() == spl1
        assert spl1.toCrossbarL2OutputOnDLS() == halco.CrossbarL2OutputOnDLS(a)
    assert CrossbarInputOnDLS(12).toSPL1Address() is None
    assert CrossbarInputOnDLS(12).toNeuronEventOutputOnDLS() is None


def test_crossbar_topology() -> None:
    nodes = {(int(n.x()), int(n.y())) for n in halco.iter_all(halco.CrossbarNodeOnDLS)}
    assert len(nodes) == 76
    assert {(o, i) for (o, i) in nodes if i < 8} == {
        (i % 4 + k, i) for i in range(8) for k in (0, 4, 8)
    }
    assert {(o, i) for (o, i) in nodes if 8 <= i < 12} == {
        *((o, i) for i in range(8, 12) for o in range(8)),
        *((i, i) for i in range(8, 12)),
    }
    assert {(o, i) for (o, i) in nodes if i >= 12} == {
        *((i - 12, i) for i in range(12, 20)),
        *((8 + (i - 12) % 4, i) for i in range(12, 20)),
    }
    for b in range(8):
        src = halco.BackgroundSpikeSourceOnDLS(b)
        assert src.toCrossbarInputOnDLS() == CrossbarInputOnDLS(12 + b)
        assert (int(src.toPADIBusOnDLS()), int(src.toCrossbarL2OutputOnDLS())) == (b, b % 4)


def test_synapse_quad_mapping_interleaves_columns() -> None:
    # quad column q holds columns 2 * (4 * (q % 32) + entry) + q // 32 (real halco layout)
    q = halco.SynapseQuadColumnOnDLS(33)
    assert [int(c) for c in q.toNeuronColumnOnDLS()] == [9, 11, 13, 15]
    for s in range(256):
        syn = halco.SynapseOnSynapseRow(s)
        quad, entry = syn.toSynapseQuadColumnOnDLS(), syn.toEntryOnQuad()
        assert quad.toNeuronColumnOnDLS()[entry] == NeuronColumnOnDLS(s)
        assert halco.SynapseOnSynapseRow(entry, quad) == syn
        assert syn.toNeuronColumnOnDLS() == NeuronColumnOnDLS(s)


def test_capmem_named_rows_and_cells() -> None:
    rows = halco.CapMemRowOnCapMemBlock
    assert (int(rows.v_leak), int(rows.v_threshold), int(rows.i_bias_nmda)) == (0, 2, 23)
    cell = halco.CapMemCellOnDLS.readout_sc_amp_v_ref
    assert cell.toCapMemBlockOnDLS() == CapMemBlockOnDLS(0)
    assert (int(cell.x()), int(cell.y())) == (128, 6)
    shared = halco.CapMemCellOnCapMemBlock.neuron_i_bias_synin_drop  # type: ignore[attr-defined]
    assert (int(shared.x()), int(shared.y()), shared.isShared()) == (129, 23, True)
    unused = {halco.UnusedCapMemCellOnDLS(i).toCapMemCellOnDLS() for i in range(90)}
    assert len(unused) == 90


def test_spike_label_bits() -> None:
    label = halco.SpikeLabel(0b10_000_10101_110011)
    assert int(label.spl1_address) == 2
    assert int(label.neuron_label) == 0b000_10101_110011
    assert int(label.row_select_address) == 0b10101
    assert int(label.synapse_label) == 0b110011
    assert int(label.padi_label) == 0b000_10101_110011
    label = halco.SpikeLabel(0)
    label.neuron_event_output = halco.NeuronEventOutputOnDLS(5)
    label.neuron_backend_address_out = 0xAB
    assert label.value() == (5 << 8) | 0xAB
    assert label.get_neuron_event_output() == halco.NeuronEventOutputOnDLS(5)  # type: ignore[attr-defined]
    assert int(label.toSpikeIOOutputRouteOnFPGA()) == label.value()


def test_hemisphere_equivalent_conversions() -> None:
    types = halco.HEMISPHERE_EQUIVALENT
    assert len(types) == 23
    for src in types:
        for dst in types:
            if src is not dst:
                assert getattr(src(1), "to" + dst.__name__)() == dst(1)
    assert halco.SynramOnDLS.top.toPPUOnDLS() == halco.PPUOnDLS.top


def test_keyword_constructors_and_statics() -> None:
    row = halco.CADCSampleRowOnDLS(
        block=halco.SynapseRowOnSynram(3), synram=halco.SynramOnDLS.bottom
    )
    assert int(row) == 256 + 3
    word = halco.PPUMemoryWordOnDLS(halco.PPUMemoryWordOnPPU(10), halco.PPUOnDLS.top)
    assert int(word) == 10 and word.toPPUOnDLS() == halco.PPUOnDLS.top
    assert halco.NeuronConfigOnDLS(neuron=2, block=3) == halco.NeuronConfigOnDLS(Enum(386))
    assert int(halco.PPUMemoryWordOnPPU.return_code) == 3071
    assert int(halco.CADCChannelType.acausal) == 1 and int(halco.CADCReadoutType.buffered) == 1
    assert int(halco.SynapticInputOnNeuron.inhibitory) == 1
    assert halco.CapMemBlockOnHemisphere.right == CapMemBlockOnHemisphere(1)
    assert int(halco.PLLClockOutputOnDLS.madc_clk) == 3
    assert int(halco.DACChannelOnBoard.vdd12_madc) == 12


def test_enum_equals_its_int() -> None:
    n = AtomicNeuronOnDLS(NeuronColumnOnDLS(130), NeuronRowOnDLS.bottom)
    assert n.toEnum() == 1 * 256 + 130 and 386 == n.toEnum()
    assert n.toEnum() != 385 and n.toEnum() != True  # noqa: E712 - bools are no enums
    assert {Enum(386): "x"}[386] == "x"
    assert n.toEnum() != NeuronColumnOnDLS(130).toEnum()
