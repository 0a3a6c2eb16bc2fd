"""Bordereaux: what is paid for a kind × territory × period, line by line, down to the facts.

Once locked (exported by the CPAM), a bordereau, its lines and its exported files never change:
PostgreSQL and SQLite triggers refuse it (migration ``0003_lock_triggers``); a fact corrected
afterwards becomes an adjustment line of a later period, pointing to the line it corrects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from remuneration.enums import LOCKED_STATUSES, BordereauKind, BordereauStatus, ExportFormat
from remuneration.money import DECIMAL_PLACES, MAX_DIGITS


def _user_fk(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class Bordereau(models.Model):
    """One payment statement (DOMAIN.md §7.5 "bordereau normalisé"; issue 12).

    Workflow: draft → validated by the ARS (or sent back with a reason) → exported by the CPAM and
    locked → paid. ``fingerprint`` is the digest of the computed lines: recomputing a period whose
    facts did not change leaves the row and its lines untouched.
    """

    kind = models.CharField("type", max_length=20, choices=BordereauKind.choices)
    territory = models.ForeignKey(
        "sas_platform.SasTerritory", verbose_name="territoire SAS", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField("période", max_length=7)
    status = models.CharField(
        "état", max_length=12, choices=BordereauStatus.choices, default=BordereauStatus.DRAFT
    )
    lines_count = models.PositiveIntegerField("lignes", default=0)
    total = models.DecimalField("total (€)", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0)
    anomalies = models.JSONField("anomalies", default=list, blank=True)
    provisional = models.BooleanField("dépend d'un barème provisoire", default=False)
    fingerprint = models.CharField("empreinte des lignes", max_length=64, blank=True)
    computed_at = models.DateTimeField("calculé le", null=True, blank=True)
    computed_by = _user_fk("calculé par")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = _user_fk("validé par (ARS)")
    sent_back_at = models.DateTimeField("renvoyé le", null=True, blank=True)
    sent_back_by = _user_fk("renvoyé par (ARS)")
    sent_back_reason = models.CharField("motif du renvoi", max_length=500, blank=True)
    locked_at = models.DateTimeField("exporté et verrouillé le", null=True, blank=True)
    locked_by = _user_fk("verrouillé par (CPAM)")
    paid_at = models.DateTimeField("payé le", null=True, blank=True)
    paid_by = _user_fk("paiement enregistré par (CPAM)")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "bordereau"
        verbose_name_plural = "bordereaux"
        ordering = ["-period", "kind", "territory_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "territory", "period"], name="bordereau_kind_territory_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.territory_id} – {self.period}"

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES


class BordereauLine(models.Model):
    """One payee's amount on a bordereau, with the facts behind it (ids and details).

    ``fact_key`` names what the line pays (``shift:<lineage>``, ``snp:<rpps>:<week>`` ...), so a
    later correction finds the line it adjusts (``corrects``).
    """

    bordereau = models.ForeignKey(Bordereau, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField("rang")
    identifier_type = models.CharField("type d'identifiant", max_length=10)
    identifier = models.CharField("identifiant (RPPS, FINESS, SIRET)", max_length=20, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    label = models.CharField("objet", max_length=255)
    fact_date = models.DateField("date", null=True, blank=True)
    quantity = models.DecimalField("quantité", max_digits=12, decimal_places=2)
    unit = models.CharField("unité", max_length=20)
    unit_amount = models.DecimalField(
        "montant unitaire (€)", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES
    )
    amount = models.DecimalField("montant (€)", max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    provisional = models.BooleanField("barème provisoire", default=False)
    fact_key = models.CharField("clé du fait", max_length=80, db_index=True)
    facts = models.JSONField("faits", default=list, blank=True)
    why = models.JSONField("explication", default=dict, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name="régularise la ligne",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
    )

    class Meta:
        verbose_name = "ligne de bordereau"
        verbose_name_plural = "lignes de bordereau"
        ordering = ["bordereau_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bordereau", "position"], name="bordereau_line_position"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.label} {self.amount} €"

    @property
    def is_adjustment(self) -> bool:
        return self.corrects_id is not None


class BordereauExport(models.Model):
    """A file exported when the bordereau was locked: served byte for byte on every download."""

    bordereau = models.ForeignKey(Bordereau, on_delete=models.PROTECT, related_name="exports")
    format = models.CharField("format", max_length=5, choices=ExportFormat.choices)
    filename = models.CharField("nom du fichier", max_length=150)
    content = models.BinaryField("contenu")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "export de bordereau"
        verbose_name_plural = "exports de bordereaux"
        constraints = [
            models.UniqueConstraint(fields=["bordereau", "format"], name="bordereau_export_format"),
        ]

    def __str__(self) -> str:
        return self.filename
