"""What every directory importer shares: the report, reference look-ups, small normalisers."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from cpts.models import PracticePlace, Professional, Structure
from sas_platform.geo import search_key
from sas_platform.models import Commune, PostalCode

#: Rows written per ``bulk_create`` / ``bulk_update`` and looked up per query.
BATCH_SIZE = 2000
#: Rejections kept in the report (the count stays exact beyond it): memory stays flat.
MAX_REJECTIONS_KEPT = 1000

#: (done, total) in bytes or resources; called once per batch.
ProgressCallback = Callable[[int, int], None]

#: ``Code profession`` (ANS nomenclature TRE_G15) → label, for extracts that carry codes only.
PROFESSION_LABELS = {
    "10": "Médecin",
    "21": "Pharmacien",
    "26": "Audioprothésiste",
    "28": "Opticien-lunetier",
    "40": "Chirurgien-dentiste",
    "50": "Sage-femme",
    "60": "Infirmier",
    "70": "Masseur-kinésithérapeute",
    "80": "Pédicure-podologue",
    "91": "Orthophoniste",
    "92": "Orthoptiste",
    "94": "Ergothérapeute",
    "95": "Diététicien",
    "96": "Psychomotricien",
}

#: Savoir-faire (TRE_R38) labels used by the platform when an extract carries the code only.
SPECIALTY_LABELS = {
    "SM54": "Médecine générale",
    "SM26": "Médecine d'urgence",
    "SM40": "Pédiatrie",
    "SM19": "Gynécologie médicale",
}

_CIVILITIES = {"DR": "Dr", "PR": "Pr", "M": "M.", "MME": "Mme", "MLLE": "Mlle"}


def civility_label(code: str) -> str:
    return _CIVILITIES.get(code.strip().upper(), code.strip())


@dataclass
class ImportStats:
    """The report of one import: counts per line (or FHIR resource) and the reasons of rejection.

    ``read == created + updated + unchanged + rejected``. A line is *created* when it added the
    professional or a place, *updated* when it changed one, *unchanged* otherwise.
    """

    file_format: str = ""
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[dict] = field(default_factory=list)
    #: Places marked inactive by a full extract (``import_rpps --full``); ``None`` otherwise.
    deactivated: int | None = None

    def reject(self, line: int, reason: str) -> None:
        self.read += 1
        self.rejected += 1
        if len(self.rejections) < MAX_REJECTIONS_KEPT:
            self.rejections.append({"line": line, "reason": reason})

    def count(self, outcome: str) -> None:
        self.read += 1
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> dict[str, int]:
        """The command's last line: ``{"read", "created", "updated", "unchanged", "rejected"}``
        (and ``"deactivated"`` after a full extract)."""
        summary = {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
        if self.deactivated is not None:
            summary["deactivated"] = self.deactivated
        return summary


class Geography:
    """INSEE communes and postal codes loaded once per import (~40,000 small tuples).

    Paris, Lyon and Marseille exist both as the city (75056, 69123, 13055) and as their
    arrondissements (75101.., 69381.., 13201..): both kinds of codes resolve.
    """

    def __init__(self) -> None:
        self.communes: dict[str, tuple[float | None, float | None, str]] = {
            code: (lat, lon, dep)
            for code, lat, lon, dep in Commune.objects.values_list(
                "insee_code", "latitude", "longitude", "departement_id"
            )
        }
        self._names = dict(Commune.objects.values_list("insee_code", "search_name"))
        self.by_postal_code: dict[str, list[str]] = defaultdict(list)
        for code, insee in PostalCode.objects.values_list("code", "commune_id"):
            self.by_postal_code[code].append(insee)

    def from_postal_code(self, postal_code: str, city: str = "") -> str | None:
        """The commune of a postal code: the only one, or the one whose name matches ``city``."""
        candidates = self.by_postal_code.get(postal_code.strip(), [])
        if len(candidates) == 1:
            return candidates[0]
        key = search_key(city)
        if key:
            named = [code for code in candidates if self._names.get(code) == key]
            if len(named) == 1:
                return named[0]
        return None


class StructureIndex:
    """Structures by FINESS and SIRET, to link places to known structures."""

    def __init__(self) -> None:
        self.by_finess: dict[str, int] = {}
        self.by_siret: dict[str, int] = {}
        for pk, finess, siret in Structure.objects.values_list("pk", "finess", "siret"):
            if finess:
                self.by_finess.setdefault(finess, pk)
            if siret:
                self.by_siret.setdefault(siret, pk)

    def find(self, *, finess: str = "", siret: str = "") -> int | None:
        return (finess and self.by_finess.get(finess)) or (siret and self.by_siret.get(siret)) or None


def _max_lengths(model) -> dict[str, int]:
    return {
        f.name: f.max_length
        for f in model._meta.get_fields()
        if getattr(f, "max_length", None) and not f.is_relation
    }


PROFESSIONAL_MAX = _max_lengths(Professional)
PLACE_MAX = _max_lengths(PracticePlace)
STRUCTURE_MAX = _max_lengths(Structure)


def fit(values: dict, limits: dict[str, int]) -> dict:
    """Cut text values to their column's length (a long label must not sink a batch)."""
    return {
        name: value[: limits[name]] if isinstance(value, str) and name in limits else value
        for name, value in values.items()
    }


_PHONE_NOISE = re.compile(r"[\s.\-/()]")


def clean_phone(value: str) -> str:
    return _PHONE_NOISE.sub("", value or "")


def clean_email(value: str) -> str:
    value = (value or "").strip()
    return value if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) else ""


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert new rows given as ``{attname: value}`` dicts (the same keys in every row).

    PostgreSQL: ``COPY ... FROM STDIN``, which streams the rows; Django's ``bulk_create``
    spends most of an import building model instances and binding tens of thousands of
    parameters. Other databases: ``bulk_create``. Primary keys are not returned.
    """
    from django.db import connection

    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
        return
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    names = list(rows[0])
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(columns[n]) for n in names)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])
