"""Notifications of the vacation planning (issue 11 §6): e-mail (Django's backend, ``EMAIL_URL``)
and SMS (``planning.vacations.sms``). Each delivery is recorded under a unique key before it is
sent, so a beat running twice (or two workers at once) sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.vacations.enums import VacationState
from planning.vacations.models import NotificationDelivery, Vacation
from planning.vacations.sms import SmsError, sms_backend


def deliver(*, key: str, channel: str, recipient: str, subject: str, body: str) -> bool:
    """Send once per ``key``: True when sent now, False when already delivered (or no recipient)."""
    if not recipient:
        return False
    try:
        with transaction.atomic():
            delivery = NotificationDelivery.objects.create(
                key=key[:200], channel=channel, recipient=recipient, subject=subject[:200], body=body
            )
    except IntegrityError:
        return False
    try:
        if channel == "email":
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        else:
            sms_backend().send(to=recipient, text=body)
    except (SmsError, OSError) as exc:
        NotificationDelivery.objects.filter(pk=delivery.pk).update(status="failed", error=str(exc)[:300])
        return False
    return True


def _contacts(professional_id: int) -> tuple[str, str]:
    professional = directory.professionals_by_ids(ids=[professional_id]).get(professional_id)
    email = professional.user.email if professional and professional.user_id else ""
    place = directory.first_place_of(professional_id=professional_id)
    return email, (place.phone if place else "")


def _when(vacation: Vacation) -> str:
    start, end = timezone.localtime(vacation.starts_at), timezone.localtime(vacation.ends_at)
    return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"


def reminders_send(*, now=None) -> int:
    """Reminders before each assigned vacation, at each of its planning's offsets (default 48 h and
    2 h): e-mail and SMS. Periodic (every 15 minutes); idempotent."""
    now = now or timezone.now()
    sent = 0
    upcoming = Vacation.objects.filter(
        state=VacationState.ASSIGNED, starts_at__gt=now, starts_at__lte=now + timedelta(hours=72)
    ).select_related("planning", "vacation_type")
    for vacation in upcoming:
        for hours in vacation.planning.reminder_hours or [48, 2]:
            if now < vacation.starts_at - timedelta(hours=int(hours)):
                continue
            email, phone = _contacts(vacation.assignee_id)
            text = f"Rappel : vacation « {vacation.vacation_type.name} » {_when(vacation)} ({vacation.planning.name})."
            base = f"reminder:{vacation.pk}:{vacation.assignee_id}:{vacation.starts_at:%Y%m%dT%H%M}:{hours}"
            sent += deliver(
                key=f"{base}:email", channel="email", recipient=email, subject="Rappel de vacation", body=text
            )
            sent += deliver(key=f"{base}:sms", channel="sms", recipient=phone, subject="", body=text)
    return sent


def change_notice(*, vacation: Vacation, professional_ids) -> int:
    """Tell everyone whose vacation moved (given, taken, swapped, cancelled, rescheduled)."""
    sent = 0
    for pid in {p for p in professional_ids if p}:
        email, phone = _contacts(pid)
        holder = (
            "vous"
            if vacation.assignee_id == pid and vacation.state == VacationState.ASSIGNED
            else "plus vous"
        )
        text = (
            f"Vacation « {vacation.vacation_type.name} » {_when(vacation)} : "
            f"{'annulée' if vacation.state == VacationState.CANCELLED else f'titulaire : {holder}'}."
        )
        key = f"change:{vacation.pk}:{vacation.version}:{pid}"
        sent += deliver(
            key=f"{key}:email", channel="email", recipient=email, subject="Changement de vacation", body=text
        )
        sent += deliver(key=f"{key}:sms", channel="sms", recipient=phone, subject="", body=text)
    return sent
