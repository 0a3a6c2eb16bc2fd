"""The SAS IG FHIR connector (flows INT_R01 individual professionals and INT_R04 CPTS).

The query is exactly the guide's (``specifications_techniques-ps-recherche_creneaux.md``,
``...-cpts-recherche_creneaux.md``)::

    GET [base]/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor
        &_include=Slot:service-type-reference&_include:iterate=HealthcareService:organization
        &start=ge<ISO>&start=le<ISO>&status=free
        &schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1|8<RPPS>,...   (1 to 25)

Each request has 7 s (annexes.md), transport errors and 5xx are retried a bounded number of times
with exponential backoff (tenacity), each batch goes through the source's circuit breaker
(pybreaker, state in the cache), ``next`` links are followed on the same host with a loop guard.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode, urlsplit

import httpx
import pybreaker
from django.conf import settings
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from planning.connectors.base import FetchResult
from planning.connectors.breaker import breaker_for
from planning.connectors.fhir_parse import PRACTITIONER_SYSTEM, BundleError, parse_searchset

BATCH_SIZE = 25  # sas-ig: 1..25 identifiers per request
INCLUDES = [
    ("_include", "Slot:schedule"),
    ("_include:iterate", "Schedule:actor"),
    ("_include", "Slot:service-type-reference"),
    ("_include:iterate", "HealthcareService:organization"),
]


class FetchError(Exception):
    """A request or a page failed; the message is French and never carries credentials."""


class _Retryable(FetchError):
    pass


def slot_query(*, window_start: datetime, window_end: datetime, rpps: Iterable[str]) -> list[tuple[str, str]]:
    """The guide's query parameters, in the guide's order."""
    identifiers = ",".join(f"{PRACTITIONER_SYSTEM}|8{value}" for value in rpps)
    return [
        *INCLUDES,
        ("start", f"ge{window_start.isoformat(timespec='seconds')}"),
        ("start", f"le{window_end.isoformat(timespec='seconds')}"),
        ("schedule.actor:Practitioner.identifier", identifiers),
        ("status", "free"),
    ]


def _outcome_text(body: bytes) -> str:
    """The diagnostics of an OperationOutcome body, if it is one."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    if isinstance(payload, dict) and payload.get("resourceType") == "OperationOutcome":
        issues = payload.get("issue") or []
        texts = [str(i.get("diagnostics") or (i.get("details") or {}).get("text") or "") for i in issues]
        return " ; ".join(t for t in texts if t)[:300]
    return ""


