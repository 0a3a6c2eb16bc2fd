"""Vacations are SAS slots (issue 11 §8; DOMAIN.md §3.3: "Slots the platform owns (declared
availability, CPTS vacations) are booked on the platform itself").

An assigned, published vacation with a capacity of N patients owns N equal platform-owned slots
(``source`` null, type CPTS, the vacation's modality, the structure) in the same ``Slot`` table the
48 h search reads, so the OSNP's desk books them like declared availability. When the vacation is
cancelled, moved or changes hands, its free slots leave the search and new ones appear; slots
already booked stay booked and their dossiers are returned, never silently orphaned.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.enums import MODALITY_BITS, SLOT_TYPE_BITS, SlotStatus, mask_of
from planning.models import Slot
from planning.vacations.enums import VacationState
from planning.vacations.models import Vacation, VacationSlot

SLOT_TYPES = ["CPTS"]


def _structure_entry(structure) -> dict:
    identifier = (
        f"1{structure.finess}" if structure.finess else (f"3{structure.siret}" if structure.siret else "")
    )
    return {"identifier": identifier, "name": structure.name, "phone": structure.phone, "id": structure.pk}


def wanted_slots(vacation: Vacation) -> list[Slot]:
    """The slots the vacation should own now (none unless assigned, published, with a capacity)."""
    if vacation.state != VacationState.ASSIGNED or not vacation.published or vacation.capacity < 1:
        return []
    place = directory.place_get(pk=vacation.place_id) or directory.first_place_of(
        professional_id=vacation.assignee_id
    )
    latitude = longitude = None
    if place is not None:
        latitude, longitude = place.latitude, place.longitude
        if latitude is None and place.commune is not None:
            latitude, longitude = place.commune.latitude, place.commune.longitude
    structure = directory.structure_get(pk=vacation.planning.structure_id)
    modality = vacation.vacation_type.modality
    specialty = vacation.vacation_type.specialty_code or "SM54"
    step = (vacation.ends_at - vacation.starts_at) / vacation.capacity
    now = timezone.now()
    slots = []
    for n in range(vacation.capacity):
        start = vacation.starts_at + step * n
        slots.append(
            Slot(
                source=None,
                external_id=f"vac:{vacation.pk}:{vacation.assignee_id}:{start:%Y%m%dT%H%M%S}:{n}",
                professional_id=vacation.assignee_id,
                place=place,
                start=start,
                end=start + step,
                slot_types=list(SLOT_TYPES),
                type_mask=mask_of(SLOT_TYPES, SLOT_TYPE_BITS),
                modalities=[modality],
                modality_mask=mask_of([modality], MODALITY_BITS),
                specialty_code=specialty,
                specialty_codes=f"|{specialty}|",
                structures=[_structure_entry(structure)] if structure else [],
                address=(place.address if place else "")[:255],
                latitude=latitude,
                longitude=longitude,
                departement_code=(place.commune.departement_id if place and place.commune_id else "")
                or (structure.departement_id if structure else "")
                or "",
                first_seen_at=now,
                last_seen_at=now,
            )
        )
    return slots


@transaction.atomic
def vacation_slots_sync(*, vacation: Vacation) -> list[str]:
    """Make the vacation's slots match its state; returns the references of the dossiers already
    booked on slots the vacation no longer offers (to warn about: cancelled, moved, handed over)."""
    wanted = {slot.external_id: slot for slot in wanted_slots(vacation)}
    links = list(VacationSlot.objects.filter(vacation=vacation).select_related("slot"))
    concerned = []
    for link in links:
        slot = link.slot
        if slot.external_id in wanted:
            wanted.pop(slot.external_id)
            if slot.status == SlotStatus.GONE:
                Slot.objects.filter(pk=slot.pk).update(status=SlotStatus.FREE)
            continue
        if slot.status == SlotStatus.BOOKED:
            concerned.append(slot.booking_reference)
        elif slot.status != SlotStatus.GONE:
            Slot.objects.filter(pk=slot.pk).exclude(status=SlotStatus.BOOKED).update(
                status=SlotStatus.GONE, held_until=None, hold_reference=""
            )
    created = Slot.objects.bulk_create(list(wanted.values()))
    VacationSlot.objects.bulk_create([VacationSlot(vacation=vacation, slot=slot) for slot in created])
    return sorted(set(concerned))


def booked_slots_of(*, vacation_id: int) -> list[str]:
    """Dossier references booked on the vacation's slots."""
    return sorted(
        set(
            VacationSlot.objects.filter(vacation_id=vacation_id, slot__status=SlotStatus.BOOKED).values_list(
                "slot__booking_reference", flat=True
            )
        )
    )
