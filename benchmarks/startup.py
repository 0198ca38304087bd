"""Start-up cost of two source trees, interleaved: ``--version`` and one-file checks.

    python benchmarks/startup.py BASE_SRC [NEW_SRC] [--rounds N]

Each tree is put first on ``PYTHONPATH`` (``src`` folders of two checkouts, e.g. one made
with ``git archive main src | tar -x -C /tmp/base``) and run as ``python -m configguard``
with its bytecode cached. Cases: ``--version``; the one-file pre-commit check (a file a
target claims); a file no target claims (the catalog is consulted, no match); a
catalog-matched file with no configguard.yaml (the GitHub workflow schema is read from the
archive and compiled). Prints each case's median per tree, the ratio of medians new / base
and the ratio of the fastest runs (less sensitive to a busy machine).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def project(root: Path) -> None:
    (root / "conf").mkdir(parents=True)
    (root / "schema.json").write_text(
        json.dumps({"type": "object", "properties": {"name": {"type": "string"}}})
    )
    (root / "configguard.yaml").write_text(
        "version: 1\ntargets:\n  app:\n    files: ['conf/*.json']\n    schema: schema.json\n"
    )
    (root / "conf" / "app.json").write_text('{"name": "web"}')
    (root / "notes.yaml").write_text("a: 1\n")
    bare = root / "bare" / ".github" / "workflows"
    bare.mkdir(parents=True)
    (bare / "ci.yml").write_text(
        "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n"
    )


CASES = {
    "--version": ([], "."),
    "one claimed file": (["check", "conf/app.json"], "."),
    "one unclaimed file": (["check", "notes.yaml"], "."),
    "catalog, no config": (["check", ".github/workflows/ci.yml"], "bare"),
}


def run(src: str, args: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": src, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    argv = [sys.executable, "-m", "configguard", *(args or ["--version"])]
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> int:
    args = sys.argv[1:]
    rounds = 15
    if "--rounds" in args:
        i = args.index("--rounds")
        rounds = int(args[i + 1])
        del args[i : i + 2]
    if not args:
        print(__doc__)
        return 2
    base, new = args[0], args[1] if len(args) > 1 else str(REPO / "src")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        project(root)
        times: dict[tuple[str, str], list[float]] = {}
        for argv, where in CASES.values():
            for tree in (base, new):
                run(tree, argv, root / where)  # warm-up: bytecode written
        for _ in range(rounds):
            for case, (argv, where) in CASES.items():
                for tree in (base, new):
                    times.setdefault((case, tree), []).append(run(tree, argv, root / where))
    print(f"{'case':24} {'base':>9} {'new':>9} {'ratio':>7} {'min ratio':>9}  ({rounds} rounds)")
    for case in CASES:
        b = statistics.median(times[(case, base)])
        n = statistics.median(times[(case, new)])
        low = min(times[(case, new)]) / min(times[(case, base)])
        print(f"{case:24} {b:9.4f} {n:9.4f} {n / b:7.3f} {low:9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
