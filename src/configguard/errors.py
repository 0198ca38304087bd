"""ConfigurationError: configguard cannot do its job (exit 2), with a located one-line reason."""

from __future__ import annotations


class ConfigurationError(Exception):
    """A problem in configguard's own inputs: configguard.yaml, a rules file, a schema, CLI use.

    Rendered as ``file:line:col: message`` (the parts that are known), one line.
    """

    def __init__(
        self, message: str, file: str | None = None, line: int = 0, column: int = 0
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        return where + self.message
