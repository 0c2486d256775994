"""A fleet of Fargate services with diurnal load and CPU target tracking, as scenario YAML:
the workload behind bench/long_run.py and bench/sweep_scaling.py."""


def fleet_scenario(name: str, services: int, days: int, *, seed: int, mean_rps, resolution: str, sample: str) -> str:
    """`mean_rps(i)`: service i's mean requests/s. Tasks of 0.5 vCPU / 1 GiB serve 100
    requests/s; base 1 on FARGATE then 1:1 with FARGATE_SPOT; 1-60 tasks at 60 % CPU."""
    out = [f"ecsim: 1\nname: {name}\nseed: {seed}\nduration: {days}d",
           "clusters: [{clusterName: c, capacityProviders: [FARGATE, FARGATE_SPOT]}]",
           "account: {fargateLaunchRate: {burst: 1000, perSecond: 100}}",
           "taskDefinitions:",
           "  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: \"512\", memory: \"1024\",",
           "     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 200, capacity: {requestsPerSecond: 100}}}",
           "services:"]
    for i in range(services):
        out.append(
            f"  - {{serviceName: s{i}, taskDefinition: web:1, desiredCount: 2,"
            f" capacityProviderStrategy: [{{capacityProvider: FARGATE, base: 1, weight: 1}}, {{capacityProvider: FARGATE_SPOT, weight: 1}}],\n"
            f"     load: {{diurnal: {{meanRequestsPerSecond: {mean_rps(i)}, amplitude: 0.7, period: 1d, phase: {i * 173 % 86400}s, resolution: {resolution}}}}},\n"
            f"     autoScaling: {{MinCapacity: 1, MaxCapacity: 60, policies: [{{PolicyName: cpu, PolicyType: TargetTrackingScaling,\n"
            f"       TargetTrackingScalingPolicyConfiguration: {{TargetValue: 60, ScaleOutCooldown: 60, ScaleInCooldown: 300,\n"
            f"         PredefinedMetricSpecification: {{PredefinedMetricType: ECSServiceAverageCPUUtilization}}}}}}]}}}}")
    out.append("timings: {spot: {interruptionsPerTaskHour: 0.01}}")
    out.append(f"run: {{sample: {sample}, outputs: [summary]}}")
    return "\n".join(out) + "\n"
