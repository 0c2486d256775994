"""One self-contained HTML report of a run: `ecsim.report(result_or_dir, path)` and
`python -m ecsim report OUT_DIR`. Charts are drawn with plotly, whose script is embedded, so
the file loads nothing from the network and opens anywhere."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

# Events worth a mark on the timeline (the task-by-task ones would drown them).
TIMELINE_KINDS = [
    "SERVICE_SCALING_ACTIVITY",
    "PREDICTIVE_SCALING_FORECAST",
    "MANAGED_SCALING_ACTIVITY",
    "SERVICE_DEPLOYMENT_IN_PROGRESS",
    "SERVICE_DEPLOYMENT_COMPLETED",
    "SERVICE_DEPLOYMENT_FAILED",
    "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED",
    "SERVICE_DEPLOYMENT_LIFECYCLE_HOOK",
    "ALARM_STATE_CHANGED",
    "SERVICE_TASK_PLACEMENT_FAILURE",
    "SERVICE_TASK_START_IMPAIRED",
    "SPOT_INTERRUPTION_WARNING",
    "EC2_SPOT_INTERRUPTION_WARNING",
    "CONTAINER_INSTANCE_REGISTRATION_FAILED",
    "RUN_TASK_THROTTLED",
]
MAX_POINTS = 5000  # per line; longer series are thinned evenly (the summary has the exact figures)


def _plotly():
    try:
        import plotly.graph_objects as go
        import plotly.offline
    except ImportError as e:  # pragma: no cover - the test environment has plotly
        raise ImportError("ecsim.report needs plotly: pip install 'ecsim[report]' (or pip install plotly)") from e
    return go, plotly.offline


def _load_dir(out_dir: Path):
    """summary, timeseries and the timeline's events of an output folder, as ecsim.Result does."""
    import pandas as pd

    from . import Result

    summary_path = out_dir / "summary.json"
    if not summary_path.is_file():
        raise FileNotFoundError(f"{out_dir}: no summary.json (is this the --out folder of `ecsim run`?)")
    raw: dict[str, Any] = {"summary": summary_path.read_text(), "events": None, "timeseries": None, "tasks": None}
    if (out_dir / "timeseries.csv").is_file():
        raw["timeseries"] = (out_dir / "timeseries.csv").read_text()
    if (out_dir / "billing.csv").is_file():
        raw["billing"] = (out_dir / "billing.csv").read_text()
    result = Result(raw)
    events = None
    if (out_dir / "events.csv").is_file():
        # events.csv can hold millions of task rows: keep only the timeline's kinds, chunk by chunk.
        keep = []
        for chunk in pd.read_csv(out_dir / "events.csv", chunksize=500_000, keep_default_na=False, na_values=[""],
                                 dtype={"kind": "string", "service": "string", "detail": "string", "instance": "string"}):
            keep.append(chunk[chunk["kind"].isin(TIMELINE_KINDS)])
        events = pd.concat(keep, ignore_index=True) if keep else None
    return result.summary, result.timeseries, events, result.billing


def _thin(df):
    step = max(1, len(df) // MAX_POINTS)
    return df.iloc[::step] if step > 1 else df


def _hours(t):
    return t / 3600.0


def _figure_html(fig, div_id: str, height: int = 380) -> str:
    fig.update_layout(margin=dict(l=60, r=20, t=40, b=50), height=height, template="plotly_white",
                      legend=dict(orientation="h", y=-0.2))
    fig.update_yaxes(rangemode="tozero")
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config={"displaylogo": False})


