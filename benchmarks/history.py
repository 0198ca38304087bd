"""How long ``--history 50`` takes: reading 50 versions of one file out of git.

Run by hand: ``python benchmarks/history.py [--versions 50] [--entries 500]``. It builds a
throwaway repository whose ``conf/rules.yaml`` (``--entries`` rules) was committed
``--versions`` times among as many commits to other files, then times, as medians of
7 rounds:

* ``history.git_versions`` alone (``git log --follow`` + one ``git cat-file --batch``), and
  counts the git processes it starts;
* ``configguard check --base HEAD`` with a ``novel-values`` rule, ``--history 1`` and
  ``--history N``, as whole processes: the difference is what the history costs.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import yaml

from configguard import history

ROUNDS = 7


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build(root: Path, versions: int, entries: int, fmt: str = "yaml") -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "bench")
    (root / "conf").mkdir()
    (root / "other").mkdir()
    (root / "configguard.yaml").write_text(
        f"version: 1\ntargets:\n  app:\n    files: ['conf/*.{fmt}']\n    rules: [rules.yaml]\n"
    )
    (root / "rules.yaml").write_text(
        "rules:\n  - {id: first-use, kind: novel-values, path: /rules/*/action}\n"
    )
    for v in range(versions):
        rows = [
            {
                "name": f"rule-{i}",
                "action": ("block", "log", "allow", f"v{v % 7}")[i % 4],
                "weight": v * i % 97,
            }
            for i in range(entries)
        ]
        (root / "conf" / f"rules.{fmt}").write_text(
            json.dumps({"rules": rows}, indent=1)
            if fmt == "json"
            else yaml.safe_dump({"rules": rows})
        )
        (root / "other" / f"noise-{v}.txt").write_text(f"{v}\n")
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", f"version {v}")


def timed(call: object, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, args.versions, args.entries, args.format)
        name = f"conf/rules.{args.format}"
        size = (root / name).stat().st_size
        started: list[list[str]] = []
        real_popen = subprocess.Popen

        def counting(argv: list[str], *a: object, **k: object) -> subprocess.Popen[bytes]:
            started.append(list(argv))
            return real_popen(argv, *a, **k)  # type: ignore[call-overload, no-any-return]

        with mock.patch("subprocess.Popen", counting):
            found = history.git_versions(root, "HEAD", name, args.versions)
        reading = timed(lambda: history.git_versions(root, "HEAD", name, args.versions))
        command = [sys.executable, "-m", "configguard", "check", "--base", "HEAD", "--no-consumer"]
        data = json.loads((root / name).read_text()) if args.format == "json" else None
        if data is not None:
            data["rules"].append({"name": "new", "action": "brand-new", "weight": 1})
            (root / name).write_text(json.dumps(data, indent=1))
        else:
            with (root / name).open("a") as fh:
                fh.write("- {name: new, action: brand-new, weight: 1}\n")

        def check(depth: int) -> None:
            subprocess.run(
                [*command, "--history", str(depth)], cwd=root, capture_output=True, check=False
            )

        one = timed(lambda: check(1))
        deep = timed(lambda: check(args.versions))
    print(f"machine: {platform.node()} {platform.machine()}, {platform.python_version()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"file: {name}, {args.entries} entries, {size:,} bytes; {len(found)} versions read")
    programs = ", ".join(a[2] if a[1] == "--literal-pathspecs" else a[1] for a in started)
    print(f"git processes for {args.versions} versions: {len(started)} ({programs})")
    print(f"git_versions({args.versions}):        {reading * 1000:8.1f} ms (median of {ROUNDS})")
    print(f"check --history 1:         {one * 1000:8.1f} ms")
    print(f"check --history {args.versions}:        {deep * 1000:8.1f} ms")
    print(f"cost of {args.versions - 1} more versions: {(deep - one) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
