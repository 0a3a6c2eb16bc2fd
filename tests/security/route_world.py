"""A small world for the permission matrix: one object behind every route parameter, in territory
13, and users of every role in 13 (plus the territorial roles in 83, "another territory")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpts.models import ImportRun, SasParticipation
from planning.enums import SourceKind
from planning.models import AgendaSource, DeclaredAvailability, SourceRun
from planning.vacations import services as vacations
from planning.vacations.ics import token_renew
from planning.vacations.models import Unavailability
from planning.vacations.services.autofill import autofill_propose
from regulation import services
from regulation.enums import Decision, RequestChannel, Transition
from remuneration.services import bordereau_compute
from sas_platform.enums import Role
from sas_platform.models import Commune
from tests.cpts.factories import CoordinatorFactory, MembershipFactory
from tests.factories import UserFactory
from tests.planning.vacations.factories import make_planning, make_vacation
from tests.regulation import factories
from tests.remuneration.conftest import make_acts, make_shift, paris

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
    ids.update(_vacations(prof, coordinator))
    ids.update(_remuneration(users))
    assert SasParticipation.objects.filter(pk=participation.pk).exists()
    return {"users": users, "ids": ids, "now": timezone.now()}


def _vacations(prof, coordinator) -> dict:
    """A vacation planning of a territory-13 CPTS (issue 11): coordinated by the world's
    coordinator, the world's effecteur a member holding a vacation released to the pool, an open
    vacation, an auto-fill proposal and the planning's ICS feed."""
    setup = make_planning(members=1, coordinator=False)
    CoordinatorFactory(user=coordinator, structure=setup["structure"])
    MembershipFactory(professional=prof, structure=setup["structure"], start_date=dt.date(2020, 1, 1))
    start = (timezone.localtime() + dt.timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0)
    held = make_vacation(setup, start, assignee=prof)
    free = make_vacation(setup, start + dt.timedelta(days=1))
    transfer = vacations.transfer_create(
        vacation_id=held.pk, kind="pool", from_professional_id=prof.pk, actor=prof.user
    )
    day = timezone.localdate()
    proposal = autofill_propose(
        planning=setup["planning"],
        start=day,
        end=day + dt.timedelta(days=20),
        actor=coordinator,
        time_limit=1,
    )
    token = token_renew(actor=coordinator, planning_id=setup["planning"].pk)
    # A leave under way: deleting it is refused (a redirect) for who may, 403 for the others.
    leave = Unavailability.objects.create(
        professional=prof,
        starts_at=timezone.now() - dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=1),
    )
    return {
        "unavailability": leave.pk,
        "vacation_planning": setup["planning"].pk, "vacation": held.pk, "open_vacation": free.pk,
        "transfer": transfer.pk, "proposal": proposal.pk, "ics_token": token.token,
    }  # fmt: skip


def _remuneration(users) -> dict:
    """A draft bordereau of territory 13 (issue 12): the régulateur's October shift, computed by the
    SAS administrator of 13; the two URL words the bordereau routes take; an act whose pay facts a
    SAS administrator may correct."""
    from remuneration.migrations._bareme_seed import seed
    from remuneration.models import Bareme

    if not Bareme.objects.exists():  # seeded by migration, gone after a live-server test's flush
        seed(Bareme)
    make_shift(users["regulateur"], paris(2026, 10, 5, 8, 0), paris(2026, 10, 5, 14, 0))
    result = bordereau_compute(
        actor=users["admin_sas"], kind="regulators", territory_code="13", period="2026-10"
    )
    [act] = make_acts([{"start": paris(2026, 10, 5, 9, 0)}], actor=users["arm"])  # an act of October
    return {"bordereau": result.bordereau.pk, "csv": "csv", "valider": "valider", "act_fact": act.pk}
