"""The hostile-input corpus: files built to break config tools, generated (never committed).

``python -m tests.hostile.corpus`` prints, for every case, configguard's exit code, peak
memory and time on this machine (the figures quoted in issue notes), as a Markdown table.
Bounds: every case within 1 GiB of address space and a minute; cases that set
``max_seconds``/``max_peak_mib`` (a 1 GB file must not be read) within those.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SCHEMA = {"type": "object", "properties": {"enabled": {"type": "boolean"}}}
# A schema that attacks the validator: the lookahead forces the backtracking engine, and
# (a|a)* makes it exponential on "aaaa...!".
REDOS_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "pattern": "^(a|a)*(?=b)$"},
        "names": {"type": "array", "items": {"type": "string", "pattern": "^(a|a)*(?=b)$"}},
    },
}
PROJECT = """version: 1
targets:
  sized:
    files: ["sized/*"]
    schema: schema.json
    rules: [rules.yaml]
  redos:
    files: ["redos/*"]
    schema: redos.schema.json
"""
RULES = """rules:
  - id: sized.max-bytes
    kind: max-bytes
    max: 1MB
"""
GIB = 1 << 30

MEMORY_LIMIT = 1 << 30  # every case must run within 1 GiB of address space...
TIME_LIMIT = 60.0  # ...and a minute


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    make: Callable[[Path], None]
    exit_codes: tuple[int, ...] = (1,)
    expect: str = ""
    """A fragment the one-line finding (or error) must contain."""
    project: bool = False
    """Checked through the corpus's configguard.yaml (rules, other schemas), not --schema."""
    max_seconds: float = 0.0
    max_peak_mib: float = 0.0
    """Tighter bounds than the corpus-wide ones (0: none), e.g. a huge file is never read."""
    fault: str = ""
    """An errno name the read fails with (root ignores chmod 000; a vanishing file is a race)."""


def _write(data: bytes | str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data.encode() if isinstance(data, str) else data)

    return make


