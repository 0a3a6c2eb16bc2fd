"""Probe finding 12 (issue 13): a bounded connection pool for production (``DB_POOL``)."""

import pytest
from django.db import connection

from sas_platform.settings.database import configure_postgres


def _db():
    return {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "OPTIONS": {}}


def test_without_the_pool_persistent_connections(monkeypatch):
    monkeypatch.delenv("DB_POOL", raising=False)
    db = configure_postgres(_db(), statement_timeout_ms=30_000, lock_timeout_ms=10_000)
    assert "pool" not in db["OPTIONS"]
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"]["options"] == "-c statement_timeout=30000 -c lock_timeout=10000"


def test_the_pool_is_bounded_and_sized_by_settings(monkeypatch):
    monkeypatch.setenv("DB_POOL", "true")
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "8")
    db = configure_postgres(_db(), statement_timeout_ms=30_000, lock_timeout_ms=10_000)
    assert db["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10}
    assert db["CONN_MAX_AGE"] == 0


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_pooled_connection_really_works_and_waits_instead_of_overflowing():
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = {**connection.settings_dict, "OPTIONS": {**connection.settings_dict["OPTIONS"]}}
    settings_dict["OPTIONS"]["pool"] = {"min_size": 0, "max_size": 2, "timeout": 1}
    settings_dict["CONN_MAX_AGE"] = 0
    wrappers = [DatabaseWrapper(settings_dict, alias="pool-test") for _ in range(3)]  # one pool per alias
    try:
        for wrapper in wrappers[:2]:
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
        assert wrappers[0].pool.max_size == 2
        from psycopg_pool import PoolTimeout

        with pytest.raises(
            PoolTimeout
        ):  # a third connection waits, then fails: never a third server connection
            wrappers[2].connect()
    finally:
        for wrapper in wrappers:
            wrapper.close()
        wrappers[0].close_pool()
