"""Writes of barèmes: validated, audited (history in the audit trail), never silent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from remuneration.events import RemunerationEvent, remuneration_event_write
from remuneration.models import Bareme


def _snapshot(bareme: Bareme) -> dict:
    return {
        "code": bareme.code,
        "unit": bareme.unit,
        "amount": str(bareme.amount) if bareme.amount is not None else None,
        "tiers": bareme.tiers,
        "valid_from": bareme.valid_from.isoformat() if bareme.valid_from else None,
        "valid_to": bareme.valid_to.isoformat() if bareme.valid_to else None,
        "provisional": bareme.provisional,
        "source": bareme.source[:500],
    }


@transaction.atomic
def bareme_save(*, actor, bareme: Bareme) -> Bareme:
    """Create or change a row (platform administrators, through the admin); the previous values
    go to the audit trail, so the barème's history is kept (DOMAIN.md §7 intro)."""
    before = None
    if bareme.pk:
        old = Bareme.objects.select_for_update().get(pk=bareme.pk)
        before = _snapshot(old)
    bareme.updated_at = timezone.now()
    bareme.full_clean()
    bareme.save()
    remuneration_event_write(
        event_type=RemunerationEvent.BAREME_CHANGED if before else RemunerationEvent.BAREME_CREATED,
        actor=actor,
        obj=bareme,
        params={"before": before, "after": _snapshot(bareme)},
    )
    return bareme


@transaction.atomic
def bareme_confirm(*, actor, bareme: Bareme) -> Bareme:
    """An administrator confirms a provisional row (who, when): it is no longer shown as provisional."""
    bareme.provisional = False
    bareme.confirmed_by = actor
    bareme.confirmed_at = timezone.now()
    bareme.updated_at = bareme.confirmed_at
    bareme.save(update_fields=["provisional", "confirmed_by", "confirmed_at", "updated_at"])
    remuneration_event_write(
        event_type=RemunerationEvent.BAREME_CONFIRMED, actor=actor, obj=bareme, params=_snapshot(bareme)
    )
    return bareme
