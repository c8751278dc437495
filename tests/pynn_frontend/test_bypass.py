"""Bypass mode: the hardware tests' criteria that need no calibration (reference
bss2-frontend.md §2.16) and the multiple-configurations demo (§5.2 demo 5)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo
import numpy as np
import pytest
import quantities as pq

import pynn_frontend as pynn


@pytest.fixture
def bypass() -> Iterator[None]:
    pynn.setup(enable_neuron_bypass=True)
    yield
    pynn.end()


def _relay(source: pynn.Population, n: int = 1, weight: int = 63) -> pynn.Population:
    neurons = pynn.Population(n, pynn.cells.HXNeuron())
    pynn.Projection(
        source, neurons, pynn.AllToAllConnector(), pynn.synapses.StaticSynapse(weight=weight)
    )
    neurons.record("spikes")
    return neurons


def _trains(pop: pynn.Population) -> list[np.ndarray]:
    return [np.asarray(s.magnitude) for s in pop.get_data().segments[-1].spiketrains]


@pytest.mark.usefixtures("bypass")
def test_input_spikes_come_back_within_10_us() -> None:
    times = np.sort(np.random.default_rng(1).uniform(0, 100, 1000))
    source = pynn.Population(1, pynn.cells.SpikeSourceArray(spike_times=times))
    neurons = _relay(source)
    pynn.run(100)
    (out,) = _trains(neurons)
    nearest = np.abs(out[None, :] - times[:, None]).min(axis=1)
    assert np.mean(nearest < 0.01) >= 0.98
    assert neurons.get_spike_counts()[neurons[0]] == out.size
    assert neurons.mean_spike_count() == out.size


@pytest.mark.usefixtures("bypass")
def test_recording_toggled_over_appended_snippets() -> None:
    rates = (10, 30, 60)  # spikes per ms in the recorded snippets
    times = [np.linspace(i * 10, i * 10 + 9.99, 100 * r) for i, r in enumerate(rates)]
    source = pynn.Population(1, pynn.cells.SpikeSourceArray(spike_times=np.concatenate(times)))
    neurons = _relay(source)
    for i in range(6):
        if i % 2:
            neurons.record(None)
        else:
            neurons.record("spikes")
        pynn.run(5, pynn.RunCommand.APPEND)
    pynn.run(None)
    trains = neurons.get_data().segments[-1].spiketrains
    assert len(trains) == 3
    for train, i in zip(trains, (0, 2, 4), strict=True):
        assert float(train.t_start) == 5 * i and float(train.t_stop) == 5 * i + 5
        sent = np.concatenate(times)
        expected = np.count_nonzero((sent >= 5 * i) & (sent < 5 * i + 5))
        assert 0.95 * expected <= len(train) <= 1.05 * expected


@pytest.mark.usefixtures("bypass")
def test_poisson_input_statistics_and_determinism() -> None:
    np.random.seed(7)  # noqa: NPY002 (the backend draws from the global state, as the real one)
    source = pynn.Population(
        1, pynn.cells.SpikeSourcePoisson(start=10.0, rate=20e3, duration=100.0)
    )
    neurons = _relay(source, n=2)
    pynn.run(120)
    first, second = _trains(neurons)
    expected = 20e3 * 0.1
    assert abs(first.size - expected) < 5 * np.sqrt(expected)
    assert first.min() >= 10.0 and first.max() <= 110.0 + 0.01
    assert abs(first.size - second.size) <= 0.02 * first.size  # one train, two relays
    pynn.reset()
    pynn.run(120)
    assert np.array_equal(_trains(neurons)[0], first)  # a source keeps its train until changed
    pynn.reset()
    source.set(rate=10e3)
    pynn.run(120)
    lower = _trains(neurons)[0]
    assert abs(lower.size - expected / 2) < 5 * np.sqrt(expected / 2)


def test_poisson_trains_repeat_with_the_seed() -> None:
    trains = []
    for _ in range(2):
        pynn.setup(enable_neuron_bypass=True)
        np.random.seed(3)  # noqa: NPY002
        source = pynn.Population(1, pynn.cells.SpikeSourcePoisson(start=0, rate=5e3, duration=10))
        neurons = _relay(source)
        pynn.run(10)
        trains.append(_trains(neurons)[0])
        pynn.end()
    assert trains[0].size > 0 and np.array_equal(trains[0], trains[1])


def test_multiple_configurations_draw_an_image() -> None:
    """Demo 5: a weight row per snippet, the image back from the spike counts."""
    rng = np.random.default_rng(2)
    image = (rng.random((12, 16)) < 0.4) * 32  # 12 snippets, 16 neurons, weights 0 or 32
    pynn.setup(enable_neuron_bypass=True)
    spikes = np.concatenate([np.linspace(i * 1.0, i * 1.0 + 0.99, 10) for i in range(12)])
    source = pynn.Population(1, pynn.cells.SpikeSourceArray(spike_times=spikes))
    neurons = pynn.Population(16, pynn.cells.HXNeuron())
    projection = pynn.Projection(
        source, neurons, pynn.AllToAllConnector(), pynn.synapses.StaticSynapse(weight=32)
    )
    neurons.record("spikes")
    for row in image:
        projection.set(weight=row[np.newaxis, :])
        pynn.run(1.0, pynn.RunCommand.APPEND)
    pynn.run(None)
    trains = neurons.get_data().segments[-1].spiketrains
    pynn.end()
    assert len(trains) == image.size
    counts = np.zeros(image.shape)
    for train in trains:
        snippet = round(float(train.t_start))
        assert float(train.t_stop) == pytest.approx(snippet + 1.0)
        counts[snippet, train.annotations["source_index"]] = len(train)
    assert np.all(counts[image == 0] == 0)
    assert np.corrcoef(counts.ravel(), image.ravel())[0, 1] > 0.9


@pytest.mark.usefixtures("bypass")
def test_on_chip_poisson_sources() -> None:
    from pynn_frontend import _background

    sources = pynn.Population(4, pynn.cells.SpikeSourcePoissonOnChip(rate=2e5, seed=1234))
    relays = pynn.Population(4, pynn.cells.HXNeuron())
    pynn.Projection(
        sources, relays, pynn.OneToOneConnector(), pynn.synapses.StaticSynapse(weight=63)
    )
    sources.record("spikes")
    relays.record("spikes")
    pynn.run(1.0)
    sent = [np.asarray(s) for s in sources.get_data().segments[-1].spiketrains]
    back = _trains(relays)
    rate, period, mask, _ = _background.settings(sources)
    per_label = _background.CLOCK * (rate + 1) / 256 / (period + 1) / (mask + 1)  # realised
    expected = per_label * 1e-3
    for s, b in zip(sent, back, strict=True):
        assert abs(s.size - expected) < 5 * np.sqrt(expected)
        assert abs(b.size - s.size) <= 0.02 * s.size  # the relays give the sources' trains back
    assert not np.array_equal(sent[0], sent[1])


@pytest.mark.usefixtures("bypass")
def test_on_chip_poisson_limits() -> None:
    with pytest.raises(RuntimeError, match="can not be realized on hardware"):
        pop = pynn.Population(64, pynn.cells.SpikeSourcePoissonOnChip(rate=5e6))
        pynn.run(0.01)
    pop.set(rate=1e3)
    pop[0:1].set(rate=2e3)
    with pytest.raises(ValueError, match="rate and seed must be the same"):
        pynn.run(0.01)
    for _ in range(3):
        pynn.Population(1, pynn.cells.SpikeSourcePoissonOnChip(rate=1e3))
    with pytest.raises(ValueError, match="at most 4 SpikeSourcePoissonOnChip"):
        pynn.Population(1, pynn.cells.SpikeSourcePoissonOnChip(rate=1e3))
    with pytest.raises(ValueError, match="at most 64 sources"):
        pynn.Population(65, pynn.cells.SpikeSourcePoissonOnChip(rate=1e3))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # (PyNN deprecates these calls)
def test_procedural_api(tmp_path: Path) -> None:
    pynn.setup(enable_neuron_bypass=True)
    source = pynn.create(pynn.cells.SpikeSourceArray, {"spike_times": [0.01, 0.02]}, n=1)
    neurons = pynn.create(pynn.cells.HXNeuron, {}, n=2)
    projection = pynn.connect(source, neurons, weight=63, p=1.0)
    pynn.set(neurons, leak_v_leak=600)
    assert list(neurons.get("leak_v_leak", simplify=False)) == [600, 600]
    pynn.record("spikes", neurons, str(tmp_path / "spikes.pkl"))
    with pytest.warns(DeprecationWarning, match="preprocess"):
        pynn.preprocess()  # (the real backend's alias of PREPARE)
    assert len(projection.placed_connections) == 2
    with pytest.raises(RuntimeError, match=r"after pynn\.run"):
        pynn.get_post_realtime_read_ppu_symbols()
    pynn.run(0.05)
    assert pynn.get_post_realtime_read_ppu_symbols() == {}
    assert [len(t) for t in _trains(neurons)] == [2, 2]
    assert pynn.list_standard_models()[0] is pynn.cells.HXNeuron
    pynn.end()  # (writes the file record asked for)
    assert (tmp_path / "spikes.pkl").stat().st_size > 0


@pytest.mark.parametrize("form", ["dict", "builder"])
def test_injected_configuration_and_reads(form: str) -> None:
    """The reference's example: crossbar event counters read before and after the run."""
    import halco
    import haldls
    import stadls

    counting = haldls.CrossbarOutputConfig()
    for o in range(12):
        counting.enable_event_counter[o] = True
    hook: Any = {halco.CrossbarOutputConfigOnDLS(): counting}
    if form == "builder":
        hook = stadls.PlaybackProgramBuilder()
        hook.write(halco.CrossbarOutputConfigOnDLS(), counting)
    counter = halco.CrossbarOutputOnDLS(8)  # its event counter: L2 output 0 (output 0's spikes)
    with pytest.raises(TypeError, match="InjectedConfiguration"):
        pynn.setup(injected_config={})
    pynn.setup(
        enable_neuron_bypass=True,
        injected_config=pynn.InjectedConfiguration(
            pre_realtime=hook  # (after the static configuration)
        ),
        injected_readout=pynn.InjectedReadout(pre_realtime={counter}, post_realtime={counter}),
    )
    with pytest.raises(RuntimeError, match=r"after pynn\.run"):
        pynn.get_pre_realtime_read()
    source = pynn.Population(1, pynn.cells.SpikeSourceArray(spike_times=np.arange(1, 11) * 0.005))
    neurons = _relay(source)  # circuit 0: event output 0
    pynn.run(0.06)
    before = int(pynn.get_pre_realtime_read()[counter].value)
    after = int(pynn.get_post_realtime_read()[counter].value)
    sent = len(_trains(neurons)[0])
    pynn.end()
    assert sent == 10 and after - before == sent
    with pytest.raises(NotImplementedError, match="inside_realtime"):
        pynn.InjectedConfiguration(inside_realtime=object())


