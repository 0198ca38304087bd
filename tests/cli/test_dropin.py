"""check-jsonschema's options, with the same meaning: formats, base URIs, remote schemas."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Project

FORMATS = {
    "type": "object",
    "properties": {
        "when": {"format": "date"},
        "mail": {"format": "email"},
        "re": {"format": "regex"},
    },
}
DATA = '{"when": "not a date", "mail": "nope", "re": "(?i)abc"}'


def paths(project: Project, *args: str) -> tuple[int, list[str]]:
    code, report = project.json("check", *args)
    return code, [f["path"] for f in report["findings"]]


def test_disable_formats(project: Project) -> None:
    project.write("s.json", FORMATS)
    project.write("x.json", DATA)
    base = ("--schema", "s.json", "x.json")
    assert paths(project, *base) == (1, ["/when", "/mail", "/re"])
    assert paths(project, *base, "--disable-formats", "date,email") == (1, ["/re"])
    assert paths(project, *base, "--disable-formats", "date", "--disable-formats", "re") == (
        1,
        ["/mail", "/re"],  # an unknown name disables nothing
    )
    assert paths(project, *base, "--disable-formats", "all") == (0, [])


def test_format_regex_python_accepts_what_re_compiles(project: Project) -> None:
    project.write("s.json", {"properties": {"re": {"format": "regex"}}})
    project.write("x.json", '{"re": "(?i)abc"}')
    project.write("bad.json", '{"re": "(unclosed"}')
    assert paths(project, "--schema", "s.json", "x.json") == (1, ["/re"])  # ECMA-262
    assert paths(project, "--schema", "s.json", "x.json", "--format-regex", "python") == (0, [])
    assert paths(project, "--schema", "s.json", "bad.json", "--format-regex", "python") == (
        1,
        ["/re"],
    )
    wrong = project.run("check", "--schema", "s.json", "x.json", "--format-regex", "perl")
    assert wrong.exit_code == 2


def test_base_uri_and_a_schema_dir_mapped_to_a_url(project: Project) -> None:
    project.write("s.json", {"properties": {"port": {"$ref": "defs/port.json"}}})
    # the $id differs from where it is published, or is missing: the url mapping decides
    project.write("schemas/port.json", {"$id": "https://other.example/p.json", "maximum": 10})
    project.write("schemas/name.json", {"type": "string"})
    project.write("x.json", '{"port": 99}')
    project.write(
        "configguard.yaml",
        "version: 1\n"
        "schema_dirs: [{path: schemas/, url: 'https://example.com/schemas/defs/'}]\n"
        "targets:\n  x: {files: [x.json], schema: s.json}\n",
    )
    unmapped = project.run("check")  # defs/port.json next to s.json: not there
    assert unmapped.exit_code == 1 and "defs/port.json is not available offline" in (
        unmapped.stdout
    )
    code, found = paths(project, "--base-uri", "https://example.com/schemas/main.json")
    assert (code, found) == (1, ["/port"])
    project.write("s.json", {"properties": {"n": {"$ref": "defs/name.json"}}})
    project.write("x.json", '{"n": 3}')
    assert paths(project, "--base-uri", "https://example.com/schemas/") == (1, ["/n"])


def test_a_bad_schema_dirs_entry_is_exit_two(project: Project) -> None:
    project.write("configguard.yaml", "version: 1\nschema_dirs: [{path: s/}]\n")
    result = project.run("check")
    assert result.exit_code == 2 and "configguard.yaml:2" in result.stderr


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on the loopback address serving a folder."""
    folder = tmp_path / "served"
    folder.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_schema_url_only_with_remote_refs_and_cached(
    project: Project, server: tuple[str, Path]
) -> None:
    url, folder = server
    (folder / "app.json").write_text(
        json.dumps({"properties": {"replicas": {"$ref": "defs.json#/max"}}})
    )
    (folder / "defs.json").write_text(json.dumps({"max": {"maximum": 10}}))
    project.write("x.yaml", "replicas: 12\n")
    refused = project.run("check", "--schema", f"{url}/app.json", "x.yaml")
    assert refused.exit_code == 2
    assert "only with --allow-remote-refs" in refused.stderr
    assert not (project.root / ".configguard").exists()  # nothing fetched, nothing written
    args = ("--schema", f"{url}/app.json", "--allow-remote-refs", "x.yaml")
    assert paths(project, *args) == (1, ["/replicas"])  # its relative $ref: from the server
    cached = list((project.root / ".configguard" / "cache").iterdir())
    assert len(cached) == 1 and json.loads(cached[0].read_text())["properties"]
    (folder / "app.json").write_text(json.dumps({"properties": {"replicas": {"maximum": 100}}}))
    assert paths(project, *args) == (1, ["/replicas"])  # the cached copy
    assert paths(project, *args, "--no-cache") == (0, [])  # downloaded again
    (folder / "app.json").unlink()
    gone = project.run("check", *args, "--no-cache")
    assert gone.exit_code == 2 and "cannot download" in gone.stderr


