"""Per-user notification preferences of the vacation planning (issue 11 §6 "per-user
preferences"): for each kind of message, the channels chosen (e-mail, SMS, both or none) and the
mobile number SMS go to. No row: the defaults of ``planning.vacations.preferences`` apply."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationPreference(models.Model):
    """One row per user who saved "Mes notifications"; ``channels`` maps a
    :class:`~planning.vacations.enums.NotificationKind` value to a list of channels
    (``"email"``, ``"sms"``; an empty list: nothing for that kind)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mobile_phone = models.CharField("téléphone mobile (SMS)", max_length=20, blank=True)
    channels = models.JSONField("canaux par type de message", default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "préférences de notification (vacations)"
        verbose_name_plural = "préférences de notification (vacations)"

    def __str__(self) -> str:
        return f"Notifications de {self.user_id}"
