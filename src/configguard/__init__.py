"""configguard: lint proposed configuration changes before rollout."""

from ._version import __version__

__all__ = ["__version__"]
