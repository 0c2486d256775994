"""Mutation testing for ecsim (run by .ci/mutants; not part of the normal suite).

Each mutant is one small source change: universalmutator's C++ rules (operators, constants,
conditions, deleted statements) over core/src, placement/src and scaling/src, sampled with a
fixed seed, plus the planted behaviour changes below. A mutant is *killed* when the suite
fails (or times out) with it, *survives* when the suite passes, and is *invalid* when it does
not compile. Score = killed / (killed + survived).

Work happens in a scratch copy (build/mutants/tree) with its own dev build, so the checkout
and its build are never touched.
"""
from __future__ import annotations

import argparse
import difflib
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "build" / "mutants"
TREE = WORK / "tree"
DIRS = ["core/src", "placement/src", "scaling/src"]

# The five one-line behaviour changes named in the architecture issue. Each must be killed.
# (file, text to find, replacement); the text must occur exactly once.
PLANTED = [
    ("healthy floor: ceil made floor",
     "core/src/deployment.cpp",
     "const int lower = (s.desired * sc.minimum_healthy_percent + 99) / 100;",
     "const int lower = s.desired * sc.minimum_healthy_percent / 100;"),
    ("managed scaling: scale-in cap removed",
     "core/src/managed_scaling.cpp",
     "to = std::max(ac.min_size, n - std::min(n - tracked, most));",
     "to = std::max(ac.min_size, tracked);"),
    ("memory metric made constant",
     "core/src/load_metrics.cpp",
     "d.memory_percent = shape.idle_memory + (shape.full_memory - shape.idle_memory) * cpu / 100.0;",
     "d.memory_percent = shape.idle_memory;"),
    ("ALB requests not divided by targets",
     "core/src/load_metrics.cpp",
     "if (mean_healthy > 0) d.requests_per_target = s.acc_requests / mean_healthy;",
     "if (mean_healthy > 0) d.requests_per_target = s.acc_requests;"),
    ("resetOnHealthyTask reset removed",
     "core/src/deployment.cpp",
     "if (sc.reset_on_healthy_task) d.breaker_count = 0;",
     ";"),
]


def sh(cmd: list[str], cwd: Path, timeout: float | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                          timeout=timeout)


def prepare_tree() -> None:
    """A copy of the tracked files (plus uncommitted edits) with a configured dev build."""
    files = sh(["git", "ls-files", "-co", "--exclude-standard"], ROOT).stdout.split()
    TREE.mkdir(parents=True, exist_ok=True)
    for f in files:
        src, dst = ROOT / f, TREE / f
        if not src.is_file():
            continue
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)  # a fresh mtime, so that the build sees the change
    if not (TREE / "build" / "dev" / "build.ninja").exists():
        r = sh(["cmake", "--preset", "dev", "-DECSIM_BUILD_PYTHON=OFF"], TREE)
        if r.returncode:
            sys.exit("mutants: cannot configure the scratch tree:\n" + r.stdout)
    r = sh(["cmake", "--build", "--preset", "dev"], TREE)
    if r.returncode:
        sys.exit("mutants: the unmutated tree does not build:\n" + r.stdout[-4000:])
    r = sh(["ctest", "--preset", "dev", "-j2"], TREE)
    if r.returncode:
        sys.exit("mutants: the unmutated suite fails; fix it first:\n" + r.stdout[-4000:])


def run_suite(test_timeout: float) -> str:
    """'invalid', 'killed' or 'survived' for the tree as it is now."""
    try:
        b = sh(["cmake", "--build", "--preset", "dev"], TREE, timeout=600)
    except subprocess.TimeoutExpired:
        return "invalid"
    if b.returncode:
        return "invalid"
    try:
        t = sh(["ctest", "--preset", "dev", "-j2", "--stop-on-failure", "--timeout", "60"], TREE, timeout=test_timeout)
    except subprocess.TimeoutExpired:
        return "killed"  # a hang is a detected change
    return "killed" if t.returncode else "survived"


def with_text(rel: str, text: str, test_timeout: float) -> str:
    path = TREE / rel
    original = path.read_bytes()
    try:
        path.write_text(text)
        return run_suite(test_timeout)
    finally:
        path.write_bytes(original)
        # Rebuild lazily: the next mutant's build recompiles this file from the restored text.


