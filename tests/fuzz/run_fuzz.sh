#!/usr/bin/env bash
# Runs the loader fuzz target. Two modes:
#   run_fuzz.sh FUZZER SOURCE_DIR WORK_DIR ci RUNS SEED
#       the test suite's run: the regression inputs once each, then RUNS mutations from a
#       fixed SEED over a fresh corpus: the same inputs every time, so CI is repeatable.
#   run_fuzz.sh FUZZER SOURCE_DIR WORK_DIR explore SECONDS [JOBS]
#       exploratory: a random seed for SECONDS on JOBS workers; the corpus in WORK_DIR
#       grows across runs. A crash input lands in WORK_DIR: copy it into
#       tests/fuzz/regressions/ with the fix, so the suite replays it from then on.
set -euo pipefail
FUZZER=$1 SRC=$2 WORK=$3 MODE=$4
SEEDS=("$SRC/scenarios/examples" "$SRC/scenarios/examples/cost_compare" "$SRC/tests/golden"
       "$SRC/tests/validation" "$SRC/tests/data/bad" "$SRC/tests/fuzz/regressions")
COMMON=(-dict="$SRC/tests/fuzz/scenario.dict" -max_len=8192 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1)
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p "$WORK"
cd "$WORK"
case "$MODE" in
  ci)
    RUNS=$5 SEED=$6
    echo "-- replaying $(ls "$SRC/tests/fuzz/regressions" | wc -l) regression inputs"
    "$FUZZER" "${COMMON[@]}" "$SRC"/tests/fuzz/regressions/*
    rm -rf corpus-ci && mkdir corpus-ci
    echo "-- $RUNS mutations from seed $SEED"
    "$FUZZER" corpus-ci "${SEEDS[@]}" "${COMMON[@]}" -seed="$SEED" -runs="$RUNS"
    ;;
  explore)
    SECONDS_=$5 JOBS=${6:-1}
    mkdir -p corpus
    "$FUZZER" corpus "${SEEDS[@]}" "${COMMON[@]}" -max_total_time="$SECONDS_" -jobs="$JOBS" -workers="$JOBS"
    ;;
  *) echo "mode: ci or explore" >&2; exit 2 ;;
esac
