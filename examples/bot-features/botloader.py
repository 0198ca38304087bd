"""The bot-management module's feature loader: a stand-in for the proxy code of 18 Nov 2025.

It refuses malformed files cleanly (``ConfigError``), but it also preallocates room for
200 features, a limit nobody wrote down: the schema allows 1000. A file with more than
200 features makes it fail with an uncaught error (the proxy's ``unwrap()`` panic).
``configguard fuzz`` finds that before any such file exists; ``configguard check``
catches the proposed file that has it.
"""

from __future__ import annotations

from typing import Any

MAX_FEATURES = 200  # preallocated slots; memory was budgeted for this many
TYPES = {"float", "int", "bool"}


class ConfigError(ValueError):
    """The file is malformed: refuse it and keep serving with the previous one."""


def load(data: Any) -> list[tuple[str, str, float]]:
    """Parse the feature file into the module's fixed slot table."""
    if not isinstance(data, dict):
        raise ConfigError("the feature file must be an object")
    features = data.get("features")
    if not isinstance(features, list):
        raise ConfigError("'features' must be a list")
    slots: list[tuple[str, str, float] | None] = [None] * MAX_FEATURES
    for index, row in enumerate(features):
        if not isinstance(row, dict):
            raise ConfigError(f"feature {index} must be an object")
        name, kind, weight = row.get("name"), row.get("type"), row.get("weight")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"feature {index}: 'name' must be a non-empty string")
        if kind not in TYPES:
            raise ConfigError(f"feature {index}: unknown type {kind!r}")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise ConfigError(f"feature {index}: 'weight' must be a number")
        slots[index] = (name, kind, float(weight))  # IndexError past slot 200: the latent bug
    return [slot for slot in slots if slot is not None]


if __name__ == "__main__":  # also usable as a command: python botloader.py FILE
    import json
    import sys

    with open(sys.argv[1], encoding="utf-8") as fh:
        try:
            load(json.load(fh))
        except ConfigError as exc:
            print(f"refused: {exc}", file=sys.stderr)
            sys.exit(65)
