#!/usr/bin/env bash
# The reference week beside the hand-written baseline, in the same run on the same machine.
# Builds a Release ecsim (build/perf), then runs, interleaved 3 times: the baseline
# (../shared/perf/run_baseline.sh, or $ECSIM_PERF_DIR), ecsim with summary.json only, and
# ecsim with every output. Prints task lifecycles/s, the ratios, ecsim's events/s and peak RSS.
# usage: bench/reference_week.sh [rounds=3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERF=${ECSIM_PERF_DIR:-$ROOT/../shared/perf}
ROUNDS=${1:-3}
[ -x "$PERF/run_baseline.sh" ] || { echo "no baseline at $PERF (set ECSIM_PERF_DIR)" >&2; exit 2; }
cmake -S "$ROOT" -B "$ROOT/build/perf" -G Ninja -DCMAKE_BUILD_TYPE=Release -DECSIM_BUILD_TESTS=OFF \
      -DECSIM_BUILD_PYTHON=OFF -DECSIM_BUILD_BENCH=ON >/dev/null
cmake --build "$ROOT/build/perf" --target ecsim >/dev/null
ECSIM="$ROOT/build/perf/bin/ecsim"
SCENARIO="$ROOT/bench/scenarios/reference_week.yaml"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_ecsim() {  # $1: label, $2: outputs list
  /usr/bin/time -v "$ECSIM" run "$SCENARIO" --quiet --out "$TMP/$1" --set "run.outputs=$2" 2>"$TMP/time" >/dev/null
  python3 - "$TMP/$1/summary.json" "$TMP/time" "$1" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
wall = s["wallSeconds"]
done = s["runTasks"]["completed"]
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
print(f"{sys.argv[3]} wall_s={wall} completions={done} lifecycles_per_s={done / wall:.0f} "
      f"events={s['events']} events_per_s={s['events'] / wall:.0f} peak_rss_mib={rss:.0f}")
PY
}

echo "round,who,wall_s,lifecycles_per_s,events_per_s,peak_rss_mib"
for r in $(seq 1 "$ROUNDS"); do
  base=$(cd "$TMP" && bash "$PERF/run_baseline.sh" 7 1)
  bw=$(sed -E 's/.*wall_s=([0-9.]+).*/\1/' <<<"$base")
  bc=$(sed -E 's/.*completions=([0-9]+).*/\1/' <<<"$base")
  echo "$r,baseline,$bw,$(python3 -c "print(round($bc/$bw))"),,"
  for mode in "summary:[summary]" "all:[summary, timeseries, events, tasks]"; do
    label=${mode%%:*}
    line=$(run_ecsim "$label" "${mode#*:}")
    w=$(sed -E 's/.*wall_s=([0-9.]+).*/\1/' <<<"$line")
    echo "$r,ecsim-$label,$w,$(sed -E 's/.*lifecycles_per_s=([0-9]+).*/\1/' <<<"$line"),$(sed -E 's/.*events_per_s=([0-9]+).*/\1/' <<<"$line"),$(sed -E 's/.*peak_rss_mib=([0-9]+).*/\1/' <<<"$line")"
    echo "$r,ratio-$label,$(python3 -c "print(round($w/$bw, 2))"),,," 
  done
done
