"""Journey: an administrator watches the agenda sources and runs the demo editor's source now."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from sas_platform.enums import Role
from tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture
def editor_source(transactional_db):
    """Geography of the 13, ten GPs in Marseille, the demo editor on an ephemeral port and its source."""
    from demo_editor.server import make_server
    from planning.services import source_create
    from sas_platform.services import geography_load
    from tests.planning.factories import professional_with_place

    geography_load(departements={"13"})
    doctors = [professional_with_place(f"1{n:010d}", insee=f"132{n % 16 + 1:02d}") for n in range(1, 11)]
    server = make_server(port=0, page_size=50)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    source = source_create(
        name="agenda-demo-e2e",
        label="Agenda Démo",
        base_url=f"http://127.0.0.1:{server.server_address[1]}/fhir",
        departement_code="13",
        rpps_list=[d.identifier for d in doctors],
    )
    yield source
    server.shutdown()
    server.server_close()


@pytest.fixture
def eager_celery():
    from sas_platform.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_admin_runs_a_source_now_and_sees_its_health(
    page, live_server, login, screenshot, editor_source, eager_celery
):
    UserFactory(email="admin-sas@exemple.fr", roles=[Role.ADMIN_SAS], territories=["13"])
    login(page, "admin-sas@exemple.fr", DEFAULT_PASSWORD)

    page.get_by_role("link", name="Sources d'agenda").first.click()
    row = page.locator('tr[data-source="agenda-demo-e2e"]')
    expect(row).to_contain_text("Jamais interrogée")
    row.get_by_role("button", name="Lancer maintenant").click()

    progress = row.get_by_test_id("run-progress")
    expect(progress).to_have_attribute("data-status", "success", timeout=30_000)
    expect(progress).to_contain_text("créés")
    screenshot(page, "planning-sources-run")
    page.reload()
    expect(page.locator('tr[data-source="agenda-demo-e2e"]')).to_contain_text("Opérationnelle")
    page.get_by_role("link", name="Agenda Démo").click()
    expect(page.get_by_test_id("run").first).to_contain_text("Lancée à la main — Réussie")
