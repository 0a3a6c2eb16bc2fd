"""Declared availability of `planning` (DOMAIN.md §3.3 last point, §4): blocks → platform-owned
slots."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cpts.selectors import place_coordinates
from planning import policies
from planning.enums import (
    MODALITY_BITS,
    SLOT_TYPE_BITS,
    AvailabilityKind,
    SlotStatus,
    mask_of,
)
from planning.events import PlanningEvent, planning_event_write
from planning.models import DeclaredAvailability, Slot
from planning.services.ingest import CHUNK
from sas_platform.exceptions import ApplicationError

if TYPE_CHECKING:  # type hints only: the contract ignores them (.importlinter)
    from cpts.models import PracticePlace, Professional


def block_of(availability: DeclaredAvailability) -> policies.Block:
    return policies.Block(
        kind=availability.kind,
        start=availability.start_time,
        end=availability.end_time,
        weekday=availability.weekday,
        date=availability.date,
        valid_from=availability.valid_from,
        valid_until=availability.valid_until,
        key=availability.pk,
    )


def _check_plausible(availability: DeclaredAvailability, *, check_date: bool = True) -> None:
    """A one-off block today or later and within ``PLANNING_ONE_OFF_MAX_DAYS``; no overlap with
    another active block of the professional (``planning.policies``; issue 9)."""
    if check_date and availability.kind == AvailabilityKind.ONE_OFF:
        policies.check_one_off_date(
            availability.date,
            today=timezone.localdate(),
            max_days=getattr(settings, "PLANNING_ONE_OFF_MAX_DAYS", 90),
        )
    others = DeclaredAvailability.objects.filter(
        professional_id=availability.professional_id, is_active=True
    ).exclude(pk=availability.pk)
    # lock the professional's blocks: two declarations at once cannot both pass the check
    clash = policies.overlapping(block_of(availability), [block_of(o) for o in others.select_for_update()])
    if clash is not None:
        raise policies.overlap_error(clash)


@transaction.atomic
def declared_availability_create(
    *,
    professional: Professional,
    actor,
    kind: str,
    start_time,
    end_time,
    modalities: list[str],
    patients: int = 1,
    weekday: int | None = None,
    date=None,
    place: PracticePlace | None = None,
    valid_until=None,
) -> DeclaredAvailability:
    """A weekly or one-off block; its slots appear at the next generation (and right away here)."""
    availability = DeclaredAvailability(
        professional=professional,
        place=place or professional.places.filter(is_active=True).order_by("id").first(),
        kind=kind,
        weekday=weekday if kind == AvailabilityKind.WEEKLY else None,
        date=date if kind == AvailabilityKind.ONE_OFF else None,
        start_time=start_time,
        end_time=end_time,
        modalities=sorted(set(modalities)),
        patients=patients,
        valid_until=valid_until,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if not availability.modalities:
        raise ApplicationError(
            "Choisissez au moins une modalité.",
            code="invalid",
            extra={"fields": {"modalities": ["Obligatoire."]}},
        )
    if end_time <= start_time:
        raise ApplicationError(
            "La fin doit suivre le début.",
            code="invalid",
            extra={"fields": {"end_time": ["La fin doit suivre le début."]}},
        )
    availability.full_clean()
    _check_plausible(availability)
    availability.save()
    planning_event_write(
        event_type=PlanningEvent.AVAILABILITY_DECLARED, actor=actor, obj=availability, params={"kind": kind}
    )
    transaction.on_commit(lambda: declared_slots_generate(professional_ids=[professional.pk]))
    return availability


@transaction.atomic
def declared_availability_remove(*, availability: DeclaredAvailability, actor) -> None:
    """Stop a block; its future free slots disappear from the search."""
    availability.is_active = False
    availability.save(update_fields=["is_active"])
    Slot.objects.filter(
        declared_availability=availability, status=SlotStatus.FREE, start__gt=timezone.now()
    ).update(status=SlotStatus.GONE)
    planning_event_write(event_type=PlanningEvent.AVAILABILITY_REMOVED, actor=actor, obj=availability)


@transaction.atomic
def declared_availability_update(
    *, availability: DeclaredAvailability, actor, **changes
) -> DeclaredAvailability:
    """Change a block (times, day or date, modalities, patients, end of validity). Its future free
    slots follow: those still declared are updated in place, the others disappear from the search;
    held and booked slots are never touched (a regulator's booking stands)."""
    allowed = {"kind", "weekday", "date", "start_time", "end_time", "modalities", "patients", "valid_until"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(f"Champ non modifiable : {', '.join(sorted(unknown))}.", code="invalid")
    for field, value in changes.items():
        setattr(availability, field, sorted(set(value)) if field == "modalities" else value)
    if availability.kind == AvailabilityKind.WEEKLY:
        availability.date = None
    else:
        availability.weekday = None
    if not availability.modalities:
        raise ApplicationError(
            "Choisissez au moins une modalité.",
            code="invalid",
            extra={"fields": {"modalities": ["Obligatoire."]}},
        )
    if availability.end_time <= availability.start_time:
        raise ApplicationError(
            "La fin doit suivre le début.",
            code="invalid",
            extra={"fields": {"end_time": ["La fin doit suivre le début."]}},
        )
    availability.full_clean()
    _check_plausible(availability, check_date="date" in changes or "kind" in changes)
    availability.save()
    now = timezone.now()
    horizon = now + timedelta(days=settings.PLANNING_DECLARED_HORIZON_DAYS)
    wanted = {slot.external_id: slot for slot in _declared_slots(availability, now=now, horizon=horizon)}
    future = Slot.objects.filter(
        declared_availability=availability, start__gt=now, status__in=[SlotStatus.FREE, SlotStatus.GONE]
    )
    existing = dict(future.values_list("external_id", "pk"))
    revived = []
    for external_id, pk in existing.items():
        if external_id in wanted:
            slot = wanted.pop(external_id)
            slot.pk, slot.status = pk, SlotStatus.FREE
            revived.append(slot)
    future.exclude(external_id__in=[s.external_id for s in revived]).update(status=SlotStatus.GONE)
    Slot.objects.bulk_update(revived, [*DECLARED_FIELDS, "status"], batch_size=CHUNK)
    Slot.objects.bulk_create(list(wanted.values()), batch_size=CHUNK, ignore_conflicts=True)
    planning_event_write(
        event_type=PlanningEvent.AVAILABILITY_CHANGED,
        actor=actor,
        obj=availability,
        params={"fields": sorted(changes)},
    )
    return availability


DECLARED_FIELDS = [
    "place",
    "end",
    "slot_types",
    "type_mask",
    "modalities",
    "modality_mask",
    "specialty_code",
    "specialty_codes",
    "latitude",
    "longitude",
    "departement_code",
    "address",
    "last_seen_at",
]


def _declared_slots(block: DeclaredAvailability, *, now: datetime, horizon: datetime) -> list[Slot]:
    """The platform-owned slots of a block over [now, horizon): N equal slots for N patients."""
    from planning.selectors import availability_occurrences

    place = block.place
    latitude, longitude = place_coordinates(place) if place else (None, None)
    slots = []
    for start, end in availability_occurrences(availability=block, start=now, end=horizon):
        step = (end - start) / block.patients
        for n in range(block.patients):
            slot_start = start + step * n
            slots.append(
                Slot(
                    source=None,
                    external_id=f"decl:{block.pk}:{slot_start:%Y%m%dT%H%M}",
                    declared_availability=block,
                    professional=block.professional,
                    place=place,
                    start=slot_start,
                    end=slot_start + step,
                    slot_types=["SNP"],
                    type_mask=mask_of(["SNP"], SLOT_TYPE_BITS),
                    modalities=list(block.modalities),
                    modality_mask=mask_of(block.modalities, MODALITY_BITS),
                    specialty_code=block.specialty_code,
                    specialty_codes=f"|{block.specialty_code}|",
                    latitude=latitude,
                    longitude=longitude,
                    departement_code=(place.commune.departement_id if place and place.commune_id else ""),
                    address=(place.address if place else ""),
                    first_seen_at=now,
                    last_seen_at=now,
                )
            )
    return slots


def _published_once(slots: list[Slot]) -> list[Slot]:
    """Drop a slot that overlaps a slot of an older block of the same professional: blocks that
    overlap (declared before overlaps were refused) are published once in ``GET /fhir/r4/Slot``
    and the search (DOMAIN.md §3.3). ``slots`` come in block order (oldest block first)."""
    kept: dict[int, list[tuple[datetime, datetime, int]]] = {}
    result = []
    for slot in slots:
        own = kept.setdefault(slot.professional_id, [])
        block_id = slot.declared_availability_id
        if any(b != block_id and s < slot.end and slot.start < e for s, e, b in own):
            continue
        own.append((slot.start, slot.end, block_id))
        result.append(slot)
    return result


def declared_slots_generate(
    *, now: datetime | None = None, horizon_days: int | None = None, professional_ids: list[int] | None = None
) -> int:
    """Generate platform-owned slots from active declared blocks over the rolling horizon
    (periodic task, hourly). A block of N patients gives N equal slots. Idempotent: returns how
    many slots were created."""
    now = now or timezone.now()
    horizon = now + timedelta(days=horizon_days or settings.PLANNING_DECLARED_HORIZON_DAYS)
    blocks = DeclaredAvailability.objects.filter(is_active=True).select_related(
        "professional", "place", "place__commune"
    )
    if professional_ids is not None:
        blocks = blocks.filter(professional_id__in=professional_ids)
    to_create = []
    for block in blocks.order_by("pk"):
        to_create += _declared_slots(block, now=now, horizon=horizon)
    to_create = _published_once(to_create)
    before = Slot.objects.filter(source__isnull=True).count()
    Slot.objects.bulk_create(to_create, batch_size=CHUNK, ignore_conflicts=True)
    return Slot.objects.filter(source__isnull=True).count() - before
