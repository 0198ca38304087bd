"""The search: Hypothesis draws cases, the consumer runs them, failures are kept and shrunk.

Sources run in short rounds, one Hypothesis run each; a scheduler gives the next round to
the source furthest below its share of the time, and shares follow what each source
found lately (failures, inputs that reached new consumer code) per second of its time.

Every crash is recorded here, as it happens, by its signature (schema-valid or not, and
the consumer's exception type and last frame, or exit status): Hypothesis then shrinks
each distinct failure (one exception class per signature, so it tells them apart) and we
keep the smallest input seen for each. A time limit ends the search by raising a
BaseException Hypothesis does not catch; what was recorded until then is the result, so
an interrupted shrink still reports its best input so far.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..consumers import Outcome, Runner
from .reproducers import canonical
from .strategies import Case, Sources, corpus_strategy, source_strategies

MAX_SIGNATURES = 20
SHRINK_SECONDS = 10.0


@dataclass
class Recorded:
    """The smallest input seen so far for one failure signature."""

    valid: bool
    outcome: Outcome
    case: Case
    size: int
    first_seen: float
    """Seconds from the start of the search to the first input with this signature."""
    first_example: int
    source: str = ""
    """The source whose round found it."""
    hits: int = 1


@dataclass
class SearchResult:
    examples: int = 0
    seconds: float = 0.0
    by_source: dict[str, int] = field(default_factory=dict)
    failures: dict[tuple[bool, str], Recorded] = field(default_factory=dict)
    stopped_by_time: bool = False
    seed: int = 0
    stats: dict[str, SourceStats] = field(default_factory=dict)
    corpus: int = 0
    """Inputs kept for reaching new consumer code."""


class _TimeUp(BaseException):
    """Ends the Hypothesis run at the time limit (a BaseException: Hypothesis lets it out)."""


class _RoundUp(BaseException):
    """Ends one source's round at its time slice."""


class ConsumerFailure(Exception):
    """Base of the per-signature classes raised to Hypothesis."""


_classes: dict[tuple[bool, str], type[ConsumerFailure]] = {}


def _failure_class(key: tuple[bool, str]) -> type[ConsumerFailure]:
    cls = _classes.get(key)
    if cls is None:
        name = f"ConsumerFailure{len(_classes)}"
        cls = _classes[key] = type(name, (ConsumerFailure,), {})
    return cls


Progress = Callable[[int, int, float], None]
"""Called now and then with (examples, distinct failures, seconds)."""

Oracle = Callable[[Any, Outcome], Outcome | None]
"""Given an input and the consumer's accepted outcome, a failure to record instead (rules
``on: output`` broken by the output: ``kind`` "output"), or None."""

ROUND_EXAMPLES = 300
ROUND_SECONDS = 0.4
"""A round of one source ends after this many examples or seconds (the first to come), so
the scheduler reacts quickly and a slow source costs time, not examples."""
MIN_SHARE = 0.05
"""No source gets less than this share of the time spent: each keeps a chance."""
HANG_FLOOR = 0.25
"""Once a hang is known, later inputs get this long (or 20x the slowest accepted run)."""
MAX_CORPUS = 256
CREDIT_FADE = 0.5


@dataclass
class SourceStats:
    """What one source cost and found (the report's per-source line)."""

    examples: int = 0
    seconds: float = 0.0
    found: int = 0
    """Distinct failures it found first."""
    new_code: int = 0
    """Inputs that reached consumer code no earlier input reached (coverage guidance)."""
    rounds: int = 0
    credit: float = 0.0
    """Recent finds (a failure counts as 20 inputs with new code), fading by half a round."""

    def settle(self, found: int, new_code: int) -> None:
        """After one of its rounds: what that round found, on top of the faded credit."""
        self.credit = self.credit * CREDIT_FADE + 20.0 * found + new_code

    def weight(self) -> float:
        """Inputs per second, scaled up by what it found lately: a slow source that finds
        nothing sinks to the floor share, one that keeps finding rises whatever its speed."""
        rate = (self.examples + 10) / (self.seconds + 0.1)  # a prior: warm-up is not speed
        return rate * (1.0 + self.credit)


