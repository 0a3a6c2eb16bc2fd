"""Pay facts of bookings (DOMAIN.md §7.2-§7.4), recorded with the booking."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpts.selectors import professional_get_by_rpps
from regulation import permissions, policies
from regulation.enums import OUTCOME_STATUSES
from regulation.events import RegulationEvent, dossier_event_write
from regulation.models import ActFact, Booking, Dossier
from regulation.selectors import pdsa_schedule_for
from sas_platform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from sas_platform.identifiers import normalize_rpps, validate_rpps


def act_facts_for(
    dossier: Dossier, booking: Booking, schedule: policies.PdsaSchedule | None = None
) -> policies.ActFacts:
    """The pay facts of a booking (DOMAIN.md §7.2-§7.4): the effecteur is the patient's MT when
    booked as such, or when their RPPS is the MT's RPPS known on the dossier."""
    by_treating_doctor = booking.is_treating_doctor or bool(
        dossier.treating_doctor_rpps and booking.rpps and booking.rpps == dossier.treating_doctor_rpps
    )
    if booking.start is None:
        return policies.act_facts_unknown_time(
            surnumeraire=booking.is_surnumeraire, by_treating_doctor=by_treating_doctor
        )
    return policies.act_facts(
        regulated_at=dossier.decided_at or dossier.picked_up_at,
        appointment_start=booking.start,
        surnumeraire=booking.is_surnumeraire,
        by_treating_doctor=by_treating_doctor,
        schedule=schedule or pdsa_schedule_for(territory_code=dossier.territory_id),
    )


def act_facts_record(
    dossier: Dossier, booking: Booking, schedule: policies.PdsaSchedule | None = None
) -> None:
    """Facts for pay, recorded on the booking as they happen (DOMAIN.md §7.2-§7.4)."""
    facts = act_facts_for(dossier, booking, schedule)
    booking.is_treating_doctor = facts.by_treating_doctor
    booking.within_48h, booking.outside_pdsa = facts.within_48h, facts.outside_pdsa
    booking.snp_candidate = facts.snp_candidate


def act_fact_build(
    dossier: Dossier,
    booking: Booking,
    *,
    outcome_at: dt.datetime,
    recorded_at: dt.datetime,
    schedule: policies.PdsaSchedule | None = None,
) -> ActFact:
    """The act's row of facts for pay (unsaved): what :func:`act_fact_write` saves, and what the demo
    history writes in bulk for past moments."""
    facts = act_facts_for(dossier, booking, schedule)
    return ActFact(
        booking=booking,
        dossier=dossier,
        territory_id=dossier.territory_id,
        kind=booking.kind,
        professional_id=booking.professional_id,
        structure_id=booking.structure_id,
        rpps=booking.rpps,
        doctor_name=booking.doctor_name,
        regulated_at=dossier.decided_at or dossier.picked_up_at,
        appointment_start=booking.start,
        outcome=booking.status,
        outcome_at=outcome_at,
        is_surnumeraire=facts.surnumeraire,
        is_treating_doctor=facts.by_treating_doctor,
        within_48h=facts.within_48h,
        outside_pdsa=facts.outside_pdsa,
        snp_candidate=facts.snp_candidate,
        recorded_at=recorded_at,
    )


def act_fact_write(dossier: Dossier, booking: Booking, now: dt.datetime) -> ActFact:
    """The act's facts for pay once its outcome is known, in the same transaction (one row per
    booking; remuneration counts them: DOMAIN.md §7.2 surnuméraire tiers, §7.3 SNP majoration)."""
    fact = act_fact_build(dossier, booking, outcome_at=now, recorded_at=now)
    fact.full_clean(validate_constraints=False)
    fact.save()
    return fact


ACT_CORRECTABLE = {"outcome", "rpps", "doctor_name", "is_treating_doctor"}


def _refuse(message: str, code: str, field: str | None = None) -> ApplicationError:
    extra = {"fields": {field: [message]}} if field else {}
    return ApplicationError(message, code=code, extra=extra)


