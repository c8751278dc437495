"""Tests of the build itself: compiled chip model, package faces, installed artefact, layers."""

import importlib
import sysconfig
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["halco", "fisch", "haldls", "stadls", "calix", "pynn_frontend"]
SITE_PACKAGES = Path(sysconfig.get_paths()["platlib"]).resolve()
LAYERS = ["pynn_frontend", "calix", "stadls", "haldls", "fisch", "halco"]


def test_chip_model_extension_imports_and_reports_version():
    import fisch
    from fisch import _chipmodel

    assert _chipmodel.lib.bss2_chip_abi() == 1
    assert fisch.chip_model_version() == "0.1.0"


@pytest.mark.parametrize("name", PACKAGES)
def test_package_imports_and_has_all(name):
    module = importlib.import_module(name)
    assert isinstance(module.__all__, list)
    for exported in module.__all__:
        assert hasattr(module, exported), f"{name}.__all__ names missing {exported!r}"


def _assert_installed(name, path):
    # The venv lives in the checkout (.venv/), so "installed" means: inside site-packages and not
    # the source directory itself.
    path = Path(path).resolve()
    assert path.is_relative_to(SITE_PACKAGES), f"{name} not imported from site-packages: {path}"
    assert not path.is_relative_to(REPO_ROOT / name), f"{name} imported from source tree: {path}"


@pytest.mark.parametrize("name", PACKAGES)
def test_package_is_imported_from_installed_artefact(name):
    module = importlib.import_module(name)
    for entry in module.__path__:
        _assert_installed(name, entry)


def test_halco_or_fisch_file_is_installed_not_source():
    halco = importlib.import_module("halco")
    name = "halco" if halco.__file__ else "fisch"
    module_file = importlib.import_module(name).__file__
    assert module_file is not None
    _assert_installed(name, module_file)


def test_import_contract_names_all_layers_in_order():
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert sorted(config["root_packages"]) == sorted(PACKAGES)
    layer_contracts = [c for c in config["contracts"] if c["type"] == "layers"]
    assert [c["layers"] for c in layer_contracts] == [LAYERS]
