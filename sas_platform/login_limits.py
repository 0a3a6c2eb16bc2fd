"""Limits on log-in attempts and password-reset mails (issue 13, probe finding 1).

- **The account is the lower-cased e-mail** for django-axes (``AXES_USERNAME_CALLABLE``), so that
  ``User@…`` and ``user@…`` share one failure count and one lock.
- **The client's real address** behind the reverse proxy (``TRUSTED_PROXY_COUNT`` hops append
  themselves to ``X-Forwarded-For``); with no trusted proxy the header is ignored (a client cannot
  invent an address to escape its lock).
- Axes locks **an account from one address** (username + address pairs): nobody locks anybody out
  from elsewhere. Separately, **one address** is refused after ``LOGIN_ADDRESS_FAILURE_LIMIT``
  failures on any accounts within ``AXES_COOLOFF_TIME`` (no password spraying over many accounts).
- Password-reset requests: at most ``PASSWORD_RESET_ADDRESS_LIMIT`` per address and
  ``PASSWORD_RESET_TARGET_LIMIT`` mails per target e-mail per ``PASSWORD_RESET_WINDOW_SECONDS``.

Counters live in the cache (Redis in production), keyed by a hash, never by the e-mail itself.
"""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest


def normalise_username(value) -> str:
    """The account as django-axes counts it: the e-mail stripped and lower-cased."""
    return str(value or "").strip().lower()


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """``AXES_USERNAME_CALLABLE``: from the credentials given to ``authenticate`` or the form."""
    if credentials:
        return normalise_username(credentials.get(settings.AXES_USERNAME_FORM_FIELD))
    data = getattr(request, "data", None) or request.POST
    return normalise_username(data.get(settings.AXES_USERNAME_FORM_FIELD))


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the entry
    of ``X-Forwarded-For`` the outermost trusted proxy appended (entries before it are the client's
    own words and are ignored)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            found = _valid_ip(forwarded[-hops])
            if found:
                return found
    return _valid_ip(remote) or "0.0.0.0"  # noqa: S104 - an address, never a binding (force_login has none)


def _key(kind: str, value: str) -> str:
    return f"limits:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _bump(key: str, window_seconds: int) -> int:
    """Add one to a counter that expires ``window_seconds`` after its first hit."""
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def _cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


# --- Log-in: failures per address -----------------------------------------------------------
def address_locked(request: HttpRequest) -> bool:
    return _count(_key("login-address", client_address(request))) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


@receiver(user_login_failed, dispatch_uid="login_limits_address_failure")
def _count_address_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        _bump(_key("login-address", client_address(request)), _cooloff_seconds())


class AddressLimitBackend:
    """First authentication backend: refuses every attempt from an address over its failure
    limit, answered by django-axes's lock-out page (429, same answer whatever the account).
    It has no ``get_user``: it never logs anybody in (``force_login`` skips it)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = {"username": normalise_username(username)}
            raise PermissionDenied("Trop de tentatives depuis cette adresse.")
        return None


# --- Password reset mails -------------------------------------------------------------------
def password_reset_address_allowed(request: HttpRequest) -> bool:
    """Count one reset request from the client's address; False once over the limit."""
    key = _key("reset-address", client_address(request))
    return _bump(key, settings.PASSWORD_RESET_WINDOW_SECONDS) <= settings.PASSWORD_RESET_ADDRESS_LIMIT


def password_reset_target_allowed(email: str) -> bool:
    """Count one reset mail to ``email``; False once over the limit (then no mail is sent)."""
    key = _key("reset-target", normalise_username(email))
    return _bump(key, settings.PASSWORD_RESET_WINDOW_SECONDS) <= settings.PASSWORD_RESET_TARGET_LIMIT
