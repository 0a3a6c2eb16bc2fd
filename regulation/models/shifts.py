"""Regulators' on-duty hours (DOMAIN.md §7.5)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from regulation.enums import (
    ShiftOrigin,
)


class RegulatorShift(models.Model):
    """One version of a regulator's on-duty period (DOMAIN.md §7.5).

    A régulateur starts and ends a shift on the desk, or a SAS administrator enters the month's
    schedule. A correction never changes a row: it writes a new version (same ``lineage``,
    ``version`` + 1, ``supersedes`` the old one) and marks the old one not current, with an
    audit event; cancelling is a version with ``cancelled``. Minutes are split into SAS and PDSA
    hours by the territory's PDSA calendar when the shift is closed.
    """

    lineage = models.UUIDField("garde", default=uuid.uuid4, db_index=True)
    version = models.PositiveSmallIntegerField("version", default=1)
    is_current = models.BooleanField("version en vigueur", default=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    territory = models.ForeignKey(
        "sas_platform.SasTerritory", verbose_name="territoire SAS", on_delete=models.PROTECT, related_name="+"
    )
    regulator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="régulateur", on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin", null=True, blank=True)
    sas_minutes = models.PositiveIntegerField("minutes SAS (hors PDSA)", default=0)
    pdsa_minutes = models.PositiveIntegerField("minutes en horaires de PDSA", default=0)
    origin = models.CharField("saisie", max_length=10, choices=ShiftOrigin.choices)
    cancelled = models.BooleanField("annulée", default=False)
    reason = models.CharField("motif de la correction", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="saisi par", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("saisi le", default=timezone.now)

    class Meta:
        verbose_name = "garde de régulateur"
        verbose_name_plural = "gardes de régulateurs"
        ordering = ["start", "id"]
        indexes = [
            models.Index(
                fields=["territory", "start"], name="shift_territory_start_idx", condition=Q(is_current=True)
            ),
            models.Index(
                fields=["regulator", "start"], name="shift_regulator_start_idx", condition=Q(is_current=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="shift_lineage_version_unique"),
            models.UniqueConstraint(
                fields=["lineage"], condition=Q(is_current=True), name="shift_one_current_version"
            ),
            models.UniqueConstraint(
                fields=["regulator"],
                condition=Q(is_current=True, end__isnull=True, cancelled=False),
                name="shift_one_open_per_regulator",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="shift_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Garde {self.regulator} {timezone.localtime(self.start):%d/%m %H:%M} (v{self.version})"

    @property
    def is_open(self) -> bool:
        return self.end is None and not self.cancelled

    @property
    def total_minutes(self) -> int:
        return self.sas_minutes + self.pdsa_minutes
