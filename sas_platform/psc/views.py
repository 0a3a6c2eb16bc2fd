"""Pro Santé Connect pages: the start (redirect to PSC) and the callback (sign-in or a French refusal)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from sas_platform.events import audit_event_write
from sas_platform.identity_hooks import psc_signed_in
from sas_platform.otp.events import IdentityEvent
from sas_platform.otp.policies import STRONG_AUTH_SESSION_KEY
from sas_platform.psc.backend import GENERIC_FAILURE
from sas_platform.psc.policies import regulation_access_label

BACKEND = "sas_platform.psc.backend.ProSanteConnectBackend"


def psc_logout_url(request) -> str:
    """PSC's end-session URL for this session (``""`` when it was not opened with PSC)."""
    id_token = request.session.get("oidc_id_token")
    if not (settings.PSC_ENABLED and id_token and settings.PSC_END_SESSION_ENDPOINT):
        return ""
    user = request.user
    audit_event_write(event_type=IdentityEvent.PSC_LOGOUT, actor=user, obj=user)
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGIN_URL)),
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{settings.PSC_END_SESSION_ENDPOINT}?{query}"


class _Enabled:
    def dispatch(self, request, *args, **kwargs):
        if not settings.PSC_ENABLED:
            raise Http404("Pro Santé Connect n'est pas configuré.")
        return super().dispatch(request, *args, **kwargs)


class PscStartView(_Enabled, OIDCAuthenticationRequestView):
    """Redirect to PSC's authorization endpoint: scopes, ``acr_values``, state, nonce, PKCE S256."""


class PscCallbackView(_Enabled, OIDCAuthenticationCallbackView):
    def login_success(self):
        request = self.request
        response = super().login_success()
        request.session[STRONG_AUTH_SESSION_KEY] = getattr(request, "psc_acr", "")
        claims = getattr(request, "psc_claims", {})
        audit_event_write(
            event_type=IdentityEvent.PSC_LOGIN,
            actor=self.user,
            obj=self.user,
            params={"acr": request.session[STRONG_AUTH_SESSION_KEY]},
        )
        psc_signed_in(user_id=self.user.pk, national_id=f"8{request.psc_rpps}")
        messages.info(
            request,
            "Connecté avec Pro Santé Connect. Accès à la régulation médicale selon Pro Santé Connect : "
            f"{regulation_access_label(claims)} (information ; vos droits sur la plateforme viennent de "
            "votre habilitation locale).",
        )
        return response

    def login_failure(self):
        error = getattr(self.request, "psc_error", "")
        if not error and self.request.GET.get("error"):
            error = "Connexion annulée ou refusée par Pro Santé Connect."
        messages.error(self.request, error or GENERIC_FAILURE)
        return redirect(settings.LOGIN_URL)
