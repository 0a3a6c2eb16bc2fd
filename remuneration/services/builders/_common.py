"""Plain data shared by the builders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from remuneration.rules.periods import Period

Progress = Callable[[int, int], None]


@dataclass
class LineData:
    identifier_type: str
    identifier: str
    last_name: str
    first_name: str
    label: str
    fact_date: dt.date | None
    quantity: Decimal
    unit: str
    unit_amount: Decimal
    amount: Decimal
    fact_key: str
    facts: list = field(default_factory=list)
    why: dict = field(default_factory=dict)
    provisional: bool = False
    corrects_id: int | None = None


@dataclass
class Draft:
    lines: list[LineData] = field(default_factory=list)
    anomalies: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    territory: str
    period: Period
    progress: Progress | None = None
    adjustments: bool = True  # False when a locked period is rebuilt to find what changed (late.py)

    def tick(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


def split_name(full: str) -> tuple[str, str]:
    """``"Dr Claire Martin"`` → ``("Martin", "Claire")`` (last word is the last name)."""
    words = [w for w in (full or "").replace("Dr ", "").split() if w]
    if not words:
        return "", ""
    return words[-1], " ".join(words[:-1])
