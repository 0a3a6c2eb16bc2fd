"""Read selectors of the shared kernel: communes, territories, users (scoped)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from sas_platform.enums import Role
from sas_platform.geo import search_key
from sas_platform.models import Commune, Departement, User


def communes_search(*, query: str, departements: list[str] | None = None, limit: int = 20) -> list[Commune]:
    """Communes matching a name (accent-insensitive, prefix of any word) or a postal code.

    Digits search postal codes and INSEE codes by prefix. Results: exact name first, then
    names starting with the query, then the most populated. Former names (COMD) match too.
    """
    text = (query or "").strip()
    if not text:
        return []
    qs = Commune.objects.select_related("departement")
    if departements:
        qs = qs.filter(departement_id__in=departements)
    if text.replace(" ", "").isdigit():
        digits = text.replace(" ", "")
        qs = qs.filter(Q(postal_codes__code__startswith=digits) | Q(insee_code__startswith=digits)).distinct()
        return list(qs.order_by("-population_2021", "name")[:limit])
    key = search_key(text)
    if not key:
        return []
    qs = qs.filter(
        Q(search_name__startswith=key)
        | Q(search_name__contains=f" {key}")
        | Q(former_names__search_name__startswith=key)
    ).distinct()
    qs = qs.annotate(
        rank=Case(
            When(search_name=key, then=Value(0)),
            When(search_name__startswith=key, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    return list(qs.order_by("rank", "-population_2021", "name")[:limit])


def commune_get(*, insee_code: str) -> Commune | None:
    return Commune.objects.select_related("departement", "parent").filter(insee_code=insee_code).first()


def territories_for_user(*, user: User) -> QuerySet[Departement]:
    """The départements the user acts in; a platform administrator acts everywhere."""
    if not user.is_authenticated:
        return Departement.objects.none()
    if user.has_role(Role.ADMIN_PLATEFORME):
        return Departement.objects.all()
    return user.territories.all()


def territory_codes_for_user(*, user: User) -> set[str]:
    cached = getattr(user, "_territory_codes", None)
    if cached is None:
        cached = set(territories_for_user(user=user).values_list("code", flat=True))
        user._territory_codes = cached
    return cached


def users_visible_to(*, user: User) -> QuerySet[User]:
    """Users sharing at least one territory with ``user`` (all for platform administrators)."""
    qs = User.objects.prefetch_related("groups", "territories").order_by("last_name", "email")
    if user.has_role(Role.ADMIN_PLATEFORME):
        return qs
    return qs.filter(territories__in=territories_for_user(user=user)).distinct()
