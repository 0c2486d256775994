#!/usr/bin/env python3
"""Sweep scaling (issue 8): 200 points of a 1-day, 20-service scenario, run by
`ecsim sweep --jobs 1` and `--jobs N`, and by `ecsim.sweep` on 1 and N threads, all in the
same run. Prints points/s for each, the speedups, and Python's overhead per point: the Python
sweep's wall time per point minus the command line's, both on one thread, for the same
points (loading, building, running and summarising a point are the same C++ in both).

usage: PYTHONPATH=build/release/python .venv/bin/python bench/sweep_scaling.py \
           [path/to/ecsim=build/release/bin/ecsim] [jobs=all cores]
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fargate_fleet import fleet_scenario  # noqa: E402

import ecsim  # noqa: E402
import pandas  # noqa: F401,E402  (imported once here, not inside the first timed sweep)

ECSIM = sys.argv[1] if len(sys.argv) > 1 else "build/release/bin/ecsim"
JOBS = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count() or 1
SERVICES = 20
TARGETS = list(range(40, 80))  # 40 target values
COOLDOWNS = [60, 120, 180, 240, 300]  # x 5 scale-in cooldowns = 200 points


def scenario() -> str:
    return fleet_scenario("sweep-20-services-1d", SERVICES, 1, seed=3, mean_rps=lambda i: 200 + 60 * (i % 10),
                          resolution="1m", sample="5m")


def grid_overrides():
    pol = "services[s0].autoScaling.policies[cpu].TargetTrackingScalingPolicyConfiguration"
    return {f"{pol}.TargetValue": TARGETS, f"{pol}.ScaleInCooldown": COOLDOWNS}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sweep.yaml")
        with open(path, "w") as f:
            f.write(scenario())
        grid = grid_overrides()
        points = 1
        for v in grid.values():
            points *= len(v)
        with open(os.path.join(tmp, "grid.yaml"), "w") as f:
            f.write("grid:\n" + "".join(f"  {k}: {v}\n" for k, v in grid.items()))

        def cli(jobs):
            out = os.path.join(tmp, f"cli{jobs}")
            t0 = time.perf_counter()
            subprocess.run([ECSIM, "sweep", path, "--grid", os.path.join(tmp, "grid.yaml"), "--jobs", str(jobs),
                            "--quiet", "--out", out], check=True, capture_output=True)
            return time.perf_counter() - t0

        sc = ecsim.load(path)

        def py(jobs):
            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                df = ecsim.sweep(sc, grid, executor=pool, progress=False)
            wall = time.perf_counter() - t0
            assert len(df) == points and (df["error"] == "").all(), df["error"].unique()
            return wall, float(df["wallSeconds"].sum())

        print(f"{points} points, 1 day, {SERVICES} services; {JOBS} jobs on {os.cpu_count()} cores")
        c1, cn = cli(1), cli(JOBS)
        (p1, engine1), (pn, _) = py(1), py(JOBS)
        print(f"ecsim sweep  --jobs 1: {c1:6.2f} s  {points / c1:6.1f} points/s")
        print(f"ecsim sweep  --jobs {JOBS}: {cn:6.2f} s  {points / cn:6.1f} points/s  speedup {c1 / cn:.2f}x")
        print(f"ecsim.sweep  1 thread: {p1:6.2f} s  {points / p1:6.1f} points/s")
        print(f"ecsim.sweep  {JOBS} threads: {pn:6.2f} s  {points / pn:6.1f} points/s  speedup {p1 / pn:.2f}x")
        print(f"per point on 1 thread: engine run {1000 * engine1 / points:.2f} ms (the runs' own wallSeconds), "
              f"CLI total {1000 * c1 / points:.2f} ms (load, build, run, summary), Python total {1000 * p1 / points:.2f} ms")
        print(f"Python overhead per point: {1000 * (p1 - c1) / points:.2f} ms (the Python sweep's time per point minus the CLI's)")


if __name__ == "__main__":
    main()
