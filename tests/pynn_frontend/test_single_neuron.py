"""The BrainScaleS-2 tutorial's single-neuron experiments (ts_00) through ``pynn_frontend``.

Thresholds follow the chip model's documented constants (csrc/analog.h: about 1.76 mV per
CapMem LSB minus a 0.42 V source-follower drop for leak and reset, 1.2 mV per MADC LSB), as the
chip model's own tests use them.
"""

from __future__ import annotations

import doctest
from collections.abc import Iterator

import numpy as np
import pytest
from pyNN.errors import NonExistentParameterError
from tutorial_neurons import LEAK_OVER_THRESHOLD

import pynn_frontend as pynn


@pytest.fixture
def session() -> Iterator[None]:
    pynn.setup()
    yield
    pynn.end()


def _trace(pop: pynn.Population) -> np.ndarray:
    signal = pop.get_data("v").segments[-1].irregularlysampledsignals[0]
    return np.asarray(signal.magnitude[:, 0])


def test_silent_neuron_follows_v_leak() -> None:
    means = []
    for v_leak in (400, 600, 800, 1000):  # (a session each, as the tutorial's slider does)
        pynn.setup()
        pop = pynn.Population(1, pynn.cells.HXNeuron(leak_v_leak=v_leak, leak_i_bias=1022))
        pop.record(["v"])
        pynn.run(0.05)
        means.append(float(np.mean(_trace(pop))))
        pynn.end()
    assert np.all(np.diff(means) > 20), means


