"""API tokens that expire (issue 13, probe finding 6).

A token (DRF's ``authtoken``, one per user) is refused once:

- older than ``API_TOKEN_LIFETIME_SECONDS`` (12 h by default, like the session), even when used;
- unused for ``SESSION_IDLE_TIMEOUT`` seconds (the session's idle timeout; last use kept in the
  cache, written at most once a minute);
- its user changed password (the user's tokens are deleted on save) or was deactivated.

Each ``POST /api/v1/auth/token/`` rotates it: the previous key stops working at once.

Machine users (no usable password: the FHIR Slot consumers of ``grant_fhir_slot_access``, which
cannot ask for a new token themselves) keep theirs ``API_MACHINE_TOKEN_LIFETIME_DAYS`` days,
without the idle rule; running the command again rotates it.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from sas_platform.api.authentication import TokenOrBearerAuthentication

EXPIRED = "Jeton expiré : demandez-en un nouveau."


class TokenExpired(Exception):
    pass


def _seen_key(key: str) -> str:
    return f"api-token-seen:{hashlib.sha256(key.encode()).hexdigest()[:32]}"


@transaction.atomic
def api_token_rotate(*, user) -> Token:
    """A new token for ``user``; the previous one (if any) stops working."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    cache.set(_seen_key(token.key), time.time(), timeout=settings.API_TOKEN_LIFETIME_SECONDS)
    return token


def api_token_check(token: Token) -> None:
    """Raise :class:`TokenExpired` (and delete the token) when it is too old or idle too long;
    otherwise record this use."""
    now = time.time()
    created = token.created.timestamp()
    if not token.user.has_usable_password():  # a machine user (FHIR consumer): no idle rule
        if now - created > settings.API_MACHINE_TOKEN_LIFETIME_DAYS * 86_400:
            token.delete()
            raise TokenExpired(EXPIRED)
        return
    seen_key = _seen_key(token.key)
    last_seen = cache.get(seen_key)
    idle_since = created if last_seen is None else float(last_seen)
    if (
        now - created > settings.API_TOKEN_LIFETIME_SECONDS
        or now - idle_since > settings.SESSION_IDLE_TIMEOUT
    ):
        token.delete()
        cache.delete(seen_key)
        raise TokenExpired(EXPIRED)
    if last_seen is None or now - float(last_seen) > 60:
        cache.set(seen_key, now, timeout=settings.API_TOKEN_LIFETIME_SECONDS)


def api_token_user(*, key: str):
    """The active user behind a valid, unexpired token, or None (FHIR endpoints' bearer tokens)."""
    if not key:
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    try:
        api_token_check(token)
    except TokenExpired:
        return None
    return token.user


class ExpiringTokenAuthentication(TokenOrBearerAuthentication):
    """``Token`` or ``Bearer`` (issue 9) with the lifetime and idle rules above (401 when expired)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        try:
            api_token_check(token)
        except TokenExpired as exc:
            raise AuthenticationFailed(EXPIRED) from exc
        return user, token


@receiver(post_save, sender=get_user_model(), dispatch_uid="api_tokens_die_with_the_password")
def _password_changed(sender, instance, **kwargs):
    # ``set_password`` keeps the raw password in ``_password`` until ``save`` has finished.
    if getattr(instance, "_password", None) is not None:
        Token.objects.filter(user=instance).delete()