class SasIgFhirConnector:
    """fetch(window, professionals) → parsed slots + errors; recheck → free ids around one start."""

    def __init__(self, source, *, client: httpx.Client | None = None) -> None:
        self.source = source
        self.base_url = source.base_url.rstrip("/")
        self.breaker = breaker_for(source.name)
        self._client = client

    def _new_client(self) -> httpx.Client:
        headers = {"Accept": "application/fhir+json, application/json+fhir, application/json"}
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

    # -- one HTTP GET -----------------------------------------------------------------------------
    def _get_once(self, client: httpx.Client, url: str) -> dict:
        timeout = settings.PLANNING_CONNECTOR_TIMEOUT_SECONDS
        deadline = time.monotonic() + timeout
        cap = settings.PLANNING_CONNECTOR_MAX_RESPONSE_BYTES
        try:
            with client.stream("GET", url) as response:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise FetchError(
                            f"Réponse trop volumineuse (plus de {cap // (1024 * 1024)} Mo) : abandonnée."
                        )
                    if time.monotonic() > deadline:
                        raise _Retryable(f"Délai de {timeout:g} s dépassé.")
                    chunks.append(chunk)
                body = b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"Délai de {timeout:g} s dépassé.") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"Connexion impossible ({type(exc).__name__}).") from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise _Retryable(f"Erreur HTTP {status} de la source. {_outcome_text(body)}".strip())
        if status in (401, 403):
            raise FetchError(
                f"Accès refusé par la source (HTTP {status}) : vérifier le certificat ou le jeton."
            )
        if status != 200:
            raise FetchError(f"Erreur HTTP {status} de la source. {_outcome_text(body)}".strip())
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as exc:  # a body nested too deeply (issue 13)
            raise FetchError("Réponse qui n'est pas du JSON valide.") from exc

    def _get(self, client: httpx.Client, url: str, result: FetchResult) -> dict:
        retrying = Retrying(
            stop=stop_after_attempt(settings.PLANNING_CONNECTOR_ATTEMPTS),
            wait=wait_exponential(multiplier=settings.PLANNING_CONNECTOR_RETRY_WAIT_SECONDS, max=8),
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                result.requests += 1
                return self._get_once(client, url)
        raise FetchError("Aucune tentative.")  # pragma: no cover (reraise=True above)

    # -- one batch of at most 25 professionals, every page ---------------------------------------
    def _fetch_batch(
        self,
        client: httpx.Client,
        *,
        rpps: list[str],
        window_start: datetime,
        window_end: datetime,
        known_hashes: Mapping[str, str],
        result: FetchResult,
    ) -> None:
        query = slot_query(window_start=window_start, window_end=window_end, rpps=rpps)
        # Encoded by hand to keep the guide's order of parameters (httpx would group repeated keys).
        url = f"{self.base_url}/Slot?{urlencode(query, quote_via=quote, safe=':|,')}"
        visited: set[str] = set()
        base = urlsplit(self.base_url)
        for _ in range(settings.PLANNING_CONNECTOR_MAX_PAGES):
            payload = self._get(client, url, result)
            try:
                parsed = parse_searchset(
                    payload, window_start=window_start, window_end=window_end, known_hashes=known_hashes
                )
            except BundleError as exc:
                raise FetchError(str(exc)) from exc
            result.extend(parsed)
            if not parsed.next_url:
                return
            visited.add(url)
            url = parsed.next_url
            target = urlsplit(url)
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                raise FetchError("Lien « next » vers un autre hôte : refusé.")
            if url in visited:
                raise FetchError("Boucle de pagination (lien « next » déjà suivi) : arrêt.")
        raise FetchError(f"Plus de {settings.PLANNING_CONNECTOR_MAX_PAGES} pages : arrêt.")

    def fetch(
        self,
        *,
        window_start: datetime,
        window_end: datetime,
        rpps: list[str],
        known_hashes: Mapping[str, str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> FetchResult:
        """Ask the source for every professional, 25 at a time. A failed batch is recorded in
        ``errors`` and its professionals are left out of ``complete_rpps``; an open circuit stops."""
        result = FetchResult()
        batches = [rpps[i : i + BATCH_SIZE] for i in range(0, len(rpps), BATCH_SIZE)]
        client = self._client or self._new_client()
        try:
            for number, batch in enumerate(batches, start=1):
                try:
                    self.breaker.call(
                        self._fetch_batch,
                        client,
                        rpps=batch,
                        window_start=window_start,
                        window_end=window_end,
                        known_hashes=known_hashes or {},
                        result=result,
                    )
                    result.complete_rpps |= set(batch)
                except pybreaker.CircuitBreakerError:
                    result.errors.append(
                        "Circuit ouvert : la source a échoué plusieurs fois de suite ; "
                        f"nouvel essai dans {settings.PLANNING_BREAKER_RESET_SECONDS} s au plus."
                    )
                    break
                except FetchError as exc:
                    result.errors.append(f"Lot {number}/{len(batches)} : {exc}")
                if progress is not None:
                    progress(number, len(batches))
        finally:
            if self._client is None:
                client.close()
        return result

    def recheck_window(self, *, rpps: str, start: datetime) -> FetchResult:
        """Live re-query of one professional over a narrow window around ``start`` (before a booking)."""
        margin = timedelta(minutes=1)
        return self.fetch(window_start=start - margin, window_end=start + margin, rpps=[rpps])
