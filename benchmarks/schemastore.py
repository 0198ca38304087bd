"""SchemaStore conformance: configguard over SchemaStore's own positive and negative tests.

Usage::

    .venv/bin/python benchmarks/schemastore.py [--corpus PATH] [--schema NAME ...] [--json]

The corpus defaults to ``../shared/corpora/schemastore`` next to the repository root
(a checkout of SchemaStore: ``src/schemas/json/*.json``, ``src/test/<name>/*``,
``src/negative_test/<name>/*``, ``src/schema-validation.jsonc``). When it is absent the
script prints a message and exits 0; it is not part of ``make test``.

Which pairs SchemaStore itself counts
-------------------------------------
This follows SchemaStore's ``cli.js check`` (its "Ajv validation" pass):

* every file in ``src/schemas/json`` is a schema under test, except names listed in
  ``skiptest`` of ``schema-validation.jsonc`` (schemas that only redirect to an external
  URL through one ``$ref``, or that need external references, are never validated there);
* a schema named ``X.json`` is paired with every file in ``src/test/X/`` (must be valid)
  and ``src/negative_test/X/`` (must be invalid). Files named ``.DS_Store`` or starting
  with ``#`` or ``.#`` or ending with ``~`` are ignored, as SchemaStore does; other
  dot-files (``.esmrc.json``) are tests. Test folders with no schema are not counted.

The other lists of ``schema-validation.jsonc`` do not change which pairs count, only how
SchemaStore's Ajv is set up, and none needs a counterpart here:

* ``ajvNotStrictMode``, ``highSchemaVersion``, ``fileMatchConflict``,
  ``missingCatalogUrl``, ``coverage``, ``catalogEntryNoLintNameOrDescription``: lint
  policies about the schemas and the catalog, not about validation results;
* ``options.<schema>.unknownKeywords``: Ajv's strict mode would otherwise refuse to
  compile; configguard (like the JSON Schema specification) ignores unknown keywords;
* ``options.<schema>.unknownFormat``: Ajv treats these formats as always valid;
  configguard ignores formats it does not know, which is the same;
* ``options.<schema>.externalSchema``: extra SchemaStore schemas Ajv loads so that
  cross-schema ``$ref``s resolve. configguard needs no such list: the whole
  ``src/schemas/json`` folder is its schema directory, and every schema there is
  registered offline by its ``$id`` (or draft-04 ``id``) and its file URL, which is
  enough for every reference the counted schemas make (``base.json``,
  ``https://json.schemastore.org/feed-1``, ``https://www.schemastore.org/cargo-lints-*``
  ...). Nothing is downloaded: a reference to anything else is refused.

Of the corpus's test files, those of ``skiptest`` schemas (``circleciconfig``) and those
in folders with no schema of that name (``kestra-*``: the schema is not in the corpus)
are not counted; the script prints how many.

How files are read
------------------
Test files are ``.json``, ``.yaml``/``.yml`` and ``.toml`` and are read by configguard's
own loaders, chosen by suffix. SchemaStore reads ``.json`` tests with ``JSON.parse``
(strict JSON: its JSONC reader is only for ``.jsonc``, a suffix test folders may not
use, and it has no JSON5 reader) and all 1,116 ``.json`` test files of the corpus are
strict JSON (checked with ``json.loads``: none has a comment, a trailing comma or a
JSON5 form), so configguard's strict JSON loader is the right reading; accepting
comments would only hide a difference. YAML is read as YAML 1.2 core schema (SchemaStore
uses the ``yaml`` package, also YAML 1.2 core: ``on``/``yes`` stay strings) and TOML 1.0.

Where configguard reads schemas differently from jsonschema-rs's defaults
-------------------------------------------------------------------------
``configguard.schemas.drafts`` documents two readings that this corpus exercises: in a draft-04
schema ``const`` is honoured (as Ajv does; ``function.json`` and ``es6importsorterrc.json``
rely on it, 26 pairs), and ``contentMediaType``/``contentEncoding`` are annotations in
every draft (as in Ajv and Python jsonschema; 1 pair). SchemaStore also loads the
``uniqueItemProperties`` keyword of ajv-keywords; no schema in the corpus uses it.

What agreement means
--------------------
A positive test agrees when configguard reports no error-severity finding at all
(``parse-error``, ``no-duplicate-keys`` and ``schema`` all count: that is what a user's
``configguard check`` would exit 1 on). A negative test agrees only when configguard
reports a ``schema`` finding: being rejected for another reason (a repeated key) is
listed as a disagreement, since it is not the schema doing the work. A schema that
configguard cannot compile makes every pair of that schema a disagreement.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from configguard.engine import load_findings, schema_findings  # noqa: E402
from configguard.errors import ConfigurationError  # noqa: E402
from configguard.findings import Finding, Severity  # noqa: E402
from configguard.load import load  # noqa: E402
from configguard.schemas import SchemaRegistry  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "schemastore"


def strip_jsonc(text: str) -> str:
    """JSON with ``//`` and ``/* */`` comments and trailing commas -> JSON text."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            out.append(c)
            i += 1
    stripped = "".join(out)
    # trailing commas: a comma followed only by whitespace before } or ]
    result: list[str] = []
    in_string = False
    k = 0
    while k < len(stripped):
        c = stripped[k]
        if in_string:
            result.append(c)
            if c == "\\":
                result.append(stripped[k + 1])
                k += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            result.append(c)
        elif c == ",":
            rest = stripped[k + 1 :].lstrip()
            if not rest.startswith(("}", "]")):
                result.append(c)
        else:
            result.append(c)
        k += 1
    return "".join(result)


def is_ignored(name: str) -> bool:
    """SchemaStore's ``isIgnoredFile``."""
    return name == ".DS_Store" or name.startswith(("#", ".#")) or name.endswith("~")


