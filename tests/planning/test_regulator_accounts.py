"""INT_R02: the SAS's regulators and OSNP provisioned at the editors (sas-ig gestion_regulateur),
against the real demo editor on 127.0.0.1 and pytest-httpserver."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from planning.connectors.regulators import practitioner_regul
from planning.models import RegulatorAccount, RegulatorAccountExchange, RegulatorAccountStatus
from planning.services import RegulatorSyncRetry, regulator_account_sync, regulator_identifier, source_create
from sas_platform.enums import Role
from sas_platform.identifiers import sas_technical_id
from sas_platform.services import user_set_roles, user_set_territories

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "sas-ig" / "examples"
RPPS = "10003384327"
NATIONAL = "urn:oid:1.2.250.1.71.4.2.1"
TECHNICAL = "urn:oid:1.2.250.1.213.3.6"


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in the test's thread when enqueued (the hooks run on commit)."""
    from sas_platform.celery import app

    monkeypatch.setattr(app.conf, "task_always_eager", True)
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)


def _source(base_url: str, *, flag: bool = True, departement: str | None = "13", name: str = "editeur"):
    source = source_create(name=name, label=name, base_url=base_url, departement_code=departement)
    source.manages_regulator_accounts = flag
    source.save()
    return source


def _received(demo_editor) -> list[tuple[str, dict]]:
    return demo_editor.RequestHandlerClass.state.regulators.received


def test_our_practitioner_is_the_guides_example():
    example = json.loads((EXAMPLES / "Practitioner-ExamplePractitionerRegul2.json").read_text())
    ours = practitioner_regul(
        system=NATIONAL,
        value="810002673899",
        active=True,
        family="MARIUS",
        given="Jules",
        email="jules.marius@test.com",
    )
    for key in ("identifier", "active", "name", "telecom"):
        assert ours[key] == example[key]
    assert ours["meta"]["source"] == example["meta"]["source"]
    assert ours["meta"]["profile"] == example["meta"]["profile"]


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_the_demo_editor_accepts_the_guides_examples(demo_editor, number):
    example = json.loads((EXAMPLES / f"Practitioner-ExamplePractitionerRegul{number}.json").read_text())
    response = httpx.post(f"{demo_editor.url}/fhir/Practitioner", json=example)
    assert response.status_code == 201 and "/fhir/Practitioner/" in response.headers["Location"]


def test_the_demo_editor_refuses_bad_bodies_with_an_operation_outcome(demo_editor):
    good = practitioner_regul(system=TECHNICAL, value="abc", active=True, family="Roux", given="Paul")
    bad_type = json.loads(json.dumps(good))
    bad_type["identifier"][0]["type"]["coding"][0]["code"] = "IDNPS"
    for body, status in (
        ({"resourceType": "Patient"}, 400),
        ({**good, "meta": {"source": "urn:autre"}}, 400),
        (bad_type, 400),
        ({**good, "active": "oui"}, 400),
        ({**good, "name": [{"family": "Roux", "given": ["A", "B"]}]}, 400),
    ):
        response = httpx.post(f"{demo_editor.url}/fhir/Practitioner", json=body)
        assert response.status_code == status and response.json()["resourceType"] == "OperationOutcome"
    assert httpx.post(f"{demo_editor.url}/fhir/Practitioner", json=good).status_code == 201
    again = httpx.post(f"{demo_editor.url}/fhir/Practitioner", json=good)
    assert again.status_code == 422 and again.json()["issue"][0]["code"] == "business-rule"
    unknown = httpx.put(
        f"{demo_editor.url}/fhir/Practitioner", params={"identifier": f"{TECHNICAL}|zzz"}, json=good
    )
    assert unknown.status_code == 201  # idempotent: an unknown account is created


