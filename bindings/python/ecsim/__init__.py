"""ecsim: a fast discrete-event simulator of Amazon ECS scheduling and autoscaling.

    import ecsim
    sc = ecsim.load("scenarios/examples/quickstart.yaml")
    sc.set("services[web].desiredCount", 8)
    res = ecsim.run(sc, seed=1)
    res.summary, res.timeseries, res.events      # dict, DataFrame, DataFrame
    df = ecsim.sweep(sc, grid={"services[web].desiredCount": [4, 8]}, replications=3)
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from . import _core
from ._core import ScenarioError, Simulator, clamp_capacity, distribute_tasks, proportional_capacity

__all__ = [
    "Forecaster",
    "report",
    "Result",
    "Scenario",
    "ScenarioError",
    "ScalingPolicy",
    "Simulator",
    "aws_fields",
    "clamp_capacity",
    "compare",
    "distribute_tasks",
    "load",
    "loads",
    "proportional_capacity",
    "run",
    "sweep",
]
__version__ = "0.1.0"


def _yaml_value(value: Any) -> str:
    """Formats a Python value as the YAML text of a --set override."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value)  # strings quoted; lists and dicts as JSON, which is YAML


class Scenario:
    """A validated scenario: YAML text plus the overrides applied with set()."""

    def __init__(self, source: _core.ScenarioSource):
        self._source = source
        self.notices: list[str] = _core.validate(source)

    @property
    def name(self) -> str:
        return _core.scenario_name(self._source)

    @property
    def text(self) -> str:
        return self._source.text

    @property
    def overrides(self) -> list[str]:
        return list(self._source.overrides)

    def set(self, path: str, value: Any) -> Scenario:
        """Overrides one field by its YAML path (the same paths as `ecsim run --set`).

        Raises ScenarioError, leaving the scenario unchanged, if the result is invalid."""
        overrides = list(self._source.overrides)
        self._source.overrides = overrides + [f"{path}={_yaml_value(value)}"]
        try:
            self.notices = _core.validate(self._source)
        except ScenarioError:
            self._source.overrides = overrides
            raise
        return self

    def copy(self) -> Scenario:
        src = _core.ScenarioSource()
        src.text, src.file_name = self._source.text, self._source.file_name
        src.base_dir, src.overrides = self._source.base_dir, list(self._source.overrides)
        return Scenario(src)

    def simulator(self, seed: int | None = None, replication: int = 0) -> Simulator:
        """A Simulator to step through (run_until, step, services)."""
        return _core.build(self._source, seed, replication)

    def __repr__(self) -> str:
        return f"<ecsim.Scenario {self.name!r} from {self._source.file_name} with {len(self.overrides)} overrides>"


def load(path: str | Path) -> Scenario:
    """Loads and validates a scenario file. Raises ScenarioError listing every problem."""
    return Scenario(_core.read_scenario_file(str(path)))


def loads(text: str, *, base_dir: str | Path = ".", file_name: str = "<string>") -> Scenario:
    """Loads and validates scenario YAML text."""
    src = _core.ScenarioSource()
    src.text, src.file_name, src.base_dir = text, file_name, str(base_dir)
    return Scenario(src)


class Result:
    """The outputs of one run: `summary` (dict, as summary.json) and DataFrames with the CSV
    files' columns. Frames are built from NumPy columns: numbers as float64 or nullable Int64,
    names (kind, service, instance, capacityProvider, ...) as categoricals; only free text
    (events.detail, tasks.stoppedReason) holds one Python string per row."""

    def __init__(self, raw: dict[str, Any]):
        self._raw = raw
        self.summary: dict[str, Any] = json.loads(raw["summary"])
        self._frames: dict[str, Any] = {}

    # CSV path (run(..., csv=True)): integer columns that may be empty, names as categories.
    _DTYPES = {
        "events": {"task": "Int64", "service": "category", "instance": "category", "kind": "category", "detail": "string"},
        "timeseries": {"service": "category", "capacityProvider": "category", "desired": "Int64", "pending": "Int64",
                       "running": "Int64", "healthy": "Int64"},
        "tasks": {"task": "Int64", "attempt": "Int64", "service": "category", "taskDefinition": "category",
                  "capacityProvider": "category", "availabilityZone": "category", "lastStatus": "category",
                  "containerInstance": "category", "stoppedReason": "string"},
    }

    def _frame(self, which: str):
        if which in self._frames:
            return self._frames[which]
        import pandas as pd

        raw = self._raw[which]
        if raw is None or raw == "":
            frame = None
        elif isinstance(raw, str):
            frame = pd.read_csv(io.StringIO(raw), keep_default_na=False, na_values=[""], dtype=self._DTYPES[which])
        else:
            frame = pd.DataFrame({name: _column(kind, payload) for name, (kind, payload) in raw.items()})
        self._frames[which] = frame
        return frame

    @property
    def events(self):
        """events.csv as a DataFrame: t, kind, service, task, instance, detail."""
        return self._frame("events")

    @property
    def billing(self):
        """billing.csv as a DataFrame: one row per UTC hour (t, the hour's start in seconds since
        t=0), the cost by pricing model in USD: reservedInstanceUsd, savingsPlanCoveredUsd, unusedCommitmentUsd,
        onDemandUsd, spotUsd, otherUsd. They sum to summary['cost']['totalUsd']."""
        if "billing" not in self._frames:
            import pandas as pd

            text = self._raw.get("billing")
            self._frames["billing"] = pd.read_csv(io.StringIO(text)) if text else None
        return self._frames["billing"]

    @property
    def timeseries(self):
        """timeseries.csv as a DataFrame: one row per sample per service and provider."""
        return self._frame("timeseries")

    @property
    def tasks(self):
        """tasks.csv as a DataFrame (only when run(..., tasks=True))."""
        return self._frame("tasks")

    @property
    def events_csv(self) -> str:
        """events.csv's exact text (only when run(..., csv=True))."""
        raw = self._raw["events"]
        if not isinstance(raw, str):
            raise ValueError("events_csv needs run(..., csv=True)")
        return raw

    def __repr__(self) -> str:
        s = self.summary
        return f"<ecsim.Result {s['scenario']!r} seed={s['seed']} cost={s['cost']['totalUsd']:.4f} USD>"


