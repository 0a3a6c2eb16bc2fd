"""Surnuméraire requests (DOMAIN.md §3.1 step 3; seed 004)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from regulation.enums import (
    RequestChannel,
    RequestStatus,
)
from regulation.models.dossiers import Dossier


class SurnumeraireRequest(models.Model):
    """A request to take the patient on top of the agenda (DOMAIN.md §3.1 step 3; seed 004):
    to a doctor directly, or to the structure the doctor participates through."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="surnumeraire_requests")
    professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    structure = models.ForeignKey(
        "cpts.Structure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField("canal", max_length=10, choices=RequestChannel.choices)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField("demandée le", default=timezone.now, db_index=True)
    status = models.CharField(
        "statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING, db_index=True
    )
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepting_doctor_name = models.CharField("médecin qui prend le patient", max_length=150, blank=True)
    accepting_professional = models.ForeignKey(
        "cpts.Professional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appointment_at = models.DateTimeField("heure du rendez-vous", null=True, blank=True)
    answer_notes = models.CharField("précisions", max_length=255, blank=True)
    reminded_at = models.DateTimeField("relancée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande en surnuméraire"
        verbose_name_plural = "demandes en surnuméraire"
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(professional__isnull=False, structure__isnull=True)
                | Q(professional__isnull=True, structure__isnull=False),
                name="surnumeraire_target_is_doctor_or_structure",
            ),
        ]

    def __str__(self) -> str:
        return f"Demande {self.pk} – {self.target_label}"

    @property
    def target_label(self) -> str:
        return str(self.professional or self.structure)

    @property
    def answer_seconds(self) -> int | None:
        if self.answered_at is None:
            return None
        return int((self.answered_at - self.asked_at).total_seconds())