def _changes_check(reason: str, changes: dict) -> dict:
    """The requested changes, normalised, or a French refusal naming the field (DOMAIN.md §7.2-§7.4:
    only an act's final outcome, its effecteur's RPPS (Luhn key checked) and the MT flag are paid)."""
    unknown = set(changes) - ACT_CORRECTABLE
    if unknown:
        raise _refuse(f"Champ non corrigeable : {', '.join(sorted(unknown))}.", "invalid_field")
    if not reason.strip():
        raise _refuse("Indiquez le motif de la correction.", "reason_required", "reason")
    if "outcome" in changes and changes["outcome"] not in OUTCOME_STATUSES:
        raise _refuse(
            "Issue non autorisée : une correction porte sur une issue finale (honoré, non honoré ou annulé).",
            "invalid_outcome",
            "outcome",
        )
    if "rpps" in changes:
        changes = {**changes, "rpps": normalize_rpps(changes["rpps"])}
    if "is_treating_doctor" in changes:
        changes = {**changes, "is_treating_doctor": bool(changes["is_treating_doctor"])}
    return changes


def _rpps_check(rpps: str) -> None:
    if not rpps:
        raise _refuse("Indiquez le RPPS de l'effecteur (11 chiffres).", "rpps_required", "rpps")
    try:
        validate_rpps(rpps)
    except ValidationError as exc:
        message = exc.messages[0]
        raise _refuse(message, exc.code or "invalid_rpps", "rpps") from exc


def _effecteur_follow(fact: ActFact, before: dict, changes: dict) -> list[str]:
    """A corrected RPPS brings the directory's professional and name with it (when known), so pay
    names the right doctor; the doctor's name given with the correction wins."""
    if "rpps" not in before:
        return []
    professional = professional_get_by_rpps(rpps=fact.rpps)
    fact.professional_id = professional.pk if professional else None
    if "doctor_name" not in changes:
        before["doctor_name"] = fact.doctor_name
        fact.doctor_name = str(professional) if professional else ""
    return ["professional"]


def act_fact_correct(*, actor, act_id: int, reason: str, unchanged_ok: bool = True, **changes) -> ActFact:
    """Correct an act's pay facts after the fact (an outcome or the effecteur's RPPS entered wrong,
    the MT flag), audited on the dossier's timeline with the reason and the values before and after.

    Who may: the SAS administrators of the act's territory and platform administrators
    (``permissions.can_correct_act_fact``). ``corrected_at`` is stamped: remuneration compares it
    with a bordereau's lock and pays the difference as an adjustment line of a later period
    (issue 12 §3; DOMAIN.md §7). Nothing changes (and no event is written) when the values are
    already those given: the act is returned as it is, or, with ``unchanged_ok=False`` (the page and
    the API), refused with « Aucune modification ». Every refusal leaves the act as it was.
    """
    changes = _changes_check(reason, changes)
    with transaction.atomic():
        fact = ActFact.objects.select_for_update().filter(pk=act_id).first()
        if fact is None:
            raise NotFoundError("Acte introuvable.", code="act_not_found")
        if not permissions.can_correct_act_fact(actor, fact):
            raise PermissionDeniedError(
                "Seuls les administrateurs SAS du territoire corrigent les faits d'un acte.",
                code="permission_denied",
            )
        before = {k: getattr(fact, k) for k in changes if getattr(fact, k) != changes[k]}
        if not before:
            if unchanged_ok:
                return fact
            raise _refuse(
                "Aucune modification : les valeurs indiquées sont déjà celles de l'acte.", "no_change"
            )
        if "rpps" in before:
            _rpps_check(changes["rpps"])
        for key in before:
            setattr(fact, key, changes[key])
        followed = _effecteur_follow(fact, before, changes)
        fact.snp_candidate = not fact.is_treating_doctor and fact.within_48h and fact.outside_pdsa
        fact.corrected_at = timezone.now()
        fact.save(update_fields=[*before, *followed, "snp_candidate", "corrected_at"])
        dossier_event_write(
            event_type=RegulationEvent.ACT_FACT_CORRECTED,
            actor=actor,
            dossier=fact.dossier,
            params={
                "act": fact.pk,
                "reason": reason.strip()[:200],
                "before": {k: str(v) for k, v in before.items()},
                "after": {k: str(getattr(fact, k)) for k in before},
            },
        )
    return fact
