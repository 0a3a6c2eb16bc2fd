"""Registrations of the vacation planning (called from ``PlanningConfig.ready``): navigation
entries per role, periodic tasks in the one registry of ``sas_platform.celery``."""

from __future__ import annotations


def ready() -> None:
    from planning.vacations import (
        home,
        tasks,  # noqa: F401  (registers the Celery tasks)
    )
    from planning.vacations.demo import seed_vacations_demo
    from sas_platform import navigation
    from sas_platform.celery import PERIODIC_TASKS
    from sas_platform.demo import register_step
    from sas_platform.enums import Role

    navigation.register(
        "Plannings de vacations",
        "vacations-plannings",
        {Role.COORDINATEUR_STRUCTURE, Role.ADMIN_PLATEFORME},
        home=True,
    )
    navigation.register("Mes vacations", "vacations-mine", {Role.EFFECTEUR}, home=True)
    navigation.register_status(Role.EFFECTEUR, home.effecteur_status)
    navigation.register_status(Role.COORDINATEUR_STRUCTURE, home.coordinator_status)
    navigation.register("Pot commun", "vacations-pool", {Role.EFFECTEUR})
    # Professionals reach it from "Mes vacations"; coordinators get follow-ups and validations.
    navigation.register("Mes notifications", "vacations-notifications", {Role.COORDINATEUR_STRUCTURE})
    register_step(25, "vacations", seed_vacations_demo)
    PERIODIC_TASKS.setdefault(
        # Every 15 minutes: reminders before vacations (per planning: 48 h and 2 h by default),
        # requests past their deadline expired, follow-ups on pool offers nobody took (per
        # planning: 48 h and 24 h by default). Idempotent (one delivery per key).
        "planning-vacation-reminders",
        {"task": "planning.tasks_vacations.vacation_reminders", "every": 900},
    )
    PERIODIC_TASKS.setdefault(
        # Every morning at 7:00: the pool digest, one message per eligible member who wants it
        # (key: the day and the person, so a second run the same day sends nothing).
        "planning-vacation-pool-digest",
        {"task": "planning.tasks_vacations.pool_digest", "crontab": "0 7 * * *"},
    )
