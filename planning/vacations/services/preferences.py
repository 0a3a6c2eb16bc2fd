"""Saving "Mes notifications" (issue 11 §6 "per-user preferences"): per kind of message, e-mail
and/or SMS or nothing, and the mobile number SMS go to."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from planning.vacations.enums import NotificationKind
from planning.vacations.models_notify import NotificationPreference
from planning.vacations.preferences import EMAIL, SMS, is_mobile, normalise_phone
from sas_platform.exceptions import ApplicationError


def preference_problems(*, mobile_phone: str, channels: dict) -> list[str]:
    """French messages for a choice that cannot be saved (empty: it can)."""
    problems = []
    mobile = normalise_phone(mobile_phone)
    if mobile and not is_mobile(mobile):
        problems.append("Numéro de mobile invalide : 06 ou 07 suivi de 8 chiffres (ou +33 6…, +33 7…).")
    if not mobile:
        with_sms = [NotificationKind(k).label for k, chosen in channels.items() if SMS in chosen]
        if with_sms:
            problems.append(
                "Vous avez choisi le SMS pour « "
                + " », « ".join(with_sms)
                + " » : indiquez un numéro de mobile, ou décochez le SMS."
            )
    return problems


@transaction.atomic
def notification_preferences_save(*, user, mobile_phone: str, channels: dict) -> NotificationPreference:
    """Save the user's choice (every kind stored, so later defaults never change it silently)."""
    unknown = set(channels) - set(NotificationKind.values)
    if unknown:
        raise ApplicationError("Type de message inconnu.", code="invalid")
    problems = preference_problems(mobile_phone=mobile_phone, channels=channels)
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid", extra={"problems": problems})
    stored = {
        kind: [c for c in (EMAIL, SMS) if c in channels.get(kind, [])] for kind in NotificationKind.values
    }
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    preference.mobile_phone = normalise_phone(mobile_phone)
    preference.channels = stored
    preference.updated_at = timezone.now()
    preference.save()
    return preference
