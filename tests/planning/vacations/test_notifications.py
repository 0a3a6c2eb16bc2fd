"""Notifications of the vacation planning (issue 11 §6): per-user preferences ("Mes
notifications"), the daily pool digest, follow-ups on offers nobody took, reminders, change and
request notices, the HTTP SMS adapter against a real server, each delivery recorded once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cpts.models import PracticePlace
from planning.vacations import services
from planning.vacations.enums import TransferKind
from planning.vacations.models import NotificationDelivery, NotificationPreference
from planning.vacations.preferences import default_channels, effective_channels, is_mobile
from planning.vacations.services.notify import reminders_send
from planning.vacations.services.pool_notify import followups_send, pool_digest_send
from planning.vacations.services.preferences import notification_preferences_save
from planning.vacations.tasks import pool_digest, vacation_reminders
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError
from tests.factories import UserFactory
from tests.planning.vacations.factories import make_planning, make_vacation

pytestmark = pytest.mark.django_db
ALL = {"reminder", "change", "pool_digest", "follow_up", "request"}


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.SMS_BACKEND, settings.SMS_FILE = "file", str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def _sms(path) -> list[dict]:
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )


def _to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def _pool(setup, giver, hours_ahead=72):
    vacation = make_vacation(setup, timezone.now() + timedelta(hours=hours_ahead), assignee=giver)
    request = services.transfer_create(
        vacation_id=vacation.pk, kind=TransferKind.POOL, from_professional_id=giver.pk, actor=None
    )
    return vacation, request


# --- preferences: pure rules ---------------------------------------------------------------
def test_defaults_email_everywhere_and_sms_for_reminders_and_changes_with_a_mobile():
    assert default_channels(mobile_known=False) == {kind: ["email"] for kind in ALL}
    with_mobile = default_channels(mobile_known=True)
    assert with_mobile["reminder"] == with_mobile["change"] == ["email", "sms"]
    assert with_mobile["pool_digest"] == with_mobile["follow_up"] == with_mobile["request"] == ["email"]
    # a kind never saved keeps its default; an SMS without a mobile number is never used
    assert effective_channels(stored={"reminder": ["sms"]}, mobile="") == {
        kind: [] if kind == "reminder" else ["email"] for kind in ALL
    }
    assert is_mobile("06 12 34 56 78") and is_mobile("+33712345678") and not is_mobile("+33491112233")


def test_saving_sms_without_a_mobile_is_refused_in_french_and_changes_nothing():
    user = UserFactory(roles=[Role.EFFECTEUR])
    with pytest.raises(ApplicationError, match="indiquez un numéro de mobile"):
        notification_preferences_save(user=user, mobile_phone="", channels={"reminder": ["sms"]})
    with pytest.raises(ApplicationError, match="Numéro de mobile invalide"):
        notification_preferences_save(user=user, mobile_phone="04 91 11 22 33", channels={})
    assert not NotificationPreference.objects.exists()
    saved = notification_preferences_save(
        user=user, mobile_phone="06 12 34 56 78", channels={"reminder": ["sms"], "change": ["email", "sms"]}
    )
    assert saved.mobile_phone == "0612345678"
    assert saved.channels == {
        "reminder": ["sms"],
        "change": ["email", "sms"],
        "pool_digest": [],
        "follow_up": [],
        "request": [],
    }


# --- the page ------------------------------------------------------------------------------
def test_page_shows_defaults_saves_and_refuses_sms_without_mobile(client):
    setup = make_planning(accounts=True)
    alice = setup["people"][0]
    client.force_login(alice.user)
    assert reverse("vacations-notifications") in client.get(reverse("vacations-mine")).content.decode()
    page = client.get(reverse("vacations-notifications"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mes notifications" in html and "Rappels avant une de mes vacations" in html
    assert page.context["form"].initial["reminder"] == ["email"]  # the place's number is a landline
    bad = client.post(reverse("vacations-notifications"), {"mobile_phone": "", "reminder": ["email", "sms"]})
    assert bad.status_code == 200
    assert "indiquez un numéro de mobile" in bad.content.decode()
    assert not NotificationPreference.objects.exists()
    ok = client.post(
        reverse("vacations-notifications"),
        {
            "mobile_phone": "07 11 22 33 44",
            "reminder": ["sms"],
            "change": ["email", "sms"],
            "request": ["email"],
        },
    )
    assert ok.status_code == 302
    stored = NotificationPreference.objects.get(user=alice.user)
    assert stored.mobile_phone == "0711223344"
    assert stored.channels["reminder"] == ["sms"] and stored.channels["pool_digest"] == []
    again = client.get(reverse("vacations-notifications"))
    assert again.context["form"].initial["mobile_phone"] == "0711223344"


def test_page_permissions(client):
    setup = make_planning(accounts=True)
    url = reverse("vacations-notifications")
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    client.force_login(setup["coordinator"])
    assert client.get(url).status_code == 200  # coordinators receive follow-ups and validations
    client.force_login(UserFactory(roles=[Role.AGENT_CPAM]))
    assert client.get(url).status_code == 403
    assert client.post(url, {"mobile_phone": "0612345678"}).status_code == 403
    assert not NotificationPreference.objects.exists()


# --- every sender honours the preferences --------------------------------------------------
def test_reminders_follow_preferences(sms_file):
    setup = make_planning(accounts=True, reminder_hours=[48, 2])
    alice, bob = setup["people"][:2]
    notification_preferences_save(user=alice.user, mobile_phone="0612345678", channels={"reminder": ["sms"]})
    notification_preferences_save(user=bob.user, mobile_phone="", channels={"reminder": []})
    make_vacation(setup, timezone.now() + timedelta(hours=30), assignee=alice)
    make_vacation(setup, timezone.now() + timedelta(hours=40), assignee=bob)
    assert reminders_send() == 1
    assert mail.outbox == [] and [s["to"] for s in _sms(sms_file)] == ["0612345678"]
    assert reminders_send() == 0 and reminders_send(now=timezone.now() + timedelta(minutes=20)) == 0


def test_change_notice_to_both_sides_and_when_a_vacation_moves(sms_file, django_capture_on_commit_callbacks):
    setup = make_planning(accounts=True)
    alice, bob = setup["people"][:2]
    PracticePlace.objects.filter(professional=bob).update(phone="06 00 00 00 01")
    vacation = make_vacation(setup, timezone.now() + timedelta(days=5), assignee=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.vacation_assign(vacation_id=vacation.pk, professional_id=bob.pk, actor=None)
    assert "titulaire : plus vous" in _to(alice.user)[0].body
    assert "titulaire : vous" in _to(bob.user)[0].body
    assert [s["to"] for s in _sms(sms_file)] == ["0600000001"]  # only Bob has a mobile
    start = vacation.starts_at + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.vacation_move(
            vacation_id=vacation.pk, starts_at=start, ends_at=start + timedelta(hours=4), actor=None
        )
    moved = _to(bob.user)[-1]
    assert "déplacée" in moved.body and f"{timezone.localtime(start):%H:%M}" in moved.body
    assert len(_to(alice.user)) == 1
    assert NotificationDelivery.objects.filter(key__startswith=f"change:{vacation.pk}:").count() == 5


def test_requests_to_answer_reach_the_colleague_then_the_coordinator(django_capture_on_commit_callbacks):
    setup = make_planning(accounts=True, requires_approval=True)
    alice, bob = setup["people"][:2]
    vacation = make_vacation(setup, timezone.now() + timedelta(days=5), assignee=alice)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.transfer_create(
            vacation_id=vacation.pk,
            kind=TransferKind.CESSION,
            from_professional_id=alice.pk,
            to_professional_id=bob.pk,
            actor=alice.user,
        )
    assert "vous cède sa vacation" in _to(bob.user)[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_accept(request_id=request.pk, professional_id=bob.pk, actor=bob.user)
    to_coordinator = _to(setup["coordinator"])
    assert len(to_coordinator) == 1 and "à valider" in to_coordinator[0].body
    assert reverse("vacations-requests", args=[setup["planning"].pk]) in to_coordinator[0].body
    notification_preferences_save(user=bob.user, mobile_phone="", channels={"request": []})
    other = make_vacation(setup, timezone.now() + timedelta(days=6), assignee=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_create(
            vacation_id=other.pk,
            kind=TransferKind.CESSION,
            from_professional_id=alice.pk,
            to_professional_id=bob.pk,
            actor=alice.user,
        )
    assert len(_to(bob.user)) == 1  # Bob asked for nothing about requests


# --- daily pool digest ---------------------------------------------------------------------
def test_pool_digest_one_message_per_eligible_member_once_a_day():
    setup = make_planning(members=4, accounts=True)
    alice, bob, carol, dave = setup["people"]
    first, _ = _pool(setup, alice, hours_ahead=72)
    second, _ = _pool(setup, alice, hours_ahead=120)
    make_vacation(setup, first.starts_at + timedelta(hours=1), assignee=carol)  # Carol overlaps the first
    notification_preferences_save(user=dave.user, mobile_phone="", channels={"pool_digest": []})
    assert pool_digest_send() == 2
    assert _to(alice.user) == [] and _to(dave.user) == []  # the giver; Dave asked for none
    (to_bob,) = _to(bob.user)
    assert to_bob.subject == "Pot commun : 2 vacations que vous pouvez prendre"
    assert reverse("vacations-vacation", args=[first.pk]) in to_bob.body
    assert reverse("vacations-pool") in to_bob.body
    (to_carol,) = _to(carol.user)
    assert "1 vacation " in to_carol.subject
    assert reverse("vacations-vacation", args=[second.pk]) in to_carol.body
    assert reverse("vacations-vacation", args=[first.pk]) not in to_carol.body
    assert pool_digest_send() == 0  # the beat again the same day
    assert pool_digest_send(now=timezone.now() + timedelta(hours=1)) == 0
    assert NotificationDelivery.objects.filter(key__startswith="pool-digest:").count() == 2
    assert pool_digest_send(now=timezone.now() + timedelta(days=1)) == 2  # tomorrow: a new digest


def test_no_offer_no_digest():
    setup = make_planning(accounts=True)
    make_vacation(setup, timezone.now() + timedelta(days=3), assignee=setup["people"][0])
    assert pool_digest_send() == 0 and mail.outbox == []


def test_open_vacations_of_a_self_assignment_window_are_offers():
    now = timezone.now()
    setup = make_planning(members=2, accounts=True, self_assignment_opens_at=now - timedelta(days=1))
    vacation = make_vacation(setup, now + timedelta(days=2))
    assert pool_digest_send() == 2
    assert all(reverse("vacations-vacation", args=[vacation.pk]) in m.body for m in mail.outbox)


# --- follow-ups on offers nobody took -------------------------------------------------------
def test_followups_at_each_threshold_once_to_members_and_coordinators():
    setup = make_planning(members=3, accounts=True)  # change delay 24 h; follow-ups 48 h and 24 h
    alice, bob, _carol = setup["people"]
    vacation, _ = _pool(setup, alice, hours_ahead=60)
    assert followups_send() == 0  # 60 h before: no threshold reached
    at_47 = vacation.starts_at - timedelta(hours=47)
    assert followups_send(now=at_47) == 3  # Bob, Carol and the coordinator
    assert "Toujours libre" in _to(bob.user)[0].body
    notice = _to(setup["coordinator"])[0]
    assert "Personne n'a encore pris" in notice.body and "2 professionnels éligibles" in notice.body
    assert followups_send(now=at_47) == 0 and followups_send(now=at_47 + timedelta(hours=5)) == 0
    # the "24 h" one goes one hour before the pool closes (the change delay is 24 h)
    assert followups_send(now=vacation.starts_at - timedelta(hours=25)) == 3
    assert followups_send(now=vacation.starts_at - timedelta(hours=25)) == 0
    assert len(_to(bob.user)) == 2 and _to(alice.user) == []
    assert followups_send(now=vacation.starts_at - timedelta(hours=23)) == 0  # closed: nothing


def test_a_taken_offer_is_not_followed_up_and_planning_thresholds_apply():
    setup = make_planning(members=2, accounts=True, followup_hours=[12], change_deadline_hours=2)
    alice, bob = setup["people"]
    vacation, request = _pool(setup, alice, hours_ahead=30)
    assert followups_send(now=vacation.starts_at - timedelta(hours=20)) == 0  # 12 h only here
    services.transfer_accept(request_id=request.pk, professional_id=bob.pk, actor=bob.user)
    assert followups_send(now=vacation.starts_at - timedelta(hours=11)) == 0


# --- the beat ------------------------------------------------------------------------------
def test_beat_tasks_registered_synced_and_running_twice_sends_nothing_twice(sms_file):
    call_command("sync_periodic_tasks")
    digest = PeriodicTask.objects.get(name="planning-vacation-pool-digest")
    assert digest.task == "planning.tasks_vacations.pool_digest" and digest.crontab.hour == "7"
    assert PeriodicTask.objects.filter(task="planning.tasks_vacations.vacation_reminders").exists()
    setup = make_planning(members=3, accounts=True, reminder_hours=[48, 2])
    alice, bob, _ = setup["people"]
    PracticePlace.objects.filter(professional=bob).update(phone="0612345678")
    make_vacation(setup, timezone.now() + timedelta(hours=30), assignee=bob)
    _pool(setup, alice, hours_ahead=40)
    first = vacation_reminders() | pool_digest()
    # reminders: Bob by e-mail and SMS, Alice (still holding her pooled vacation) by e-mail
    assert first["reminders"] == 3 and first["followups"] == 3 and first["digest"] == 2
    assert vacation_reminders() | pool_digest() == {"reminders": 0, "expired": 0, "followups": 0, "digest": 0}
    assert NotificationDelivery.objects.filter(status="sent").count() == 8
    assert len(mail.outbox) == 7 and len(_sms(sms_file)) == 1


# --- the HTTP SMS adapter against a real server on 127.0.0.1 --------------------------------
def test_http_sms_provider_receives_reminders_and_failures_are_recorded(settings, httpserver):
    assert httpserver.host == "127.0.0.1" or httpserver.host == "localhost"
    settings.SMS_BACKEND, settings.SMS_TOKEN = "http", "jeton"
    settings.SMS_URL = httpserver.url_for("/sms").replace("localhost", "127.0.0.1")
    httpserver.expect_oneshot_request(
        "/sms", method="POST", headers={"Authorization": "Bearer jeton"}
    ).respond_with_json({"id": "m-1"})
    setup = make_planning(accounts=True, reminder_hours=[48])
    alice, bob = setup["people"][:2]
    notification_preferences_save(user=alice.user, mobile_phone="0612345678", channels={"reminder": ["sms"]})
    notification_preferences_save(user=bob.user, mobile_phone="0712345678", channels={"reminder": ["sms"]})
    make_vacation(setup, timezone.now() + timedelta(hours=30), assignee=alice)
    assert reminders_send() == 1
    body = httpserver.log[0][0].get_json()
    assert body["to"] == "0612345678" and body["text"].startswith("Rappel : vacation")
    httpserver.expect_request("/sms", method="POST").respond_with_data("indisponible", status=503)
    make_vacation(setup, timezone.now() + timedelta(hours=36), assignee=bob)
    assert reminders_send() == 0
    failed = NotificationDelivery.objects.get(status="failed")
    assert failed.recipient == "0712345678" and "503" in failed.error
    assert reminders_send() == 0 and len(httpserver.log) == 2  # recorded: never sent twice


# --- per planning: the coordinator sets reminders and follow-ups ----------------------------
def test_coordinator_sets_reminders_and_followups_of_the_planning(client):
    setup = make_planning(members=2, accounts=True)
    planning, (alice, bob) = setup["planning"], setup["people"]
    url = reverse("vacations-planning-notices", args=[planning.pk])
    assert client.get(url).status_code == 302
    client.force_login(alice.user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reminder_hours": "1"}).status_code == 403
    client.force_login(setup["coordinator"])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial == {
        "reminder_hours": "48, 2",
        "followup_hours": "48, 24",
    }
    bad = client.post(url, {"reminder_hours": "48, deux", "followup_hours": "999"})
    errors = bad.context["form"].errors
    assert "Rappels : « deux » n'est pas un nombre d'heures entre 1 et 336." in errors["reminder_hours"]
    assert "Relances : « 999 » n'est pas un nombre d'heures entre 1 et 336." in errors["followup_hours"]
    planning.refresh_from_db()
    assert planning.reminder_hours == [] and planning.followup_hours == []
    assert client.post(url, {"reminder_hours": "3 h, 24", "followup_hours": ""}).status_code == 302
    planning.refresh_from_db()
    assert planning.reminder_hours == [24, 3] and planning.followup_hours == [0]
    assert client.get(url).context["form"].initial == {"reminder_hours": "24, 3", "followup_hours": ""}
    vacation, _ = _pool(setup, alice, hours_ahead=30)
    assert followups_send(now=vacation.starts_at - timedelta(hours=26)) == 0  # turned off
    assert reminders_send() == 0  # 30 h before: the 48 h reminder is no longer set
    assert reminders_send(now=vacation.starts_at - timedelta(hours=23)) == 1  # the 24 h one
    assert "Rappel" in _to(alice.user)[0].body
    assert _to(bob.user) == []
