"""Browser journeys: Playwright driving Debian's Chromium against Django's live server.

Never downloads a browser: the executable is ``/usr/bin/chromium`` (see NOTES.md). Each test
runs in a transactional database (flushed after it), so :func:`demo_world` rebuilds the demo
territory (geography of the Bouches-du-Rhône + ``seed_demo``) for each test that needs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sas_platform.demo import DEMO_PASSWORD
from tests.e2e.a11y import A11yChecker

A11Y = pytest.StashKey[tuple]()

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_under_playwright():
    """Playwright's sync API runs an event loop in the test thread: let the ORM run there too, for
    the browser tests only (the variable must not leak into other tests' subprocesses)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def context(context, request):
    """pytest-playwright's browser context, with the accessibility check of every document its
    pages load (``tests/e2e/a11y.py``): each journey inherits it, and fails on any violation."""
    checker = A11yChecker()
    checker.attach(context)
    request.node.stash[A11Y] = (checker, context)
    return context


@pytest.fixture
def a11y(request, context) -> A11yChecker:
    """The test's accessibility checker: ``a11y.check(page)`` checks the page at a given moment."""
    return request.node.stash[A11Y][0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test body: check the documents still open, then fail on any violation found."""
    result = yield
    if A11Y in item.stash:
        checker, context = item.stash[A11Y]
        checker.finish(context)
        item.add_report_section("call", "accessibilité", checker.summary())
        checker.assert_clean()
    return result


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def demo_world(transactional_db):
    """Geography of département 13 and the whole demo (every app's registered steps)."""
    from sas_platform.demo import demo_seed
    from sas_platform.models import Commune
    from sas_platform.services import geography_load

    if not Commune.objects.filter(insee_code="13055").exists():
        geography_load(departements={"13"})
    return demo_seed()


@pytest.fixture
def demo_platform(transactional_db):
    """Only the platform's part of the demo: geography of département 13, SAS 13, demo users."""
    from sas_platform.demo import demo_seed
    from sas_platform.models import Commune
    from sas_platform.services import geography_load

    if not Commune.objects.filter(insee_code="13055").exists():
        geography_load(departements={"13"})
    return demo_seed(only={"platform"})


@pytest.fixture
def login(live_server):
    """``login(page, "osnp@demo.sas")`` signs in through the real form and lands on the home page."""

    def _login(page, email: str, password: str = DEMO_PASSWORD):
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Adresse électronique").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state("networkidle")
        a11y_wait(page)  # the landing page (or the second factor's), checked before going on
        return a11y_wait(second_factor(page, email))

    return _login


def a11y_wait(page):
    """Let the accessibility check of the current document finish (``tests/e2e/a11y.py``)."""
    page.evaluate("() => window.__a11y && window.__a11y.ensure()")
    return page


def second_factor(page, email: str):
    """The second step for administrators, CPAM and ARS agents: enrol (first time) or type the
    current TOTP code, computed from the account's device like an authenticator app would."""
    from tests.otp import code_for

    if "/double-facteur/activer/" in page.url:
        page.get_by_label("Code à usage unique").fill(code_for(email, confirmed=False))
        page.get_by_role("button", name="Activer").click()
        a11y_wait(page)  # the recovery codes page
        page.get_by_role("link", name="Continuer").click()
        page.wait_for_load_state("networkidle")
    elif "/double-facteur/verifier/" in page.url:
        page.get_by_label("Code à usage unique").fill(code_for(email))
        page.get_by_role("button", name="Valider").click()
        page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def screenshot():
    """``screenshot(page, "osnp-home")`` saves ``tests/e2e/screenshots/osnp-home.png``."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture(autouse=True)
def cpts_demo_scale(settings):
    """A quarter-size directory demo (~300 doctors, ~75 other professionals) keeps ``demo_world`` fast."""
    settings.DEMO_SCALE = 0.25
