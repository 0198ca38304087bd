"""Every finding is located at the offending value: nested, sequences, multi-doc, flow, JSON."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Project


def findings(project: Project, name: str, text: str) -> list[tuple[str, int, int]]:
    project.write(f"conf/{name}", text)
    code, report = project.json("check")
    assert code == (1 if report["findings"] else 0)
    return [(f["path"], f["line"], f["column"]) for f in report["findings"]]


def test_nested_mapping(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    text = """
        name: web
        env:
          HOME: /root
          DEBUG: 1
        """
    assert findings(project, "a.yaml", text) == [("/env/DEBUG", 4, 10)]


def test_sequence_item(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    text = """
        name: web
        ports:
          - 80
          - "443"
          - 8080
        """
    assert findings(project, "a.yaml", text) == [("/ports/1", 4, 5)]


def test_flow_style(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    assert findings(project, "a.yaml", "{name: web, ports: [80, x, 3]}\n") == [("/ports/1", 1, 25)]


def test_multi_document_yaml_carries_document_index(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/a.yaml", "name: a\n---\nname: b\nreplicas: 11\n---\nname: c\n")
    _, report = project.json("check")
    [finding] = report["findings"]
    assert (finding["document"], finding["path"], finding["line"], finding["column"]) == (
        1,
        "/replicas",
        4,
        11,
    )


def test_json_file(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    text = '{\n  "name": "web",\n  "ports": [80,\n    true]\n}\n'
    assert findings(project, "a.json", text) == [("/ports/1", 4, 5)]


def test_missing_property_is_located_at_its_object(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    text = """
        # comment
        replicas: 3
        """
    assert findings(project, "a.yaml", text) == [("", 2, 1)]


def test_unexpected_property_is_located_at_its_key(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    text = """
        name: web
        replica: 3
        """
    assert findings(project, "a.yaml", text) == [("/replica", 2, 1)]


def test_toml_reports_the_line(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    text = 'name = "web"\n\n[env]\nHOME = "/root"\nDEBUG = 1\n'
    assert findings(project, "a.toml", text) == [("/env/DEBUG", 5, 9)]


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("a.yaml", "name: web\nports: [1, 2\n", 3, 1),
        ("a.json", '{"name": "web",\n "ports": [1,, 2]}', 2, 14),
        ("a.toml", 'name = "web"\nports = [1, 2\n', 3, 1),
    ],
)
def test_parse_error_has_line_and_column(
    with_schema: Callable[..., Project], name: str, text: str, line: int, column: int
) -> None:
    project = with_schema()
    project.write(f"conf/{name}", text)
    code, report = project.json("check")
    assert code == 1
    [finding] = report["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("parse-error", line, column)


@pytest.mark.parametrize(
    ("name", "text", "path", "line"),
    [
        ("a.yaml", "name: a\nenv:\n  A: x\n  A: w\n", "/env/A", 4),
        ("a.json", '{"name": "a",\n "name": "b"}', "/name", 2),
    ],
)
def test_duplicate_keys_are_findings(
    with_schema: Callable[..., Project], name: str, text: str, path: str, line: int
) -> None:
    project = with_schema()
    project.write(f"conf/{name}", text)
    code, report = project.json("check")
    assert code == 1
    [finding] = report["findings"]
    assert finding["rule"] == "no-duplicate-keys"
    assert (finding["path"], finding["line"]) == (path, line)
    assert "first at line" in finding["message"]
