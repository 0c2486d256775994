"""SIGINT on `ecsim run`: the run stops at the current simulated time, every output is whole
(no half rows), summary.json says where it stopped, one line says so, and the exit code is 130."""

import csv
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ECSIM = ROOT / "build" / "dev" / "bin" / "ecsim"

# A heavy week: 100 batch tasks a second on Fargate Spot keeps the run busy for many seconds.
HEAVY = """
ecsim: 1
name: heavy
seed: 1
duration: 7d
account: {fargateLaunchRate: {burst: 1000, perSecond: 1000}}
clusters: [{clusterName: c, capacityProviders: [FARGATE, FARGATE_SPOT]}]
taskDefinitions:
  - family: job
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "256"
    memory: "512"
    containerDefinitions: [{name: j, image: j}]
runTasks:
  - cluster: c
    taskDefinition: job
    capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]
    arrivals: {poisson: {ratePerSecond: 100, duration: {exponentialMean: 2m}}}
"""


def _interrupt_child_2s_in(tmp_path, call, what):
    """Runs `call` on the heavy scenario `sc` in a child Python, sends SIGINT 2 s after it is
    ready, and checks that KeyboardInterrupt came within 3 s with one thread left, exit 0."""
    import sys
    script = tmp_path / "child.py"
    script.write_text(f'''
import signal, sys, threading, time
import ecsim
# A shell that starts jobs in the background hands them SIGINT ignored, and Python then
# installs no KeyboardInterrupt handler: restore the interactive default.
signal.signal(signal.SIGINT, signal.default_int_handler)
sc = ecsim.loads({HEAVY!r})
print("ready", flush=True)
t0 = time.monotonic()
try:
    {call}
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", round(time.monotonic() - t0, 1), threading.active_count(), flush=True)
''')
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(2.0)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    waited = time.monotonic() - t0
    assert out.startswith("interrupted"), out + err
    assert waited < 3, f"KeyboardInterrupt took {waited:.1f} s"
    assert out.split()[2] == "1", f"a worker thread outlived the {what}"
    assert proc.returncode == 0


@pytest.mark.skipif(not ECSIM.exists(), reason="needs the dev build's ecsim binary")
def test_sigint_keeps_whole_outputs_and_exits_130(tmp_path):
    scenario = tmp_path / "heavy.yaml"
    scenario.write_text(HEAVY)
    out = tmp_path / "out"
    proc = subprocess.Popen([str(ECSIM), "run", str(scenario), "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    assert proc.poll() is None, "the heavy run ended before the interrupt: make it heavier"
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 10, "the interrupt was not honoured promptly"
    assert proc.returncode == 130, err
    assert "interrupted at simulated time" in err
    summary = json.loads((out / "summary.json").read_text())
    stopped = summary["interrupted"]["atSimulatedSeconds"]
    assert 0 < stopped < 7 * 86400
    assert summary["simulatedSeconds"] == stopped
    for name in ("events.csv", "timeseries.csv"):
        text = (out / name).read_text()
        assert text.endswith("\n"), f"{name} ends in a half row"
        rows = list(csv.reader(text.splitlines()))
        assert len(rows) > 1
        assert all(len(r) == len(rows[0]) for r in rows), f"{name} has a row of the wrong width"
    last_event = float(list(csv.reader((out / "events.csv").read_text().splitlines()))[-1][0])
    assert last_event <= stopped


def test_keyboard_interrupt_stops_ecsim_run_promptly(tmp_path):
    """ecsim.run() in a child process gets SIGINT 2 s in: KeyboardInterrupt within about a
    second, no thread left behind (the process exits on its own)."""
    _interrupt_child_2s_in(tmp_path, "ecsim.run(sc, events=False, timeseries=False)", "run")


@pytest.mark.skipif(not ECSIM.exists(), reason="needs the dev build's ecsim binary")
def test_sigint_on_sweep_keeps_the_csv_and_marks_the_rest(tmp_path):
    scenario = tmp_path / "heavy.yaml"
    scenario.write_text(HEAVY)
    grid = tmp_path / "grid.yaml"
    grid.write_text("grid: {seed: [1, 2, 3, 4]}\n")
    out = tmp_path / "sweep"
    proc = subprocess.Popen([str(ECSIM), "sweep", str(scenario), "--grid", str(grid), "-j", "1", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    rows = list(csv.DictReader((out / "sweep.csv").read_text().splitlines()))
    assert len(rows) == 4
    errors = [r["error"] for r in rows]
    assert errors[0].startswith("interrupted at simulated time"), errors
    assert errors[1:] == ["interrupted: not run"] * 3, errors


def test_keyboard_interrupt_stops_ecsim_sweep_promptly(tmp_path):
    """ecsim.sweep() over 4 heavy points on a thread pool gets SIGINT 2 s in: the points on the
    worker threads (which Python gives no signals) are cancelled too, KeyboardInterrupt comes
    within about a second, and no worker thread is left."""
    _interrupt_child_2s_in(tmp_path, 'ecsim.sweep(sc, {"seed": [1, 2, 3, 4]}, progress=False)', "sweep")


def test_cancel_runs_stops_a_run_on_another_thread():
    """A run on a thread other than Python's main one runs inline (no watcher thread): cancel_runs()
    sets its stop flag, and it raises RuntimeError 'cancelled' well before the week is done.
    A run started after the cancel is not affected."""
    import threading

    import ecsim
    from ecsim import _core

    sc = ecsim.loads(HEAVY)
    outcome = {}

    def body():
        t0 = time.monotonic()
        try:
            ecsim.run(sc, events=False, timeseries=False)
            outcome["result"] = "finished"
        except RuntimeError as e:
            outcome["result"] = str(e)
        outcome["seconds"] = time.monotonic() - t0

    worker = threading.Thread(target=body)
    worker.start()
    time.sleep(1.0)
    assert worker.is_alive(), "the heavy run ended before the cancel: make it heavier"
    _core.cancel_runs()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert outcome["result"].startswith("cancelled"), outcome
    assert outcome["seconds"] < 3, outcome

    short = ecsim.loads(HEAVY.replace("duration: 7d", "duration: 1m"))
    later = {}
    t = threading.Thread(target=lambda: later.setdefault("summary", ecsim.run(short, events=False, timeseries=False)))
    t.start()
    t.join(timeout=60)
    assert "summary" in later
