"""Static analysis of a regular expression for catastrophic backtracking (ReDoS).

Why our own: the maintained analysers on PyPI were tried on the two classic cases.
regexploit and redos miss Cloudflare's 2 July 2019 pattern ``.*(?:.*=.*)`` (cubic
backtracking); redoctor answers "unknown" on it and takes over a second per pattern.

The method is the ambiguity analysis of Weideman et al. ("Analyzing matching time
behavior of backtracking regular expression matchers by using ambiguity of NFA",
2016), on a Thompson NFA built from Python's own regex parser:

* **exponential**: some state ``q`` can go from ``q`` back to ``q`` on one word ``w``
  along two different paths (EDA). Detected as a strongly connected component of the
  pair automaton that holds both ``(q, q)`` and a pair ``(p, r)`` with ``p != r``.
* **polynomial**: two different states ``p`` and ``q`` with one word ``w`` that leads
  ``p -> p``, ``p -> q`` and ``q -> q`` (IDA; ``.*.*=`` is the shape). Detected in the
  triple automaton, from ``(p, p, q)`` to ``(p, q, q)``.

A backtracking matcher only pays for ambiguity when the match can still fail after it,
so a finding needs the rest of the pattern (after the pumped state) to be unable to
succeed without consuming input or passing an assertion such as ``$``. Each finding
carries an attack string (prefix + pumped word repeated), which the tests run.

Approximations, all on the side of reporting: bounded repeats with more than two
optional copies (``{1,50}``) count as unbounded; lookarounds, backreferences and anchors
are steps that may fail; atomic groups and possessive repeats are analysed as if they
backtracked; branch order is ignored. Character classes are compared on a probe
alphabet of every literal and range end in the pattern plus representatives of each
class, which is exact for literals and ranges. Patterns are Python ``re`` syntax, and
whether a probe matches a class is asked of ``re`` itself, under the flags in force
there (global or scoped ``(?i:...)``): case folding is Python's, not ``str.lower``'s.

The work is bounded: every step (an edge pair tried, a state visited) is counted against
``BUDGET``, and a pattern that needs more is TooComplex. Counting, not timing, keeps the
verdict independent of the machine's load.
"""

from __future__ import annotations

import importlib
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MAX_STATES = 3000
"""Patterns whose NFA is larger are reported as too complex to analyse."""
BUDGET = 2_000_000
"""Steps of work (an edge pair tried, a state visited) per pattern before giving up.

Steps are counted, not timed, so that a pattern gets the same verdict on a loaded
machine as on an idle one; 2,000,000 steps took 0.3 to 1.5 s on the OWASP CRS patterns
(2 shared cores)."""

_REPS = "aAzZ09_ \t\n\r=-.,;:!/\\\"'()[]{}<>@#*+?|~^$%&é\u00df\u0663\u4e00\x00\x7f\uffff"
_CHAR_FLAGS = re.IGNORECASE | re.ASCII | re.DOTALL
"""The flags that change which characters a character-matching item accepts."""
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


class TooComplex(Exception):
    """The pattern is too large for the analysis within its budget."""


class _Budget:
    """The steps of work left for one pattern; ``spend`` raises TooComplex past zero."""

    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self, steps: int, what: str) -> None:
        self.left -= steps
        if self.left < 0:
            raise TooComplex(f"{what} is too large")


@dataclass(frozen=True)
class Verdict:
    """What the analysis concluded: ``kind`` is "exponential" or "polynomial"."""

    kind: str
    prefix: str
    pump: str
    suffix: str

    def attack(self, n: int) -> str:
        """An input on which a backtracking matcher takes time growing with ``n``."""
        return self.prefix + self.pump * n + self.suffix

    def example(self) -> str:
        return f"{self.prefix!r} + {self.pump!r} * n + {self.suffix!r}".replace(
            "'' + ", ""
        ).replace(" + ''", "")