def _summary_tables(summary: dict) -> str:
    rows = []
    for name, s in summary.get("services", {}).items():
        desired = s.get("desiredCount", {})
        running = s.get("runningCount", {})
        pred = s.get("predictiveScaling")
        rows.append(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in [
                name,
                f"{desired.get('min', '')}-{desired.get('max', '')}",
                f"{running.get('mean', 0):.2f}" if running else "",
                f"{s.get('unservedRequests', 0):,.0f}",
                f"{s.get('overloadedSeconds', 0):,.1f}",
                s.get("scalingActions", 0),
                len(s.get("deployments", [])),
                f"{s.get('costUsd', 0):,.4f}",
                f"{pred['loadForecastMeanAbsolutePercentError']:.1f} %" if pred else "",
            ]) + "</tr>")
    services = ("<table><thead><tr><th>service</th><th>desired min-max</th><th>mean running</th>"
                "<th>unserved requests</th><th>overloaded s</th><th>scaling actions</th><th>deployments</th>"
                "<th>cost USD</th><th>forecast error</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    prows = []
    for name, p in summary.get("capacityProviders", {}).items():
        prows.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in [
            name, p.get("tasksLaunched", 0), p.get("spotInterruptions", 0), p.get("instancesLaunched", ""),
            f"{p.get('costUsd', 0):,.4f}"]) + "</tr>")
    providers = ("<table><thead><tr><th>capacity provider</th><th>tasks launched</th><th>Spot interruptions</th>"
                 "<th>instances launched</th><th>cost USD</th></tr></thead><tbody>" + "".join(prows) + "</tbody></table>")
    drows = []
    for name, s in summary.get("services", {}).items():
        for d in s.get("deployments", []):
            end = d.get("completedAt")
            outcome = ("rolled back" if d.get("rolledBack") else d.get("rolloutState", "")) + (" (the rollback)" if d.get("rollback") else "")
            drows.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in [
                name, d.get("taskDefinition", ""), d.get("strategy", ""), f"{d.get('startedAt', 0) / 60:,.1f}",
                outcome + (f" ({d['failure']})" if d.get("failure") else ""),
                f"{(end - d['startedAt']) / 60:,.1f}" if end is not None else "",
                d.get("peakTasks", ""), f"{d.get('extraTaskHours', 0):,.3f}", f"{d.get('extraTaskCostUsd', 0):,.4f}",
                f"{d.get('newRevisionRequests', 0):,.0f}", f"{d.get('newRevisionFailedRequests', 0):,.0f}",
            ]) + "</tr>")
    if drows:
        services += ("<table id='deployments'><thead><tr><th>service</th><th>revision</th><th>strategy</th><th>started (min)</th>"
                     "<th>outcome</th><th>minutes</th><th>peak tasks</th><th>extra task-hours</th><th>extra cost USD</th>"
                     "<th>requests to the new revision</th><th>of them failed</th></tr></thead><tbody>" + "".join(drows)
                     + "</tbody></table>")
    cost = summary.get("cost", {})
    model = cost.get("byPricingModel")
    if model:
        labels = {"reservedInstanceUsd": "Reserved Instances", "savingsPlanCoveredUsd": "Savings Plan covered", "unusedCommitmentUsd": "unused commitment",
                  "onDemandUsd": "On-Demand", "spotUsd": "Spot", "otherUsd": "other (storage, fees)"}
        providers += ("<table id='pricing-models'><thead><tr>" + "".join(f"<th>{v}</th>" for v in labels.values())
                      + "</tr></thead><tbody><tr>" + "".join(f"<td>{model.get(k, 0):,.4f}</td>" for k in labels)
                      + "</tr></tbody></table>")
    for i, plan in enumerate(cost.get("savingsPlans", [])):
        providers += (f"<p>Savings Plan {i}: {html.escape(plan['planType'])}, {plan['commitmentUsdPerHour']} USD/h, "
                      f"utilization {plan['utilizationPercent']:.1f} %, savings {plan['savingsUsd']:,.4f} USD "
                      f"(rates: {html.escape(plan.get('ratesSource', ''))}).</p>")
    head = (f"<p class='big'>Total cost <b>{cost.get('totalUsd', 0):,.4f} USD</b> over "
            f"{summary.get('simulatedSeconds', 0) / 3600:,.1f} h simulated, seed {html.escape(str(summary.get('seed', '')))}.</p>")
    return head + services + providers


def _tasks_figure(go, ts) -> str:
    fig = go.Figure()
    for name, g in ts[ts["service"].notna()].groupby("service", observed=True):
        g = _thin(g)
        for col, dash in [("desired", "dot"), ("running", "solid"), ("healthy", "dash")]:
            fig.add_trace(go.Scatter(x=_hours(g["t"]), y=g[col], mode="lines", line=dict(shape="hv", dash=dash),
                                     name=f"{name} {col}", legendgroup=str(name)))
    fig.update_layout(title="Tasks per service: desired, running, healthy", xaxis_title="hours since start",
                      yaxis_title="tasks")
    return _figure_html(fig, "chart-tasks")


