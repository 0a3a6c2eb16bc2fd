"""Give a consumer (the national platform, another aggregator, an agenda editor) access to
``GET /fhir/r4/Slot`` (issue 4 §7; issue 9 point 11: the README's steps must be followable).

:func:`fhir_consumer_grant` is what ``python manage.py grant_fhir_slot_access EMAIL`` and the
admin action « Donner l'accès FHIR Slot » run: a machine user (created when missing, without a
usable password: it never signs in to the pages) with the permission ``planning.view_slot``
(:func:`planning.permissions.can_consume_fhir_slots`) and its DRF token, sent as
``Authorization: Bearer <token>``. Idempotent: a second grant keeps the same token. Audited.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

from planning.events import PlanningEvent, planning_event_write
from sas_platform.models import User
from sas_platform.services import user_create

SLOT_PERMISSION = ("planning", "view_slot")


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
    token, _ = Token.objects.get_or_create(user=user)
    planning_event_write(
        event_type=PlanningEvent.FHIR_ACCESS_GRANTED, actor=actor, obj=user, params={"created": created}
    )
    return user, token.key, created
