"""API authentication: the DRF token under either scheme, ``Authorization: Token <key>`` or
``Authorization: Bearer <key>`` (issue 9 point 11: the FHIR endpoints already take both, and a
consumer's HTTP library usually sends ``Bearer``). Same token, same checks (active user)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

SCHEMES = (b"token", b"bearer")


class TokenOrBearerAuthentication(TokenAuthentication):
    """DRF's ``TokenAuthentication`` that also accepts the ``Bearer`` keyword."""

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in SCHEMES:
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization invalide : « Bearer <jeton> » attendu."
            )
        try:
            key = auth[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Jeton illisible.") from exc
        return self.authenticate_credentials(key)
