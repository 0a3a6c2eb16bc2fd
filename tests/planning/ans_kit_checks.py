"""The assertions of the ANS test kit's provider tests (``ansforge/interop-outil-fhir-sas-test-kit``,
``lib/sas_test_kit/aggregation/**``, IG "PS indiv" launch), one function per kit test, named after
the kit's test id, each with the kit's own rule (its FHIRPath rewritten over the JSON bundle).

And how the kit builds its requests: ``SetupHelper.build_slot_search_params`` (ig_launch_1) sent by
``fhir_client`` (``ResourceAddress.resource_url``: Addressable ``query_values=`` sorts the keys and
repeats arrays, then ``normalize`` leaves ``:`` ``,`` readable and keeps ``+`` and ``|`` escaped),
with the suite's headers ``Accept: application/json+fhir`` and ``Content-Type: application/json``.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, quote, urlsplit
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
SD = "http://sas.fr/fhir/StructureDefinition/"
SLOT, SCHEDULE = f"{SD}FrSlotAgregateur", f"{SD}FrScheduleAgregateur"
PRACTITIONER, ROLE = f"{SD}FrPractitionerAgregateur", f"{SD}FrPractitionerRoleExerciceAgregateur"
IG = "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/"
CPTS_SLOT, CPTS_SERVICE = f"{IG}sas-cpts-slot-aggregator", f"{IG}sas-cpts-healthcareservice-aggregator"
CPTS_ORGANIZATION = f"{IG}sas-cpts-organization-aggregator"
CATEGORY_SYSTEM = (
    "https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/FHIR/TRE-R66-CategorieEtablissement"
)
SERVICE_TYPE_EXTENSION = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Slot.serviceType"
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
KIT_HEADERS = {
    "User-Agent": "Ruby FHIR Client",
    "Accept-Charset": "utf-8",
    "Accept": "application/json+fhir",
    "Content-Type": "application/json",
}
# The guide's format for Slot.start / Slot.end (FrSlotAgregateur: YYYY-MM-DDThh:mm:ss.SSS+hh:mm).
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$")


def kit_window(now: dt.datetime | None = None) -> tuple[str, str]:
    """``SetupHelper.calculate_date_range``: now in Paris, to min(now + 72 h, end of day + 2)."""
    now = (now or dt.datetime.now(PARIS)).astimezone(PARIS).replace(tzinfo=None)
    end_of_third_day = dt.datetime.combine(now.date() + dt.timedelta(days=2), dt.time(23, 59, 59))
    end = min(now + dt.timedelta(hours=72), end_of_third_day)
    return f"{now:%Y-%m-%dT%H:%M:%S}", f"{end:%Y-%m-%dT%H:%M:%S}"


def _component(text: str) -> str:
    return quote(text, safe="-._~!$'()*,;=:@/?")


def kit_query(
    rpps: list[str], window: tuple[str, str], *, suffix: str = ".000+00:00", cpts: bool = False
) -> str:
    """The query string the kit sends for these RPPS (``8`` + RPPS) over ``window``; ``cpts``: the
    ig_launch_2 request (``build_slot_search_params`` and ``orga_optionnel_group_cpts``), which also
    includes the HealthcareServices and their Organizations (its dates are ``.000``, no offset)."""
    params = {
        "_include": ["Slot:schedule", *(["Slot:service-type-reference"] if cpts else [])],
        "_include:iterate": ["Schedule:actor", *(["HealthcareService:organization"] if cpts else [])],
        "schedule.actor:Practitioner.identifier": [",".join(f"{RPPS_SYSTEM}|{r}" for r in rpps)],
        "start": [f"ge{window[0]}{suffix}", f"le{window[1]}{suffix}"],
        "status": ["free"],
    }
    return "&".join(f"{_component(k)}={_component(v)}" for k in sorted(params) for v in params[k])


def _resources(bundle: dict, profile: str) -> list[dict]:
    return [
        e["resource"]
        for e in bundle.get("entry", [])
        if profile in e["resource"].get("meta", {}).get("profile", [])
    ]


def slot_search_setup(response, *, expect_slots: bool = True) -> dict:
    """``slot_search_setup``: 200, a Bundle, at least one FrSlotAgregateur, FHIR JSON (a warning)."""
    assert response.status_code == 200, response.text[:500]
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle"
    if expect_slots:
        assert bundle.get("entry"), "Le Bundle est vide."
        assert _resources(bundle, SLOT) or _resources(bundle, CPTS_SLOT), (
            "Aucun créneau (Slot) retourné dans le Bundle pour ce RPPS."
        )
    assert response.headers["content-type"].startswith("application/fhir+json")
    return bundle


def validate_cardinality(bundle: dict) -> None:
    """``validate_cardinality``: one Practitioner, PractitionerRole, Schedule and Location; total = slots."""
    assert len(_resources(bundle, PRACTITIONER)) == 1
    assert len(_resources(bundle, SCHEDULE)) == 1
    roles = _resources(bundle, ROLE)
    assert len(roles) == 1 and len(roles[0].get("contained", [])) == 1
    assert bundle["total"] == len(_resources(bundle, SLOT))


def validate_rpps(bundle: dict, rpps: str) -> None:
    """``validate_rpps``: the Practitioner's IDNPS is 8 + 11 digits and the one asked for."""
    values = [i["value"] for p in _resources(bundle, PRACTITIONER) for i in p["identifier"]]
    assert values and all(re.fullmatch(r"8\d{11}", v) for v in values)
    assert rpps in values


