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
             vs check-jsonschema --schemafile once per kind (summed); verdicts compared per file;
             then the same run with its process pool (default) vs --jobs 1 (serial)
  precommit  configguard check on one small file in that repo vs `python -c pass` (+150 ms budget)
  big-json   the 27 MB feature file against its schema plus unique (by name), max-items and
             max-growth rules, compared with itself (--base-path: an unchanged regenerated file)
             vs orjson.loads plus a compiled jsonschema-rs validator, in-process
  big-json-prev  the same, compared with a different 27 MB previous version
             (pairs/big-dup/before.json): both versions are parsed
  big-yaml   the 20 MB YAML feature file, same rules, vs libyaml (yaml.CSafeLoader) loading it,
             in-process; peak memory compared with libyaml's own
  scaling    the repo and big-json runs on corpora of 1x, 2x and 4x the files / features
             (generated next to the corpus); each doubling should at most double the time

Peak memory is the larger of the configguard process's and its children's (worker
processes), from getrusage.
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

RULES = """version: 1
rules:
  - {id: features.unique-name, kind: unique, key: name}
  - {id: features.max-count, kind: max-items, max: 1000000}
  - {id: features.growth, kind: max-growth, metric: items, ratio: 1.5}
  - {id: features.max-size, kind: max-bytes, max: 1GB}
"""

BIG_CONFIG = """version: 1
targets:
  features:
    files: ["features.json", "features.yaml"]
    schema: features.schema.json
    rules: [rules.yaml]
"""