@dataclass
class _Nfa:
    """A Thompson NFA: ``eps`` edges are free, ``gate`` edges are assertions that may fail."""

    chars: list[list[tuple[Any, int]]] = field(default_factory=list)
    eps: list[list[int]] = field(default_factory=list)
    gate: list[list[int]] = field(default_factory=list)

    def new(self) -> int:
        self.chars.append([])
        self.eps.append([])
        self.gate.append([])
        if len(self.chars) > MAX_STATES * 8:
            raise TooComplex(f"more than {MAX_STATES * 8} NFA states")
        return len(self.chars) - 1


def _op(name: Any) -> str:
    return str(name)


class _Builder:
    def __init__(self, flags: int) -> None:
        self.nfa = _Nfa()
        self.literals: set[int] = set()
        self.flags = flags
        """The flags in force where the builder is: scoped groups ``(?i:...)`` change them."""

    def seq(self, items: Iterable[tuple[Any, Any]], start: int) -> int:
        state = start
        for op, arg in items:
            state = self.item(_op(op), arg, state)
        return state

    def char(self, label: Any, start: int) -> int:
        end = self.nfa.new()
        # a label carries the flags it is matched under (case, ASCII, dot-all)
        self.nfa.chars[start].append(((self.flags & _CHAR_FLAGS, *label), end))
        return end

    def item(self, op: str, arg: Any, start: int) -> int:
        nfa = self.nfa
        if op == "LITERAL":
            self.literals.add(arg)
            return self.char(("in", False, (("LITERAL", arg),)), start)
        if op == "NOT_LITERAL":
            self.literals.add(arg)
            return self.char(("in", True, (("LITERAL", arg),)), start)
        if op == "ANY":
            return self.char(("any",), start)
        if op == "IN":
            negate = any(_op(o) == "NEGATE" for o, _ in arg)
            items = tuple((_op(o), a) for o, a in arg if _op(o) != "NEGATE")
            for o, a in items:
                if o == "LITERAL":
                    self.literals.add(a)
                elif o == "RANGE":
                    self.literals.update(a)
            return self.char(("in", negate, items), start)
        if op == "SUBPATTERN":
            _group, add, remove, body = arg
            outer = self.flags
            self.flags = (outer | int(add)) & ~int(remove)
            try:
                return self.seq(body, start)
            finally:
                self.flags = outer
        if op == "ATOMIC_GROUP":
            return self.seq(arg, start)
        if op == "BRANCH":
            end = nfa.new()
            for branch in arg[1]:
                entry = nfa.new()
                nfa.eps[start].append(entry)
                nfa.eps[self.seq(branch, entry)].append(end)
            return end
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = arg
            return self.repeat(
                int(low), None if _op(high) == "MAXREPEAT" else int(high), body, start
            )
        if op in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
            end = nfa.new()
            nfa.gate[start].append(end)
            return end
        if op == "GROUPREF_EXISTS":
            _group, yes, no = arg
            end = nfa.new()
            for branch in (yes, no):
                entry = nfa.new()
                nfa.gate[start].append(entry)
                nfa.eps[self.seq(branch or [], entry)].append(end)
            return end
        raise TooComplex(f"unsupported construct {op}")

    def repeat(self, low: int, high: int | None, body: Any, start: int) -> int:
        nfa = self.nfa
        state = start
        for _ in range(min(low, 2)):
            state = self.seq(body, state)
        if high is not None and high - low <= 2:
            end = nfa.new()
            for _ in range(high - low):  # nested optional copies: x(x)? not x?x?
                nfa.eps[state].append(end)
                state = self.seq(body, state)
            nfa.eps[state].append(end)
            return end
        if high is not None and high == low:
            return state
        # unbounded (or many optional copies): a loop
        loop = nfa.new()
        nfa.eps[state].append(loop)
        entry = nfa.new()
        nfa.eps[loop].append(entry)
        nfa.eps[self.seq(body, entry)].append(loop)
        end = nfa.new()
        nfa.eps[loop].append(end)
        return end


