"""Write services of the shared kernel: geography loading, users, roles and territories."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from sas_platform.enums import AuditEventType, CommuneType, Role
from sas_platform.events import audit_event_write
from sas_platform.geo import search_key
from sas_platform.identifiers import departement_of_insee
from sas_platform.identity_hooks import access_changed
from sas_platform.models import Commune, CommuneName, Departement, PostalCode, Region, User

GEO_DATA_DIR = Path(settings.BASE_DIR) / "sas_platform" / "data" / "geo"

ProgressCallback = Callable[[int, int], None]


# --- Geography ------------------------------------------------------------------------------
@dataclass
class GeographyStats:
    regions: int = 0
    departements: int = 0
    communes_created: int = 0
    communes_updated: int = 0
    communes_unchanged: int = 0
    postal_codes_created: int = 0
    postal_codes_deleted: int = 0
    former_names_created: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["skipped"] = len(self.skipped)
        return data


@dataclass
class _CommuneRow:
    insee_code: str
    name: str
    name_with_article: str
    type: str
    parent_code: str | None
    departement_code: str
    latitude: float | None
    longitude: float | None
    population_2021: int
    postal_codes: set[str] = field(default_factory=set)


_ARRONDISSEMENT_SUFFIX = re.compile(r"\s+\d+(er|e)\s+Arrondissement$", re.IGNORECASE)


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _int(text: str) -> int:
    return int(text) if text.strip() else 0


def _read_communes(path: Path) -> tuple[dict[str, _CommuneRow], dict[str, set[str]], list[str]]:
    """Parse ``communes.csv`` into communes, former names (COMD) and skipped-row reasons."""
    communes: dict[str, _CommuneRow] = {}
    former: dict[str, set[str]] = defaultdict(set)
    former_postal: dict[str, set[str]] = defaultdict(set)
    skipped: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            code, kind = row["insee_com"].strip(), row["commune_type"].strip()
            if kind == "COMD":
                former[row["insee_parente"].strip()].add(row["commune"].strip())
                if row["code_postal"].strip():
                    former_postal[row["insee_parente"].strip()].add(row["code_postal"].strip())
                continue
            if kind not in CommuneType.values:
                skipped.append(f"ligne {line_no} : type de commune inconnu {kind!r}")
                continue
            existing = communes.get(code)
            if existing is None:
                existing = communes[code] = _CommuneRow(
                    insee_code=code,
                    name=row["commune"].strip(),
                    name_with_article=row["commune_article"].strip() or row["commune"].strip(),
                    type=kind,
                    parent_code=row["insee_parente"].strip() or None,
                    departement_code=row["insee_dep"].strip() or departement_of_insee(code),
                    latitude=_float(row["lat"]),
                    longitude=_float(row["lng"]),
                    population_2021=_int(row["population_2021"]),
                )
            if row["code_postal"].strip():
                existing.postal_codes.add(row["code_postal"].strip())
    _add_cities_of_arrondissements(communes)
    for parent_code, codes in former_postal.items():
        if parent_code in communes:
            communes[parent_code].postal_codes |= codes
    return communes, former, skipped


def _add_cities_of_arrondissements(communes: dict[str, _CommuneRow]) -> None:
    """Build Paris, Lyon and Marseille (absent as COM) from their arrondissements (ARM)."""
    children: dict[str, list[_CommuneRow]] = defaultdict(list)
    for row in communes.values():
        if row.type == CommuneType.ARRONDISSEMENT and row.parent_code:
            children[row.parent_code].append(row)
    for parent_code, arms in children.items():
        if parent_code in communes:
            continue
        population = sum(arm.population_2021 for arm in arms)
        located = [arm for arm in arms if arm.latitude is not None and arm.longitude is not None]
        weight = sum(arm.population_2021 for arm in located) or 1
        name = _ARRONDISSEMENT_SUFFIX.sub("", arms[0].name)
        communes[parent_code] = _CommuneRow(
            insee_code=parent_code,
            name=name,
            name_with_article=name,
            type=CommuneType.COMMUNE,
            parent_code=None,
            departement_code=arms[0].departement_code,
            latitude=round(sum(a.latitude * a.population_2021 for a in located) / weight, 5),
            longitude=round(sum(a.longitude * a.population_2021 for a in located) / weight, 5),
            population_2021=population,
            postal_codes=set().union(*(arm.postal_codes for arm in arms)),
        )


_COMMUNE_FIELDS = (
    "name",
    "name_with_article",
    "search_name",
    "type",
    "parent_id",
    "departement_id",
    "latitude",
    "longitude",
    "population_2021",
)


def _regions_and_departements_load(directory: Path, stats: GeographyStats) -> None:
    with (directory / "regions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Region.objects.update_or_create(
                code=row["insee_reg"].strip(), defaults={"name": row["region"].strip()}
            )
            stats.regions += 1
    with (directory / "departements.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Departement.objects.update_or_create(
                code=row["insee_dep"].strip(),
                defaults={
                    "name": row["departement"].strip(),
                    "region_id": row["insee_reg"].strip(),
                    "latitude": _float(row["lat"]),
                    "longitude": _float(row["lng"]),
                    "chef_lieu_code": row["insee_com_cheflieu"].strip(),
                },
            )
            stats.departements += 1


def _postal_codes_and_former_names_load(
    rows: dict, former: dict, departements: set[str] | None, stats: GeographyStats
) -> None:
    """Postal codes (added, stale ones deleted) and former names of the loaded communes."""
    loaded = set(Commune.objects.values_list("insee_code", flat=True))
    wanted_postal = {
        (code, row.insee_code)
        for row in rows.values()
        if row.insee_code in loaded
        for code in row.postal_codes
    }
    postal_qs = PostalCode.objects.all()
    if departements:
        postal_qs = postal_qs.filter(commune__departement_id__in=departements)
    have_postal = set(postal_qs.values_list("code", "commune_id"))
    PostalCode.objects.bulk_create(
        [PostalCode(code=code, commune_id=insee) for code, insee in sorted(wanted_postal - have_postal)],
        batch_size=5000,
    )
    stale = have_postal - wanted_postal
    for code, insee in stale:
        PostalCode.objects.filter(code=code, commune_id=insee).delete()
    stats.postal_codes_created = len(wanted_postal - have_postal)
    stats.postal_codes_deleted = len(stale)

    have_names = set(CommuneName.objects.values_list("commune_id", "name"))
    new_names = [
        CommuneName(commune_id=insee, name=name, search_name=search_key(name))
        for insee, names in former.items()
        if insee in loaded and insee in rows
        for name in sorted(names)
        if (insee, name) not in have_names and name != rows[insee].name
    ]
    CommuneName.objects.bulk_create(new_names, batch_size=5000)
    stats.former_names_created = len(new_names)


@transaction.atomic
def geography_load(
    *,
    directory: Path = GEO_DATA_DIR,
    departements: set[str] | None = None,
    progress: ProgressCallback | None = None,
) -> GeographyStats:
    """Load régions, départements and communes from the reference CSV files (idempotent).

    A second run with the same files changes nothing (``communes_unchanged`` counts them).
    ``departements`` limits the communes to those départements (used by browser tests).
    """
    stats = GeographyStats()
    _regions_and_departements_load(directory, stats)
    rows, former, skipped = _read_communes(directory / "communes.csv")
    if departements:
        rows = {code: row for code, row in rows.items() if row.departement_code in departements}
    stats.skipped = skipped
    known_departements = set(Departement.objects.values_list("code", flat=True))
    existing = {c.insee_code: c for c in Commune.objects.all()}
    total = len(rows)
    # Parents first so arrondissements can point to their city.
    ordered = sorted(rows.values(), key=lambda r: (r.parent_code is not None, r.insee_code))
    to_create: list[Commune] = []
    to_update: list[Commune] = []
    for index, row in enumerate(ordered, start=1):
        if row.departement_code not in known_departements:
            stats.skipped.append(f"commune {row.insee_code} : département {row.departement_code} inconnu")
            continue
        values = {
            "name": row.name,
            "name_with_article": row.name_with_article,
            "search_name": search_key(row.name_with_article),
            "type": row.type,
            "parent_id": row.parent_code if row.type == CommuneType.ARRONDISSEMENT else None,
            "departement_id": row.departement_code,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "population_2021": row.population_2021,
        }
        current = existing.get(row.insee_code)
        if current is None:
            to_create.append(Commune(insee_code=row.insee_code, **values))
            stats.communes_created += 1
        elif any(getattr(current, name) != values[name] for name in _COMMUNE_FIELDS):
            for name, value in values.items():
                setattr(current, name, value)
            to_update.append(current)
            stats.communes_updated += 1
        else:
            stats.communes_unchanged += 1
        if progress and (index % 2000 == 0 or index == total):
            progress(index, total)
    parents = [c for c in to_create if c.parent_id is None]
    Commune.objects.bulk_create(parents, batch_size=2000)
    Commune.objects.bulk_create([c for c in to_create if c.parent_id is not None], batch_size=2000)
    Commune.objects.bulk_update(to_update, list(_COMMUNE_FIELDS), batch_size=2000)

    _postal_codes_and_former_names_load(rows, former, departements, stats)
    if stats.communes_created or stats.communes_updated:
        audit_event_write(event_type=AuditEventType.GEOGRAPHY_LOADED, actor=None, params=stats.as_dict())
    return stats


# --- Roles and users ------------------------------------------------------------------------
def roles_ensure_groups() -> list[Group]:
    """Create the Django group of every :class:`Role` (idempotent; ``make install`` runs it
    through ``sync_roles``). No role group holds a model permission: the admin is for platform
    administrators (superusers) only, and a broad ``view_*`` permission once opened the national
    FHIR Slot feed to SAS administrators (issue 13, finding 3); permissions granted by older
    versions are removed here."""
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in Role]
    for group in groups:
        group.permissions.clear()
    return groups


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    roles: Iterable[Role] = (),
    territories: Iterable[str] = (),
    first_name: str = "",
    last_name: str = "",
    rpps: str = "",
    actor: User | None = None,
) -> User:
    """Create a user with roles and territories (département codes), audited."""
    user = User(email=email.strip().lower(), first_name=first_name, last_name=last_name, rpps=rpps)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_event_write(
        event_type=AuditEventType.USER_CREATED, actor=actor, obj=user, params={"email": user.email}
    )
    user_set_roles(user=user, roles=roles, actor=actor)
    user_set_territories(user=user, territories=territories, actor=actor)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[Role], actor: User | None) -> None:
    """Replace the user's roles; platform administrators are also Django superusers."""
    wanted = sorted({Role(role).value for role in roles})
    groups = [Group.objects.get_or_create(name=code)[0] for code in wanted]
    before = sorted(user.role_codes)
    user.groups.set(groups)
    user._role_codes = None
    user.__dict__.pop("_territory_codes", None)  # a platform administrator acts everywhere
    is_superuser = Role.ADMIN_PLATEFORME.value in wanted
    is_staff = is_superuser  # the admin is for platform administrators only (issue 13)
    if (user.is_superuser, user.is_staff) != (is_superuser, is_staff):
        user.is_superuser, user.is_staff = is_superuser, is_staff
        user.save(update_fields=["is_superuser", "is_staff"])
    if before != wanted:
        audit_event_write(
            event_type=AuditEventType.USER_ROLES_CHANGED,
            actor=actor,
            obj=user,
            params={"before": before, "after": wanted},
        )
        access_changed(user_id=user.pk, reason="roles")


@transaction.atomic
def user_set_territories(*, user: User, territories: Iterable[str], actor: User | None) -> None:
    """Replace the user's SAS territories (département codes)."""
    wanted = sorted(set(territories))
    found = list(Departement.objects.filter(code__in=wanted))
    if len(found) != len(wanted):
        missing = sorted(set(wanted) - {d.code for d in found})
        raise ValueError(f"Département(s) inconnu(s) : {', '.join(missing)}")
    before = sorted(user.territories.values_list("code", flat=True))
    user.territories.set(found)
    user.__dict__.pop("_territory_codes", None)
    if before != wanted:
        audit_event_write(
            event_type=AuditEventType.USER_TERRITORIES_CHANGED,
            actor=actor,
            obj=user,
            params={"before": before, "after": wanted},
        )
        access_changed(user_id=user.pk, reason="territories")
