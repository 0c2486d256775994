"""The Python API: the contract's calls, results that load into pandas, errors, the GIL."""

import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import ecsim

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "examples" / "quickstart.yaml"

SMALL = """
ecsim: 1
name: small
seed: 3
duration: 30m
clusters: [{clusterName: c}]
taskDefinitions:
  - family: web
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "512"
    memory: "1024"
    containerDefinitions: [{name: web, image: web:1}]
    ecsim: {imageSizeMiB: 100}
services:
  - {serviceName: web, taskDefinition: web:1, desiredCount: 2, launchType: FARGATE}
"""


def test_public_names_are_reachable():
    for name in ["load", "loads", "run", "sweep", "Scenario", "Result", "ScenarioError", "Simulator",
                 "proportional_capacity", "distribute_tasks", "clamp_capacity"]:
        assert hasattr(ecsim, name), name


def test_run_returns_summary_and_frames_with_the_csv_columns():
    res = ecsim.run(ecsim.load(QUICKSTART), seed=1)
    assert res.summary["scenario"] == "quickstart"
    assert res.summary["seed"] == 1
    assert list(res.events.columns) == ["t", "kind", "service", "task", "instance", "detail"]
    assert list(res.timeseries.columns)[:9] == ["t", "service", "desired", "pending", "running", "healthy", "cpu",
                                                "requestsPerSecond", "costUsd"]
    assert res.events["t"].dtype == "float64"
    assert res.events["task"].dtype == "Int64"
    assert res.events["t"].is_monotonic_increasing
    # Names are categoricals built from codes: no Python object per row.
    assert isinstance(res.events["kind"].dtype, pd.CategoricalDtype)
    assert isinstance(res.timeseries["service"].dtype, pd.CategoricalDtype)
    assert res.timeseries["desired"].dtype == "Int64"
    assert res.timeseries["cpu"].dtype == "float64"
    # Provider rows leave the service-only columns empty, as in timeseries.csv.
    providers = res.timeseries[res.timeseries["service"].isna()]
    assert providers["healthy"].isna().all() and providers["cpu"].isna().all()
    assert set(providers["capacityProvider"].astype(str)) == {"FARGATE", "FARGATE_SPOT"}


def test_ec2_run_has_instances_in_events_and_tasks():
    sc = ecsim.load(ROOT / "tests" / "golden" / "ec2_spot_managed_scaling.yaml")
    res = ecsim.run(sc, tasks=True)
    ev = res.events
    launched = ev[ev["kind"] == "INSTANCE_LAUNCHED"]
    assert len(launched) == res.summary["capacityProviders"]["mixed"]["instancesLaunched"]
    assert launched["instance"].astype(str).str.match(r"i-[0-9a-f]{8}").all()
    tasks = res.tasks
    assert tasks["containerInstance"].notna().any()
    assert tasks["task"].is_unique
    assert res.summary["pricing"]["ec2"]["m5.large"]["onDemandUsdPerHour"] == pytest.approx(0.096)


def test_compare_runs_every_option():
    files = sorted((ROOT / "scenarios" / "examples" / "cost_compare").glob("*.yaml"))
    df = ecsim.compare(files[:2], replications=2, progress=False)
    assert list(df["option"]) == ["cost-compare-1-fargate"] * 2 + ["cost-compare-2-fargate-spot"] * 2
    assert (df["error"] == "").all()
    means = df.groupby("option")["cost.totalUsd"].mean()
    assert means["cost-compare-2-fargate-spot"] < 0.35 * means["cost-compare-1-fargate"]


def test_hand_computed_cost_through_python():
    # 2 tasks of 0.5 vCPU / 1 GB billed from their pull at 20 s to the 30 min horizon.
    res = ecsim.run(ecsim.loads(SMALL))
    rate = 0.5 * 0.04048 + 0.004445
    assert res.summary["cost"]["totalUsd"] == pytest.approx(2 * (1800 - 20) / 3600 * rate, abs=1e-6)


def test_set_uses_the_cli_paths_and_rejects_invalid_values():
    sc = ecsim.loads(SMALL)
    sc.set("services[web].desiredCount", 5)
    assert ecsim.run(sc).summary["services"]["web"]["runningCount"]["max"] == 5
    with pytest.raises(ecsim.ScenarioError) as info:
        sc.set("services[web].desiredCount", "many")
    assert isinstance(info.value, ValueError)
    assert info.value.errors == [
        '--set services[web].desiredCount="many": services[0].desiredCount: expected an integer, got \'many\''
    ]
    assert sc.overrides == ["services[web].desiredCount=5"]  # the bad override was not kept


def test_invalid_scenario_raises_with_every_located_error():
    with pytest.raises(ecsim.ScenarioError) as info:
        ecsim.loads("ecsim: 1\nname: x\nduration: 10\n", file_name="x.yaml")
    assert info.value.errors == [
        'x.yaml:1:1: taskDefinitions: required field \'taskDefinitions\' is missing',
        'x.yaml:1:1: clusters: required field \'clusters\' is missing',
        'x.yaml:3:11: duration: \'10\' has no unit; a duration needs a unit: ms, s, m, h or d (for example "30s", "5m", "7d")',
    ]


