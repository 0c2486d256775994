"""Parameter sweeps: a grid of --set overrides x replications, on local cores or any Executor."""

from __future__ import annotations

import itertools
import os
import sys
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Iterable

from . import _core


_PREPARED: dict[tuple[str, str, str, tuple[str, ...]], Any] = {}
_PREPARED_LOCK = threading.Lock()
_PREPARED_KEEP = 8  # scenarios kept parsed per process (a compare holds one per option)


def _prepared(text: str, file_name: str, base_dir: str, overrides: tuple[str, ...]):
    """The scenario parsed once per process (the points of a sweep share it), or the
    ScenarioError its text raises."""
    key = (text, file_name, base_dir, overrides)
    with _PREPARED_LOCK:
        p = _PREPARED.get(key)
    if p is None:
        src = _core.ScenarioSource()
        src.text, src.file_name, src.base_dir, src.overrides = text, file_name, base_dir, list(overrides)
        p = _core.PreparedScenario(src)
        with _PREPARED_LOCK:
            if len(_PREPARED) >= _PREPARED_KEEP:
                _PREPARED.pop(next(iter(_PREPARED)))
            p = _PREPARED.setdefault(key, p)
    return p


def _run_point(text: str, file_name: str, base_dir: str, overrides: list[str], seed: int | None,
               replication: int, base_overrides: tuple[str, ...] = ()) -> dict[str, Any]:
    """One sweep point; a module-level function so process pools and Dask can pickle it.
    `base_overrides` are the scenario's own (parsed once with it), `overrides` the point's.

    A point that fails returns {"error": message} so the rest of the sweep goes on."""
    try:
        out = _core.run_prepared_leaves(_prepared(text, file_name, base_dir, tuple(base_overrides)), overrides, seed,
                                        replication)
    except _core.ScenarioError as e:
        return {"error": "; ".join(e.errors)}
    except Exception as e:  # a failure of one point must not kill the sweep
        return {"error": f"{type(e).__name__}: {e}"}
    out["error"] = ""
    return out


class _Progress:
    def __init__(self, total: int, enabled: bool):
        self.total, self.done = total, 0
        self.enabled = enabled and sys.stderr.isatty()

    def step(self) -> None:
        self.done += 1
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            sys.stderr.write(f"\rsweep [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _run_all(args, jobs, make_row, executor, progress):
    """Runs _run_point(*a) for each a in args on `executor` (None: a thread pool over all local
    cores; runs release the GIL) and returns make_row(job, summary) rows in job order."""
    own = executor is None
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1) if own else executor
    bar = _Progress(len(jobs), progress)
    futures = []
    try:
        futures = [pool.submit(_run_point, *a) for a in args]
        rows = []
        for job, fut in zip(jobs, futures):
            summary = fut.result()
            bar.step()
            rows.append(make_row(job, summary))
    except KeyboardInterrupt:
        # Points not started are dropped; running ones (on worker threads, which get no
        # signals) are told to stop; the pool is joined before KeyboardInterrupt goes on.
        for fut in futures:
            fut.cancel()
        _core.cancel_runs()
        if own:
            pool.shutdown(wait=True)
        raise
    finally:
        if own:
            pool.shutdown()
    return rows


def sweep(scenario, grid: dict[str, Iterable[Any]], replications: int = 1, executor: Executor | None = None,
          seed: int | None = None, progress: bool = True):
    """Runs every combination of the grid's values, `replications` times each.

    Returns a DataFrame with one row per grid point and replication: the grid columns,
    "seed", "replication", "error" (empty unless that point failed) and the flattened
    summary ("cost.totalUsd", ...). Replications use the streams derived from
    (seed, replication), so results do not depend on where a point ran. `executor`:
    None uses a thread pool over all local cores (runs release the GIL); any
    concurrent.futures.Executor works, e.g. dask.distributed.Client(...).get_executor().
    """
    import pandas as pd

    from . import _yaml_value

    if replications < 1:
        raise ValueError("replications must be at least 1")
    keys = list(grid)
    values = [list(grid[k]) for k in keys]
    points = list(itertools.product(*values)) if keys else [()]
    src = scenario._source
    jobs = []
    for point in points:
        overrides = [f"{k}={_yaml_value(v)}" for k, v in zip(keys, point)]
        for rep in range(replications):
            jobs.append((point, rep, overrides))

    def row(job, summary):
        point, rep, _ = job
        out = dict(zip(keys, point))
        out["seed"] = summary.get("seed", seed)
        out["replication"] = rep
        out["error"] = summary.pop("error", "")
        out.update(summary)
        return out

    base = tuple(src.overrides)
    args = [(src.text, src.file_name, str(src.base_dir), ov, seed, rep, base) for (_, rep, ov) in jobs]
    return pd.DataFrame(_run_all(args, jobs, row, executor, progress))


def compare(scenarios, replications: int = 1, executor: Executor | None = None, seed: int | None = None,
            progress: bool = True):
    """Runs several scenarios (the options a planner compares), `replications` times each.

    `scenarios`: Scenario objects or paths. Returns a DataFrame with one row per option and
    replication: "option" (the scenario name), "replication", "error" and the flattened
    summary; group by "option" for means. The same engine as `ecsim compare` on the command
    line; `executor` works as in sweep()."""
    import pandas as pd

    from . import Scenario, load

    if replications < 1:
        raise ValueError("replications must be at least 1")
    options = [s if isinstance(s, Scenario) else load(s) for s in scenarios]
    jobs = [(o, rep) for o in options for rep in range(replications)]

    def row(job, summary):
        o, rep = job
        out = {"option": o.name, "replication": rep, "error": summary.pop("error", "")}
        out.update(summary)
        return out

    args = [(o._source.text, o._source.file_name, str(o._source.base_dir), [], seed, rep, tuple(o._source.overrides))
            for (o, rep) in jobs]
    return pd.DataFrame(_run_all(args, jobs, row, executor, progress))
