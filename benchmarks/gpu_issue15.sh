#!/bin/sh
# Issue 15's GPU session in one call (the device tool's $OUT collects the logs):
#   cp -r ../shared/benchmarks _peers && sh benchmarks/gpu_issue15.sh [suite] [bench] [peers] [profile]
# (PEERS=dir names another copy of ../shared/benchmarks)
# suite: the whole tests/ (but test_explain_html.py: the device has no Chromium) + recorded-TF
#   goldens under CuPy, then the conv subset on the im2col path;
# bench: gpu_rnn.py, gpu_cnn.py, gpu_resnet.py against the peers' PyTorch steps;
# peers: issue 13's MLP steps, one process each, with peers_gpu.py's JAX and PyTorch steps;
# profile: gpu_profile.py's kernel tables for the CNN, ResNet-18 and LSTM steps.
O=${OUT:-/tmp/issue15}
mkdir -p "$O"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
PD=${PEERS:-_peers}
P=$PD/peers_gpu_cnn.py
nvidia-smi --query-gpu=name,driver_version,memory.used,clocks.sm --format=csv >"$O/smi.txt" 2>&1
for part in "$@"; do
  case $part in
  suite)
    MINITF_BACKEND=cupy timeout 500 python3 -m pytest -q -p no:cacheprovider -n 16 -rfE \
      $(ls tests/test_*.py | grep -v explain_html) parity/test_goldens.py >"$O/suite.log" 2>&1
    grep -E "^(FAILED|ERROR)" "$O/suite.log" | cut -c1-200 | head -30; tail -1 "$O/suite.log"
    MINITF_CONV=im2col MINITF_BACKEND=cupy timeout 200 python3 -m pytest -q -p no:cacheprovider \
      -n 16 -rf tests/test_conv.py tests/test_seed_cnns.py tests/test_tensor_float_32.py \
      tests/test_backends.py tests/test_function.py tests/test_applications.py \
      tests/test_checkpoint.py -k "conv or tf32 or flag or depthwise or separable or pool or \
      cnn or resnet or mobilenet or vgg or checkpoint or fit" >"$O/im2col.log" 2>&1
    echo "im2col: $(tail -1 "$O/im2col.log")"; grep -E "^FAILED" "$O/im2col.log" | head ;;
  quick)
    MINITF_BACKEND=cupy timeout 200 python3 -m pytest -q -p no:cacheprovider -n 14 -rfE \
      tests/test_fused_lstm.py tests/test_column_sums.py tests/test_rnn.py tests/test_conv.py \
      tests/test_backends.py tests/test_function_variable_writes.py tests/test_checkpoint.py \
      parity/test_goldens.py >"$O/quick.log" 2>&1
    grep -E "^(FAILED|ERROR)|passed|failed" "$O/quick.log" | cut -c1-200 | tail -25 ;;
  bench)
    for s in gpu_rnn gpu_cnn gpu_resnet; do
      timeout 200 python3 benchmarks/$s.py --peers $P 2>&1 | tee -a "$O/bench.log"
    done ;;
  peers)
    for c in mid seed; do for i in jax torch minitf-function minitf-eager; do
      MINITF_PATH=$PWD timeout 120 python3 $PD/peers_gpu.py --impl $i --case $c 2>&1 | tail -1 \
        | tee -a "$O/peers.log"; done; done ;;
  profile)
    for c in "cnn" "cnn --compiled" "resnet" "resnet --compiled" "lstm" "lstm --compiled"; do
      timeout 120 python3 benchmarks/gpu_profile.py --case $c 2>&1 | tee -a "$O/profile.log"
    done ;;
  esac
done
