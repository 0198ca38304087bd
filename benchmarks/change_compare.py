"""How keyed entry comparison scales: time for n = 1,000 ... 100,000 entries, reordered.

Run by hand: ``python benchmarks/change_compare.py``. Linear time shows as a flat
microseconds-per-entry column (pairwise comparison would grow it tenfold per row).
"""

from __future__ import annotations

import random
import statistics
import time

from configguard.diff import compare_entries


def entries(n: int) -> list[dict[str, object]]:
    return [{"name": f"feature_{i}", "type": "float", "weight": i / n} for i in range(n)]


def main() -> None:
    rnd = random.Random(20251118)
    print(f"{'entries':>8}  {'median s':>9}  {'us/entry':>8}  no-change verdict")
    for n in (1_000, 10_000, 100_000):
        old = entries(n)
        new = list(old)
        rnd.shuffle(new)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            diff = compare_entries(old, new, ["name"])
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f"{n:>8}  {median:>9.4f}  {median / n * 1e6:>8.2f}  {diff.is_empty}")


if __name__ == "__main__":
    main()