# Peak RSS of the process or of its largest child (pool workers), printed last on stderr.
def timed(cmd: list[str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Wall time, peak RSS (KiB: the process's, or its largest reaped child's, from wait4,
    so nothing inside the process has to report it) and the result."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(
            cmd, process.returncode, out.read().decode(), err.read().decode()
        )
    return seconds, usage.ru_maxrss, done


def configguard(*args: str) -> list[str]:
    return [PYTHON, "-m", "configguard", *args]


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
    out = alternate("repo", ours, theirs, rounds, "check-jsonschema")

    def serial() -> float:
        return timed(configguard("check", "--format", "json", "--jobs", "1"), repo)[0]

    pool = alternate("repo-pool", ours, serial, rounds, "jobs1")
    out["pool_over_serial"] = pool["ratio"]
    return out


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
import resource, sys, time, orjson, jsonschema_rs
schema = orjson.loads(open(sys.argv[2], 'rb').read())
start = time.perf_counter()
data = orjson.loads(open(sys.argv[1], 'rb').read())
v = jsonschema_rs.validator_for(schema)
v.is_valid(data)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_LOWER_YAML = """
import resource, sys, time, yaml
start = time.perf_counter()
with open(sys.argv[1], 'rb') as fh:
    yaml.load(fh, Loader=yaml.CSafeLoader)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def big_scenario(
    corpus: Path, fmt: str, rounds: int, base: Path | None = None, name: str = ""
) -> dict[str, float]:
    """The feature file with its schema and the rules above; ``base``: the previous version
    (default: the file itself, i.e. a regenerated file that did not change)."""
    big = corpus / "big"
    (big / "configguard.yaml").write_text(BIG_CONFIG)
    (big / "rules.yaml").write_text(RULES)
    data = big / f"features.{fmt}"
    size = data.stat().st_size
    previous = str(base) if base is not None else data.name
    name = name or f"big-{fmt}"
    peaks: list[int] = []
    lower_peaks: list[int] = []

    def ours() -> float:
        seconds, peak, done = timed(configguard("check", data.name, "--base-path", previous), big)
        if done.returncode not in (0, 1) or "not parsed" in done.stdout:
            raise SystemExit(f"{name}: configguard failed: {done.stderr}")
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
        seconds, peak = done.stdout.split()
        lower_peaks.append(int(peak))
        return float(seconds)

    label = "orjson+validator" if fmt == "json" else "libyaml"
    out = alternate(name, ours, lower, rounds, label)
    peak = statistics.median(peaks) * 1024
    lower_peak = statistics.median(lower_peaks) * 1024
    print(
        f"{name} peak RSS {peak / 1e6:.0f} MB = {peak / size:.1f} x the file"
        f" ({size / 1e6:.1f} MB); {label} alone {lower_peak / 1e6:.0f} MB ="
        f" {lower_peak / size:.1f} x"
    )
    out["peak_over_size"] = peak / size
    out["lower_peak_over_size"] = lower_peak / size
    return out


def _scaled(corpus: Path, factor: int) -> Path:
    """A corpus with ``factor`` times the files and features (generated once, kept)."""
    if factor == 1:
        return corpus
    target = corpus / f"x{factor}"
    if not (target / "big" / "features.json").is_file():
        print(f"generating the x{factor} corpus in {target} ...")
        subprocess.run(
            [
                PYTHON,
                str(GENERATOR),
                str(target),
                "--files",
                str(2000 * factor),
                "--big-features",
                str(200_000 * factor),
                "--only",
                "repo,big",
            ],
            check=True,
            capture_output=True,
        )
    return target


def scaling_scenario(corpus: Path, rounds: int) -> dict[str, float]:
    """Medians at 1x, 2x, 4x (rounds interleaved across sizes) and each doubling's ratio."""
    factors = (1, 2, 4)
    corpora = {f: _scaled(corpus, f) for f in factors}
    for c in corpora.values():
        (c / "repo" / "configguard.yaml").write_text(CONFIG)
        (c / "big" / "configguard.yaml").write_text(BIG_CONFIG)
        (c / "big" / "rules.yaml").write_text(RULES)
    runs: dict[str, Callable[[Path], list[str]]] = {
        "repo": lambda c: configguard("check", "--format", "json"),
        "big-json": lambda c: configguard("check", "features.json", "--base-path", "features.json"),
    }
    where = {"repo": "repo", "big-json": "big"}
    out: dict[str, float] = {}
    for name, command in runs.items():
        times: dict[int, list[float]] = {f: [] for f in factors}
        for f in factors:  # warm, and make sure every size is really checked
            done = timed(command(corpora[f]), corpora[f] / where[name])[2]
            if done.returncode not in (0, 1) or "not parsed" in done.stdout:
                raise SystemExit(f"scaling {name} x{f}: not checked: {done.stdout[-500:]}")
        for _ in range(rounds):
            for f in factors:
                times[f].append(timed(command(corpora[f]), corpora[f] / where[name])[0])
        medians = {f: statistics.median(times[f]) for f in factors}
        doubling = [medians[2] / medians[1], medians[4] / medians[2]]
        print(
            f"scaling {name:8} "
            + " | ".join(f"x{f} {medians[f]:.3f} s" for f in factors)
            + f" | each doubling x{doubling[0]:.2f}, x{doubling[1]:.2f}"
            + f"; at most x2: {max(doubling) <= 2}"
        )
        for f in factors:
            out[f"{name}_x{f}_s"] = medians[f]
        out[f"{name}_worst_doubling"] = max(doubling)
    return out


def main() -> None:
    # every process is timed as installed, with its bytecode cached (the warm-up run writes
    # it): a shell that forbids writing .pyc files would make each run compile every module
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="a corpus already made by make_corpus.py")
    parser.add_argument("--peer-bin", type=Path, help="folder holding check-jsonschema")
    parser.add_argument("--only", default="repo,precommit,big-json,big-json-prev,big-yaml,scaling")
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
            figures["big-json"] = big_scenario(corpus, "json", args.rounds)
        before = corpus / "pairs" / "big-dup" / "before.json"
        if "big-json-prev" in only and before.is_file():
            figures["big-json-prev"] = big_scenario(
                corpus, "json", args.rounds, before.resolve(), "big-json-prev"
            )
        if "big-yaml" in only:
            figures["big-yaml"] = big_scenario(corpus, "yaml", args.rounds)
        if "scaling" in only:
            figures["scaling"] = scaling_scenario(corpus, args.rounds)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
