"""The demo territory: SAS des Bouches-du-Rhône (département 13, seed 004).

``python manage.py seed_demo`` runs :func:`demo_seed`, which runs the steps apps register
(in :class:`~django.apps.AppConfig` ``ready()``) in order. Every step is deterministic (a
``random.Random`` seeded per step) and idempotent: re-running changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from sas_platform.enums import Role
from sas_platform.models import Departement, SasTerritory, User
from sas_platform.services import roles_ensure_groups, user_create, user_set_roles, user_set_territories

DEMO_DEPARTEMENT = "13"
DEMO_PASSWORD = "demo-sas-13"
DEMO_SEED = 13


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: Role
    first_name: str
    last_name: str
    rpps: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("arm@demo.sas", Role.ARM, "Nadia", "Benali"),
    DemoUser("regulateur@demo.sas", Role.REGULATEUR, "Paul", "Roux", "10003384327"),
    DemoUser("osnp@demo.sas", Role.OSNP, "Léa", "Fabre"),
    DemoUser("effecteur@demo.sas", Role.EFFECTEUR, "Claire", "Martin", "10101010105"),
    DemoUser("coordinateur@demo.sas", Role.COORDINATEUR_STRUCTURE, "Julien", "Garcia"),
    DemoUser("cpam@demo.sas", Role.AGENT_CPAM, "Sophie", "Lambert"),
    DemoUser("ars@demo.sas", Role.AGENT_ARS, "Marc", "Olivier"),
    DemoUser("admin@demo.sas", Role.ADMIN_PLATEFORME, "Camille", "Durand"),
)

DemoStep = Callable[[random.Random], dict]
_STEPS: list[tuple[int, str, DemoStep]] = []


def register_step(order: int, name: str, step: DemoStep) -> None:
    """Apps add their part of the demo; ``order`` places it (platform = 0, cpts = 10...)."""
    if all(existing != name for _, existing, _ in _STEPS):
        _STEPS.append((order, name, step))
        _STEPS.sort(key=lambda item: item[0])


def _seed_platform(rng: random.Random) -> dict:
    roles_ensure_groups()
    departement = Departement.objects.get(code=DEMO_DEPARTEMENT)
    _, territory_created = SasTerritory.objects.get_or_create(
        departement=departement,
        defaults={
            "name": "SAS 13 – Bouches-du-Rhône",
            "opened_on": dt.date(2022, 3, 31),
            "phone": "+33491000015",
        },
    )
    created = 0
    for demo_user in DEMO_USERS:
        user = User.objects.filter(email=demo_user.email).first()
        if user is None:
            user_create(
                email=demo_user.email,
                password=DEMO_PASSWORD,
                roles=[demo_user.role],
                territories=[DEMO_DEPARTEMENT],
                first_name=demo_user.first_name,
                last_name=demo_user.last_name,
                rpps=demo_user.rpps,
            )
            created += 1
        else:
            user_set_roles(user=user, roles=[demo_user.role], actor=None)
            user_set_territories(user=user, territories=[DEMO_DEPARTEMENT], actor=None)
    return {"territory_created": territory_created, "users_created": created}


register_step(0, "platform", _seed_platform)


@transaction.atomic
def demo_seed(*, only: set[str] | None = None) -> dict[str, dict]:
    """Run every registered step (or the steps named in ``only``); return each step's summary."""
    if not Departement.objects.filter(code=DEMO_DEPARTEMENT).exists():
        raise RuntimeError(
            "Référentiel géographique absent : lancez d'abord « python manage.py load_geography »."
        )
    return {
        name: step(random.Random(f"{DEMO_SEED}:{name}"))
        for _, name, step in _STEPS
        if only is None or name in only
    }
