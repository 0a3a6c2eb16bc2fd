"""Probe finding 7 (issue 13): the queue's 5 s refresh does not keep an idle session alive."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY

PARIS = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=PARIS)
BACKGROUND = {"HTTP_HX_REQUEST": "true", "HTTP_X_BACKGROUND_REFRESH": "1"}


@pytest.mark.django_db
def test_the_queue_polling_is_flagged_as_background(client, arm):
    client.force_login(arm)
    html = client.get("/regulation/").content.decode()
    poller = re.search(r'<div id="queue-rows"[^>]*>', html).group(0)
    assert 'hx-trigger="every 5s"' in poller
    assert "X-Background-Refresh" in poller


@pytest.mark.django_db
def test_background_polling_does_not_keep_the_session_alive(client, arm, settings):
    with time_machine.travel(START, tick=False):
        client.force_login(arm)
        assert client.get("/regulation/").status_code == 200
    # A workstation left on the queue: it polls, nobody touches it.
    moment = START
    while moment < START + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 30):
        moment += dt.timedelta(minutes=1)
        with time_machine.travel(moment, tick=False):
            assert client.get("/regulation/file/lignes/", **BACKGROUND).status_code == 200
    with time_machine.travel(START + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1), tick=False):
        response = client.get("/regulation/file/lignes/", **BACKGROUND)
        # HTMX navigates the whole page to the log-in page.
        assert response.status_code in (200, 204)
        assert response["HX-Redirect"].startswith("/connexion/")
        assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_real_action_still_keeps_the_session_alive(client, arm, settings):
    with time_machine.travel(START, tick=False):
        client.force_login(arm)
        client.get("/regulation/")
    later = START + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 120)
    with time_machine.travel(later, tick=False):
        assert client.get("/regulation/").status_code == 200
    with time_machine.travel(later + dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 120), tick=False):
        assert client.get("/regulation/file/lignes/", **BACKGROUND).status_code == 200
        assert SESSION_KEY in client.session
