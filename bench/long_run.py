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

ECSIM = sys.argv[1] if len(sys.argv) > 1 else "build/release/bin/ecsim"
SERVICES = int(sys.argv[2]) if len(sys.argv) > 2 else 500
DAYS = [int(d) for d in sys.argv[3:]] or [30, 7]


def scenario(days: int) -> str:
    out = [f"ecsim: 1\nname: long-{SERVICES}-services-{days}d\nseed: 9\nduration: {days}d",
           "clusters: [{clusterName: c, capacityProviders: [FARGATE, FARGATE_SPOT]}]",
           "account: {fargateLaunchRate: {burst: 1000, perSecond: 100}}",
           "taskDefinitions:",
           "  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: \"512\", memory: \"1024\",",
           "     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 200, capacity: {requestsPerSecond: 100}}}",
           "services:"]
    for i in range(SERVICES):
        mean = 100 + 40 * (i % 25)
        out.append(
            f"  - {{serviceName: s{i}, taskDefinition: web:1, desiredCount: 2,"
            f" capacityProviderStrategy: [{{capacityProvider: FARGATE, base: 1, weight: 1}}, {{capacityProvider: FARGATE_SPOT, weight: 1}}],\n"
            f"     load: {{diurnal: {{meanRequestsPerSecond: {mean}, amplitude: 0.7, period: 1d, phase: {i * 173 % 86400}s, resolution: 5m}}}},\n"
            f"     autoScaling: {{MinCapacity: 1, MaxCapacity: 60, policies: [{{PolicyName: cpu, PolicyType: TargetTrackingScaling,\n"
            f"       TargetTrackingScalingPolicyConfiguration: {{TargetValue: 60, ScaleOutCooldown: 60, ScaleInCooldown: 300,\n"
            f"         PredefinedMetricSpecification: {{PredefinedMetricType: ECSServiceAverageCPUUtilization}}}}}}]}}}}")
    out.append("timings: {spot: {interruptionsPerTaskHour: 0.01}}")
    out.append("run: {sample: 1h, outputs: [summary]}")
    return "\n".join(out) + "\n"


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
