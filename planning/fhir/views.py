"""FHIR R4 ``GET /fhir/r4/Slot``: the guide's slot search (INT_R01 / INT_R04) over the slots the
platform itself owns (availability declared on the platform; CPTS vacations later), so that the
national platform or another aggregator consumes them like any agenda editor's (issue 4 §7).

Query (``specifications_techniques-ps-recherche_creneaux.md``)::

    GET /fhir/r4/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor
        &start=ge2026-11-23T08:00:00+01:00&start=le2026-11-26T08:00:00+01:00&status=free
        &schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1|810101234567,...  (1 to 25)
        [&_count=100]

Answer: a searchset Bundle (BundleAgregateur) with ``total``, a ``self`` link (the parameters
used) and a ``next`` link (keyset cursor ``_page``) while more slots follow. The CPTS includes of
INT_R04 (``Slot:service-type-reference``, ``HealthcareService:organization``) add, for CPTS
vacation slots, the HealthcareService of the CPTS and its Organization (category 604). ``GET /fhir/r4/Slot/?…`` (the guide's form) works too.

Request handling (FHIR R4 §3.1.1.5 / §2.21): an unknown search parameter is ignored (and left out
of the ``self`` link) unless the client sends ``Prefer: handling=strict`` (then 400). ``Accept``
and ``_format`` may ask ``application/fhir+json``, ``application/json+fhir`` (the kit's, DSTU2
style), ``application/json``, ``json``; XML or anything else only: 406. The answer is always
``application/fhir+json``. Errors are OperationOutcome resources: 400 for a bad parameter, 401
without credentials, 403 for a client that may not read the slots.

Authentication (issue 14), in this order:

- mutual TLS through the reverse proxy: a client certificate the proxy verified
  (:mod:`sas_platform.mtls`) registered as a :class:`~planning.models.FhirClientCertificate` of a
  consumer account (``python manage.py fhir_client_create NAME --certificate PEM``); a verified but
  unregistered certificate gets 403 unless a valid token is sent too;
- ``Authorization: Bearer <key>`` (or ``Token <key>``): the DRF token of an active user holding
  ``planning.consume_fhir_slots`` (``fhir_client_create`` or ``grant_fhir_slot_access`` print it).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone

from planning import permissions, selectors
from planning.fhir.resources import searchset_bundle
from planning.selectors.fhir import (
    DEFAULT_COUNT,
    IDENTIFIER_PARAM,
    INCLUDES,
    ITERATE_INCLUDES,
    MAX_COUNT,
    MAX_IDENTIFIERS,
    PRACTITIONER_SYSTEM,
)
from sas_platform.fhir_http import fhir_methods
from sas_platform.identifiers import national_id_split
from sas_platform.mtls import verified_client_certificate

FHIR_JSON = "application/fhir+json"
MAX_WINDOW = timedelta(days=31)
KNOWN = {"start", "status", IDENTIFIER_PARAM, "_include", "_include:iterate", "_count", "_page", "_format"}
JSON_FORMATS = {
    "application/fhir+json",
    "application/json+fhir",
    "application/json",
    "json",
    "*/*",
    "application/*",
}
BOOKING_QUERY = "canal=fhir"  # so that the national platform's ``&origin=sas`` appends cleanly


class _BadRequest(Exception):
    def __init__(self, text: str, code: str = "invalid") -> None:
        super().__init__(text)
        self.text, self.code = text, code


def operation_outcome(text: str, code: str) -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }


def _answer(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        body,
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response


def _token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "token") else ""


def _instant(raw: str, *, upper: bool) -> datetime:
    """A FHIR date or dateTime; without a zone it is Paris time; a bare date covers its whole day."""
    value = raw.strip().replace(" ", "+")  # an unencoded "+" of the offset arrives as a space
    try:
        if len(value) == 10:
            day = datetime.fromisoformat(value).date()
            moment = (
                datetime.combine(day + timedelta(days=1), time.min)
                if upper
                else datetime.combine(day, time.min)
            )
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _BadRequest(f"start : date « {raw} » illisible (AAAA-MM-JJThh:mm:ss±hh:mm attendu).") from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _window(values: list[str]) -> tuple[datetime, datetime]:
    lower = upper = None
    for value in values:
        prefix, rest = value[:2], value[2:]
        if prefix in ("ge", "gt") and lower is None:
            lower = _instant(rest, upper=False)
        elif prefix in ("le", "lt") and upper is None:
            upper = _instant(rest, upper=True)
        else:
            raise _BadRequest(f"start : « {value} » non pris en charge (un start=ge… et un start=le…).")
    if lower is None or upper is None:
        raise _BadRequest("Paramètres start=ge… et start=le… obligatoires.", "required")
    if upper < lower:
        raise _BadRequest("start : la fin de la fenêtre précède son début.")
    if upper - lower > MAX_WINDOW:
        raise _BadRequest("start : la fenêtre ne peut pas dépasser 31 jours.")
    return lower, upper


def _national_ids(values: list[str]) -> list[tuple[str, str]]:
    """``urn:oid:1.2.250.1.71.4.2.1|8<RPPS>`` (or ``0`` + ADELI; an 11-digit RPPS without its prefix
    is accepted) → ``(identifier_type, identifier)``."""
    items = [item.strip() for value in values for item in value.split(",") if item.strip()]
    if not items:
        raise _BadRequest(f"Paramètre {IDENTIFIER_PARAM} obligatoire (1 à 25 identifiants).", "required")
    if len(items) > MAX_IDENTIFIERS:
        raise _BadRequest(f"{IDENTIFIER_PARAM} : 25 identifiants au plus par requête ({len(items)} reçus).")
    found = []
    for item in items:
        system, _, value = item.rpartition("|")
        if system and system != PRACTITIONER_SYSTEM:
            raise _BadRequest(
                f"{IDENTIFIER_PARAM} : système « {system} » inconnu ({PRACTITIONER_SYSTEM} attendu)."
            )
        split = national_id_split(value, strict=False)
        if split is None:
            raise _BadRequest(f"{IDENTIFIER_PARAM} : identifiant « {value} » invalide (8 + RPPS attendu).")
        found.append(split)
    return sorted(set(found))


def _count(values: list[str]) -> int:
    if not values:
        return DEFAULT_COUNT
    try:
        count = int(values[-1])
    except ValueError as exc:
        raise _BadRequest("_count : nombre entier attendu.") from exc
    if not 1 <= count <= MAX_COUNT:
        raise _BadRequest(f"_count : entre 1 et {MAX_COUNT}.")
    return count


def _cursor(values: list[str]) -> tuple[datetime, int] | None:
    if not values:
        return None
    moment, _, pk = values[-1].replace(" ", "+").rpartition("_")
    try:
        return datetime.fromisoformat(moment), int(pk)
    except ValueError as exc:
        raise _BadRequest("_page : curseur de pagination invalide (suivre le lien « next »).") from exc


def _service_includes(request: HttpRequest) -> tuple[bool, bool]:
    """INT_R04 (CPTS): ``_include=Slot:service-type-reference`` adds each CPTS slot's
    HealthcareService, and ``HealthcareService:organization`` (plain or iterate) its Organization."""
    values = [*request.GET.getlist("_include"), *request.GET.getlist("_include:iterate")]
    services = "Slot:service-type-reference" in values
    return services, services and "HealthcareService:organization" in values


def _includes(request: HttpRequest) -> tuple[bool, bool]:
    plain = request.GET.getlist("_include")
    iterate = request.GET.getlist("_include:iterate")
    for value in plain:
        if value not in INCLUDES | ITERATE_INCLUDES:
            raise _BadRequest(f"_include={value} non pris en charge.", "not-supported")
    for value in iterate:
        if value not in ITERATE_INCLUDES:
            raise _BadRequest(f"_include:iterate={value} non pris en charge.", "not-supported")
    schedule = "Slot:schedule" in plain
    return schedule, schedule and "Schedule:actor" in (*plain, *iterate)


def _consumer(request: HttpRequest) -> tuple[object | None, JsonResponse | None]:
    """The consumer account behind the client certificate or the token, or the error answer."""
    certificate = verified_client_certificate(request)
    registered = selectors.fhir_client_certificate_find(certificate)
    user = registered.user if registered is not None and registered.user_id else None
    if user is None:
        user = selectors.fhir_consumer_authenticate(token=_token(request))
    if user is None and certificate is not None:
        return None, _answer(
            operation_outcome(
                "Certificat client vérifié mais non enregistré pour la lecture des créneaux "
                f"(sujet {certificate.subject}).",
                "forbidden",
            ),
            403,
        )
    if user is None or not user.is_active:
        return None, _answer(
            operation_outcome(
                "Consommateur non authentifié : certificat client ou jeton absent ou inconnu.", "security"
            ),
            401,
        )
    if not permissions.can_consume_fhir_slots(user):
        return None, _answer(
            operation_outcome(
                "Ce compte n'a pas le droit de lire les créneaux (planning.consume_fhir_slots).", "forbidden"
            ),
            403,
        )
    return user, None


def _media_types(value: str) -> set[str]:
    return {part.split(";")[0].strip().lower() for part in value.split(",") if part.strip()}


def _format_acceptable(request: HttpRequest) -> bool:
    """``_format`` wins over ``Accept``; JSON in any of its FHIR spellings (or no preference) is fine."""
    formats = request.GET.getlist("_format")
    if formats:
        return formats[-1].strip().replace(" ", "+").lower() in JSON_FORMATS
    accept = _media_types(request.headers.get("Accept", ""))
    return not accept or bool(accept & JSON_FORMATS)


def _strict(request: HttpRequest) -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "handling=strict" for part in prefer.split(","))


@fhir_methods("GET")
def slot_search(request: HttpRequest) -> JsonResponse:
    _user, refusal = _consumer(request)
    if refusal is not None:
        return refusal
    if not _format_acceptable(request):
        return _answer(
            operation_outcome("Seul le format JSON (application/fhir+json) est servi.", "not-supported"), 406
        )
    try:
        unknown = sorted(set(request.GET) - KNOWN)
        if unknown and _strict(request):
            raise _BadRequest(f"Paramètre non pris en charge : {', '.join(unknown)}.", "not-supported")
        statuses = {s.strip() for v in request.GET.getlist("status") for s in v.split(",") if s.strip()}
        if statuses - {"free"}:
            raise _BadRequest("status : seule la valeur « free » est prise en charge.", "not-supported")
        start, end = _window(request.GET.getlist("start"))
        national_ids = _national_ids(request.GET.getlist(IDENTIFIER_PARAM))
        count = _count(request.GET.getlist("_count"))
        after = _cursor(request.GET.getlist("_page"))
        include_schedule, include_actors = _includes(request)
        include_services, include_organizations = _service_includes(request)
    except _BadRequest as exc:
        return _answer(operation_outcome(exc.text, exc.code), 400)

    rows, total = selectors.owned_slots_for_fhir(
        national_ids=national_ids, start=start, end=end, after=after, count=count
    )
    page, more = rows[:count], len(rows) > count
    base = request.build_absolute_uri(reverse("fhir-slot-search")).removesuffix("/Slot")
    used = [(key, value) for key, values in request.GET.lists() if key in KNOWN for value in values]
    next_url = None
    if more:
        last = page[-1]
        cursor = f"{last.start.isoformat()}_{last.pk}"
        next_url = f"{base}/Slot?{urlencode([*(p for p in used if p[0] != '_page'), ('_page', cursor)])}"
    bundle = searchset_bundle(
        page,
        base_url=base,
        booking_url_of=lambda slot: _booking_url(request, slot),
        self_url=f"{base}/Slot?{urlencode(used)}" if used else f"{base}/Slot",
        next_url=next_url,
        total=total,
        include_schedule=include_schedule,
        include_actors=include_actors,
        include_services=include_services,
        include_organizations=include_organizations,
    )
    return _answer(bundle)


def _booking_url(request: HttpRequest, slot) -> str:
    """The slot's booking page on the platform, with a query string so that the ``&origin=sas`` the
    national platform appends (guide, SSO flow; DOMAIN.md §3.3) stays a valid URL; the page shows that the
    regulator came from the SAS platform, after the platform's sign-in (issue 14 point 7)."""
    return request.build_absolute_uri(f"{reverse('planning-slot', args=[slot.pk])}?{BOOKING_QUERY}")
