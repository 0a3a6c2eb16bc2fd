"""Directory and slot rows for the desk's tests (built directly: we test regulation, not cpts/planning)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from cpts.enums import ParticipationMode, StructureKind, VisibilityMode
from cpts.models import (
    Membership,
    PracticePlace,
    Professional,
    SasParticipation,
    Structure,
    StructureCoordinator,
)
from planning.enums import SlotStatus, SourceKind
from planning.models import AgendaSource, Slot
from planning.services import token_hash
from sas_platform.models import Commune

_numbers = itertools.count(1)


def luhn_rpps(body10: str) -> str:
    digits = [int(c) for c in body10]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body10 + str((10 - total % 10) % 10)


def professional(
    *, last_name="Martin", first_name="Claire", insee="13055", rpps=None
) -> tuple[Professional, PracticePlace]:
    n = next(_numbers)
    commune = Commune.objects.get(insee_code=insee)
    prof = Professional.objects.create(
        identifier_type="8",
        identifier=rpps or luhn_rpps(f"10{n:08d}"),
        last_name=last_name,
        first_name=first_name,
        profession_code="10",
        specialty_code="SM54",
    )
    place = PracticePlace.objects.create(
        professional=prof,
        source_key=f"place-{n}",
        name=f"Cabinet {last_name}",
        commune=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
        phone="0491000000",
    )
    return prof, place


def structure(
    *, name="CPTS Marseille Centre", kind=StructureKind.CPTS, departement="13", email="", coordinator=None
):
    s = Structure.objects.create(
        kind=kind, name=name, departement_id=departement, phone="0491111111", email=email
    )
    if coordinator is not None:
        StructureCoordinator.objects.create(user=coordinator, structure=s)
    return s


def participation(prof, *, mode=ParticipationMode.INDIVIDUAL, structure=None, accepts_surnumeraire=True):
    return SasParticipation.objects.create(
        professional=prof,
        mode=mode,
        structure=structure,
        accepts_surnumeraire=accepts_surnumeraire,
        visibility=VisibilityMode.DECLARED_AVAILABILITY,
        start_date=dt.date(2024, 1, 1),
    )


def editor_source(*, token="jeton-editeur", name="editeur-demo") -> AgendaSource:
    """A source whose slots are re-checked from the database (file replay: no network in tests)."""
    return AgendaSource.objects.create(
        name=name,
        label="Éditeur démo",
        kind=SourceKind.FILE_REPLAY,
        feedback_token_hash=token_hash(token),
        last_success_at=timezone.now(),
    )


def slot(prof, place, *, source=None, start=None, minutes=15, modalities=("AMB",), booking_url="") -> Slot:
    start = start or (timezone.now() + dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    return Slot.objects.create(
        source=source,
        external_id=f"slot-{next(_numbers)}",
        professional=prof,
        place=place,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        modalities=list(modalities),
        modality_mask=1,
        slot_types=["PUBLIC"],
        type_mask=1,
        specialty_code="SM54",
        specialty_codes="|SM54|",
        latitude=place.latitude,
        longitude=place.longitude,
        departement_code=place.commune.departement_id,
        booking_url=booking_url,
        status=SlotStatus.FREE,
    )


def member(prof, structure, *, since=dt.date(2024, 1, 1)) -> Membership:
    """``prof`` is a current member of ``structure`` (whom its coordinator may name, issue 9)."""
    return Membership.objects.create(professional=prof, structure=structure, start_date=since)
