"""Error pages: JSON in the API's error shape under ``/api/``, an OperationOutcome under ``/fhir/``,
French DSFR pages elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render

from sas_platform.api.exceptions import error_body
from sas_platform.fhir_http import outcome_response

FHIR_CODES = {"not_found": "not-found", "permission_denied": "forbidden"}


def _render(request, status: int, message: str, code: str):
    if request.path.startswith("/fhir/"):
        return outcome_response(status, message, FHIR_CODES.get(code, "exception"))
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(message, code), status=status)
    return render(
        request, "errors/error.html", {"title": message, "status": status, "message": message}, status=status
    )


def page_not_found(request, exception=None):
    return _render(request, 404, "Page introuvable", "not_found")


def permission_denied(request, exception=None):
    return _render(request, 403, "Accès refusé", "permission_denied")


def server_error(request):
    if request.path.startswith("/fhir/"):
        return outcome_response(500, "Erreur interne du serveur.", "exception")
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("Erreur interne du serveur.", "server_error"), status=500)
    return render(request, "errors/500.html", status=500)