def _alias_bomb(path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n")


def _symlink_loop(path: Path) -> None:
    other = path.with_name("loop-b.json")
    os.symlink(other.name, path)
    os.symlink(path.name, other)


def _directory(path: Path) -> None:
    path.mkdir()


def _sparse(size: int) -> Callable[[Path], None]:
    """A file of ``size`` bytes that takes no disk space (and no time to make)."""

    def make(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            fh.truncate(size)

    return make


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # nobody ever writes to it: opening it for reading would block forever


def _dev_zero(path: Path) -> None:
    os.symlink("/dev/zero", path)  # endless bytes


def _in(folder: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    def made(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        make(path)

    return made


CASES: list[Case] = [
    Case("alias bomb (billion laughs)", "bomb.yaml", _alias_bomb, expect="alias bomb"),
    Case(
        "JSON nested 100,000 deep",
        "deep.json",
        _write("[" * 100_000 + "]" * 100_000),
        expect="nesting",
    ),
    Case(
        "YAML nested 100,000 deep",
        "deep.yaml",
        _write("[" * 100_000 + "]" * 100_000),
        expect="nesting",
    ),
    Case(
        "JSON nested 998 deep (within the limit)",
        "deep998.json",
        _write('{"deep": ' + "[" * 998 + "]" * 998 + "}"),
        exit_codes=(0,),
        expect="All 1 file passed",
    ),
    Case(
        "same, with an escape (the exact parser)",
        "deep998e.json",
        _write('{"s": "\\n", "deep": ' + "[" * 998 + "]" * 998 + "}"),
        exit_codes=(0,),
        expect="All 1 file passed",
    ),
    Case("invalid UTF-8", "latin1.yaml", _write(b"name: caf\xe9\n"), expect="not valid UTF-8"),
    Case(
        "UTF-8 BOM", "bom.json", _write(b'\xef\xbb\xbf{"enabled": "yes"}'), expect="is not of type"
    ),
    Case(
        "UTF-16 with BOM",
        "utf16.json",
        _write('{"enabled": 1}'.encode("utf-16")),
        expect="is not of type",
    ),
    Case("NUL bytes", "nul.yaml", _write(b"enabled: tr\x00ue\n"), expect="not allowed"),
    Case(
        "CRLF and mixed line endings",
        "crlf.yaml",
        _write(b"a: 1\r\nb: 2\nenabled: 3\r\n"),
        expect="is not of type",
    ),
    Case("empty JSON file", "empty.json", _write(b""), expect="empty"),
    Case("empty YAML file", "empty.yaml", _write(b""), expect="null is not of type"),
    Case(
        "only comments",
        "comments.yaml",
        _write("# nothing\n# here\n"),
        expect="null is not of type",
    ),
    Case(
        "duplicate keys at every level",
        "dups.yaml",
        _write("a:\n  b:\n    c: 1\n    c: 2\n  b: 3\na: 4\n"),
        expect="duplicate key",
    ),
    Case("NaN in JSON", "nan.json", _write('{"enabled": NaN}'), expect="NaN is not valid JSON"),
    Case(
        "Infinity in JSON", "inf.json", _write('{"enabled": -Infinity}'), expect="is not valid JSON"
    ),
    Case(".nan in YAML", "nan.yaml", _write("enabled: .nan\n"), expect="no JSON equivalent"),
    Case(
        "integer of 100,000 digits",
        "bigint.json",
        _write('{"n": ' + "9" * 100_000 + "}"),
        expect="100000 digits",
    ),
    Case("float 1e999999", "huge.json", _write('{"n": 1e999999}'), expect="overflows"),
    Case(
        "YAML tag constructing Python objects",
        "tag.yaml",
        _write('enabled: !!python/object/apply:os.system ["echo pwned"]\n'),
        expect="would construct a Python object",
    ),
    Case(
        "YAML 1.1 booleans",
        "yes.yaml",
        _write("enabled: yes\n"),
        expect='"yes" is not of type "boolean"',
    ),
    Case("symlink loop", "loop-a.json", _symlink_loop, expect="cannot read file"),
    Case(
        "directory named x.json", "dir.json", _directory, expect="cannot read file: is a directory"
    ),
    Case("FIFO named x.json", "fifo.json", _fifo, expect="not a regular file (a FIFO)"),
    Case("symlink to /dev/zero", "zero.json", _dev_zero, expect="not a regular file (a character"),
    Case(
        "1 GB file (sparse) behind max-bytes: 1MB",
        "sized/huge.json",
        _sparse(GIB),
        expect="at most 1 MB allowed; not parsed",
        project=True,
        max_seconds=10.0,
        max_peak_mib=150.0,
    ),
    Case(
        "1 GB file (sparse), no max-bytes rule",
        "gigabyte.json",
        _sparse(GIB),
        expect="larger than the 100 MB configguard reads without a max-bytes rule",
        max_seconds=10.0,
        max_peak_mib=150.0,
    ),
    Case(
        "schema pattern with catastrophic backtracking",
        "redos/name.yaml",
        _in("redos", _write("name: " + "a" * 60 + "!\n")),
        expect="open to catastrophic backtracking",
        project=True,
        max_seconds=10.0,
    ),
    Case(
        "unreadable file (EACCES)",
        "locked.json",
        _write("{}"),
        expect="cannot read file: Permission denied",
        fault="EACCES",
    ),
    Case(
        "file deleted after discovery (ENOENT)",
        "vanished.json",
        _write("{}"),
        expect="cannot read file: No such file or directory",
        fault="ENOENT",
    ),
    Case(
        "5,000 values against a catastrophic pattern",
        "redos/many.yaml",
        _in(
            "redos",
            _write("names:\n" + "".join(f"- {'a' * (50 + i % 7)}!{i}\n" for i in range(5000))),
        ),
        expect="it gave up on 20 values of this document already",
        project=True,
    ),
]


def build(folder: Path) -> None:
    (folder / "schema.json").write_text(json.dumps(SCHEMA))
    (folder / "redos.schema.json").write_text(json.dumps(REDOS_SCHEMA))
    (folder / "configguard.yaml").write_text(PROJECT)
    (folder / "rules.yaml").write_text(RULES)
    (folder / "sized").mkdir(exist_ok=True)
    for case in CASES:
        case.make(folder / case.file)


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_kib: int


# Runs the CLI, then reports the process's own peak RSS on stderr's last line. VmHWM, not
# ru_maxrss: Linux carries ru_maxrss across fork and exec, so a child of a big pytest
# process would report pytest's peak.
_WRAPPER = """
import atexit, resource, sys
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
def peak():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: sys.stderr.write("\\nPEAK_KIB=%d\\n" % peak()))
import configguard.fastexit as fastexit  # a run that leaves with os._exit skips atexit
leave = fastexit.exit_now
def exit_now(code):
    sys.stderr.write("\\nPEAK_KIB=%d\\n" % peak())
    leave(code)
fastexit.exit_now = exit_now
fault = sys.argv.pop(1)
if fault:
    import errno, os
    import configguard.load
    def failing(path, limit=None):
        number = getattr(errno, fault)
        raise OSError(number, os.strerror(number), str(path))
    configguard.load.read_bytes = failing
sys.argv = ["configguard", *sys.argv[1:]]
from configguard.cli import run
run()
"""


def run(
    folder: Path, file: str, fmt: str = "text", project: bool = False, fault: str = ""
) -> Outcome:
    """configguard in a child process under the memory limit, with its peak RSS."""
    start = time.perf_counter()
    how = [] if project else ["--schema", "schema.json"]
    argv = ["check", *how, file, "--format", fmt]
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, str(MEMORY_LIMIT), fault, *argv],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        stdout, stderr = proc.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        return Outcome(-1, stdout, stderr, TIME_LIMIT, 0)
    seconds = time.perf_counter() - start
    stderr, _, peak = stderr.rpartition("PEAK_KIB=")
    return Outcome(proc.returncode, stdout, stderr.rstrip("\n"), seconds, int(peak or 0))


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build(folder)
        print(f"| {'case':46} | exit (text/json) | time (s) | peak RSS (MiB) | as expected |")
        print(f"|{'-' * 48}|------------------|----------|----------------|-------------|")
        for case in CASES:
            text = run(folder, case.file, "text", case.project, case.fault)
            data = run(folder, case.file, "json", case.project, case.fault)
            seconds = max(text.seconds, data.seconds)
            peak = max(text.peak_kib, data.peak_kib) / 1024
            codes = f"{text.code} / {data.code}"
            ok = (
                text.code in case.exit_codes
                and data.code in case.exit_codes
                and case.expect in text.stdout + text.stderr
                and "Traceback" not in text.stderr + data.stderr
            )
            mark = "yes" if ok else "NO"
            print(f"| {case.name:46} | {codes:16} | {seconds:8.2f} | {peak:14.1f} | {mark:11} |")


if __name__ == "__main__":
    main()
