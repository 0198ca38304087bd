"""Which of the files no target claims the built-in catalog claims, and with what schema."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from .catalog import catalog as builtin_catalog
from .discover import Claimed, display_path
from .settings import Settings, Target

SKIPPED_SUFFIXES = frozenset({".json5", ".jsonc"})
"""Formats configguard does not read: a catalog match there would only be a parse error."""


class CatalogClaims(NamedTuple):
    files: list[Claimed]
    schemas: list[tuple[str, str]]
    """(display path, schema label) of each file claimed."""
    notes: list[str]
    """Files matched by an entry whose schema is hosted elsewhere (never fetched)."""


def claim(settings: Settings, paths: Iterable[Path], cwd: Path) -> CatalogClaims:
    """Catalog claims for ``paths`` (files no target claimed), by their path under the root."""
    out = CatalogClaims([], [], [])
    if not settings.catalog.enabled:
        return out
    known = builtin_catalog()
    root = os.path.abspath(settings.root) + os.sep
    own = _own_files(settings)
    folders = tuple(os.path.abspath(d) + os.sep for d in settings.schema_dirs)
    targets: dict[tuple[str, str], Target] = {}
    for path in paths:
        if path.suffix.lower() in SKIPPED_SUFFIXES:
            continue
        absolute = os.path.abspath(path)
        if absolute in own or absolute.startswith(folders):
            continue  # configguard's own inputs: its configuration, rules and schemas
        relative = absolute[len(root) :] if absolute.startswith(root) else absolute
        match = known.match(relative.replace(os.sep, "/"), settings.catalog)
        if match is None:
            continue
        entry = match.entry
        display = display_path(path, cwd)
        if entry.file is None:
            out.notes.append(
                f"{display} matches the catalog's {entry.name!r}, whose schema is hosted "
                f"elsewhere ({entry.url}) and not vendored: not checked (download it and name "
                "it in a target's schema:, or pass --schema FILE)"
            )
            continue
        key = (entry.id, match.glob)
        target = targets.get(key)
        if target is None:
            target = targets[key] = Target(f"catalog:{entry.id}", (match.glob,), schema=entry.path)
        out.files.append(Claimed(path, display, (target,)))
        out.schemas.append((display, entry.label))
    return out


def _own_files(settings: Settings) -> set[str]:
    """The configuration file, and every target's schema and rules files."""
    own = {os.path.abspath(settings.path)} if settings.path is not None else set()
    for target in settings.targets:
        if target.schema is not None:
            own.add(os.path.abspath(target.schema))
        own.update(os.path.abspath(r) for r in target.rules)
    return own
