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
        self._identity_ready()

    def _identity_ready(self) -> None:
        """Second factor (issue 13): demo accounts pre-enrolled after every other demo step, and
        the OTP secrets kept out of the admin (a reset is done with ``otp_reset``)."""
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from sas_platform.demo import register_step
        from sas_platform.otp.demo import seed_otp_demo

        register_step(90, "otp", seed_otp_demo)
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