def _matcher(label: Any) -> Any:
    """A compiled one-character regex equivalent to ``label``, under the label's flags.

    Membership is asked of Python's own ``re`` rather than re-implemented: under
    IGNORECASE ``re`` folds one character to one character with its own tables (and
    special cases such as the Kelvin sign), which ``str.lower``/``str.upper`` do not
    (``"ß".upper()`` is two characters).
    """
    flags, *rest = label
    if rest[0] == "any":
        return re.compile(".", flags)
    _, negate, items = rest
    parts: list[str] = []
    for op, a in items:
        if op == "LITERAL":
            parts.append(_escape(a))
        elif op == "RANGE":
            parts.append(f"{_escape(a[0])}-{_escape(a[1])}")
        elif op == "CATEGORY" and str(a) in _CATEGORIES:
            parts.append(_CATEGORIES[str(a)])
        else:  # a construct this analysis does not model
            raise TooComplex(f"unsupported character class item {op} {a}")
    if not parts:
        return re.compile("[^\\s\\S]" if not negate else "[\\s\\S]", flags)
    return re.compile(f"[{'^' if negate else ''}{''.join(parts)}]", flags)


def _escape(code: int) -> str:
    """A code point written so that it stands for itself inside ``[...]``."""
    return f"\\U{code:08x}"


@dataclass
class _Graph:
    """The epsilon-free NFA: transitions as (probe bitmask, target)."""

    start: int
    edges: dict[int, list[tuple[int, int]]]
    can_fail_after: dict[int, bool]
    probes: str
    rank: list[int] = field(default_factory=list)
    """Probe indexes, least used by the pattern first: attack strings avoid the
    characters that would let the match succeed (``=`` in ``.*.*=``)."""


def _epsilon_free(builder: _Builder, start: int, accept: int, budget: _Budget) -> _Graph:
    nfa = builder.nfa
    # pattern literals first, then representatives: attack strings read naturally
    ordered = [chr(c) for c in sorted(builder.literals) if c < 0x110000] + list(_REPS)
    probes = "".join(dict.fromkeys(ordered))
    masks: dict[Any, int] = {}

    def mask(label: Any) -> int:
        key = repr(label)
        if key not in masks:
            budget.spend(len(probes), "the character classes")
            match = _matcher(label).fullmatch
            masks[key] = sum(1 << i for i, ch in enumerate(probes) if match(ch))
        return masks[key]

    def closure(state: int, gated: bool) -> set[int]:
        seen = {state}
        todo = [state]
        while todo:
            s = todo.pop()
            budget.spend(1, "the epsilon closure")
            for t in [*nfa.eps[s], *(nfa.gate[s] if gated else [])]:
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        return seen

    important = [start, *sorted({t for row in nfa.chars for _, t in row})]
    if len(important) > MAX_STATES:
        raise TooComplex(f"{len(important)} states (at most {MAX_STATES} are analysed)")
    edges: dict[int, list[tuple[int, int]]] = {}
    fails: dict[int, bool] = {}
    for s in important:
        out: set[tuple[int, int]] = set()
        for t in closure(s, gated=True):
            for label, u in nfa.chars[t]:
                m = mask(label)
                if m:
                    out.add((m, u))
        edges[s] = sorted(out)
        fails[s] = accept not in closure(s, gated=False)
    uses = [0] * len(probes)
    for row in edges.values():
        for m, _ in row:
            for i in range(len(probes)):
                uses[i] += m >> i & 1
    rank = sorted(range(len(probes)), key=lambda i: (uses[i] == 0, uses[i], i))
    return _Graph(start, edges, fails, probes, rank)


def _char(graph: _Graph, m: int) -> str:
    for i in graph.rank:
        if m >> i & 1:
            return graph.probes[i]
    return graph.probes[(m & -m).bit_length() - 1]


