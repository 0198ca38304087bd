"""The search: Hypothesis draws cases, the consumer runs them, failures are kept and shrunk.

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
from .strategies import Case, Sources, case_strategy

MAX_SIGNATURES = 20
MAX_ROUNDS = 25
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
    hits: int = 1


@dataclass
class SearchResult:
    examples: int = 0
    seconds: float = 0.0
    by_source: dict[str, int] = field(default_factory=dict)
    failures: dict[tuple[bool, str], Recorded] = field(default_factory=dict)
    stopped_by_time: bool = False
    seed: int = 0


class _TimeUp(BaseException):
    """Ends the Hypothesis run at the time limit (a BaseException: Hypothesis lets it out)."""


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


def search(
    sources: Sources,
    runner: Runner,
    is_valid: Callable[[Any], bool],
    *,
    name: str,
    max_examples: int,
    max_time: float,
    seed: int,
    database_dir: Path | None,
    reuse: bool,
    suffix: str,
    progress: Progress | None = None,
    oracle: Oracle | None = None,
) -> SearchResult:
    """Run the consumer on generated cases until the limits; return what failed."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as seed_decorator
    from hypothesis.database import DirectoryBasedExampleDatabase

    result = SearchResult(seed=seed)
    started = time.monotonic()
    deadline = [started + max_time]
    last_report = [started]
    known: set[tuple[bool, str]] = set()

    def test(case: Case) -> None:
        now = time.monotonic()
        if now > deadline[0]:
            result.stopped_by_time = True
            raise _TimeUp
        if progress is not None and now - last_report[0] > 0.25:
            last_report[0] = now
            progress(result.examples, len(result.failures), now - started)
        result.examples += 1
        result.by_source[case.source] = result.by_source.get(case.source, 0) + 1
        outcome = runner.run(case.data, suffix=suffix)
        if not outcome.crashed:
            broken = oracle(case.data, outcome) if oracle is not None else None
            if broken is None:
                return
            outcome = broken
        valid = is_valid(case.data)
        key = (valid, outcome.signature())
        size = len(canonical(case.data))
        found = result.failures.get(key)
        if found is None:
            if len(result.failures) >= MAX_SIGNATURES:
                return
            result.failures[key] = Recorded(
                valid, outcome, case, size, now - started, result.examples
            )
            # give this failure time to shrink even near the limit
            deadline[0] = max(deadline[0], now + min(SHRINK_SECONDS, max(max_time, 1.0)))
        else:
            found.hits += 1
            if size < found.size:
                found.outcome, found.case, found.size = outcome, case, size
        if key not in known:  # shrunk in an earlier round: let the search go on
            raise _failure_class(key)(outcome.summary())

    test.__qualname__ = test.__name__ = "fuzz_" + "".join(c if c.isalnum() else "_" for c in name)
    # one database key per target, not one for every target this function serves
    test._hypothesis_internal_add_digest = name.encode()  # type: ignore[attr-defined]
    database = DirectoryBasedExampleDatabase(str(database_dir)) if database_dir else None
    strategy = case_strategy(sources)
    # Hypothesis stops looking soon after its first failure; each round shrinks what it
    # found, and the next round (new seed, known failures no longer raised) searches on.
    for round_number in range(MAX_ROUNDS):
        left = max_examples - result.examples
        if left <= 0 or time.monotonic() > deadline[0]:
            break
        before = len(result.failures)
        phases = [Phase.explicit, Phase.generate, Phase.shrink]
        if reuse and round_number == 0:
            phases.insert(1, Phase.reuse)
        configured = settings(
            max_examples=left,
            deadline=None,
            database=database,
            phases=phases,
            verbosity=Verbosity.quiet,
            report_multiple_bugs=True,
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        wrapped = seed_decorator(seed + round_number)(configured(given(strategy)(test)))
        if not _run_round(wrapped, database_dir):
            break
        if len(result.failures) == before:
            break  # a full round with nothing new: the examples are spent
        known.update(result.failures)
    result.seconds = time.monotonic() - started
    return result


def _run_round(wrapped: Callable[[], None], database_dir: Path | None) -> bool:
    """One Hypothesis run; False when the time limit ended it."""
    from hypothesis.errors import HypothesisException

    try:
        with hypothesis_home(database_dir), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "overly large repr" of a big failing input
            wrapped()
    except _TimeUp:
        return False
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
        elif not isinstance(exc, (ConsumerFailure, HypothesisException)):
            raise exc
    return timed_out
