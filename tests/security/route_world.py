"""A small world for the permission matrix: one object behind every route parameter, in territory
13, and users of every role in 13 (plus the territorial roles in 83, "another territory")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpts.models import ImportRun, SasParticipation
from planning.enums import SourceKind
from planning.models import AgendaSource, DeclaredAvailability, SourceRun
from regulation import services
from regulation.enums import Decision, RequestChannel, Transition
from sas_platform.enums import Role
from sas_platform.models import Commune
from tests.factories import UserFactory
from tests.regulation import factories

TERRITORIAL_ROLES = (
    Role.ARM, Role.REGULATEUR, Role.OSNP, Role.ADMIN_SAS, Role.AGENT_ARS, Role.AGENT_CPAM,
)  # fmt: skip


def build_world(territory, other_territory) -> dict:
    users = {role.value: UserFactory(roles=[role], territories=["13"]) for role in Role}
    users.update(
        {f"{role.value}@83": UserFactory(roles=[role], territories=["83"]) for role in TERRITORIAL_ROLES}
    )
    arm, regulateur = users["arm"], users["regulateur"]
    coordinator = users["coordinateur_structure"]
    prof, place = factories.professional(last_name="Matrice")
    effecteur = users["effecteur"]
    prof.user = effecteur
    prof.save(update_fields=["user"])
    structure = factories.structure(coordinator=coordinator)
    participation = factories.participation(prof, structure=None)
    source = AgendaSource.objects.create(
        name="source-matrice", label="Source", kind=SourceKind.FILE_REPLAY, departement_id="13"
    )
    run = SourceRun.objects.create(source=source, trigger="manual")
    slot = factories.slot(prof, place)
    marseille = Commune.objects.get(insee_code="13055")
    dossier = services.dossier_open(
        actor=arm, territory_code="13", commune=marseille, reason="Fièvre", route=Transition.ROUTE_GENERAL_PRACTICE,
        patient_last_name="Durand", patient_first_name="Alice",
    )  # fmt: skip
    services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
    services.dossier_decide(dossier_id=dossier.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
    booked = services.dossier_open(
        actor=arm, territory_code="13", commune=marseille, reason="Toux", route=Transition.ROUTE_GENERAL_PRACTICE,
        patient_last_name="Martin", patient_first_name="Paul",
    )  # fmt: skip
    services.dossier_claim(dossier_id=booked.pk, actor=regulateur)
    services.dossier_decide(dossier_id=booked.pk, actor=regulateur, decision=Decision.APPOINTMENT_48H)
    booking = services.slot_book_platform(dossier_id=booked.pk, slot_id=slot.pk, actor=users["osnp"])
    request = services.surnumeraire_request_create(
        dossier_id=dossier.pk, actor=users["osnp"], channel=RequestChannel.PHONE, professional=prof
    )
    shift = services.shift_start(actor=regulateur, territory_code="13")
    availability = DeclaredAvailability.objects.create(
        professional=prof, place=place, kind="weekly", weekday=1,
        start_time=dt.time(9), end_time=dt.time(12), patients=3,
    )  # fmt: skip
    availability_web = DeclaredAvailability.objects.create(
        professional=prof, place=place, kind="weekly", weekday=2,
        start_time=dt.time(14), end_time=dt.time(16), patients=2,
    )  # fmt: skip
    import_run = ImportRun.objects.create(
        kind="rpps", file_name="rpps.csv", created_by=users["admin_plateforme"]
    )
    ids = {
        "professional": prof.pk, "structure": structure.pk, "participation": participation.pk,
        "source": source.pk, "run": run.pk, "slot": slot.pk, "dossier": dossier.pk,
        "booking": booking.pk, "request": request.pk, "shift": shift.pk, "availability": availability.pk,
        "availability_web": availability_web.pk,
        "import_run": import_run.pk, "hold": booking.pk, "membership": 999_999,
    }  # fmt: skip
    assert SasParticipation.objects.filter(pk=participation.pk).exists()
    return {"users": users, "ids": ids, "now": timezone.now()}
