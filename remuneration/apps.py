from django.apps import AppConfig


class RemunerationConfig(AppConfig):
    name = "remuneration"
    verbose_name = "Rémunérations"

    def ready(self) -> None:
        from remuneration.demo import seed_remuneration_demo
        from sas_platform import navigation
        from sas_platform.demo import register_step
        from sas_platform.enums import Role

        payers = {Role.AGENT_CPAM, Role.AGENT_ARS, Role.ADMIN_SAS, Role.ADMIN_PLATEFORME}
        navigation.register("Bordereaux", "remuneration:bordereaux", payers)
        navigation.register(
            "Préparer un bordereau", "remuneration:prepare", {Role.ADMIN_SAS, Role.ADMIN_PLATEFORME}
        )
        navigation.register("Enveloppe ACI et indicateurs", "remuneration:aci", {Role.COORDINATEUR_STRUCTURE})
        navigation.register(
            "Protocoles de coopération", "remuneration:protocols", {Role.COORDINATEUR_STRUCTURE}
        )
        navigation.register("Mes rémunérations", "remuneration:mine", {Role.EFFECTEUR, Role.REGULATEUR})
        register_step(40, "remuneration", seed_remuneration_demo)
        # The home says what the bordereaux page shows (same selector, same scoping).
        from remuneration.web import home
        from sas_platform.navigation import register_status

        register_status(Role.AGENT_CPAM, home.cpam_status)
        register_status(Role.AGENT_ARS, home.ars_status)
