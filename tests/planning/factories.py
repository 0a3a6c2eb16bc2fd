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
        defaults={
            "last_name": last_name,
            "first_name": "Dr",
            "specialty_code": specialty_code,
            "profession_code": "10",  # médecin
        },
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


def make_slot(professional: Professional, start, *, minutes: int = 20, source=None, **fields):
    """A slot at the professional's first place (platform-owned unless ``source``)."""
    from datetime import timedelta

    from planning.enums import MODALITY_BITS, SLOT_TYPE_BITS, mask_of
    from planning.models import Slot

    place = professional.places.order_by("id").first()
    modalities = fields.pop("modalities", ["AMB"])
    slot_types = fields.pop("slot_types", ["PUBLIC"])
    specialty = fields.pop("specialty_code", "SM54")
    return Slot.objects.create(
        source=source,
        external_id=fields.pop("external_id", f"{professional.identifier}-{start:%Y%m%d%H%M}-{place.pk}"),
        professional=professional,
        place=place,
        start=start,
        end=start + timedelta(minutes=minutes),
        modalities=modalities,
        modality_mask=mask_of(modalities, MODALITY_BITS),
        slot_types=slot_types,
        type_mask=mask_of(slot_types, SLOT_TYPE_BITS),
        specialty_code=specialty,
        specialty_codes=f"|{specialty}|",
        latitude=place.latitude,
        longitude=place.longitude,
        departement_code="13",
        **fields,
    )
