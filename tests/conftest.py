"""Shared fixtures: a throwaway project folder and a CLI runner that runs inside it."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from configguard.cli import main

REPO = Path(__file__).resolve().parent.parent


class Project:
    """Files in a temporary folder; ``run`` invokes the CLI with that folder as cwd."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self._monkeypatch = monkeypatch

    def write(self, name: str, content: str | bytes | Any) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        else:
            path.write_text(json.dumps(content, indent=2), encoding="utf-8")
        return path

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        self._monkeypatch.chdir(self.root)
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    def json(self, *args: str) -> tuple[int, dict[str, Any]]:
        result = self.run(*args, "--format", "json")
        return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return Project(tmp_path, monkeypatch)


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "replicas": {"type": "integer", "maximum": 10},
        "ports": {"type": "array", "items": {"type": "integer"}},
        "env": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


@pytest.fixture
def with_schema(project: Project) -> Callable[..., Project]:
    """A project with a schema and a configguard.yaml claiming ``conf/*``."""

    def make(schema: dict[str, Any] | None = None) -> Project:
        project.write("schemas/app.schema.json", schema or SCHEMA)
        project.write(
            "configguard.yaml",
            """
            version: 1
            targets:
              app:
                files: ["conf/*"]
                schema: schemas/app.schema.json
            """,
        )
        return project

    return make