@dataclass(frozen=True)
class Pair:
    schema: Path
    test: Path
    positive: bool


@dataclass(frozen=True)
class Outcome:
    pair: Pair
    agrees: bool
    reason: str
    """Why it disagrees (grouping key); empty when it agrees."""
    detail: str


def uncounted_files(src: Path, pairs: list[Pair]) -> int:
    """Test files of the corpus that no counted pair uses (skiptest schemas, orphan folders)."""
    used = {p.test for p in pairs}
    return sum(
        1
        for folder in ("test", "negative_test")
        for directory in (src / folder).iterdir()
        if directory.is_dir()
        for test in directory.iterdir()
        if not is_ignored(test.name) and test not in used
    )


def counted_pairs(src: Path, only: set[str]) -> tuple[list[Pair], list[str]]:
    validation = json.loads(strip_jsonc((src / "schema-validation.jsonc").read_text("utf-8")))
    skiptest = set(validation.get("skiptest", []))
    pairs: list[Pair] = []
    skipped: list[str] = []
    for schema in sorted((src / "schemas" / "json").iterdir()):
        if is_ignored(schema.name) or not schema.is_file():
            continue
        if only and schema.name not in only and schema.stem not in only:
            continue
        if schema.name in skiptest:
            skipped.append(schema.name)
            continue
        stem = schema.name.replace(".json", "", 1)  # cli.js: schemaName.replace('.json', '')
        for folder, positive in (("test", True), ("negative_test", False)):
            directory = src / folder / stem
            if not directory.is_dir():
                continue
            for test in sorted(directory.iterdir()):
                if not is_ignored(test.name):
                    pairs.append(Pair(schema, test, positive))
    return pairs, skipped


def first_line(text: str, limit: int = 240) -> str:
    text = text.split("\n", 1)[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def evaluate(pair: Pair, registry: SchemaRegistry, src: Path) -> Outcome:
    display = str(pair.test.relative_to(src))
    loaded = load(pair.test, display)
    findings: list[Finding] = load_findings(loaded, display)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not any(f.kind == "parse-error" for f in errors):
        try:
            compiled = registry.compiled(pair.schema)
        except ConfigurationError as exc:
            return Outcome(pair, False, "schema cannot be compiled", first_line(exc.message))
        for document in loaded.documents:
            errors.extend(schema_findings(document, compiled))
    schema_errors = [f for f in errors if f.kind == "schema"]
    if pair.positive:
        if not errors:
            return Outcome(pair, True, "", "")
        f = errors[0]
        reason = {
            "schema": "valid test rejected by the schema",
            "parse-error": "valid test does not load",
            "no-duplicate-keys": "valid test repeats a key",
        }.get(f.kind, f"valid test rejected by {f.kind}")
        return Outcome(
            pair, False, reason, f"{f.path or '/'} (line {f.line}): {first_line(f.message)}"
        )
    if schema_errors:
        return Outcome(pair, True, "", "")
    if errors:
        f = errors[0]
        return Outcome(
            pair,
            False,
            f"invalid test rejected only by {f.kind}, not the schema",
            f"{f.path or '/'} (line {f.line}): {first_line(f.message)}",
        )
    return Outcome(pair, False, "invalid test accepted", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="SchemaStore checkout (default: ../shared/corpora/schemastore)",
    )
    parser.add_argument(
        "--schema",
        action="append",
        default=[],
        help="only this schema (file name or stem); repeatable",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    src = args.corpus / "src"
    if not (src / "schema-validation.jsonc").is_file():
        print(f"schemastore conformance skipped: no SchemaStore corpus at {args.corpus}")
        return 0

    started = time.perf_counter()
    schema_dir = src / "schemas" / "json"
    registry = SchemaRegistry((schema_dir,), allow_remote_refs=False)
    pairs, skipped = counted_pairs(src, set(args.schema))
    outcomes = [evaluate(pair, registry, src) for pair in pairs]
    elapsed = time.perf_counter() - started

    agreeing = sum(o.agrees for o in outcomes)
    total = len(outcomes)
    share = 100.0 * agreeing / total if total else 100.0
    by_reason: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if not o.agrees:
            by_reason[o.reason].append(o)

    if args.json:
        report: dict[str, Any] = {
            "agreeing": agreeing,
            "counted": total,
            "agreement": round(share, 2),
            "positive": sum(p.positive for p in pairs),
            "negative": sum(not p.positive for p in pairs),
            "schemas_skipped": skipped,
            "seconds": round(elapsed, 1),
            "disagreements": {
                reason: [
                    {
                        "schema": o.pair.schema.name,
                        "test": str(o.pair.test.relative_to(src)),
                        "detail": o.detail,
                    }
                    for o in items
                ]
                for reason, items in sorted(by_reason.items())
            },
        }
        print(json.dumps(report, indent=2))
    else:
        positives = sum(p.positive for p in pairs)
        print(f"SchemaStore corpus: {args.corpus}")
        print(f"schemas skipped by SchemaStore (skiptest): {len(skipped)}")
        if not args.schema:
            print(
                f"test files not counted (skiptest schemas, folders with no schema): "
                f"{uncounted_files(src, pairs)}"
            )
        print(
            f"pairs counted: {total} ({positives} valid tests, {total - positives} invalid tests)"
        )
        for reason, items in sorted(by_reason.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            print(f"\n{reason}: {len(items)}")
            for o in items:
                detail = f"  -- {o.detail}" if o.detail else ""
                print(f"  {o.pair.test.relative_to(src)}{detail}")
        print(f"\nagreement: {agreeing}/{total} = {share:.2f}%  ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    sys.exit(main())
