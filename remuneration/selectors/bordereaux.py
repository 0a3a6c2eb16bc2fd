"""Bordereaux a user may see (territory-scoped) and their lines."""

from __future__ import annotations

from django.db.models import QuerySet

from remuneration.models import Bordereau, BordereauLine
from remuneration.permissions import can_view_bordereau, can_view_remuneration
from sas_platform.permissions import is_platform_admin
from sas_platform.selectors import territory_codes_for_user


def bordereaux_for_user(
    *,
    user,
    kind: str | None = None,
    period: str | None = None,
    territory: str | None = None,
    status: str | None = None,
) -> QuerySet[Bordereau]:
    """Bordereaux of the user's territories (all for a platform administrator); none otherwise."""
    if not can_view_remuneration(user):
        return Bordereau.objects.none()
    qs = Bordereau.objects.select_related("territory", "validated_by", "locked_by", "paid_by")
    if not is_platform_admin(user):
        qs = qs.filter(territory_id__in=territory_codes_for_user(user=user))
    for field, value in (("kind", kind), ("period", period), ("territory_id", territory), ("status", status)):
        if value:
            qs = qs.filter(**{field: value})
    return qs.order_by("-period", "kind", "territory_id")


def bordereau_get(*, user, pk: int) -> Bordereau | None:
    """The bordereau if the user may see it (``None`` otherwise: no leak of other territories)."""
    bordereau = Bordereau.objects.select_related("territory").filter(pk=pk).first()
    if bordereau is None or not can_view_bordereau(user, bordereau):
        return None
    return bordereau


def bordereau_lines(*, bordereau: Bordereau) -> list[BordereauLine]:
    return list(bordereau.lines.select_related("corrects__bordereau").order_by("position"))


def lines_for_professional(*, rpps: str, limit: int = 500) -> list[BordereauLine]:
    """A doctor's own lines on every bordereau (« mes rémunérations »), newest period first."""
    if not rpps:
        return []
    return list(
        BordereauLine.objects.filter(identifier=rpps)
        .select_related("bordereau", "bordereau__territory", "corrects__bordereau")
        .order_by("-bordereau__period", "bordereau__kind", "position")[:limit]
    )
