"""The examples run as written and show what their tutorials describe (plots to files)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
from setups import EmulatedModel, emulated_setup

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def examples(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(EXAMPLES))
    return tmp_path


def test_demo_writes_the_leak_over_threshold_plot(
    examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runpy.run_path(str(EXAMPLES / "demo.py"), run_name="__main__")
    assert (examples / "leak_over_threshold.png").stat().st_size > 10_000
    first = capsys.readouterr().out.splitlines()[0]
    assert int(first.split()[0]) >= 5  # spikes in 0.2 ms


def test_single_neuron_tutorial_parts(examples: Path) -> None:
    import single_neuron

    means = single_neuron.silent_neuron(examples)
    assert np.all(np.diff(means) > 50), means
    spikes, low, high = single_neuron.leak_over_threshold(examples)
    assert spikes >= 5 and high - low > 100
    counts = single_neuron.fixed_pattern(examples)
    assert min(counts) >= 3 and len(counts) == 10
    assert len(list(examples.glob("single_neuron_*.png"))) == 3
    sys.modules.pop("single_neuron", None)


def test_the_pynn_examples_mean_the_same_on_an_emulated_setup(
    examples: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SLURM_FPGA_IPS naming a setup, the scripts run there unchanged, with the results of
    the in-process chip model of the same seed."""
    import single_neuron

    runpy.run_path(str(EXAMPLES / "demo.py"), run_name="__main__")
    in_process = capsys.readouterr().out, single_neuron.leak_over_threshold(examples)
    with emulated_setup(seed=0) as emulator:
        monkeypatch.setenv("SLURM_FPGA_IPS", emulator.setups[0].address)
        runpy.run_path(str(EXAMPLES / "demo.py"), run_name="__main__")
        on_setup = capsys.readouterr().out, single_neuron.leak_over_threshold(examples)
        assert EmulatedModel(emulator).systime > 0  # (the programs ran there)
    assert on_setup == in_process
    sys.modules.pop("single_neuron", None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synfire_chain_travels_link_by_link(examples: Path, seed: int) -> None:
    import synfire_chain

    links = synfire_chain.summary(synfire_chain.run_chain(seed=seed))
    free = synfire_chain.summary(synfire_chain.run_chain({"inh_exc": 0}, seed=seed))
    firsts = [first for first, _, _ in links]
    assert all(n > 0 for _, _, n in links), links  # every link fires
    assert np.all(np.diff(firsts) > 0), firsts  # one after the other
    assert all(last - first < 0.003 for first, last, _ in links), links  # a volley each
    assert sum(n for *_, n in free) >= sum(n for *_, n in links)  # inhibition cuts spikes
    sys.modules.pop("synfire_chain", None)
