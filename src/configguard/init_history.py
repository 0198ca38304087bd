"""What ``configguard init`` learns from git history: the real steps a file took.

Today's sizes say how big a file is, not how it changes. When the folder is a git
repository, the last versions of each file (at most ``VERSIONS``, read with one ``git
log`` and one ``git cat-file --batch``) show the largest step a list really took (a
``max-growth`` ratio with headroom above it), the fields that hold a few values used over
and over (``novel-values``: a first use is worth a warning), and the numbers that only
ever rose (``monotonic``: generations, serials). Every proposal names the history it
came from, so a reviewer can judge it.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .kinds import parse_path, select
from .locate import escape

if TYPE_CHECKING:
    from .init import ProposedTarget

VERSIONS = 50
"""At most this many versions of each file are read."""
COMMITS = 2000
"""...from at most this many commits of HEAD."""
MAX_BLOB = 10_000_000
"""Versions larger than this are not read (a history of huge files is left out)."""
MAX_BLOBS = 20_000
"""At most this many versions in all: a repository of many files gets fewer per file."""
GROWTH_HEADROOM = 1.25
"""max-growth ratio = the largest step seen x this (at least 1.1)."""
ENUM_MAX = 6
"""A field is enum-like when it holds at most this many distinct strings..."""
ENUM_REPEATS = 3
"""...each used, on average, at least this many times across the versions."""
MAX_NOVEL = 5
"""At most this many novel-values rules per target."""
MONOTONIC_RISES = 2
"""A number is proposed for monotonic when it rose at least this often and never fell."""
ID_LIKE = frozenset({"id", "uuid", "key", "name", "slug", "uid", "description", "title"})


@dataclass
class Step:
    """The largest growth of one list seen in history."""

    ratio: float
    old: int
    new: int
    file: str
    commit: str


@dataclass
class Learned:
    """Per file (rel path): its versions' data, oldest first, and the commits they came from."""

    versions: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)

    def count(self, target: ProposedTarget) -> int:
        return max((len(self.versions.get(f.rel, [])) for f in target.files), default=0)

    def largest_step(self, target: ProposedTarget, pointer: str) -> Step | None:
        """The largest new/old item ratio of the lists at ``pointer`` between two
        consecutive versions of any file of the target; None without two versions."""
        tokens = parse_path(pointer)
        best: Step | None = None
        for scanned in target.files:
            history = self.versions.get(scanned.rel, [])
            for (_, before), (commit, after) in pairwise(history):
                old = {p: len(v) for p, v in select(before, tokens) if isinstance(v, list)}
                for p, value in select(after, tokens):
                    if not isinstance(value, list) or not old.get(p):
                        continue
                    ratio = len(value) / old[p]
                    if best is None or ratio > best.ratio:
                        best = Step(ratio, old[p], len(value), scanned.rel, commit)
        return best

    def enums(self, target: ProposedTarget) -> list[tuple[str, list[str], int]]:
        """(generalised pointer, its distinct values, occurrences) of enum-like string
        fields of list entries, most used first."""
        values: dict[str, dict[str, int]] = {}
        for scanned in target.files:
            for _, data in self.versions.get(scanned.rel, []):
                for pointer, value in _leaves(data, []):
                    if "*" in pointer and isinstance(value, str):
                        counts = values.setdefault(pointer, {})
                        counts[value] = counts.get(value, 0) + 1
        out = []
        for pointer, counts in values.items():
            last = pointer.rsplit("/", 1)[-1]
            total = sum(counts.values())
            if last == "*" or last.lower() in ID_LIKE:
                continue
            if 2 <= len(counts) <= ENUM_MAX and total >= ENUM_REPEATS * len(counts):
                out.append((pointer, sorted(counts), total))
        return sorted(out, key=lambda e: (-e[2], e[0]))[:MAX_NOVEL]

    def rising(self, target: ProposedTarget) -> list[tuple[str, str, Any, Any, int, int]]:
        """(pointer, file, first, last, rises, versions) of numbers outside lists that rose
        at least MONOTONIC_RISES times and never fell, in every file of the target."""
        found: dict[str, tuple[str, Any, Any, int, int]] = {}
        broken: set[str] = set()
        for scanned in target.files:
            history = self.versions.get(scanned.rel, [])
            series: dict[str, list[Any]] = {}
            for _, data in history:
                for pointer, value in _leaves(data, []):
                    if "*" not in pointer and _is_number(value):
                        series.setdefault(pointer, []).append(value)
            for pointer, numbers in series.items():
                steps = list(pairwise(numbers))
                if any(b < a for a, b in steps):
                    broken.add(pointer)
                    continue
                rises = sum(1 for a, b in steps if b > a)
                if rises >= MONOTONIC_RISES and pointer not in found:
                    found[pointer] = (scanned.rel, numbers[0], numbers[-1], rises, len(numbers))
        return [(p, *v) for p, v in sorted(found.items()) if p not in broken]


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _leaves(value: Any, parts: list[str], depth: int = 0) -> list[tuple[str, Any]]:
    """(generalised pointer, scalar) of every scalar; list indices become ``*``."""
    out: list[tuple[str, Any]] = []
    stack: list[tuple[Any, list[str], int]] = [(value, parts, depth)]
    while stack:
        node, at, level = stack.pop()
        if level > 8:
            continue
        if isinstance(node, dict):
            stack.extend((v, [*at, escape(str(k))], level + 1) for k, v in node.items() if k != "*")
        elif isinstance(node, list):
            stack.extend((v, [*at, "*"], level + 1) for v in node)
        else:
            out.append(("".join(f"/{p}" for p in at), node))
    return out


