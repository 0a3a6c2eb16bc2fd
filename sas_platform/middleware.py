"""Session idle timeout for staff (every signed-in user of the platform).

Regulation desks are shared workstations: a session left idle longer than
``settings.SESSION_IDLE_TIMEOUT`` seconds is closed and the user sent back to log in.

Background refreshes (the queue's 5 s polling, a run's progress) send ``X-Background-Refresh: 1``
(``hx-headers`` on the polling element): they are answered but do not count as activity, so a
workstation left on the queue still logs out (issue 13, finding 7). An HTMX request on an expired
session gets ``HX-Redirect`` to the log-in page (the whole page goes there, not the fragment).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

_LAST_SEEN = "last_seen_at"
BACKGROUND_HEADER = "X-Background-Refresh"


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
                return _to_login(request)
            if request.headers.get(BACKGROUND_HEADER) == "1" and last_seen is not None:
                return self.get_response(request)  # polling is not activity
            # Write at most once a minute to spare the session store.
            if last_seen is None or now - last_seen > 60:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


def _to_login(request):
    if request.headers.get("HX-Request") == "true":
        page = urlsplit(request.headers.get("HX-Current-URL", "")).path or "/"
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': page})}"
        return response
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")


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