def _column(kind: str, payload: Any):
    import pandas as pd

    if kind == "f":
        return payload
    if kind == "i":
        values, mask = payload
        return pd.arrays.IntegerArray(values, mask)
    if kind == "c":
        codes, categories = payload
        return pd.Categorical.from_codes(codes, categories=categories)
    return pd.array(payload, dtype="string")


class ScalingPolicy:
    """Base class for a scaling policy written in Python (for exploration: one Python call per
    datapoint, so runs are slower than with the built-in policies).

    Override evaluate(); return the capacity you want, or None to leave it. The service's
    autoScaling MinCapacity/MaxCapacity still bound the result, and your cooldowns apply:
    scale-out during `scale_out_cooldown` only when larger than what `base` implies,
    scale-in blocked during `scale_in_cooldown`. Pass policies to run(..., policies={...}).
    """

    name = "python-policy"
    scale_out_cooldown = 0.0  # seconds
    scale_in_cooldown = 0.0

    def evaluate(self, datapoint: dict, now: float, desired: int, base: int) -> int | None:
        """datapoint: start, period (s), cpu, memory, requests_per_target (None if absent)."""
        raise NotImplementedError


class Forecaster:
    """Base class for a predictive scaling forecaster written in Python. It replaces ecsim's
    built-in one (the mean of the same hour over the last days) for a service's PredictiveScaling
    policy: pass it to run(..., forecasters={"service": MyForecaster()}).

    forecast() gets the history the policy holds (at most 14 days): a list of
    (hour_start_unix_seconds, mean_load, covered_seconds) tuples, oldest first, where the load is
    the policy's load metric (CPU or memory: the tasks' utilization summed, percent; ALB: requests
    a minute). It returns `hours` hourly loads from `first_hour` (Unix seconds, on the hour).
    ecsim turns each into capacity, ceil(load / TargetValue), and schedules it as AWS does.
    It is called once per forecast (every 6 hours), so a slow model costs little.
    """

    name = "python-forecaster"

    def forecast(self, history: list[tuple[int, float, float]], first_hour: int, hours: int) -> list[float]:
        raise NotImplementedError


def run(scenario: Scenario, seed: int | None = None, replication: int = 0, *, events: bool = True,
        timeseries: bool = True, tasks: bool = False,
        policies: dict[str, list[ScalingPolicy]] | None = None, csv: bool = False,
        forecasters: dict[str, Forecaster] | None = None) -> Result:
    """Runs a scenario to its horizon. Releases the GIL while it runs, so threads run in parallel.

    `policies` adds Python ScalingPolicy objects to services by name (the service needs
    `autoScaling` for its bounds). `forecasters` replaces the built-in forecaster of services'
    PredictiveScaling policies by name (see Forecaster). `csv=True` also keeps the exact CSV
    texts (`Result.events_csv`), as the command line writes them."""
    return Result(_core.run(scenario._source, seed, replication, events, timeseries, tasks, policies or {}, csv,
                            forecasters or {}))


def aws_fields() -> list[dict[str, Any]]:
    """How ecsim treats every field of each AWS shape a scenario holds: one dict per shape
    (`shape`, `service`, `apiShapes`, `where`, `fields`), each field with its `class`
    (modelled, refused, inert or ecsim) and a `note` (limits, what to do, or why inert)."""
    return json.loads(_core.aws_fields_json())


from ._sweep import compare, sweep  # noqa: E402  (needs Scenario and run)
from ._report import report  # noqa: E402
