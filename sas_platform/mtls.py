"""The client certificate verified by the TLS reverse proxy (nginx, issue 14), as Django sees it.

Mutual TLS is terminated by nginx (``deploy/nginx/sas-mtls.conf.template``): it verifies the
client certificate against the configured CA bundle (IGC-Santé in production) and CRL, then passes
what it verified in request headers:

- ``X-SSL-Client-Verify``: ``SUCCESS``, ``NONE`` or ``FAILED:<reason>`` (``$ssl_client_verify``);
- ``X-SSL-Client-Cert``: the client certificate, PEM, URL-escaped (``$ssl_client_escaped_cert``);
- ``X-SSL-Client-S-DN`` / ``X-SSL-Client-Serial``: its subject (RFC 2253) and serial, for the logs.

A client could send these headers itself, so Django trusts them **only from the proxy**: when the
request carries ``X-Mtls-Proxy-Secret`` equal to ``FHIR_MTLS_PROXY_SECRET`` (a shared secret that
nginx adds and that never leaves the private network), or when ``REMOTE_ADDR`` is one of
``FHIR_MTLS_TRUSTED_PROXIES``. Neither configured: the headers are ignored (tokens only).
nginx overwrites the four headers with ``proxy_set_header``, so a client cannot smuggle its own.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.http import HttpRequest

SECRET_HEADER = "X-Mtls-Proxy-Secret"
VERIFY_HEADER = "X-SSL-Client-Verify"
CERT_HEADER = "X-SSL-Client-Cert"


@dataclass(frozen=True)
class ClientCertificate:
    """A client certificate the proxy verified: SHA-256 fingerprint (lowercase hex), subject (RFC
    4514 string, e.g. ``CN=sas-plateforme,OU=…,O=…,C=FR``) and serial (lowercase hex)."""

    sha256: str
    subject: str
    serial: str


def certificate_of_pem(pem: bytes | str) -> ClientCertificate:
    """The fingerprint, subject and serial of a PEM certificate (``ValueError`` if unreadable)."""
    data = pem.encode() if isinstance(pem, str) else pem
    cert = x509.load_pem_x509_certificate(data)
    return ClientCertificate(
        sha256=cert.fingerprint(hashes.SHA256()).hex(),
        subject=cert.subject.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
    )


def proxy_is_trusted(request: HttpRequest) -> bool:
    """The request came through our TLS proxy (shared secret header, or an allowed address)."""
    secret = getattr(settings, "FHIR_MTLS_PROXY_SECRET", "")
    sent = request.headers.get(SECRET_HEADER, "")
    if secret and sent and hmac.compare_digest(secret.encode(), sent.encode()):
        return True
    return request.META.get("REMOTE_ADDR", "") in getattr(settings, "FHIR_MTLS_TRUSTED_PROXIES", [])


def verified_client_certificate(request: HttpRequest) -> ClientCertificate | None:
    """The client certificate the trusted proxy verified for this request, else None."""
    if not proxy_is_trusted(request) or request.headers.get(VERIFY_HEADER, "") != "SUCCESS":
        return None
    escaped = request.headers.get(CERT_HEADER, "")
    if not escaped:
        return None
    try:
        return certificate_of_pem(unquote(escaped))
    except ValueError:
        return None