@pytest.mark.usefixtures("bypass")
def test_spike_trains_are_separate_neo_trains() -> None:
    """The trains get_data slices from one train are each what neo's constructor would give:
    their own times, units, bounds and annotations."""
    source = pynn.Population(1, pynn.cells.SpikeSourceArray(spike_times=[0.1, 0.2, 0.3]))
    neurons = _relay(source, n=4)
    pynn.run(0.5)
    trains = neurons[1:3].get_data().segments[0].spiketrains
    label = neurons.label
    pynn.end()
    assert [t.annotations["source_index"] for t in trains] == [1, 2]
    for train in trains:
        cell = train.annotations["source_id"]
        expected = neo.SpikeTrain(
            train.magnitude, units="ms", t_start=0.0, t_stop=0.5, source_population=label,
            source_id=cell, source_index=train.annotations["source_index"], channel_id=cell,
        )  # fmt: skip
        assert len(train) == 3 and train.units == pq.ms
        assert train.annotations == expected.annotations
        assert train.t_start == expected.t_start and train.t_stop == expected.t_stop
    trains[0].t_stop += 1.0 * pq.ms  # (no train shares its bounds or annotations)
    trains[0].annotations["channel_id"] = -1
    assert float(trains[1].t_stop) == 0.5 and trains[1].annotations["channel_id"] != -1
