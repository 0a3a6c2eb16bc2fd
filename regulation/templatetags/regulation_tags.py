"""Small display helpers of the desk."""

from django import template

register = template.Library()

_PRIORITY_BADGE = {
    "P0": "fr-badge--error",
    "P1": "fr-badge--warning",
    "P2": "fr-badge--info",
    "NR": "fr-badge--new",
}


@register.filter
def waiting(seconds) -> str:
    """``75`` → ``1 min 15 s``; ``3720`` → ``1 h 02``."""
    seconds = int(seconds or 0)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {(seconds % 3600) // 60:02d}"


@register.filter
def priority_badge(priority: str) -> str:
    return _PRIORITY_BADGE.get(priority, "")


@register.filter
def freshness(seconds) -> str:
    if seconds is None:
        return "fraîcheur inconnue"
    return f"mis à jour il y a {waiting(seconds)}"


@register.filter
def hours(minutes) -> str:
    """``150`` → ``2 h 30``; ``0`` → ``0 h``."""
    minutes = int(minutes or 0)
    return f"{minutes // 60} h {minutes % 60:02d}" if minutes % 60 else f"{minutes // 60} h"


@register.filter
def moment(value) -> str:
    """« mar. 10/03 16:00 » within this week and the next; otherwise with the year, « 01/01/2020
    10:00 », so a date far off (a typo, an old record) is never mistaken for a near one (issue 9)."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    if not value:
        return ""
    local = timezone.localtime(value)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    if monday <= local.date() < monday + dt.timedelta(days=14):
        return date_format(local, "D d/m H:i")
    return date_format(local, "d/m/Y H:i")
