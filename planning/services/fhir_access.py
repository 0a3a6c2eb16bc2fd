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
from django.db import transaction

from planning.events import PlanningEvent, planning_event_write
from sas_platform.api.tokens import api_token_rotate
from sas_platform.models import User
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
