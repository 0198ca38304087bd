"""Where a fuzz campaign keeps its corpus and failures: Hypothesis's example database.

A folder (the default, ``.configguard/hypothesis/``, or any path) or Redis
(``redis://host:port/N``, through Hypothesis's ``RedisExampleDatabase``). Every runner
that names the same database shares it: a failure one runner found is replayed by the
others, and inputs kept for reaching new consumer code seed their corpora. Keys are
namespaced by target, schema hash and configguard version, so a changed schema or a new
configguard starts afresh instead of replaying stale choice sequences.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import ConfigurationError
from .reproducers import canonical
from .runner import Database


def namespace(target: str, schema: Any) -> str:
    """``target:schemahash:version``."""
    digest = hashlib.sha256(canonical(schema).encode("utf-8")).hexdigest()[:12]
    return f"{target}:{digest}:{__version__}"


def open_database(where: str | None, root: Path, default: Path, read: bool, space: str) -> Database:
    """The database named by ``--database``/``fuzz_database`` (relative to ``root``), or
    the default folder. ``read``: False only for a seeded run on the default folder."""
    if where is not None and where.startswith(("redis://", "rediss://", "unix://")):
        return Database(_redis(where), space, True)
    from hypothesis.database import DirectoryBasedExampleDatabase

    folder = default if where is None else (root / where)
    return Database(DirectoryBasedExampleDatabase(str(folder)), space, read or where is not None)


def _redis(url: str) -> Any:
    try:
        import redis
    except ImportError:
        raise ConfigurationError(
            f"fuzz database {url}: the redis client is not installed (pip install redis)"
        ) from None
    from hypothesis.extra.redis import RedisExampleDatabase

    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ConfigurationError(f"fuzz database {url}: cannot reach Redis: {exc}") from None
    return RedisExampleDatabase(client, key_prefix=b"configguard:")
