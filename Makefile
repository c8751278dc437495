# Build, test and CI entry points of the BrainScaleS-2 SDK (GNU make).
PYTHON ?= python3
VENV = .venv
VPY = $(VENV)/bin/python
CSAN_FLAGS = -std=c11 -Wall -Wextra -Werror -g -ffp-contract=off -fsanitize=address,undefined \
             -fno-sanitize-recover=all -fno-omit-frame-pointer -Icsrc

.PHONY: demo install-test test bench peers csan fuzz clean

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

# Full check: pytest, ruff, mypy, import contract, C tests under sanitizers, the C fuzzer.
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
	$(MAKE) --no-print-directory fuzz

# Speed figures against their targets and a peer measured in the same run (not part of test).
bench: install-test
	cd benchmarks && ../$(VPY) -P bench_halco.py --check && ../$(VPY) -P bench_fisch.py --check && ../$(VPY) -P bench_haldls.py --check && ../$(VPY) -P bench_stadls.py --check && ../$(VPY) -P bench_chipmodel.py --check && ../$(VPY) -P bench_analog.py --check && ../$(VPY) -P bench_pynn.py --check && ../$(VPY) -P bench_hostarq.py --check

# The benchmarks' peers (NEST, Brian2) in their own environment, for bench_analog.py.
peers:
	$(PYTHON) -m venv .venv-peers
	.venv-peers/bin/pip install -q "$$(pwd)[bench]"

# Coverage-guided fuzzing (libFuzzer) of the chip model's executor under ASan + UBSan, for
# FUZZ_SECONDS; any crash, leak, sanitizer report or hang fails it (inputs kept in build/fuzz/).
# tools/ensure-clang finds clang, or installs Debian's where it may.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -std=c11 -g -O1 -ffp-contract=off -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Icsrc
fuzz:
	mkdir -p build/fuzz/corpus
	$$(tools/ensure-clang) $(FUZZ_FLAGS) csrc/*.c csrc/fuzz/fuzz_executor.c \
	  -o build/fuzz/fuzz_executor -lm
	build/fuzz/fuzz_executor -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	  -print_final_stats=1 -artifact_prefix=build/fuzz/ build/fuzz/corpus > build/fuzz/log 2>&1 \
	  || { tail -n 60 build/fuzz/log; exit 1; }
	grep -E '^(Done|stat::)' build/fuzz/log

# C tests of the chip model under AddressSanitizer + UBSan (runtime: Debian libasan8, libubsan1).
# Each csrc/tests/test_*.c is a program of its own, linked with every csrc/*.c.
csan:
	mkdir -p build/csan
	set -e; for t in csrc/tests/test_*.c; do \
	  name=$$(basename $$t .c); \
	  gcc $(CSAN_FLAGS) csrc/*.c $$t -o build/csan/$$name -lm; \
	  build/csan/$$name; \
	done

# Remove the venv and every build and cache artefact.
clean:
	rm -rf $(VENV) .venv-peers build dist *.egg-info fisch/_chipmodel.c fisch/*.so fisch/*.o csrc/*.o \
	  .mypy_cache .ruff_cache .hypothesis tests/.hypothesis .pytest_cache .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