def validate_dates(bundle: dict, window_end: str) -> None:
    """``validate_dates``: no slot before now, an end on every slot, start < end, start ≤ end of search
    (compared by date, as the kit does); and the guide's instant format."""
    now = dt.datetime.now(dt.UTC)
    slots = _resources(bundle, SLOT)
    for slot in slots:
        assert INSTANT.match(slot["start"]) and INSTANT.match(slot["end"]), (slot["start"], slot["end"])
        start, end = dt.datetime.fromisoformat(slot["start"]), dt.datetime.fromisoformat(slot["end"])
        assert start >= now, "créneau antérieur à la date courante"
        assert start < end
        assert start.date() <= dt.date.fromisoformat(window_end[:10])


def validate_ref(bundle: dict) -> None:
    """``validate_ref``: PractitionerRole → Practitioner, Schedule → both, Location contained (#id)."""
    practitioner = _resources(bundle, PRACTITIONER)[0]
    role = _resources(bundle, ROLE)[0]
    actors = ", ".join(a["reference"] for s in _resources(bundle, SCHEDULE) for a in s["actor"])
    assert role["practitioner"]["reference"] == f"Practitioner/{practitioner['id']}"
    assert f"PractitionerRole/{role['id']}" in actors and f"Practitioner/{practitioner['id']}" in actors
    assert role["location"][0]["reference"] == f"#{role['contained'][0]['id']}"


def validate_location(bundle: dict) -> None:
    """``validate_location``: line, city and a 5-digit postal code on the contained Location."""
    for role in _resources(bundle, ROLE):
        address = role["contained"][0]["address"]
        assert address["line"] and address["city"]
        assert re.fullmatch(r"[0-9]{5}", address["postalCode"]), (
            "le code postal doit avoir exactement 5 chiffres"
        )


def bundle_url_equal_url(bundle: dict, request_url: str) -> None:
    """``bundle_url_equal_url``: the ``self`` link's query equals the request's (decoded, sorted)."""

    def normalized(url: str) -> dict:
        return {k: sorted(v) for k, v in parse_qs(urlsplit(url).query).items()}

    assert normalized(bundle["link"][0]["url"]) == normalized(request_url)


def slot_has_url(bundle: dict) -> None:
    """``slot_has_url``: a non-blank booking URL in every Slot.comment."""
    assert all(slot.get("comment", "").strip() for slot in _resources(bundle, SLOT))


