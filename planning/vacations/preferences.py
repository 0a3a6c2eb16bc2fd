"""Who receives a vacation notice, and how (issue 11 §6 "per-user preferences").

Each user chooses, per kind of message (:class:`NotificationKind`), e-mail and/or SMS or nothing,
on "Mes notifications". Without a saved choice the defaults are: e-mail for every kind; SMS too
for reminders and for changes of one's vacations when a mobile number is known (the one given on
the page, else the professional's practice place number when it is a mobile). An SMS chosen
without a mobile number is refused by the page, and never sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planning.vacations.enums import NotificationChannel, NotificationKind
from planning.vacations.models_notify import NotificationPreference

EMAIL, SMS = NotificationChannel.EMAIL.value, NotificationChannel.SMS.value
#: Kinds with an SMS by default when a mobile number is known (they are urgent and short).
SMS_BY_DEFAULT = {NotificationKind.REMINDER.value, NotificationKind.CHANGE.value}
_MOBILE = re.compile(r"^(?:\+33|0033|0)[67]\d{8}$")


def normalise_phone(raw: str) -> str:
    """Spaces, dots and dashes removed: ``06 12 34 56 78`` → ``0612345678``."""
    return re.sub(r"[\s.\-()]", "", raw or "")


def is_mobile(raw: str) -> bool:
    """A French mobile number (06, 07; national or +33 form)."""
    return bool(_MOBILE.match(normalise_phone(raw)))


def default_channels(*, mobile_known: bool) -> dict[str, list[str]]:
    """E-mail for every kind; SMS as well for reminders and changes when a mobile is known."""
    return {
        kind.value: [EMAIL, SMS] if (mobile_known and kind.value in SMS_BY_DEFAULT) else [EMAIL]
        for kind in NotificationKind
    }


def effective_channels(*, stored: dict | None, mobile: str) -> dict[str, list[str]]:
    """The channels used per kind: the saved choice (or the defaults), SMS dropped without a
    mobile number, unknown channels ignored."""
    defaults = default_channels(mobile_known=bool(mobile))
    result = {}
    for kind, fallback in defaults.items():
        chosen = (stored or {}).get(kind, fallback) if stored is not None else fallback
        result[kind] = [c for c in (EMAIL, SMS) if c in chosen and (c != SMS or mobile)]
    return result


@dataclass(frozen=True)
class Recipient:
    """Where one user's notices go: an address per channel, the channels per kind."""

    user_id: int | None
    email: str
    mobile: str
    channels: dict

    def targets(self, kind: str) -> list[tuple[str, str]]:
        """``[(channel, address)]`` for one kind of message (empty: nothing to send)."""
        address = {EMAIL: self.email, SMS: self.mobile}
        return [(c, address[c]) for c in self.channels.get(kind, []) if address[c]]


def mobile_of(*, preference: NotificationPreference | None, fallback_phone: str = "") -> str:
    """The number SMS go to: the one saved on "Mes notifications", else a mobile fallback."""
    if preference is not None and preference.mobile_phone:
        return normalise_phone(preference.mobile_phone)
    return normalise_phone(fallback_phone) if is_mobile(fallback_phone) else ""


def recipient_of(*, user, fallback_phone: str = "", preference=None) -> Recipient:
    """The recipient for a user (``None``: a professional without an account gets nothing)."""
    if user is None:
        return Recipient(None, "", "", {})
    if preference is None:
        preference = NotificationPreference.objects.filter(user_id=user.pk).first()
    mobile = mobile_of(preference=preference, fallback_phone=fallback_phone)
    stored = preference.channels if preference is not None else None
    return Recipient(user.pk, user.email or "", mobile, effective_channels(stored=stored, mobile=mobile))


def preferences_by_user(*, user_ids) -> dict[int, NotificationPreference]:
    """Saved preferences of many users in one query (the daily digest)."""
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=list(user_ids))}
