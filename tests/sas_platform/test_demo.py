"""Demo territory: ``seed_demo`` is deterministic and idempotent; every demo login works (item 10)."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from sas_platform.demo import DEMO_PASSWORD, DEMO_USERS
from sas_platform.enums import Role
from sas_platform.models import SasTerritory, User
from sas_platform.otp.demo import DEMO_TOTP_KEY
from sas_platform.otp.policies import otp_required

PROJECT_APPS = ("sas_platform", "cpts", "planning", "regulation", "remuneration")


def _counts() -> dict[str, int]:
    models = [m for label in PROJECT_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model("auth", "Group"), apps.get_model("django_celery_beat", "PeriodicTask")]
    return {m._meta.label: m._default_manager.count() for m in models}


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(seeded, capsys):
    before = _counts()
    call_command("seed_demo")
    after = _counts()
    assert after == before
    out = capsys.readouterr().out
    assert '"platform": {"territory_created": false, "users_created": 0}' in out
    assert "Comptes de démonstration (mot de passe « demo-sas-13 ») :" in out
    for demo_user in DEMO_USERS:
        assert demo_user.email in out


@pytest.mark.django_db
def test_seed_demo_creates_the_sas_13_and_one_user_per_role(seeded):
    territory = SasTerritory.objects.get()
    assert (territory.departement_id, territory.name) == ("13", "SAS 13 – Bouches-du-Rhône")
    assert [u.email for u in DEMO_USERS] == [
        "arm@demo.sas",
        "regulateur@demo.sas",
        "osnp@demo.sas",
        "effecteur@demo.sas",
        "coordinateur@demo.sas",
        "cpam@demo.sas",
        "ars@demo.sas",
        "admin@demo.sas",
    ]
    roles = set()
    for demo_user in DEMO_USERS:
        user = User.objects.get(email=demo_user.email)
        assert user.role_codes == {demo_user.role.value}
        assert list(user.territories.values_list("code", flat=True)) == ["13"]
        roles.add(demo_user.role)
    # Issue 2 lists eight accounts: every role but the SAS administrator has its demo user.
    assert roles == set(Role) - {Role.ADMIN_SAS}


@pytest.mark.django_db
def test_demo_rpps_are_valid(seeded):
    from sas_platform.identifiers import is_valid_rpps

    for demo_user in DEMO_USERS:
        if demo_user.rpps:
            assert is_valid_rpps(demo_user.rpps), demo_user.email


@pytest.mark.django_db
@pytest.mark.parametrize("demo_user", DEMO_USERS, ids=lambda u: u.role.value)
def test_every_demo_user_can_log_in(client, seeded, demo_user):
    response = client.post("/connexion/", {"username": demo_user.email, "password": DEMO_PASSWORD})
    assert (response.status_code, response.url) == (302, "/")
    home = client.get("/")
    if otp_required(demo_user_account := User.objects.get(email=demo_user.email)):
        # Pre-enrolled with the published demo secret; demo mode shows the current code.
        assert home.url == "/double-facteur/verifier/?next=%2F"
        page = client.get(home.url)
        assert TOTPDevice.objects.get(user=demo_user_account).key == DEMO_TOTP_KEY
        client.post(home.url, {"code": page.context["demo_code"]})
        home = client.get("/")
    assert f'data-role="{demo_user.role.value}"' in home.content.decode()


@pytest.mark.django_db
def test_seed_demo_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE est désactivé"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.filter(email__endswith="@demo.sas").exists()
