"""Everything about JSON Schemas for user files: the registry, and what its modules export.

``registry`` (offline ``$ref`` registry, compile cache), ``drafts`` (where validators
differ), ``patterns`` (the backtracking-pattern guard), ``messages`` (best match and
message text), ``walk`` (subschemas and local ``$ref``s). None imports jsonschema-rs
until a schema is compiled.
"""

from __future__ import annotations

from .messages import MAX_MESSAGE
from .patterns import BACKTRACK_LIMIT, MAX_GIVE_UPS, PATTERN_BUDGET
from .registry import CompiledSchema, SchemaRegistry, read_schema
from .walk import resolve_local, subschemas

__all__ = [
    "BACKTRACK_LIMIT",
    "MAX_GIVE_UPS",
    "MAX_MESSAGE",
    "PATTERN_BUDGET",
    "CompiledSchema",
    "SchemaRegistry",
    "read_schema",
    "resolve_local",
    "subschemas",
]