def _suffix(graph: _Graph, states: Iterable[int]) -> str:
    """A character that none of ``states`` can consume, so the match fails after the pump."""
    used = 0
    for s in states:
        for m, _ in graph.edges[s]:
            used |= m
    for i, ch in enumerate(graph.probes):
        if not used >> i & 1 and ch != "\n":
            return ch
    # only a newline fails: "$" also matches before a final newline, so write two
    return "\n\n" if not used >> graph.probes.index("\n") & 1 else ""


def _prefix(graph: _Graph, target: int) -> str:
    """A shortest word leading from the start to ``target``."""
    parent: dict[int, tuple[int, str] | None] = {graph.start: None}
    queue = deque([graph.start])
    while queue:
        s = queue.popleft()
        if s == target:
            break
        for m, t in graph.edges[s]:
            if t not in parent:
                parent[t] = (s, _char(graph, m))
                queue.append(t)
    word: list[str] = []
    node = target
    while parent.get(node) is not None:
        step = parent[node]
        assert step is not None
        node, ch = step
        word.append(ch)
    return "".join(reversed(word))


def _pairs(
    graph: _Graph, budget: _Budget
) -> dict[tuple[int, int], list[tuple[int, tuple[int, int]]]]:
    """The pair automaton reachable from the diagonal, of unordered pairs ``(p, q)``, p <= q.

    ``(p, q)`` and ``(q, p)`` read the same words, so one stands for both: a cycle through
    a diagonal pair and an off-diagonal one exists in this quotient exactly when it exists
    among ordered pairs (lift each step to whichever order it reaches), at half the work.
    """
    succ: dict[tuple[int, int], list[tuple[int, tuple[int, int]]]] = {}
    todo = [(s, s) for s in graph.edges]
    seen = set(todo)
    while todo:
        p, q = todo.pop()
        ep, eq = graph.edges[p], graph.edges[q]
        budget.spend(1 + len(ep) * len(eq), "the pair automaton")
        out: dict[tuple[int, int], int] = {}
        for i, (m1, p2) in enumerate(ep):
            # on the diagonal, edge pairs (i, j) and (j, i) reach the same unordered pair
            for m2, q2 in eq[i:] if p == q else eq:
                m = m1 & m2
                if m:
                    nxt = (p2, q2) if p2 <= q2 else (q2, p2)
                    out[nxt] = out.get(nxt, 0) | m
        # each successor is also stored, and walked by the SCC search: weigh it more
        budget.spend(8 * len(out), "the pair automaton")
        for nxt in out:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
        succ[(p, q)] = [(m, nxt) for nxt, m in out.items()]
    return succ


def _sccs(nodes: list[Any], succ: dict[Any, list[tuple[int, Any]]]) -> dict[Any, int]:
    """Tarjan's algorithm, iterative: node -> component number."""
    index: dict[Any, int] = {}
    low: dict[Any, int] = {}
    comp: dict[Any, int] = {}
    stack: list[Any] = []
    on_stack: set[Any] = set()
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = succ.get(node, [])
            if i < len(edges):
                work.append((node, i + 1))
                nxt = edges[i][1]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp[member] = index[node]
                    if member == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return comp


def _path(
    succ: dict[Any, list[tuple[int, Any]]],
    graph: _Graph,
    source: Any,
    goal: Any,
    allowed: Any = None,
) -> str | None:
    """A non-empty word along a path ``source -> goal`` (BFS), or None."""
    parent: dict[Any, tuple[Any, int]] = {}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for m, nxt in succ.get(node, []):
            if allowed is not None and nxt not in allowed:
                continue
            if nxt not in parent:
                parent[nxt] = (node, m)
                if nxt == goal:
                    return _spell(graph, parent, source, goal)
                queue.append(nxt)
    return None


def _spell(graph: _Graph, parent: dict[Any, tuple[Any, int]], source: Any, goal: Any) -> str:
    """The characters read along the breadth-first path from ``source`` to ``goal``
    (``parent`` keeps probe masks: a character is chosen only for the path's steps)."""
    word: list[str] = []
    cur = goal
    while True:
        prev, m = parent[cur]
        word.append(_char(graph, m))
        cur = prev
        if cur == source:
            return "".join(reversed(word))


