"""Models of the vacation planning, second part: ICS tokens, the SAS slots a vacation owns,
auto-fill proposals and notification deliveries (split from ``models.py`` by size)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from planning.vacations.models import PROFESSIONAL, Vacation, VacationPlanning


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """A secret, revocable ICS feed URL of a professional or of a planning."""

    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    professional = models.ForeignKey(
        PROFESSIONAL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    planning = models.ForeignKey(
        VacationPlanning, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "jeton de calendrier"
        constraints = [
            models.CheckConstraint(
                condition=Q(professional__isnull=False) | Q(planning__isnull=False),
                name="calendar_token_owner",
            )
        ]

    def __str__(self) -> str:
        return f"Jeton ICS #{self.pk}"


class VacationSlot(models.Model):
    """The platform-owned SAS slots an assigned vacation publishes (DOMAIN.md §3.3: "Slots the
    platform owns (declared availability, CPTS vacations)"): one row per slot of the Slot table."""

    vacation = models.ForeignKey(Vacation, on_delete=models.CASCADE, related_name="slot_links")
    slot = models.OneToOneField("planning.Slot", on_delete=models.CASCADE, related_name="vacation_link")

    class Meta:
        verbose_name = "créneau SAS d'une vacation"

    def __str__(self) -> str:
        return f"{self.vacation_id} → {self.slot_id}"


class AutofillProposal(models.Model):
    """A fair auto-fill proposal shown as a diff to the coordinator (accept, amend, reject)."""

    planning = models.ForeignKey(VacationPlanning, on_delete=models.CASCADE, related_name="proposals")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(
        max_length=10,
        choices=[("pending", "À examiner"), ("applied", "Appliquée"), ("rejected", "Rejetée")],
        default="pending",
    )
    items = models.JSONField("attributions proposées", default=list)
    unfilled = models.JSONField("vacations non pourvues et raisons", default=list)
    figures = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "proposition de remplissage"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Proposition #{self.pk}"


class NotificationDelivery(models.Model):
    """One delivery (e-mail or SMS) of a vacation notice; ``key`` makes a second beat send nothing."""

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=5, choices=[("email", "Courriel"), ("sms", "SMS")])
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, default="sent")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "envoi de notification"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
