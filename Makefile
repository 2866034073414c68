# Quick start on a fresh machine:  make demo  (install + embedded model + a sample question, offline)
#                                  make test  (the whole test suite, including the real-model tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install model demo test test-fast lint typecheck bench clean

$(STAMP): pyproject.toml scripts/llama-cmake-args
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip wheel
	CMAKE_ARGS="$$(sh scripts/llama-cmake-args)" FORCE_CMAKE=1 \
		$(BIN)/python -m pip install -q -e '.[dev,local,charts,python,server,postgres,mysql,spark]'
	touch $(STAMP)

install: $(STAMP)

model: install
	$(BIN)/tablepilot model install

demo: model
	$(BIN)/tablepilot ask examples/sales.csv -q "哪个地区的销售额最高？"

test: model
	$(BIN)/python -m pytest -p no:cacheprovider

test-fast: install
	$(BIN)/python -m pytest -p no:cacheprovider -m "not slow"

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

bench: model
	$(BIN)/python benchmarks/model_speed.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
