"""FHIR R4 Slot search of the slots the platform owns (issue 4 §7, INT_R01 / INT_R04)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from planning.enums import SlotStatus
from planning.fhir.resources import PRACTITIONER_SYSTEM
from planning.models import Slot

#: What ``GET /fhir/r4/Slot`` accepts: ``planning.fhir.views`` applies it, the platform's
#: CapabilityStatement (``regulation.fhir.capability``) publishes it.
IDENTIFIER_PARAM = "schedule.actor:Practitioner.identifier"
MAX_IDENTIFIERS = 25
DEFAULT_COUNT, MAX_COUNT = 100, 1000
INCLUDES = {"Slot:schedule", "Slot:service-type-reference"}
ITERATE_INCLUDES = {"Schedule:actor", "HealthcareService:organization"}
__all__ = [
    "DEFAULT_COUNT",
    "IDENTIFIER_PARAM",
    "INCLUDES",
    "ITERATE_INCLUDES",
    "MAX_COUNT",
    "MAX_IDENTIFIERS",
    "PRACTITIONER_SYSTEM",
    "fhir_consumer_authenticate",
    "owned_slots_for_fhir",
]


# --- FHIR R4 Slot search of the slots the platform owns (issue 4 §7, INT_R01 / INT_R04) ------------
def fhir_consumer_authenticate(*, token: str):
    """The active user behind a DRF token (``Authorization: Bearer <key>`` or ``Token <key>``) who may
    read the platform's slots over FHIR (permission ``planning.consume_fhir_slots``, e.g. a machine user of
    the national platform or of another aggregator); None otherwise."""
    from sas_platform.api.tokens import api_token_user

    return api_token_user(key=token)  # expiring tokens (issue 13)


def owned_slots_for_fhir(
    *,
    national_ids: list[tuple[str, str]],
    start: datetime,
    end: datetime,
    after: tuple[datetime, int] | None = None,
    count: int = 100,
) -> tuple[list[Slot], int]:
    """Free slots the platform owns (declared availability, ``source`` null) of these professionals
    (``(identifier_type, identifier)``), starting in [start, end], ordered by (start, id); keyset page
    after ``after`` (the ``next`` link's cursor). Returns the page (``count`` + 1 rows at most: one
    more tells there is a next page) and the total of matches."""
    condition = Q()
    for identifier_type, identifier in national_ids:
        condition |= Q(professional__identifier_type=identifier_type, professional__identifier=identifier)
    now = timezone.now()
    qs = Slot.objects.filter(
        condition,
        source__isnull=True,
        start__gte=start,
        start__lte=end,
    ).filter(Q(status=SlotStatus.FREE) | Q(status=SlotStatus.HELD, held_until__lte=now))
    total = qs.count()
    if after is not None:
        qs = qs.filter(Q(start__gt=after[0]) | Q(start=after[0], pk__gt=after[1]))
    page = list(
        qs.select_related("professional", "place", "place__commune").order_by("start", "pk")[: count + 1]
    )
    return page, total


def fhir_client_certificate_find(certificate):
    """The active :class:`~planning.models.FhirClientCertificate` of a certificate the TLS proxy
    verified (:class:`sas_platform.mtls.ClientCertificate`): by SHA-256 fingerprint, else by subject
    + serial where allowed; None for an unregistered certificate (issue 14)."""
    from planning.models import FhirClientCertificate

    if certificate is None:
        return None
    active = FhirClientCertificate.objects.filter(is_active=True).select_related("user", "source")
    found = active.filter(sha256=certificate.sha256).first()
    if found is None:
        found = active.filter(
            match_subject_serial=True, subject=certificate.subject, serial=certificate.serial
        ).first()
    if found is not None:
        FhirClientCertificate.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found
