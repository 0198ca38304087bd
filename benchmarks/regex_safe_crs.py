"""regex-safe over the OWASP Core Rule Set: how long the analysis takes, and what it says.

Usage::

    .venv/bin/python benchmarks/regex_safe_crs.py [--corpus PATH] [--slowest N]
                                                  [--attacks N] [--json]

The corpus defaults to ``../shared/corpora/regexes/crs.json`` next to the repository root
(the 277 ``@rx`` operands of the CRS rules, PCRE; 266 compile with Python's ``re``). When
it is absent the script prints a message and exits 0; it is not part of ``make test``
(``tests/unit/test_regex_safe_crs.py`` holds the pass/fail checks).

It prints the total analysis time, the slowest patterns, and how many patterns are
flagged (exponential / polynomial), given up on (too complex: an info finding), do not
compile, or are linear. ``--attacks N`` spot-checks the first N flagged patterns (spread
over the list) with Python's ``re``: it grows the verdict's attack string until one
search takes over 0.2 s (or the input passes 100,000 characters; n + 1 per step for an
exponential verdict, n x 2 for a polynomial one) and prints the input length and time
with the time of the step before: a linear search would take about twice as long per
doubling, a quadratic one four times.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "regexes" / "crs.json"


def analyse_all(patterns: list[str]) -> list[dict[str, Any]]:
    from configguard.kinds._redos import TooComplex, analyse

    rows = []
    for index, pattern in enumerate(patterns):
        start = time.perf_counter()
        row: dict[str, Any] = {"index": index, "pattern": pattern}
        try:
            verdict = analyse(pattern)
        except re.error as exc:
            row["outcome"], row["detail"] = "does not compile", str(exc)
        except TooComplex as exc:
            row["outcome"], row["detail"] = "too complex", str(exc)
        except RecursionError:
            row["outcome"], row["detail"] = "too complex", "nested too deeply"
        else:
            row["outcome"] = verdict.kind if verdict else "linear"
            row["verdict"] = verdict
        row["seconds"] = time.perf_counter() - start
        rows.append(row)
    return rows


def attack(pattern: str, verdict: Any, limit: float = 0.2) -> dict[str, Any]:
    """Grow the attack until one ``re.search`` takes ``limit`` seconds (or the input passes
    100,000 characters); keep the time of the step before, to show the growth."""
    compiled = re.compile(pattern)
    n, took, before = 1, 0.0, 0.0
    while True:
        text = verdict.attack(n)
        start = time.perf_counter()
        compiled.search(text)
        before, took = took, time.perf_counter() - start
        if took > limit or len(text) > 100_000 or (verdict.kind == "exponential" and n >= 40):
            break
        n = n + 1 if verdict.kind == "exponential" else n * 2
    return {
        "n": n,
        "length": len(text),
        "seconds": took,
        "seconds_before": before,
        "example": verdict.example(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--slowest", type=int, default=10)
    parser.add_argument("--attacks", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"no corpus at {args.corpus}: nothing to measure (see the module docstring)")
        return 0
    patterns: list[str] = json.loads(args.corpus.read_text(encoding="utf-8"))["patterns"]
    rows = analyse_all(patterns)
    total = sum(r["seconds"] for r in rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    flagged = [r for r in rows if r["outcome"] in ("exponential", "polynomial")]
    print(f"{len(patterns)} patterns, analysed in {total:.2f} s")
    for outcome in ("exponential", "polynomial", "too complex", "does not compile", "linear"):
        print(f"  {outcome:17} {counts.get(outcome, 0)}")
    print(f"  flagged           {len(flagged)}")
    print(f"slowest {args.slowest}:")
    for r in sorted(rows, key=lambda r: -r["seconds"])[: args.slowest]:
        print(f"  {r['seconds']:6.3f} s  #{r['index']:<3} {r['outcome']:12} {r['pattern'][:70]!r}")
    spot = []
    if args.attacks and flagged:
        step = max(1, len(flagged) // args.attacks)
        for r in flagged[::step][: args.attacks]:
            result = attack(r["pattern"], r["verdict"])
            spot.append({"index": r["index"], "pattern": r["pattern"], **result})
            print(
                f"  attack #{r['index']} {r['outcome']}: {result['example']} n={result['n']}"
                f" ({result['length']} chars): re.search {result['seconds']:.3f} s"
                f" (previous step {result['seconds_before']:.3f} s)"
            )
    if args.json:
        out = {
            "patterns": len(patterns),
            "total_seconds": total,
            "counts": counts,
            "flagged": len(flagged),
            "slowest": [
                {k: r[k] for k in ("index", "outcome", "seconds", "pattern")}
                for r in sorted(rows, key=lambda r: -r["seconds"])[: args.slowest]
            ],
            "attacks": spot,
        }
        print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