def ps_validate_slots_status(bundle: dict) -> None:
    """``ps_validate_slots_status``: every slot is free."""
    assert {slot["status"] for slot in _resources(bundle, SLOT)} == {"free"}


def ps_validate_appointment_type(bundle: dict) -> None:
    """``ps_validate_appointmentType``: ROUTINE or WALKIN (v2-0276) on every slot."""
    for slot in _resources(bundle, SLOT):
        coding = slot["appointmentType"]["coding"][0]
        assert coding["system"] == "http://terminology.hl7.org/CodeSystem/v2-0276"
        assert coding["code"] in {"ROUTINE", "WALKIN"}


def multi_lieux(bundle: dict) -> None:
    """``multi_lieux_group``: one Practitioner, two PractitionerRoles (one per place, each with its
    contained Location referenced by #id) and two Schedules, each pointing at the Practitioner and
    at one of the roles."""
    practitioners, roles, schedules = (_resources(bundle, p) for p in (PRACTITIONER, ROLE, SCHEDULE))
    assert len(practitioners) == 1 and len(roles) == 2 and len(schedules) == 2
    practitioner = f"Practitioner/{practitioners[0]['id']}"
    assert {r["practitioner"]["reference"] for r in roles} == {practitioner}
    assert all(r["location"][0]["reference"] == f"#{r['contained'][0]['id']}" for r in roles)
    for schedule in schedules:
        actors = {a["reference"] for a in schedule["actor"]}
        assert practitioner in actors
        assert any(f"PractitionerRole/{r['id']}" in actors for r in roles)


def search_multiple_ps(bundle: dict, rpps: list[str]) -> None:
    """``search_multiple_ps_group``: two Practitioners (the two RPPS asked), their roles and schedules."""
    practitioners = _resources(bundle, PRACTITIONER)
    assert len(practitioners) == 2
    assert {i["value"] for p in practitioners for i in p["identifier"]} == set(rpps)
    assert len(_resources(bundle, ROLE)) >= 2 and len(_resources(bundle, SCHEDULE)) >= 2


def practitioner_optionnel(bundle: dict) -> None:
    """``practi_optionnel_group_ps``: name (family), first name, RPPS, IDNST (1+FINESS, 3+SIRET,
    4+RPPS-rang) and the phone (+33, +262, +590, +596, +594 and 9 digits)."""
    for practitioner in _resources(bundle, PRACTITIONER):
        assert practitioner["name"][0]["family"] and practitioner["name"][0]["given"][0]
    for role in _resources(bundle, ROLE):
        idnst = role["organization"]["identifier"]["value"]
        assert re.fullmatch(r"1[0-9]{9}|3[0-9]{14}|4[0-9]{14}", idnst), idnst
        phone = role["telecom"][0]["value"]
        assert re.fullmatch(r"\+(33|262|590|596|594)\d{9}", phone), phone


def options_slot(bundle: dict, *, slot_types: set[str], consultation_types: set[str]) -> None:
    """``ps_validate_slot_type`` and ``ps_validate_motif_type``: the slot types (meta.security) and
    consultation types (serviceType) returned are exactly those the solution declares."""
    slots = _resources(bundle, SLOT)
    returned_types = {s["code"].upper() for slot in slots for s in slot.get("meta", {}).get("security", [])}
    returned_motifs = {
        c["code"].upper() for slot in slots for t in slot.get("serviceType", []) for c in t.get("coding", [])
    } - {"604"}
    assert returned_types == slot_types
    assert returned_motifs == consultation_types


# --- IG CPTS launch (``single_practitioner_multiple_cpts``, ``orga_optionnel_group_cpts``) ---------


def _service_refs(slot: dict) -> list[str]:
    return [
        ext["valueReference"]["reference"]
        for service_type in slot.get("serviceType", [])
        for ext in service_type.get("extension", [])
        if ext.get("url") == SERVICE_TYPE_EXTENSION and ext.get("valueReference", {}).get("reference")
    ]


