from django.apps import AppConfig


class SasPlatformConfig(AppConfig):
    name = "sas_platform"
    verbose_name = "Plateforme (noyau commun)"

    def ready(self) -> None:
        # Log-in / log-out audit: Django's auth signals are the only hook for these events.
        # django-dsfr's input snippet reads ``widget.group_class|default:'fr-input-group'``; the
        # ``default`` filter is skipped for a missing attribute when ``string_if_invalid`` is set
        # (the test settings do, to catch unknown variables), so give every widget the default.
        from django.db.backends.signals import connection_created
        from django.forms import Widget

        from sas_platform import auth_events, login_limits  # noqa: F401
        from sas_platform.api import tokens  # noqa: F401  (password change kills API tokens)
        from sas_platform.db_functions import register_sqlite_functions

        # The embedded default (SQLite) gets the aggregates PostgreSQL has (percentiles, issue 9).
        connection_created.connect(register_sqlite_functions, dispatch_uid="sas_sqlite_functions")

        if not hasattr(Widget, "group_class"):
            Widget.group_class = "fr-input-group"
