"""Generation, assignment, claims and transfer requests (issue 11 §2-5): rules checked for the
receiver, one transaction each, history and audit, bad input leaves data as it was."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from planning.enums import SlotStatus
from planning.models import Slot
from planning.vacations import services
from planning.vacations.enums import TransferStatus, VacationState
from planning.vacations.models import TransferRequest, Unavailability, Vacation, VacationEvent
from sas_platform.exceptions import ApplicationError
from sas_platform.models import AuditEvent
from tests.planning.vacations.factories import make_planning, make_vacation, paris, rule

pytestmark = pytest.mark.django_db


def future(days=10, hour=14):
    day = timezone.localdate() + timedelta(days=days)
    return paris(day.year, day.month, day.day, hour)


def test_generate_a_month_skips_holidays_and_is_idempotent():
    setup = make_planning()
    created = services.vacations_generate(
        planning=setup["planning"],
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        actor=setup["coordinator"],
    )
    assert [timezone.localtime(v.starts_at).day for v in created] == [2, 9, 16, 23, 30]
    assert all(v.hours == 4 for v in created)
    again = services.vacations_generate(
        planning=setup["planning"],
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        actor=setup["coordinator"],
    )
    assert again == []
    with pytest.raises(ApplicationError, match="précède"):
        services.vacations_generate(
            planning=setup["planning"], start=date(2026, 11, 30), end=date(2026, 11, 1), actor=None
        )


def test_assign_over_a_cap_is_refused_and_nothing_changes():
    setup = make_planning()
    alice = setup["people"][0]
    rule(setup, "Un par semaine", "cap", period="week", max_count=1)
    monday = timezone.localdate() + timedelta(days=14 - timezone.localdate().weekday())
    first = make_vacation(setup, paris(monday.year, monday.month, monday.day, 14), assignee=alice)
    same_week = make_vacation(setup, first.starts_at + timedelta(days=1))  # Tuesday, same ISO week
    with pytest.raises(ApplicationError, match="Règle « Un par semaine »"):
        services.vacation_assign(
            vacation_id=same_week.pk, professional_id=alice.pk, actor=setup["coordinator"]
        )
    same_week.refresh_from_db()
    assert same_week.assignee_id is None and same_week.state == VacationState.OPEN
    assert not VacationEvent.objects.filter(vacation=same_week).exists()
    # The coordinator may force it (audited), never an overlap.
    services.vacation_assign(
        vacation_id=same_week.pk, professional_id=alice.pk, actor=setup["coordinator"], force=True
    )
    event = VacationEvent.objects.get(vacation=same_week)
    assert event.note.startswith("Attribution forcée") and event.to_professional_id == alice.pk


def test_overlap_with_another_plannings_vacation_is_refused_even_forced():
    setup = make_planning()
    other = make_planning()
    alice = setup["people"][0]
    from tests.cpts.factories import MembershipFactory

    MembershipFactory(professional=alice, structure=other["structure"])
    make_vacation(other, future(10, 15), assignee=alice)
    mine = make_vacation(setup, future(10, 14))
    with pytest.raises(ApplicationError, match="Chevauchement"):
        services.vacation_assign(vacation_id=mine.pk, professional_id=alice.pk, actor=None, force=True)


def test_unavailability_blocks():
    setup = make_planning()
    alice = setup["people"][0]
    vacation = make_vacation(setup, future(10))
    Unavailability.objects.create(
        professional=alice, starts_at=vacation.starts_at - timedelta(days=1), ends_at=vacation.ends_at
    )
    with pytest.raises(ApplicationError, match="Indisponibilité"):
        services.vacation_assign(vacation_id=vacation.pk, professional_id=alice.pk, actor=None)


def test_non_member_cannot_be_assigned():
    setup = make_planning()
    stranger = make_planning()["people"][0]
    vacation = make_vacation(setup, future(10))
    with pytest.raises(ApplicationError, match="n'est pas membre"):
        services.vacation_assign(vacation_id=vacation.pk, professional_id=stranger.pk, actor=None)


def test_assignment_publishes_cpts_slots_and_cancel_lists_bookings():
    setup = make_planning()
    alice = setup["people"][0]
    vacation = make_vacation(setup, future(10))
    services.vacation_assign(vacation_id=vacation.pk, professional_id=alice.pk, actor=setup["coordinator"])
    slots = list(Slot.objects.filter(vacation_link__vacation=vacation).order_by("start"))
    assert len(slots) == 4 and all(s.slot_types == ["CPTS"] and s.source_id is None for s in slots)
    assert slots[0].start == vacation.starts_at and slots[-1].end == vacation.ends_at
    assert slots[0].structures[0]["name"] == setup["structure"].name
    Slot.objects.filter(pk=slots[0].pk).update(
        status=SlotStatus.BOOKED, booking_reference="SAS-13-000042", booked_at=timezone.now()
    )
    concerned = services.vacation_cancel(vacation_id=vacation.pk, actor=setup["coordinator"], reason="grève")
    assert concerned == ["SAS-13-000042"]
    statuses = sorted(Slot.objects.filter(vacation_link__vacation=vacation).values_list("status", flat=True))
    assert statuses == ["booked", "gone", "gone", "gone"]
    with pytest.raises(ApplicationError, match="rendez-vous"):
        services.vacation_delete(vacation=vacation, actor=None)


def test_claim_needs_the_window_then_first_claim_wins():
    setup = make_planning()
    alice, bob = setup["people"][:2]
    vacation = make_vacation(setup, future(10))
    with pytest.raises(ApplicationError, match="auto-attribution n'est pas ouverte"):
        services.vacation_claim(vacation_id=vacation.pk, professional_id=alice.pk, actor=None)
    setup["planning"].self_assignment_opens_at = timezone.now() - timedelta(hours=1)
    setup["planning"].save()
    services.vacation_claim(vacation_id=vacation.pk, professional_id=alice.pk, actor=None)
    with pytest.raises(ApplicationError, match="vient d'être prise"):
        services.vacation_claim(vacation_id=vacation.pk, professional_id=bob.pk, actor=None)
    vacation.refresh_from_db()
    assert vacation.assignee_id == alice.pk
    assert (
        AuditEvent.objects.filter(event_type="planning.vacation_claimed", object_id=str(vacation.pk)).count()
        == 1
    )


def test_pool_release_and_claim_moves_slots_to_the_taker():
    setup = make_planning()
    alice, bob = setup["people"][:2]
    vacation = make_vacation(setup, future(10))
    services.vacation_assign(vacation_id=vacation.pk, professional_id=alice.pk, actor=None)
    request = services.transfer_create(
        vacation_id=vacation.pk, kind="pool", from_professional_id=alice.pk, actor=None
    )
    with pytest.raises(ApplicationError, match="déjà en cours"):
        services.transfer_create(
            vacation_id=vacation.pk, kind="pool", from_professional_id=alice.pk, actor=None
        )
    services.transfer_accept(request_id=request.pk, professional_id=bob.pk, actor=None)
    vacation.refresh_from_db()
    assert vacation.assignee_id == bob.pk
    live = Slot.objects.filter(vacation_link__vacation=vacation, status=SlotStatus.FREE)
    assert set(live.values_list("professional_id", flat=True)) == {bob.pk}
    with pytest.raises(ApplicationError, match="plus ouverte"):
        services.transfer_accept(request_id=request.pk, professional_id=alice.pk, actor=None)


def test_cession_to_a_named_colleague_and_with_approval():
    setup = make_planning(requires_approval=True)
    alice, bob, carol = setup["people"]
    vacation = make_vacation(setup, future(10), assignee=alice)
    request = services.transfer_create(
        vacation_id=vacation.pk,
        kind="cession",
        from_professional_id=alice.pk,
        to_professional_id=bob.pk,
        actor=None,
    )
    with pytest.raises(ApplicationError, match="autre professionnel"):
        services.transfer_accept(request_id=request.pk, professional_id=carol.pk, actor=None)
    services.transfer_accept(request_id=request.pk, professional_id=bob.pk, actor=None)
    request.refresh_from_db()
    vacation.refresh_from_db()
    assert request.status == TransferStatus.AWAITING_APPROVAL and vacation.assignee_id == alice.pk
    services.transfer_approve(request_id=request.pk, actor=setup["coordinator"])
    vacation.refresh_from_db()
    assert vacation.assignee_id == bob.pk


def test_exchange_both_sides_and_a_stale_side_is_refused():
    setup = make_planning()
    alice, bob, carol = setup["people"]
    mine = make_vacation(setup, future(10), assignee=alice)
    theirs = make_vacation(setup, future(12), assignee=bob)
    request = services.transfer_create(
        vacation_id=mine.pk,
        kind="exchange",
        from_professional_id=alice.pk,
        counter_vacation_id=theirs.pk,
        actor=None,
    )
    assert request.to_professional_id == bob.pk
    services.transfer_accept(request_id=request.pk, professional_id=bob.pk, actor=None)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.assignee_id, theirs.assignee_id) == (bob.pk, alice.pk)
    # A swap whose other side changed meanwhile.
    again = services.transfer_create(
        vacation_id=mine.pk,
        kind="exchange",
        from_professional_id=bob.pk,
        counter_vacation_id=theirs.pk,
        actor=None,
    )
    services.vacation_assign(vacation_id=theirs.pk, professional_id=carol.pk, actor=None)
    with pytest.raises(ApplicationError, match="a changé"):
        services.transfer_accept(request_id=again.pk, professional_id=alice.pk, actor=None)
    mine.refresh_from_db()
    assert mine.assignee_id == bob.pk


def test_expired_and_cancelled_requests_cannot_be_accepted():
    setup = make_planning(change_deadline_hours=48)
    alice, bob = setup["people"][:2]
    soon = make_vacation(setup, timezone.now() + timedelta(hours=24), assignee=alice)
    with pytest.raises(ApplicationError, match="Trop tard"):
        services.transfer_create(vacation_id=soon.pk, kind="pool", from_professional_id=alice.pk, actor=None)
    later = make_vacation(setup, future(10), assignee=alice)
    request = services.transfer_create(
        vacation_id=later.pk, kind="pool", from_professional_id=alice.pk, actor=None
    )
    TransferRequest.objects.filter(pk=request.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ApplicationError, match="expiré"):
        services.transfer_accept(request_id=request.pk, professional_id=bob.pk, actor=None)
    assert services.transfers_expire() == 1
    other = make_vacation(setup, future(11), assignee=alice)
    cancelled = services.transfer_create(
        vacation_id=other.pk, kind="pool", from_professional_id=alice.pk, actor=None
    )
    services.transfer_cancel(request_id=cancelled.pk, professional_id=alice.pk, actor=None)
    with pytest.raises(ApplicationError, match="plus ouverte"):
        services.transfer_accept(request_id=cancelled.pk, professional_id=bob.pk, actor=None)
    assert Vacation.objects.get(pk=other.pk).assignee_id == alice.pk


def test_planning_with_done_vacations_cannot_be_deleted():
    setup = make_planning()
    vacation = make_vacation(setup, paris(2026, 1, 5, 14), assignee=setup["people"][0])
    Vacation.objects.filter(pk=vacation.pk).update(state=VacationState.DONE)
    with pytest.raises(ApplicationError, match="effectuées"):
        services.planning_delete(planning=setup["planning"], actor=None)
    assert Vacation.objects.filter(pk=vacation.pk).exists()
