"""Latent-bug benchmark: which bugs each search finds, and how fast, at the same budget.

For every case of ``cases.py`` and every seed, three searches run until the first
schema-valid crash or the budget:

* ``configguard``: ``configguard fuzz`` as shipped (dictionary, mutations, scheduler,
  coverage guidance);
* ``no-guidance``: the same without coverage guidance (``--no-guidance``);
* ``plain``: plain hypothesis-jsonschema, ``from_schema(schema)`` and ``@given``, the
  consumer called in a child process with the same per-input timeout. It gets the
  draft-7 translation configguard makes (hypothesis-jsonschema knows drafts 4-7 only),
  without configguard's ``$ref`` inlining.

    python benchmarks/latent/run.py [--budget 60] [--seeds 1 2 3] [--only NAME ...]

Prints a Markdown table: found/seeds and the median time to the first failure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from benchmarks.latent.cases import CASES, Case  # noqa: E402

CONFIG = """\
version: 1
schema_dirs: [schemas/]
targets:
  {name}:
    files: ["files/*.json"]
    schema: schemas/schema.json
    consumer:
      python: consumer:load
      timeout: {timeout}
"""

PLAIN = r"""
import json, signal, sys, time, warnings
sys.path.insert(0, ".")
from hypothesis import HealthCheck, Phase, given, settings, seed as use_seed
from hypothesis_jsonschema import from_schema
import jsonschema_rs

schema = json.load(open("plain-schema.json"))
full = json.load(open("schemas/schema.json"))
budget, timeout, run_seed = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
import pathlib
# the full schema judges validity, its $refs to other files resolved from schemas/
validator = jsonschema_rs.validator_for(
    full, base_uri=pathlib.Path("schemas/schema.json").absolute().as_uri(),
    retriever=lambda uri: json.load(open(uri.removeprefix("file://"))),
)
import consumer


class Hang(BaseException):
    pass


class Found(BaseException):
    pass


def alarm(*_):
    raise Hang


signal.signal(signal.SIGALRM, alarm)
started = time.monotonic()
examples = [0]


@use_seed(run_seed)
@settings(max_examples=10**9, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
@given(from_schema(schema))
def test(data):
    if time.monotonic() - started > budget:
        raise Found("budget")
    examples[0] += 1
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        consumer.load(data)
    except Hang:
        crashed = "timeout"
    except Exception as exc:
        crashed = type(exc).__name__
    else:
        crashed = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if crashed and validator.is_valid(data):
        print(json.dumps({"found": True, "seconds": time.monotonic() - started,
                          "examples": examples[0], "crash": crashed}))
        raise Found("found")


try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        test()
except Found as done:
    if str(done) == "budget":
        print(json.dumps({"found": False, "examples": examples[0]}))
except Exception as exc:
    print(json.dumps({"found": False, "error": f"{type(exc).__name__}: {str(exc)[:120]}"}))
"""


def project(case: Case, folder: Path) -> None:
    from configguard.fuzzing.schema import translate

    (folder / "schemas").mkdir()
    (folder / "files").mkdir()
    (folder / "schemas" / "schema.json").write_text(json.dumps(case.schema, indent=1))
    for name, schema in case.extra_schemas.items():
        (folder / "schemas" / name).write_text(json.dumps(schema, indent=1))
    (folder / "files" / "good.json").write_text(json.dumps(case.good, indent=1))
    (folder / "consumer.py").write_text(case.consumer.lstrip())
    (folder / "configguard.yaml").write_text(CONFIG.format(name=case.name, timeout=case.timeout))
    translated = translate(case.schema).schema
    (folder / "plain-schema.json").write_text(json.dumps(translated))
    (folder / "plain.py").write_text(PLAIN)


def ours(case: Case, folder: Path, seed: int, budget: float, guided: bool) -> tuple[bool, float]:
    from configguard import fuzz

    report = fuzz(
        [case.name],
        cwd=folder,
        seed=seed,
        max_examples=10**9,
        max_time=budget,
        headroom=False,
        guided=guided,
        stop_on_latent=True,
    )
    for finding in report.findings:
        if finding.rule == "latent-bug":
            text = finding.details[0]
            seconds = float(text.rsplit(", ", 1)[1].rstrip("s"))
            return True, seconds
    return False, budget


def plain(case: Case, folder: Path, seed: int, budget: float) -> tuple[bool, float, str]:
    from configguard.units import parse_duration

    timeout = parse_duration(case.timeout)
    try:
        done = subprocess.run(
            [sys.executable, "plain.py", str(budget), str(timeout), str(seed)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=budget + 60,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        result = json.loads(lines[-1]) if lines else {"found": False, "error": done.stderr[-200:]}
    except subprocess.TimeoutExpired:
        result = {"found": False, "error": "timeout"}
    if result.get("found"):
        return True, float(result["seconds"]), ""
    return False, budget, str(result.get("error", ""))


def cell(runs: list[tuple[bool, float]]) -> str:
    found = [seconds for ok, seconds in runs if ok]
    if not found:
        return f"0/{len(runs)}"
    return f"{len(found)}/{len(runs)}, {statistics.median(found):.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--json", metavar="FILE", help="Also write the raw results here.")
    args = parser.parse_args()
    chosen = [c for c in CASES if not args.only or c.name in args.only]
    rows = []
    raw: list[dict[str, object]] = []
    totals = {"configguard": 0, "no-guidance": 0, "plain": 0}
    for case in chosen:
        results: dict[str, list[tuple[bool, float]]] = {k: [] for k in totals}
        notes: set[str] = set()
        for seed in args.seeds:
            for mode in totals:
                with tempfile.TemporaryDirectory() as tmp:
                    folder = Path(tmp)
                    project(case, folder)
                    started = time.monotonic()
                    if mode == "plain":
                        ok, seconds, error = plain(case, folder, seed, args.budget)
                        if error:
                            notes.add(error.splitlines()[0][:80])
                    else:
                        ok, seconds = ours(case, folder, seed, args.budget, mode == "configguard")
                    results[mode].append((ok, seconds))
                    totals[mode] += ok
                    raw.append(
                        {
                            "case": case.name,
                            "mode": mode,
                            "seed": seed,
                            "found": ok,
                            "seconds": seconds,
                            "wall": time.monotonic() - started,
                        }
                    )
                    print(f"# {case.name} seed {seed} {mode}: {ok} {seconds:.2f}s", flush=True)
        rows.append(
            f"| {case.name} | {case.kind} | {cell(results['configguard'])} | "
            f"{cell(results['no-guidance'])} | {cell(results['plain'])} |"
            + (f" {'; '.join(sorted(notes))} |" if notes else " |")
        )
    runs = len(args.seeds) * len(chosen)
    print()
    print(
        f"Budget {args.budget:g} s per search, seeds {' '.join(map(str, args.seeds))}; "
        "found/seeds, median time to the first schema-valid crash"
    )
    print()
    print("| case | kind | configguard | no guidance | plain hypothesis-jsonschema | note |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print(
        f"| **total** | | **{totals['configguard']}/{runs}** | **{totals['no-guidance']}/{runs}**"
        f" | **{totals['plain']}/{runs}** | |"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=1))


if __name__ == "__main__":
    main()
