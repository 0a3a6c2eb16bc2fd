"""The demo editor's appointment feedback to the platform (flow INT_R03): the Appointment it sends
after a booking or a cancellation, and the request. Standard library only."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import urlencode

from demo_editor.agenda import PARIS, PRACTITIONER_SYSTEM
from demo_editor.regulators import SAS_SOURCE, TYPES

APPOINTMENT_SYSTEM = "https://demo-editeur.example/rendez-vous"


def appointment_resource(*, appointment_id: str, slot, status: str, operator: str) -> dict:
    """An Appointment shaped like the guide's ``Appointment-1.json`` (FrAppointmentSAS); ``operator``
    is the regulator account's ``system|value``."""
    system, _, value = operator.rpartition("|")
    system = system if system in TYPES else SAS_SOURCE
    return {
        "resourceType": "Appointment",
        "meta": {"profile": ["http://sas.fr/fhir/StructureDefinition/FrAppointmentSAS"]},
        "extension": [
            {
                "url": "http://interopsante.org/fhir/StructureDefinition/FrAppointmentOperator",
                "valueReference": {
                    "identifier": {
                        "type": {
                            "coding": [
                                {
                                    "system": "http://interopsante.org/fhir/CodeSystem/fr-v2-0203",
                                    "code": TYPES[system],
                                }
                            ]
                        },
                        "system": system,
                        "value": value or "regulateur-sas-demo",
                    }
                },
            }
        ],
        "identifier": [{"system": APPOINTMENT_SYSTEM, "value": appointment_id}],
        "status": status,
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
        "created": datetime.now(PARIS).isoformat(timespec="seconds"),
        "participant": [
            {
                "actor": {
                    "identifier": {
                        "type": {
                            "coding": [
                                {
                                    "system": "http://interopsante.org/fhir/CodeSystem/fr-v2-0203",
                                    "code": "IDNPS",
                                }
                            ]
                        },
                        "system": PRACTITIONER_SYSTEM,
                        "value": f"8{slot.rpps}",
                    }
                },
                "status": "accepted",
            }
        ],
    }


def send_feedback(*, platform_url: str, token: str, method: str, appointment: dict) -> str:
    """INT_R03 to the platform; returns a French line for the page (never raises)."""
    base = f"{platform_url.rstrip('/')}/fhir/r4/Appointment"
    url = base
    if method == "PUT":
        identifier = appointment["identifier"][0]["value"]
        url = f"{base}?" + urlencode({"identifier": f"{APPOINTMENT_SYSTEM}|{identifier}"})
    request = urllib.request.Request(  # noqa: S310 (the platform's configured URL)
        url,
        data=json.dumps(appointment).encode(),
        method=method,
        headers={"Content-Type": "application/fhir+json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=7) as response:  # noqa: S310
            return f"Rendez-vous transmis au SAS (HTTP {response.status})."
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return "Retour vers le SAS non transmis : la plateforme ne reçoit pas encore les rendez-vous (HTTP 404)."
        return f"Retour vers le SAS refusé (HTTP {exc.code})."
    except (urllib.error.URLError, OSError) as exc:
        return f"Retour vers le SAS impossible : plateforme injoignable ({type(exc).__name__})."
