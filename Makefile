# make        build the database db/nhs.db from corpus/ (creates .venv on first run)
# make test   install everything needed, lint, and run the tests
# make bench  time the build and the extractors (make bench ARGS=--quick: about 2 minutes; ARGS="--only pdf")
# make serve  browse and review db/nhs.db in Datasette (verdicts go to db/reviews.db)
# make eval   build the held-out documents into db/eval/heldout.db and score them against tests/gold/heldout
#             (the corpus part always; the ../shared/realdocs part where ../shared is)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := db/nhs.db
# pytest workers (pytest-xdist): one per core; TEST_JOBS=0 runs the tests in one process. Each test file
# goes whole to one worker, in the order tests/conftest.py gives (heaviest first), not xdist's (most tests first)
TEST_JOBS ?= auto
SOURCES := $(shell find corpus rules db/schema pipeline -type f -not -name '*.pyc' 2>/dev/null)

.PHONY: all build test lint typecheck bench eval clean serve

all: $(DB)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(DB): $(VENV)/.installed $(SOURCES)
	$(PY) -m pipeline build --corpus corpus --db $(DB)

build: $(VENV)/.installed
	$(PY) -m pipeline build --corpus corpus --db $(DB)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# mypy --strict over pipeline/ and plugins/ (settings in pyproject.toml, [tool.mypy])
typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

test: $(VENV)/.installed lint
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder

# Datasette 0.65 (stable). -i: nhs.db is read-only; --reload restarts the server when `make` replaces it
# (no `serve` word: with it, 0.65's --reload worker misreads its arguments)
PORT ?= 8001
serve: $(DB)
	$(VENV)/bin/datasette -i $(DB) -m db/metadata.yaml --plugins-dir plugins --template-dir templates \
		--reload -h 127.0.0.1 -p $(PORT)

bench: $(VENV)/.installed
	$(PY) -m pipeline.bench $(ARGS)

eval: $(VENV)/.installed
	$(PY) scripts/evaluate_heldout.py

clean:
	rm -rf $(DB) db/eval/heldout.db db/.*.building-* .pytest_cache
