#!/bin/sh
# Issue 15's GPU session in one call (the device tool's $OUT collects the logs):
#   cp -r ../shared/benchmarks _peers && sh benchmarks/gpu_issue15.sh [suite] [bench] [profile]
# suite: the whole tests/ + recorded-TF goldens under CuPy, and the conv subset on both paths;
# bench: gpu_rnn.py, gpu_cnn.py, gpu_resnet.py against the peers' PyTorch steps;
# profile: gpu_profile.py's kernel tables for the CNN, ResNet-18 and LSTM steps.
O=${OUT:-/tmp/issue15}
mkdir -p "$O"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
P=_peers/peers_gpu_cnn.py
nvidia-smi --query-gpu=name,driver_version,memory.used,clocks.sm --format=csv >"$O/smi.txt" 2>&1
for part in "$@"; do
  case $part in
  suite)
    MINITF_BACKEND=cupy timeout 300 python3 -m pytest -q -p no:cacheprovider -n 14 -rfE \
      tests parity/test_goldens.py >"$O/suite.log" 2>&1
    tail -3 "$O/suite.log"
    for c in cudnn im2col; do
      MINITF_CONV=$c MINITF_BACKEND=cupy timeout 120 python3 -m pytest -q -p no:cacheprovider \
        -n 14 -rf tests/test_conv.py tests/test_tensor_float_32.py tests/test_backends.py \
        tests/test_function.py -k "conv or tf32 or flag or depthwise or separable or pool or cnn" \
        >"$O/conv_$c.log" 2>&1
      echo "conv $c: $(tail -1 "$O/conv_$c.log")"
    done ;;
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
  profile)
    for c in "cnn" "cnn --compiled" "resnet" "resnet --compiled" "lstm" "lstm --compiled"; do
      timeout 120 python3 benchmarks/gpu_profile.py --case $c 2>&1 | tee -a "$O/profile.log"
    done ;;
  esac
done
