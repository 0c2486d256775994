"""Traces stream: a 30-day run needs no more memory than a 3-day one (within 10%)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "examples" / "worldcup_target_tracking.yaml"

PROBE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_kib(ecsim_cli: Path, days: int, out: Path) -> int:
    cmd = [str(ecsim_cli), "run", str(EXAMPLE), "--quiet", "--out", str(out), "--set", f"duration={days}d",
           "--set", "run.outputs=[summary, events]"]
    res = subprocess.run([sys.executable, "-c", PROBE, *cmd], check=True, capture_output=True, text=True)
    return int(res.stdout.strip())


def test_thirty_days_of_trace_use_the_memory_of_three(tmp_path):
    build = Path(os.environ.get("ECSIM_BUILD_DIR", ROOT / "build" / "dev"))
    cli = build / "bin" / "ecsim"
    short = peak_rss_kib(cli, 3, tmp_path / "short")
    long = peak_rss_kib(cli, 30, tmp_path / "long")
    assert long <= short * 1.10, (short, long)