def test_same_seed_same_events_and_different_seed_differs():
    sc = ecsim.load(QUICKSTART)
    a, b, c = ecsim.run(sc, seed=5, csv=True), ecsim.run(sc, seed=5, csv=True), ecsim.run(sc, seed=6, csv=True)
    assert a.events_csv == b.events_csv
    assert a.events_csv != c.events_csv
    # The column frames hold the same rows as the CSV text.
    cols = ecsim.run(sc, seed=5).events
    from_csv = a.events
    assert len(cols) == len(from_csv)
    assert (cols["t"].to_numpy() == from_csv["t"].to_numpy()).all()
    assert list(cols["kind"].astype(str)) == list(from_csv["kind"].astype(str))
    assert cols["task"].equals(from_csv["task"])


def test_sweep_gives_one_row_per_point_and_replication():
    sc = ecsim.loads(SMALL)
    df = ecsim.sweep(sc, grid={"services[web].desiredCount": [1, 2, 3]}, replications=2, progress=False)
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 6
    assert {"services[web].desiredCount", "seed", "replication", "cost.totalUsd",
            "services.web.runningCount.max"} <= set(df.columns)
    for n in (1, 2, 3):
        assert (df[df["services[web].desiredCount"] == n]["services.web.runningCount.max"] == n).all()


def _flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        elif not isinstance(v, list):
            out[f"{prefix}{k}"] = v
    return out


def test_sweep_row_is_the_flattened_summary_of_the_same_run():
    # every leaf of summary.json as json.loads gives it (its type and value), in document
    # order, lists left out
    from ecsim._sweep import _run_point

    sc = ecsim.load(ROOT / "scenarios" / "examples" / "deployment_strategies.yaml")
    src = sc._source
    keys, values, error = _run_point(src.text, src.file_name, str(src.base_dir), ["services[web].desiredCount=4"], None, 0)
    want = _flatten(ecsim.run(sc.set("services[web].desiredCount", 4), events=False, timeseries=False).summary)
    assert error == ""
    assert list(keys) == list(want)
    got = dict(zip(keys, values))
    del want["wallSeconds"], got["wallSeconds"]
    assert {int, float, str} <= {type(v) for v in want.values()}
    assert [(k, type(v), v) for k, v in got.items()] == [(k, type(v), v) for k, v in want.items()]
    row = ecsim.sweep(sc, grid={"services[web].desiredCount": [4]}, progress=False).iloc[0]
    assert row["cost.totalUsd"] == want["cost.totalUsd"]


def test_sweep_frame_equals_one_dict_per_row():
    # _frame builds the table a column at a time; it must give what pandas makes of one dict
    # per row: union of columns in order of first appearance, NaN where a row has no such
    # leaf, a leaf named like a lead column replacing it in place, each column's dtype
    import pandas as pd

    from ecsim._sweep import _frame

    results = [(("a", "b", "seed"), [1, "x", 5], ""), ((), [], "boom"), (("a", "c"), [2.5, True], ""),
               (("a", "b", "seed"), [3, None, 6], ""), (("a", "b", "seed"), [2**64 - 1, "y", 7], "")]
    lead = {"g": [1, 2, 3, 4, 5], "seed": [None] * 5, "replication": [0, 0, 1, 1, 0]}
    rows = []
    for i, (keys, values, error) in enumerate(results):
        summary = dict(zip(keys, values))
        row = {"g": lead["g"][i], "seed": summary.get("seed"), "replication": lead["replication"][i], "error": error}
        row.update(summary)
        rows.append(row)
    want = pd.DataFrame(rows)
    got = _frame(lead, results)
    assert list(got.columns) == ["g", "seed", "replication", "error", "a", "b", "c"]
    pd.testing.assert_frame_equal(got, want)
    same = [(("x", "n", "f", "t"), [1.5, 2, 3.0, True], "")] * 3
    got = _frame({"g": [1, 2, 3]}, same)
    assert [str(t) for t in got.dtypes] == ["int64", "object", "float64", "int64", "float64", "bool"]
    pd.testing.assert_frame_equal(got, pd.DataFrame([{"g": g, "error": "", "x": 1.5, "n": 2, "f": 3.0, "t": True} for g in (1, 2, 3)]))


def test_sweep_accepts_any_executor():
    from concurrent.futures import ProcessPoolExecutor

    sc = ecsim.loads(SMALL)
    with ProcessPoolExecutor(max_workers=2) as pool:
        df = ecsim.sweep(sc, grid={"services[web].desiredCount": [1, 2]}, executor=pool, progress=False)
    assert list(df["services.web.runningCount.max"]) == [1, 2]


def test_run_releases_the_gil():
    sc = ecsim.load(QUICKSTART).set("duration", "60d")
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    start = time.perf_counter()
    ecsim.run(sc, events=False, timeseries=False)
    end = time.perf_counter()
    stop.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    assert end - start > 0.05, "the run was too short to tell"
    assert len(during) >= 5  # the other thread kept running while the simulator did


