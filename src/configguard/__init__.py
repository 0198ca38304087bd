"""configguard: lint proposed configuration changes before rollout.

The public API: ``check`` (and the result types it returns). Imports stay light so that
``configguard --version`` starts fast; ``check`` loads its machinery on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import ConfigurationError
from .findings import Finding, Report, Severity

if TYPE_CHECKING:
    from .api import check

__all__ = ["ConfigurationError", "Finding", "Report", "Severity", "__version__", "check"]


def __getattr__(name: str) -> Any:
    if name == "check":
        from .api import check

        return check
    raise AttributeError(f"module 'configguard' has no attribute {name!r}")
