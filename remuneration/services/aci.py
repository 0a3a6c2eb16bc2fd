"""Writes of a CPTS contract's indicators (weights, targets: DOMAIN.md §7.6), by platform
administrators through the admin; validated (weights ≤ 100 % per CPTS, mission and year) and
audited (the previous values go to the audit trail)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from remuneration.events import RemunerationEvent, remuneration_event_write
from remuneration.models import AciIndicatorTarget


def _snapshot(target: AciIndicatorTarget) -> dict:
    return {
        "structure": target.structure_id,
        "mission": target.mission,
        "year": target.year,
        "indicator": target.indicator,
        "weight": str(target.weight),
        "target": str(target.target),
        "source": target.source,
    }


@transaction.atomic
def aci_target_save(*, actor, target: AciIndicatorTarget) -> AciIndicatorTarget:
    before = None
    if target.pk:
        before = _snapshot(AciIndicatorTarget.objects.select_for_update().get(pk=target.pk))
    target.updated_by = actor
    target.updated_at = timezone.now()
    target.full_clean()
    target.save()
    remuneration_event_write(
        event_type=RemunerationEvent.ACI_TARGET_SAVED,
        actor=actor,
        obj=target,
        params={"before": before, "after": _snapshot(target)},
    )
    return target


@transaction.atomic
def aci_target_delete(*, actor, target: AciIndicatorTarget) -> None:
    remuneration_event_write(
        event_type=RemunerationEvent.ACI_TARGET_DELETED,
        actor=actor,
        obj=target,
        params={"before": _snapshot(target)},
    )
    target.delete()
