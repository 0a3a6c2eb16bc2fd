"""Give a consumer (the national platform, another aggregator, an agenda editor) access to
``GET /fhir/r4/Slot`` (issue 4 §7; issue 9 point 11: the README's steps must be followable).

:func:`fhir_consumer_grant` is what ``python manage.py grant_fhir_slot_access EMAIL`` and the
admin action « Donner l'accès FHIR Slot » run: a machine user (created when missing, without a
usable password: it never signs in to the pages) with the dedicated permission
``planning.consume_fhir_slots`` (:func:`planning.permissions.can_consume_fhir_slots`; a role's
broad ``view_slot`` does not open the feed, issue 13) and a new API token, sent as
``Authorization: Bearer <token>``. A second grant rotates the token (the previous one stops
working; machine tokens live ``API_MACHINE_TOKEN_LIFETIME_DAYS``). Audited.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from planning.events import PlanningEvent, planning_event_write
from planning.models import FhirClientCertificate
from sas_platform.api.tokens import api_token_rotate
from sas_platform.models import User
from sas_platform.mtls import certificate_of_pem
from sas_platform.services import user_create

SLOT_PERMISSION = ("planning", "consume_fhir_slots")


@transaction.atomic
def fhir_consumer_grant(*, email: str, actor: User | None = None) -> tuple[User, str, bool]:
    """``(user, token key, created)``: the user of ``email`` (created if absent) may read the
    platform's slots over FHIR with the returned token."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = user_create(email=email, password=None, actor=actor)
    app_label, codename = SLOT_PERMISSION
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    token = api_token_rotate(user=user)
    planning_event_write(
        event_type=PlanningEvent.FHIR_ACCESS_GRANTED, actor=actor, obj=user, params={"created": created}
    )
    return user, token.key, created


def _machine_email(name: str) -> str:
    """``NAME`` as the machine user's address: kept when it is one, else ``<slug>@clients-fhir.invalid``
    (a reserved domain: the account never receives mail nor signs in)."""
    name = name.strip()
    return name if "@" in name else f"{slugify(name) or 'client'}@clients-fhir.invalid"


@transaction.atomic
def fhir_client_certificate_register(
    *,
    name: str,
    pem: str,
    user: User | None = None,
    source=None,
    match_subject_serial: bool = False,
    actor: User | None = None,
) -> FhirClientCertificate:
    """Map a client certificate (PEM) to a consumer account or an agenda source (issue 14): its
    SHA-256 fingerprint, subject and serial are read from the PEM; registering the same certificate
    again moves it to the new owner. ``ValidationError`` (French) for an unreadable PEM or no owner."""
    if (user is None) == (source is None):
        raise ValidationError("Un certificat est rattaché soit à un compte consommateur, soit à une source.")
    try:
        certificate = certificate_of_pem(pem)
    except ValueError as exc:
        raise ValidationError(
            "Certificat illisible : un certificat X.509 au format PEM est attendu."
        ) from exc
    record, _ = FhirClientCertificate.objects.update_or_create(
        sha256=certificate.sha256,
        defaults={
            "name": name.strip()[:150] or certificate.subject[:150],
            "user": user,
            "source": source,
            "subject": certificate.subject[:500],
            "serial": certificate.serial,
            "match_subject_serial": match_subject_serial,
            "pem": pem.strip() if isinstance(pem, str) else pem.decode().strip(),
            "is_active": True,
        },
    )
    planning_event_write(
        event_type=PlanningEvent.FHIR_ACCESS_GRANTED,
        actor=actor,
        obj=user or source,
        params={"certificate_sha256": certificate.sha256},
    )
    return record


@transaction.atomic
def fhir_client_create(*, name: str, certificate_pem: str | None = None, actor: User | None = None) -> dict:
    """What ``python manage.py fhir_client_create NAME [--certificate PEM_FILE]`` runs: the consumer's
    machine user with read access to the slots and its token (:func:`fhir_consumer_grant`), and its
    client certificate when given. Returns ``{"client", "token", "certificate_sha256"}``."""
    user, token, _ = fhir_consumer_grant(email=_machine_email(name), actor=actor)
    sha256 = None
    if certificate_pem:
        sha256 = fhir_client_certificate_register(
            name=name, pem=certificate_pem, user=user, actor=actor
        ).sha256
    return {"client": name, "token": token, "certificate_sha256": sha256}
