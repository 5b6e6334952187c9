# Two set-up commands for a fresh machine (see README): `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench models clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q uv
	$(BIN)/uv pip install -q --python $(BIN)/python --find-links "$${PIP_FIND_LINKS:-/opt/wheels}" -e '.[all]'
	touch $@

# The main job on the embedded defaults: scan the example ads, print one full result.
run: $(BIN)/.installed
	mkdir -p out
	$(BIN)/moderation scan examples/ads.jsonl -o out/results.jsonl
	$(BIN)/moderation score "暑假初二数学提高班，名师押题，保证提分30分！原价3980现价980"

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# Rebuild the training corpus and retrain both text tiers (seeded; see models/README.md).
models: $(BIN)/.installed
	$(BIN)/python -m datasets.corpus.build --out build/corpus
	$(BIN)/moderation train --corpus build/corpus --out models

bench: $(BIN)/.installed
	$(BIN)/python bench/bench_rules.py
	$(BIN)/python bench/bench_models.py
	$(BIN)/python bench/bench_scan.py --lines 100000

clean:
	rm -rf $(VENV) out
