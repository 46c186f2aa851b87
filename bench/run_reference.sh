#!/bin/sh
# Trains the PyTorch reference on the shipped `digits` dataset and prints a markdown table
# comparing its mean test AUC over seeds with the Swift harness results in the sweep database.
#
# Usage (from anywhere):  bench/run_reference.sh [reference_digits.py options, e.g. --jobs 1]
# The virtualenv lives outside the repository: $SYMSIM_TORCH_VENV, default /tmp/venv-torch.
# It is created on first use and reused afterwards; requirements are installed only when
# bench/requirements.txt changed since the last install. The table goes to stdout, progress
# to stderr. Exit status 1 means some configuration has Swift more than 0.01 below PyTorch.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
venv=${SYMSIM_TORCH_VENV:-/tmp/venv-torch}

if [ ! -x "$venv/bin/python" ]; then
    echo "run_reference: creating virtualenv $venv" >&2
    python3 -m venv "$venv"
fi
stamp="$venv/.symsim-requirements"
if [ ! -f "$stamp" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    echo "run_reference: installing bench/requirements.txt into $venv (torch is large; this takes a few minutes once)" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
    cp "$here/requirements.txt" "$stamp"
fi

cd "$repo"
exec "$venv/bin/python" "$here/reference_digits.py" "$@"
