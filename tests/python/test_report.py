"""The HTML report: one self-contained file per run, a section per part, charts that a real
browser draws (headless Chromium, when installed; .ci/test requires it)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import ecsim

ROOT = Path(__file__).resolve().parents[2]
PREDICTIVE = ROOT / "scenarios" / "examples" / "worldcup_predictive.yaml"
EC2 = ROOT / "scenarios" / "examples" / "cost_compare" / "4_ec2_on_demand.yaml"
CHARTS = ["chart-tasks", "chart-load", "chart-providers", "chart-cost", "chart-pricing-models", "chart-events"]


@pytest.fixture(scope="module")
def predictive_dir(tmp_path_factory):
    """`ecsim run` outputs of six hours of the predictive example, written by the CLI."""
    out = tmp_path_factory.mktemp("run")
    cli = ROOT / "build" / "dev" / "bin" / "ecsim"
    subprocess.run([str(cli), "run", str(PREDICTIVE), "--out", str(out), "-q", "--set", "duration=6h",
                    "--set", "run.outputs=[summary, timeseries, events, billing]"], check=True)
    return out


def sections(text):
    return dict(re.findall(r"<section id='([a-z]+)'><h2>[^<]*</h2>(.*?)</section>", text, flags=re.S))


def test_the_report_is_one_self_contained_file(predictive_dir):
    path = ecsim.report(predictive_dir)
    assert path == predictive_dir / "report.html"
    text = path.read_text()
    assert "<script src" not in text and "<link" not in text, "the report must load nothing"
    assert "Plotly.newPlot" in text or "newPlot" in text
    assert list(sections(text)) == ["summary", "tasks", "load", "providers", "cost", "events"]


def test_summary_section_holds_the_summary_numbers(predictive_dir):
    import json

    summary = json.loads((predictive_dir / "summary.json").read_text())
    s = sections(ecsim.report(predictive_dir).read_text())["summary"]
    site = summary["services"]["site"]
    assert f"{summary['cost']['totalUsd']:,.4f} USD" in s
    assert f"<td>{site['unservedRequests']:,.0f}</td>" in s
    assert f"<td>{site['scalingActions']}</td>" in s
    assert f"{site['predictiveScaling']['loadForecastMeanAbsolutePercentError']:.1f} %" in s
    assert "<td>FARGATE</td>" in s
    assert "id='pricing-models'" in s and f"<td>{summary['cost']['byPricingModel']['onDemandUsd']:,.4f}</td>" in s


def test_each_chart_section_plots_its_series(predictive_dir):
    parts = sections(ecsim.report(predictive_dir).read_text())
    assert "site desired" in parts["tasks"] and "site running" in parts["tasks"] and "site healthy" in parts["tasks"]
    assert "site demand" in parts["load"] and "site forecast capacity (tasks)" in parts["load"]
    assert "FARGATE running tasks" in parts["providers"]
    assert '"stackgroup":"cost"' in parts["cost"] and '"stackgroup":"model"' in parts["cost"]
    assert "SERVICE_SCALING_ACTIVITY" in parts["events"] and "PREDICTIVE_SCALING_FORECAST" in parts["events"]
    assert "TASK_RUNNING" not in parts["events"], "task-by-task events stay off the timeline"


def test_an_ec2_run_from_python_charts_its_instances(tmp_path):
    res = ecsim.run(ecsim.load(EC2).set("duration", "1d"))  # managed scaling acts at 12:46
    path = ecsim.report(res, tmp_path / "ec2.html", title="EC2 what-if")
    parts = sections(path.read_text())
    assert "ec2-od instances" in parts["providers"]
    assert "<title>EC2 what-if</title>" in path.read_text()
    # Managed scaling's events have no service: shown without one, never as "nan".
    assert "MANAGED_SCALING_ACTIVITY" in parts["events"] and "nan:" not in parts["events"]


def test_an_ec2_output_folder_with_service_less_events(tmp_path):
    cli = ROOT / "build" / "dev" / "bin" / "ecsim"
    subprocess.run([str(cli), "run", str(EC2), "--out", str(tmp_path), "-q", "--set", "duration=1d",
                    "--set", "run.outputs=[summary, timeseries, events]"], check=True)
    parts = sections(ecsim.report(tmp_path).read_text())
    assert "MANAGED_SCALING_ACTIVITY" in parts["events"] and "<NA>" not in parts["events"]


def test_savings_plans_are_reported(tmp_path):
    res = ecsim.run(ecsim.load(ROOT / "scenarios" / "examples" / "savings_plans" / "fargate_compute_plan.yaml").set("duration", "6h"))
    parts = sections(ecsim.report(res, tmp_path / "sp.html").read_text())
    plan = res.summary["cost"]["savingsPlans"][0]
    assert f"Savings Plan 0: Compute, 0.15 USD/h, utilization {plan['utilizationPercent']:.1f} %" in parts["summary"]
    assert "Savings Plan covered" in parts["cost"] and "unused commitment" in parts["cost"]


def test_deployments_are_tabled_with_their_cost_and_exposure(tmp_path):
    sc = ecsim.load(ROOT / "scenarios" / "examples" / "deployment_strategies.yaml").set("duration", "1h")
    res = ecsim.run(sc.set("timeline[0].updateService.taskDefinition", "web:3"))
    parts = sections(ecsim.report(res, tmp_path / "dep.html").read_text())
    first = res.summary["services"]["web"]["deployments"][0]
    assert "<table id='deployments'>" in parts["summary"]
    assert "<td>web:3</td><td>CANARY</td><td>20.0</td><td>rolled back (alarm web-5xx)</td>" in parts["summary"]
    assert f"<td>{first['newRevisionFailedRequests']:,.0f}</td>" in parts["summary"]
    assert "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED" in parts["events"] and "ALARM_STATE_CHANGED" in parts["events"]


def test_billing_adds_up_to_the_total_hour_by_hour():
    res = ecsim.run(ecsim.load(ROOT / "scenarios" / "examples" / "savings_plans" / "fargate_compute_plan.yaml").set("duration", "6h"))
    b = res.billing
    assert list(b["t"]) == [0, 3600, 7200, 10800, 14400, 18000]
    cols = ["reservedInstanceUsd", "savingsPlanCoveredUsd", "unusedCommitmentUsd", "onDemandUsd", "spotUsd", "otherUsd"]
    assert abs(b[cols].to_numpy().sum() - res.summary["cost"]["totalUsd"]) < 1e-4
    # Every hour pays the whole commitment: covered + unused = 0.15 USD.
    assert ((b["savingsPlanCoveredUsd"] + b["unusedCommitmentUsd"]) - 0.15).abs().max() < 2e-6


def test_a_run_without_timeseries_says_so(tmp_path):
    res = ecsim.run(ecsim.load(PREDICTIVE).set("duration", "1h"), timeseries=False, events=False)
    parts = sections(ecsim.report(res, tmp_path / "r.html").read_text())
    assert "No timeseries in this run" in parts["tasks"] and "No events in this run" in parts["events"]


def test_the_command_line_writes_the_report_and_refuses_a_wrong_folder(predictive_dir, tmp_path):
    env = dict(os.environ)
    r = subprocess.run([os.sys.executable, "-m", "ecsim", "report", str(predictive_dir), "--out", str(tmp_path / "x.html")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "x.html").is_file()
    r = subprocess.run([os.sys.executable, "-m", "ecsim", "report", str(tmp_path)], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "no summary.json" in r.stderr


def test_a_browser_draws_every_chart(predictive_dir, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        if os.environ.get("ECSIM_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (.ci/setup installs it with ECSIM_SETUP_TEST=1)")
        pytest.skip("no chromium here")
    path = ecsim.report(predictive_dir)
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", path.as_uri()],
                         capture_output=True, text=True, timeout=180).stdout
    for chart in CHARTS:
        start = dom.find(f'id="{chart}"')
        assert start >= 0, f"{chart} is not in the page"
        nxt = min([i for i in (dom.find(f'id="{c}"', start + 1) for c in CHARTS) if i > 0] + [len(dom)])
        drawn = dom[start:nxt]
        assert 'class="main-svg"' in drawn and "trace scatter" in drawn, f"{chart} was not drawn"
