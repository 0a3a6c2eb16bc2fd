"""Directory rows the planning tests need (through cpts models: the cpts factories are still moving)."""

from __future__ import annotations

from cpts.models import PracticePlace, Professional
from sas_platform.models import Commune


def professional_with_place(
    rpps: str,
    *,
    insee: str = "13201",
    last_name: str = "Médecin",
    postal_code: str = "",
    finess: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    specialty_code: str = "SM54",
) -> Professional:
    """A GP (RPPS ``rpps``) with one active place in commune ``insee`` (coordinates: the commune's
    unless given)."""
    commune = Commune.objects.get(insee_code=insee)
    professional, _ = Professional.objects.get_or_create(
        identifier_type="8",
        identifier=rpps,
        defaults={"last_name": last_name, "first_name": "Dr", "specialty_code": specialty_code},
    )
    PracticePlace.objects.get_or_create(
        professional=professional,
        source_key=f"test:{rpps}:{insee}:{finess}",
        defaults={
            "name": f"Cabinet {last_name}",
            "postal_code": postal_code,
            "commune": commune,
            "finess": finess,
            "latitude": commune.latitude if latitude is None else latitude,
            "longitude": commune.longitude if longitude is None else longitude,
        },
    )
    return professional
