"""The audit trail: what happened (events) and who read patient data (accesses).

Both tables are append-only: rows are written by :mod:`sas_platform.events` inside the
service's transaction and never updated or deleted by code or admin (DOMAIN.md §8). On
PostgreSQL a trigger also refuses UPDATE and DELETE (migration ``0002``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Le journal d'audit est en ajout seul : aucune modification.")

    def delete(self):
        raise AppendOnlyError("Le journal d'audit est en ajout seul : aucune suppression.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Le journal d'audit est en ajout seul : aucune modification.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Le journal d'audit est en ajout seul : aucune modification.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Le journal d'audit est en ajout seul : aucune suppression.")


class AuditEvent(AppendOnlyModel):
    """One thing that happened: actor, time, type, object, parameters."""

    occurred_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="acteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("acteur (libellé)", max_length=255, blank=True)
    event_type = models.CharField("type", max_length=80, db_index=True)
    object_type = models.CharField("type d'objet", max_length=100, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    object_repr = models.CharField("objet", max_length=255, blank=True)
    params = models.JSONField("paramètres", default=dict, blank=True)

    class Meta:
        verbose_name = "événement d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.event_type} {self.object_repr}"


class PatientDataAccess(AppendOnlyModel):
    """One read of patient data by a user (who, when, what, why)."""

    accessed_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="lecteur", on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField("type d'objet", max_length=100)
    object_id = models.CharField("identifiant de l'objet", max_length=64)
    purpose = models.CharField("motif", max_length=20)
    path = models.CharField("adresse consultée", max_length=500, blank=True)

    class Meta:
        verbose_name = "accès à des données patient"
        verbose_name_plural = "accès aux données patient"
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "accessed_at"])]

    def __str__(self) -> str:
        return f"{self.accessed_at:%Y-%m-%d %H:%M} {self.actor_id} {self.object_type}#{self.object_id}"
