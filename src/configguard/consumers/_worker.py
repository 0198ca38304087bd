"""The worker process that runs a ``python:`` consumer; it imports nothing from configguard.

Started by :mod:`configguard.consumers.python` as ``python _worker.py REQ_FD RESP_FD``.
It is a separate process so that whatever the consumer does (hang, abort, exhaust
memory, call ``sys.exit``) cannot take configguard down, and it is reused across
examples because importing the consumer once is what makes fuzzing fast.

Messages on both pipes are a 4-byte big-endian length and a UTF-8 JSON body. The
consumer's stdout and stderr are the worker's own, which the parent drains.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import traceback
from collections.abc import Mapping
from typing import Any

_MAX_TEXT = 2000
_MAX_FRAMES = 12


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks: list[bytes] = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _receive(fd: int) -> Any:
    head = _read_exact(fd, 4)
    if head is None:
        return None
    body = _read_exact(fd, int.from_bytes(head, "big"))
    return None if body is None else json.loads(body)


def _send(fd: int, message: Any) -> None:
    body = json.dumps(message).encode("utf-8")
    data = len(body).to_bytes(4, "big") + body
    while data:
        data = data[os.write(fd, data) :]


def _text(value: object) -> str:
    try:
        text = str(value)
    except BaseException:  # a consumer's __str__ may itself be broken
        text = object.__repr__(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "\u2026"


def _qualname(cls: type) -> str:
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("builtins", "__main__") else f"{module}.{name}"


def _crash(exc: BaseException, root: str) -> dict[str, Any]:
    """Type, message, the consumer's innermost frame and a short traceback."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop this worker's own frame

    def inside(name: str) -> bool:
        return os.path.abspath(name).startswith(root + os.sep)

    def shown(name: str) -> str:  # relative to the project: reports stay portable
        return os.path.relpath(name, root) if inside(name) else name

    ours = [f for f in frames if inside(f.filename)]
    where = ""
    if ours or frames:
        last = (ours or frames)[-1]
        where = f"{shown(last.filename)}:{last.lineno} in {last.name}"
    lines = []
    for frame in frames[-_MAX_FRAMES:]:
        lines.append(f'  File "{shown(frame.filename)}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    if isinstance(exc, SystemExit):
        message = f"the consumer called sys.exit({exc.code!r})"
    else:
        message = _text(exc)
    return {
        "status": "crash",
        "kind": "memory" if isinstance(exc, MemoryError) else "exception",
        "type": _qualname(type(exc)),
        "message": message,
        "where": where,
        "tail": lines,
    }


class _NotJson(Exception):
    """A part of a consumer's return value that has no JSON form."""

    def __init__(self, pointer: str, value: object) -> None:
        super().__init__(pointer)
        self.pointer = pointer
        self.type = _qualname(type(value))


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _to_json(value: Any, pointer: str = "") -> Any:
    """A return value as JSON data (``output: return``): mappings, sequences, sets as sorted
    lists, dataclasses and named tuples as objects, enums as their values; anything else
    raises _NotJson with its JSON Pointer, so the error names the type and where it is."""
    import dataclasses
    import enum

    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return _to_json(value.value, pointer)
    if isinstance(value, (int, float)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _to_json(getattr(value, f.name), f"{pointer}/{_escape(f.name)}")
            for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
        fields: tuple[str, ...] = value._fields
        return {
            k: _to_json(v, f"{pointer}/{_escape(k)}") for k, v in zip(fields, value, strict=True)
        }
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            name = key.value if isinstance(key, enum.Enum) else key
            if isinstance(name, bool) or not isinstance(name, (str, int)):
                raise _NotJson(f"{pointer}/{_escape(_text(key))} (a key)", key)
            out[str(name)] = _to_json(value[key], f"{pointer}/{_escape(str(name))}")
        return out
    if isinstance(value, (list, tuple)):
        return [_to_json(v, f"{pointer}/{i}") for i, v in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        items = [_to_json(v, f"{pointer}/*") for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    raise _NotJson(pointer, value)


def _output(result: Any, limit: int) -> dict[str, Any]:
    """The answer's output part: the JSON form of ``result``, or why there is none."""
    try:
        data = _to_json(result)
    except _NotJson as exc:
        where = exc.pointer or "/"
        return {"output_error": f"{exc.type} at {where}", "output_error_kind": "type"}
    except RecursionError:
        return {"output_error": "nested too deeply (or cyclic)", "output_error_kind": "type"}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    size = len(text.encode("utf-8", "surrogatepass"))  # compact JSON bytes, as max-bytes reads
    if size > limit:
        return {"output_error": f"{size:,} bytes", "output_error_kind": "size"}
    return {"output": data}


def _resolve(dotted: str) -> Any:
    """``package.module.Name`` -> the object, trying the longest importable module prefix."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    import builtins

    if len(parts) == 1 and hasattr(builtins, dotted):
        return getattr(builtins, dotted)
    raise ImportError(f"no module for {dotted!r}")


def _start(hello: dict[str, Any]) -> tuple[Any, tuple[type[BaseException], ...], str | None]:
    """Limits, folder, import path; then the callable and the declared rejections."""
    import importlib

    root = hello["root"]
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file
    limit = hello.get("memory_limit")
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.chdir(root)
    sys.path[0:1] = [root]  # replaces this file's own folder
    module_name, _, function_name = hello["python"].partition(":")
    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:
        return None, (), f"cannot import {module_name}: {type(exc).__name__}: {_text(exc)}"
    function: Any = module
    try:
        for part in function_name.split("."):
            function = getattr(function, part)
    except AttributeError:
        return None, (), f"module {module_name} has no {function_name!r}"
    if not callable(function):
        return None, (), f"{hello['python']} is not callable"
    rejects: list[type[BaseException]] = []
    for dotted in hello.get("rejects", []):
        try:
            cls = _resolve(dotted)
        except BaseException as exc:
            return None, (), f"rejects: cannot find {dotted}: {type(exc).__name__}: {_text(exc)}"
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            return None, (), f"rejects: {dotted} is not an exception class"
        rejects.append(cls)
    return function, tuple(rejects), None


class _Coverage:
    """Arcs of the consumer's own files, measured by coverage.py around each call.

    coverage.py's public API (start, stop, get_data) costs ~0.3 ms a call here, and is
    what keeps this maintained: its C tracer is not a public interface. Only the
    consumer's files are traced (``include``); no data file is written.
    """

    def __init__(self, files: list[str]) -> None:
        import coverage

        self.files = files
        self.cov = coverage.Coverage(data_file=None, branch=True, include=files, config_file=False)
        self.seen = 0

    def __enter__(self) -> None:
        self.cov.start()

    def __exit__(self, *exc: object) -> None:
        self.cov.stop()

    def new(self) -> int:
        data = self.cov.get_data()
        total = sum(len(data.arcs(f) or ()) for f in self.files)
        grown, self.seen = total - self.seen, total
        return grown


def main() -> None:
    request_fd, response_fd = int(sys.argv[1]), int(sys.argv[2])
    hello = _receive(request_fd)
    if hello is None:
        return
    root = os.path.abspath(hello["root"])
    function, rejects, error = _start(hello)
    output_limit = hello.get("output_limit")  # None: the return value is not captured
    _send(response_fd, {"ok": error is None, "error": error})
    if error is not None:
        return
    measure = None
    if hello.get("coverage"):
        with contextlib.suppress(ImportError):  # no coverage.py: the search is unguided
            measure = _Coverage(hello["coverage"])
    guard: Any = measure if measure is not None else contextlib.nullcontext()
    while True:
        data = _receive(request_fd)
        if data is None:
            return
        traced = measure is not None and data.get("measure", True)
        try:
            with guard if traced else contextlib.nullcontext():
                result = function(data["data"])
            answer: dict[str, Any] = {"status": "accepted"}
            if output_limit is not None:
                answer.update(_output(result, output_limit))
            result = None
        except rejects as exc:
            answer = {"status": "rejected", "type": _qualname(type(exc)), "message": _text(exc)}
        except BaseException as exc:
            answer = _crash(exc, root)
        finally:
            data = None
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(BaseException):
                    stream.flush()
            with contextlib.suppress(OSError):
                os.chdir(root)  # a consumer that changes folder does not move the next run
        if traced and measure is not None:
            answer["new"] = measure.new()
        _send(response_fd, answer)


if __name__ == "__main__":
    main()