def generate(rel: str, seed: int) -> list[tuple[str, Path]]:
    out_dir = WORK / "generated" / rel.replace("/", "_")
    stamp = out_dir / ".source"
    src = (TREE / rel).read_text()
    if not stamp.exists() or stamp.read_text() != src:
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir(parents=True)
        mutate = ROOT / ".venv" / "bin" / "mutate"
        r = sh([str(mutate), str(TREE / rel), "cpp", "--noCheck", "--mutantDir", str(out_dir)], out_dir)
        if r.returncode:
            sys.exit(f"mutants: universalmutator failed on {rel}:\n{r.stdout[-2000:]}")
        stamp.write_text(src)
    return [(rel, p) for p in sorted(out_dir.glob("*.mutant.*"))]


def one_line_diff(rel: str, mutant: Path) -> str:
    a = (TREE / rel).read_text().splitlines()
    b = mutant.read_text().splitlines()
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"{rel}:{i + 1}: {x.strip()}  ->  {y.strip()}"
    return f"{rel}: (a line removed or added)"


def is_code_change(rel: str, mutant: Path) -> bool:
    """Skips mutants inside comments: they cannot change behaviour."""
    diff = [l for l in difflib.unified_diff((TREE / rel).read_text().splitlines(), mutant.read_text().splitlines(), n=0)
            if l.startswith("-") and not l.startswith("---")]
    return not all(l[1:].strip().startswith("//") for l in diff)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=60, help="sampled mutants (default 60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--planted-only", action="store_true", help="only the planted behaviour changes")
    ap.add_argument("--files", nargs="*", help="source files to mutate (default: every .cpp under core/src, placement/src, scaling/src)")
    ap.add_argument("--test-timeout", type=float, default=300)
    args = ap.parse_args()

    t0 = time.time()
    prepare_tree()
    print(f"mutants: scratch tree ready in {time.time() - t0:.0f} s ({TREE})", flush=True)

    planted_ok = True
    print("== planted behaviour changes (each must be killed)")
    for name, rel, old, new in PLANTED:
        text = (TREE / rel).read_text()
        if text.count(old) != 1:
            print(f"  MISSING  {name}: '{old}' is not in {rel} exactly once; update PLANTED in {Path(__file__).name}")
            planted_ok = False
            continue
        verdict = with_text(rel, text.replace(old, new), args.test_timeout)
        print(f"  {verdict.upper():8} {name}", flush=True)
        planted_ok = planted_ok and verdict == "killed"
    if args.planted_only:
        return 0 if planted_ok else 1

    files = args.files or sorted(str(p.relative_to(TREE)) for d in DIRS for p in (TREE / d).glob("*.cpp"))
    pool: list[tuple[str, Path]] = []
    for rel in files:
        pool.extend(m for m in generate(rel, args.seed) if is_code_change(rel, m[1]))
    rng = random.Random(args.seed)
    sample = rng.sample(pool, min(args.sample, len(pool)))
    print(f"== {len(sample)} mutants sampled (seed {args.seed}) from {len(pool)} over {len(files)} files")
    counts = {"killed": 0, "survived": 0, "invalid": 0}
    survivors = []
    for k, (rel, mutant) in enumerate(sample, 1):
        verdict = with_text(rel, mutant.read_text(), args.test_timeout)
        counts[verdict] += 1
        line = one_line_diff(rel, mutant)
        if verdict == "survived":
            survivors.append(line)
        print(f"  [{k}/{len(sample)}] {verdict:8} {line}", flush=True)
    sh(["cmake", "--build", "--preset", "dev"], TREE)  # leave the scratch build unmutated
    scored = counts["killed"] + counts["survived"]
    score = 100.0 * counts["killed"] / scored if scored else 0.0
    print("== survivors")
    for s in survivors:
        print("  " + s)
    print(f"== mutation score: {score:.1f} % ({counts['killed']} killed, {counts['survived']} survived, "
          f"{counts['invalid']} did not compile; seed {args.seed}; {time.time() - t0:.0f} s)")
    print(f"== planted changes: {'all killed' if planted_ok else 'NOT ALL KILLED'}")
    return 0 if planted_ok else 1


if __name__ == "__main__":
    sys.exit(main())