def _load_figure(go, ts) -> str:
    fig = go.Figure()
    svc = ts[ts["service"].notna()]
    for name, g in svc.groupby("service", observed=True):
        g = _thin(g)
        fig.add_trace(go.Scatter(x=_hours(g["t"]), y=g["requestsPerSecond"], mode="lines", name=f"{name} demand",
                                 legendgroup=str(name)))
        fig.add_trace(go.Scatter(x=_hours(g["t"]), y=g["servedRequestsPerSecond"], mode="lines", line=dict(dash="dot"),
                                 name=f"{name} served", legendgroup=str(name)))
        if "forecastCapacity" in g and g["forecastCapacity"].notna().any():
            fig.add_trace(go.Scatter(x=_hours(g["t"]), y=g["forecastCapacity"], mode="lines", yaxis="y2",
                                     line=dict(shape="hv", dash="dash"), name=f"{name} forecast capacity (tasks)",
                                     legendgroup=str(name)))
    fig.update_layout(title="Load: demand and served requests/s (forecast capacity on the right)",
                      xaxis_title="hours since start", yaxis_title="requests/s",
                      yaxis2=dict(title="tasks", overlaying="y", side="right", showgrid=False, rangemode="tozero"))
    return _figure_html(fig, "chart-load")


def _providers_figure(go, ts) -> str:
    fig = go.Figure()
    prov = ts[ts["capacityProvider"].notna()]
    for name, g in prov.groupby("capacityProvider", observed=True):
        g = _thin(g)
        if g["desired"].notna().any():  # EC2 groups and Managed Instances: instances in service
            fig.add_trace(go.Scatter(x=_hours(g["t"]), y=g["desired"], mode="lines", line=dict(shape="hv"),
                                     name=f"{name} instances"))
        fig.add_trace(go.Scatter(x=_hours(g["t"]), y=g["running"], mode="lines", line=dict(shape="hv", dash="dot"),
                                 name=f"{name} running tasks"))
    fig.update_layout(title="Capacity providers: instances in service and running tasks", xaxis_title="hours since start",
                      yaxis_title="count")
    return _figure_html(fig, "chart-providers")


def _cost_figure(go, ts) -> str:
    fig = go.Figure()
    prov = ts[ts["capacityProvider"].notna()]
    for name, g in prov.groupby("capacityProvider", observed=True):
        g = _thin(g)
        fig.add_trace(go.Scatter(x=_hours(g["t"]), y=g["costUsd"], mode="lines", stackgroup="cost", name=str(name)))
    fig.update_layout(title="Cost so far by capacity provider (On-Demand and Spot rates; stacked)",
                      xaxis_title="hours since start", yaxis_title="USD")
    return _figure_html(fig, "chart-cost")


PRICING_MODELS = [("reservedInstanceUsd", "Reserved Instances"), ("savingsPlanCoveredUsd", "Savings Plan covered"), ("unusedCommitmentUsd", "unused commitment"),
                  ("onDemandUsd", "On-Demand"), ("spotUsd", "Spot"), ("otherUsd", "other (storage, fees)")]


def _pricing_model_figure(go, billing) -> str:
    if billing is None or not len(billing):
        return ("<p class='note'>Cost by pricing model over time: add billing to run.outputs "
                "(the Python API always has it).</p>")
    fig = go.Figure()
    t = _hours(billing["t"].clip(lower=0) + 3600)  # each hour's amount, shown at its end
    for col, label in PRICING_MODELS:
        fig.add_trace(go.Scatter(x=t, y=billing[col].cumsum(), mode="lines", stackgroup="model", name=label))
    fig.update_layout(title="Cost so far by pricing model (what is paid, Savings Plans settled hourly; stacked)",
                      xaxis_title="hours since start", yaxis_title="USD")
    return _figure_html(fig, "chart-pricing-models")


