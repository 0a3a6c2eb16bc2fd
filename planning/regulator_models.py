"""Regulator accounts at the agenda editors (flow INT_R02, sas-ig
``specifications_techniques-tous-gestion_regulateur.md``): what was sent, what was answered.

Imported by :mod:`planning.models` (Django finds models there).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RegulatorAccountStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    OK = "ok", "Accepté par l'éditeur"
    FAILED = "failed", "Refusé ou injoignable"


class RegulatorAccount(models.Model):
    """One SAS regulator's (or OSNP's) account at one editor: the state the editor last acknowledged."""

    source = models.ForeignKey(
        "planning.AgendaSource",
        on_delete=models.CASCADE,
        related_name="regulator_accounts",
        verbose_name="source",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="utilisateur"
    )
    identifier_system = models.CharField("système de l'identifiant acquitté", max_length=100, blank=True)
    identifier_value = models.CharField("identifiant acquitté", max_length=64, blank=True)
    active = models.BooleanField("habilitation acquittée", default=False)
    payload_hash = models.CharField(max_length=64, blank=True, editable=False)
    acknowledged_at = models.DateTimeField("dernier acquittement", null=True, blank=True)
    editor_location = models.CharField("ressource chez l'éditeur", max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=RegulatorAccountStatus.choices, default=RegulatorAccountStatus.PENDING
    )
    last_error = models.TextField("dernière erreur", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "compte régulateur chez un éditeur"
        verbose_name_plural = "comptes régulateurs chez les éditeurs"
        constraints = [models.UniqueConstraint(fields=["source", "user"], name="regulator_account_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.source}"


class RegulatorAccountExchange(models.Model):
    """One request to an editor and its answer (status, body excerpt), kept for support."""

    account = models.ForeignKey(RegulatorAccount, on_delete=models.CASCADE, related_name="exchanges")
    method = models.CharField(max_length=6)
    url = models.CharField(max_length=500)
    request_body = models.JSONField("Practitioner envoyé")
    status_code = models.PositiveSmallIntegerField("statut HTTP", null=True, blank=True)
    response_body = models.TextField("réponse (extrait)", blank=True)
    error = models.CharField("erreur", max_length=300, blank=True)
    attempt = models.PositiveSmallIntegerField("tentative", default=1)
    reason = models.CharField("déclencheur", max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "échange de compte régulateur"
        verbose_name_plural = "échanges de comptes régulateurs"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.url} → {self.status_code or self.error}"
