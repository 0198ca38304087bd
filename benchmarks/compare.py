"""Side-by-side benchmark: configguard against its peers and raw lower bounds, in one run.

Run by hand, never in ``make test``::

    python benchmarks/compare.py [--rounds 5] [--corpus DIR] [--peer-bin DIR] [--only repo,...]

The corpus comes from ``../shared/bench/make_corpus.py`` (generated into a temporary folder
unless ``--corpus`` names one already made). The peer, check-jsonschema, is looked up in
``--peer-bin`` or on PATH (``pip install check-jsonschema`` into any venv). Whole processes
are timed alternately (A B A B ...); the report gives medians and the median of the
per-pair ratios, the figure to quote.

Scenarios:
  repo       configguard check over the 2,000-file repo (one configguard.yaml, 4 targets)
             vs check-jsonschema --schemafile once per kind (summed); verdicts compared per file
  precommit  configguard check on one small file in that repo vs `python -c pass` (+150 ms budget)
  big-json   the 27 MB feature file against its schema (+ rules when given) vs orjson.loads plus
             a compiled jsonschema-rs validator, in-process
  big-yaml   the 20 MB YAML feature file vs libyaml (yaml.CSafeLoader) loading it, in-process
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
GENERATOR = SHARED / "bench" / "make_corpus.py"
PYTHON = sys.executable

CONFIG = """version: 1
targets:
  deployment: {files: ["k8s/**/*.yaml"], schema: schemas/deployment.schema.json}
  workflow: {files: ["ci/workflows/*.yml"], schema: schemas/workflow.schema.json}
  service: {files: ["services/*.json"], schema: schemas/service.schema.json}
  flags: {files: ["flags/*.json"], schema: schemas/flags.schema.json}
"""

# Peak RSS of the child itself, printed last on stderr.
_PEAK = (
    "import atexit,resource,sys;"
    "atexit.register(lambda: sys.stderr.write('\\nPEAK_KIB=%d\\n' % "
    "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss));"
)


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Wall time, peak RSS (KiB, when the command is a configguard wrapper) and the result."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = 0
    if "PEAK_KIB=" in done.stderr:
        peak = int(done.stderr.rsplit("PEAK_KIB=", 1)[1].split()[0])
    return seconds, peak, done


def configguard(*args: str) -> list[str]:
    code = _PEAK + f"sys.argv=['configguard',*{list(args)!r}];from configguard.cli import run;run()"
    return [PYTHON, "-c", code]


def alternate(
    name: str, a: Callable[[], float], b: Callable[[], float], rounds: int, label_b: str
) -> dict[str, float]:
    """Run A and B alternately; medians and the median of per-pair ratios A/B."""
    times_a, times_b, ratios = [], [], []
    a()  # warm caches (file system, .pyc) once for each side
    b()
    for _ in range(rounds):
        ta, tb = a(), b()
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    out = {
        "configguard_s": statistics.median(times_a),
        f"{label_b}_s": statistics.median(times_b),
        "ratio": statistics.median(ratios),
    }
    print(
        f"{name:10} configguard {out['configguard_s']:.3f} s"
        f" | {label_b} {out[f'{label_b}_s']:.3f} s | ratio (median of pairs) {out['ratio']:.3f}"
    )
    return out


def repo_scenario(corpus: Path, peer: str, rounds: int) -> dict[str, float]:
    repo = corpus / "repo"
    (repo / "configguard.yaml").write_text(CONFIG)
    mapping = json.loads((repo / "schema-map.json").read_text())

    def files_for(glob: str) -> list[str]:
        return sorted(str(p.relative_to(repo)) for p in repo.glob(glob))

    runs = [(m["schema"], files_for(m["glob"])) for m in mapping]

    def ours() -> float:
        return timed(configguard("check", "--format", "json"), repo)[0]

    def theirs() -> float:
        total = 0.0
        for schema, files in runs:
            total += timed([peer, "--schemafile", schema, *files], repo)[0]
        return total

    # verdicts, once
    _, _, done = timed(configguard("check", "--format", "json"), repo)
    report = json.loads(done.stdout)
    ours_bad = {f["file"] for f in report["findings"] if f["severity"] == "error"}
    theirs_bad: set[str] = set()
    for schema, files in runs:
        out = subprocess.run(
            [peer, "--schemafile", schema, "-o", "json", *files],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        )
        result = json.loads(out.stdout)
        for err in result.get("errors", []):
            theirs_bad.add(err["filename"])
        for err in result.get("parse_errors", []):
            theirs_bad.add(err["filename"])
    expected = {
        line.split("\t")[0] for line in (repo / "expected-invalid.txt").read_text().splitlines()
    }
    print(
        f"repo verdicts: configguard {len(ours_bad)} invalid, check-jsonschema {len(theirs_bad)}, "
        f"expected {len(expected)}; identical per file: {ours_bad == theirs_bad == expected}"
    )
    return alternate("repo", ours, theirs, rounds, "check-jsonschema")


def precommit_scenario(corpus: Path, rounds: int) -> dict[str, float]:
    repo = corpus / "repo"
    (repo / "configguard.yaml").write_text(CONFIG)
    target = sorted((repo / "services").glob("*.json"))[0].relative_to(repo)

    def ours() -> float:
        return timed(configguard("check", str(target)), repo)[0]

    def bare() -> float:
        return timed([PYTHON, "-c", "pass"], repo)[0]

    out = alternate("precommit", ours, bare, rounds, "python")
    budget = 1.5 * out["python_s"] + 0.150
    print(
        f"precommit budget 1.5 x python + 150 ms = {budget:.3f} s;"
        f" within: {out['configguard_s'] <= budget}"
    )
    return out


_LOWER_JSON = """
import sys, time, orjson, jsonschema_rs
schema = orjson.loads(open(sys.argv[2], 'rb').read())
start = time.perf_counter()
data = orjson.loads(open(sys.argv[1], 'rb').read())
v = jsonschema_rs.validator_for(schema)
v.is_valid(data)
print(time.perf_counter() - start)
"""

_LOWER_YAML = """
import sys, time, yaml
start = time.perf_counter()
with open(sys.argv[1], 'rb') as fh:
    yaml.load(fh, Loader=yaml.CSafeLoader)
