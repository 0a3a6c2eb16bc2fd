"""The accessibility check every browser journey inherits (issue 15): axe-core in Chromium.

axe-core comes from the npm registry, pinned in ``tests/e2e/axe/package.json`` (with its
``package-lock.json``) and installed by ``make axe`` into ``var/npm`` (``make test`` depends on it).
Playwright adds it to every document of the browser context as an init script, followed by
``tests/e2e/axe/runner.js``: init scripts are evaluated by the browser itself, so the pages' strict
CSP (``script-src 'self'``, no inline script) stays on and untouched. (``page.add_script_tag`` would
add an inline ``<script>``, which that CSP blocks.)

What is checked, with the WCAG 2.0 and 2.1 A/AA rules (``TAGS``):

- every document of the top frame as soon as it is loaded (empty forms, and forms sent back with
  their errors, since a failed submit renders a new document), and again after each HTMX swap;
- ``page.goto``/``reload``/``go_back`` check the document they leave if its check has not run, and
  return once the new document's check is done; the last document of each page is checked at the
  end of the test;
- ``a11y.check(page)`` when a test wants a check at a given moment (e.g. once Swagger UI is drawn).

A document left by a click before its check ended (about 0.1 to 0.5 s) cannot be checked any more:
holding the navigation request with a route does not work, Chromium does not evaluate anything in
a page whose navigation request is paused. Such documents are counted and named in the test's
report section "accessibilité" (``A11yChecker.unchecked``), so that a journey can check them with
``a11y.check(page)`` before leaving.

A test fails when any violation was found (:meth:`A11yChecker.assert_clean`, called after the test
body by ``pytest_runtest_call`` in ``conftest.py``), with rule id, impact, target selectors and help
URL of each. A rule is never switched off: a third-party widget's node may be excepted only for one
rule and one selector, with its reason (``EXCEPTIONS``), and each exception is listed in the
accessibility statement (``/accessibilite/``).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Error, Page

ROOT = Path(__file__).resolve().parents[2]
AXE_PACKAGE = Path(__file__).parent / "axe" / "package.json"
AXE_JS = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
RUNNER_JS = Path(__file__).parent / "axe" / "runner.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SETTLE_MS = 50  # DSFR's script sets up its components after ``load``

# (rule, CSS selector the node is inside, reason): one rule, one third-party widget, a written reason.
EXCEPTIONS: list[dict] = [
    {
        "rule": "nested-interactive",
        "selector": ".swagger-ui .opblock-summary",
        "reason": (
            "Swagger UI (drf-spectacular-sidecar) draws each operation's summary as a control that "
            "holds other controls (copy button, lock icon): upstream markup, swagger-api/swagger-ui; "
            "listed as an exception in the accessibility statement."
        ),
    },
]


def axe_version() -> str:
    return json.loads(AXE_PACKAGE.read_text())["dependencies"]["axe-core"]


@dataclass
class Finding:
    url: str
    reason: str
    rule: str
    impact: str
    help: str
    help_url: str
    targets: list[str]
    html: list[str]

    def describe(self) -> str:
        path = urlsplit(self.url)
        where = (
            f"{path.path}{'?' + path.query if path.query else ''}"
            if path.scheme.startswith("http")
            else self.url
        )
        lines = [
            f"- {self.rule} [{self.impact}] sur {where} ({self.reason}) : {self.help}",
            f"  {self.help_url}",
        ]
        for target, html in zip(self.targets, self.html, strict=True):
            lines.append(f"  cible : {target}    {html[:160]}")
        return "\n".join(lines)


@dataclass
class A11yChecker:
    """The checks of one test's browser context: findings, checked documents, script errors."""

    findings: list[Finding] = field(default_factory=list)
    documents: dict = field(default_factory=dict)  # document id -> [url, number of checks]
    errors: list[str] = field(default_factory=list)
    _seen: set = field(default_factory=set)

    def attach(self, context: BrowserContext) -> None:
        if not AXE_JS.exists():
            raise RuntimeError(
                f"axe-core absent ({AXE_JS.relative_to(ROOT)}) : lancez `make axe` "
                "(npm ci de tests/e2e/axe/package-lock.json dans var/npm)."
            )
        config = {"tags": TAGS, "settleMs": SETTLE_MS, "exceptions": EXCEPTIONS}
        context.expose_binding("__a11yReport", lambda source, report: self.record(report))
        context.add_init_script(path=str(AXE_JS))
        context.add_init_script(
            script=f"window.__A11Y_CONFIG = {json.dumps(config)};\n{RUNNER_JS.read_text()}"
        )
        context.on("page", self._wrap_navigation)
        for page in context.pages:
            self._wrap_navigation(page)

    def _wrap_navigation(self, page: Page) -> None:
        """``goto``, ``reload``, ``go_back``, ``go_forward`` check the document they leave (if not yet
        done) and return once the new one is checked."""
        for name in ("goto", "reload", "go_back", "go_forward"):
            original = getattr(page, name)

            def wrapped(*args, _original=original, **kwargs):
                self._ensure(page)  # the document being left, if its check has not run yet
                response = _original(*args, **kwargs)
                self._ensure(page)
                return response

            setattr(page, name, wrapped)

    def record(self, report: dict) -> None:
        entry = self.documents.setdefault(report.get("doc"), [report.get("url"), 0])
        if report.get("loaded"):
            return
        entry[1] += 1
        if report.get("error"):
            self.errors.append(f"{report.get('url')}: {report['error']}")
        for v in report.get("violations", []):
            key = (urlsplit(report["url"]).path, v["id"], tuple(n["target"] for n in v["nodes"]))
            if key in self._seen:  # the same page seen twice in a journey: reported once
                continue
            self._seen.add(key)
            self.findings.append(
                Finding(
                    url=report["url"],
                    reason=report.get("reason", ""),
                    rule=v["id"],
                    impact=v.get("impact") or "",
                    help=v["help"],
                    help_url=v["helpUrl"],
                    targets=[n["target"] for n in v["nodes"]],
                    html=[n["html"] for n in v["nodes"]],
                )
            )

    def _ensure(self, page: Page, reason: str = "") -> None:
        # The document may go away meanwhile (closed page, history navigation): nothing left to check.
        with contextlib.suppress(Error):
            page.evaluate("(reason) => window.__a11y && window.__a11y.ensure(reason)", reason or None)

    def check(self, page: Page, reason: str = "vérification demandée") -> list[Finding]:
        """Check the page now (e.g. once a client-side widget is drawn); returns the new findings."""
        before = len(self.findings)
        page.evaluate(
            "async (reason) => { await window.__a11y.idle(); await window.__a11y.run(reason); }", reason
        )
        return self.findings[before:]

    def finish(self, context: BrowserContext) -> None:
        for page in context.pages:
            if not page.is_closed():
                self._ensure(page, "fin du parcours")

    @property
    def unchecked(self) -> list[str]:
        """Documents left before their check ended (see the module's docstring)."""
        return [url for url, checks in self.documents.values() if not checks]

    def summary(self) -> str:
        checked = sum(1 for _, checks in self.documents.values() if checks)
        lines = [
            f"{checked} document(s) vérifié(s) par axe-core {axe_version()}, {len(self.findings)} violation(s)"
        ]
        lines += [f"non vérifié (quitté avant la fin de la vérification) : {url}" for url in self.unchecked]
        return "\n".join(lines)

    def take(self) -> list[Finding]:
        """The findings so far, forgotten (for the test showing that the check fails)."""
        findings, self.findings = self.findings, []
        self._seen.clear()
        return findings

    def report(self) -> str:
        head = (
            f"Accessibilité : {len(self.findings)} violation(s) WCAG 2.0/2.1 A/AA "
            f"(axe-core {axe_version()}) sur {len({f.url for f in self.findings})} page(s)"
        )
        return "\n".join([head, *(f.describe() for f in self.findings)])

    def assert_clean(self) -> None:
        if self.errors:
            raise AssertionError("axe-core n'a pas pu vérifier : " + "; ".join(self.errors))
        if self.findings:
            raise AssertionError(self.report())
