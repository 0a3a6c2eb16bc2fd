from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Disponibilités et vacations"

    def ready(self) -> None:
        from planning.demo import seed_planning_demo
        from planning.services.regulators import regulator_accounts_enqueue
        from sas_platform import identity_hooks, navigation
        from sas_platform.celery import PERIODIC_TASKS
        from sas_platform.demo import register_step
        from sas_platform.enums import Role

        # Global periodic tasks of planning, added to the one registry (synced by sync_periodic_tasks).
        # Per-source polling entries are created with each source (planning.services.source_schedule_ensure).
        PERIODIC_TASKS.setdefault(
            # Every minute: holds past their 10 minutes become free again.
            "planning-release-expired-holds",
            {"task": "planning.tasks.release_expired_holds", "every": 60},
        )
        PERIODIC_TASKS.setdefault(
            # Every hour: slots of declared availability over the next 14 days.
            "planning-declared-slots",
            {"task": "planning.tasks.declared_slots_generate", "every": 3600},
        )
        PERIODIC_TASKS.setdefault(
            # Every night: slots ended more than PLANNING_SLOT_RETENTION_DAYS ago and never booked,
            # runs older than PLANNING_RUN_RETENTION_DAYS (each source's latest stays).
            "planning-purge",
            {"task": "planning.tasks.purge", "crontab": "40 3 * * *"},
        )
        navigation.register(
            "Sources d'agenda",
            "planning-sources",
            {Role.ADMIN_PLATEFORME, Role.ADMIN_SAS, Role.COORDINATEUR_STRUCTURE},
        )
        navigation.register("Mes disponibilités", "planning-availability", {Role.EFFECTEUR}, home=True)
        navigation.register("Règle des 2 h (membres)", "planning-structures", {Role.COORDINATEUR_STRUCTURE})
        register_step(20, "planning", seed_planning_demo)
        # INT_R02: regulator accounts at the editors follow sign-ins and changes of roles/territories.
        identity_hooks.register_access_changed(regulator_accounts_enqueue)
        from planning.vacations.apps import ready as vacations_ready

        vacations_ready()