def test_simulator_steps_in_a_notebook():
    sim = ecsim.loads(SMALL).simulator()
    sim.run_until(24.5)
    assert sim.now == pytest.approx(24.5)
    assert sim.services()["web"]["running"] == 2
    sim.run()
    assert sim.finished
    assert sim.now == pytest.approx(1800)


def test_distribute_tasks_matches_the_documented_strategy():
    assert ecsim.distribute_tasks([(1, 1), (0, 3)], 9) == [3, 6]
    assert ecsim.proportional_capacity(9, 100, 70) == 13


def test_sweep_failed_point_reports_its_error_in_its_row():
    df = ecsim.sweep(ecsim.loads(SMALL), grid={"services[web].desiredCount": [1, -1]}, progress=False)
    assert list(df["error"]) == ["", "--set services[web].desiredCount=-1: services[0].desiredCount: "
                                     "must be between 0 and 5000, got -1"]
    assert df.loc[0, "services.web.runningCount.max"] == 1


def test_sweep_on_a_dask_cluster_equals_the_local_sweep():
    distributed = pytest.importorskip("distributed")
    sc = ecsim.load(QUICKSTART)
    grid = {"services[web].desiredCount": [2, 6]}
    local = ecsim.sweep(sc, grid=grid, replications=2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = ecsim.sweep(sc, grid=grid, replications=2, executor=client.get_executor(), progress=False)
    cols = ["services[web].desiredCount", "replication", "cost.totalUsd", "events", "services.web.tasksStarted"]
    pd.testing.assert_frame_equal(local[cols], remote[cols])


def test_summary_counts_scaling_actions():
    res = ecsim.run(ecsim.load(ROOT / "scenarios" / "examples" / "worldcup_target_tracking.yaml"), events=True)
    ev = res.events
    assert res.summary["services"]["site"]["scalingActions"] == (ev["kind"] == "SERVICE_SCALING_ACTIVITY").sum() > 0


class Floor7(ecsim.ScalingPolicy):
    """Keeps the service at 7 tasks whenever there is CPU data."""

    name = "floor7"

    def __init__(self):
        self.calls = 0

    def evaluate(self, datapoint, now, desired, base):
        self.calls += 1
        assert datapoint["period"] == 60.0
        return 7 if datapoint["cpu"] is not None else None


def test_a_python_policy_changes_the_outcome():
    sc = ecsim.load(ROOT / "scenarios" / "examples" / "worldcup_target_tracking.yaml").set("duration", "3h")
    sc.set("services[site].autoScaling.policies", [])
    base = ecsim.run(sc)
    policy = Floor7()
    res = ecsim.run(sc, policies={"site": [policy]})
    assert policy.calls > 100
    assert base.summary["services"]["site"]["desiredCount"]["max"] == 6
    assert res.summary["services"]["site"]["desiredCount"]["max"] == 7
    acts = res.events[res.events["kind"] == "SERVICE_SCALING_ACTIVITY"]
    assert acts["detail"].str.contains("policy=floor7").all()
    with pytest.raises(ValueError, match="no such service"):
        ecsim.run(sc, policies={"nope": [Floor7()]})


class Flat(ecsim.Forecaster):
    """Forecasts 1,200 % of summed CPU for every hour: 20 tasks at the 60 % target."""

    name = "flat1200"

    def __init__(self):
        self.calls = []

    def forecast(self, history, first_hour, hours):
        self.calls.append((len(history), history[0][0], history[-1][0], first_hour, hours))
        return [1200.0] * hours


def test_a_python_forecaster_replaces_the_built_in_one():
    sc = ecsim.load(ROOT / "scenarios" / "examples" / "worldcup_predictive.yaml").set("duration", "3h")
    f = Flat()
    res = ecsim.run(sc, forecasters={"site": f})
    start = 898473600  # 1998-06-22T00:00:00Z
    # One forecast, at creation: 14 days of hourly history ending the hour before start.
    assert f.calls == [(336, start - 336 * 3600, start - 3600, start, 48)]
    ev = res.events
    forecasts = ev[ev["kind"] == "PREDICTIVE_SCALING_FORECAST"]
    assert forecasts["detail"].str.contains("forecaster=flat1200").all() and len(forecasts) == 1
    ts = res.timeseries[res.timeseries["service"] == "site"]
    assert (ts["forecastCapacity"] == 20).all() and (ts["scheduledCapacity"] == 20).all()
    assert ts["forecastLoad"].eq(1200.0).all()
    assert ts["desired"].min() == 20  # raised at t=0 (before the first sample) and never scaled in below
    with pytest.raises(ValueError, match="no such service with a PredictiveScaling policy"):
        ecsim.run(sc, forecasters={"nope": Flat()})


def test_a_forecaster_that_returns_the_wrong_length_is_an_error():
    class Short(ecsim.Forecaster):
        def forecast(self, history, first_hour, hours):
            return [1.0]

    sc = ecsim.load(ROOT / "scenarios" / "examples" / "worldcup_predictive.yaml").set("duration", "1h")
    with pytest.raises(RuntimeError, match="returned 1 values; 48 hourly values are needed"):
        ecsim.run(sc, forecasters={"site": Short()})
