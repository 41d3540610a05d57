# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: demo test test-fast parity-isa bench gpu-test gpu-bench clean corpus-goldens corpus-report

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Creates .venv, installs minitf with the parity and plot extras, runs the main job (the table,
# and the trajectory plot parity-trajectories.png).
demo: $(PY)
	$(PY) -m pip install --quiet -e ".[parity,plot]"
	$(PY) -m minitf parity

# Creates .venv if missing, installs the test, parity and examples extras, runs tests/ and parity/.
test: $(PY)
	$(PY) -m pip install --quiet -e ".[test,parity,examples]"
	$(PY) -m pytest -q tests parity minitf docs

# tests/ alone: no TensorFlow needed.
test-fast: $(PY)
	$(PY) -m pip install --quiet -e ".[test,examples]"
	$(PY) -m pytest -q tests minitf

# The parity suite four times, with the same tolerances: TensorFlow's CPU kernels pick their
# instructions at run time, so these settings make it compute as it would on other processors.
# The first is the default (TF's reference kernels, parity/conftest.py); then TF's oneDNN
# kernels, which TF turns on by default on CPUs with AVX512_VNNI/BF16 or AMX, at this CPU's own
# instruction set, at AVX2 and at SSE4.1 (the few bad-input cases where oneDNN differs, or
# crashes, are skipped there with their reasons: parity/conftest.py ONEDNN_DIFFERS).
PARITY_ISA_SETTINGS = "" "TF_ENABLE_ONEDNN_OPTS=1" \
	"TF_ENABLE_ONEDNN_OPTS=1 ONEDNN_MAX_CPU_ISA=AVX2" "TF_ENABLE_ONEDNN_OPTS=1 ONEDNN_MAX_CPU_ISA=SSE41"
parity-isa: $(PY)
	$(PY) -m pip install --quiet -e ".[test,parity]"
	@for s in $(PARITY_ISA_SETTINGS); do \
	  echo "== parity under: $${s:-the default (TF's reference kernels)}"; \
	  env $$s $(PY) -m pytest -q -p no:cacheprovider parity || exit 1; \
	done

# The conformance corpus (parity/corpus/): record TensorFlow's outcome of every case (the
# goldens; SOURCES="tf_tensor ..." for some sources only), and write docs/corpus.md from a run
# of every case under minitf.
corpus-goldens: $(PY)
	$(PY) -m pip install --quiet -e ".[parity]"
	$(PY) -m parity.corpus.record $(SOURCES)

corpus-report: $(PY)
	$(PY) -m parity.corpus.report

bench: $(PY)
	$(PY) -m pip install --quiet -e ".[parity]"
	$(PY) benchmarks/cpu_overhead.py
	$(PY) benchmarks/keras_steps.py

# On a machine with a CUDA device and CuPy (e.g. the lent GPU machine, whose python3 has CuPy,
# PyTorch, JAX, pytest and hypothesis): the backend tests, the whole tests/ suite on the GPU,
# and the curated parity checks on the GPU against recorded TensorFlow results.
GPU_PY ?= python3
gpu-test:
	PYTHONPATH=$(CURDIR) $(GPU_PY) -m pytest -q -p no:cacheprovider tests/test_backends.py
	MINITF_BACKEND=cupy PYTHONPATH=$(CURDIR) $(GPU_PY) -m pytest -q -p no:cacheprovider tests
	MINITF_BACKEND=cupy PYTHONPATH=$(CURDIR) $(GPU_PY) -m pytest -q -p no:cacheprovider parity/test_goldens.py

gpu-bench:
	PYTHONPATH=$(CURDIR) $(GPU_PY) benchmarks/gpu_mlp.py --flat-steps 10000

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
