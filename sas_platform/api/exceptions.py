"""The API's one exception handler and one error shape:

``{"message": str, "code": str, "extra": {"fields": {field: [messages]}}}`` with French
messages. Django's ``ValidationError``, ``PermissionDenied`` and ``Http404`` and the project's
:class:`~sas_platform.exceptions.ApplicationError` are all turned into it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sas_platform.exceptions import ApplicationError

_MESSAGES = {
    "not_authenticated": "Authentification requise.",
    "authentication_failed": "Identifiants invalides.",
    "permission_denied": "Vous n'avez pas le droit d'effectuer cette action.",
    "not_found": "Ressource introuvable.",
    "method_not_allowed": "Méthode non autorisée.",
    "not_acceptable": "Format de réponse non disponible.",
    "unsupported_media_type": "Type de contenu non pris en charge.",
    "throttled": "Trop de requêtes : réessayez plus tard.",
    "parse_error": "Requête mal formée.",
    "invalid": "Les données envoyées sont invalides.",
}

# Codes whose detail is a parser's technical text (English): the French message is shown instead.
_TECHNICAL_DETAIL = {"parse_error", "unsupported_media_type", "not_acceptable"}


def error_body(message: str, code: str, fields: dict | None = None) -> dict:
    return {"message": message, "code": code, "extra": {"fields": fields or {}}}


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _as_list(value) for key, value in detail.items()}
    return {"non_field_errors": _as_list(detail)}


def _as_list(value):
    if isinstance(value, list):
        return [str(v) if not isinstance(v, dict) else _flatten(v) for v in value]
    if isinstance(value, dict):
        return _flatten(value)
    return [str(value)]


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.message, exc.code, exc.extra.get("fields")), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(_MESSAGES["invalid"], "invalid", _flatten(exc.detail))
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = context["request"].method if context.get("request") else ""
        message = f"Méthode {method} non autorisée.".replace("  ", " ")
    elif str(exc.detail) != str(exc.default_detail) and code not in _TECHNICAL_DETAIL:
        message = str(exc.detail)  # a specific (translated) message: "Page invalide.", "Token non valide."
    else:
        message = _MESSAGES.get(code) or str(exc.detail)
    response.data = error_body(message, code)
    return response


@csrf_exempt  # a POST to an unknown route: the JSON 404, not the CSRF page
def api_not_found(request, exception=None):
    """JSON 404 for unknown ``/api/`` routes (never an HTML page)."""
    from django.http import JsonResponse

    return JsonResponse(error_body("Ressource introuvable.", "not_found"), status=status.HTTP_404_NOT_FOUND)
