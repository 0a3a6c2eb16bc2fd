"""``GET /fhir/r4/metadata``: the CapabilityStatement of the platform's FHIR R4 server (issue 9
point 11), built from what the views accept, so that it cannot promise more than they do:

- ``Slot``: ``search-type`` (``GET /fhir/r4/Slot``, INT_R01 / INT_R04) with its parameters and
  includes (``planning.selectors.fhir``, which the views apply);
- ``Appointment``: ``create`` (POST), conditional ``update`` (PUT ``?identifier=``) and ``read``
  (the editors' feedback, INT_R03, ``regulation.fhir.views``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from planning.selectors import fhir as slot_views  # what GET /fhir/r4/Slot accepts
from sas_platform.fhir_http import FHIR_JSON, fhir_methods, fhir_response

FHIR_VERSION = "4.0.1"
SOFTWARE_VERSION = "1.0"
RELEASED = "2026-11-25"

SLOT_SEARCH_PARAMS = [
    (
        "start",
        "date",
        "Fenêtre : un start=ge… et un start=le… (31 jours au plus ; sans fuseau, heure de Paris).",
    ),
    ("status", "token", "Seule la valeur « free » est prise en charge."),
    (
        slot_views.IDENTIFIER_PARAM,
        "token",
        f"1 à {slot_views.MAX_IDENTIFIERS} identifiants {slot_views.PRACTITIONER_SYSTEM}|8<RPPS>.",
    ),
    (
        "_count",
        "number",
        f"Taille de page ({slot_views.DEFAULT_COUNT} par défaut, {slot_views.MAX_COUNT} au plus).",
    ),
]


def capability_statement(base_url: str) -> dict:
    """The CapabilityStatement (a plain dict, valid for ``fhir.resources``' CapabilityStatement)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": RELEASED,
        "publisher": settings.PLATFORM_NAME,
        "kind": "instance",
        "software": {"name": settings.PLATFORM_NAME, "version": SOFTWARE_VERSION},
        "implementation": {"description": "Serveur FHIR R4 de la plateforme SAS & CPTS", "url": base_url},
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "application/json+fhir", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Guide SAS de l'ANS : recherche de créneaux (INT_R01 / INT_R04), "
                "retour des rendez-vous des éditeurs (INT_R03).",
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "Certificates",
                                }
                            ],
                            "text": "TLS mutuel (certificats IGC-Santé), ou jeton Bearer",
                        }
                    ],
                    "description": "TLS 1.2 ou plus. TLS mutuel : le certificat client (IGC-Santé) vérifié par "
                    "le proxy doit être enregistré par un administrateur (fhir_client_create --certificate) "
                    "pour un compte consommateur (Slot) ou une source d'agenda (Appointment). Sinon "
                    "Authorization: Bearer <jeton> (ou Token <jeton>). Slot : jeton d'un utilisateur ayant "
                    "la permission planning.consume_fhir_slots ; Appointment : jeton de retour de la source d'agenda "
                    "de l'éditeur.",
                },
                "resource": [
                    {
                        "type": "Slot",
                        "interaction": [{"code": "search-type"}],
                        "searchInclude": sorted(slot_views.INCLUDES | slot_views.ITERATE_INCLUDES),
                        "searchParam": [
                            {"name": name, "type": kind, "documentation": text}
                            for name, kind, text in SLOT_SEARCH_PARAMS
                        ],
                    },
                    {
                        "type": "Appointment",
                        "interaction": [{"code": "create"}, {"code": "update"}, {"code": "read"}],
                        "updateCreate": True,
                        "conditionalCreate": True,
                        "conditionalUpdate": True,
                        "searchParam": [
                            {
                                "name": "identifier",
                                "type": "token",
                                "documentation": "Mise à jour conditionnelle : PUT Appointment?identifier=[système|]valeur.",
                            }
                        ],
                    },
                ],
            }
        ],
    }


@fhir_methods("GET")
def metadata(request: HttpRequest) -> JsonResponse:
    base = request.build_absolute_uri(reverse("fhir-metadata")).removesuffix("metadata").rstrip("/")
    return fhir_response(capability_statement(base))
