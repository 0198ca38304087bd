"""reStructuredText as a terminal reads it: the subset configguard's docs use, rendered.

Kind documentation (``explain``) is written in reStructuredText so that the same text is
the docstring, ``docs/rules.md`` and the examples the tests run. Printed raw it shows
``::`` and double backquotes; :func:`render` turns headings (an underlined line, or a
``Rule::`` / ``PASS::`` block title), literal blocks (YAML, highlighted by rich on a
terminal) and inline literals into text, plain when colour is off (piped output).
"""

from __future__ import annotations

import re

_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}\s*$")
_LITERAL = re.compile(r"``([^`]+)``")


def _blocks(text: str) -> list[tuple[str, str]]:
    """(kind, text) pieces: "heading", "code", or "text" (one paragraph line each)."""
    lines = text.strip("\n").splitlines()
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and line.strip() and _UNDERLINE.match(lines[i + 1]):
            out.append(("heading", line.strip()))
            i += 2
            continue
        if line.rstrip().endswith("::"):
            title = line.rstrip()[:-2].rstrip()
            out.append(("heading" if title and " " not in title.strip() else "text", title + ":"))
            i += 1
            code: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                code.append(lines[i])
                i += 1
            indent = min((len(c) - len(c.lstrip()) for c in code if c.strip()), default=0)
            body = "\n".join(c[indent:] for c in code).strip("\n")
            out.append(("code", body))
            if i < len(lines):
                out.append(("text", ""))
            continue
        out.append(("text", line))
        i += 1
    return out


def render(text: str, *, color: bool, width: int = 100) -> str:
    """``text`` rendered: ANSI styles and highlighted YAML when ``color``, else plain."""
    blocks = _blocks(text)
    if not color:
        out: list[str] = []
        for kind, body in blocks:
            if kind == "code":
                out.extend(("    " + c if c else "") for c in body.splitlines())
            else:
                out.append(_LITERAL.sub(r"`\1`", body))
        return "\n".join(out).rstrip() + "\n"
    import io

    from rich.console import Console
    from rich.syntax import Syntax
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=width, highlight=False)
    for kind, body in blocks:
        if kind == "heading":
            console.print(Text(body, style="bold underline"))
        elif kind == "code":
            console.print(Syntax(body, "yaml", theme="ansi_dark", background_color="default"))
        else:
            line = Text()
            for i, part in enumerate(_LITERAL.split(body)):
                line.append(part, style="bold cyan" if i % 2 else "")
            console.print(line)
    return buffer.getvalue()
