"""Examples per second of ``configguard fuzz`` for a trivial Python consumer and a command.

Builds a throw-away project in a temporary folder: the bot-features schema (maxItems
1000), its 61-row last-known-good file, and a consumer that accepts everything, so the
figure is configguard's own cost (generation, IPC, classification), not the consumer's.

    python benchmarks/fuzz_throughput.py [--examples 3000] [--command-examples 300]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "bot-features"

CONFIG = """\
version: 1
targets:
  python:
    files: ["features/*.json"]
    schema: bot-features.schema.json
    consumer: {{python: "trivial:load"}}
  command:
    files: ["features/*.json"]
    schema: bot-features.schema.json
    consumer: {{command: {command}}}
  shell:
    files: ["features/*.json"]
    schema: bot-features.schema.json
    consumer: {{command: ["sh", "-c", "cat > /dev/null"]}}
"""


def project(folder: Path) -> None:
    (folder / "features").mkdir()
    shutil.copy(EXAMPLE / "last-known-good" / "features" / "features.json", folder / "features")
    shutil.copy(EXAMPLE / "schemas" / "bot-features.schema.json", folder)
    (folder / "trivial.py").write_text("def load(data):\n    return data\n", encoding="utf-8")
    command = f'["{sys.executable}", "-S", "-c", "import sys; sys.stdin.buffer.read()"]'
    (folder / "configguard.yaml").write_text(CONFIG.format(command=command), encoding="utf-8")


def measure(
    folder: Path, target: str, examples: int, guided: bool = True
) -> tuple[int, float, float]:
    from configguard import fuzz

    started = time.perf_counter()
    result = fuzz(
        [target],
        cwd=folder,
        config=folder / "configguard.yaml",
        seed=20251118,
        max_examples=examples,
        max_time=600,
        headroom=False,
        guided=guided,
    )
    elapsed = time.perf_counter() - started
    assert not result.findings, [f.message for f in result.findings]
    return result.targets[0].examples, elapsed, result.targets[0].rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--command-examples", type=int, default=300)
    parser.add_argument("--python-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project(folder)
        # the first run builds Hypothesis's Unicode tables (cached under .configguard/)
        done, elapsed, _ = measure(folder, "python", 50)
        print(f"cold start: {done} examples in {elapsed:.2f}s (one-off table build)")
        runs = [
            ("python", args.examples, True, "trivial:load in the reused worker, coverage on"),
            ("python", args.examples, False, "trivial:load in the reused worker, --no-guidance"),
        ]
        if not args.python_only:
            runs += [
                ("command", args.command_examples, False, "python -S, a process per input"),
                ("shell", args.command_examples, False, "sh -c 'cat > /dev/null', per input"),
            ]
        for target, count, guided, what in runs:
            done, elapsed, rate = measure(folder, target, count, guided)
            print(
                f"{target:8} {done} examples in {elapsed:.2f}s (whole run) = "
                f"{done / elapsed:.0f}/s; search alone {rate:.0f}/s ({what})"
            )


if __name__ == "__main__":
    main()