def test_create_then_unchanged_then_withdrawn_on_a_change_of_role(
    demo_editor, make_user, eager, django_capture_on_commit_callbacks
):
    source = _source(f"{demo_editor.url}/fhir")
    user = make_user(Role.REGULATEUR, rpps=RPPS, first_name="Paul", last_name="Roux")

    assert regulator_account_sync(user_id=user.pk, source_id=source.pk, reason="test") == "ok"
    method, resource = _received(demo_editor)[-1]
    assert method == "POST"
    assert (
        resource["identifier"][0]["system"] == NATIONAL and resource["identifier"][0]["value"] == f"8{RPPS}"
    )
    assert resource["identifier"][0]["type"]["coding"][0]["code"] == "IDNPS"
    assert resource["active"] is True and resource["meta"]["source"] == TECHNICAL
    account = RegulatorAccount.objects.get(user=user, source=source)
    assert account.status == RegulatorAccountStatus.OK and account.editor_location.endswith(resource["id"])
    exchange = account.exchanges.get()
    assert (exchange.method, exchange.status_code, exchange.request_body["active"]) == ("POST", 201, True)

    assert regulator_account_sync(user_id=user.pk, source_id=source.pk) == "unchanged"
    assert len(_received(demo_editor)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        user_set_roles(user=user, roles=[Role.ARM], actor=None)  # on commit → task (eager)
    method, resource = _received(demo_editor)[-1]
    assert method == "PUT" and resource["active"] is False
    exchange = RegulatorAccountExchange.objects.filter(account=account).first()
    assert exchange.url.endswith(f"/fhir/Practitioner?identifier={NATIONAL}|8{RPPS}")
    assert (exchange.status_code, exchange.reason) == (200, "roles")
    account.refresh_from_db()
    assert account.active is False


def test_technical_identifier_until_the_national_one_is_known(demo_editor, make_user):
    source = _source(f"{demo_editor.url}/fhir")
    user = make_user(Role.OSNP, first_name="Léa", last_name="Fabre")
    technical = sas_technical_id(user.pk)
    assert regulator_identifier(user) == (TECHNICAL, technical)
    regulator_account_sync(user_id=user.pk, source_id=source.pk)
    _, first = _received(demo_editor)[-1]
    assert first["identifier"][0]["type"]["coding"][0]["code"] == "INTRN"

    user.rpps = RPPS
    user.save()
    assert regulator_account_sync(user_id=user.pk, source_id=source.pk) == "ok"
    method, second = _received(demo_editor)[-1]
    assert method == "PUT" and second["identifier"][0]["value"] == f"8{RPPS}"
    assert second["id"] == first["id"]  # same account at the editor, now under the national identifier
    last = RegulatorAccountExchange.objects.first()
    assert last.url.endswith(f"identifier={TECHNICAL}|{technical}")


def test_a_change_of_territory_withdraws_the_habilitation_at_that_editor(
    demo_editor, make_user, eager, django_capture_on_commit_callbacks
):
    source = _source(f"{demo_editor.url}/fhir")
    user = make_user(Role.REGULATEUR, rpps=RPPS)
    regulator_account_sync(user_id=user.pk, source_id=source.pk)
    with django_capture_on_commit_callbacks(execute=True):
        user_set_territories(user=user, territories=["84"], actor=None)
    assert _received(demo_editor)[-1][1]["active"] is False


def test_sources_without_the_flag_or_of_another_territory_receive_nothing(
    httpserver, make_user, eager, django_capture_on_commit_callbacks
):
    _source(httpserver.url_for("/fhir"), flag=False, name="sans-drapeau")
    _source(httpserver.url_for("/fhir"), departement="84", name="vaucluse")
    user = make_user(Role.OSNP)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user_set_roles(user=user, roles=[Role.OSNP, Role.REGULATEUR], actor=None)
    assert len(callbacks) == 1  # the hook ran, and found no source for this user
    assert httpserver.log == [] and not RegulatorAccount.objects.exists()


def test_editor_errors_are_recorded_retried_within_bounds_then_given_up(httpserver, make_user, eager):
    from planning.tasks import regulator_account_sync as task

    httpserver.expect_request("/fhir/Practitioner", method="POST").respond_with_json(
        {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "indisponible"}]}, status=503
    )
    source = _source(httpserver.url_for("/fhir"))
    user = make_user(Role.REGULATEUR, rpps=RPPS)
    with pytest.raises(RegulatorSyncRetry):
        regulator_account_sync(user_id=user.pk, source_id=source.pk)
    RegulatorAccountExchange.objects.all().delete()
    task.apply(args=[user.pk, source.pk, "test"])
    attempts = list(RegulatorAccountExchange.objects.order_by("pk").values_list("attempt", "status_code"))
    assert attempts == [(n, 503) for n in range(1, 7)]  # first try + 5 retries, then it stops
    account = RegulatorAccount.objects.get()
    assert account.status == RegulatorAccountStatus.FAILED and "indisponible" in account.last_error


def test_a_refusal_is_not_retried(httpserver, make_user):
    httpserver.expect_request("/fhir/Practitioner", method="POST").respond_with_json(
        {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "profil invalide"}]}, status=400
    )
    source = _source(httpserver.url_for("/fhir"))
    user = make_user(Role.REGULATEUR, rpps=RPPS)
    assert regulator_account_sync(user_id=user.pk, source_id=source.pk) == "failed"
    assert RegulatorAccountExchange.objects.get().status_code == 400


def test_sign_in_enqueues_one_sync_per_source(
    client, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    from planning import tasks

    calls = []
    monkeypatch.setattr(tasks.regulator_account_sync, "delay", lambda *args: calls.append(args))
    source = _source("http://127.0.0.1:9/fhir")
    user = make_user(Role.REGULATEUR, password="mot-de-passe-solide-42")
    make_user(Role.ARM, email="arm@exemple.fr", password="mot-de-passe-solide-42")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/connexion/", {"username": user.email, "password": "mot-de-passe-solide-42"})
        client.post("/connexion/", {"username": "arm@exemple.fr", "password": "mot-de-passe-solide-42"})
    assert calls == [(user.pk, source.pk, "sign_in")]  # the ARM has no account to send


def test_deactivating_an_account_in_the_admin_withdraws_it(
    demo_editor, make_user, eager, django_capture_on_commit_callbacks, client
):
    source = _source(f"{demo_editor.url}/fhir")
    user = make_user(Role.OSNP, rpps=RPPS, first_name="Léa", last_name="Fabre")
    regulator_account_sync(user_id=user.pk, source_id=source.pk)
    admin = make_user(Role.ADMIN_PLATEFORME)
    client.force_login(admin)
    form = client.get(f"/admin/sas_platform/user/{user.pk}/change/").context["adminform"].form
    data = {
        name: field.value()
        for name, field in ((n, form[n]) for n in form.fields)
        if field.value() is not None
    }
    data.update(
        groups=[g.pk for g in user.groups.all()],
        territories=["13"],
        user_permissions=[],
        is_active="",
        date_joined_0=user.date_joined.strftime("%d/%m/%Y"),
        date_joined_1=user.date_joined.strftime("%H:%M:%S"),
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/sas_platform/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    method, resource = _received(demo_editor)[-1]
    assert method == "PUT" and resource["active"] is False
