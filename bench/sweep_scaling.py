#!/usr/bin/env python3
"""Sweep scaling (issue 8): 200 points of a 1-day, 20-service scenario, run by
`ecsim sweep --jobs 1` and `--jobs N`, and by `ecsim.sweep` on 1 and N threads, all in the
same run. Prints points/s for each, the speedups, and each one's overhead per point on one
thread: its wall time minus its runs' own wallSeconds (parsing, loading the point, building,
summarising, the table), as a share of a point.

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
            wall = time.perf_counter() - t0
            return wall, float(pandas.read_csv(os.path.join(out, "sweep.csv"))["wallSeconds"].sum())

        sc = ecsim.load(path)

        def py(jobs):
            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                df = ecsim.sweep(sc, grid, executor=pool, progress=False)
            wall = time.perf_counter() - t0
            assert len(df) == points and (df["error"] == "").all(), df["error"].unique()
            return wall, float(df["wallSeconds"].sum())

        print(f"{points} points, 1 day, {SERVICES} services; {JOBS} jobs on {os.cpu_count()} cores")
        (c1, cli_engine1), (cn, _) = cli(1), cli(JOBS)
        (p1, engine1), (pn, _) = py(1), py(JOBS)
        print(f"ecsim sweep  --jobs 1: {c1:6.2f} s  {points / c1:6.1f} points/s")
        print(f"ecsim sweep  --jobs {JOBS}: {cn:6.2f} s  {points / cn:6.1f} points/s  speedup {c1 / cn:.2f}x")
        print(f"ecsim.sweep  1 thread: {p1:6.2f} s  {points / p1:6.1f} points/s")
        print(f"ecsim.sweep  {JOBS} threads: {pn:6.2f} s  {points / pn:6.1f} points/s  speedup {p1 / pn:.2f}x")
        # Overhead: everything but the runs themselves (their own wallSeconds), on one thread:
        # parsing, loading each point, building, summarising, the tables, process start-up.
        for name, total, engine in (("ecsim sweep", c1, cli_engine1), ("ecsim.sweep", p1, engine1)):
            over = (total - engine) / points
            print(f"{name:12} per point on 1 thread: {1000 * total / points:.2f} ms, of which the run {1000 * engine / points:.2f} ms "
                  f"and overhead {1000 * over:.2f} ms ({100 * over / (total / points):.1f} % of a point)")

if __name__ == "__main__":
    main()
