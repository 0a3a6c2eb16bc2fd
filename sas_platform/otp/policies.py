"""Who needs a second factor, and when a session counts as verified (DOMAIN.md §2, §8).

Pure functions: no database write, no request handling.
"""

from __future__ import annotations

from sas_platform.enums import Role

#: Roles that must sign in with a second factor: they administer, export personal data or see
#: payment facts (DOMAIN.md §8). Other roles may enrol, but are not forced to.
OTP_REQUIRED_ROLES = frozenset({Role.ADMIN_PLATEFORME, Role.ADMIN_SAS, Role.AGENT_CPAM, Role.AGENT_ARS})

#: Session key set by a Pro Santé Connect sign-in at eIDAS substantial (``acr`` = ``eidas1``): the
#: e-CPS card or app is already two factors, so no TOTP is asked on top.
STRONG_AUTH_SESSION_KEY = "strong_auth_acr"


def otp_required(user) -> bool:
    """True when the user holds one of :data:`OTP_REQUIRED_ROLES` (superusers included)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser) or user.has_role(*OTP_REQUIRED_ROLES)


def session_is_strong(*, user, session) -> bool:
    """True when this session passed a second factor: a django-otp device, or PSC at eidas1."""
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return True
    return bool(session.get(STRONG_AUTH_SESSION_KEY))
