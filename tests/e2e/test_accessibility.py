"""Accessibility (issue 15): the axe-core check fails on a violation, and what a screen reader is
given on the pick-up form and the orientation page (Chromium's accessibility tree, see
docs/accessibility.md), the accessibility statement, the API documentation page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import EXCEPTIONS

TRAP = """<!DOCTYPE html><html lang="fr"><head><title>Piège</title></head><body><main>
<h1>Page piégée</h1><img src="/static/nope.png"><form><input type="text" name="q"></form></main></body></html>"""


def test_check_fails_when_a_violation_is_introduced(page, live_server, a11y):
    """An image without ``alt`` and an unlabelled input: the check names both, and would fail the test."""
    page.route(
        f"{live_server.url}/piege-a11y/", lambda route: route.fulfill(body=TRAP, content_type="text/html")
    )
    page.goto(f"{live_server.url}/piege-a11y/")
    rules = {f.rule: f for f in a11y.findings}
    assert {"image-alt", "label"} <= set(rules), a11y.report()
    with pytest.raises(AssertionError) as failure:
        a11y.assert_clean()
    message = str(failure.value)
    for rule, impact, target in [("image-alt", "critical", "img"), ("label", "critical", "input")]:
        assert f"- {rule} [{impact}] sur /piege-a11y/" in message, message
        assert f"cible : {target}" in message, message
        assert f"https://dequeuniversity.com/rules/axe/4.14/{rule}" in message, message
    a11y.take()  # the violations were wanted: the test itself passes
    a11y.assert_clean()


def test_check_reruns_after_an_htmx_swap(page, live_server, a11y):
    """Content an HTMX swap brings is checked too (the runner listens to ``htmx:afterSettle``)."""
    page.route(
        f"{live_server.url}/piege-a11y/",
        lambda route: route.fulfill(
            body=TRAP.replace('<img src="/static/nope.png">', "").replace('<input type="text" name="q">', ""),
            content_type="text/html",
        ),
    )
    page.goto(f"{live_server.url}/piege-a11y/")
    assert a11y.findings == []
    page.evaluate(
        "() => { document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\">');"
        " document.dispatchEvent(new Event('htmx:afterSettle')); }"
    )
    page.evaluate("() => window.__a11y.idle()")
    assert [f.rule for f in a11y.take()] == ["image-alt"]


def test_pickup_form_errors_are_announced_and_focused(page, live_server, login, demo_platform, a11y):
    login(page, "arm@demo.sas")
    page.goto(f"{live_server.url}/regulation/appel/")
    expect(page.locator("#id_origin")).to_be_focused()  # empty form: autofocus on the first field
    commune = page.get_by_role("combobox", name="Commune Nom ou code postal")
    expect(commune).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Enregistrer sans orienter").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # point 2: focus on the summary, not the first field
    expect(summary.get_by_role("link", name="Commune : Choisissez la commune.")).to_have_attribute(
        "href", "#commune-search"
    )
    expect(commune).to_have_attribute("aria-invalid", "true")  # point 1
    expect(commune).to_have_accessible_description(re.compile(r"^Choisissez la commune\."))
    reason = page.get_by_role("textbox", name="Motif de l'appel")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(re.compile("Ce champ est obligatoire"))
    summary.get_by_role("link", name="Commune : Choisissez la commune.").click()
    expect(commune).to_be_focused()
    # The page with its errors shown has been checked by axe-core too.
    assert any("/regulation/appel/" in url for url, checks in a11y.documents.values() if checks >= 1)


def test_accessibility_statement_linked_from_the_footer(page, live_server):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibilité : partiellement conforme").click()
    expect(page).to_have_url(f"{live_server.url}/accessibilite/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    main = page.get_by_role("main")
    expect(main).to_contain_text("partiellement conforme")
    expect(main).to_contain_text("Swagger UI")
    expect(main.get_by_role("link", name="Défenseur des droits", exact=True)).to_be_visible()


def test_api_docs_page_language_and_version_contrast(page, live_server, demo_platform, login, a11y):
    login(page, "admin@demo.sas")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    # Once Swagger UI has drawn the operations: no violation but the upstream one excepted.
    assert a11y.check(page, "Swagger UI dessiné") == [], a11y.report()
    nested = page.evaluate(
        "async (selector) => (await axe.run(document, {runOnly: ['nested-interactive'], elementRef: true})).violations"
        ".flatMap(v => v.nodes).filter(n => !n.element || !n.element.closest(selector)).length",
        EXCEPTIONS[0]["selector"],
    )
    assert nested == 0  # the exception covers only Swagger UI's operation summaries
