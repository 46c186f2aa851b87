#!/usr/bin/env bash
# Instruction counts of TrainBench training steps under callgrind (reproducible, unlike time).
#
#     bench/perf/profile.sh [n] [steps] [out-dir] [head ...]
#
# Builds TrainBench (release, scratch path $SCRATCH or /tmp/perf-build), then for each head
# runs `warm-up 3 + steps` training steps with collection limited to BenchRun.step (its mangled name), and prints
# instructions per step plus the top functions (callgrind_annotate). The environment is left
# as it is (OPENBLAS_CORETYPE=Haswell on this machine: valgrind cannot run AVX-512 code).
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-128}; steps=${2:-10}; out=${3:-/tmp/perf-callgrind}
if [ $# -gt 3 ]; then shift 3; heads=("$@"); else heads=(concat mirror sharedq pooling outer outer_r8); fi
scratch=${SCRATCH:-/tmp/perf-build}
swift build -c release --scratch-path "$scratch" --product TrainBench >/dev/null
bin="$scratch/release/TrainBench"
mkdir -p "$out"
printf '%-10s %6s %16s\n' head n "instr/step"
for h in "${heads[@]}"; do
    f="$out/callgrind-$h-$n.out"
    valgrind --tool=callgrind --toggle-collect='$s10TrainBench0B3RunC4stepyyF' --callgrind-out-file="$f" \
        "$bin" --head "$h" --n "$n" --warmup 3 --steps "$steps" >/dev/null 2>"$out/valgrind-$h-$n.log"
    total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    printf '%-10s %6s %16s\n' "$h" "$n" "$(( total / (steps + 3) ))"
    callgrind_annotate "$f" 2>/dev/null | sed -n '/file:function/,$p' | sed -n '3,14p' \
        | swift demangle --simplified | sed -E 's#/work/main/Sources/##; s#\[[^]]*\]##' | cut -c1-150 > "$out/top-$h-$n.txt"
done
