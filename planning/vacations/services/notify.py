"""Notifications of the vacation planning (issue 11 §6): e-mail (Django's backend, ``EMAIL_URL``)
and SMS (``planning.vacations.sms``). Each delivery is recorded under a unique key before it is
sent, so a beat running twice (or two workers at once) sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.vacations.enums import NotificationKind, VacationState
from planning.vacations.models import NotificationDelivery, Vacation
from planning.vacations.preferences import Recipient, recipient_of
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


def site_url(path: str) -> str:
    """An absolute link for a message (the ``PLATFORM_URL`` setting, from the environment)."""
    return str(settings.PLATFORM_URL).rstrip("/") + path


def recipient_of_professional(professional_id: int) -> Recipient:
    """Where a professional's notices go: their account's e-mail and preferences; the mobile number
    of "Mes notifications", else their practice place's number when it is a mobile."""
    professional = directory.professionals_by_ids(ids=[professional_id]).get(professional_id)
    user = professional.user if professional and professional.user_id else None
    if user is None:
        return recipient_of(user=None)
    place = directory.first_place_of(professional_id=professional_id)
    return recipient_of(user=user, fallback_phone=place.phone if place else "")


def notify(*, recipient: Recipient, kind: str, key: str, subject: str, body: str, sms: str = "") -> int:
    """Send one notice of ``kind`` on each channel the recipient chose, once per ``key``."""
    sent = 0
    for channel, address in recipient.targets(kind):
        text = body if channel == "email" else (sms or body)
        sent += deliver(
            key=f"{key}:{channel}",
            channel=channel,
            recipient=address,
            subject=subject if channel == "email" else "",
            body=text,
        )
    return sent


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
            # ``[0]``: the coordinator turned reminders off (an empty list means the defaults)
            if int(hours) <= 0 or now < vacation.starts_at - timedelta(hours=int(hours)):
                continue
            text = f"Rappel : vacation « {vacation.vacation_type.name} » {_when(vacation)} ({vacation.planning.name})."
            sent += notify(
                recipient=recipient_of_professional(vacation.assignee_id),
                kind=NotificationKind.REMINDER,
                key=f"reminder:{vacation.pk}:{vacation.assignee_id}:{vacation.starts_at:%Y%m%dT%H%M}:{hours}",
                subject="Rappel de vacation",
                body=f"{text}\n\nMes vacations : {site_url(reverse('vacations-mine'))}",
                sms=text,
            )
    return sent


def change_notice(*, vacation: Vacation, professional_ids, moved: bool = False) -> int:
    """Tell everyone whose vacation moved (given, taken, swapped, cancelled, rescheduled), on the
    channels each chose for changes; once per vacation version and person."""
    sent = 0
    for pid in {p for p in professional_ids if p}:
        holder = (
            "vous"
            if vacation.assignee_id == pid and vacation.state == VacationState.ASSIGNED
            else "plus vous"
        )
        text = (
            f"Vacation « {vacation.vacation_type.name} » {_when(vacation)} : "
            f"{'annulée' if vacation.state == VacationState.CANCELLED else f'titulaire : {holder}'}."
        )
        if moved and vacation.state == VacationState.ASSIGNED:
            text = f"Votre vacation « {vacation.vacation_type.name} » est déplacée : désormais {_when(vacation)}."
        sent += notify(
            recipient=recipient_of_professional(pid),
            kind=NotificationKind.CHANGE,
            key=f"change:{vacation.pk}:{vacation.version}:{pid}",
            subject="Changement de vacation",
            body=f"{text}\n\nMes vacations : {site_url(reverse('vacations-mine'))}",
            sms=text,
        )
    return sent


def request_notice(*, request_id: int) -> int:
    """A cession or an échange addressed to a colleague: tell them there is a request to answer
    (kind "requests to answer"); once per request."""
    from planning.vacations.models import TransferRequest

    request = (
        TransferRequest.objects.select_related(
            "vacation__vacation_type", "counter_vacation", "from_professional"
        )
        .filter(pk=request_id, to_professional__isnull=False)
        .first()
    )
    if request is None:
        return 0
    vacation = request.vacation
    what = f"vous propose un échange : sa vacation « {vacation.vacation_type.name} » {_when(vacation)}"
    if request.counter_vacation_id:
        what += f" contre la vôtre {_when(request.counter_vacation)}"
    else:
        what = f"vous cède sa vacation « {vacation.vacation_type.name} » {_when(vacation)}"
    text = f"{request.from_professional} {what}. Réponse avant le {timezone.localtime(request.deadline):%d/%m/%Y %H:%M}."
    return notify(
        recipient=recipient_of_professional(request.to_professional_id),
        kind=NotificationKind.REQUEST,
        key=f"request:{request.pk}:answer:{request.to_professional_id}",
        subject="Une demande de changement vous attend",
        body=f"{text}\n\nRépondre : {site_url(reverse('vacations-mine'))}",
        sms=text,
    )


def approval_notice(*, request_id: int) -> int:
    """A request accepted on a planning that asks for approval: tell its coordinators; once each."""
    from planning.vacations.models import TransferRequest

    request = (
        TransferRequest.objects.select_related("vacation__vacation_type", "vacation__planning")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return 0
    vacation = request.vacation
    text = (
        f"{request.get_kind_display()} à valider : vacation « {vacation.vacation_type.name} » "
        f"{_when(vacation)} ({vacation.planning.name})."
    )
    link = site_url(reverse("vacations-requests", args=[vacation.planning_id]))
    sent = 0
    for user in directory.coordinator_users_of(structure_id=vacation.planning.structure_id):
        sent += notify(
            recipient=recipient_of(user=user),
            kind=NotificationKind.REQUEST,
            key=f"request:{request.pk}:approve:{user.pk}",
            subject="Une demande de changement attend votre validation",
            body=f"{text}\n\nValider : {link}",
            sms=text,
        )
    return sent