@pytest.mark.usefixtures("session")
def test_leak_over_threshold_is_a_regular_sawtooth() -> None:
    pop = pynn.Population(1, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
    pop.record(["v", "spikes"])
    assert pynn.run(0.2) == pytest.approx(0.2)
    block = pop.get_data()
    segment = block.segments[-1]
    (train,) = segment.spiketrains
    assert train.annotations["source_id"] == int(pop[0]) and train.t_stop == 0.2 * train.units
    intervals = np.diff(train.magnitude)
    assert len(train) >= 5 and intervals.std() < 0.05 * intervals.mean()  # regular
    (signal,) = segment.irregularlysampledsignals
    assert signal.name == "v" and signal.annotations["device"] == "madc"
    assert 5500 < len(signal) < 6000  # 0.2 ms at one sample per 34 ns
    assert float(signal.times[0]) >= 0 and float(signal.times[-1]) < 0.2
    values = signal.magnitude[:, 0]
    assert 150 < np.percentile(values, 1) < np.percentile(values, 99) < 550  # hw: 230-400
    assert pop.get_spike_counts() == {int(pop[0]): len(train)}


@pytest.mark.usefixtures("session")
def test_ten_circuits_differ_through_views_and_reset() -> None:
    pop = pynn.Population(10, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
    tops = []
    for i in range(10):
        pop.record(None)
        pynn.PopulationView(pop, [i]).record(["v"])
        pynn.run(0.1)
        block = pop.get_data("v")
        (signal,) = block.segments[-1].irregularlysampledsignals
        assert signal.annotations["source_ids"] == [int(pop[i])]
        tops.append(np.percentile(signal.magnitude[:, 0], 99))
        pynn.reset()
    assert len(pop.get_data("v").segments) == 10  # one per reset
    assert np.std(tops) > 3  # the fixed pattern of the comparators


@pytest.mark.usefixtures("session")
def test_parameters_and_errors() -> None:
    pop = pynn.Population(2, pynn.cells.HXNeuron(leak_v_leak=600))
    assert pop.get("leak_v_leak") == 600  # (homogeneous: one value)
    pop[1:].set(leak_v_leak=700)
    assert list(pop.get("leak_v_leak")) == [600, 700]
    with pytest.raises(NonExistentParameterError):
        pynn.cells.HXNeuron(readout_source=1)
    with pytest.raises(ValueError, match="1 analog record type"):
        pop.record(["v"])
        pop.record(["exc_synin"])
    with pytest.raises(NotImplementedError, match="Sampling interval"):
        pop.record(["spikes"], sampling_interval=0.1)
    with pytest.raises(ValueError, match="No experiment scheduled"):
        pynn.run(None)
    with pytest.raises(ValueError, match="executed for no time"):
        pynn.run(None, pynn.RunCommand.APPEND)
    pynn.run(0.01)
    with pytest.raises(RuntimeError, match=r"pynn\.reset"):
        pynn.run(0.01)


def test_setup_keywords_and_placement() -> None:
    with pytest.raises(KeyError, match="unhandled extra_params"):
        pynn.setup(no_such_keyword=1)
    for bad, error in (([1, 1], ValueError), ([512], OverflowError), ([-1], TypeError)):
        with pytest.raises(error):
            pynn.setup(neuronPermutation=bad)
    pynn.setup(neuronPermutation=[37, 5])
    try:
        pop = pynn.Population(2, pynn.cells.HXNeuron())
        assert [int(c.toEnum()) for c in pop.circuits] == [37, 5]
        with pytest.raises(ValueError, match="Cannot register more than 2"):
            pynn.Population(1, pynn.cells.HXNeuron())
    finally:
        pynn.end()


@pytest.mark.usefixtures("session")
def test_append_runs_snippets_back_to_back() -> None:
    pop = pynn.Population(1, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
    pop.record(["spikes"])
    assert pynn.run(0.1, pynn.RunCommand.APPEND) == pytest.approx(0.1)
    pop.set(threshold_enable=False)  # the second snippet: silent
    pynn.run(0.1)
    trains = pop.get_data("spikes").segments[-1].spiketrains
    assert [float(t.t_start) for t in trains] == pytest.approx([0.0, 0.1])
    assert len(trains[0]) >= 3 and len(trains[1]) == 0


def test_the_package_example_runs() -> None:
    failures, tried = doctest.testmod(pynn)
    assert tried > 0 and failures == 0


def test_two_neurons_share_the_madc_one_even_one_odd() -> None:
    pynn.setup(neuronPermutation=[10, 11, 12])  # columns 10 (even), 11 (odd), 12 (even)
    try:
        pop = pynn.Population(3, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
        pop[0:2].record(["v"])
        pynn.run(0.1)
        signals = pop.get_data("v").segments[-1].irregularlysampledsignals
        assert [s.annotations["source_ids"] for s in signals] == [[int(pop[0])], [int(pop[1])]]
        lengths = [len(s) for s in signals]
        assert abs(lengths[0] - lengths[1]) <= 1 and 1400 < lengths[0] < 1600  # alternating
        assert np.all(np.diff(np.asarray(signals[0].times)) > 0)
        pynn.reset()
        pop.record(None)
        pop[0::2].record(["v"])  # columns 10 and 12: both even
        with pytest.raises(ValueError, match="unique parity"):
            pynn.run(0.01)
        assert pynn.get_current_time() == 0  # (a refused run changes nothing)
        pop.record(["v"])
        with pytest.raises(ValueError, match="at most two neurons"):
            pynn.run(0.01)
    finally:
        pynn.end()


def test_bad_runtimes_and_calls_outside_a_session() -> None:
    with pytest.raises(RuntimeError, match="setup"):
        pynn.Population(1, pynn.cells.HXNeuron())
    with pytest.raises(RuntimeError, match="setup"):
        pynn.run(0.1)
    with pytest.raises(NotImplementedError, match="calibration_cache"):
        pynn.setup(calibration_cache=None)
    pynn.setup()
    try:
        pynn.Population(1, pynn.cells.HXNeuron())
        for bad in (0.0, -1.0):
            with pytest.raises(ValueError, match="runtime must be positive"):
                pynn.run(bad)
        with pytest.raises(ValueError, match="runtime must be positive"):
            pynn.run_until(0.0)  # (not after now)
        assert pynn.get_current_time() == 0
    finally:
        pynn.end()


@pytest.mark.usefixtures("session")
def test_recording_devices_and_runtime_limit() -> None:
    pop = pynn.Population(1, pynn.cells.HXNeuron())
    with pytest.raises(ValueError, match='Device "scope" is not supported'):
        pop.record("v", device="scope")
    for device in ("cadc", "pad_0", "pad_1_buffered"):
        with pytest.raises(NotImplementedError, match=device):
            pop.record("v", device=device)
    pop.record("v", device="madc")
    with pytest.raises(ValueError, match=r"too long\. Maximum supported runtime 34359\.73"):
        pynn.run(40_000.0)
    assert pynn.get_current_time() == 0.0


@pytest.mark.usefixtures("session")
def test_actual_hwparams_after_prepare_are_editable() -> None:
    pop = pynn.Population(2, pynn.cells.HXNeuron(**LEAK_OVER_THRESHOLD))
    with pytest.raises(AttributeError, match="only available after"):
        _ = pop.actual_hwparams
    pynn.run(None, pynn.RunCommand.PREPARE)
    hw = pop.actual_hwparams
    assert int(hw[1].leak.v_leak) == 1000
    hw[1].threshold.enable = False  # silence the second neuron
    pop.record("spikes")
    pynn.run(0.1)
    counts = [len(s) for s in pop.get_data().segments[-1].spiketrains]
    assert counts[0] >= 3 and counts[1] == 0
    assert list(pop.get("threshold_enable")) == [True, False]


@pytest.mark.usefixtures("session")
def test_actual_hwparams_after_a_run_too() -> None:
    pop = pynn.Population(1, pynn.cells.HXNeuron(leak_v_leak=321))
    pynn.run(0.01)
    assert int(pop.actual_hwparams[0].leak.v_leak) == 321
