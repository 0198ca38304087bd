"""Schemas from the network, only when the user allows it: downloaded once, kept on disk.

``--schema URL`` (with ``--allow-remote-refs``) is downloaded to ``.configguard/cache/``,
named by the URL's hash, and read from there on later runs, so a pre-commit hook does not
go to the network on every commit. ``--no-cache`` never reads the cached copy: it
downloads the schema again (and refreshes the copy).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .errors import ConfigurationError

TIMEOUT = 10.0
"""Seconds one download may take."""
MAX_BYTES = 20_000_000
"""A schema larger than this is refused (the largest SchemaStore schema is 2.7 MB)."""


def download(url: str) -> bytes:
    """The body at ``url``; ConfigurationError naming the URL when it cannot be had."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "configguard"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body: bytes = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ConfigurationError(f"cannot download {url}: {reason}") from None
    if len(body) > MAX_BYTES:
        raise ConfigurationError(f"cannot download {url}: more than {MAX_BYTES:,} bytes")
    return body


def fetch_schema(url: str, cache: Path, *, use_cache: bool = True) -> Path:
    """A local file holding the schema at ``url``: the cached copy, or a fresh download."""
    name = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32] + ".json"
    cached = cache / name
    if use_cache and cached.is_file():
        return cached
    body = download(url)
    try:
        json.loads(body)
    except ValueError as exc:
        raise ConfigurationError(f"{url} is not a JSON schema: {exc}") from None
    cache.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(body)
    partial.replace(cached)  # atomic: a concurrent run never reads half a file
    return cached
