"""The demo régulateur's past shifts."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from regulation import policies
from regulation.demo_history._common import DAYS
from regulation.enums import (
    ShiftOrigin,
)
from regulation.events import RegulationEvent
from regulation.models import RegulatorShift
from sas_platform.models import AuditEvent


def shifts_write(rng: random.Random, today: dt.date, regulateur, supervisor, schedule) -> int:
    """The demo régulateur's past shifts (weekday mornings and evenings, Saturday mornings), one of
    them corrected (two versions) so the history shows."""
    tz = timezone.get_default_timezone()
    rows: list[RegulatorShift] = []
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        if day.weekday() == 6:
            continue
        periods = [(8, 14)] if day.weekday() == 5 else [(9, 13), (18, 22)] if back % 2 else [(13, 19)]
        for start_hour, end_hour in periods:
            start = dt.datetime.combine(day, dt.time(start_hour), tzinfo=tz)
            end = dt.datetime.combine(day, dt.time(end_hour), tzinfo=tz)
            sas, pdsa = policies.split_on_duty_minutes(start, end, schedule)
            rows.append(
                RegulatorShift(
                    territory_id="13",
                    regulator=regulateur,
                    start=start,
                    end=end,
                    sas_minutes=sas,
                    pdsa_minutes=pdsa,
                    origin=ShiftOrigin.SCHEDULE,
                    recorded_by=supervisor,
                    recorded_at=start - dt.timedelta(days=7),
                )
            )
    RegulatorShift.objects.bulk_create(rows)
    if rows:  # the first shift ended 30 minutes late: corrected, history kept
        old = rows[0]
        RegulatorShift.objects.filter(pk=old.pk).update(is_current=False)
        end = old.end + dt.timedelta(minutes=30)
        sas, pdsa = policies.split_on_duty_minutes(old.start, end, schedule)
        corrected = RegulatorShift.objects.create(
            lineage=old.lineage,
            version=2,
            supersedes=old,
            territory_id="13",
            regulator=regulateur,
            start=old.start,
            end=end,
            sas_minutes=sas,
            pdsa_minutes=pdsa,
            origin=ShiftOrigin.CORRECTION,
            reason="Fin réelle relevée au standard",
            recorded_by=supervisor,
            recorded_at=end + dt.timedelta(days=1),
        )
        AuditEvent.objects.create(
            occurred_at=corrected.recorded_at,
            event_type=RegulationEvent.SHIFT_CORRECTED.value,
            actor=supervisor,
            actor_label=supervisor.email,
            object_type=RegulatorShift._meta.label_lower,
            object_id=str(corrected.pk),
            object_repr=str(corrected)[:255],
            params={"version": 2, "reason": corrected.reason},
        )
    return len(rows) + (1 if rows else 0)
