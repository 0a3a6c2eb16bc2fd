"""Enrolment and verification of the second factor (TOTP, RFC 6238, with recovery codes).

DOMAIN.md §8: the roles of :data:`~sas_platform.otp.policies.OTP_REQUIRED_ROLES` sign in with a
second factor. django-otp keeps the secrets, throttles wrong codes (growing delays after each
failure) and refuses a code already used (``last_t``). Every outcome is audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sas_platform.events import audit_event_write
from sas_platform.otp.events import IdentityEvent

TOTP_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"
RECOVERY_CODES = 10


class OtpError(Exception):
    """A refused code; the message is French and says what to do."""


def totp_pending_device(*, user) -> TOTPDevice:
    """The unconfirmed TOTP device the enrolment page shows (created once, same secret on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def has_confirmed_device(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _clean(token: str) -> str:
    return "".join(str(token or "").split()).lower()


def _refusal_if_throttled(device) -> str:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return ""
    until = (data or {}).get("locked_until")
    when = f" après {timezone.localtime(until):%H:%M:%S}" if until else " dans quelques secondes"
    return f"Trop de codes erronés : réessayez{when}."


def totp_enrol_confirm(*, user, token: str) -> list[str]:
    """Confirm the pending device with a first code; replace any earlier device and recovery codes.

    Returns the new recovery codes (shown once). Raises :class:`OtpError` on a wrong code (the
    failure and its throttling are committed: the exception is raised outside the transaction).
    """
    outcome = _enrol(user=user, token=_clean(token))
    if isinstance(outcome, str):
        raise OtpError(outcome)
    return outcome


@transaction.atomic
def _enrol(*, user, token: str) -> list[str] | str:
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        return "Aucune activation en cours : rechargez la page."
    refusal = _refusal_if_throttled(device)
    if refusal:
        return refusal
    if not (token.isdigit() and len(token) == device.digits) or not device.verify_token(token):
        if not token.isdigit():
            device.throttle_increment(commit=True)
        audit_event_write(event_type=IdentityEvent.OTP_FAILED, actor=user, obj=user, params={"step": "enrol"})
        return "Code incorrect : saisissez les 6 chiffres affichés par votre application."
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user)
    audit_event_write(event_type=IdentityEvent.OTP_ENROLLED, actor=user, obj=user)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Replace the user's recovery codes with :data:`RECOVERY_CODES` new single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_renew_verified(*, user, token: str) -> list[str]:
    """Self-service renewal (lost or used codes): the user proves the second factor again with a
    current code (TOTP or a recovery code), then gets :data:`RECOVERY_CODES` new ones, shown once;
    the old ones stop working. A wrong code raises :class:`OtpError` and changes nothing."""
    otp_verify(user=user, token=token)
    codes = recovery_codes_renew(user=user)
    audit_event_write(event_type=IdentityEvent.OTP_RECOVERY_RENEWED, actor=user, obj=user)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def otp_verify(*, user, token: str):
    """The device that accepts ``token`` (TOTP first, then a single-use recovery code).

    Raises :class:`OtpError` when none does, or while wrong codes are throttled (outside the
    transaction, so that the failure count and the audit row stay).
    """
    outcome = _verify(user=user, token=_clean(token))
    if isinstance(outcome, str):
        raise OtpError(outcome)
    return outcome


@transaction.atomic
def _verify(*, user, token: str):
    totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if totp is None:
        return "Aucun second facteur activé pour ce compte."
    refusal = _refusal_if_throttled(totp)
    if refusal:
        return refusal
    if token.isdigit() and len(token) == totp.digits:
        if totp.verify_token(token):
            audit_event_write(event_type=IdentityEvent.OTP_VERIFIED, actor=user, obj=user)
            return totp
    else:
        for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if static.verify_token(token):
                left = static.token_set.count()
                audit_event_write(
                    event_type=IdentityEvent.OTP_RECOVERY_USED, actor=user, obj=user, params={"left": left}
                )
                return static
        # A wrong recovery code counts against the TOTP device's throttle too.
        totp.throttle_increment(commit=True)
    audit_event_write(event_type=IdentityEvent.OTP_FAILED, actor=user, obj=user, params={"step": "verify"})
    return "Code incorrect."


@transaction.atomic
def otp_reset(*, user, actor) -> None:
    """Remove every device of ``user`` (lost phone): the next sign-in asks to enrol again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_event_write(event_type=IdentityEvent.OTP_RESET, actor=actor, obj=user)
