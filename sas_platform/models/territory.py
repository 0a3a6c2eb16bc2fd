"""SAS territories: a SAS covers one département (DOMAIN.md §1; seed 004: SAS 13)."""

from django.db import models

from sas_platform.models.geography import Departement


class SasTerritory(models.Model):
    """A département where a SAS runs, and since when (no SAS pay before: DOMAIN.md §4)."""

    departement = models.OneToOneField(
        Departement, on_delete=models.PROTECT, primary_key=True, related_name="sas_territory"
    )
    name = models.CharField("nom", max_length=150)
    opened_on = models.DateField("date d'ouverture du SAS", null=True, blank=True)
    phone = models.CharField("téléphone de la plateforme", max_length=20, blank=True)

    class Meta:
        verbose_name = "territoire SAS"
        verbose_name_plural = "territoires SAS"
        ordering = ["departement_id"]

    def __str__(self) -> str:
        return self.name
