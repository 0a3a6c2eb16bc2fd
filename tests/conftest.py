"""Shared fixtures: geography loaded once per test database, users per role, API clients."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from sas_platform.enums import Role
from tests.factories import UserFactory


def _geography_tables() -> list[str]:
    from sas_platform.models import Commune, CommuneName, Departement, PostalCode, Region

    return [model._meta.db_table for model in (Region, Departement, Commune, PostalCode, CommuneName)]


def _geography_restore() -> None:
    """Copy the geography back from its backup tables (a second, instead of ~15 s for the CSV)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from sas_platform.models import CommuneName, PostalCode

    with transaction.atomic(), connection.cursor() as cursor:
        for table in _geography_tables():
            cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "_backup_{table}"')
        for sql in connection.ops.sequence_reset_sql(no_style(), [PostalCode, CommuneName]):
            cursor.execute(sql)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the whole French geography once into the test database (kept by ``--reuse-db``), and
    keep a copy in backup tables Django does not know (a flush leaves them alone)."""
    from django.db import connection

    from sas_platform.models import Commune

    only = {code for code in os.environ.get("TEST_GEOGRAPHY_DEPARTEMENTS", "").split(",") if code}
    with django_db_blocker.unblock():
        if only:  # a session restricted to a few départements (the SQLite crawl of `make test`)
            if Commune.objects.filter(departement_id__in=only).count() == 0:
                from sas_platform.services import geography_load

                geography_load(departements=only)
        elif Commune.objects.count() < 34_000:  # absent, or only one département (browser tests)
            call_command("load_geography", verbosity=0)
        with connection.cursor() as cursor:
            for table in _geography_tables():
                cursor.execute(f'DROP TABLE IF EXISTS "_backup_{table}"')
                cursor.execute(f'CREATE TABLE "_backup_{table}" AS SELECT * FROM "{table}"')


@pytest.fixture(autouse=True)
def _geography_back_after_flush(request, django_db_blocker):
    """A transactional test (``transactional_db``, ``live_server``) flushes every table after it,
    geography included: put the geography back so the tests after it find it. Being autouse, this
    fixture is set up before ``transactional_db`` and so torn down after its flush."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames
        for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )
    if not transactional:
        return
    from sas_platform.models import Region

    with django_db_blocker.unblock():
        if not Region.objects.exists():
            _geography_restore()


@pytest.fixture
def make_user(db):
    """``make_user(Role.OSNP, territories=["13"])`` → a user with that role."""

    def _make(*roles: Role, territories: tuple[str, ...] | list[str] = ("13",), **kwargs):
        return UserFactory(roles=list(roles), territories=list(territories), **kwargs)

    return _make


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_client_for(make_user):
    """An API client authenticated (session) as a new user with ``roles``."""

    def _client(*roles: Role, territories=("13",)) -> APIClient:
        client = APIClient()
        client.force_authenticate(make_user(*roles, territories=territories))
        return client

    return _client


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A REAL Celery worker (``-Q default --pool=solo``) on this run's Redis and test database.

    Skipped when ``REDIS_URL`` is not set. The worker shares the test database only for
    committed data (use ``transactional_db`` in tests whose tasks read the database).
    Yields the ``subprocess.Popen``; its log is ``var/celery-worker-<pid>.log``.
    """
    import os
    import subprocess
    import sys
    import time

    from django.conf import settings
    from django.db import connection

    from sas_platform.tasks import add

    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL non défini : pas de worker Celery réel")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sas_platform.settings.test",
        "REDIS_URL": settings.REDIS_URL,
    }
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    log_path = settings.BASE_DIR / "var" / f"celery-worker-{os.getpid()}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "sas_platform",
                "worker",
                "-Q",
                "default",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"pytest-{os.getpid()}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"Le worker Celery s'est arrêté : {log_path.read_text()[-2000:]}")
            try:
                add.delay(0, 0).get(timeout=5)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(autouse=True)
def cpts_demo_scale(settings):
    """Tests seed the directory demo at a quarter of its size (~300 doctors, ~75 others): every
    ``seed_demo`` in the suite stays quick. ``tests/cpts/test_demo.py`` sets its own scales."""
    settings.DEMO_SCALE = 0.25


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """``force_login`` is the tests' shortcut past the sign-in page: it passes the second factor
    too. The second factor itself is tested through the real pages (tests/sas_platform/test_otp.py,
    tests/e2e/ log in with the form and a TOTP code)."""
    from django.test.client import ClientMixin

    from sas_platform.otp.policies import STRONG_AUTH_SESSION_KEY

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[STRONG_AUTH_SESSION_KEY] = "force_login"
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
