"""Draft adjustments: where validators differ, read schemas as Ajv does.

Ajv is what SchemaStore and most editors use; for the first reading it is also what the
JSON Schema specification says from 2019-09 on:

* ``contentMediaType`` and ``contentEncoding`` are annotations in every draft, never
  checks (jsonschema-rs would check them in drafts 6 and 7 only; Python jsonschema and
  Ajv never do).
* in a draft-04 schema, ``const`` (a draft-06 keyword that strict draft-04 validators
  silently ignore) is honoured, read as ``enum: [value]``: a schema author who wrote it
  meant it, and ignoring it would accept exactly the values it forbids.
"""

from __future__ import annotations

from typing import Any

from .walk import subschemas

_DRAFT4_URIS = ("http://json-schema.org/draft-04/schema", "https://json-schema.org/draft-04/schema")
_ANNOTATIONS = ("contentMediaType", "contentEncoding")


def is_draft4(schema: Any) -> bool:
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    return isinstance(declared, str) and declared.rstrip("#") in _DRAFT4_URIS


def prepare(schema: Any) -> Any:
    """The readings of the module docstring, applied once to a schema document, in place.

    Dropping content* keywords keeps jsonschema-rs from checking them in drafts 6 and 7
    (a no-op keyword hook would do the same but makes all validation about 1.7x slower).
    ``const: v`` in draft-04 becomes ``enum: [v]``, which compares the same way.
    """
    draft4 = is_draft4(schema)
    for node in subschemas(schema):
        for key in _ANNOTATIONS:
            if isinstance(node.get(key), str):
                del node[key]
        if draft4 and "const" in node:
            value = node["const"]
            if "enum" not in node:
                del node["const"]
                node["enum"] = [value]
            elif isinstance(node.get("allOf", []), list):
                del node["const"]
                node["allOf"] = [*node.get("allOf", []), {"enum": [value]}]
    return schema
