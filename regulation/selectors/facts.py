"""Act facts as the desk and the SAS administrators see them: a dossier's acts, one act and its
corrections (DOMAIN.md §7.2-§7.4; issue 12 §3). Professionals' data only, no patient's (§8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from regulation.enums import AppointmentStatus
from regulation.events import RegulationEvent
from regulation.models import ActFact, Dossier
from sas_platform.models import AuditEvent

#: Labels of the correctable facts, for the history of corrections.
FACT_LABELS = {
    "outcome": "issue",
    "rpps": "RPPS",
    "doctor_name": "médecin",
    "is_treating_doctor": "médecin traitant",
}


def _shown(key: str, value: str) -> str:
    if key == "outcome":
        return str(dict(AppointmentStatus.choices).get(value, value))
    if key == "is_treating_doctor":
        return {"True": "oui", "False": "non"}.get(value, value)
    return value or "—"


@dataclass(frozen=True)
class ActFactCorrection:
    at: dt.datetime
    actor: str
    reason: str
    changes: list[tuple[str, str, str]]  # (label, before, after)


def act_facts_of_dossier(*, dossier: Dossier) -> list[ActFact]:
    """The dossier's acts whose outcome is known, newest first (one per booking)."""
    return list(
        ActFact.objects.filter(dossier=dossier).select_related("booking").order_by("-outcome_at", "-pk")
    )


def act_facts_of_month(
    *, territory_code: str, month: dt.date, rpps: str = "", outcome: str = "", corrected_only: bool = False
):
    """A territory's acts whose appointment falls in ``month`` (Paris time), for the SAS
    administrators who correct them (issue 12 §3): by appointment, then id; filtered by the
    effecteur's RPPS, the outcome or corrected ones only. Professionals' data only (§8)."""
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(month.replace(day=1), dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(
        (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1), dt.time(0), tzinfo=tz
    )
    qs = ActFact.objects.filter(
        territory_id=territory_code, appointment_start__gte=start, appointment_start__lt=end
    )
    if rpps:
        qs = qs.filter(rpps=rpps)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if corrected_only:
        qs = qs.filter(corrected_at__isnull=False)
    return (
        qs.select_related("dossier")
        .only(*[f.name for f in ActFact._meta.concrete_fields], "dossier__territory")
        .order_by("appointment_start", "pk")
    )


def act_fact_get(*, pk: int) -> ActFact | None:
    """One act with its dossier's reference (its id and territory: no patient data is read)."""
    return (
        ActFact.objects.filter(pk=pk)
        .select_related("dossier")
        .only(*[f.name for f in ActFact._meta.concrete_fields], "dossier__territory")
        .first()
    )


def act_fact_corrections(*, fact: ActFact) -> list[ActFactCorrection]:
    """The act's corrections, oldest first: who, when, why, each value before and after (read from
    the dossier's audit trail, where :func:`regulation.services.act_fact_correct` writes them)."""
    events = AuditEvent.objects.filter(
        object_type=Dossier._meta.label_lower,
        object_id=str(fact.dossier_id),
        event_type=RegulationEvent.ACT_FACT_CORRECTED,
    ).order_by("occurred_at", "pk")
    result = []
    for event in events:
        params = event.params or {}
        if params.get("act") != fact.pk:
            continue
        before, after = params.get("before") or {}, params.get("after") or {}
        result.append(
            ActFactCorrection(
                at=event.occurred_at,
                actor=event.actor_label or str(event.actor or ""),
                reason=params.get("reason", ""),
                changes=[
                    (FACT_LABELS.get(k, k), _shown(k, before[k]), _shown(k, after.get(k, ""))) for k in before
                ],
            )
        )
    return result
