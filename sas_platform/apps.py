from django.apps import AppConfig


class SasPlatformConfig(AppConfig):
    name = "sas_platform"
    verbose_name = "Plateforme (noyau commun)"

    def ready(self) -> None:
        # Log-in / log-out audit: Django's auth signals are the only hook for these events.
        from sas_platform import auth_events  # noqa: F401
