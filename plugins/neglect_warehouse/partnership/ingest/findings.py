"""What ingest found wrong with a delivery, in a form that serves both people (a sentence
saying where, what and what to do) and machines (fields)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# How serious a finding is: it quarantines the whole delivery, rejects one row, or is a
# warning / breach that is loaded and reported.
QUARANTINE, REJECT, VALIDITY, BREACH = "quarantine", "reject", "validity", "breach"


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    message: str
    action: str
    file: str | None = None
    line: int | None = None
    column: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def sentence(self) -> str:
        where = self.file or "delivery"
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message} — {self.action}"


class Quarantine(Exception):
    """Raised inside ingest when the delivery cannot be loaded at all."""

    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(f.sentence() for f in findings[:3]))
        self.findings = findings
