"""Running the appended snippets: one stadls program for all of them, and their data back.

Each snippet follows the real backend's realtime timeline (reference bss2-frontend.md §3.5):
its neurons configured, the MADC woken and started on the recorded neurons, all placed neurons
reset, 1 µs to settle, then t = 0 (a time-stamp ticket), the runtime, the MADC stopped.
Recorded spikes and samples are kept if they lie in [t = 0, t = runtime) and are made relative to
t = 0. Decisions where the reference is silent:

- The refractory clocks of both backend blocks tick at 64 ns (``clock_scale_slow`` 3, as the
  tutorial's isi example sets them); neurons count on the slow clock unless they choose the fast.
- A neuron's digital address (``event_routing_address``) is the backend's, not the user's: its
  index among the 64 circuits of its event output (``_routing.address_out``), so a recorded
  spike's label names its neuron and serves as its synapse label.
- External sources' spikes go out at their times rounded to the FPGA's 8 ns; a recorded spike
  source gives back those times.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

import halco
import haldls
import stadls
from haldls import lola
from pynn_frontend import _background, injection
from pynn_frontend._mapping import Mapping, map_network, write_routing, write_synapses
from pynn_frontend._routing import address_out
from pynn_frontend.cells import READOUT_SOURCE, field_path, spike_times
from pynn_frontend.recording import SnippetData

__all__ = ["Snippet", "execute", "snapshot"]

#: FPGA cycles per ms of hardware time (125 MHz).
CYCLES_PER_MS = 125_000
#: Settling before each snippet's neuron reset, and after it (cycles).
SETTLE = 125 * 10
AFTER_RESET = 125


@attrs.define
class Snippet:
    """One run snippet: its time span, populations, mapping, weights and external spikes.

    The neuron populations with their parameters and recording, the mapping with the weights of
    the moment, and the external sources' spike times.
    """

    start: float
    runtime: float
    #: per population: (population, native parameters {name: array}, spike IDs, analog {ID: var})
    populations: list[tuple[Any, dict[str, Any], set[int], dict[int, str]]]
    mapping: Mapping
    weights: npt.NDArray[np.int64]
    #: per external source population: (population, {ID: spike times in ms}, recorded IDs)
    sources: list[tuple[Any, dict[int, npt.NDArray[np.float64]], set[int]]]
    #: setup's enable_neuron_bypass: every excitatory input fires its neuron
    bypass: bool = False
    #: setup's initial_config (a lola.Chip), or None
    chip: Any = None
    #: on-chip Poisson populations: (population, recorded IDs)
    background: list[tuple[Any, set[int]]] = attrs.Factory(list)
    #: setup's injected_config and injected_readout (injection.py), or None
    injected: Any = None
    readout: Any = None


def _recorded_spikes(pop: Any) -> set[int]:
    return {int(i) for v, ids in pop.recorder.recorded.items() if v.name == "spikes" for i in ids}


def snapshot(state: Any, start: float, runtime: float) -> Snippet:
    """Take the network as it is now, to run as one snippet from `start` for `runtime` ms.

    Raises
    ------
    RoutingError
        If the projections do not fit the chip.
    """
    taken, sources, background = [], [], []
    for pop in state.populations:
        if pop.background_bus >= 0:
            _background.settings(pop)  # (refused here, at once, if it cannot be)
            background.append((pop, _recorded_spikes(pop)))
            continue
        if not pop.circuits:
            times = spike_times(pop)
            sources.append((pop, times, _recorded_spikes(pop)))
            continue
        analog = {int(c): var for c in pop.all_cells if (var := pop.recorder.analog_of(c))}
        pop._take_hwparams()  # (edits of actual_hwparams since PREPARE)
        params = {k: np.array(v, copy=True) for k, v in pop._parameters.items()}
        taken.append((pop, params, _recorded_spikes(pop), analog))
    mapping = map_network(state.projections, state.route_cache)
    state.mapping = mapping
    bypass = bool(state.config.get("enable_neuron_bypass", False))
    chip = state.config.get("initial_config")
    injected, readout = state.config.get("injected_config"), state.config.get("injected_readout")
    return Snippet(
        start, runtime, taken, mapping, mapping.weights(), sources, bypass, chip, background,
        injected, readout,
    )  # fmt: skip


def execute(connection: Any, snippets: list[Snippet]) -> dict[str, dict[Any, Any]]:
    """Run `snippets` back to back in one program on `connection`.

    Each population's recorder gets its data of each snippet. Returns the injected reads of
    the last snippet by point.

    Raises
    ------
    ValueError
        If more than two neurons record an analog observable in a snippet, or two of them share
        a column parity (the MADC's two inputs are one even and one odd readout line).
    """
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(True))
    injection.inject(builder, snippets[0].injected, "pre_non_realtime")
    marks = []
    routing, written = None, None  # (the previous snippet's)
    for snippet in snippets:
        if snippet.mapping.routing is not routing:
            routing = snippet.mapping.routing
            write_routing(builder, routing, snippet.bypass, snippet.chip)
        matrices = snippet.mapping.matrices(snippet.weights)
        if written is None or not np.array_equal(matrices, written):
            write_synapses(builder, matrices)
            written = matrices
        marks.append(_snippet(builder, snippet))
    program = builder.done()
    stadls.run(connection, program)
    spikes = program.spikes.to_numpy()
    samples = program.madc_samples.to_numpy()
    for snippet, (begin, labels, channels, _) in zip(snippets, marks, strict=True):
        t0 = int(begin.fpga_time)
        data = _extract(snippet, t0, labels, channels, spikes, samples)
        pops = [p for p, *_ in snippet.populations] + [p for p, *_ in snippet.sources]
        for pop in pops + [p for p, _ in snippet.background]:
            pop.recorder.snippets.append(data[id(pop)])
    return {
        point: {c: t.get() for c, t in tickets.items()} for point, tickets in marks[-1][3].items()
    }


def _snippet(
    builder: stadls.PlaybackProgramBuilder, snippet: Snippet
) -> tuple[Any, Any, Any, dict[str, Any]]:
    """Write one snippet; return its t = 0 ticket, labels, MADC inputs and injected reads.

    The labels are {label key: ID}, the MADC inputs {input: ID}, the reads' tickets by point.
    """
    labels: dict[tuple[int, int], int] = {}
    analog: list[tuple[halco.AtomicNeuronOnDLS, int, str]] = []
    block = _neuron_block(snippet.chip)
    neurons = block.atomic_neurons
    for pop, params, _, recorded in snippet.populations:
        enums = np.array([int(c.toEnum()) for c in pop.circuits], np.int64)
        for name, values in params.items():
            neurons.set_field(field_path(name), values, enums)
        address = address_out(enums)
        neurons.set_field("event_routing.analog_output", 1, enums)  # normal
        neurons.set_field("event_routing.enable_digital", 1, enums)
        neurons.set_field("event_routing.address", address, enums)
        if snippet.bypass:
            neurons.set_field("event_routing.enable_bypass_excitatory", 1, enums)
        outputs = (enums % 256) // 32
        for cell, output, a in zip(pop.all_cells, outputs, address, strict=True):
            labels[(int(output), int(a))] = int(cell)
        for index, cell in enumerate(pop.all_cells):
            variable = recorded.get(int(cell))
            if variable is not None:
                one = enums[index : index + 1]
                neurons.set_field("readout.enable_amplifier", 1, one)
                neurons.set_field("readout.enable_buffered_access", 1, one)
                neurons.set_field("readout.source", READOUT_SOURCE[variable], one)
                analog.append((pop.circuits[index], int(cell), variable))
    builder.write(halco.NeuronBlockOnDLS(), block)
    channels = _madc(builder, analog)
    reads: dict[str, Any] = {}
    _hook(builder, snippet, "pre_realtime", reads)
    _wait(builder, SETTLE)
    quads = {
        (int(c.toSynapseQuadColumnOnDLS()), int(c.toEnum()) // 256)
        for pop, *_ in snippet.populations
        for c in pop.circuits
    }
    for q, s in sorted(quads):  # (a quad's four neurons at once; unplaced ones are silent)
        coord = halco.NeuronResetQuadOnDLS(halco.SynapseQuadColumnOnDLS(q), halco.SynramOnDLS(s))
        builder.write(coord, haldls.NeuronResetQuad())
    _wait(builder, AFTER_RESET)
    for pop, _ in snippet.background:
        _background.enable(builder, pop, snippet.mapping.routing.background_select)
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    begin = builder.read(halco.TimerOnDLS())
    _hook(builder, snippet, "inside_realtime_begin", reads)
    times, spike_labels = _inputs(snippet)
    if times.size:
        builder.write_spike_train(times, spike_labels)
    builder.block_until(
        halco.TimerOnDLS(), haldls.Timer.Value(round(snippet.runtime * CYCLES_PER_MS))
    )
    _hook(builder, snippet, "inside_realtime_end", reads)
    if channels:
        builder.write(halco.MADCControlOnDLS(), haldls.MADCControl(stop_recording=True))
    for pop, _ in snippet.background:
        _background.disable(builder, pop)
    _hook(builder, snippet, "post_realtime", reads)
    return begin, labels, channels, reads


def _hook(builder: Any, snippet: Snippet, point: str, reads: dict[str, Any]) -> None:
    """Append the injected writes and reads of `point`; its reads' tickets into `reads`."""
    injection.inject(builder, snippet.injected, point)
    reads[point] = injection.read(builder, snippet.readout, point)


def _neuron_block(chip: Any = None) -> lola.NeuronBlock:
    """Return the neuron block every snippet starts from.

    Without `chip` (the initial_config): silent neurons, the backends' clocks at 64 ns
    (``clock_scale_slow`` 3); with it, its neurons, backends and global biases, the neurons'
    digital outputs off (the placed ones get theirs). Every column's synaptic current switches
    are on.
    """
    block = lola.NeuronBlock()
    if chip is None:
        for b in halco.iter_all(halco.CommonNeuronBackendConfigOnDLS):
            block.backends[b].clock_scale_slow = 3
    else:
        given = chip.neuron_block
        for name in given.field_names():  # (each assignment copies; current rows: below)
            setattr(block, name, getattr(given, name))
        block.atomic_neurons.set_field("event_routing.enable_digital", 0)
    for r in halco.iter_all(halco.ColumnCurrentRowOnDLS):
        switches = block.current_rows[r].values  # (the block's own rows, changed in place)
        for name in ("enable_synaptic_current_excitatory", "enable_synaptic_current_inhibitory"):
            switches.table[:, switches.cols[name][0]] = 1
    return block


def _inputs(snippet: Snippet) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return the snippet's external spikes: FPGA cycles after t = 0 and 16-bit labels, in order."""
    labels = snippet.mapping.routing.labels
    end = round(snippet.runtime * CYCLES_PER_MS)
    times: list[Any] = []
    out: list[Any] = []
    for _, spikes, _ in snippet.sources:
        for cell, t in spikes.items():
            mine = labels.get(cell)
            if not mine:
                continue
            cycles = _cycles(t, snippet)
            cycles = cycles[cycles < end]
            for label in mine:
                times.append(cycles)
                out.append(np.full(cycles.size, label, np.int64))
    if not times:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cycles_all: npt.NDArray[np.int64] = np.concatenate(times).astype(np.int64)
    order = np.argsort(cycles_all, kind="stable")
    return cycles_all[order], np.concatenate(out)[order]


def _cycles(times: npt.NDArray[np.float64], snippet: Snippet) -> npt.NDArray[np.int64]:
    """Spike times (ms of the experiment) within the snippet, as cycles after its t = 0."""
    rel = np.asarray(times, np.float64) - snippet.start
    rel = rel[(rel >= 0) & (rel < snippet.runtime)]
    return np.round(rel * CYCLES_PER_MS).astype(np.int64)


def _madc(
    builder: stadls.PlaybackProgramBuilder, analog: list[tuple[halco.AtomicNeuronOnDLS, int, str]]
) -> dict[int, tuple[int, str]]:
    """Connect the recorded neurons' readout lines to the MADC's inputs and start it.

    Two neurons: the inputs alternate. Returns {input: (ID, variable)}.

    Raises
    ------
    ValueError
        For more than two neurons, or two in columns of the same parity.
    """
    if not analog:
        return {}
    if len(analog) > 2:
        raise ValueError(
            f"MADC recording supports recording at most two neurons, {len(analog)} record an "
            f"analog observable (IDs {[c for _, c, _ in analog]})"
        )
    parities = [_column(coord) % 2 for coord, _, _ in analog]
    if len(set(parities)) < len(parities):
        raise ValueError(
            "MADC recording of two neurons needs columns with unique parity (even/odd): IDs "
            f"{[c for _, c, _ in analog]} are both in {'odd' if parities[0] else 'even'} columns"
        )
    selection = haldls.ReadoutSourceSelection()
    for i, (coord, _, _) in enumerate(analog):
        mux = halco.SourceMultiplexerOnReadoutSourceSelection(i)
        buffer = selection.get_buffer(mux)
        hemisphere = halco.HemisphereOnDLS(int(coord.toEnum()) // 256)
        line = buffer.neuron_odd if _column(coord) % 2 else buffer.neuron_even
        line[hemisphere] = True
        selection.set_buffer(mux, buffer)
    builder.write(halco.ReadoutSourceSelectionOnDLS(), selection)
    config = haldls.MADCConfig()
    if len(analog) == 2:
        config.active_mux_input_select_length = 1
    builder.write(halco.MADCConfigOnDLS(), config)
    builder.write(halco.MADCControlOnDLS(), haldls.MADCControl(wake_up=True))
    start = haldls.MADCControl(start_recording=True, enable_continuous_sampling=True)
    builder.write(halco.MADCControlOnDLS(), start)  # (until the snippet's end stops it)
    return {i: (cell, variable) for i, (_, cell, variable) in enumerate(analog)}


def _column(coord: halco.AtomicNeuronOnDLS) -> int:
    return int(coord.toEnum()) % 256  # (the enum counts columns, then rows)


def _wait(builder: stadls.PlaybackProgramBuilder, cycles: int) -> None:
    builder.write(halco.TimerOnDLS(), haldls.Timer())
    builder.block_until(halco.TimerOnDLS(), haldls.Timer.Value(cycles))


def _extract(
    snippet: Snippet,
    t0: int,
    labels: dict[tuple[int, int], int],
    channels: dict[int, tuple[int, str]],
    spikes: Any,
    samples: Any,
) -> dict[int, SnippetData]:
    """Sort the snippet's spikes and samples (it began at FPGA cycle `t0`) by population."""
    end = round(snippet.runtime * CYCLES_PER_MS)
    out = {
        id(pop): SnippetData(snippet.start, snippet.start + snippet.runtime)
        for pop, _, _, _ in snippet.populations
    }
    owner = {int(c): id(pop) for pop, _, _, _ in snippet.populations for c in pop.all_cells}
    recording = {c for _, _, ids, _ in snippet.populations for c in ids}
    cell_of = np.full(1 << 14, -1, np.int64)  # label -> ID of a neuron recording spikes
    for (output, address), cell in labels.items():
        if cell in recording:
            cell_of[(output << 8) | address] = cell  # (the neuron label: output, address_out)
    rel = spikes["fpga_time"].astype(np.int64) - t0
    cells = cell_of[spikes["label"].astype(np.int64) & 0x3FFF]
    keep = (rel >= 0) & (rel < end) & (cells >= 0)
    for cell in recording:  # (every recording neuron has a train, if empty)
        out[owner[cell]].spikes[cell] = np.zeros(0)
    for cell in np.unique(cells[keep]):
        times = snippet.start + rel[keep & (cells == cell)] / CYCLES_PER_MS
        out[owner[int(cell)]].spikes[int(cell)] = times
    if snippet.background:
        pops = [p for p, _ in snippet.background]
        found = _background.sources_of(spikes["label"].astype(np.int64) & 0x3FFF, pops)
        inside_run = (rel >= 0) & (rel < end)
        for pop, recorded in snippet.background:
            data = out.setdefault(
                id(pop), SnippetData(snippet.start, snippet.start + snippet.runtime)
            )
            for cell in recorded:
                data.spikes[cell] = (
                    snippet.start + rel[inside_run & (found == cell)] / CYCLES_PER_MS
                )
    rel = samples["fpga_time"].astype(np.int64) - t0
    inside = (rel >= 0) & (rel < end)
    for pop, spikes_of, recorded in snippet.sources:
        data = out.setdefault(id(pop), SnippetData(snippet.start, snippet.start + snippet.runtime))
        for cell in recorded:
            cycles = _cycles(spikes_of.get(cell, np.zeros(0)), snippet)
            data.spikes[cell] = snippet.start + np.sort(cycles[cycles < end]) / CYCLES_PER_MS
    for channel, (cell, variable) in channels.items():
        mine = inside & (samples["channel"] == channel)
        times = snippet.start + rel[mine] / CYCLES_PER_MS
        out[owner[cell]].signals[(variable, cell)] = (times, samples["value"][mine])
    return out
