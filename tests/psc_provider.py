"""A real OpenID Connect provider on 127.0.0.1 for the tests, shaped like Pro Santé Connect.

Threaded ``http.server``; RSA keys from jwcrypto; ID tokens signed RS256 and published in a JWKS;
the token endpoint checks the client's secret, the redirect URI and the PKCE verifier (S256);
userinfo answers the claims of the identity the test chose. The authorization endpoint approves at
once (the card reader of the real PSC is not simulated) and records what it was asked.

``identity`` (set by the test before the sign-in): ``preferred_username``, ``acr``, extra
``claims``; ``expired=True`` makes an ID token whose ``exp`` is past; ``bad_signature=True`` signs
it with another key under the published ``kid``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from jwcrypto import jwk, jwt

KID = "psc-test-key"


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class OidcProvider:
    def __init__(
        self, *, client_id: str = "sas-plateforme-test", client_secret: str = "secret-de-test"
    ) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.key = jwk.JWK.generate(kty="RSA", size=2048, kid=KID, alg="RS256", use="sig")
        self.other_key = jwk.JWK.generate(kty="RSA", size=2048, kid=KID, alg="RS256", use="sig")
        self.identity: dict = {"preferred_username": "810003384327", "acr": "eidas1", "claims": {}}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.logout_requests: list[dict] = []
        self.id_tokens: list[str] = []
        self.lock = threading.Lock()
        handler = type("BoundOidcHandler", (_Handler,), {"provider": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = f"{self.url}/auth/realms/esante-wallet"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings_for(self, settings) -> None:
        """Point the platform's PSC settings (pytest-django ``settings`` fixture) at this provider."""
        settings.PSC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = self.client_id
        settings.OIDC_RP_CLIENT_SECRET = self.client_secret
        settings.PSC_ISSUER = self.issuer
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{self.url}/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{self.issuer}/protocol/openid-connect/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{self.issuer}/protocol/openid-connect/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{self.issuer}/protocol/openid-connect/certs"
        settings.PSC_END_SESSION_ENDPOINT = f"{self.issuer}/protocol/openid-connect/logout"

    def id_token(self, *, nonce: str) -> str:
        now = int(time.time())
        identity = self.identity
        expired = identity.get("expired", False)
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": f"sub-{identity['preferred_username']}",
            "iat": now - 600 if expired else now,
            "exp": now - 300 if expired else now + 300,
            "nonce": nonce,
            "acr": identity.get("acr"),
            "preferred_username": identity["preferred_username"],
        }
        token = jwt.JWT(header={"alg": "RS256", "kid": KID, "typ": "JWT"}, claims=claims)
        token.make_signed_token(self.other_key if identity.get("bad_signature") else self.key)
        self.id_tokens.append(token.serialize())
        return self.id_tokens[-1]

    def userinfo(self) -> dict:
        return {
            "sub": f"sub-{self.identity['preferred_username']}",
            "preferred_username": self.identity["preferred_username"],
            "given_name": "Paul",
            "family_name": "ROUX",
            **self.identity.get("claims", {}),
        }


class _Handler(BaseHTTPRequestHandler):
    provider: OidcProvider

    def log_message(self, format, *args):
        pass

    def _json(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = urlsplit(self.path)
        provider = self.provider
        if parts.path == "/auth":
            query = dict(parse_qsl(parts.query))
            provider.authorize_requests.append(query)
            code = secrets.token_urlsafe(16)
            with provider.lock:
                provider.codes[code] = query
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if parts.path.endswith("/protocol/openid-connect/logout"):
            # RP-initiated logout: the session ends here; back to the platform's given address.
            query = dict(parse_qsl(parts.query))
            provider.logout_requests.append(query)
            if query.get("id_token_hint") not in provider.id_tokens:
                return self._json(400, {"error": "invalid_request", "error_description": "id_token_hint"})
            self.send_response(302)
            self.send_header("Location", query["post_logout_redirect_uri"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if parts.path.endswith("/protocol/openid-connect/certs"):
            return self._json(200, {"keys": [json.loads(provider.key.export_public())]})
        if parts.path.endswith("/protocol/openid-connect/userinfo"):
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in provider.tokens:
                return self._json(401, {"error": "invalid_token"})
            return self._json(200, provider.userinfo())
        return self._json(404, {"error": "not_found"})

    def do_POST(self):
        provider = self.provider
        if not urlsplit(self.path).path.endswith("/protocol/openid-connect/token"):
            return self._json(404, {"error": "not_found"})
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        provider.token_requests.append(form)
        with provider.lock:
            request = provider.codes.pop(form.get("code", ""), None)
        if request is None:
            return self._json(
                400, {"error": "invalid_grant", "error_description": "code inconnu ou déjà utilisé"}
            )
        if (form.get("client_id"), form.get("client_secret")) != (provider.client_id, provider.client_secret):
            return self._json(401, {"error": "invalid_client"})
        if form.get("redirect_uri") != request["redirect_uri"]:
            return self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
        verifier = form.get("code_verifier", "")
        if request.get("code_challenge_method") != "S256" or _s256(verifier) != request.get("code_challenge"):
            return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        access = secrets.token_urlsafe(24)
        provider.tokens[access] = {}
        return self._json(
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 120,
                "id_token": provider.id_token(nonce=request.get("nonce", "")),
            },
        )
