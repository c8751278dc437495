# Build, test and CI entry points of the BrainScaleS-2 SDK (GNU make).
PYTHON ?= python3
VENV = .venv
VPY = $(VENV)/bin/python
CSAN_FLAGS = -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined \
             -fno-sanitize-recover=all -fno-omit-frame-pointer -Icsrc

.PHONY: demo install-test test bench csan clean

# Virtual environment with an up-to-date pip.
$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip

# Install the SDK (non-editable) and run the demo outside the source tree.
# The rm drops stale build/lib* and egg-info files, which would otherwise leak into the wheel.
demo: $(VPY)
	rm -rf build/lib* build/bdist* *.egg-info
	$(VPY) -m pip install -q .
	cd examples && ../$(VPY) demo.py

# Install the SDK with its test tools, non-editable: tests exercise the installed artefact.
install-test: $(VPY)
	rm -rf build/lib* build/bdist* *.egg-info
	$(VPY) -m pip install -q ".[test]"

# Full check: pytest, ruff, mypy, import contract, C tests under sanitizers.
# pytest runs from tests/ with -P (and --import-mode=importlib from pyproject), so the repo root
# is never on sys.path and the installed package is imported. Exit code 5 means pytest collected
# no tests; that is a failure here, not a pass.
test: install-test
	cd tests && ../$(VPY) -P -m pytest -c ../pyproject.toml --rootdir .. -p no:cacheprovider \
	  . --doctest-modules --pyargs halco fisch haldls; \
	  rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(MAKE) --no-print-directory csan

# Speed figures against their targets and a peer measured in the same run (not part of test).
bench: install-test
	cd benchmarks && ../$(VPY) -P bench_halco.py --check && ../$(VPY) -P bench_fisch.py --check && ../$(VPY) -P bench_haldls.py --check && ../$(VPY) -P bench_stadls.py --check

# C tests of the chip model under AddressSanitizer + UBSan (runtime: Debian libasan8, libubsan1).
csan:
	mkdir -p build/csan
	gcc $(CSAN_FLAGS) csrc/*.c csrc/tests/test_main.c -o build/csan/test_main
	build/csan/test_main

# Remove the venv and every build and cache artefact.
clean:
	rm -rf $(VENV) build dist *.egg-info fisch/_chipmodel.c fisch/*.so fisch/*.o csrc/*.o \
	  .mypy_cache .ruff_cache .hypothesis tests/.hypothesis .pytest_cache .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
