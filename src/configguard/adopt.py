"""Adopting configguard on a repository that has findings: today's findings as ``ignore:``.

``configguard check --add-ignores REASON`` writes one ``ignore:`` entry per rule and file
that has findings now (with the reason and an ``until`` date a quarter ahead) into the
configuration file, so the next run is clean and every exception is written down with
an end date. The file is edited with ruamel.yaml's round-trip mode: the user's comments,
key order and quoting survive. ``pyproject.toml`` is refused (no TOML writer here keeps
formatting); with no configuration file, a ``configguard.yaml`` holding only the entries
is written.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from .discover import display_path
from .errors import ConfigurationError
from .findings import Report

UNSUPPRESSIBLE = frozenset({"parse-error", "suppression"})
"""Findings an ignore entry cannot (parse errors) or should not (its own warnings) cover."""


class Added(NamedTuple):
    path: Path
    entries: list[dict[str, str]]
    until: dt.date


def quarter_ahead(today: dt.date) -> dt.date:
    """The same day three months later (the month's last day when it has fewer days)."""
    month = today.month + 3
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - 28 is valid in every month


def _today() -> dt.date:
    return dt.date.today()


def add_ignores(
    check: Callable[[], Report],
    config: Path | None,
    root: Path,
    cwd: Path,
    reason: str,
    today: dt.date | None = None,
) -> Added:
    """Run ``check`` and write an entry for each (rule, file) with findings into ``config``
    (``root/configguard.yaml`` when there is none); entries already there are kept."""
    if not reason.strip():
        raise ConfigurationError("--add-ignores needs a reason: --add-ignores 'legacy files'")
    if config is not None and config.name == "pyproject.toml":
        raise ConfigurationError(
            "--add-ignores edits YAML configuration files only (configguard keeps no TOML "
            "writer that preserves formatting): move [tool.configguard] to configguard.yaml, "
            "or add the ignore entries to pyproject.toml by hand",
            str(config),
        )
    report = check()
    until = quarter_ahead(today or _today())
    path = config or root / "configguard.yaml"
    pairs = sorted(
        {
            (f.rule, display_path(cwd / f.file, path.parent))
            for f in report.findings
            if f.kind not in UNSUPPRESSIBLE
        }
    )
    text = path.read_text(encoding="utf-8") if path.is_file() else "version: 1\n"
    new_text, entries = _with_entries(text, pairs, reason.strip(), until)
    if entries:
        path.write_text(new_text, encoding="utf-8")
    return Added(path, entries, until)


def _with_entries(
    text: str, pairs: list[tuple[str, str]], reason: str, until: dt.date
) -> tuple[str, list[dict[str, str]]]:
    """``text`` with an ignore entry for each pair not already ignored, and those entries."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the user's long lines
    mapping, sequence, offset = _indents(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    data = yaml.load(text)
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise ConfigurationError("the configuration is not a mapping; cannot add ignore entries")
    ignore = data.get("ignore")
    if ignore is None:
        ignore = data["ignore"] = CommentedSeq()
    present = {(str(e.get("rule")), str(e.get("files"))) for e in ignore if isinstance(e, dict)}
    trailing = _detach_trailing_comment(ignore) if pairs else None
    added = []
    for rule, file in pairs:
        if (rule, file) in present:
            continue
        entry = CommentedMap(
            [("rule", rule), ("files", file), ("reason", reason), ("until", until.isoformat())]
        )
        entry.fa.set_flow_style()
        ignore.append(entry)
        added.append(dict(entry))
    if trailing is not None:  # comments after the list stay after it
        from ruamel.yaml.error import CommentMark
        from ruamel.yaml.tokens import CommentToken

        ignore.ca.items[len(ignore) - 1] = [CommentToken(trailing, CommentMark(0), None), None]
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue(), added


def _detach_trailing_comment(ignore: Any) -> str | None:
    """The comment lines after the last existing entry (ruamel keeps them on its last key),
    removed from it so that they can follow the entries appended instead."""
    if not ignore or not isinstance(ignore[-1], dict) or not hasattr(ignore[-1], "ca"):
        return None
    last = ignore[-1]
    keys = list(last.keys())
    slot: list[Any] | None = last.ca.items.get(keys[-1]) if keys else None
    token = slot[2] if slot is not None and len(slot) > 2 else None
    if slot is None or token is None or "\n" not in token.value:
        return None
    value = str(token.value)
    cut = value.index("\n") + 1
    end_of_line, rest = value[:cut], value[cut:]
    if not rest.strip():
        return None
    if end_of_line.strip():
        token.value = end_of_line
    else:
        slot[2] = None
    return "\n" + rest


def _indents(text: str) -> tuple[int, int, int]:
    """The file's own block-sequence style (``key:\\n  - item`` or ``key:\\n- item``), so
    that ruamel re-emits its existing lists as they are written."""
    lines = text.splitlines()
    for before, after in itertools.pairwise(lines):
        key = re.match(r"^(\s*)[^\s#-][^#]*:\s*(#.*)?$", before)
        item = re.match(r"^(\s*)- ", after)
        if key and item:
            offset = len(item.group(1)) - len(key.group(1))
            if offset >= 0:
                return 2, offset + 2, offset
    return 2, 4, 2


def entries_text(entries: list[dict[str, Any]]) -> str:
    """One line per entry, for the command's message."""
    return "\n".join(f"  - {e['rule']} in {e['files']}" for e in entries)
