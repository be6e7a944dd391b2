# Deep learning for audio-based MIR with Keras 3: common tasks.
#   make workshop   set up .venv, render the embedded corpus, run every part, print the results
#   make test       run the test suite on JAX, TensorFlow and PyTorch
#   make lab        open the notebooks in JupyterLab
# Variables: SIZE=tiny|workshop|full  PARTS="0 1"  BACKEND=jax|tensorflow|torch  TORCH_INDEX=<url>

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
SIZE ?= workshop
PARTS ?= 0 1 2 3 4
BACKENDS ?= jax tensorflow torch
BACKEND ?= $(or $(KERAS_BACKEND),jax)
# Optional package index for PyTorch, e.g. https://download.pytorch.org/whl/cpu on Linux without
# a GPU, which avoids downloading several GB of CUDA libraries.
TORCH_INDEX ?=

.PHONY: setup workshop test test-one lint format lab notebooks slides bench tensorboard clean

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(if $(TORCH_INDEX),$(PY) -m pip install --quiet torch==2.13.0 --index-url $(TORCH_INDEX))
	$(PY) -m pip install --quiet -r requirements.txt
	# tinysoundfont declares pyaudio (live playback only), which needs system headers to build.
	$(PY) -m pip install --quiet --no-deps tinysoundfont==0.3.7
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

setup: $(VENV)/.installed

workshop: setup
	KERAS_BACKEND=$(BACKEND) $(PY) -m common.course.workshop --size $(SIZE) --parts $(PARTS)

test: setup
	@first=1; for backend in $(BACKENDS); do \
		echo "=== tests on $$backend"; \
		if [ $$first = 1 ]; then KERAS_BACKEND=$$backend $(PY) -m pytest -q || exit 1; \
		else KERAS_BACKEND=$$backend $(PY) -m pytest -q -m "not backend_free and not notebook and not first_backend" || exit 1; fi; \
		first=0; \
	done

test-one: setup
	KERAS_BACKEND=$(BACKEND) $(PY) -m pytest -q

lint: setup
	$(PY) -m ruff check .

format: setup
	$(PY) -m ruff format .

lab: setup
	KERAS_BACKEND=$(BACKEND) $(VENV)/bin/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root)

notebooks: setup
	KERAS_BACKEND=$(BACKEND) $(PY) -m common.course.notebooks --execute

slides: setup
	$(PY) -m common.course.slides

bench: setup
	$(PY) -m common.course.bench speed --update BENCHMARKS.md

tensorboard: setup
	$(PY) -m tensorboard.main --logdir runs

clean:
	rm -rf runs .pytest_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
