"""Reproducers: the minimal failing input, saved under ``.configguard/crashes/<target>/``.

A reproducer is the input itself (pretty JSON), so that it can also be fed to the
consumer by hand. Its name is a hash of its canonical JSON: the same failure found twice
is one file. Writes are atomic (a temporary file in the same folder, then ``os.replace``),
so two concurrent runs never leave a half-written reproducer.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError

STATE_DIR = ".configguard"


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def crash_dir(root: Path, target: str) -> Path:
    return root / STATE_DIR / "crashes" / target


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temporary, path)
    except BaseException:
        with_suppressed_unlink(temporary)
        raise


def with_suppressed_unlink(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        return


def save(root: Path, target: str, data: Any) -> Path:
    """Write ``data`` as ``<hash>.json`` and return its path."""
    digest = hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()[:16]
    path = crash_dir(root, target) / f"{digest}.json"
    if not path.exists():
        atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def load_all(folder: Path) -> list[tuple[Path, Any]]:
    """Every ``*.json`` reproducer under ``folder`` (sorted); unreadable ones are an error."""
    if not folder.is_dir():
        raise ConfigurationError("no such folder of reproducers", str(folder))
    out: list[tuple[Path, Any]] = []
    for path in sorted(folder.rglob("*.json")):
        try:
            out.append((path, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"not a reproducer: {exc}", str(path)) from None
    return out
