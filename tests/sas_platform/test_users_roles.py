"""Users, roles as groups, territories, permission functions, scoped selectors (issue 2, item 4)."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from remuneration.permissions import can_view_remuneration
from sas_platform import permissions
from sas_platform.enums import AuditEventType, Role
from sas_platform.models import AuditEvent, Departement, User
from sas_platform.selectors import territories_for_user, territory_codes_for_user, users_visible_to
from sas_platform.services import roles_ensure_groups, user_create, user_set_roles, user_set_territories
from tests.factories import DEFAULT_PASSWORD


def _events(user, event_type) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event_type=event_type, object_type="sas_platform.user", object_id=str(user.pk)
        )
    )


# --- Model and log-in by e-mail --------------------------------------------------------------
@pytest.mark.django_db
def test_user_create_lowercases_email_and_hashes_password():
    user = user_create(email="  Claire.Martin@Exemple.FR ", password="un-mot-de-passe-solide")
    assert user.email == "claire.martin@exemple.fr"
    assert user.check_password("un-mot-de-passe-solide")
    assert user.password != "un-mot-de-passe-solide"
    assert _events(user, AuditEventType.USER_CREATED)[0].params == {"email": "claire.martin@exemple.fr"}


@pytest.mark.django_db
def test_user_create_without_password_cannot_log_in():
    user = user_create(email="sans.mdp@exemple.fr", password=None)
    assert user.has_usable_password() is False


@pytest.mark.django_db
def test_user_create_refuses_invalid_email():
    with pytest.raises(ValidationError) as excinfo:
        user_create(email="pas-une-adresse", password="x" * 12)
    assert "email" in excinfo.value.message_dict
    assert not User.objects.filter(email="pas-une-adresse").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["osnp@exemple.fr", "OSNP@EXEMPLE.FR", "Osnp@Exemple.Fr"])
def test_email_login_is_case_insensitive(rf, make_user, typed):
    user = make_user(Role.OSNP, email="osnp@exemple.fr")
    assert authenticate(rf.post("/connexion/"), username=typed, password=DEFAULT_PASSWORD) == user


@pytest.mark.django_db
def test_email_unique_whatever_the_case(make_user):
    make_user(Role.OSNP, email="doublon@exemple.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="DOUBLON@exemple.fr")


@pytest.mark.django_db
def test_user_manager_creates_lowercase_user():
    user = User.objects.create_user("Agent@CPAM.fr", "mot-de-passe-de-test")
    assert user.email == "agent@cpam.fr"
    assert (user.is_staff, user.is_superuser) == (False, False)
    with pytest.raises(ValueError, match=r"L'adresse électronique est obligatoire\."):
        User.objects.create_user("", "x")


@pytest.mark.django_db
def test_createsuperuser_is_a_platform_administrator():
    call_command("createsuperuser", "--noinput", "--email=Root@Plateforme.fr", verbosity=0)
    user = User.objects.get(email="root@plateforme.fr")
    assert (user.is_staff, user.is_superuser) == (True, True)
    assert user.role_codes == {"admin_plateforme"}
    assert permissions.can_use_admin_site(user) is True


# --- Roles as groups ------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_role_has_its_group():
    roles_ensure_groups()
    assert set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True)) == set(Role.values)
    assert set(Role.values) == {
        "arm",
        "regulateur",
        "osnp",
        "effecteur",
        "coordinateur_structure",
        "agent_cpam",
        "agent_ars",
        "admin_sas",
        "admin_plateforme",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_user_with_role_is_in_the_group_of_that_role(make_user, role):
    user = make_user(role)
    assert list(user.groups.values_list("name", flat=True)) == [role.value]
    assert user.role_codes == {role.value}
    assert user.has_role(role) is True
    assert user.has_role(*(r for r in Role if r != role)) is False


@pytest.mark.django_db
def test_roles_are_a_set_not_an_order(make_user):
    user = make_user(Role.REGULATEUR, Role.EFFECTEUR)
    assert user.role_codes == {"regulateur", "effecteur"}
    assert user.has_role(Role.ARM) is False  # no role implies another


@pytest.mark.django_db
def test_groups_outside_roles_are_not_roles(make_user):
    user = make_user(Role.OSNP)
    user.groups.add(Group.objects.create(name="groupe-maison"))
    user._role_codes = None
    assert user.role_codes == {"osnp"}


@pytest.mark.django_db
def test_user_set_roles_writes_one_audit_row_with_before_and_after(make_user):
    actor = make_user(Role.ADMIN_SAS)
    user = make_user(Role.ARM)

    user_set_roles(user=user, roles=[Role.OSNP, Role.ARM], actor=actor)

    rows = _events(user, AuditEventType.USER_ROLES_CHANGED)
    assert len(rows) == 2  # the factory's ARM, then this change
    latest = rows[0]
    assert latest.params == {"before": ["arm"], "after": ["arm", "osnp"]}
    assert latest.actor == actor
    assert latest.actor_label == actor.email


@pytest.mark.django_db
def test_user_set_roles_unchanged_writes_nothing(make_user):
    user = make_user(Role.ARM)
    before = AuditEvent.objects.count()
    user_set_roles(user=user, roles=[Role.ARM], actor=None)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_user_set_roles_refuses_unknown_role(make_user):
    user = make_user(Role.ARM)
    with pytest.raises(ValueError):
        user_set_roles(user=user, roles=["chef"], actor=None)
    assert user.role_codes == {"arm"}


@pytest.mark.django_db
def test_platform_admin_is_superuser_and_loses_it_with_the_role(make_user):
    user = make_user(Role.ADMIN_PLATEFORME)
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)

    user_set_roles(user=user, roles=[Role.ADMIN_SAS], actor=None)
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)  # the admin is closed (issue 13)

    user_set_roles(user=user, roles=[Role.OSNP], actor=None)
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


# --- Territories ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_user_territories_and_audit(make_user):
    user = make_user(Role.OSNP, territories=["13"])
    user_set_territories(user=user, territories=["13", "84"], actor=None)
    assert sorted(user.territories.values_list("code", flat=True)) == ["13", "84"]
    assert _events(user, AuditEventType.USER_TERRITORIES_CHANGED)[0].params == {
        "before": ["13"],
        "after": ["13", "84"],
    }


@pytest.mark.django_db
def test_user_set_territories_refuses_unknown_departement(make_user):
    user = make_user(Role.OSNP, territories=["13"])
    with pytest.raises(ValueError, match="Département\\(s\\) inconnu\\(s\\) : 99"):
        user_set_territories(user=user, territories=["13", "99"], actor=None)
    assert list(user.territories.values_list("code", flat=True)) == ["13"]


@pytest.mark.django_db
def test_territory_codes_follow_changes_on_the_same_instance(make_user):
    user = make_user(Role.OSNP, territories=["13"])
    assert territory_codes_for_user(user=user) == {"13"}
    user_set_territories(user=user, territories=["84"], actor=None)
    assert territory_codes_for_user(user=user) == {"84"}
    user_set_roles(user=user, roles=[Role.ADMIN_PLATEFORME], actor=None)
    assert len(territory_codes_for_user(user=user)) == Departement.objects.count()


@pytest.mark.django_db
def test_territories_for_user(make_user):
    assert list(
        territories_for_user(user=make_user(Role.OSNP, territories=["13"])).values_list("code", flat=True)
    ) == ["13"]
    assert territories_for_user(user=make_user(Role.ADMIN_PLATEFORME, territories=[])).count() == 101
    assert territories_for_user(user=AnonymousUser()).count() == 0


# --- Permission functions -------------------------------------------------------------------
@pytest.mark.django_db
def test_can_act_in_territory(make_user):
    osnp = make_user(Role.OSNP, territories=["13"])
    assert permissions.can_act_in_territory(osnp, "13") is True
    assert permissions.can_act_in_territory(osnp, Departement.objects.get(code="13")) is True
    assert permissions.can_act_in_territory(osnp, "84") is False
    assert permissions.can_act_in_territory(AnonymousUser(), "13") is False
    assert permissions.can_act_in_territory(make_user(Role.ADMIN_PLATEFORME, territories=[]), "84") is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ARM, True),
        (Role.REGULATEUR, True),
        (Role.OSNP, True),
        (Role.EFFECTEUR, False),
        (Role.COORDINATEUR_STRUCTURE, False),
        (Role.AGENT_CPAM, False),
        (Role.AGENT_ARS, False),
        (Role.ADMIN_SAS, False),
        (Role.ADMIN_PLATEFORME, False),
    ],
)
def test_can_work_regulation_desk(make_user, role, expected):
    assert permissions.can_work_regulation_desk(make_user(role)) is expected


@pytest.mark.django_db
def test_regulation_desk_needs_a_territory(make_user):
    assert permissions.can_work_regulation_desk(make_user(Role.OSNP, territories=[])) is False
    assert permissions.can_work_regulation_desk(AnonymousUser()) is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "remuneration", "audit", "admin_site"),
    [
        (Role.ARM, False, False, False),
        (Role.REGULATEUR, False, False, False),
        (Role.OSNP, False, False, False),
        (Role.EFFECTEUR, False, False, False),
        (Role.COORDINATEUR_STRUCTURE, False, False, False),
        (Role.AGENT_CPAM, True, False, False),
        (Role.AGENT_ARS, True, False, False),
        (Role.ADMIN_SAS, True, True, False),  # the admin is for platform administrators (issue 13)
        (Role.ADMIN_PLATEFORME, True, True, True),
    ],
)
def test_role_permissions_matrix(make_user, role, remuneration, audit, admin_site):
    user = make_user(role)
    assert can_view_remuneration(user) is remuneration
    assert permissions.can_view_audit_trail(user) is audit
    assert permissions.can_use_admin_site(user) is admin_site
    assert permissions.is_platform_admin(user) is (role == Role.ADMIN_PLATEFORME)


@pytest.mark.django_db
def test_anonymous_has_no_permission():
    anonymous = AnonymousUser()
    assert permissions.is_platform_admin(anonymous) is False
    assert can_view_remuneration(anonymous) is False
    assert permissions.can_view_audit_trail(anonymous) is False
    assert permissions.can_use_admin_site(anonymous) is False
    assert permissions.can_administer_territory(anonymous, "13") is False


@pytest.mark.django_db
def test_inactive_admin_cannot_use_admin_site(make_user):
    user = make_user(Role.ADMIN_SAS, is_active=False)
    assert permissions.can_use_admin_site(user) is False


@pytest.mark.django_db
def test_can_administer_territory(make_user):
    admin_sas = make_user(Role.ADMIN_SAS, territories=["13"])
    assert permissions.can_administer_territory(admin_sas, "13") is True
    assert permissions.can_administer_territory(admin_sas, "84") is False
    assert permissions.can_administer_territory(make_user(Role.OSNP, territories=["13"]), "13") is False
    assert (
        permissions.can_administer_territory(make_user(Role.ADMIN_PLATEFORME, territories=[]), "84") is True
    )


# --- Scoped selectors -----------------------------------------------------------------------
@pytest.mark.django_db
def test_users_visible_to_excludes_other_territories(make_user):
    admin_13 = make_user(Role.ADMIN_SAS, territories=["13"])
    osnp_13 = make_user(Role.OSNP, territories=["13"])
    both = make_user(Role.REGULATEUR, territories=["13", "84"])
    osnp_84 = make_user(Role.OSNP, territories=["84"])
    nowhere = make_user(Role.EFFECTEUR, territories=[])

    visible = set(users_visible_to(user=admin_13))

    assert visible == {admin_13, osnp_13, both}
    assert osnp_84 not in visible
    assert nowhere not in visible
    assert set(users_visible_to(user=osnp_84)) == {both, osnp_84}


@pytest.mark.django_db
def test_users_visible_to_platform_admin_is_everyone(make_user):
    admin = make_user(Role.ADMIN_PLATEFORME, territories=[])
    others = {make_user(Role.OSNP, territories=["84"]), make_user(Role.ARM, territories=[])}
    assert others | {admin} <= set(users_visible_to(user=admin))
    assert users_visible_to(user=admin).count() == User.objects.count()


@pytest.mark.django_db
def test_users_visible_to_no_duplicates_and_bounded_queries(make_user, django_assert_max_num_queries):
    admin = make_user(Role.ADMIN_SAS, territories=["13", "84"])
    for _ in range(5):
        make_user(Role.OSNP, territories=["13", "84"])
    with django_assert_max_num_queries(4):
        users = list(users_visible_to(user=admin))
        roles = [sorted(g.name for g in u.groups.all()) for u in users]
    assert len(users) == len(set(users)) == 6
    assert roles.count(["osnp"]) == 5


@pytest.mark.django_db
def test_sas_admin_has_no_admin_permission_nor_access(client, make_user):
    """Issue 13, finding 3: the admin is not scoped by territory, so it is closed to SAS admins."""
    group = Group.objects.get_or_create(name=Role.ADMIN_SAS)[0]
    group.permissions.add(*Permission.objects.filter(codename__startswith="view_")[:5])  # an older install
    roles_ensure_groups()
    assert not Group.objects.get(name=Role.ADMIN_SAS).permissions.exists()
    admin_sas = make_user(Role.ADMIN_SAS)
    client.force_login(admin_sas)
    assert client.get("/admin/sas_platform/auditevent/").status_code == 302
    response = client.post(f"/admin/sas_platform/user/{admin_sas.pk}/change/", {"email": admin_sas.email})
    assert response.status_code == 302
    admin_sas.refresh_from_db()
    assert not admin_sas.is_superuser
