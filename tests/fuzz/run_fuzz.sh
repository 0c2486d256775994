#!/usr/bin/env bash
# Runs a fuzz target. TARGET is loader (any bytes as a scenario file) or overrides (any
# bytes as --set lines on the bundled examples). Two modes:
#   run_fuzz.sh TARGET FUZZER SOURCE_DIR WORK_DIR ci RUNS SEED
#       the test suite's run: the target's regression inputs once each, then RUNS
#       mutations from a fixed SEED over a fresh corpus: the same inputs every time, so CI
#       is repeatable.
#   run_fuzz.sh TARGET FUZZER SOURCE_DIR WORK_DIR explore SECONDS [JOBS]
#       exploratory: a random seed for SECONDS on JOBS workers; the corpus in WORK_DIR
#       grows across runs. A crash input lands in WORK_DIR: copy it into the target's
#       regression folder with the fix, so the suite replays it from then on.
set -euo pipefail
TARGET=$1 FUZZER=$2 SRC=$3 WORK=$4 MODE=$5
case "$TARGET" in
  loader)
    SEEDS=("$SRC/scenarios/examples" "$SRC/scenarios/examples/cost_compare" "$SRC/tests/golden"
           "$SRC/tests/validation" "$SRC/tests/data/bad" "$SRC/tests/fuzz/regressions")
    REGRESSIONS="$SRC/tests/fuzz/regressions" ;;
  overrides)
    SEEDS=("$SRC/tests/fuzz/overrides_seeds" "$SRC/tests/fuzz/overrides_regressions")
    REGRESSIONS="$SRC/tests/fuzz/overrides_regressions" ;;
  *) echo "target: loader or overrides" >&2; exit 2 ;;
esac
COMMON=(-dict="$SRC/tests/fuzz/scenario.dict" -max_len=8192 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1)
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p "$WORK"
cd "$WORK"
case "$MODE" in
  ci)
    RUNS=$6 SEED=$7
    echo "-- $TARGET: replaying $(ls "$REGRESSIONS" | wc -l) regression inputs"
    "$FUZZER" "${COMMON[@]}" "$REGRESSIONS"/*
    rm -rf corpus-ci && mkdir corpus-ci
    echo "-- $TARGET: $RUNS mutations from seed $SEED"
    "$FUZZER" corpus-ci "${SEEDS[@]}" "${COMMON[@]}" -seed="$SEED" -runs="$RUNS"
    ;;
  explore)
    SECONDS_=$6 JOBS=${7:-1}
    mkdir -p corpus
    "$FUZZER" corpus "${SEEDS[@]}" "${COMMON[@]}" -max_total_time="$SECONDS_" -jobs="$JOBS" -workers="$JOBS"
    ;;
  *) echo "mode: ci or explore" >&2; exit 2 ;;
esac
