"""Audit rows for log-in, log-out and failed log-in (Django's auth signals).

Signals are used here only because authentication happens inside Django itself; business
events are written explicitly by services (STYLE.md 9).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sas_platform.enums import AuditEventType
from sas_platform.events import audit_event_write
from sas_platform.identity_hooks import access_changed


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def _logged_in(sender, request, user, **kwargs):
    audit_event_write(event_type=AuditEventType.USER_LOGGED_IN, actor=user, obj=user)
    # INT_R02: a regulator's accounts at the editors are (re)sent at each sign-in.
    access_changed(user_id=user.pk, reason="sign_in")


@receiver(user_logged_out, dispatch_uid="audit_user_logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_event_write(event_type=AuditEventType.USER_LOGGED_OUT, actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Never store the password; the user is linked only when the e-mail exists.
    email = str(credentials.get("username", ""))[:254]
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    audit_event_write(
        event_type=AuditEventType.USER_LOGIN_FAILED,
        actor=None,
        obj=user,
        params={"email": email},
    )
