"""The BrainScaleS-2 (HX v3) chip as the coordinate and FPGA word layers see it.

It prints the chip's geometry from ``halco``, a few of the conversions users rely on when they
address neurons, synapses and routing, the registers a neuron's configuration changes in a
whole-chip ``haldls.lola.Chip``, and one small ``fisch`` program: its words on the wire and its
run on the embedded chip model (whose digital half, the FPGA's executor and the registers, is
there; its neurons follow).
"""

from __future__ import annotations

import fisch
import halco
import haldls
from fisch.connection import ChipModelConnection
from halco import iter_all
from haldls import lola


def main() -> None:
    """Print the chip geometry and example conversions."""
    rows = [
        ("atomic neurons", halco.AtomicNeuronOnDLS, "2 rows x 256 columns"),
        ("synapses", halco.SynapseOnDLS, "2 synrams x 256 rows x 256 columns"),
        ("synapse quads", halco.SynapseQuadOnDLS, "4 synapses per 32-bit access"),
        ("synapse drivers", halco.SynapseDriverOnDLS, "128 per hemisphere, 2 rows each"),
        ("PADI buses", halco.PADIBusOnDLS, "4 per hemisphere"),
        ("crossbar inputs", halco.CrossbarInputOnDLS, "8 neuron outputs, 4 L2, 8 background"),
        ("crossbar outputs", halco.CrossbarOutputOnDLS, "8 PADI buses, 4 L2 to the FPGA"),
        ("crossbar nodes", halco.CrossbarNodeOnDLS, "sparse 12 x 20 grid"),
        ("background sources", halco.BackgroundSpikeSourceOnDLS, "Poisson/regular generators"),
        ("CapMem cells", halco.CapMemCellOnDLS, "4 blocks x 130 columns x 24 rows"),
        ("CADC channels", halco.CADCChannelConfigOnDLS, "causal + acausal per column"),
        ("PPU memory words", halco.PPUMemoryWordOnDLS, "2 PPUs x 16 KiB"),
    ]
    print("BrainScaleS-2 (HX v3) geometry")
    for label, coord, note in rows:
        print(f"  {label:<20} {coord.size:>7}  {coord.__name__:<28} {note}")

    neuron = halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(130), halco.NeuronRowOnDLS.bottom)
    print(f"\nOne neuron, {neuron!r}, and the registers it lives in:")
    for conversion in ("toNeuronConfigOnDLS", "toNeuronBackendConfigOnDLS", "toCapMemBlockOnDLS",
                       "toSynramOnDLS", "toSynapseQuadColumnOnDLS"):  # fmt: skip
        print(f"  .{conversion}() = {getattr(neuron, conversion)()!r}")
    output = neuron.x().toNeuronEventOutputOnDLS()
    print(f"  its spikes leave on {output!r} -> {output.toCrossbarInputOnDLS()!r}")

    driver = halco.SynapseDriverOnSynapseDriverBlock(13)
    print(f"\n{driver!r} listens on {driver.toPADIBusOnPADIBusBlock()!r} and drives rows "
          f"{[int(r) for r in driver.toSynapseRowOnSynram()]}")  # fmt: skip
    leak = sum(1 for c in iter_all(halco.CapMemCellOnDLS)
               if c.toCapMemRowOnCapMemBlock() == halco.CapMemRowOnCapMemBlock.v_leak
               and not c.toCapMemColumnOnCapMemBlock().isShared())  # fmt: skip
    print(f"CapMem cells holding a neuron's v_leak: {leak}")
    registers()
    wire()


def registers() -> None:
    """Configure one neuron in a whole-chip configuration and show the registers it changes."""
    chip = lola.Chip()
    neuron = chip.neuron_block.atomic_neurons[halco.AtomicNeuronOnDLS(5)]  # a live view
    neuron.leak.v_leak = 700
    neuron.threshold.enable = True
    neuron.event_routing.analog_output = lola.AtomicNeuron.EventRouting.AnalogOutputMode.normal
    addresses, words = chip.encode_write_arrays(reference=lola.Chip())
    print(f"\nA Chip is {len(lola.Chip.address_array())} register words; configuring neuron 5 "
          f"changes {len(words)} of them:")  # fmt: skip
    for address, word in zip(addresses.tolist(), words.tolist(), strict=True):
        print(f"  [{address:#010x}] = {word:#010x}")
    blob = chip.to_container_list().to_binary()
    back = lola.Chip.from_container_list(haldls.ContainerList.from_binary(blob))
    print(f"stored as a binary container list: {len(blob)} bytes, reads back equal: {back == chip}")


def wire() -> None:
    """Build a small FPGA program, print its words and run it on the chip model."""
    builder = fisch.PlaybackProgramBuilder()
    builder.write(halco.TimerOnDLS(), fisch.Timer())
    builder.write(halco.OmnibusAddress(0x0016002A), fisch.Omnibus(0x81))
    ticket = builder.read(halco.OmnibusAddress(0x0016002A))
    labels = [halco.SpikeLabel(0x1234), halco.SpikeLabel(0x0042)]
    builder.write(halco.SpikePack2ToChipOnDLS(), fisch.SpikePack2ToChip(labels))
    builder.write(halco.WaitUntilOnFPGA(), fisch.WaitUntil(10 * fisch.FPGA_CLOCK_CYCLES_PER_US))
    builder.write(halco.BarrierOnFPGA(), fisch.Barrier.omnibus)
    program = builder.done()
    print("\nA program on the wire (to-FPGA words, halt appended at execution):")
    for word in program.to_fpga_words().tolist():
        print(f"  {word:#018x}  {fisch.describe_to_fpga_word(word)}")
    with ChipModelConnection(seed=1) as connection:
        info = fisch.run(connection, program)
        systime, diagnostics = connection.systime, connection.diagnostics
    answer, when = ticket.get()[0], ticket.fpga_time().value()
    print(f"the chip model answered the read with {answer!r} at fpga_time {when}; the program "
          f"took {systime} FPGA cycles of model time and {info.execution_duration / 1e3:.0f} us "
          f"of wall time ({diagnostics['instructions']} instructions, "
          f"{diagnostics['events_to_chip']} spikes to the chip)")  # fmt: skip


if __name__ == "__main__":
    main()
