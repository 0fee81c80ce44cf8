# presslake: every target sets itself up on a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DATA   ?= ../shared/data
WAREHOUSE ?= warehouse_data

export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 180
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: install run test lint bench clean cues train

$(BIN)/presslake: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(BIN)/presslake

install: $(BIN)/presslake

run: install
	$(BIN)/presslake run samples/articles/ --warehouse $(WAREHOUSE) --published-at 2024-11-18
	$(BIN)/presslake status --warehouse $(WAREHOUSE)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/throughput.py --data $(DATA) --scale 10 --processes 1 2 --blas-threads 1 --repeats 2

clean:
	rm -rf $(WAREHOUSE) .pytest_cache

# The mined quote cue lexicon, from PolNeAR train (scripts/mine_quote_cues.py).
cues: install
	$(BIN)/python scripts/mine_quote_cues.py --gold $(DATA)/train/quotes/polnear/polnear_train.jsonl

# The quote span model, from PolNeAR train: parse and label the articles
# (scripts/build_quote_corpus.py), then spacy train (training/quote_spans.cfg) and install the
# best weights under transforms/data/quotes/model/.
train: install
	$(BIN)/python scripts/build_quote_corpus.py --gold $(DATA)/train/quotes/polnear/polnear_train.jsonl --out build/quotes
	$(BIN)/python scripts/train_quote_model.py --corpus build/quotes --output build/quote-model
