"""Browser checks of the SAS dashboard and the regulators' schedule on the demo's three weeks of
history: the charts are drawn by the vendored Chart.js under the strict CSP (no inline script)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.fixture
def demo_regulation(transactional_db):
    from sas_platform.demo import demo_seed
    from sas_platform.services import geography_load

    geography_load(departements={"13"})
    return demo_seed(only={"platform", "cpts", "regulation"})


def test_dashboard_charts_and_schedule(page, live_server, demo_regulation, login, screenshot):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "superviseur@demo.sas")
    page.goto(f"{live_server.url}/regulation/tableau-de-bord/?periode=mois")
    expect(page.get_by_role("heading", name="Tableau de bord du SAS")).to_be_visible()
    # Chart.js drew on every canvas (a drawn canvas has a non-zero size and a chart attached).
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas')).map(c => !!Chart.getChart(c) && c.width > 0)"
    )
    assert drawn and all(drawn), drawn
    assert not errors, errors
    screenshot(page, "regulation-dashboard-month")
    page.goto(f"{live_server.url}/regulation/gardes/planning/")
    expect(page.get_by_test_id("shift-totals")).to_contain_text("Roux")
    screenshot(page, "regulation-shifts-schedule")
