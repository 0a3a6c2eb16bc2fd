"""The demo step (order 30): deterministic, idempotent; today's dossiers in various states (through
the services) and three weeks of consistent history (dashboard, timelines, shifts)."""

from __future__ import annotations

from collections import Counter

import pytest

from regulation import policies
from regulation.dashboard import dashboard_figures
from regulation.enums import AppointmentStatus, DossierState
from regulation.models import ActFact, Booking, Dossier, RegulatorShift
from sas_platform.demo import demo_seed
from sas_platform.models import AuditEvent

#: planning's step is not needed by ours (history names directory doctors) and is slow to run.
STEPS = {"platform", "cpts", "regulation"}


@pytest.mark.django_db
def test_demo_today_history_and_idempotent():
    from django.utils import timezone

    first = demo_seed(only=STEPS)["regulation"]
    assert first["dossiers_created"] == 8
    assert 200 <= first["past_dossiers"] <= 400 and first["shifts"] > 15
    recent = timezone.now() - timezone.timedelta(hours=2)
    today = Counter(Dossier.objects.filter(picked_up_at__gte=recent).values_list("state", flat=True))
    assert today == Counter(
        {
            DossierState.CLOSED: 2,
            DossierState.ORIENTED: 1,
            DossierState.ORIENTING: 1,
            DossierState.REGULATED: 1,
            DossierState.GENERAL_PRACTICE: 1,
            DossierState.AMU: 1,
            DossierState.OPENED: 1,
        }
    )
    # History: every path is one of the state machine's, with its timeline and facts.
    past = Dossier.objects.filter(picked_up_at__lt=recent)
    states = Counter(past.values_list("state", flat=True))
    assert set(states) <= {DossierState.AMU, DossierState.CLOSED, DossierState.ORIENTED}
    assert states[DossierState.CLOSED] > states[DossierState.AMU] > 0
    sample = past.filter(state=DossierState.CLOSED, bookings__isnull=False).first()
    timeline = list(
        AuditEvent.objects.filter(object_type="regulation.dossier", object_id=str(sample.pk))
        .order_by("occurred_at", "id")
        .values_list("event_type", flat=True)
    )
    assert timeline[0] == "regulation.dossier_opened" and timeline[-1] == "regulation.closed"
    for booking in Booking.objects.filter(dossier__in=past).select_related("dossier"):
        facts = policies.act_facts(
            regulated_at=booking.dossier.decided_at,
            appointment_start=booking.start,
            surnumeraire=booking.is_surnumeraire,
            by_treating_doctor=booking.is_treating_doctor,
        )
        assert (booking.within_48h, booking.outside_pdsa, booking.snp_candidate) == (
            facts.within_48h,
            facts.outside_pdsa,
            facts.snp_candidate,
        )
    assert (
        ActFact.objects.filter(dossier__in=past).count()
        == Booking.objects.filter(
            dossier__in=past,
            status__in=[AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW, AppointmentStatus.CANCELLED],
        ).count()
    )
    assert RegulatorShift.objects.filter(is_current=False).count() == 1  # one corrected shift
    week = dashboard_figures(territory_codes=["13"], period="mois", day=timezone.localdate())
    assert week.calls > 0
    # Idempotent: a second run adds nothing.
    again = demo_seed(only=STEPS)["regulation"]
    assert again == {"dossiers_created": 0}
    assert Dossier.objects.count() == 8 + first["past_dossiers"]
