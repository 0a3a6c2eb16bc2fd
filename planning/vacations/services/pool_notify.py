"""Pool offers by message (issue 11 §6): a daily digest to each eligible member, and follow-ups on
offers nobody took (to the eligible members, and a notice to the planning's coordinators).

Both honour each user's preferences ("Mes notifications") and record every delivery under a key
(``NotificationDelivery``): a beat running twice the same day, or twice past the same follow-up
threshold, sends nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from cpts.selectors import vacations as directory
from planning.vacations.enums import NotificationKind
from planning.vacations.models import Vacation
from planning.vacations.offers import Offer, current_offers, eligible_ids
from planning.vacations.preferences import preferences_by_user, recipient_of
from planning.vacations.services.notify import notify, site_url

#: Follow-ups before a vacation nobody took, when the planning sets none (hours).
DEFAULT_FOLLOWUP_HOURS = (48, 24)


def _label(vacation: Vacation) -> str:
    start, end = timezone.localtime(vacation.starts_at), timezone.localtime(vacation.ends_at)
    return (
        f"« {vacation.vacation_type.name} » le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M} "
        f"({vacation.planning.name}{f', {vacation.group.name}' if vacation.group_id else ''})"
    )


def _recipients(professional_ids) -> dict:
    """``{professional_id: Recipient}`` with saved preferences read in one query."""
    professionals = directory.professionals_by_ids(ids=professional_ids)
    preferences = preferences_by_user(user_ids=[p.user_id for p in professionals.values() if p.user_id])
    found = {}
    for pid, professional in professionals.items():
        if not professional.user_id:
            continue
        place = directory.first_place_of(professional_id=pid)
        found[pid] = recipient_of(
            user=professional.user,
            fallback_phone=place.phone if place else "",
            preference=preferences.get(professional.user_id),
        )
    return found


def pool_digest_send(*, now: datetime | None = None) -> int:
    """Once a day: each member who wants it gets ONE message listing the offers they could take
    (pool and self-assignment), with links; nothing when there is none. Key: the day and person."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    by_person: dict[int, list[Offer]] = defaultdict(list)
    for offer in current_offers(now=now):
        for pid in eligible_ids(offer=offer):
            by_person[pid].append(offer)
    pool_link = site_url(reverse("vacations-pool"))
    sent = 0
    for pid, recipient in _recipients(list(by_person)).items():
        offers = by_person[pid]
        lines = [
            f"- {_label(o.vacation)}{' (pot commun)' if o.request else ''} : "
            f"{site_url(reverse('vacations-vacation', args=[o.vacation.pk]))}"
            for o in offers
        ]
        count = len(offers)
        plural = "s" if count > 1 else ""
        sent += notify(
            recipient=recipient,
            kind=NotificationKind.POOL_DIGEST,
            key=f"pool-digest:{day:%Y-%m-%d}:{pid}",
            subject=f"Pot commun : {count} vacation{plural} que vous pouvez prendre",
            body=(
                f"Bonjour,\n\n{count} vacation{plural} libre{plural} que vous pouvez prendre :\n"
                + "\n".join(lines)
                + f"\n\nLa première demande valide l'emporte : {pool_link}\n\n"
                "Pour ne plus recevoir ce résumé : « Mes notifications »."
            ),
            sms=f"Pot commun : {count} vacation{plural} à prendre. {pool_link}",
        )
    return sent


def due_threshold(*, offer: Offer, now: datetime) -> int | None:
    """The follow-up threshold (hours before the start) reached last, or None. A vacation
    released 20 h before its start gets the 24 h follow-up only, not the 48 h one as well. A
    threshold falling after the last moment the offer can be taken (a pool request's deadline:
    the planning's change delay) is brought forward to one hour before that moment, so that the
    "24 h" follow-up of a planning closing changes 24 h ahead still reaches people in time."""
    vacation = offer.vacation
    close = offer.request.deadline if offer.request is not None else vacation.starts_at
    # ``[0]``: the coordinator turned follow-ups off (an empty list means the defaults)
    hours = [int(h) for h in (vacation.planning.followup_hours or DEFAULT_FOLLOWUP_HOURS) if int(h) > 0]
    reached = [
        h
        for h in hours
        if min(vacation.starts_at - timedelta(hours=h), close - timedelta(hours=1)) <= now < close
    ]
    return min(reached) if reached else None


def followups_send(*, now: datetime | None = None) -> int:
    """Offers still untaken at one of their planning's thresholds (default 48 h and 24 h before
    the start): a follow-up to each eligible member, a notice to each coordinator. Periodic;
    idempotent (key: the offer, the threshold and the person)."""
    now = now or timezone.now()
    sent = 0
    for offer in current_offers(now=now):
        vacation = offer.vacation
        hours = due_threshold(offer=offer, now=now)
        if hours is None:
            continue
        eligible = eligible_ids(offer=offer)
        link = site_url(reverse("vacations-vacation", args=[vacation.pk]))
        text = f"Toujours libre : vacation {_label(vacation)}. Vous pouvez la prendre : {link}"
        for pid, recipient in _recipients(list(eligible)).items():
            sent += notify(
                recipient=recipient,
                kind=NotificationKind.FOLLOW_UP,
                key=f"followup:{offer.ref}:{hours}:{pid}",
                subject="Relance : une vacation attend preneur",
                body=text,
            )
        notice = (
            f"Personne n'a encore pris la vacation {_label(vacation)} ({hours} h avant) ; "
            f"{len(eligible)} professionnel{'s' if len(eligible) > 1 else ''} éligible"
            f"{'s' if len(eligible) > 1 else ''} relancé{'s' if len(eligible) > 1 else ''}. {link}"
        )
        for user in directory.coordinator_users_of(structure_id=vacation.planning.structure_id):
            sent += notify(
                recipient=recipient_of(user=user),
                kind=NotificationKind.FOLLOW_UP,
                key=f"followup-coord:{offer.ref}:{hours}:{user.pk}",
                subject="Vacation toujours libre",
                body=notice,
            )
    return sent
