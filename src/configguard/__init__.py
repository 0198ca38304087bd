"""configguard: lint proposed configuration changes before rollout.

The public API: ``check`` and ``fuzz`` (and the result types they return). Imports stay
light so that ``configguard --version`` starts fast; each loads its machinery on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import ConfigurationError
from .findings import Finding, Report, Severity

if TYPE_CHECKING:
    from .api import check
    from .fuzzing import fuzz

__all__ = ["ConfigurationError", "Finding", "Report", "Severity", "__version__", "check", "fuzz"]


def __getattr__(name: str) -> Any:
    if name == "check":
        from .api import check

        return check
    if name == "fuzz":  # Hypothesis is imported only when fuzzing
        from .fuzzing import fuzz

        return fuzz
    raise AttributeError(f"module 'configguard' has no attribute {name!r}")
