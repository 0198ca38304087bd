"""Rebuild configguard's vendored SchemaStore catalog from a SchemaStore snapshot.

    python scripts/vendor_catalog.py [SCHEMASTORE_DIR]   (default: ../shared/corpora/schemastore)

Writes ``src/configguard/catalog/``: ``index.json.z`` (every catalog entry: name,
description, fileMatch, url, and the vendored file, or null when the schema is hosted
elsewhere; with the lookup tables that make matching cheap), ``schemastore.zip`` with
``schemas/<file>.json`` for every schema of ``src/schemas/json`` (SchemaStore hosts each at
``https://json.schemastore.org/<file>``; schemas ``$ref`` each other by those URLs),
minified, and SchemaStore's LICENSE and NOTICE.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import zipfile
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "configguard" / "catalog"
sys.path.insert(0, str(REPO / "src"))
from configguard.catalog import Entry, build_index  # noqa: E402

HOSTED = re.compile(
    r"^https?://(?:(?:www|json)\.schemastore\.org/"
    r"|raw\.githubusercontent\.com/SchemaStore/schemastore/master/src/schemas/json/)"
    r"([\w.\-]+\.json)$"
)
"""Where SchemaStore serves the schemas of its own repository."""


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared/corpora/schemastore"
    if not (source / "catalog.json").is_file():
        print(f"no SchemaStore snapshot at {source} (catalog.json missing)", file=sys.stderr)
        return 2
    folder = source / "src" / "schemas" / "json"
    schemas: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError as exc:
            print(f"skipped {path.name}: {exc}", file=sys.stderr)
            continue
        schemas[path.name] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    catalog = json.loads((source / "catalog.json").read_text(encoding="utf-8"))
    entries = []
    for entry in catalog["schemas"]:
        file = _vendored(entry["url"], schemas)
        if file is None:  # hosted elsewhere, but SchemaStore may keep versioned copies
            for url in (entry.get("versions") or {}).values():
                file = _vendored(url, schemas)
                if file is not None:
                    break
        entries.append(
            {
                "name": entry["name"],
                "description": entry.get("description", ""),
                "fileMatch": entry.get("fileMatch") or [],
                "url": entry["url"],
                "file": file,
            }
        )
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "schemastore.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in schemas.items():
            archive.writestr(f"schemas/{name}", text)
    rows = [[e["name"], e["description"], e["fileMatch"], e["url"], e["file"]] for e in entries]
    index = {"entries": rows, **build_index(Entry(*row) for row in rows)}
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    (OUT / "index.json.z").write_bytes(zlib.compress(text.encode("utf-8"), 9))
    for name in ("LICENSE", "NOTICE"):
        shutil.copyfile(source / name, OUT / name)
    vendored = sum(1 for e in entries if e["file"])
    print(
        f"wrote {OUT.relative_to(REPO)}: {len(entries)} entries ({vendored} vendored), "
        f"{len(schemas)} schemas, {target.stat().st_size / 1e6:.1f} MB"
    )
    return 0


def _vendored(url: str, schemas: dict[str, str]) -> str | None:
    """The vendored file for ``url``; None when SchemaStore does not host it, or hosts only a
    stub whose ``$ref`` sends validators elsewhere (that schema is not here either)."""
    match = HOSTED.match(url)
    if not match or match.group(1) not in schemas:
        return None
    data = json.loads(schemas[match.group(1)])
    ref = data.get("$ref") if isinstance(data, dict) else None
    annotations = {"$schema", "$id", "id", "title", "description", "$comment", "$ref"}
    if isinstance(ref, str) and "://" in ref and not HOSTED.match(ref.split("#")[0]):
        if set(data) <= annotations:
            return None
    return match.group(1)


if __name__ == "__main__":
    sys.exit(main())
