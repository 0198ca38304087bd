"""references: a value at ``path`` names something that does not exist at ``in``.

Many config repositories break by reference: a route naming a cluster that was renamed,
a job pointing at a queue nobody created, a feature flag for a service that is gone.
Every value at ``path`` must be among the values at ``in``: a JSON Pointer (with ``*``)
into the same document, or ``{files: GLOB, path: POINTER}`` for other files of the
project (the glob, or a list of globs, relative to the folder of configguard.yaml;
each file is read once per run, and every document of a multi-document YAML file
counts). Values are compared as JSON (``1`` equals ``1.0``). The finding points at the
dangling value and names the closest existing values (did you mean).

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index), ``in`` (JSON
Pointer, or an object with ``files`` and ``path``).

Rule::

    id: routes.cluster-exists
    kind: references
    path: /routes/*/cluster
    in: /clusters/*/name

PASS::

    clusters: [{name: backend}, {name: static}]
    routes:
      - {prefix: /api, cluster: backend}

FAIL::

    clusters: [{name: backend}, {name: static}]
    routes:
      - {prefix: /api, cluster: bakend}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..canonical import canonical
from . import POINTER_SCHEMA, Kind, Rule, describe, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document

GLOBS = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    ]
}
SUGGESTIONS = 3


@dataclass(frozen=True)
class Prepared:
    tokens: list[str]
    target: list[str]
    files: tuple[str, ...]
    where: str


class References(Kind):
    name = "references"
    description = "Every reference must name something that exists."
    required = ("path", "in")
    options: ClassVar[dict[str, Any]] = {
        "in": {
            "oneOf": [
                POINTER_SCHEMA,
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["files", "path"],
                    "properties": {"files": GLOBS, "path": POINTER_SCHEMA},
                },
            ],
            "description": "where the names are defined: a JSON Pointer, or {files, path}",
        }
    }

    def prepare(self, options: Mapping[str, Any]) -> Prepared:
        target = options["in"]
        if isinstance(target, str):
            return Prepared(parse_path(options["path"]), parse_path(target), (), target or "/")
        files = target["files"]
        globs = (files,) if isinstance(files, str) else tuple(files)
        for glob in globs:
            if glob.startswith("/") or ".." in glob.split("/"):
                from . import RuleError

                raise RuleError(f"files {glob!r}: a glob relative to the project", "in")
        where = f"{target['path'] or '/'} of {', '.join(globs)}"
        return Prepared(parse_path(options["path"]), parse_path(target["path"]), globs, where)

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        prepared: Prepared = rule.prepared
        values = list(select(document.data, prepared.tokens))
        if not values:
            return
        known, files = self._known(document, prepared)
        names = [n for n in known.values() if isinstance(n, str)]
        for pointer, value in values:
            if canonical(value) in known:
                continue
            message = (
                f"{describe(value)} is not among the {len(known):,} values at {prepared.where}"
            )
            if prepared.files and not files:
                message = f"{describe(value)}: {', '.join(prepared.files)} matches no file"
            hint = _did_you_mean(value, names)
            yield Hit(pointer, message + hint)

    def _known(self, document: Document, prepared: Prepared) -> tuple[dict[str, Any], int]:
        """canonical -> value of everything at ``in``, and how many files were read."""
        from .. import history

        run = history.current()
        if prepared.files:
            sources = [d for glob in prepared.files for d in run.documents_of(glob)]
        elif document.source.documents > 1:  # the other documents of this file count too
            sources = run.documents_of("", of=document.source.path)
        else:
            sources = [(document.source.display, document.data)]
        known: dict[str, Any] = {}
        for _, data in sources:
            for _, value in select(data, prepared.target):
                known.setdefault(canonical(value), value)
        return known, len({f for f, _ in sources})


def _did_you_mean(value: Any, names: list[str]) -> str:
    import difflib

    if not names:
        return ""
    text = value if isinstance(value, str) else describe(value)
    close = difflib.get_close_matches(text, names, n=SUGGESTIONS, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(describe(c) for c in close) + "?"
