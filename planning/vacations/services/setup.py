"""Plannings, their groups, types, rules and templates; vacations generated over a period
(issue 11 §1-2; DOMAIN.md §5)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef

from cpts.selectors import vacations as directory
from planning.vacations.enums import VacationEventKind, VacationState
from planning.vacations.events import VacationAudit, vacation_history_write
from planning.vacations.generation import TemplateSpec, french_holidays, occurrences
from planning.vacations.models import (
    Vacation,
    VacationPlanning,
    VacationTemplate,
)
from sas_platform.events import audit_event_write
from sas_platform.exceptions import ApplicationError

MAX_GENERATION_DAYS = 93


@transaction.atomic
def planning_create(*, structure_id: int, name: str, actor, **options) -> VacationPlanning:
    """A planning of a structure; only its coordinators (or a platform administrator) create one."""
    structure = directory.structure_get(pk=structure_id)
    if structure is None:
        raise ApplicationError("Structure inconnue.", code="not_found")
    if not name.strip():
        raise ApplicationError(
            "Le nom du planning est obligatoire.",
            code="invalid",
            extra={"fields": {"name": ["Obligatoire."]}},
        )
    planning = VacationPlanning(structure_id=structure.pk, name=name.strip(), **options)
    if not planning.reminder_hours:
        planning.reminder_hours = [48, 2]
    if not planning.followup_hours:
        planning.followup_hours = [48, 24]
    planning.full_clean()
    planning.save()
    audit_event_write(event_type=VacationAudit.PLANNING_CREATED, actor=actor, obj=planning)
    return planning


def _closures(planning: VacationPlanning) -> set[date]:
    found = set()
    for raw in planning.closure_days or []:
        try:
            found.add(date.fromisoformat(str(raw)))
        except ValueError:
            continue
    return found


@transaction.atomic
def vacations_generate(*, planning: VacationPlanning, start: date, end: date, actor) -> list[Vacation]:
    """Create the vacations of the planning's weekly templates over [start, end] (inclusive),
    skipping public holidays (``holidays``, France) unless the template says otherwise and the
    planning's closure days. Idempotent: an occurrence generated before is not duplicated.
    Returns the vacations created (state open, not yet published)."""
    if end < start:
        raise ApplicationError("La fin de la période précède son début.", code="invalid")
    if (end - start).days + 1 > MAX_GENERATION_DAYS:
        raise ApplicationError("Une génération couvre au plus un trimestre (93 jours).", code="invalid")
    templates = list(VacationTemplate.objects.filter(planning=planning).select_related("vacation_type"))
    if not templates:
        raise ApplicationError(
            "Ce planning n'a aucun modèle hebdomadaire : ajoutez-en un d'abord.", code="invalid"
        )
    by_id = {t.pk: t for t in templates}
    specs = [
        TemplateSpec(t.pk, t.weekday, t.start_time, t.end_time, t.count, t.on_holidays) for t in templates
    ]
    found = occurrences(
        specs, start=start, end=end, holidays=french_holidays(start, end), closures=_closures(planning)
    )
    existing = (
        set(
            Vacation.objects.filter(
                template_id__in=by_id, starts_at__gte=_first(found), starts_at__lte=_last(found)
            ).values_list("template_id", "starts_at", "sequence")
        )
        if found
        else set()
    )
    to_create = []
    for occurrence in found:
        if (occurrence.template_id, occurrence.start, occurrence.sequence) in existing:
            continue
        template = by_id[occurrence.template_id]
        to_create.append(
            Vacation(
                planning=planning,
                vacation_type=template.vacation_type,
                group_id=template.group_id,
                template=template,
                sequence=occurrence.sequence,
                place_id=template.place_id,
                starts_at=occurrence.start,
                ends_at=occurrence.end,
                capacity=template.vacation_type.capacity,
                state=VacationState.OPEN,
            )
        )
    created = Vacation.objects.bulk_create(to_create, batch_size=500)
    audit_event_write(
        event_type=VacationAudit.GENERATED,
        actor=actor,
        obj=planning,
        params={"start": start.isoformat(), "end": end.isoformat(), "created": len(created)},
    )
    return created


def _first(found) -> datetime:
    return found[0].start


def _last(found) -> datetime:
    return found[-1].start


@transaction.atomic
def vacations_publish(*, planning: VacationPlanning, start: datetime, end: datetime, actor) -> int:
    """Show the period's vacations to the professionals (assigned ones then publish their SAS slots)."""
    from planning.vacations.services.slots import vacation_slots_sync

    qs = Vacation.objects.filter(planning=planning, starts_at__gte=start, starts_at__lt=end, published=False)
    ids = list(qs.values_list("pk", flat=True))
    Vacation.objects.filter(pk__in=ids).update(published=True)
    for vacation in Vacation.objects.filter(pk__in=ids, state=VacationState.ASSIGNED).select_related(
        "vacation_type", "planning"
    ):
        vacation_slots_sync(vacation=vacation)
    return len(ids)


@transaction.atomic
def vacation_delete(*, vacation: Vacation, actor) -> None:
    """Delete a vacation never done and without bookings; otherwise refuse and say why."""
    from planning.vacations.services.slots import booked_slots_of

    if vacation.state in (VacationState.DONE, VacationState.NOT_DONE):
        raise ApplicationError(
            "Cette vacation est déjà confirmée : elle ne peut pas être supprimée.", code="conflict"
        )
    if booked_slots_of(vacation_id=vacation.pk):
        raise ApplicationError(
            "Des rendez-vous sont pris sur cette vacation : annulez-la plutôt (les dossiers seront listés).",
            code="conflict",
        )
    vacation.delete()


@transaction.atomic
def planning_delete(*, planning: VacationPlanning, actor) -> None:
    """Delete a planning without done vacations nor bookings; otherwise refuse and say why."""
    from planning.models import Slot
    from planning.vacations.models import VacationSlot

    if Vacation.objects.filter(
        planning=planning, state__in=[VacationState.DONE, VacationState.NOT_DONE]
    ).exists():
        raise ApplicationError(
            "Ce planning a des vacations effectuées (statistiques, indemnisation) : il ne peut pas être supprimé.",
            code="conflict",
        )
    booked = VacationSlot.objects.filter(vacation__planning=planning).filter(
        Exists(Slot.objects.filter(pk=OuterRef("slot_id"), status="booked"))
    )
    if booked.exists():
        raise ApplicationError(
            "Des rendez-vous sont pris sur ses vacations : il ne peut pas être supprimé.", code="conflict"
        )
    Slot.objects.filter(vacation_link__vacation__planning=planning).delete()
    Vacation.objects.filter(planning=planning).delete()
    planning.delete()


def history(vacation: Vacation, kind: VacationEventKind, actor, audit: VacationAudit, **kw):
    return vacation_history_write(vacation=vacation, kind=kind, actor=actor, audit=audit, **kw)
