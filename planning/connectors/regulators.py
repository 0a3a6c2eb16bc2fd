"""INT_R02 connector: create (``POST [base]/Practitioner``) and update (``PUT [base]/Practitioner?
identifier=``) a SAS regulator's account at an editor (sas-ig ``specifications_techniques-tous-
gestion_regulateur.md``, profile ``FrPractitionerRegul``, examples ``Practitioner-
ExamplePractitionerRegul1..4.json``).

No database access: the service (:mod:`planning.services.regulators`) decides what to send and
records the exchange. Credentials (Bearer, mTLS) are the source's, as for the slot search.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from django.conf import settings

from sas_platform.identifiers import SAS_TECHNICAL_SYSTEM

NATIONAL_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
IDENTIFIER_TYPE_SYSTEM = "http://interopsante.org/fhir/CodeSystem/fr-v2-0203"
PROFILE = "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/FrPractitionerRegul"
TYPE_CODES = {NATIONAL_SYSTEM: "IDNPS", SAS_TECHNICAL_SYSTEM: "INTRN"}


def practitioner_regul(
    *, system: str, value: str, active: bool, family: str, given: str, email: str = ""
) -> dict:
    """A ``FrPractitionerRegul``: one identifier (national ``IDNPS`` or SAS technical ``INTRN``),
    ``active`` (false withdraws the habilitation), name, e-mail, ``meta.source`` = the SAS."""
    resource = {
        "resourceType": "Practitioner",
        "meta": {"source": SAS_TECHNICAL_SYSTEM, "profile": [PROFILE]},
        "identifier": [
            {
                "type": {"coding": [{"system": IDENTIFIER_TYPE_SYSTEM, "code": TYPE_CODES[system]}]},
                "system": system,
                "value": value,
            }
        ],
        "active": active,
        "name": [{"family": family, "given": [given]}],
    }
    if email:
        resource["telecom"] = [{"system": "email", "value": email}]
    return resource


@dataclass(frozen=True)
class Answer:
    """What the editor answered (``status`` None: no answer at all)."""

    method: str
    url: str
    status: int | None
    body: str = ""
    location: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (200, 201)

    @property
    def retryable(self) -> bool:
        """No answer, a 5xx or a 429: worth another attempt later (a 4xx is not)."""
        return self.status is None or self.status >= 500 or self.status == 429


def _outcome(body: str) -> str:
    try:
        payload = json.loads(body)
    except ValueError:
        return ""
    if isinstance(payload, dict) and payload.get("resourceType") == "OperationOutcome":
        return " ; ".join(str(i.get("diagnostics") or "") for i in payload.get("issue") or [])[:300]
    return ""


class RegulatorAccountConnector:
    def __init__(self, source, *, client: httpx.Client | None = None) -> None:
        self.source = source
        self.base_url = source.base_url.rstrip("/")
        self._client = client

    def _new_client(self) -> httpx.Client:
        headers = {"Accept": "application/json+fhir", "Content-Type": "application/fhir+json; charset=utf-8"}
        if self.source.request_token:
            headers["Authorization"] = f"Bearer {self.source.request_token}"
        cert = None
        if self.source.client_cert_path:
            cert = (self.source.client_cert_path, self.source.client_key_path or None)
        return httpx.Client(
            timeout=httpx.Timeout(settings.PLANNING_CONNECTOR_TIMEOUT_SECONDS),
            headers=headers,
            cert=cert,
            follow_redirects=False,
        )

    def url_for(self, *, method: str, query_identifier: tuple[str, str] | None) -> str:
        if method == "POST":
            return f"{self.base_url}/Practitioner"
        system, value = query_identifier
        return f"{self.base_url}/Practitioner?identifier={quote(f'{system}|{value}', safe=':|/')}"

    def send(self, *, method: str, resource: dict, query_identifier: tuple[str, str] | None = None) -> Answer:
        url = self.url_for(method=method, query_identifier=query_identifier)
        client = self._client or self._new_client()
        try:
            response = client.request(method, url, content=json.dumps(resource, ensure_ascii=False).encode())
        except httpx.TimeoutException:
            return Answer(
                method,
                url,
                None,
                error=f"Délai de {settings.PLANNING_CONNECTOR_TIMEOUT_SECONDS:g} s dépassé.",
            )
        except httpx.TransportError as exc:
            return Answer(method, url, None, error=f"Connexion impossible ({type(exc).__name__}).")
        finally:
            if self._client is None:
                client.close()
        body = response.text[:2000]
        error = (
            ""
            if response.status_code in (200, 201)
            else (f"HTTP {response.status_code}. {_outcome(response.text)}".strip())
        )
        return Answer(
            method, url, response.status_code, body, response.headers.get("Location", ""), error[:300]
        )
