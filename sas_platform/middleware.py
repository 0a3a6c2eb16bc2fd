"""Session idle timeout for staff (every signed-in user of the platform).

Regulation desks are shared workstations: a session left idle longer than
``settings.SESSION_IDLE_TIMEOUT`` seconds is closed and the user sent back to log in.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

_LAST_SEEN = "last_seen_at"


class StaffSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "_auth_user_id" in request.session:
            now = time.time()
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(
                    request, "Votre session a expiré après une période d'inactivité. Reconnectez-vous."
                )
                return redirect(
                    f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
                )
            # Write at most once a minute to spare the session store.
            if last_seen is None or now - last_seen > 60:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer that may carry patient data (issue 13, finding 10):
    any page or partial for a signed-in user, and every API and FHIR answer (token-authenticated
    ones included: DRF sets the user on the Django request). Static files never come here
    (WhiteNoise answers them first) and stay cacheable."""

    PREFIXES = ("/api/", "/fhir/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" in response.get("Cache-Control", ""):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith(self.PREFIXES) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
