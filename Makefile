# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: demo test test-fast bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Creates .venv, installs minitf with the parity extra, runs the main job.
demo: $(PY)
	$(PY) -m pip install --quiet -e ".[parity]"
	$(PY) -m minitf parity

# Creates .venv if missing, installs the test, parity and examples extras, runs tests/ and parity/.
test: $(PY)
	$(PY) -m pip install --quiet -e ".[test,parity,examples]"
	$(PY) -m pytest -q tests parity minitf docs

# tests/ alone: no TensorFlow needed.
test-fast: $(PY)
	$(PY) -m pip install --quiet -e ".[test,examples]"
	$(PY) -m pytest -q tests minitf

bench: $(PY)
	$(PY) -m pip install --quiet -e ".[parity]"
	$(PY) benchmarks/cpu_overhead.py
	$(PY) benchmarks/keras_steps.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
