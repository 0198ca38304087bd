"""``python -m configguard``."""

from .cli import run

run()
