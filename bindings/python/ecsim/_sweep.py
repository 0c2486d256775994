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
               replication: int, base_overrides: tuple[str, ...] = ()) -> tuple[tuple[str, ...], list[Any], str]:
    """One sweep point; a module-level function so process pools and Dask can pickle it.
    `base_overrides` are the scenario's own (parsed once with it), `overrides` the point's.

    Returns (paths, values, error): the summary's flattened leaves ("cost.totalUsd", ...) in
    document order and their values, and "". Points whose summaries have the same paths share
    one paths tuple. A point that fails returns ((), [], message) so the rest of the sweep goes on."""
    try:
        keys, values = _core.run_prepared_row(_prepared(text, file_name, base_dir, tuple(base_overrides)), overrides,
                                              seed, replication)
    except _core.ScenarioError as e:
        return (), [], "; ".join(e.errors)
    except Exception as e:  # a failure of one point must not kill the sweep
        return (), [], f"{type(e).__name__}: {e}"
    return keys, values, ""


def _column(values: list[Any]):
    """A column as the array pandas would infer from these values, built without its per-value
    inference when they are all float, int or bool (nearly every summary leaf); else the list."""
    import numpy as np

    types = set(map(type, values))
    try:
        if types <= {float, int} and float in types:
            return np.array(values, dtype=np.float64)
        if types == {int}:
            return np.array(values, dtype=np.int64)
        if types == {bool}:
            return np.array(values, dtype=bool)
    except OverflowError:  # an unsigned count past int64: pandas decides
        pass
    return values


def _frame(lead: dict[str, list[Any]], results: list[tuple[tuple[str, ...], list[Any], str]]):
    """The DataFrame of a sweep: row i is lead's values for i, then "error", then result i's
    summary leaves (a leaf named like a lead column replaces its value in place). Columns are
    the union of the rows' in order of first appearance and a row without a column has NaN
    there: what pandas makes of one dict per row, built a column at a time, with rows that
    share their paths (every successful point, nearly always) handled together."""
    import pandas as pd

    n = len(results)
    cols: dict[str, list[Any]] = {k: list(v) for k, v in lead.items()}
    cols["error"] = [r[2] for r in results]
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, r in enumerate(results):
        groups.setdefault(r[0], []).append(i)
    nan = float("nan")
    for keys, rows in groups.items():
        if not keys:
            continue
        columns = zip(*(results[i][1] for i in rows))
        for name, column in zip(keys, columns):
            if len(rows) == n:
                cols[name] = list(column)
                continue
            col = cols.get(name)
            if col is None:
                col = cols[name] = [nan] * n
            for i, v in zip(rows, column):
                col[i] = v
    return pd.DataFrame({k: _column(v) for k, v in cols.items()}, index=pd.RangeIndex(n))


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


def _run_all(args, executor, progress):
    """Runs _run_point(*a) for each a in args on `executor` (None: a thread pool over all local
    cores; runs release the GIL) and returns their results in order."""
    own = executor is None
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1) if own else executor
    bar = _Progress(len(args), progress)
    futures = []
    try:
        futures = [pool.submit(_run_point, *a) for a in args]
        results = []
        for fut in futures:
            results.append(fut.result())
            bar.step()
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
    return results


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

    base = tuple(src.overrides)
    args = [(src.text, src.file_name, str(src.base_dir), ov, seed, rep, base) for (_, rep, ov) in jobs]
    lead: dict[str, list[Any]] = {k: [point[j] for point, _, _ in jobs] for j, k in enumerate(keys)}
    lead["seed"] = [seed] * len(jobs)  # the summary's own seed replaces it
    lead["replication"] = [rep for _, rep, _ in jobs]
    return _frame(lead, _run_all(args, executor, progress))


def compare(scenarios, replications: int = 1, executor: Executor | None = None, seed: int | None = None,
            progress: bool = True):
    """Runs several scenarios (the options a planner compares), `replications` times each.

    `scenarios`: Scenario objects or paths. Returns a DataFrame with one row per option and
    replication: "option" (the scenario name), "replication", "error" and the flattened
    summary; group by "option" for means. The same engine as `ecsim compare` on the command
    line; `executor` works as in sweep()."""
    from . import Scenario, load

    if replications < 1:
        raise ValueError("replications must be at least 1")
    options = [s if isinstance(s, Scenario) else load(s) for s in scenarios]
    jobs = [(o, rep) for o in options for rep in range(replications)]

    args = [(o._source.text, o._source.file_name, str(o._source.base_dir), [], seed, rep, tuple(o._source.overrides))
            for (o, rep) in jobs]
    lead = {"option": [o.name for o, _ in jobs], "replication": [rep for _, rep in jobs]}
    return _frame(lead, _run_all(args, executor, progress))