@dataclass
class Database:
    """Where Hypothesis keeps what it found, and where the coverage corpus lives, keyed by
    ``namespace`` (target, schema hash, configguard version), shared by every runner that
    names the same database."""

    hypothesis: Any
    namespace: str
    read: bool = True
    """False for a seeded run on the default folder: it neither reads nor adds to it."""

    def key(self, source: str) -> bytes:
        return f"configguard:{self.namespace}:{source}".encode()

    def corpus(self, kind: str = "corpus") -> list[Any]:
        """Inputs kept by earlier runs (any runner sharing the database): ``corpus`` (new
        code reached) or ``failures`` (each failure's smallest input)."""
        import json

        if not self.read:
            return []
        out: list[Any] = []
        for raw in sorted(self.hypothesis.fetch(self.key(kind)))[:MAX_CORPUS]:
            with contextlib.suppress(ValueError):
                out.append(json.loads(raw))
        return out

    def keep(self, data: Any, kind: str = "corpus") -> None:
        if self.read:
            self.hypothesis.save(self.key(kind), canonical(data).encode("utf-8"))


def search(
    sources: Sources,
    runner: Runner,
    is_valid: Callable[[Any], bool],
    *,
    name: str,
    max_examples: int,
    max_time: float,
    seed: int,
    database: Database | None,
    suffix: str,
    progress: Progress | None = None,
    guided: bool = False,
    export: Callable[[Any], None] | None = None,
    stop_on_latent: bool = False,
    oracle: Oracle | None = None,
) -> SearchResult:
    """Run the consumer on generated cases until the limits; return what failed.

    The budget goes to sources in rounds: each round runs one source for a few dozen
    examples, and the next round goes to the source with the best finds (and new code,
    when ``guided``) per second, none below ``MIN_SHARE`` of the time. A timeout is not
    shrunk (each attempt costs the timeout); once one is known, later inputs get a
    shorter limit, so a hang costs its timeout once. ``export`` sees every input.
    """
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings

    result = SearchResult(seed=seed)
    started = time.monotonic()
    deadline = [started + max_time]
    last_report = [started]
    known: set[tuple[bool, str]] = set()
    stats = result.stats
    slowest = [0.0]
    hang: list[tuple[bool, str]] = []
    corpus: list[Any] = database.corpus() if database is not None and guided else []
    generated: list[Any] = []
    """Schema-generated inputs, mutated cheaply by the schema-mutation source."""
    current = [""]
    round_ends = [0.0]
    shrinking = [False]

    def test(case: Case) -> None:
        now = time.monotonic()
        if now > deadline[0]:
            result.stopped_by_time = True
            raise _TimeUp
        if now > round_ends[0] and not shrinking[0]:
            raise _RoundUp
        if progress is not None and now - last_report[0] > 0.25:
            last_report[0] = now
            progress(result.examples, len(result.failures), now - started)
        result.examples += 1
        source = stats[current[0]]
        source.examples += 1
        result.by_source[case.source] = result.by_source.get(case.source, 0) + 1
        if export is not None:
            export(case.data)
        if case.source == "schema" and len(generated) < MAX_CORPUS:
            generated.append(case.data)
        limit = None
        if hang:  # a hang is known: a schema-valid one (the latent bug) still gets found
            limit = min(runner.spec.timeout, max(HANG_FLOOR, 20 * slowest[0]))
        valid: bool | None = None
        if guided:  # only schema-valid inputs teach the search: its corpus stays valid
            valid = is_valid(case.data)
        outcome = runner.run(case.data, suffix=suffix, timeout=limit, measure=bool(valid))
        if outcome.new_coverage and guided:
            source.new_code += 1
            if len(corpus) < MAX_CORPUS:
                corpus.append(case.data)
                if database is not None:
                    database.keep(case.data)
        if not outcome.crashed:
            slowest[0] = max(slowest[0], outcome.seconds)
            broken = oracle(case.data, outcome) if oracle is not None else None
            if broken is None:
                return
            outcome = broken
        if valid is None:
            valid = is_valid(case.data)
        key = (valid, outcome.signature())
        if outcome.kind == "timeout" and key in hang:
            result.failures[key].hits += 1  # the known hang, cut short
            return
        if outcome.kind == "timeout" and limit is not None and limit < runner.spec.timeout:
            # a new hang under the shortened limit is confirmed with the full timeout
            # (once per distinct hang), so a slow but correct input is never reported
            outcome = runner.run(case.data, suffix=suffix)
            if not outcome.crashed:
                slowest[0] = max(slowest[0], outcome.seconds)
                return
            key = (valid, outcome.signature())
            if outcome.kind == "timeout" and key in hang:
                result.failures[key].hits += 1
                return
        size = len(canonical(case.data))
        found = result.failures.get(key)
        if found is None:
            if len(result.failures) >= MAX_SIGNATURES:
                return
            result.failures[key] = Recorded(
                valid, outcome, case, size, now - started, result.examples, current[0]
            )
            source.found += 1
            if stop_on_latent and valid:
                deadline[0] = now  # the first latent bug ends the search, unshrunk
                return
            if outcome.kind == "timeout":
                hang.append(key)
                return  # not shrunk: every attempt would cost the timeout
            # give this failure time to shrink even near the limit
            deadline[0] = max(deadline[0], now + min(SHRINK_SECONDS, max(max_time, 1.0)))
        else:
            found.hits += 1
            if size < found.size:
                found.outcome, found.case, found.size = outcome, case, size
        if key not in known:  # shrunk in an earlier round: let the search go on
            shrinking[0] = True
            raise _failure_class(key)(outcome.summary())

    test.__qualname__ = test.__name__ = "fuzz_" + "".join(c if c.isalnum() else "_" for c in name)
    strategies = source_strategies(sources)
    if guided:
        strategies["corpus"] = None  # built from the corpus at each of its rounds
    for source_name in strategies:
        stats[source_name] = SourceStats()
    hypothesis_db = database.hypothesis if database is not None else None
    wrapped_tests: dict[str, tuple[int, Any]] = {}
    # failures any runner sharing the database found are rerun first, whatever source
    # found them (Hypothesis's own replay is per source and per choice sequence)
    stats["replay"] = SourceStats()
    replay_started = time.monotonic()
    round_ends[0] = float("inf")
    for data in database.corpus("failures") if database is not None else []:
        current[0] = "replay"
        with contextlib.suppress(ConsumerFailure):
            test(Case("replay", data, ("saved in the shared database",)))
    stats["replay"].seconds = time.monotonic() - replay_started
    stats["replay"].rounds = 1 if stats["replay"].examples else 0
    known.update(result.failures)
    for round_number in range(MAX_ROUNDS_TOTAL):
        left = max_examples - result.examples
        if left <= 0 or time.monotonic() > deadline[0] or not strategies:
            break
        source_name = _pick(stats, strategies, {"corpus": corpus, "schema-mutation": generated})
        # Wrapping a test with given() costs ~15 ms (Hypothesis reads its source): once per
        # source, or per growth by half of a pool the source mutates.
        pool = corpus if source_name == "corpus" else generated
        cached = wrapped_tests.get(source_name)
        if cached is None or (strategies[source_name] is None and len(pool) >= cached[0] * 1.5):
            strategy = strategies[source_name]
            if strategy is None:
                strategy = corpus_strategy(pool, sources, source_name)
            cached = wrapped_tests[source_name] = (len(pool), given(strategy)(test))
        wrapped: Any = cached[1]
        current[0] = source_name
        record = stats[source_name]
        phases = [Phase.explicit, Phase.generate, Phase.shrink]
        if record.rounds == 0 and database is not None and database.read:
            phases.insert(1, Phase.reuse)
        record.rounds += 1
        configured = settings(
            max_examples=min(left, ROUND_EXAMPLES),
            deadline=None,
            database=hypothesis_db if database is not None and database.read else None,
            phases=phases,
            verbosity=Verbosity.quiet,
            report_multiple_bugs=True,
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        # one database key per target and source, not one for every target this serves
        test._hypothesis_internal_add_digest = (  # type: ignore[attr-defined]
            database.key(source_name) if database is not None else name.encode()
        )
        # what @settings and @seed would set, on the one wrapped test of this source
        wrapped._hypothesis_internal_use_settings = configured
        wrapped._hypothesis_internal_use_seed = seed + round_number
        round_started = time.monotonic()
        round_ends[0] = round_started + ROUND_SECONDS
        shrinking[0] = False
        found_before, new_before = record.found, record.new_code
        finished = _run_round(wrapped)
        record.seconds += time.monotonic() - round_started
        record.settle(record.found - found_before, record.new_code - new_before)
        known.update(result.failures)
        if not finished:
            break
    result.seconds = time.monotonic() - started
    result.corpus = len(corpus)
    if database is not None:
        for recorded in result.failures.values():
            database.keep(recorded.case.data, "failures")
    return result


MAX_ROUNDS_TOTAL = 100_000


def _pick(
    stats: dict[str, SourceStats], strategies: dict[str, Any], pools: dict[str, list[Any]]
) -> str:
    """The source furthest below its share of the time (shares follow productivity)."""
    usable = [s for s in strategies if s not in pools or pools[s]]
    untried = [s for s in usable if stats[s].rounds == 0]
    if untried:
        return untried[0]
    weights = {s: stats[s].weight() for s in usable}
    total_weight = sum(weights.values())
    floored = {s: max(MIN_SHARE, w / total_weight) for s, w in weights.items()}
    total_share = sum(floored.values())
    spent = sum(stats[s].seconds for s in usable) or 1.0
    # the source whose time so far is the smallest fraction of its share goes next
    return min(
        usable,
        key=lambda s: (stats[s].seconds / spent / (floored[s] / total_share), stats[s].rounds),
    )


def _run_round(wrapped: Callable[[], None]) -> bool:
    """One Hypothesis run; False when the time limit ended it."""
    from hypothesis.errors import HypothesisException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "overly large repr" of a big failing input
            wrapped()
    except _TimeUp:
        return False
    except _RoundUp:
        pass
    except ConsumerFailure:
        pass  # recorded in the test, as it happened
    except BaseExceptionGroup as group:
        if _reraise_foreign(group):
            return False
    except HypothesisException:
        pass  # e.g. Flaky (a crash that did not repeat): the records stand
    return True


@contextlib.contextmanager
def hypothesis_home(folder: Path | None) -> Iterator[None]:
    """Hypothesis's own files (its constants cache) go under .configguard/, not ./.hypothesis.

    Restored afterwards, so a project's own test session keeps its setting.
    """
    if folder is None:
        yield
        return
    from hypothesis import configuration

    previous = getattr(configuration, "__hypothesis_home_directory", None)
    configuration.set_hypothesis_home_dir(folder)
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(previous)


def _reraise_foreign(group: BaseExceptionGroup[BaseException]) -> bool:
    """Hypothesis reports several failures as a group: only ours are expected.

    True when the time limit is among them.
    """
    from hypothesis.errors import HypothesisException

    timed_out = False
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            timed_out = _reraise_foreign(exc) or timed_out
        elif isinstance(exc, _TimeUp):
            timed_out = True
        elif isinstance(exc, _RoundUp):
            continue
        elif not isinstance(exc, (ConsumerFailure, HypothesisException)):
            raise exc
    return timed_out
