"""Read selectors of the shared kernel: communes, territories, users (scoped)."""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When

from sas_platform.enums import CommuneType, Role
from sas_platform.geo import search_key
from sas_platform.models import Commune, CommuneName, Departement, PostalCode, User

_ARTICLES = ("l", "la", "le", "les")


def communes_search(*, query: str, departements: list[str] | None = None, limit: int = 20) -> list[Commune]:
    """Communes matching a name (accent-insensitive, prefix of any word) or a postal code.

    Digits search postal codes and INSEE codes by prefix: an exact postal code comes first
    (a municipal arrondissement before its city: ``13001`` → Marseille 1er; ``13100`` → Aix, not
    Saint-Rémy whose INSEE code is 13100), then a postal code starting with the digits, then an
    exact INSEE code, then an INSEE prefix; the most populated first within each. Names match with or without their article
    (``ciotat`` and ``la ciotat`` find La Ciotat): exact name first, then names starting with
    the query, then the most populated. Former names (COMD) match too.
    """
    text = (query or "").strip()
    if not text:
        return []
    qs = Commune.objects.select_related("departement")
    if departements:
        qs = qs.filter(departement_id__in=departements)
    if text.replace(" ", "").isdigit():
        digits = text.replace(" ", "")
        postal = PostalCode.objects.filter(commune=OuterRef("pk"))
        postal_exact = Exists(postal.filter(code=digits))
        qs = qs.filter(Exists(postal.filter(code__startswith=digits)) | Q(insee_code__startswith=digits))
        postal_prefix = Exists(postal.filter(code__startswith=digits))
        qs = qs.annotate(
            rank=Case(
                When(postal_exact & Q(type=CommuneType.ARRONDISSEMENT), then=Value(0)),
                When(postal_exact, then=Value(1)),
                When(postal_prefix, then=Value(2)),
                When(insee_code=digits, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            )
        )
        qs = qs.prefetch_related(Prefetch("postal_codes", queryset=PostalCode.objects.order_by("code")))
        return list(qs.order_by("rank", "-population_2021", "name")[:limit])
    key = search_key(text)
    if not key:
        return []
    exact = [key, *(f"{article} {key}" for article in _ARTICLES)]
    starts = Q(search_name__startswith=key)
    for article in _ARTICLES:
        starts |= Q(search_name__startswith=f"{article} {key}")
    former = Exists(CommuneName.objects.filter(commune=OuterRef("pk"), search_name__startswith=key))
    qs = qs.filter(starts | Q(search_name__contains=f" {key}") | former)
    qs = qs.annotate(
        rank=Case(
            When(search_name__in=exact, then=Value(0)),
            When(starts, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    qs = qs.prefetch_related(Prefetch("postal_codes", queryset=PostalCode.objects.order_by("code")))
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
