"""``Recorder``: what a population records, and its data as neo, as the real backend gives it.

Spikes of any number of neurons; one analog observable per neuron (``v``, ``exc_synin``,
``inh_synin``, ``adaptation``) through the MADC, for at most two neurons at a time, one in an even
and one in an odd column (the MADC's two inputs). Per run snippet a segment holds one
``SpikeTrain`` per neuron recording spikes and one ``IrregularlySampledSignal`` per neuron
recording an analog observable (raw MADC codes, dimensionless), with the real backend's
annotations (``source_population``, ``source_id``, ``source_index``; signals: ``device``,
``source_ids``, ``channel_index``). Unlike PyNN's own recorder this one keeps irregular signals
of views, filters cached segments by variable name, and counts spikes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import neo
import numpy as np
import numpy.typing as npt
import quantities as pq
from pyNN import recording
from pyNN.recording import Variable

from pynn_frontend import simulator

__all__ = ["ANALOG", "Recorder", "SnippetData"]

#: The analog observables (one per neuron, through the MADC).
ANALOG = ("v", "exc_synin", "inh_synin", "adaptation")


@attrs.define
class SnippetData:
    """What one run snippet recorded for one population, times in ms of the experiment."""

    t_start: float
    t_stop: float
    spikes: dict[int, npt.NDArray[np.float64]] = attrs.Factory(dict)
    #: (variable, ID) -> (times, MADC codes)
    signals: dict[tuple[str, int], tuple[Any, Any]] = attrs.Factory(dict)


class Recorder(recording.Recorder):
    """Records one population (views share their parent's recorder)."""

    _simulator = simulator

    def __init__(self, population: Any, file: Any = None) -> None:
        super().__init__(population, file)
        self.snippets: list[SnippetData] = []

    def _check_sampling_interval(self, sampling_interval: Any) -> None:
        """Refuse a sampling interval: the MADC samples at its own rate.

        Raises
        ------
        NotImplementedError
            For any sampling interval.
        """
        if sampling_interval is not None:
            raise NotImplementedError("Sampling interval not implemented.")

    def _record(self, variable: Variable, new_ids: set[Any], sampling_interval: Any = None) -> None:
        """Check the new recording against what the circuits can do.

        Raises
        ------
        ValueError
            For a second analog observable of a neuron.
        """
        if variable.name not in ANALOG:
            return
        for other, ids in self.recorded.items():
            if other.name in ANALOG and other.name != variable.name and ids & new_ids:
                self.recorded[variable] -= new_ids
                raise ValueError(
                    "Can only set 1 analog record type per neuron: "
                    f"{sorted(int(i) for i in ids & new_ids)} already record {other.name!r}"
                )

    def _reset(self) -> None:
        """Do nothing when recording is switched off (``record(None)``)."""

    def _clear_simulator(self) -> None:
        self.snippets = []

    def _local_count(self, variable: Variable, filter_ids: Any = None) -> dict[int, int]:
        ids = self.filter_recorded(variable, filter_ids)
        if variable.name != "spikes":
            raise ValueError(f"only spikes are counted, not {variable.name!r}")
        return {
            int(i): sum(len(s.spikes.get(int(i), ())) for s in self.snippets) for i in sorted(ids)
        }

    def analog_of(self, cell: Any) -> str | None:
        """Return the analog observable `cell` records, if any."""
        for variable, ids in self.recorded.items():
            if variable.name in ANALOG and cell in ids:
                return str(variable.name)
        return None

    def _get_current_segment(
        self, filter_ids: Any = None, variables: Any = "all", clear: bool = False
    ) -> neo.Segment:
        segment = neo.Segment(
            name=f"segment{_state().segment_counter:03d}",
            description=self.population.describe(),
            rec_datetime=datetime.now(),
        )
        names = None if variables == "all" else {v.name for v in variables}
        label = self.population.label
        wanted = None if filter_ids is None else {int(i) for i in filter_ids}
        for snippet in self.snippets:  # (what each snippet recorded, in ID order)
            if names is None or "spikes" in names:
                cells = [c for c in sorted(snippet.spikes) if wanted is None or c in wanted]
                segment.spiketrains.extend(self._trains(snippet, cells, label))
            for variable, cell in sorted(snippet.signals, key=lambda k: (k[1], k[0])):
                if (names is None or variable in names) and (wanted is None or cell in wanted):
                    segment.irregularlysampledsignals.append(
                        self._signal(snippet, variable, cell, label)
                    )
        if clear:
            self.snippets = []
        return segment

    def _trains(self, snippet: SnippetData, cells: list[int], label: str) -> list[neo.SpikeTrain]:
        """One ``SpikeTrain`` per cell, sliced from one train of them all.

        A slice keeps the train's units, t_start and t_stop (neo's documented slicing) without
        the constructor's unit checks, which parse unit strings (quantities 0.16) and made 512
        trains take some 70 ms; each slice gets its own annotations and copies of the time
        bounds, as the constructor's trains have.
        """
        times = [snippet.spikes[cell] for cell in cells]
        ends = np.cumsum([0] + [len(t) for t in times])
        whole = neo.SpikeTrain(
            np.concatenate(times) if times else np.zeros(0),
            units=pq.ms,  # (a unit object: neo parses a string each time)
            t_start=snippet.t_start,
            t_stop=snippet.t_stop,
        )
        first = int(self.population.first_id)  # (id_to_index's numpy compare of IDs is slow)
        trains = []
        for k, cell in enumerate(cells):
            train = whole[ends[k] : ends[k + 1]]
            train.t_start, train.t_stop = whole.t_start.copy(), whole.t_stop.copy()
            train.annotations = {
                "source_population": label,
                "source_id": cell,
                "source_index": cell - first,
                "channel_id": cell,
            }
            trains.append(train)
        return trains

    def _signal(
        self, snippet: SnippetData, variable: str, cell: int, label: str
    ) -> neo.IrregularlySampledSignal:
        times, codes = snippet.signals[(variable, cell)]
        index = int(self.population.id_to_index(cell))
        return neo.IrregularlySampledSignal(
            np.asarray(times, np.float32),
            np.asarray(codes, np.float32).reshape(-1, 1),
            units="dimensionless",
            time_units="ms",
            name=variable,
            device="madc",
            source_ids=[cell],
            source_population=label,
            array_annotations={"channel_index": np.array([index])},
        )

    def get(
        self,
        variables: Any,
        gather: bool = False,
        filter_ids: Any = None,
        clear: bool = False,
        annotations: Any = None,
        locations: Any = None,
    ) -> neo.Block:
        """Return the recorded data as a neo Block: a segment per reset, then the current one.

        Raises
        ------
        RuntimeError
            Before the first run (nothing was recorded yet).
        """
        wanted: Any = "all"
        names = None
        if variables != "all":
            wanted = self._localize_variables(variables, locations)
            names = {v.name for v in wanted}
        block = neo.Block()
        for cached in self.cache:
            block.segments.append(_only(cached, names))
        if _state().running:
            block.segments.append(self._get_current_segment(filter_ids, wanted, clear))
        if not block.segments:
            raise RuntimeError("no data recorded yet: call pynn.run() first")
        for segment in block.segments:
            segment.block = block
        block.name = self.population.label
        block.description = self.population.describe()
        block.rec_datetime = block.segments[0].rec_datetime
        block.annotate(**self.metadata)
        if annotations:
            block.annotate(**annotations)
        if clear:
            self.clear()
        return block


def _state() -> simulator.State:
    if simulator.state is None:
        raise RuntimeError("call pynn.setup() first")
    return simulator.state


def _only(segment: neo.Segment, names: set[str] | None) -> neo.Segment:
    """Copy a cached `segment` with the signals of `names` only (spikes: ``spikes``)."""
    if names is None:
        return segment
    out = neo.Segment(
        name=segment.name, description=segment.description, rec_datetime=segment.rec_datetime
    )
    out.annotate(**segment.annotations)
    if "spikes" in names:
        out.spiketrains.extend(segment.spiketrains)
    out.irregularlysampledsignals.extend(
        s for s in segment.irregularlysampledsignals if s.name in names
    )
    return out
