"""Data transforms before schema validation, as check-jsonschema's ``--data-transform``.

* ``azure-pipelines``: template expressions are flattened the way Azure DevOps expands
  them for one branch: a key ``${{ if ... }}:`` holding a mapping merges that mapping into
  its parent, and a list item ``- ${{ each ... }}: [...]`` (or ``if``) holding a list
  splices that list into its parent, so the pipeline is checked as it would run.
* ``gitlab-ci``: ``!reference [job, key]`` tags. configguard's YAML reader keeps a local
  tag's value and drops the tag, so a ``!reference`` already reads as the list of names
  that check-jsonschema's transform makes; the name is accepted for the same command line.

Only schema validation sees the transformed data (rules and consumers see the file as
written); a finding inside a flattened part is located at the nearest place that exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import ConfigurationError


def _expression(key: Any) -> bool:
    return isinstance(key, str) and key.startswith("${{") and key.rstrip().endswith("}}")


def azure_pipelines(data: Any) -> Any:
    """``data`` with Azure Pipelines template expressions flattened (a new object)."""
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, raw in data.items():
            value = azure_pipelines(raw)
            if _expression(key) and isinstance(value, dict):
                out.update(value)
            else:
                out[key] = value
        return out
    if isinstance(data, list):
        items: list[Any] = []
        for item in data:
            if isinstance(item, dict) and len(item) == 1:
                key, value = next(iter(item.items()))
                if _expression(key) and isinstance(value, list):
                    items.extend(azure_pipelines(value))
                    continue
            items.append(azure_pipelines(item))
        return items
    return data


def _same(data: Any) -> Any:
    return data


TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "azure-pipelines": azure_pipelines,
    "gitlab-ci": _same,
}


def get(name: str) -> Callable[[Any], Any]:
    try:
        return TRANSFORMS[name]
    except KeyError:
        known = ", ".join(sorted(TRANSFORMS))
        raise ConfigurationError(f"--data-transform {name}: unknown (use {known})") from None
