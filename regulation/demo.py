"""Demo step of `regulation` (order 30): a few dossiers of the SAS 13 in various states.

Deterministic (fixed list, ``rng`` only picks ages and communes) and idempotent: nothing is
added once the demo ARM has opened dossiers. Every dossier goes through the services, so the
timelines and the audit trail are those of real calls.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from regulation import services
from regulation.enums import (
    AppointmentStatus,
    Decision,
    RequestChannel,
    Transition,
    TreatingDoctorCallResult,
)
from regulation.models import Dossier
from sas_platform.models import Commune, User

COMMUNES = ["13055", "13001", "13004", "13056", "13103", "13047"]

# (reason, priority, what happens next)
STORIES = [
    ("Fièvre à 39 °C depuis 2 jours, toux", "P2", "closed_mt"),
    ("Douleur lombaire après un effort, pas de signe neurologique", "P3", "closed_advice"),
    ("Brûlures urinaires depuis hier", "P2", "closed_fulfilled"),
    ("Douleur thoracique intense, sueurs", "P0", "amu"),
    ("Otalgie chez un enfant de 4 ans", "P2", "orienting_surnumeraire"),
    ("Éruption cutanée, pas de fièvre", "P2", "regulated"),
    ("Entorse de cheville en jouant au football", "P1", "general_practice"),
    ("Vomissements depuis ce matin", "NR", "opened"),
]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


#: A SAS administrator for the dashboard and the regulators' schedule (ARM supervisor's view).
SUPERVISOR = ("superviseur@demo.sas", "Inès", "Moreau")


def _supervisor() -> User:
    from sas_platform.demo import DEMO_DEPARTEMENT, DEMO_PASSWORD
    from sas_platform.enums import Role
    from sas_platform.services import user_create

    email, first_name, last_name = SUPERVISOR
    return _user(email) or user_create(
        email=email,
        password=DEMO_PASSWORD,
        roles=[Role.ADMIN_SAS],
        territories=[DEMO_DEPARTEMENT],
        first_name=first_name,
        last_name=last_name,
    )


def seed_regulation(rng: random.Random) -> dict:
    """Today's dossiers in every state (through the services), then three weeks of history."""
    from regulation.demo_history import seed_history

    arm, regulateur, osnp = _user("arm@demo.sas"), _user("regulateur@demo.sas"), _user("osnp@demo.sas")
    if arm is None or regulateur is None or osnp is None:
        return {"dossiers_created": 0}
    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=COMMUNES)}
    if not communes:
        return {"dossiers_created": 0}
    supervisor = _supervisor()
    summary = {"dossiers_created": _seed_today(rng, arm, regulateur, osnp, communes)}
    past = timezone.now() - dt.timedelta(days=2)
    if not Dossier.objects.filter(created_by=arm, picked_up_at__lt=past).exists():
        history_communes = list(
            Commune.objects.filter(departement_id="13", population_2021__gt=5000).order_by("insee_code")
        ) or list(communes.values())
        summary.update(
            seed_history(
                rng,
                arm=arm,
                regulateur=regulateur,
                osnp=osnp,
                supervisor=supervisor,
                communes=history_communes,
            )
        )
    return summary


def _seed_today(rng: random.Random, arm, regulateur, osnp, communes: dict) -> int:
    if Dossier.objects.filter(
        created_by=arm, picked_up_at__gte=timezone.now() - dt.timedelta(days=2)
    ).exists():
        return 0
    now = timezone.now()
    created = 0
    for index, (reason, priority, story) in enumerate(STORIES):
        commune = communes.get(COMMUNES[index % len(COMMUNES)]) or next(iter(communes.values()))
        dossier = services.dossier_open(
            actor=arm,
            territory_code="13",
            commune=commune,
            reason=reason,
            route=None
            if story == "opened"
            else Transition.ROUTE_AMU
            if story == "amu"
            else Transition.ROUTE_GENERAL_PRACTICE,
            picked_up_at=now - dt.timedelta(minutes=5 * (len(STORIES) - index)),
            origin=rng.choice(["15", "116117"]),
            priority=priority,
            patient_age=rng.randint(4, 88),
            patient_sex=rng.choice(["F", "M"]),
            patient_last_name=f"Patient{index + 1}",
            caller_phone=f"06{rng.randint(10_000_000, 99_999_999)}",
        )
        created += 1
        if story in ("opened", "amu", "general_practice"):
            continue
        decision = Decision.ADVICE if story == "closed_advice" else Decision.APPOINTMENT_48H
        services.dossier_claim(dossier_id=dossier.pk, actor=regulateur)
        services.dossier_decide(
            dossier_id=dossier.pk, actor=regulateur, decision=decision, notes="Démonstration"
        )
        if story == "closed_mt":
            services.treating_doctor_call_record(
                dossier_id=dossier.pk,
                actor=osnp,
                result=TreatingDoctorCallResult.APPOINTMENT,
                name="Dr Anne Lefèvre",
                appointment_start=now + dt.timedelta(hours=3),
            )
        elif story == "closed_fulfilled":
            services.treating_doctor_call_record(
                dossier_id=dossier.pk,
                actor=osnp,
                result=TreatingDoctorCallResult.APPOINTMENT,
                name="Dr Marc Vidal",
                appointment_start=now - dt.timedelta(minutes=10),
            )
            booking = dossier.bookings.get()
            services.booking_outcome_record(
                booking_id=booking.pk, actor=osnp, status=AppointmentStatus.FULFILLED
            )
        elif story == "orienting_surnumeraire":
            services.treating_doctor_call_record(
                dossier_id=dossier.pk, actor=osnp, result=TreatingDoctorCallResult.UNREACHABLE
            )
            _demo_request(dossier, osnp)
    return created


def _demo_request(dossier: Dossier, osnp: User) -> None:
    """A pending request to the coordinator's structure when the directory has one (cpts demo)."""
    from cpts.selectors import structures_coordinated_by

    coordinator = _user("coordinateur@demo.sas")
    structure = structures_coordinated_by(user=coordinator).first() if coordinator else None
    if structure is None:
        return
    services.surnumeraire_request_create(
        dossier_id=dossier.pk, actor=osnp, channel=RequestChannel.PLATFORM, structure=structure
    )
