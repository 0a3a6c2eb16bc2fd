"""What every ``/fhir/r4/`` answer shares: ``application/fhir+json`` and, for an error, an
OperationOutcome (never Django's HTML pages: issue 9 point 11)."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

FHIR_JSON = "application/fhir+json"


def fhir_response(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(
        body,
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


def outcome_response(status: int, text: str, code: str) -> JsonResponse:
    """An OperationOutcome with one error ``issue`` (``code`` from the FHIR issue-type value set)."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    return fhir_response(body, status)


def fhir_methods(*methods: str):
    """Like ``require_http_methods``, but a 405 is an OperationOutcome with its ``Allow`` header."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method not in methods:
                response = outcome_response(
                    405,
                    f"Méthode {request.method} non prise en charge ici ({', '.join(methods)}).",
                    "not-supported",
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator


@csrf_exempt
def fhir_not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under ``/fhir/r4/``: 404 OperationOutcome (the URLconf's last FHIR route)."""
    return outcome_response(404, f"Ressource ou opération inconnue : {request.path}", "not-found")
