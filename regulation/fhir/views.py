"""FHIR R4 endpoint for editors' appointment feedback (sas-ig gestion_rdv, INT_R03; DOMAIN.md §3.3).

``POST /fhir/r4/Appointment`` (201, or 200 when the identifier is already known: idempotent) and
``PUT /fhir/r4/Appointment?identifier=[system|]value`` (200; 201 when it creates). Errors: 400 for a
malformed resource, 401 for an unknown editor, 422 for a rule of the desk; always an OperationOutcome.
The editor authenticates with its source's feedback token (``Authorization: Bearer``), or with a
client certificate verified by the TLS proxy and registered for its source (issue 14).
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from planning.selectors import agenda_source_authenticate, fhir_client_certificate_find
from regulation import services
from regulation.exceptions import AppointmentNotMatched
from regulation.fhir.validation import AppointmentInvalid, appointment_parse, operation_outcome
from sas_platform.exceptions import ApplicationError
from sas_platform.fhir_http import fhir_methods
from sas_platform.jsonsafe import json_loads_bounded
from sas_platform.mtls import verified_client_certificate

FHIR_JSON = "application/fhir+json"


def _answer(body: dict, status: int, location: str = "") -> JsonResponse:
    response = JsonResponse(body, status=status, content_type=f"{FHIR_JSON}; charset=utf-8")
    if location:
        response["Location"] = location
    return response


def _error(status: int, text: str, code: str) -> JsonResponse:
    return _answer(operation_outcome([text], code=code), status)


def _token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _source(request: HttpRequest):
    """The agenda source speaking: its registered client certificate (mTLS), else its token."""
    registered = fhir_client_certificate_find(verified_client_certificate(request))
    if registered is not None and registered.source_id and registered.source.is_active:
        return registered.source
    return agenda_source_authenticate(token=_token(request))


@fhir_methods("POST", "PUT")
def appointment(request: HttpRequest) -> JsonResponse:
    source = _source(request)
    if source is None:
        return _error(401, "Éditeur non authentifié : jeton de la source inconnu.", "security")
    try:
        payload = json_loads_bounded(request.body or b"null")
    except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE: an OperationOutcome, not HTML (issue 13)
        return _error(413, "Corps de la requête trop volumineux.", "too-costly")
    except ValueError:  # unreadable, not UTF-8, or nested too deeply (issue 13)
        return _error(400, "Corps JSON illisible.", "structure")
    try:
        feedback = appointment_parse(payload)
    except AppointmentInvalid as exc:
        return _answer(operation_outcome(exc.issues), 400)
    if request.method == "PUT":
        wanted = request.GET.get("identifier") or request.GET.get("Identifier") or ""
        system, _, value = wanted.rpartition("|")
        if not value:
            return _error(
                400, "Paramètre identifier obligatoire pour une mise à jour conditionnelle.", "required"
            )
        if value != feedback.identifier_value or (system and system != feedback.identifier_system):
            return _error(400, "L'identifiant de l'URL ne correspond pas à celui de la ressource.", "invalid")
    if not feedback.rpps:
        return _error(
            422,
            "Professionnel effecteur absent (participant.actor) : rapprochement impossible.",
            "business-rule",
        )
    try:
        booking, created = services.appointment_feedback_record(
            source_id=source.pk,
            identifier_system=feedback.identifier_system,
            identifier_value=feedback.identifier_value,
            status=feedback.status,
            rpps=feedback.rpps,
            start=feedback.start,
            reference=feedback.reference,
        )
    except AppointmentNotMatched as exc:
        return _error(422, exc.message, "business-rule")
    except ApplicationError as exc:
        return _error(422, exc.message, "business-rule")
    location = request.build_absolute_uri(reverse("fhir-appointment-read", args=[booking.pk]))
    return _answer({**payload, "id": str(booking.pk)}, 201 if created else 200, location)


@fhir_methods("GET")
def appointment_read(request: HttpRequest, pk: int) -> JsonResponse:
    """Only what the editor itself sent: identifier and status (no patient data is held)."""
    from regulation.models import Booking

    source = _source(request)
    if source is None:
        return _error(401, "Éditeur non authentifié : jeton de la source inconnu.", "security")
    booking = Booking.objects.filter(pk=pk, source_id=source.pk).exclude(fhir_value="").first()
    if booking is None:
        return _error(404, "Rendez-vous inconnu.", "not-found")
    return _answer(
        {
            "resourceType": "Appointment",
            "id": str(booking.pk),
            "identifier": [{"system": booking.fhir_system, "value": booking.fhir_value}],
            "status": booking.status,
            "start": booking.start.isoformat() if booking.start else None,
            "end": booking.end.isoformat() if booking.end else None,
        },
        200,
    )
