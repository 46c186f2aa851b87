#!/usr/bin/env bash
# Fuzzing the config parser and every data loader: the documented long run.
#
# Two fuzzers check the same contract (FuzzOracle in Tests/ExperimentsKitTests/Fuzz): every
# input is accepted with a sane result or refused with the documented error type in one line
# (a refused JSON object names a JSON path); no crash, trap, hang or huge allocation.
#
#   Fuzz/run.sh seeded [N]           the seeded mutation loop of the test suite with N inputs
#                                    in total (default 100000; CI runs 3000 through `swift test`)
#   Fuzz/run.sh build                build the libFuzzer harnesses (swiftc -sanitize=fuzzer,address)
#   Fuzz/run.sh libfuzzer T [N]      run harness T for N executions (default 100000);
#                                    T is config, npy, fvecs, csv, pairs or model
#   Fuzz/run.sh replay T FILE...     run saved inputs through harness T (a crash reproduces)
#   Fuzz/run.sh long                 the long run: seeded 100000, then every harness 100000
#
# Environment: OUT (build and corpus directory, default /tmp/symsim-fuzz), SCRATCH (SwiftPM
# scratch path for `seeded`, default /tmp/symsim-fuzz/spm), SYMSIM_FUZZ_SEED (seeded loop's
# seed), FUZZ_FLAGS (extra libFuzzer flags, e.g. -jobs=2 -workers=2).
#
# libFuzzer limits used: inputs up to 16 KiB (-max_len), an input slower than 10 s is a hang
# (-timeout), one allocation over 512 MB or a process over 2 GB is a failure
# (-malloc_limit_mb, -rss_limit_mb). Crashes are saved as $OUT/artifacts/<target>/crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${OUT:-/tmp/symsim-fuzz}
SCRATCH=${SCRATCH:-$OUT/spm}
TARGETS=(config npy fvecs csv pairs model)
# Swift's own backtracer is slow and interactive; libFuzzer prints the stack itself.
export SWIFT_BACKTRACE=enable=no
# Leak checking is off: the Swift runtime's metadata caches live until exit by design.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

build() {
    mkdir -p "$OUT/modules"
    local M="$OUT/modules"
    local FLAGS=(-O -g -swift-version 5 -parse-as-library -sanitize=fuzzer,address -I "$M")
    # The libraries under test, as plain modules (no CBLAS: the plain-Swift matrix products;
    # the config part of ExperimentsKit only, which is all the parser needs).
    module() {
        local name=$1; shift
        echo "compiling module $name"
        swiftc "${FLAGS[@]}" -module-name "$name" -wmo -emit-module -emit-module-path "$M/$name.swiftmodule" \
            -c -o "$M/$name.o" "$@"
    }
    module TensorCore Sources/TensorCore/*.swift
    module Datasets Sources/Datasets/*.swift
    module Models Sources/Models/*.swift
    module ExperimentsKit Sources/ExperimentsKit/Config/*.swift
    local shared=(Tests/ExperimentsKitTests/Fuzz/FuzzOracle.swift Tests/ExperimentsKitTests/Fuzz/FuzzMutator.swift
                  Tests/ExperimentsKitTests/Fuzz/FuzzSeeds.swift Fuzz/Harness.swift)
    for t in "${TARGETS[@]}"; do
        echo "linking fuzz-$t"
        rm -f "$OUT/fuzz-$t"
        swiftc "${FLAGS[@]}" -module-name "Fuzz_$t" -D "TARGET_$t" "${shared[@]}" \
            "$M/TensorCore.o" "$M/Datasets.o" "$M/Models.o" "$M/ExperimentsKit.o" -o "$OUT/fuzz-$t" 2>&1 \
            | grep -v "Cannot export local symbol '__asan" || true
        test -x "$OUT/fuzz-$t"
    done
}

libfuzzer() {
    local t=$1 runs=${2:-100000}
    [ -x "$OUT/fuzz-$t" ] || build
    local corpus="$OUT/corpus/$t" artifacts="$OUT/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    SYMSIM_FUZZ_WRITE_SEEDS="$OUT/seeds/$t" "$OUT/fuzz-$t"
    # The hand-made bad files are seeds too.
    local extra=() d
    case $t in
        config) d=("$ROOT/Tests/Corpus/configs") ;;
        *) d=("$ROOT/Tests/Corpus/data") ;;
    esac
    for x in "${d[@]}"; do [ -d "$x" ] && extra+=("$x"); done
    echo "== libFuzzer $t: $runs executions (corpus $corpus)"
    local start=$SECONDS status
    set +e
    # shellcheck disable=SC2086
    "$OUT/fuzz-$t" \
        -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
        $([ -s "$OUT/seeds/$t.dict" ] && echo "-dict=$OUT/seeds/$t.dict") -artifact_prefix="$artifacts/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
        "$corpus" "$OUT/seeds/$t" "${extra[@]}" 2>&1 | tee "$OUT/$t.log" | grep -E "^#[0-9]+\s+(DONE|INITED)|stat::|ERROR|SUMMARY|Fatal|==[0-9]+==" | tail -20
    status=${PIPESTATUS[0]}
    set -e
    echo "== $t: exit status $status after $((SECONDS - start)) s; artifacts in $artifacts: $(ls "$artifacts" | wc -l)"
    return "$status"
}

replay() {
    local t=$1; shift
    [ -x "$OUT/fuzz-$t" ] || build
    "$OUT/fuzz-$t" "$@"
}

seeded() {
    local n=${1:-100000}
    echo "== seeded mutation loop: $n inputs in total"
    local start=$SECONDS status
    set +e
    SYMSIM_FUZZ_ITERATIONS=$n swift test --scratch-path "$SCRATCH" --filter 'HostileInputTests|CorpusTests' 2>&1 \
        | grep -E "^fuzz |Test run|✘|Fatal"
    status=${PIPESTATUS[0]}
    set -e
    echo "== seeded: exit status $status after $((SECONDS - start)) s"
    return "$status"
}

case ${1:-long} in
    build) build ;;
    seeded) seeded "${2:-100000}" ;;
    libfuzzer) libfuzzer "${2:?target: ${TARGETS[*]}}" "${3:-100000}" ;;
    replay) shift; replay "$@" ;;
    long)
        seeded 100000
        build
        for t in "${TARGETS[@]}"; do libfuzzer "$t" 100000; done
        ;;
    *) sed -n '2,20p' "$0"; exit 64 ;;
esac
