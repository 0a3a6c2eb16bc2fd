"""French geography: régions, départements, communes (INSEE Code officiel géographique).

Loaded by ``python manage.py load_geography`` from ``sas_platform/data/geo/`` (provenance in
its README). Paris, Lyon and Marseille appear in the source only as municipal arrondissements
(type ARM): the loader builds the city-level commune (75056, 69123, 13055) from them.
"""

from __future__ import annotations

from django.db import models

from sas_platform.enums import CommuneType


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    """A département; a SAS territory is one (or several) départements (DOMAIN.md §1)."""

    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    chef_lieu_code = models.CharField("chef-lieu (INSEE)", max_length=5, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Commune(models.Model):
    """A commune or a municipal arrondissement, with its centroid and 2021 population."""

    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    name_with_article = models.CharField("nom avec article", max_length=100)
    # ``search_key(name_with_article)``: "la ciotat", "l ile rousse" (found with or without article).
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    type = models.CharField(max_length=3, choices=CommuneType.choices, default=CommuneType.COMMUNE)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="arrondissements"
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    population_2021 = models.PositiveIntegerField("population 2021", default=0)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [models.Index(fields=["departement", "search_name"])]

    def __str__(self) -> str:
        return self.label

    @property
    def postal_codes_list(self) -> list[str]:
        """The commune's postal codes, sorted (read from a ``prefetch_related`` when there is one)."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "postal_codes" in cache:
            codes = {p.code for p in cache["postal_codes"]}
        elif self.pk is None:
            return []
        else:
            codes = set(self.postal_codes.values_list("code", flat=True))
        return sorted(codes)

    @property
    def label(self) -> str:
        """« Aubagne (13400) »: the name with its postal code(s), never the INSEE code dressed as one."""
        codes = self.postal_codes_list
        if not codes:
            return f"{self.name_with_article} (INSEE {self.insee_code})"
        if len(codes) > 3:  # Marseille has 16: the first ones, then how many
            return f"{self.name_with_article} ({codes[0]}, {codes[1]}… {len(codes)} codes postaux)"
        return f"{self.name_with_article} ({', '.join(codes)})"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class PostalCode(models.Model):
    """A postal code serving a commune (a commune may have several, and the reverse)."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_codes")

    class Meta:
        verbose_name = "code postal"
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="postalcode_unique")]

    def __str__(self) -> str:
        return self.code


class CommuneName(models.Model):
    """A former name of a commune (``COMD``: commune merged into a new one), for search."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField("ancien nom", max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        verbose_name = "ancien nom de commune"
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="communename_unique")]

    def __str__(self) -> str:
        return self.name
