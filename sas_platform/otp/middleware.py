"""Send users whose role needs a second factor to enrolment or verification (DOMAIN.md §8).

Runs after authentication and django-otp's ``OTPMiddleware``. Web pages redirect; a session-
authenticated call under ``/api/`` answers 403 (JSON). API tokens are outside its scope: they
are requested with a password (see README, "Double authentification").
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from sas_platform.api.exceptions import error_body
from sas_platform.otp.policies import otp_required, session_is_strong
from sas_platform.otp.services import has_confirmed_device

#: Paths reachable before the second factor: the factor's own pages, leaving, static files,
#: health, machine endpoints (FHIR, with their own credentials) and Pro Santé Connect's callback.
EXEMPT_PREFIXES = (
    "/double-facteur/",
    "/connexion/",
    "/deconnexion/",
    "/mot-de-passe/",
    "/static/",
    "/healthz/",
    "/fhir/",
    "/psc/",
)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path
        if (
            user is not None
            and otp_required(user)
            and not path.startswith(EXEMPT_PREFIXES)
            and not session_is_strong(user=user, session=request.session)
        ):
            if path.startswith("/api/"):
                return JsonResponse(
                    error_body("Second facteur requis : validez votre code sur le site.", "otp_required"),
                    status=403,
                )
            target = "otp-verify" if has_confirmed_device(user=user) else "otp-enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
