#!/usr/bin/env bash
# One command: build TrainBench (release), set up a virtualenv with PyTorch and Keras 3 + JAX
# from PyPI (once; idempotent), run ours and the peers interleaved, print the table.
#
#     bench/perf/run.sh                 # full run (about 15 minutes on 2 cores)
#     bench/perf/run.sh --quick         # a few steps each, to check the pipeline
#     bench/perf/run.sh --dims 128 --heads concat,mirror --repeats 1
#
# Environment: VENV (default /tmp/venv-bench), SCRATCH (Swift scratch path, default
# /tmp/perf-build), OUT (directory for runs.jsonl and table.md, default /tmp/perf-bench).
# Extra arguments go to bench/perf/driver.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${VENV:-/tmp/venv-bench}
scratch=${SCRATCH:-/tmp/perf-build}
out=${OUT:-/tmp/perf-bench}
mkdir -p "$out"

# System packages the Swift build needs (as .ci/run installs them).
missing=()
for p in libopenblas-dev python3-venv; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The peers' virtualenv (torch from PyPI brings its CUDA libraries: a few GB, minutes, once).
if ! KERAS_BACKEND=jax "$venv/bin/python" -c 'import torch, jax, keras, numpy' >/dev/null 2>&1; then
    echo "setting up $venv (torch, jax[cpu], keras, numpy from PyPI)..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q torch "jax[cpu]" keras numpy
fi

echo "building TrainBench (release)..." >&2
swift build -c release --scratch-path "$scratch" --product TrainBench >&2
bin="$scratch/release/TrainBench"
"$bin" --help >/dev/null

"$venv/bin/python" bench/perf/driver.py --trainbench "$bin" --python "$venv/bin/python" \
    --json-out "$out/runs.jsonl" --markdown-out "$out/table.md" "$@"
