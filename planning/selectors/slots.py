"""Slots named by an editor's appointment feedback, a slot's last sighting, and the editors'
source tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

from planning.enums import SlotStatus
from planning.models import AgendaSource, Slot, SourceCoverage
from sas_platform.identifiers import RPPS_PREFIX, rpps_of_national_id


def slot_find_for_appointment(*, rpps: str, start: datetime, reference: str | None = None) -> Slot | None:
    """The slot an editor's Appointment feedback (INT_R03, DOMAIN.md §3.3) is about: same professional
    (RPPS, with or without its ``8`` prefix) and same start. Prefers the slot held or booked with
    ``reference``, then any held slot, then a free one, then a gone one."""
    candidates = list(
        Slot.objects.select_related("source", "professional").filter(
            professional__identifier_type=RPPS_PREFIX,
            professional__identifier=rpps_of_national_id(rpps),
            start=start,
        )
    )
    if not candidates:
        return None

    def preference(slot: Slot) -> tuple[int, int]:
        mine = bool(reference) and reference in (slot.hold_reference, slot.booking_reference)
        order = {SlotStatus.HELD: 1, SlotStatus.FREE: 2, SlotStatus.GONE: 3, SlotStatus.BOOKED: 4}
        return (0 if mine else order[slot.status], slot.pk)

    return min(candidates, key=preference)


def agenda_source_authenticate(*, token: str) -> AgendaSource | None:
    """The active source whose feedback token this is (editors POST Appointment feedback with it,
    DOMAIN.md §3.3); only the token's SHA-256 is stored."""
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return AgendaSource.objects.filter(feedback_token_hash=digest, is_active=True).first()


def slot_last_seen_at(slot: Slot) -> datetime:
    """When the slot was last seen at its source: its own stamp (created, changed, re-checked, or seen
    by a poll incomplete for its professional), or, if later, its professional's last complete
    answer from that source over a window holding its start (``SourceCoverage``). A gone slot keeps
    the sighting recorded when it vanished."""
    if slot.source_id is None or slot.status == SlotStatus.GONE:
        return slot.last_seen_at
    covered = (
        SourceCoverage.objects.filter(
            source_id=slot.source_id,
            professional_id=slot.professional_id,
            window_start__lte=slot.start,
            window_end__gte=slot.start,
        )
        .values_list("seen_at", flat=True)
        .first()
    )
    return max(slot.last_seen_at, covered) if covered else slot.last_seen_at
