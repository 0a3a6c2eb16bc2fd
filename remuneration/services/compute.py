"""Compute (or recompute) a draft bordereau: idempotent, nothing written on a barème gap."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from remuneration.enums import EDITABLE_STATUSES, BordereauKind, BordereauStatus
from remuneration.events import RemunerationEvent, remuneration_event_write
from remuneration.exceptions import BordereauLockedError, BordereauStateError
from remuneration.models import Bordereau
from remuneration.money import ZERO
from remuneration.rules.periods import period_parse
from remuneration.services.builders import BUILDERS
from remuneration.services.builders._common import Context, Progress
from remuneration.services.lines_write import lines_replace, lines_serialise
from sas_platform.exceptions import NotFoundError
from sas_platform.models import SasTerritory


@dataclass(frozen=True)
class ComputeResult:
    bordereau: Bordereau
    changed: bool


def _refuse_if_frozen(bordereau: Bordereau | None) -> None:
    if bordereau is None or bordereau.status in EDITABLE_STATUSES:
        return
    if bordereau.is_locked:
        raise BordereauLockedError(
            "Ce bordereau est exporté et verrouillé : il ne peut plus être recalculé. Une correction de fait "
            "apparaîtra en régularisation sur la période suivante."
        )
    raise BordereauStateError("Ce bordereau est validé par l'ARS : il ne peut plus être recalculé.")


def _territory(code: str) -> SasTerritory:
    territory = SasTerritory.objects.filter(pk=code).first()
    if territory is None:
        raise NotFoundError(f"Territoire SAS « {code} » inconnu.", code="territory_not_found")
    return territory


def _anomalies_normalised(anomalies: list[dict]) -> list[dict]:
    return [{"blocking": True, **a} for a in anomalies]


def bordereau_compute(
    *, actor, kind: str, territory_code: str, period: str, progress: Progress | None = None
) -> ComputeResult:
    """Compute the lines of ``kind`` × ``territory`` × ``period`` from the facts and the barèmes in force.

    Facts are read and the rules applied before any write: a barème gap raises a French error and
    writes nothing. When the computed lines equal the stored ones (same fingerprint), nothing
    changes. A validated or locked bordereau is never recomputed.
    """
    parsed = period_parse(kind, period)
    territory = _territory(territory_code)
    _refuse_if_frozen(Bordereau.objects.filter(kind=kind, territory=territory, period=parsed.code).first())
    draft = BUILDERS[BordereauKind(kind)](Context(territory=territory.pk, period=parsed, progress=progress))
    draft.anomalies = _anomalies_normalised(draft.anomalies)
    rows, fingerprint = lines_serialise(draft)
    with transaction.atomic():
        bordereau, created = Bordereau.objects.select_for_update().get_or_create(
            kind=kind, territory=territory, period=parsed.code
        )
        _refuse_if_frozen(bordereau)
        if not created and bordereau.fingerprint == fingerprint:
            return ComputeResult(bordereau, False)
        lines_replace(bordereau, draft, rows)
        bordereau.lines_count = len(draft.lines)
        bordereau.total = sum((line.amount for line in draft.lines), ZERO)
        bordereau.anomalies = draft.anomalies
        bordereau.provisional = any(line.provisional for line in draft.lines)
        bordereau.fingerprint = fingerprint
        bordereau.status = BordereauStatus.DRAFT
        bordereau.computed_at = timezone.now()
        bordereau.computed_by = actor if actor is not None and actor.is_authenticated else None
        bordereau.save()
        remuneration_event_write(
            event_type=RemunerationEvent.BORDEREAU_COMPUTED,
            actor=actor,
            obj=bordereau,
            params={
                "lines": bordereau.lines_count,
                "total": str(bordereau.total),
                "anomalies": len(draft.anomalies),
            },
        )
    return ComputeResult(bordereau, True)
