"""Which files to check, and which targets claim each one (gitignore-style globs)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigurationError
from .settings import Settings, Target

# Folders never searched when no paths are given: tool caches and vendored trees.
PRUNED = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".configguard",
        ".hypothesis",
    }
)


class Claimed(NamedTuple):
    """A file to check and the targets that claim it."""

    path: Path
    display: str
    targets: tuple[Target, ...]


class Matcher:
    """Compiled globs of every target, matched against paths relative to the config root."""

    def __init__(self, settings: Settings) -> None:
        import pathspec

        self.settings = settings
        self._prefix = _prefix(os.path.abspath(settings.root))
        self._specs: list[tuple[Target, Any, Any]] = []
        for target in settings.targets:
            try:
                include = pathspec.GitIgnoreSpec.from_lines(target.files)
                exclude = pathspec.GitIgnoreSpec.from_lines(target.exclude)
            except ValueError as exc:
                raise ConfigurationError(
                    f"targets.{target.name}.files: bad glob: {exc}",
                    str(settings.path) if settings.path else None,
                ) from None
            self._specs.append((target, include, exclude))

    def targets_for(self, path: Path) -> tuple[Target, ...]:
        # abspath, not resolve(): a symlink loop must not raise, and a link is checked
        # under the name the user gave it
        relative = _relative(os.path.abspath(path), self._prefix)
        if relative is None:
            return ()
        return tuple(
            target
            for target, include, exclude in self._specs
            if include.match_file(relative) and not exclude.match_file(relative)
        )


def _prefix(folder: str) -> str:
    """``folder`` (absolute, normalised) with one trailing separator."""
    return folder if folder.endswith(os.sep) else folder + os.sep


def _relative(absolute: str, prefix: str) -> str | None:
    """``absolute`` relative to the folder ``prefix`` names, in posix form; None outside it.

    String work on normalised absolute paths, the same answer as ``Path.relative_to``
    for ten times less time (it runs for every file of a repository).
    """
    if absolute + os.sep == prefix:
        return "."
    if not absolute.startswith(prefix):
        return None
    relative = absolute[len(prefix) :]
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


def display_path(path: Path, cwd: Path) -> str:
    """Relative to the working directory when inside it (what editors and CI link)."""
    relative = _relative(os.path.abspath(path), _prefix(os.path.abspath(cwd)))
    return str(path) if relative is None else relative


def walk(root: Path) -> Iterator[Path]:
    """Every regular file under ``root``, sorted, not following symlinked folders."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in PRUNED)
        for name in sorted(files):
            yield Path(folder) / name


def claimed_files(
    settings: Settings, paths: Iterable[Path], cwd: Path, unclaimed: list[Path] | None = None
) -> list[Claimed]:
    """Files to check: the given paths (folders expanded), or every file under the root.

    Paths that no target claims are skipped, as pre-commit expects (and collected in
    ``unclaimed`` when given, for the catalog); a path that does not exist is a usage error.
    """
    matcher = Matcher(settings)
    given = list(paths)
    candidates = expand(given) if given else list(walk(settings.root))
    out: list[Claimed] = []
    for path in candidates:
        targets = matcher.targets_for(path)
        if targets:
            out.append(Claimed(path, display_path(path, cwd), targets))
        elif unclaimed is not None:
            unclaimed.append(path)
    return out


CONFIG_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".toml"})


def expand(paths: Iterable[Path], suffixes: frozenset[str] | None = None) -> list[Path]:
    """Given paths with folders walked (keeping ``suffixes`` when set), de-duplicated.

    A path that does not exist is a usage error (exit 2), as in check-jsonschema. A folder
    named like a config file (``x.json/``) is taken as the file it pretends to be, so that
    reading it gives a clear finding instead of a silent "nothing checked".
    """
    out: list[Path] = []
    seen: set[str] = set()
    for path in paths:
        if path.is_dir() and path.suffix.lower() not in CONFIG_SUFFIXES:
            found = [p for p in walk(path) if suffixes is None or p.suffix.lower() in suffixes]
        elif path.exists() or path.is_symlink():
            found = [path]
        else:
            raise ConfigurationError("no such file or folder", str(path))
        for p in found:
            key = os.path.abspath(p)
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out
