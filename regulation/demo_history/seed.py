"""The entry point of the demo history: three weeks of dossiers, their pay facts and shifts."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from regulation import policies
from regulation.demo_history._common import DAYS, HOURLY, STORIES, Walk
from regulation.demo_history.dossiers import walk_story
from regulation.demo_history.shifts import shifts_write
from regulation.enums import (
    AppointmentStatus,
)
from regulation.models import ActFact, Booking, Dossier, SurnumeraireRequest
from regulation.selectors import pdsa_schedule_for
from regulation.services.facts import act_fact_build
from sas_platform.models import AuditEvent, Commune


def seed_history(rng: random.Random, *, arm, regulateur, osnp, supervisor, communes: list[Commune]) -> dict:
    """Write the past three weeks (idempotent: the caller checks nothing past exists yet)."""
    from cpts import selectors as cpts_selectors

    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    schedule = pdsa_schedule_for(territory_code="13")
    doctors = list(cpts_selectors.professionals_practising_in(departement_code="13").order_by("pk")[:40])
    surnum_doctors = (
        list(cpts_selectors.professionals_declared_open(accepts_surnumeraire=True).order_by("pk")[:10])
        or doctors[:5]
    )
    structures = list(cpts_selectors.structures_with_participants().order_by("pk")[:5]) or list(
        cpts_selectors.structures_in(departement_code="13").order_by("pk")[:3]
    )
    walks: list[Walk] = []
    stories = list(STORIES)
    weights = list(STORIES.values())
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        calls = rng.randint(10, 16) if day.weekday() < 5 else rng.randint(14, 20)
        for _ in range(calls):
            hour = rng.choices(range(24), weights=HOURLY)[0]
            picked = dt.datetime.combine(
                day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59)), tzinfo=tz
            )
            story = rng.choices(stories, weights=weights)[0]
            if story == "pdsa" and not policies.is_pdsa_time(picked, schedule):
                story = "advice"
            if story in ("slot", "unknown") and not doctors:
                story = "advice"
            if story == "surnumeraire" and not (surnum_doctors or structures):
                story = "advice"
            walks.append(
                walk_story(
                    rng,
                    story,
                    picked,
                    commune=rng.choice(communes),
                    arm=arm,
                    regulateur=regulateur,
                    osnp=osnp,
                    doctors=doctors,
                    surnum_doctors=surnum_doctors,
                    structures=structures,
                    schedule=schedule,
                )
            )
    Dossier.objects.bulk_create([w.dossier for w in walks], batch_size=500)
    bookings, requests, events, facts = [], [], [], []
    for walk in walks:
        for booking in getattr(walk, "bookings", []):
            booking.dossier = walk.dossier
            bookings.append(booking)
        for request in getattr(walk, "requests", []):
            request.dossier = walk.dossier
            requests.append(request)
    Booking.objects.bulk_create(bookings, batch_size=500)
    SurnumeraireRequest.objects.bulk_create(requests, batch_size=500)
    for walk in walks:
        for booking in getattr(walk, "bookings", []):
            if booking.status in (
                AppointmentStatus.FULFILLED,
                AppointmentStatus.NOSHOW,
                AppointmentStatus.CANCELLED,
            ):
                facts.append(
                    act_fact_build(
                        walk.dossier,
                        booking,
                        outcome_at=booking.outcome_at,
                        recorded_at=booking.outcome_at,
                        schedule=schedule,
                    )
                )
        reference = walk.dossier.reference
        for at, event_type, actor, params in sorted(walk.events, key=lambda e: e[0]):
            if "booking" in params:
                params["booking"] = walk.bookings[0].pk  # type: ignore[attr-defined]
            if "request" in params:
                params["request"] = walk.requests[params["request"]].pk  # type: ignore[attr-defined]
            events.append(
                AuditEvent(
                    occurred_at=at,
                    event_type=event_type,
                    actor=actor,
                    actor_label=actor.email if actor else "système",
                    object_type=Dossier._meta.label_lower,
                    object_id=str(walk.dossier.pk),
                    object_repr=reference,
                    params=params,
                )
            )
    ActFact.objects.bulk_create(facts, batch_size=500)
    shifts = shifts_write(rng, today, regulateur, supervisor, schedule)
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return {
        "past_dossiers": len(walks),
        "past_bookings": len(bookings),
        "past_requests": len(requests),
        "act_facts": len(facts),
        "shifts": shifts,
    }
