#!/usr/bin/env python3
"""Long run (issue 9): 500 Fargate services with diurnal load and CPU target tracking for
30 days, written to a temporary scenario and run by a Release `ecsim` with outputs limited
to summary.json. Prints the wall time and peak RSS, then the same for 7 days: memory must be
bounded by concurrent state, not by how long the run is.

usage: bench/long_run.py [path/to/ecsim] [services] [days...]
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fargate_fleet import fleet_scenario  # noqa: E402

ECSIM = sys.argv[1] if len(sys.argv) > 1 else "build/release/bin/ecsim"
SERVICES = int(sys.argv[2]) if len(sys.argv) > 2 else 500
DAYS = [int(d) for d in sys.argv[3:]] or [30, 7]


def scenario(days: int) -> str:
    return fleet_scenario(f"long-{SERVICES}-services-{days}d", SERVICES, days, seed=9,
                          mean_rps=lambda i: 100 + 40 * (i % 25), resolution="5m", sample="1h")


for days in DAYS:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "long.yaml")
        with open(path, "w") as f:
            f.write(scenario(days))
        proc = subprocess.run(["/usr/bin/time", "-v", ECSIM, "run", path, "--quiet", "--out", os.path.join(tmp, "out")],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"ecsim failed ({proc.returncode}):\n{proc.stderr}")
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr).group(1)
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
        summary = open(os.path.join(tmp, "out", "summary.json")).read()
        events = re.search(r'"events": (\d+)', summary).group(1)
        started = sum(int(x) for x in re.findall(r'"tasksStarted": (\d+)', summary))
        print(f"{days:>3} days, {SERVICES} services: wall {wall}, peak RSS {rss / 1024:.0f} MiB, "
              f"{int(events):,} events, {started:,} tasks started")