print(time.perf_counter() - start)
"""


def big_scenario(corpus: Path, fmt: str, rounds: int, extra: list[str]) -> dict[str, float]:
    big = corpus / "big"
    data = big / f"features.{fmt}"
    size = data.stat().st_size
    peaks: list[int] = []

    def ours() -> float:
        seconds, peak, _ = timed(
            configguard("check", "--schema", "features.schema.json", data.name, *extra), big
        )
        peaks.append(peak)
        return seconds

    script = _LOWER_JSON if fmt == "json" else _LOWER_YAML

    def lower() -> float:
        done = subprocess.run(
            [PYTHON, "-c", script, data.name, "features.schema.json"],
            cwd=big,
            capture_output=True,
            text=True,
            check=True,
        )
        return float(done.stdout.strip())

    label = "orjson+validator" if fmt == "json" else "libyaml"
    out = alternate(f"big-{fmt}", ours, lower, rounds, label)
    peak = statistics.median(peaks) * 1024
    print(
        f"big-{fmt} peak RSS {peak / 1e6:.0f} MB = {peak / size:.1f} x the file"
        f" ({size / 1e6:.1f} MB)"
    )
    out["peak_over_size"] = peak / size
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="a corpus already made by make_corpus.py")
    parser.add_argument("--peer-bin", type=Path, help="folder holding check-jsonschema")
    parser.add_argument("--only", default="repo,precommit,big-json,big-yaml")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = parser.parse_args()
    only = set(args.only.split(","))

    tmp = None
    corpus = args.corpus
    if corpus is None:
        if not GENERATOR.is_file():
            print(f"skipped: {GENERATOR} not found (the shared folder is absent)")
            return
        tmp = tempfile.mkdtemp(prefix="configguard-bench-")
        corpus = Path(tmp)
        print(f"generating the corpus in {corpus} ...")
        subprocess.run([PYTHON, str(GENERATOR), str(corpus)], check=True, capture_output=True)
    peer = shutil.which("check-jsonschema", path=str(args.peer_bin) if args.peer_bin else None)
    figures: dict[str, dict[str, float]] = {}
    try:
        if "repo" in only:
            if peer is None:
                print("repo: skipped, check-jsonschema not found (--peer-bin DIR)")
            else:
                figures["repo"] = repo_scenario(corpus, peer, args.rounds)
        if "precommit" in only:
            figures["precommit"] = precommit_scenario(corpus, args.rounds)
        if "big-json" in only:
            figures["big-json"] = big_scenario(corpus, "json", args.rounds, [])
        if "big-yaml" in only:
            figures["big-yaml"] = big_scenario(corpus, "yaml", max(1, args.rounds // 2), [])
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
