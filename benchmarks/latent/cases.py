"""The latent-bug benchmark's cases: small consumers, each with one latent bug.

Every case has a schema that accepts the trigger (the bug is latent: the contract allows
a file the consumer cannot take), a last-known-good file the consumer accepts, and a
consumer whose bug is of a kind seen in real incidents. ``kind`` says which class:
``easy`` ones one generic move reaches (a long list, a null, an empty list, a big number,
a multibyte name); the others need a specific value or combination.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    consumer: str
    schema: dict[str, Any]
    good: Any
    timeout: str = "2s"
    extra_schemas: dict[str, Any] = field(default_factory=dict)
    """Other files of schema_dirs the schema refers to."""


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
    }


S2020 = "https://json-schema.org/draft/2020-12/schema"

CASES: list[Case] = [
    Case(
        "reserved-name",
        "dictionary",
        """
def load(data):
    table = {}
    for route in data["routes"]:
        if route["name"] == "__default__":  # special-cased: it must carry a target
            table[None] = route["target"]["host"]
        table[route["name"]] = route
    return table
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "routes": {
                        "type": "array",
                        "maxItems": 50,
                        "items": _obj(
                            {
                                "name": {"type": "string", "pattern": "^[a-z_]{1,20}$"},
                                "target": {"type": ["object", "null"]},
                            },
                            ["name"],
                        ),
                    }
                }
            ),
        },
        {"routes": [{"name": "api", "target": {"host": "a"}}, {"name": "web"}]},
    ),
    Case(
        "header-case-collision",
        "case",
        """
def load(data):
    seen = {}
    for name, value in data["headers"].items():
        folded = name.lower()
        if folded in seen:  # HTTP header names are case-insensitive: merging crashes here
            seen[folded] = seen[folded] + value[0]
        seen[folded] = value
    return seen
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "headers": {
                        "type": "object",
                        "propertyNames": {"pattern": "^[A-Za-z-]{1,30}$"},
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    }
                }
            ),
        },
        {"headers": {"Content-Type": ["json"], "X-Trace": ["1"]}},
    ),
    Case(
        "enum-combination",
        "combination",
        """
HANDLERS = {"block": 1, "log": 2, "skip": 3}


def load(data):
    plan = []
    for rule in data["rules"]:
        if rule["action"] == "skip" and rule["phase"] == "response":
            plan.append(rule["until"].upper())  # nobody had written skip on response before
        plan.append((HANDLERS[rule["action"]], rule["phase"]))
    return plan
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "rules": {
                        "type": "array",
                        "maxItems": 100,
                        "items": _obj(
                            {
                                "action": {"enum": ["block", "log", "skip"]},
                                "phase": {"enum": ["request", "response"]},
                                "until": {"type": "string"},
                            },
                            ["action", "phase"],
                        ),
                    }
                }
            ),
        },
        {
            "rules": [
                {"action": "skip", "phase": "request"},
                {"action": "block", "phase": "response"},
                {"action": "log", "phase": "request"},
            ]
        },
    ),
    Case(
        "integral-float",
        "integral-float",
        """
def load(data):
    return [attempt for attempt in range(data["retries"])]  # 3.0 is an integer to the schema
""",
        {"$schema": S2020, **_obj({"retries": {"type": "integer", "minimum": 0, "maximum": 10}})},
        {"retries": 3},
    ),
    Case(
        "recursion-depth",
        "recursion",
        """
def depth(node, level=0):
    if level > 12:
        raise RecursionError("menu nested deeper than the renderer's stack")
    return max([depth(child, level + 1) for child in node.get("children", [])], default=level)


def load(data):
    return depth(data["menu"])
""",
        {
            "$schema": S2020,
            "$defs": {
                "node": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string"},
                        "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                    },
                    "required": ["label"],
                }
            },
            **_obj({"menu": {"$ref": "#/$defs/node"}}),
        },
        {
            "menu": {
                "label": "root",
                "children": [{"label": "a", "children": [{"label": "b"}]}, {"label": "c"}],
            }
        },
    ),
    Case(
        "int32-overflow",
        "easy",
        """
import struct


def load(data):
    return struct.pack("<i", data["max_connections"])
""",
        {"$schema": S2020, **_obj({"max_connections": {"type": "integer", "minimum": 1}})},
        {"max_connections": 1024},
    ),
    Case(
        "hang-on-zero-backoff",
        "hang",
        """
def load(data):
    delay, waited = 1.0, 0.0
    while waited < data["max_wait"]:  # a backoff factor below 1 may never get there
        waited += delay
        delay *= data["backoff"]
    return waited
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "backoff": {"type": "number", "minimum": 0, "maximum": 10},
                    "max_wait": {"type": "number", "minimum": 1, "maximum": 100},
                }
            ),
        },
        {"backoff": 2, "max_wait": 30},
        timeout="1s",
    ),
    Case(
        "feature-limit",
        "easy",
        """
MAX_FEATURES = 200


def load(data):
    slots = [None] * MAX_FEATURES
    for index, feature in enumerate(data["features"]):
        slots[index] = feature["name"]
    return slots
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "features": {
                        "type": "array",
                        "maxItems": 1000,
                        "items": _obj({"name": {"type": "string"}}),
                    }
                }
            ),
        },
        {"features": [{"name": f"f{i}"} for i in range(40)]},
    ),
    Case(
        "nullable-field",
        "easy",
        """
def load(data):
    return [user["email"].lower() for user in data["users"]]
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "users": {
                        "type": "array",
                        "items": _obj({"email": {"type": ["string", "null"]}}),
                    }
                }
            ),
        },
        {"users": [{"email": "A@example.com"}]},
    ),
    Case(
        "empty-list",
        "easy",
        """
def load(data):
    weights = data["weights"]
    return sum(weights) / len(weights)
""",
        {"$schema": S2020, **_obj({"weights": {"type": "array", "items": {"type": "number"}}})},
        {"weights": [1, 2, 3]},
    ),
    Case(
        "multibyte-name",
        "easy",
        """
def load(data):
    for name in data["labels"]:
        encoded = name.encode("utf-8")
        if len(encoded) > 24:  # a 24-byte C buffer, sized for 24 characters
            raise BufferError("label overflows its buffer")
    return data["labels"]
""",
        {
            "$schema": S2020,
            **_obj({"labels": {"type": "array", "items": {"type": "string", "maxLength": 24}}}),
        },
        {"labels": ["primary", "secondary-region"]},
    ),
    Case(
        "whitespace-name",
        "strings",
        """
def load(data):
    return [name.strip()[0].upper() for name in data["names"]]
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "names": {
                        "type": "array",
                        "items": {"type": "string", "minLength": 1, "maxLength": 8},
                    }
                }
            ),
        },
        {"names": ["alpha", "beta"]},
    ),
    Case(
        "leap-day",
        "dates",
        """
import datetime


def load(data):
    start = datetime.date.fromisoformat(data["valid_from"])
    return start.replace(year=start.year + 1)  # a year later: there is no 29 February
""",
        {"$schema": S2020, **_obj({"valid_from": {"type": "string", "format": "date"}})},
        {"valid_from": "2025-03-01"},
    ),
    Case(
        "duplicate-id",
        "combination",
        """
def load(data):
    by_id = {}
    for entry in data["backends"]:
        if entry["id"] in by_id and by_id[entry["id"]]["zone"] != entry["zone"]:
            raise RuntimeError("backend moved zones")  # a near-duplicate entry
        by_id[entry["id"]] = entry
    return by_id
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "backends": {
                        "type": "array",
                        "uniqueItems": True,
                        "maxItems": 40,
                        "items": _obj(
                            {
                                "id": {"type": "string", "pattern": "^[a-z]{2,8}$"},
                                "zone": {"enum": ["eu", "us", "ap"]},
                            }
                        ),
                    }
                }
            ),
        },
        {"backends": [{"id": "alpha", "zone": "eu"}, {"id": "beta", "zone": "us"}]},
    ),
    Case(
        "magic-number",
        "dictionary",
        """
def load(data):
    for job in data["jobs"]:
        if job["priority"] == 9999:  # "drain" priority: it needs a target to drain to
            return job["drain_to"]
    return len(data["jobs"])
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "jobs": {
                        "type": "array",
                        "items": _obj(
                            {"priority": {"type": "integer", "minimum": 0, "maximum": 100000}}
                        ),
                    }
                }
            ),
        },
        {"jobs": [{"priority": 10}, {"priority": 500}]},
    ),
    Case(
        "nul-in-name",
        "strings",
        """
def load(data):
    for path in data["paths"]:
        c_string = path.split("\\x00")[0]  # what a C library sees
        if c_string != path:
            raise ValueError("embedded NUL")
    return data["paths"]
""",
        {
            "$schema": S2020,
            **_obj({"paths": {"type": "array", "items": {"type": "string", "maxLength": 64}}}),
        },
        {"paths": ["/etc/app.conf", "/var/lib/app"]},
    ),
    Case(
        "cross-file-ref",
        "easy",
        """
def load(data):
    return data["pool"]["size"] // data["pool"]["per_worker"]
""",
        {
            "$schema": S2020,
            **_obj({"pool": {"$ref": "pool.schema.json"}}),
        },
        {"pool": {"size": 64, "per_worker": 8}},
        extra_schemas={
            "pool.schema.json": {
                "$schema": S2020,
                **_obj(
                    {
                        "size": {"type": "integer", "minimum": 1},
                        "per_worker": {"type": "integer", "minimum": 0},
                    }
                ),
            }
        },
    ),
    Case(
        "staged-rollout-chain",
        "coverage",
        """
def load(data):
    plan = {"mode": data["mode"], "steps": []}
    if data["mode"] == "canary":
        plan["steps"].append("canary")
        if data["percent"] > 50:
            plan["steps"].append("wide")
            if data["region"] == "ap-south-2":
                return plan["steps"][data["percent"]]  # an index that was never that large
    return plan
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "mode": {"type": "string", "maxLength": 20},
                    "percent": {"type": "integer", "minimum": 0, "maximum": 100},
                    "region": {"type": "string", "maxLength": 20},
                }
            ),
        },
        {"mode": "stable", "percent": 10, "region": "eu-west-1"},
    ),
    Case(
        "feature-flag-chain",
        "coverage",
        """
def load(data):
    flags = data["flags"]
    enabled = [f for f in flags if f["on"]]
    for flag in enabled:
        if flag["name"] == "bulk-export":
            if flag.get("owner") == "batch-team":
                if flag["rollout"] == 0:
                    return 100 // flag["rollout"]  # "everyone but nobody yet"
    return len(enabled)
""",
        {
            "$schema": S2020,
            **_obj(
                {
                    "flags": {
                        "type": "array",
                        "maxItems": 30,
                        "items": _obj(
                            {
                                "name": {"type": "string", "maxLength": 30},
                                "on": {"type": "boolean"},
                                "owner": {"type": "string", "maxLength": 30},
                                "rollout": {"type": "integer", "minimum": 0, "maximum": 100},
                            },
                            ["name", "on", "rollout"],
                        ),
                    }
                }
            ),
        },
        {
            "flags": [
                {"name": "dark-mode", "on": True, "owner": "web-team", "rollout": 50},
                {"name": "search-v2", "on": False, "rollout": 10},
            ]
        },
    ),
]
