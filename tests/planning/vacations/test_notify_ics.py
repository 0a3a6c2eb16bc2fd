"""ICS feeds at a secret revocable URL, reminders sent once, the SMS backends (issue 11 §6-7)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cpts.models import PracticePlace
from planning.vacations import services
from planning.vacations.ics import token_renew
from planning.vacations.models import NotificationDelivery
from planning.vacations.services.notify import reminders_send
from planning.vacations.sms import FileSmsBackend, HttpSmsBackend, SmsError
from tests.planning.vacations.factories import make_planning, make_vacation

pytestmark = pytest.mark.django_db


def test_professional_feed_follows_changes_and_revocation_is_immediate(client):
    setup = make_planning(accounts=True)
    alice, bob = setup["people"][:2]
    vacation = make_vacation(setup, timezone.now() + timedelta(days=5), assignee=alice)
    token = token_renew(actor=None, professional_id=alice.pk)
    url = reverse("vacations-ics", args=[token.token])
    events = list(Calendar.from_ical(client.get(url).content).walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [f"vacation-{vacation.pk}@sas-cpts"]
    assert events[0].decoded("dtstart") == vacation.starts_at.replace(microsecond=0)
    services.vacation_assign(vacation_id=vacation.pk, professional_id=bob.pk, actor=None)
    assert list(Calendar.from_ical(client.get(url).content).walk("VEVENT")) == []
    renewed = token_renew(actor=None, professional_id=alice.pk)
    assert client.get(url).status_code == 404
    assert client.get(reverse("vacations-ics", args=[renewed.token])).status_code == 200
    assert client.get(reverse("vacations-ics", args=["inconnu"])).status_code == 404


def test_feed_token_page_permissions(client):
    setup = make_planning(accounts=True)
    client.force_login(setup["people"][0].user)
    assert client.post(reverse("vacations-ics-token")).status_code == 302
    assert "ics-url" in client.get(reverse("vacations-mine")).content.decode()
    assert client.post(reverse("vacations-ics-token"), {"planning": setup["planning"].pk}).status_code == 403
    client.force_login(setup["coordinator"])
    assert client.post(reverse("vacations-ics-token"), {"planning": setup["planning"].pk}).status_code == 302


def test_reminders_are_sent_once_even_if_the_beat_runs_twice(settings, tmp_path):
    settings.SMS_BACKEND, settings.SMS_FILE = "file", str(tmp_path / "sms.jsonl")
    setup = make_planning(accounts=True, reminder_hours=[48, 2])
    alice = setup["people"][0]
    # SMS by default only when a mobile number is known (here: the practice place's number)
    PracticePlace.objects.filter(professional=alice).update(phone="+33612345678")
    make_vacation(setup, timezone.now() + timedelta(hours=30), assignee=alice)
    first = reminders_send()
    assert first == 2  # the 48 h reminder: an e-mail and an SMS (the 2 h one is not due yet)
    assert reminders_send() == 0
    assert len(mail.outbox) == 1 and "Rappel" in mail.outbox[0].body
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["to"] == "+33612345678"
    assert NotificationDelivery.objects.count() == 2
    later = reminders_send(now=timezone.now() + timedelta(hours=29))
    assert later == 2  # the 2 h reminder


def test_http_sms_adapter_against_a_real_server(httpserver):
    httpserver.expect_request(
        "/sms",
        method="POST",
        json={"to": "+33600000000", "text": "Bonjour", "sender": "CPTS"},
        headers={"Authorization": "Bearer secret"},
    ).respond_with_json({"id": "msg-42"})
    backend = HttpSmsBackend(url=httpserver.url_for("/sms"), token="secret")
    assert backend.send(to="+33600000000", text="Bonjour") == "msg-42"
    httpserver.expect_request("/refuse", method="POST").respond_with_data("non", status=503)
    with pytest.raises(SmsError, match="503"):
        HttpSmsBackend(url=httpserver.url_for("/refuse"), token="").send(to="+33600000000", text="x")
    with pytest.raises(SmsError, match="injoignable"):
        HttpSmsBackend(url="http://127.0.0.1:9/sms", token="").send(to="+33600000000", text="x")


def test_file_backend_writes_json_lines(tmp_path):
    backend = FileSmsBackend(tmp_path / "out.jsonl")
    backend.send(to="+33611111111", text="Vacation annulée")
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["text"] == "Vacation annulée"