def analyse(pattern: str, flags: int = 0) -> Verdict | None:
    """The worst backtracking behaviour of ``pattern``: None when it is linear.

    Raises ``re.error`` when the pattern does not compile and TooComplex when it is too
    large to analyse.
    """
    re.compile(pattern, flags)
    parser: Any = importlib.import_module("re._parser")
    parsed = parser.parse(pattern, flags)
    flags = int(parsed.state.flags)
    builder = _Builder(flags)
    start = builder.nfa.new()
    accept = builder.seq(parsed, start)
    budget = _Budget(BUDGET)
    graph = _epsilon_free(builder, start, accept, budget)
    succ = _pairs(graph, budget)
    comp = _sccs(sorted(succ), succ)
    # exponential: an SCC with a diagonal pair and an off-diagonal pair
    members: dict[int, list[tuple[int, int]]] = {}
    for node, c in comp.items():
        members.setdefault(c, []).append(node)
    for group in members.values():
        diagonal = [n for n in group if n[0] == n[1] and graph.can_fail_after[n[0]]]
        off = [n for n in group if n[0] != n[1]]
        if diagonal and off:
            q = min(diagonal)
            allowed = set(group)
            there = _path(succ, graph, q, min(off), allowed) or ""
            back = _path(succ, graph, min(off), q, allowed) or ""
            states = {n[0] for n in group} | {n[1] for n in group}
            return Verdict(
                "exponential", _prefix(graph, q[0]), there + back, _suffix(graph, states)
            )
    # polynomial: p != q, p ->w p, p ->w q, q ->w q
    return _polynomial(graph, budget)


def _polynomial(graph: _Graph, budget: _Budget) -> Verdict | None:
    single = {s: [(m, (t,)) for m, t in graph.edges[s]] for s in graph.edges}
    comp = _sccs(sorted((s,) for s in graph.edges), {(s,): v for s, v in single.items()})
    sizes: dict[int, int] = {}
    for c in comp.values():
        sizes[c] = sizes.get(c, 0) + 1
    looping = sorted(
        s for s in graph.edges if sizes[comp[(s,)]] > 1 or any(t == s for _, t in graph.edges[s])
    )
    reach: dict[int, set[int]] = {}
    for s in looping:
        seen = {s}
        todo = [s]
        while todo:
            x = todo.pop()
            budget.spend(2 * (1 + len(graph.edges[x])), "the reachability of looping states")
            for _, y in graph.edges[x]:
                if y not in seen:
                    seen.add(y)
                    todo.append(y)
        reach[s] = seen
    for p in looping:
        budget.spend(len(looping), "the pairs of looping states")
        for q in looping:
            if p == q or q not in reach[p] or comp[(p,)] == comp[(q,)]:
                continue
            if not graph.can_fail_after[q]:
                continue
            word = _triple(graph, p, q, budget)
            if word is not None:
                return Verdict("polynomial", _prefix(graph, p), word, _suffix(graph, (p, q)))
    return None


def _triple(graph: _Graph, p: int, q: int, budget: _Budget) -> str | None:
    source, goal = (p, p, q), (p, q, q)
    parent: dict[tuple[int, int, int], tuple[tuple[int, int, int], int]] = {}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        a, b, c = node
        ea, eb, ec = graph.edges[a], graph.edges[b], graph.edges[c]
        steps = 1 + len(ea) * len(eb)
        for m1, a2 in ea:
            for m2, b2 in eb:
                m12 = m1 & m2
                if not m12:
                    continue
                steps += len(ec)
                for m3, c2 in ec:
                    m = m12 & m3
                    nxt = (a2, b2, c2)
                    if not m or nxt in parent:
                        continue
                    parent[nxt] = (node, m)
                    if nxt == goal:
                        return _spell(graph, parent, source, goal)
                    queue.append(nxt)
        budget.spend(steps, "the triple automaton")
    return None