def cpts_validate_healthcare_service_cardinality(bundle: dict) -> None:
    """``cpts_validate_healthcare_service_cardinality``: at least two HealthcareServices."""
    assert len(_resources(bundle, CPTS_SERVICE)) >= 2, "au moins deux HealthcareService attendus"


def cpts_validate_organization_cardinality(bundle: dict) -> None:
    """``cpts_validate_organization_cardinality``: at least two CPTS Organizations."""
    assert len(_resources(bundle, CPTS_ORGANIZATION)) >= 2, "au moins deux Organization attendues"


def cpts_validate_meta(bundle: dict) -> None:
    """``cpts_validate_meta``: the distinct meta.security codes of the CPTS slots are all ``CPTS``
    (the kit's loop over ``.distinct()``; an empty list passes there, not here: slots are required)."""
    codes = {s["code"] for slot in _resources(bundle, CPTS_SLOT) for s in slot["meta"].get("security", [])}
    assert codes == {"CPTS"}, codes


def cpts_validate_service_type(bundle: dict) -> None:
    """``cpts_validate_service_type``: a serviceType coding (TRE_R66, 604) on the CPTS slots."""
    codings = [
        c
        for slot in _resources(bundle, CPTS_SLOT)
        for t in slot.get("serviceType", [])
        for c in t.get("coding", [])
    ]
    assert any(c.get("system") == CATEGORY_SYSTEM and c.get("code") == "604" for c in codings), codings


def cpts_validate_service_type_healthcare_service_ref(bundle: dict) -> None:
    """``cpts_validate_service_type_healthcare_service_ref``: a serviceType extension (R5
    Slot.serviceType) references a HealthcareService of the Bundle."""
    services = {f"HealthcareService/{s['id']}" for s in _resources(bundle, CPTS_SERVICE)}
    refs = [r for slot in _resources(bundle, CPTS_SLOT) for r in _service_refs(slot)]
    assert services and any(r in services for r in refs), (refs, services)


def cpts_validate_service_type_multiple_healthcare_service_ref(bundle: dict) -> None:
    """``cpts_validate_service_type_multiple_healthcare_service_ref``: one CPTS slot references two
    distinct HealthcareServices of the Bundle (one slot shared by two CPTS)."""
    services = {f"HealthcareService/{s['id']}" for s in _resources(bundle, CPTS_SERVICE)}
    assert any(
        len(set(refs)) >= 2 and set(refs) <= services
        for refs in (_service_refs(slot) for slot in _resources(bundle, CPTS_SLOT))
    )


def cpts_validate_healthcare_service_organization_ref(bundle: dict) -> None:
    """``cpts_validate_healthcare_service_organization_ref``: every HealthcareService's providedBy
    is an Organization of the Bundle, and at least two distinct ones are referenced."""
    organizations = {f"Organization/{o['id']}" for o in _resources(bundle, CPTS_ORGANIZATION)}
    refs = [s.get("providedBy", {}).get("reference") for s in _resources(bundle, CPTS_SERVICE)]
    assert refs and all(r in organizations for r in refs), (refs, organizations)
    assert len(set(refs)) >= 2, refs


def orga_optionnel_cpts(bundle: dict) -> None:
    """``orga_optionnel_group_cpts``: the CPTS's name and phone. The kit asserts ``!= nil`` on a
    FHIRPath result (always true); the rule it means is a non-blank value on each CPTS Organization."""
    organizations = _resources(bundle, CPTS_ORGANIZATION)
    assert organizations, "aucune Organization CPTS dans le Bundle"
    for organization in organizations:
        assert organization.get("name", "").strip(), "Le nom de la CPTS doit être présent"
        assert any(t.get("value", "").strip() for t in organization.get("telecom", [])), (
            "Le téléphone de la CPTS doit être présent"
        )
