from django.apps import AppConfig


class RegulationConfig(AppConfig):
    name = "regulation"
    verbose_name = "Régulation"

    def ready(self) -> None:
        from regulation.demo import seed_regulation
        from sas_platform import navigation
        from sas_platform.celery import PERIODIC_TASKS
        from sas_platform.demo import register_step
        from sas_platform.enums import Role

        # ``home=True``: also a link of these roles' sections on the home page.
        navigation.register("Prise d'appel", "regulation-pickup", {Role.ARM}, home=True)
        navigation.register(
            "File d'attente", "regulation-queue", {Role.ARM, Role.REGULATEUR, Role.OSNP}, home=True
        )
        navigation.register(
            "Demandes du SAS", "regulation-structure-requests", {Role.COORDINATEUR_STRUCTURE}, home=True
        )
        navigation.register("Mes gardes", "regulation-shifts-mine", {Role.REGULATEUR})
        navigation.register(
            "Tableau de bord du SAS", "regulation-dashboard", {Role.ADMIN_SAS, Role.ADMIN_PLATEFORME}
        )
        navigation.register(
            "Gardes des régulateurs", "regulation-shifts-schedule", {Role.ADMIN_SAS, Role.ADMIN_PLATEFORME}
        )
        navigation.register(
            "Actes rémunérés", "regulation-act-facts", {Role.ADMIN_SAS, Role.ADMIN_PLATEFORME}
        )
        from regulation.web import home
        from sas_platform.navigation import register_status

        register_status(Role.ARM, home.arm_status)
        register_status(Role.REGULATEUR, home.regulateur_status)
        register_status(Role.OSNP, home.osnp_status)
        register_status(Role.COORDINATEUR_STRUCTURE, home.coordinator_status)
        register_step(30, "regulation", seed_regulation)
        # The app's periodic tasks join the one registry (synced by ``sync_periodic_tasks``).
        PERIODIC_TASKS.update(
            {
                # Every minute: give back editor slots held past their time.
                "regulation-expire-holds": {"task": "regulation.tasks.expire_holds", "every": 60},
                # Every 5 minutes: remind structures of unanswered surnuméraire requests.
                "regulation-remind-surnumeraire": {
                    "task": "regulation.tasks.remind_surnumeraire",
                    "every": 300,
                },
                # Every hour: close oriented dossiers whose outcome never came (« issue inconnue »).
                "regulation-auto-close": {"task": "regulation.tasks.auto_close_dossiers", "every": 3600},
            }
        )
