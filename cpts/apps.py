from django.apps import AppConfig


class CptsConfig(AppConfig):
    name = "cpts"
    verbose_name = "Annuaire et CPTS"

    def ready(self) -> None:
        from cpts.demo import seed_cpts_demo
        from cpts.services import professional_link_on_psc_sign_in
        from sas_platform import identity_hooks, navigation
        from sas_platform.demo import register_step
        from sas_platform.enums import REGULATION_ROLES, Role

        navigation.register(
            "Annuaire", "cpts:directory", {*REGULATION_ROLES, Role.ADMIN_SAS, Role.ADMIN_PLATEFORME}
        )
        navigation.register("Ma CPTS", "cpts:my-structures", {Role.COORDINATEUR_STRUCTURE})
        navigation.register("Je participe au SAS", "cpts:my-participation", {Role.EFFECTEUR}, home=True)
        from cpts.web.home import effecteur_status
        from sas_platform.navigation import register_status

        register_status(Role.EFFECTEUR, effecteur_status)
        register_step(10, "cpts", seed_cpts_demo)
        identity_hooks.register_psc_sign_in(professional_link_on_psc_sign_in)
