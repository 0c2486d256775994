#!/usr/bin/env python3
"""How ecsim's cost grows with the work: the scale grid of the scale issue.

Generates one scenario per (provider, size), 1k / 10k / 100k tasks at the daily peak, on
Fargate (+ Fargate Spot) and on EC2 Auto Scaling groups with managed scaling (about 100 /
1,000 / 10,000 instances, 10 tasks per m5.large, no more than 2,500 per cluster so the
5,000-instance cluster quota is never the limit). Every service has CPU target tracking
over a diurnal load (it scales out to the peak and in to a third of it), and every service
is deployed once, rolling, at 6 h. One simulated day, summary.json only, Release build.

Prints, per run: events, wall seconds, events/s, peak RSS, and the growth exponent of wall
against events from the previous size (1.0 = linear). With --reference, the reference week
(bench/scenarios/reference_week.yaml) runs first, in the same process tree, for the
events/s to compare with.

  bench/scale.py [--sizes 1000,10000,100000] [--providers fargate,ec2] [--reference]
                 [--ecsim PATH] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TASKS_PER_INSTANCE = 10          # m5.large (2048 CPU units, 7936 MiB) holds 10 tasks of 200 / 768
INSTANCES_PER_CLUSTER = 2500     # half the 5,000 container instances a cluster may register
TARGET_CPU = 70                  # target tracking target (percent)
REQUESTS_PER_TASK = 100          # requests/s a task serves at 100 % CPU
AMPLITUDE = 0.5                  # diurnal load: peak = 1.5 x mean, trough = 0.5 x mean


def shape(tasks: int) -> tuple[int, int]:
    """(services, peak tasks per service) for a grid size."""
    services = 10 if tasks <= 1000 else 50 if tasks <= 10000 else 100
    return services, max(1, tasks // services)


def scenario(provider: str, tasks: int) -> str:
    services, per = shape(tasks)
    mean_rps = TARGET_CPU * per / (1 + AMPLITUDE)  # the peak needs `per` tasks at the target
    start = max(1, round(per / (1 + AMPLITUDE)))
    out = [f"ecsim: 1\nname: scale-{provider}-{tasks}\nseed: 1\nduration: 1d",
           "account:",
           "  fargateLaunchRate: {burst: 100000, perSecond: 1000}",
           "  fargateSpotLaunchRate: {burst: 100000, perSecond: 1000}"]
    if provider == "fargate":
        clusters = 1
        out += ["clusters: [{clusterName: c0, capacityProviders: [FARGATE, FARGATE_SPOT],",
                "            defaultCapacityProviderStrategy: [{capacityProvider: FARGATE, base: 1, weight: 1},"
                " {capacityProvider: FARGATE_SPOT, weight: 1}]}]"]
        compat, cpu, memory, net = "FARGATE", "256", "512", "awsvpc"
    else:
        instances = math.ceil(tasks / TASKS_PER_INSTANCE)
        clusters = max(1, math.ceil(instances / INSTANCES_PER_CLUSTER))
        out.append("capacityProviders:")
        for c in range(clusters):
            out += [f"  - name: asg{c}",
                    "    autoScalingGroupProvider:",
                    "      managedScaling: {status: ENABLED, targetCapacity: 100, maximumScalingStepSize: 10000}",
                    "      managedTerminationProtection: ENABLED",
                    "    autoScalingGroup: {MinSize: 0, MaxSize: 5000, InstanceType: m5.large,",
                    "                       NewInstancesProtectedFromScaleIn: true,",
                    # One zone: managed scaling steps a multi-zone group by exactly
                    # minimumScalingStepSize per minute, too slow for these sizes (issue 20).
                    "                       AvailabilityZones: [us-east-1a]}"]
        out.append("clusters:")
        for c in range(clusters):
            out.append(f"  - {{clusterName: c{c}, capacityProviders: [asg{c}],"
                       f" defaultCapacityProviderStrategy: [{{capacityProvider: asg{c}, weight: 1}}]}}")
        compat, cpu, memory, net = "EC2", "200", "768", "bridge"
    out.append("taskDefinitions:")
    for rev in (1, 2):
        out.append(f"  - {{family: web, revision: {rev}, requiresCompatibilities: [{compat}], networkMode: {net},"
                   f" cpu: \"{cpu}\", memory: \"{memory}\", containerDefinitions: [{{name: web, image: web:{rev}}}],"
                   f" ecsim: {{imageSizeMiB: 100, capacity: {{requestsPerSecond: {REQUESTS_PER_TASK}}}}}}}")
    out.append("services:")
    for i in range(services):
        extra = "" if provider == "fargate" else ", placementStrategy: [{type: binpack, field: memory}]"
        out.append(
            f"  - {{serviceName: s{i}, cluster: c{i % clusters}, taskDefinition: web:1, desiredCount: {start}{extra},\n"
            f"     load: {{diurnal: {{meanRequestsPerSecond: {mean_rps:.3f}, amplitude: {AMPLITUDE}, period: 1d,"
            f" phase: {i * 173 % 86400}s}}}},\n"
            f"     autoScaling: {{MinCapacity: 1, MaxCapacity: {min(5000, per * 2)}, policies: [{{PolicyName: cpu,"
            f" PolicyType: TargetTrackingScaling,\n"
            f"       TargetTrackingScalingPolicyConfiguration: {{TargetValue: {TARGET_CPU}, ScaleOutCooldown: 60,"
            f" ScaleInCooldown: 300,\n"
            f"         PredefinedMetricSpecification: {{PredefinedMetricType: ECSServiceAverageCPUUtilization}}}}}}]}}}}")
    out.append("timeline:")
    for i in range(services):
        out.append(f"  - {{at: 6h, updateService: {{service: s{i}, cluster: c{i % clusters}, taskDefinition: web:2}}}}")
    out.append("run: {outputs: [summary]}")
    return "\n".join(out) + "\n"


def run(ecsim: Path, path: Path, out: Path) -> dict:
    """Runs one scenario; returns events, wall, events/s and peak RSS (MiB)."""
    cmd = ["/usr/bin/time", "-v", str(ecsim), "run", str(path), "--quiet", "--out", str(out)]
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"scale: {path.name} failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
    s = json.loads((out / "summary.json").read_text())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    providers = s.get("capacityProviders", {}).values()
    return {"events": s["events"], "wall": s["wallSeconds"], "rss": rss,
            "peak_tasks": sum(int(cp["runningCount"]["max"]) for cp in providers),
            "peak_instances": sum(int(cp.get("instanceCount", {}).get("max", 0)) for cp in providers)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--providers", default="fargate,ec2")
    ap.add_argument("--reference", action="store_true", help="run the reference week first")
    ap.add_argument("--ecsim", type=Path, default=None, help="ecsim binary (default: a Release build in build/perf)")
    ap.add_argument("--keep", type=Path, default=None, help="write the generated scenarios here")
    ap.add_argument("--print", dest="print_only", metavar="PROVIDER:SIZE", help="print one scenario and exit")
    args = ap.parse_args()
    if args.print_only:
        prov, size = args.print_only.split(":")
        sys.stdout.write(scenario(prov, int(size)))
        return 0
    ecsim = args.ecsim
    if ecsim is None:
        build = ROOT / "build" / "perf"
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                        "-DECSIM_BUILD_TESTS=OFF", "-DECSIM_BUILD_PYTHON=OFF"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["cmake", "--build", str(build), "--target", "ecsim"], check=True, stdout=subprocess.DEVNULL)
        ecsim = build / "bin" / "ecsim"
    sizes = [int(x) for x in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="ecsim-scale-"))
    keep = args.keep or tmp
    keep.mkdir(parents=True, exist_ok=True)
    print("provider,tasks,services,peak_running_tasks,peak_instances,events,wall_s,events_per_s,peak_rss_mib,exponent", flush=True)
    ref_rate = None
    if args.reference:
        r = run(ecsim, ROOT / "bench" / "scenarios" / "reference_week.yaml", tmp / "ref")
        ref_rate = r["events"] / r["wall"]
        print(f"reference-week,,,,,{r['events']},{r['wall']:.3f},{ref_rate:.0f},{r['rss']:.0f},", flush=True)
    for prov in args.providers.split(","):
        prev = None
        for size in sizes:
            path = keep / f"scale_{prov}_{size}.yaml"
            path.write_text(scenario(prov, size))
            r = run(ecsim, path, tmp / f"{prov}_{size}")
            exponent = ""
            if prev and r["events"] > prev["events"] and prev["wall"] > 0:
                exponent = f"{math.log(r['wall'] / prev['wall']) / math.log(r['events'] / prev['events']):.2f}"
            rate = r["events"] / r["wall"] if r["wall"] > 0 else float("inf")
            print(f"{prov},{size},{shape(size)[0]},{r['peak_tasks']},{r['peak_instances']},{r['events']},{r['wall']:.3f},{rate:.0f},{r['rss']:.0f},{exponent}",
                  flush=True)
            if ref_rate and size == max(sizes):
                print(f"# {prov} {size}: {rate / ref_rate:.2f} x the reference week's events/s", flush=True)
            prev = r
    return 0


if __name__ == "__main__":
    sys.exit(main())
