"""FHIR R4 ``GET /fhir/r4/Slot``: the guide's slot search (INT_R01 / INT_R04) over the slots the
platform itself owns (availability declared on the platform; CPTS vacations later), so that the
national platform or another aggregator consumes them like any agenda editor's (issue 4 §7).

Query (``specifications_techniques-ps-recherche_creneaux.md``)::

    GET /fhir/r4/Slot?_include=Slot:schedule&_include:iterate=Schedule:actor
        &start=ge2026-11-23T08:00:00+01:00&start=le2026-11-26T08:00:00+01:00&status=free
        &schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1|810101234567,...  (1 to 25)
        [&_count=100]

Answer: a searchset Bundle (BundleAgregateur) with ``total``, a ``self`` link and a ``next`` link
(keyset cursor ``_page``) while more slots follow. The CPTS includes of INT_R04
(``Slot:service-type-reference``, ``HealthcareService:organization``) add, for CPTS vacation slots,
the HealthcareService of the CPTS and its Organization (category 604). Errors are OperationOutcome resources: 400 for a bad or unknown parameter, 401
without a valid token, 403 for a token whose user may not read the slots.

Authentication: ``Authorization: Bearer <key>`` (or ``Token <key>``) where ``<key>`` is the DRF
token of an active user holding the permission ``planning.consume_fhir_slots`` (a machine user of the
consumer: create it in the admin, give it that permission, then its token under "Jetons").
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

FHIR_JSON = "application/fhir+json"
MAX_WINDOW = timedelta(days=31)
KNOWN = {"start", "status", IDENTIFIER_PARAM, "_include", "_include:iterate", "_count", "_page", "_format"}


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


@fhir_methods("GET")
def slot_search(request: HttpRequest) -> JsonResponse:
    user = selectors.fhir_consumer_authenticate(token=_token(request))
    if user is None:
        return _answer(
            operation_outcome("Consommateur non authentifié : jeton absent ou inconnu.", "security"), 401
        )
    if not permissions.can_consume_fhir_slots(user):
        return _answer(
            operation_outcome(
                "Ce compte n'a pas le droit de lire les créneaux (planning.consume_fhir_slots).", "forbidden"
            ),
            403,
        )
    try:
        unknown = sorted(set(request.GET) - KNOWN)
        if unknown:
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
    params = [(key, value) for key, values in request.GET.lists() if key != "_page" for value in values]
    next_url = None
    if more:
        last = page[-1]
        cursor = f"{last.start.isoformat()}_{last.pk}"
        next_url = f"{base}/Slot?{urlencode([*params, ('_page', cursor)])}"
    bundle = searchset_bundle(
        page,
        base_url=base,
        booking_url_of=lambda slot: request.build_absolute_uri(reverse("planning-slot", args=[slot.pk])),
        self_url=request.build_absolute_uri(),
        next_url=next_url,
        total=total,
        include_schedule=include_schedule,
        include_actors=include_actors,
        include_services=include_services,
        include_organizations=include_organizations,
    )
    return _answer(bundle)
