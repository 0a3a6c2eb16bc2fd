"""Demo step of `planning` (order 20, after the directory at 10): the demo agenda source and a first
batch of slots, and declared availability for the demo effecteur.

Deterministic and idempotent: the source is created once (a later run only adds professionals
that appeared), the first batch is ingested only while the source has no slot, declared blocks
only when the effecteur has none. Works with whatever professionals the directory holds.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from cpts.selectors import professional_for_email_or_rpps, rpps_practising_in
from demo_editor.agenda import free_slots, searchset
from planning.connectors.base import FetchResult, ParsedSlot
from planning.connectors.fhir_parse import content_hashes
from planning.enums import AvailabilityKind, RunStatus, RunTrigger
from planning.models import AgendaSource, DeclaredAvailability, Slot, SourceRun
from planning.services import (
    declared_availability_create,
    declared_slots_generate,
    slots_ingest,
    source_create,
)
from sas_platform.identifiers import national_id_of_rpps

if TYPE_CHECKING:  # type hints only
    from cpts.models import Professional

DEMO_SOURCE_NAME = "agenda-demo"
DEMO_DEPARTEMENT = "13"


def _effecteur() -> Professional | None:
    """The demo effecteur's directory entry (``sas_platform.demo.DEMO_USERS``): linked account, else RPPS."""
    from sas_platform.demo import DEMO_USERS
    from sas_platform.enums import Role

    demo_user = next(u for u in DEMO_USERS if u.role == Role.EFFECTEUR)
    return professional_for_email_or_rpps(email=demo_user.email, rpps=demo_user.rpps)


def _demo_rpps() -> list[str]:
    """Every GP of the 13 (médecine générale, SM54) but the demo effecteur, who declares availability
    on the platform instead. Nurses, physiotherapists and the like expose no SAS slots."""
    effecteur = _effecteur()
    return rpps_practising_in(
        departement_code=DEMO_DEPARTEMENT,
        specialty_code="SM54",
        exclude_pk=effecteur.pk if effecteur else None,
    )


def _parsed(slot, raw_hash: str) -> ParsedSlot:
    return ParsedSlot(
        external_id=slot.id,
        national_id=national_id_of_rpps(slot.rpps),
        start=slot.start,
        end=slot.end,
        slot_types=slot.types,
        modalities=slot.modalities,
        specialty_codes=("SM54",),
        reasons=("Consultation de médecine générale",),
        bookable=slot.bookable,
        booking_url=f"{settings.DEMO_EDITOR_URL.rstrip('/')}/rdv/{slot.rpps}?creneau={slot.id}",
        raw_hash=raw_hash,
    )


def _first_batch(source: AgendaSource) -> int:
    """The editor's free slots from local midnight today over 72 h, through the same upsert as a poll."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    window_end = midnight + timedelta(hours=source.horizon_hours)
    editor_slots = [
        s for rpps in source.rpps_list for s in free_slots(rpps, midnight, window_end, now=midnight)
    ]
    # The hashes a poll of the editor will compute, so that its first poll finds these unchanged.
    editor_url = settings.DEMO_EDITOR_URL.rstrip("/")
    bundle = searchset(
        editor_slots, base_url=f"{editor_url}/fhir", booking_base=editor_url, self_url=editor_url
    )
    hashes = content_hashes(bundle)
    slots = [_parsed(s, hashes.get(s.id, "")) for s in editor_slots]
    run = SourceRun.objects.create(
        source=source,
        trigger=RunTrigger.DEMO,
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        window_start=midnight,
        window_end=window_end,
    )
    result = FetchResult(slots=slots, complete_rpps=set(source.rpps_list))
    slots_ingest(source=source, run=run, result=result, window_start=midnight, window_end=window_end)
    return run.created


def _declared_for_effecteur() -> int:
    professional = _effecteur()
    if professional is None or DeclaredAvailability.objects.filter(professional=professional).exists():
        return 0
    # 2 h on Tuesday afternoons (4 patients at the practice) + 1 h of téléconsultation on Thursdays: 3 h/week.
    declared_availability_create(
        professional=professional,
        actor=None,
        kind=AvailabilityKind.WEEKLY,
        weekday=1,
        start_time=time(14, 0),
        end_time=time(16, 0),
        modalities=["AMB"],
        patients=4,
    )
    declared_availability_create(
        professional=professional,
        actor=None,
        kind=AvailabilityKind.WEEKLY,
        weekday=3,
        start_time=time(9, 0),
        end_time=time(10, 0),
        modalities=["VR"],
        patients=3,
    )
    return 2


def seed_planning_demo(rng: random.Random) -> dict:
    rpps = _demo_rpps()
    source = AgendaSource.objects.filter(name=DEMO_SOURCE_NAME).first()
    created_source = source is None
    if source is None:
        source = source_create(
            name=DEMO_SOURCE_NAME,
            label="Agenda Démo (éditeur de démonstration)",
            base_url=f"{settings.DEMO_EDITOR_URL.rstrip('/')}/fhir",
            departement_code=DEMO_DEPARTEMENT,
            rpps_list=rpps,
            feedback_token=settings.DEMO_EDITOR_TOKEN,
        )
        # The demo editor receives the SAS's regulator accounts (INT_R02).
        source.manages_regulator_accounts = True
        source.save(update_fields=["manages_regulator_accounts"])
    elif sorted(set(source.rpps_list) | set(rpps)) != sorted(source.rpps_list):
        source.rpps_list = sorted(set(source.rpps_list) | set(rpps))
        source.save(update_fields=["rpps_list"])
    slots = 0
    if rpps and not Slot.objects.filter(source=source).exists():
        slots = _first_batch(source)
    blocks = _declared_for_effecteur()
    declared = declared_slots_generate() if blocks else 0
    return {
        "source_created": created_source,
        "professionals": len(source.rpps_list),
        "slots_created": slots,
        "declared_blocks": blocks,
        "declared_slots": declared,
    }
