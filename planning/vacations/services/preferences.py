"""Saving "Mes notifications" (issue 11 §6 "per-user preferences"): per kind of message, e-mail
and/or SMS or nothing, and the mobile number SMS go to."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from planning.vacations.enums import NotificationKind
from planning.vacations.events import VacationAudit
from planning.vacations.models_notify import NotificationPreference
from planning.vacations.preferences import EMAIL, SMS, is_mobile, normalise_phone
from sas_platform.events import audit_event_write
from sas_platform.exceptions import ApplicationError

#: Reminders and follow-ups are set in hours before the vacation, up to two weeks.
MAX_NOTICE_HOURS = 336


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


def parse_hours(raw: str, *, label: str) -> list[int]:
    """``"48, 2"`` → ``[48, 2]`` (distinct, largest first); a French message names the bad value."""
    values = []
    for part in (raw or "").replace(";", ",").split(","):
        part = part.strip().removesuffix("h").strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= MAX_NOTICE_HOURS:
            raise ApplicationError(
                f"{label} : « {part} » n'est pas un nombre d'heures entre 1 et {MAX_NOTICE_HOURS}.",
                code="invalid",
            )
        values.append(int(part))
    return sorted(set(values), reverse=True)


@transaction.atomic
def planning_notifications_set(*, planning, actor, reminder_hours: list[int], followup_hours: list[int]):
    """The planning's reminders before each vacation and follow-ups on untaken offers (hours
    before the start; issue 11 §6 "per planning"). An empty list: none of that kind."""
    for label, values in (("Rappels", reminder_hours), ("Relances", followup_hours)):
        if any(not 1 <= int(h) <= MAX_NOTICE_HOURS for h in values):
            raise ApplicationError(f"{label} : entre 1 et {MAX_NOTICE_HOURS} heures.", code="invalid")
    before = {"reminders": planning.reminder_hours, "followups": planning.followup_hours}
    planning.reminder_hours = sorted(set(reminder_hours), reverse=True) or [0]
    planning.followup_hours = sorted(set(followup_hours), reverse=True) or [0]
    planning.save(update_fields=["reminder_hours", "followup_hours"])
    audit_event_write(
        event_type=VacationAudit.NOTIFICATIONS_SET,
        actor=actor,
        obj=planning,
        params={"before": before, "reminders": reminder_hours, "followups": followup_hours},
    )
    return planning