def learn(root: Path, targets: list[ProposedTarget]) -> Learned | None:
    """The history of every target's files, when ``root`` is in a git work tree with
    commits; None otherwise (init then proposes from today's files alone)."""
    from .history import repo_versions
    from .load import load

    try:
        top = (
            subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=root,
                capture_output=True,
                check=True,
                timeout=30,
            )
            .stdout.decode()
            .strip()
        )
    except (OSError, subprocess.SubprocessError):
        return None
    base = Path(top)
    files = {f.rel: f for t in targets for f in t.files}
    in_repo = {}
    for rel, scanned in files.items():
        try:
            in_repo[scanned.path.absolute().relative_to(base).as_posix()] = rel
        except ValueError:
            continue
    per_file = max(2, min(VERSIONS, MAX_BLOBS // max(len(in_repo), 1)))
    found = repo_versions(base, sorted(in_repo), per_file, COMMITS, MAX_BLOB)
    learned = Learned()
    for repo_path, versions in found.items():
        rel = in_repo[repo_path]
        parsed = []
        for version in reversed(versions):  # oldest first
            loaded = load(
                Path(repo_path), version.label, files[rel].format, raw=version.raw, duplicates=False
            )
            if loaded.documents and not loaded.problems:
                parsed.append((version.label.split(":", 1)[0][:7], loaded.documents[0].data))
        if parsed:
            learned.versions[rel] = parsed
    return learned if learned.versions else None


def growth(
    learned: Learned,
    target: ProposedTarget,
    pointer: str,
    largest: int,
    ratio: float,
    comment: list[str],
) -> tuple[float, list[str]]:
    """The max-growth ratio and its comment: from the largest step seen in history, with
    headroom, when history has one; else the default ones given."""
    step = learned.largest_step(target, pointer)
    if step is None:
        return ratio, comment
    seen = max(step.ratio, 1.0)
    proposed = max(math.ceil(seen * GROWTH_HEADROOM * 100) / 100, 1.1)
    where = pointer or "/"
    return proposed, [
        f"{where}: {largest} items now; the largest step in the last "
        f"{learned.count(target)} versions in git was {step.old} -> {step.new} items "
        f"(x{step.ratio:.2f}, {step.file} at {step.commit});",
        f"limit x{seen:.2f} x {GROWTH_HEADROOM} headroom = {proposed} (at least 1.1)",
    ]


def history_rules(
    learned: Learned, target: ProposedTarget, rule_id: Any
) -> list[tuple[list[str], list[tuple[str, Any]]]]:
    """(comment, fields) of the novel-values and monotonic rules history suggests."""
    versions = learned.count(target)
    out: list[tuple[list[str], list[tuple[str, Any]]]] = []
    for pointer, values, total in learned.enums(target):
        shown = ", ".join(values)
        out.append(
            (
                [
                    f"{pointer}: only {len(values)} distinct values ({shown}) in {total} uses "
                    f"across the last {versions} versions in git;",
                    "a first use of another deserves a canary (CrowdStrike, 19 Jul 2024)",
                ],
                [
                    ("id", rule_id(pointer, "novel-values")),
                    ("kind", "novel-values"),
                    ("path", pointer),
                    ("history", versions),
                    ("severity", "warning"),
                    ("why", f"every version so far used only {shown}"),
                ],
            )
        )
    for pointer, file, first, last, rises, count in learned.rising(target):
        out.append(
            (
                [
                    f"{pointer}: rose {rises} times in the last {count} versions of {file} in "
                    f"git ({first} -> {last}) and never fell",
                ],
                [
                    ("id", rule_id(pointer, "monotonic")),
                    ("kind", "monotonic"),
                    ("path", pointer),
                    ("why", f"it only ever rose ({first} -> {last} in {count} versions)"),
                ],
            )
        )
    return out
