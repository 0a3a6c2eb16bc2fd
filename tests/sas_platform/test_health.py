"""``/healthz/``: database, cache and broker, 200 or 503 naming the failing part (item 9)."""

import pytest

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": {"status": "ok"},
        "cache": {"status": "ok"},
        "broker": {"status": "ok"},
    }


@pytest.mark.django_db
def test_healthz_needs_no_login_and_refuses_post(client):
    assert client.post("/healthz/").status_code == 405


@pytest.mark.django_db
def test_healthz_503_names_the_broker(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["cache"] == {"status": "ok"}
    assert body["checks"]["broker"]["status"] == "error"
    assert "127.0.0.1:1" in body["checks"]["broker"]["detail"]
    assert "\n" not in body["checks"]["broker"]["detail"]


@pytest.mark.django_db
def test_healthz_503_names_the_cache(client, monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    from sas_platform import health

    monkeypatch.setattr(health, "cache", RedisCache(CLOSED_PORT_BROKER, {}))
    response = client.get("/healthz/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["status"] == "error"
    assert "127.0.0.1:1" in checks["cache"]["detail"]
    assert checks["database"] == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_reports_the_last_worker_heartbeat(client):
    from sas_platform.tasks import heartbeat

    stamp = heartbeat()
    assert client.get("/healthz/").json()["worker_last_heartbeat"] == stamp
