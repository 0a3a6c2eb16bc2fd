"""The Pro Santé Connect authentication backend (mozilla-django-oidc, code flow with PKCE).

mozilla-django-oidc does the protocol (state, nonce, PKCE S256, token request, JWKS); this class
adds PSC's rules (:mod:`sas_platform.psc.policies`): audience, issuer and expiry of the ID token,
``acr`` checked, match on the RPPS never on the e-mail, no account created, no role granted. A
refusal is stored on the request (``request.psc_error``) for the callback page and audited.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from sas_platform.events import audit_event_write
from sas_platform.models import User
from sas_platform.otp.events import IdentityEvent
from sas_platform.psc.policies import PscRefused, check_acr, rpps_from_national_id

logger = logging.getLogger(__name__)

GENERIC_FAILURE = "Connexion avec Pro Santé Connect impossible : réessayez, ou contactez le support."


class ProSanteConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if (
            request is None
            or "code" not in request.GET
            or "state" not in request.GET
            or "nonce" not in kwargs
        ):
            return None  # not PSC's callback (a password sign-in, an API token request...)
        try:
            return super().authenticate(request, **kwargs)
        except PscRefused as exc:
            self._refuse(request, str(exc))
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException, ValueError, KeyError) as exc:
            logger.warning("Pro Santé Connect : échec technique (%s)", type(exc).__name__)
            self._refuse(request, GENERIC_FAILURE, reason=type(exc).__name__)
        return None

    def _refuse(self, request, message: str, *, reason: str = "") -> None:
        request.psc_error = message
        audit_event_write(
            event_type=IdentityEvent.PSC_REFUSED,
            actor=None,
            params={"reason": (reason or message)[:200], "rpps": getattr(request, "psc_rpps", "")},
        )

    # -- tokens -----------------------------------------------------------------------------------
    def _verify_jws(self, payload, key):
        """Signature (RS256 only), audience = our client id, issuer, expiry (30 s leeway)."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.PSC_ISSUER or None,
                leeway=30,
                options={"require": ["exp", "iat", "aud", "iss"], "verify_iss": bool(settings.PSC_ISSUER)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise PscRefused("Jeton d'identité expiré : reconnectez-vous avec Pro Santé Connect.") from exc
        except jwt.InvalidSignatureError as exc:
            raise PscRefused("Signature du jeton d'identité invalide : connexion refusée.") from exc
        except jwt.PyJWTError as exc:
            raise PscRefused(f"Jeton d'identité refusé ({type(exc).__name__}).") from exc

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (the userinfo JWT has no acr)
            self.request.psc_acr = check_acr(payload.get("acr"), settings.PSC_ACR_VALUES)
        return payload

    # -- the user ----------------------------------------------------------------------------------
    def verify_claims(self, claims):
        self.request.psc_rpps = rpps_from_national_id(claims.get("preferred_username"))
        self.request.psc_claims = claims
        return True

    def filter_users_by_claims(self, claims):
        return User.objects.filter(rpps=self.request.psc_rpps)

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(user_info)
        users = list(self.filter_users_by_claims(user_info))
        if len(users) != 1:
            raise PscRefused(
                "Aucun compte de la plateforme n'est rattaché à votre numéro RPPS : demandez votre "
                "habilitation à l'administrateur de votre SAS."
                if not users
                else "Plusieurs comptes portent votre numéro RPPS : contactez l'administrateur de la plateforme."
            )
        user = users[0]
        if not user.is_active or not user.role_codes:
            raise PscRefused(
                "Votre compte n'a aucune habilitation active sur la plateforme : l'administrateur de "
                "votre SAS doit vous attribuer un rôle (le jeton Pro Santé Connect n'en donne aucun)."
            )
        return user
