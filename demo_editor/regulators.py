"""The demo editor's side of INT_R02: the SAS creates and updates its regulators' accounts.

``POST /fhir/Practitioner`` (201 + Location; 422 when the identifier already has an account) and
``PUT /fhir/Practitioner?identifier=system|value`` (200, or 201 when unknown: idempotent, sas-ig
``specifications_techniques-tous-gestion_regulateur.md``). Checks follow the profile
``FrPractitionerRegul``: ``meta.source`` is the SAS, one identifier whose type matches its system
(``IDNPS`` national, ``INTRN`` SAS technical), ``active``, ``name.family`` and one ``name.given``.
An account with ``active`` false may no longer book. Standard library only.
"""

from __future__ import annotations

import threading
import uuid

SAS_SOURCE = "urn:oid:1.2.250.1.213.3.6"
TYPES = {"urn:oid:1.2.250.1.71.4.2.1": "IDNPS", SAS_SOURCE: "INTRN"}


class RegulatorError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status


def _keys(resource: dict) -> list[str]:
    return [f"{i['system']}|{i['value']}" for i in resource["identifier"]]


def validate(resource: object) -> dict:
    """The resource when it follows the profile; :class:`RegulatorError` (400) otherwise."""
    if not isinstance(resource, dict) or resource.get("resourceType") != "Practitioner":
        raise RegulatorError(400, "Ressource Practitioner attendue.")
    if (resource.get("meta") or {}).get("source") != SAS_SOURCE:
        raise RegulatorError(400, f"meta.source doit valoir {SAS_SOURCE}.")
    identifiers = resource.get("identifier")
    if not isinstance(identifiers, list) or not identifiers:
        raise RegulatorError(400, "Au moins un identifiant est obligatoire.")
    for identifier in identifiers:
        system = identifier.get("system") if isinstance(identifier, dict) else None
        if system not in TYPES or not str(identifier.get("value") or "").strip():
            raise RegulatorError(400, f"Système d'identifiant inconnu ou valeur vide : {system!r}.")
        codes = [c.get("code") for c in ((identifier.get("type") or {}).get("coding") or [])]
        if TYPES[system] not in codes:
            raise RegulatorError(400, f"Type d'identifiant {TYPES[system]} attendu pour {system}.")
    if not isinstance(resource.get("active"), bool):
        raise RegulatorError(400, "Le champ active (booléen) est obligatoire.")
    names = resource.get("name") or [{}]
    if not names[0].get("family") or len(names[0].get("given") or []) != 1:
        raise RegulatorError(400, "name.family et un seul name.given sont obligatoires.")
    return resource


class RegulatorAccounts:
    """Accounts by identifier (``system|value``), in memory (the demo editor restarts clean)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_key: dict[str, dict] = {}
        self.received: list[tuple[str, dict]] = []  # (method, resource), for the tests and the page

    def create(self, resource: object) -> tuple[int, str]:
        resource = validate(resource)
        with self.lock:
            if any(key in self.by_key for key in _keys(resource)):
                raise RegulatorError(422, "Un compte régulateur existe déjà pour cet identifiant.")
            return 201, self._store(resource, account_id=str(uuid.uuid4()), method="POST")

    def update(self, query_identifier: str, resource: object) -> tuple[int, str]:
        resource = validate(resource)
        if "|" not in query_identifier:
            raise RegulatorError(400, "Paramètre identifier=système|valeur obligatoire.")
        with self.lock:
            current = self.by_key.get(query_identifier)
            if current is None:  # unknown: behave as a creation (idempotent)
                return 201, self._store(resource, account_id=str(uuid.uuid4()), method="PUT")
            for key in [k for k, v in self.by_key.items() if v is current]:
                del self.by_key[key]
            return 200, self._store(resource, account_id=current["id"], method="PUT")

    def _store(self, resource: dict, *, account_id: str, method: str) -> str:
        stored = {**resource, "id": account_id}
        for key in _keys(resource):
            self.by_key[key] = stored
        self.received.append((method, stored))
        return account_id

    def active_accounts(self) -> list[dict]:
        with self.lock:
            unique = {id(v): v for v in self.by_key.values()}.values()
            return sorted((a for a in unique if a["active"]), key=lambda a: a["name"][0]["family"])

    def is_active(self, key: str) -> bool:
        with self.lock:
            account = self.by_key.get(key)
            return bool(account and account["active"])
