"""What rules ``on: output`` cost: ``check --base-path`` on a 10,000-entry file, with and
without output rules (issue 14: at most one extra consumer run per version per file).

    .venv/bin/python benchmarks/output_rules.py [--entries 10000] [--rounds 7] [--json]

Both runs check the same file against the same previous version with the same python
consumer (a small route compiler: one output entry per input entry) and the same file
rules. "without" declares no ``output:`` (the consumer runs once, on the proposed file, as
before issue 14); "with" declares ``output: return`` and four rules on the output
(max-items, min-items, max-shrink, no-removal), so the consumer also runs on the previous
version and both outputs are compared. Whole processes are timed alternately after one
warm-up of each; the figure to quote is the median of the per-pair ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMPILER = """
import os


def compile(data):
    with open(os.environ["OUTPUT_BENCH_RUNS"], "a") as runs:  # outside the project
        runs.write("1")
    routes = [{"id": e["name"] + "/" + e["prefix"], "prefix": e["prefix"], "via": e["via"]}
              for e in data["entries"] if e.get("enabled", True)]
    return {"routes": routes, "unrouted": [e["name"] for e in data["entries"]
                                            if not e.get("enabled", True)]}
"""

FILE_RULES = """
  - {id: f.count, kind: max-items, path: /entries, max: 100000}
  - {id: f.kept, kind: no-removal, path: /entries, key: name}
"""

OUTPUT_RULES = """
  - {id: o.unrouted, kind: max-items, on: output, path: /unrouted, max: 10}
  - {id: o.some, kind: min-items, on: output, path: /routes, min: 1}
  - {id: o.shrink, kind: max-shrink, on: output, metric: items, path: /routes, ratio: 0.9}
  - {id: o.kept, kind: no-removal, on: output, path: /routes, key: id}
"""


def entries(n: int, changed: int) -> dict[str, object]:
    return {
        "entries": [
            {
                "name": f"svc-{i:05d}",
                "prefix": f"10.{i // 256 % 256}.{i % 256}.0/24",
                "via": f"edge-{(i + changed) % 40}",
            }
            for i in range(n)
        ]
    }


def project(root: Path, n: int, with_output: bool) -> None:
    (root / "conf").mkdir(parents=True)
    (root / "good" / "conf").mkdir(parents=True)
    (root / "compiler.py").write_text(COMPILER)
    rules = "rules:" + FILE_RULES + (OUTPUT_RULES if with_output else "")
    (root / "rules.yaml").write_text(rules)
    output = "\n      output: return" if with_output else ""
    (root / "configguard.yaml").write_text(
        "version: 1\ntargets:\n  routes:\n    files: ['/conf/*.json']\n    rules: [rules.yaml]\n"
        f"    consumer:\n      python: compiler:compile{output}\n      timeout: 60s\n"
    )
    (root / "conf" / "routes.json").write_text(json.dumps(entries(n, 1), indent=1))
    (root / "good" / "conf" / "routes.json").write_text(json.dumps(entries(n, 0), indent=1))


def timed(root: Path, fmt: str, counter: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["OUTPUT_BENCH_RUNS"] = str(counter)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "configguard", "check", "--base-path", "good", "--format", fmt],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"unexpected exit {result.returncode} in {root}: {result.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--format",
        default="text",
        help="the report format: text (no change summary) or json (with the file's and the "
        "output's change summary)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        without, with_ = Path(folder) / "without", Path(folder) / "with"
        project(without, args.entries, False)
        project(with_, args.entries, True)
        counts = {}
        for name, root in (("without", without), ("with", with_)):  # warm-up: bytecode, cache
            counter = Path(folder) / f"{name}.runs"
            timed(root, args.format, counter)
            counts[name] = len(counter.read_text())
        pairs = [
            (
                timed(without, args.format, Path(folder) / "x.runs"),
                timed(with_, args.format, Path(folder) / "x.runs"),
            )
            for _ in range(args.rounds)
        ]
    ratios = [b / a for a, b in pairs]
    figures = {
        "entries": args.entries,
        "format": args.format,
        "rounds": args.rounds,
        "without_s": statistics.median(a for a, _ in pairs),
        "with_s": statistics.median(b for _, b in pairs),
        "ratio": statistics.median(ratios),
        "consumer_runs_without": counts["without"],
        "consumer_runs_with": counts["with"],
    }
    print(
        f"{args.entries:,} entries, {args.rounds} rounds, --format {args.format}: "
        "without output rules "
        f"{figures['without_s']:.3f} s, with {figures['with_s']:.3f} s, "
        f"median ratio {figures['ratio']:.2f}; consumer runs per check: "
        f"{counts['without']} without, {counts['with']} with"
    )
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
