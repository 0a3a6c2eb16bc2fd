"""PDSA calendars of a territory."""

from __future__ import annotations

import datetime as dt

from django.db import models

from regulation.policies import PdsaSchedule


class PdsaCalendar(models.Model):
    """A territory's PDSA hours (DOMAIN.md §3.4): regulatory defaults, locally editable."""

    territory = models.OneToOneField(
        "sas_platform.SasTerritory", on_delete=models.CASCADE, primary_key=True, related_name="pdsa_calendar"
    )
    day_start = models.TimeField("fin de la nuit (début des horaires SAS)", default=dt.time(8, 0))
    night_start = models.TimeField("début de la nuit (PDSA)", default=dt.time(20, 0))
    saturday_start = models.TimeField("début de la PDSA le samedi", default=dt.time(12, 0))
    bridge_days = models.JSONField(
        "jours de pont (AAAA-MM-JJ)", default=list, blank=True, help_text="Traités comme des jours fériés."
    )

    class Meta:
        verbose_name = "calendrier de PDSA"
        verbose_name_plural = "calendriers de PDSA"

    def __str__(self) -> str:
        return f"PDSA {self.territory_id}"

    def schedule(self) -> PdsaSchedule:
        from regulation.policies import ALSACE_MOSELLE

        return PdsaSchedule(
            day_start=self.day_start,
            night_start=self.night_start,
            saturday_start=self.saturday_start,
            alsace_moselle=self.territory_id in ALSACE_MOSELLE,
            bridge_days=frozenset(dt.date.fromisoformat(d) for d in self.bridge_days),
        )
