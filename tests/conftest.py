"""Shared fixtures: geography loaded once per test database, users per role, API clients."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from sas_platform.enums import Role
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the French geography once into the test database (kept by ``--reuse-db``)."""
    from sas_platform.models import Commune

    with django_db_blocker.unblock():
        if not Commune.objects.filter(insee_code="13055").exists():
            call_command("load_geography", verbosity=0)


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