AZURE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "pool": {"type": "string"},
        "variables": {"type": "object", "additionalProperties": {"type": "string"}},
        "steps": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["script"],
                "additionalProperties": False,
                "properties": {"script": {"type": "string"}},
            },
        },
    },
}
AZURE = """
pool: ubuntu
variables:
  ${{ if eq(parameters.env, 'prod') }}:
    tier: gold
steps:
  - script: make
  - ${{ each step in parameters.steps }}:
    - script: ${{ step }}
  - ${{ if true }}:
    - scirpt: oops
"""


def test_data_transform_azure_pipelines(project: Project) -> None:
    project.write("s.json", AZURE_SCHEMA)
    project.write("azure-pipelines.yml", AZURE)
    args = ("--schema", "s.json", "azure-pipelines.yml")
    code, found = paths(project, *args)
    assert code == 1 and "/variables/${{ if eq(parameters.env, 'prod') }}" in found
    code, found = paths(project, *args, "--data-transform", "azure-pipelines")
    assert (code, found) == (1, ["/steps/2", "/steps/2/scirpt"])  # only the real mistake
    assert project.run("check", *args, "--data-transform", "cobol").exit_code == 2


def test_data_transform_gitlab_ci_reads_reference_tags(project: Project) -> None:
    project.write(
        "s.json",
        {
            "additionalProperties": {
                "properties": {
                    "script": {
                        "type": "array",
                        "items": {
                            "anyOf": [
                                {"type": "string"},
                                {"type": "array", "items": {"type": "string"}},
                            ]
                        },
                    }
                }
            }
        },
    )
    project.write(
        ".gitlab-ci.yml",
        ".setup:\n  script: [echo hi]\ntest:\n  script:\n    - !reference [.setup, script]\n",
    )
    args = ("--schema", "s.json", ".gitlab-ci.yml")
    assert paths(project, *args, "--data-transform", "gitlab-ci") == (0, [])
    assert paths(project, *args) == (0, [])  # the same without it: the tag's value is kept


def test_check_metaschema(project: Project) -> None:
    project.write(
        "bad.schema.json",
        {"$schema": "http://json-schema.org/draft-07/schema#", "type": "strin"},
    )
    project.write(
        "old.schema.json",
        {"$schema": "http://json-schema.org/draft-04/schema#", "exclusiveMinimum": 3},
    )  # a boolean in draft 4
    project.write("y.schema.yaml", "type: object\nproperties:\n  a: {maxLength: -1}\n")
    project.write("good.schema.json", {"type": "object"})
    code, report = project.json(
        "check",
        "--check-metaschema",
        "bad.schema.json",
        "old.schema.json",
        "y.schema.yaml",
        "good.schema.json",
    )
    assert code == 1
    found = [(f["file"], f["path"], f["line"]) for f in report["findings"]]
    assert found == [
        ("bad.schema.json", "/type", 3),
        ("old.schema.json", "", 1),  # draft 4: exclusiveMinimum needs minimum
        ("old.schema.json", "/exclusiveMinimum", 3),
        ("y.schema.yaml", "/properties/a/maxLength", 3),
    ]
    assert report["summary"]["files"] == 4
    assert project.run("check", "--check-metaschema").exit_code == 2  # needs the files
