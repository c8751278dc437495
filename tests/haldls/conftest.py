"""Golden words for the haldls tests, gathered from the ``golden_*.py`` files of this directory.

Each file defines ``GOLDEN``: container name -> (coordinate, non-default container,
[(address, word)]). Test modules cannot import each other (importlib mode), so the files are run
here and their tables merged; tests take the ``golden`` fixture and the ``golden_name`` parameter.
"""

from __future__ import annotations

import pathlib
import runpy
from typing import Any

import pytest


def _load() -> dict[str, Any]:
    golden: dict[str, Any] = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("golden_*.py")):
        for name, entry in runpy.run_path(str(path))["GOLDEN"].items():
            if name in golden:
                raise AssertionError(f"golden words for {name} given twice ({path.name})")
            golden[name] = entry
    return golden


GOLDEN = _load()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "golden_name" in metafunc.fixturenames:
        metafunc.parametrize("golden_name", sorted(GOLDEN))


@pytest.fixture
def golden() -> dict[str, Any]:
    return GOLDEN
