"""ICS feeds of the vacation planning (issue 11 §7; ``icalendar``): per professional (their
assigned vacations, all plannings) and per planning (every vacation), at a secret, revocable token
URL. Built at each request from the current assignments, so a change shows at the next refresh."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from planning.vacations.enums import VacationState
from planning.vacations.events import VacationAudit
from planning.vacations.models import CalendarToken, Vacation
from sas_platform.events import audit_event_write

PAST_DAYS, FUTURE_DAYS = 60, 180


def token_find(*, token: str) -> CalendarToken | None:
    """The live token (None when unknown or revoked: the feed answers 404 at once)."""
    if not token or len(token) > 64:
        return None
    return CalendarToken.objects.filter(token=token, revoked_at__isnull=True).first()


@transaction.atomic
def token_renew(
    *, actor, professional_id: int | None = None, planning_id: int | None = None
) -> CalendarToken:
    """Revoke the current token of this feed (if any) and issue a new one."""
    CalendarToken.objects.filter(
        professional_id=professional_id, planning_id=planning_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = CalendarToken.objects.create(professional_id=professional_id, planning_id=planning_id)
    audit_event_write(
        event_type=VacationAudit.TOKEN_CHANGED, actor=actor, obj=token, params={"action": "renew"}
    )
    return token


@transaction.atomic
def token_revoke(*, actor, token: CalendarToken) -> None:
    CalendarToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_event_write(
        event_type=VacationAudit.TOKEN_CHANGED, actor=actor, obj=token, params={"action": "revoke"}
    )


def current_token(
    *, professional_id: int | None = None, planning_id: int | None = None
) -> CalendarToken | None:
    return CalendarToken.objects.filter(
        professional_id=professional_id, planning_id=planning_id, revoked_at__isnull=True
    ).first()


def feed(token: CalendarToken) -> bytes:
    now = timezone.now()
    qs = Vacation.objects.filter(
        starts_at__gte=now - timedelta(days=PAST_DAYS), starts_at__lt=now + timedelta(days=FUTURE_DAYS)
    ).select_related("vacation_type", "planning", "assignee", "group")
    if token.professional_id:
        qs = qs.filter(
            assignee_id=token.professional_id, state__in=[VacationState.ASSIGNED, VacationState.DONE]
        )
        name = "Mes vacations"
    else:
        qs = qs.filter(planning_id=token.planning_id)
        name = token.planning.name if token.planning_id else "Vacations"
    calendar = Calendar()
    calendar.add("prodid", "-//Plateforme SAS & CPTS//Vacations//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for vacation in qs.order_by("starts_at"):
        event = Event()
        event.add("uid", f"vacation-{vacation.pk}@sas-cpts")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", vacation.starts_at.astimezone(UTC))
        event.add("dtend", vacation.ends_at.astimezone(UTC))
        event.add("sequence", vacation.version)
        who = f" — {vacation.assignee}" if token.planning_id and vacation.assignee_id else ""
        event.add("summary", f"{vacation.vacation_type.name}{who}")
        event.add("description", f"{vacation.planning.name} · {vacation.get_state_display()}")
        event.add("status", "CANCELLED" if vacation.state == VacationState.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