def _events_figure(go, events) -> str:
    fig = go.Figure()
    kinds = 0
    if events is not None and len(events):
        for kind, g in events.groupby("kind", observed=True):
            kinds += 1
            g = g.iloc[:MAX_POINTS]
            # Events about a provider or an instance have no service (NA or NaN): show them as "".
            service = g["service"].astype("string").fillna("")
            detail = g["detail"].astype("string").fillna("")
            text = [f"{s}: {d}" for s, d in zip(service, detail)]
            fig.add_trace(go.Scatter(x=_hours(g["t"]), y=[str(kind)] * len(g), mode="markers", name=str(kind),
                                     text=text, hovertemplate="%{x:.3f} h<br>%{text}<extra></extra>"))
    fig.update_layout(title="Scaling, deployment and placement events (hover for details)", xaxis_title="hours since start",
                      showlegend=False)
    fig.update_yaxes(rangemode="normal")
    return _figure_html(fig, "chart-events", height=160 + 40 * max(1, kinds))


CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; } th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
.big { font-size: 1.1em; } .note { color: #666; font-size: 0.85em; }
"""


def report(source: Any, path: str | Path | None = None, title: str | None = None) -> Path:
    """Writes one self-contained HTML report of a run and returns its path.

    `source` is an ecsim.Result (run it with timeseries=True; events=True adds the timeline) or
    the --out folder of `ecsim run` (summary.json, timeseries.csv, events.csv). `path` defaults
    to report.html in that folder, or in the working directory for a Result."""
    go, offline = _plotly()
    if isinstance(source, (str, Path)):
        out_dir = Path(source)
        summary, ts, events, billing = _load_dir(out_dir)
        target = Path(path) if path else out_dir / "report.html"
    else:
        summary, ts = source.summary, source.timeseries
        events = source.events
        billing = source.billing
        if events is not None:
            events = events[events["kind"].astype(str).isin(TIMELINE_KINDS)]
        target = Path(path) if path else Path("report.html")
    name = title or summary.get("scenario", "ecsim run")
    sections = [("summary", "Summary", _summary_tables(summary))]
    if ts is not None and len(ts):
        sections += [
            ("tasks", "Tasks", _tasks_figure(go, ts)),
            ("load", "Load", _load_figure(go, ts)),
            ("providers", "Capacity", _providers_figure(go, ts)),
            ("cost", "Cost", _cost_figure(go, ts) + _pricing_model_figure(go, billing)),
        ]
    else:
        sections.append(("tasks", "Tasks", "<p class='note'>No timeseries in this run: add timeseries to run.outputs.</p>"))
        if billing is not None and len(billing):
            sections.append(("cost", "Cost", _pricing_model_figure(go, billing)))
    sections.append(("events", "Events", _events_figure(go, events) if events is not None else
                     "<p class='note'>No events in this run: add events to run.outputs.</p>"))
    body = "".join(f"<section id='{sid}'><h2>{html.escape(h)}</h2>{content}</section>" for sid, h, content in sections)
    notices = summary.get("notices", [])
    notes = ("<section id='notices'><h2>Notices</h2><ul>" + "".join(f"<li>{html.escape(str(n))}</li>" for n in notices)
             + "</ul></section>") if notices else ""
    doc = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(str(name))}</title>"
           f"<style>{CSS}</style><script type='text/javascript'>{offline.get_plotlyjs()}</script></head><body>"
           f"<h1>{html.escape(str(name))}</h1><p class='note'>ecsim report: every figure comes from the run's outputs; "
           f"summary.json has the exact numbers.</p>{body}{notes}"
           f"<script type='application/json' id='ecsim-summary'>{html.escape(json.dumps(summary))}</script></body></html>")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(doc, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m ecsim report",
                                     description="Write report.html (self-contained) for the --out folder of `ecsim run`.")
    parser.add_argument("out_dir", help="the folder with summary.json, timeseries.csv, events.csv")
    parser.add_argument("--out", help="where to write the report (default: OUT_DIR/report.html)")
    parser.add_argument("--title", help="the report's title (default: the scenario's name)")
    args = parser.parse_args(argv)
    try:
        written = report(Path(args.out_dir), args.out, args.title)
    except (FileNotFoundError, ImportError) as e:
        print(f"error: {e}", file=__import__("sys").stderr)
        return 2
    print(written)
    return 0

