"""Reading an editor's Appointment (sas-ig ``FrAppointmentSAS``, flow INT_R03; DOMAIN.md §3.3).

Two layers: the FHIR R4 (4.0.1) structure with ``fhir.resources.R4B`` (NOTES.md: the IG is 4.0.1,
the default R5 models reject its examples), then the profile's cardinalities that matter here
(operator extension, one identifier, start/end, the effecteur's national identifier).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fhir.resources.R4B.appointment import Appointment
from pydantic import ValidationError

from sas_platform.identifiers import rpps_of_national_id

PROFILES = frozenset(
    {
        "http://sas.fr/fhir/StructureDefinition/FrAppointmentSAS",
        "http://interopsante.org/fhir/StructureDefinition/FrAppointmentSAS",
        "https://interop.esante.gouv.fr/ig/fhir/sas/StructureDefinition/sas-sos-appointment",
    }
)
OPERATOR_EXTENSION = "http://interopsante.org/fhir/StructureDefinition/FrAppointmentOperator"
NATIONAL_ID_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
#: http://hl7.org/fhir/appointmentstatus (R4): a value outside it is malformed (400); a valid value
#: the SAS does not use (pending, arrived...) is a business refusal (422).
APPOINTMENT_STATUSES = frozenset(
    {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    }
)


class AppointmentInvalid(Exception):
    """The resource is not a valid FrAppointmentSAS (HTTP 400); ``issues`` are French diagnostics."""

    def __init__(self, issues: list[str]) -> None:
        super().__init__("; ".join(issues))
        self.issues = issues


@dataclass(frozen=True)
class AppointmentFeedback:
    identifier_system: str
    identifier_value: str
    status: str
    start: dt.datetime
    rpps: str
    reference: str


def appointment_parse(payload) -> AppointmentFeedback:
    if not isinstance(payload, dict) or payload.get("resourceType") != "Appointment":
        raise AppointmentInvalid(["La ressource doit être un Appointment (resourceType)."])
    try:
        appointment = Appointment.model_validate(payload)
    except ValidationError as exc:
        raise AppointmentInvalid(
            [f"{'.'.join(str(p) for p in error['loc'])} : {error['msg']}" for error in exc.errors()[:10]]
        ) from exc
    issues = []
    if appointment.status not in APPOINTMENT_STATUSES:
        issues.append("status : valeur hors de http://hl7.org/fhir/appointmentstatus.")
    profiles = set(appointment.meta.profile or []) if appointment.meta else set()
    if profiles and not profiles & PROFILES:
        issues.append("meta.profile : profil FrAppointmentSAS attendu.")
    operators = [e for e in appointment.extension or [] if e.url == OPERATOR_EXTENSION]
    operator_id = (
        operators[0].valueReference.identifier if operators and operators[0].valueReference else None
    )
    if operator_id is None or not operator_id.system or not operator_id.value:
        issues.append("extension FrAppointmentOperator : identifiant du régulateur obligatoire (1..1).")
    if len(appointment.identifier or []) != 1:
        issues.append("identifier : exactement un identifiant technique du rendez-vous (1..1).")
    elif not appointment.identifier[0].system or not appointment.identifier[0].value:
        issues.append("identifier.system et identifier.value sont obligatoires.")
    if appointment.start is None or appointment.end is None:
        issues.append("start et end sont obligatoires.")
    elif appointment.start.tzinfo is None:
        issues.append("start doit porter un fuseau horaire.")
    rpps = ""
    for participant in appointment.participant or []:
        identifier = participant.actor.identifier if participant.actor else None
        if identifier is None:
            continue
        if identifier.system != NATIONAL_ID_SYSTEM or not identifier.value:
            issues.append(
                "participant.actor.identifier : système urn:oid:1.2.250.1.71.4.2.1 et valeur obligatoires."
            )
        else:
            rpps = rpps_of_national_id(identifier.value)
    if issues:
        raise AppointmentInvalid(issues)
    reference = ""
    for based_on in appointment.basedOn or []:
        if based_on.identifier and based_on.identifier.value:
            reference = based_on.identifier.value
    return AppointmentFeedback(
        identifier_system=appointment.identifier[0].system,
        identifier_value=appointment.identifier[0].value,
        status=str(appointment.status),
        start=appointment.start,
        rpps=rpps,
        reference=reference,
    )


def operation_outcome(issues: list[str], *, code: str = "invalid", severity: str = "error") -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text} for text in issues],
    }
