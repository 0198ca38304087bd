"""The JSON report: one object with version, findings and summary."""

from __future__ import annotations

import json
import math
from typing import Any, TextIO

from ..findings import Report
from . import ReportOptions


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def as_dict(report: Report) -> dict[str, Any]:
    out = {
        "version": 1,
        "findings": [{k: _jsonable(v) for k, v in f.to_dict().items()} for f in report.findings],
        "summary": {"files": report.files, "errors": report.errors, "warnings": report.warnings},
    }
    if report.changes is not None:
        out["changes"] = [change.to_dict() for change in report.changes]
    return out


class JsonReporter:
    name = "json"

    def emit(self, report: Report, stream: TextIO, options: ReportOptions) -> None:
        json.dump(as_dict(report), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
