"""What every connector returns: parsed slots, rejections (resource, reason) and errors.

A connector fetches a window for a list of professionals (RPPS) and re-checks one slot. The
service layer (``planning.services``) upserts what it returns; connectors never touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ParsedSlot:
    """One Slot of a searchset bundle, resolved to its practitioner, place and CPTS (DOMAIN.md §3.3)."""

    external_id: str
    national_id: str
    start: datetime
    end: datetime
    slot_types: tuple[str, ...]
    modalities: tuple[str, ...]
    specialty_codes: tuple[str, ...]
    reasons: tuple[str, ...]
    bookable: bool
    booking_url: str
    address: str = ""
    postal_code: str = ""
    organization_id: str = ""
    structures: tuple[dict, ...] = ()
    raw_hash: str = ""


@dataclass(frozen=True)
class Rejection:
    """A resource left out of a run, and why (French, shown on the sources page)."""

    resource: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"resource": self.resource, "reason": self.reason}


@dataclass
class ParseResult:
    slots: list[ParsedSlot] = field(default_factory=list)
    unchanged_ids: set[str] = field(default_factory=set)
    rejections: list[Rejection] = field(default_factory=list)
    next_url: str | None = None


@dataclass
class FetchResult:
    """What a poll brought back. ``complete_rpps``: professionals whose every page arrived (only
    their vanished slots may be marked gone)."""

    slots: list[ParsedSlot] = field(default_factory=list)
    unchanged_ids: set[str] = field(default_factory=set)
    rejections: list[Rejection] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    complete_rpps: set[str] = field(default_factory=set)
    requests: int = 0

    def extend(self, parsed: ParseResult) -> None:
        self.slots.extend(parsed.slots)
        self.unchanged_ids |= parsed.unchanged_ids
        self.rejections.extend(parsed.rejections)
