"""Every route of the URLconf answers without a server error, for every demo role and anonymously
(issue 9: "every page of every role works on both databases").

The crawl walks the whole URLconf (site, API, FHIR; the admin for the platform administrator),
fills the routes that take ids with objects of the demo (``seed_demo`` at ``DEMO_SCALE`` 0.25) and
GETs each one as each demo account and as an anonymous visitor. Any 5xx fails the test, listing
every failing ``(account, URL, exception)``. A route that takes an id the crawl cannot fill fails
too: a new route must be added to :data:`ROUTE_OBJECTS`.

Marked ``sqlite_crawl``: ``make test`` runs it on PostgreSQL with the suite, then again on the
embedded default (SQLite), see the Makefile's ``test`` target.
"""

from __future__ import annotations

import re
import time
import traceback

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.signals import got_request_exception
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

pytestmark = [pytest.mark.sqlite_crawl, pytest.mark.django_db]

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

#: route name → for each of its parameters, the kind of demo object that fills it.
ROUTE_OBJECTS: dict[str, dict[str, str]] = {
    "professional": {"pk": "professional"},
    "structure": {"pk": "structure"},
    "structure-member-add": {"pk": "structure"},
    "structure-member-end": {"pk": "structure", "membership_pk": "membership"},
    "structure-participation-declare": {"pk": "structure"},
    "structure-contact": {"pk": "structure"},
    "my-participation-close": {"pk": "participation"},
    "planning-source": {"pk": "source"},
    "planning-source-run": {"pk": "source"},
    "planning-run-progress": {"pk": "source_run"},
    "planning-slot": {"pk": "slot"},
    "planning-structure-rule": {"pk": "structure"},
    "planning-availability-remove": {"pk": "availability"},
    "regulation-dossier": {"pk": "dossier"},
    "regulation-dossier-route": {"pk": "dossier"},
    "regulation-dossier-claim": {"pk": "dossier"},
    "regulation-dossier-release": {"pk": "dossier"},
    "regulation-decision": {"pk": "dossier"},
    "regulation-orientation": {"pk": "dossier"},
    "regulation-orientation-results": {"pk": "dossier"},
    "regulation-orientation-mt": {"pk": "dossier"},
    "regulation-orientation-book": {"pk": "dossier"},
    "regulation-orientation-hold": {"pk": "dossier"},
    "regulation-orientation-hold-release": {"pk": "booking_dossier", "booking_pk": "booking"},
    "regulation-orientation-surnumeraire": {"pk": "dossier"},
    "regulation-orientation-close": {"pk": "dossier"},
    "regulation-booking-outcome": {"pk": "booking"},
    "regulation-request-answer": {"pk": "surnumeraire_request"},
    "regulation-shift": {"pk": "shift"},
    "password_reset_confirm": {"uidb64": "uidb64", "token": "token"},
    "api-cpts-professional": {"pk": "professional"},
    "api-cpts-detail": {"pk": "cpts"},
    "api-cpts-participation-close": {"pk": "participation"},
    "api-cpts-import-run": {"pk": "import_run"},
    "api-planning-source-runs": {"pk": "source"},
    "api-planning-source-run": {"pk": "source"},
    "api-planning-availability": {"pk": "availability"},
    "api-planning-availability-update": {"pk": "availability"},
    "api-planning-availability-delete": {"pk": "availability"},
    "api-regulation-dossier": {"pk": "dossier"},
    "api-regulation-dossier-route": {"pk": "dossier"},
    "api-regulation-dossier-claim": {"pk": "dossier"},
    "api-regulation-dossier-release": {"pk": "dossier"},
    "api-regulation-dossier-decide": {"pk": "dossier"},
    "api-regulation-dossier-book": {"pk": "dossier"},
    "api-regulation-dossier-close": {"pk": "dossier"},
    "api-regulation-booking-outcome": {"pk": "booking"},
    "api-regulation-surnumeraire-answer": {"pk": "surnumeraire_request"},
    "api-regulation-shift-correct": {"pk": "shift"},
    "api-regulation-shift-history": {"pk": "shift"},
    "api-regulation-act-fact-correct": {"pk": "act_fact"},
    "api-regulation-dossier-treating-doctor": {"pk": "dossier"},
    "api-regulation-dossier-bookings": {"pk": "dossier"},
    "regulation-act-fact": {"pk": "act_fact"},
    "fhir-appointment-read": {"pk": "booking"},
    "bordereau": {"pk": "bordereau"},
    "bordereau-action": {"pk": "bordereau", "action": "bordereau_action"},
    "bordereau-export": {"pk": "bordereau", "fmt": "export_format"},
    "protocol-acts": {"pk": "structure"},
    "protocol-report": {"pk": "structure"},
    "api-remuneration-bordereau": {"pk": "bordereau"},
    "api-remuneration-bordereau-validate": {"pk": "bordereau"},
    "api-remuneration-bordereau-send-back": {"pk": "bordereau"},
    "api-remuneration-bordereau-lock": {"pk": "bordereau"},
    "api-remuneration-bordereau-mark-paid": {"pk": "bordereau"},
    "api-remuneration-bordereau-export": {"pk": "bordereau", "fmt": "export_format"},
    # CPTS vacation planning (issue 11)
    **{
        name: {"pk": "vacation_planning"}
        for name in (
            "vacations-calendar",
            "vacations-week",
            "vacations-load",
            "vacations-leaves",
            "vacations-closures",
            "vacations-generate",
            "vacations-setup",
            "vacations-publish",
            "vacations-autofill",
            "vacations-unfilled",
            "vacations-requests",
            "vacations-self-assignment",
            "vacations-statistics",
            "vacations-planning-notices",
            "api-vacations-list",
            "api-vacations-statistics",
            "api-vacations-closure-days",
            "api-vacations-load",
        )
    },
    **{
        name: {"pk": "vacation"}
        for name in (
            "vacations-vacation",
            "vacations-claim",
            "vacations-transfer",
            "vacations-confirm",
            "api-vacations-assign",
            "api-vacations-claim",
            "api-vacations-release",
            "api-vacations-confirm",
        )
    },
    **{
        name: {"pk": "transfer_request"}
        for name in (
            "vacations-approve",
            "vacations-answer",
            "api-vacations-transfer-accept",
            "api-vacations-transfer-refuse",
            "api-vacations-transfer-approve",
            "api-vacations-transfer-cancel",
        )
    },
    "vacations-proposal": {"pk": "autofill_proposal"},
    "vacations-person": {"pk": "vacation_planning", "professional_pk": "planning_member"},
    "vacations-leave-delete": {"pk": "unavailability"},
    "api-vacations-unavailability": {"pk": "unavailability"},
    "vacations-ics": {"token": "ics_token"},
}

#: Query strings crawled besides the bare URL (the branches a page takes on its parameters).
EXTRA_QUERIES: dict[str, list[str]] = {
    "regulation-dashboard": ["?periode=semaine", "?periode=mois", "?periode=mois&format=csv"],
    "directory": ["?name=martin", "?commune=13055&radius_km=20&surnumeraire=on"],
    "fhir-slot-search": ["?start=ge2026-01-01"],
    "vacations-plannings": ["?mois=2026-01"],
    "api-vacations-unavailabilities": ["?planning=1", "?planning=x"],
    "api-planning-slots-search": ["?commune=13055"],
    "commune-autocomplete": ["?q=aub"],
    "aci": ["?annee=2025", "?annee=inconnue"],
}


def _routes(resolver=None, prefix: str = "", namespace_admin: bool = False):
    """``(pattern, name, is_admin)`` of every route of the URLconf, includes flattened."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            is_admin = namespace_admin or entry.namespace == "admin" or entry.app_name == "admin"
            yield from _routes(entry, prefix + str(entry.pattern), is_admin)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, namespace_admin


def _demo_objects(users: dict) -> dict[str, list]:
    """Ids of demo objects, by kind: a dossier in each of its states, one object of every other kind."""
    from cpts.enums import StructureKind
    from cpts.models import ImportRun, Membership, Professional, SasParticipation, Structure
    from planning.models import AgendaSource, DeclaredAvailability, Slot, SourceRun
    from planning.vacations.ics import token_renew
    from planning.vacations.models import (
        AutofillProposal,
        TransferRequest,
        Unavailability,
        Vacation,
        VacationPlanning,
    )
    from regulation.models import ActFact, Booking, Dossier, RegulatorShift, SurnumeraireRequest
    from remuneration.models import Bordereau

    def first(queryset):
        pk = queryset.order_by("pk").values_list("pk", flat=True).first()
        return [pk if pk is not None else 999_999]  # none in the demo: the 404 path is crawled

    coordinator = users["coordinateur@demo.sas"]
    structure = Structure.objects.filter(coordinators__user=coordinator).order_by("pk").first()
    dossiers = {}
    for pk, state in Dossier.objects.order_by("pk").values_list("pk", "state"):
        dossiers.setdefault(state, pk)
    booking = Booking.objects.order_by("pk").first()
    admin = users["admin@demo.sas"]
    return {
        "professional": first(Professional.objects.filter(memberships__isnull=False)),
        "structure": [structure.pk] if structure else first(Structure.objects),
        "membership": first(Membership.objects.filter(structure=structure)),
        "participation": first(SasParticipation.objects),
        "cpts": first(Structure.objects.filter(kind=StructureKind.CPTS)),
        "import_run": first(ImportRun.objects),
        "source": first(AgendaSource.objects),
        "source_run": first(SourceRun.objects),
        "slot": first(Slot.objects),
        "availability": first(DeclaredAvailability.objects),
        "dossier": list(dossiers.values()) or [999_999],
        "booking": [booking.pk] if booking else [999_999],
        "booking_dossier": [booking.dossier_id] if booking else [999_999],
        "surnumeraire_request": first(SurnumeraireRequest.objects),
        "shift": first(RegulatorShift.objects),
        "act_fact": first(ActFact.objects),
        "uidb64": [urlsafe_base64_encode(force_bytes(admin.pk))],
        "token": [default_token_generator.make_token(admin)],
        "bordereau": first(Bordereau.objects),
        "bordereau_action": ["valider"],
        "export_format": ["csv", "pdf"],
        "vacation_planning": first(VacationPlanning.objects),
        "vacation": first(Vacation.objects.filter(state="assigned")),
        "transfer_request": first(TransferRequest.objects),
        "autofill_proposal": first(AutofillProposal.objects),
        "unavailability": first(Unavailability.objects),
        "planning_member": [
            Vacation.objects.filter(planning_id=first(VacationPlanning.objects)[0], assignee__isnull=False)
            .order_by("pk")
            .values_list("assignee_id", flat=True)
            .first()
            or 999_999
        ],
        "ics_token": [
            token_renew(
                actor=None, planning_id=VacationPlanning.objects.values_list("pk", flat=True).first()
            ).token
            if VacationPlanning.objects.exists()
            else "inconnu"
        ],
    }


def _urls(objects: dict[str, list]) -> tuple[list[tuple[str, bool]], list[str]]:
    """``([(url, is_admin)], [routes the crawl cannot fill])``."""
    urls, unfilled = [], []
    for pattern, name, is_admin in _routes():
        if pattern.startswith("^"):  # the API's catch-all (``^api/.*$``)
            urls.append(("/" + pattern.strip("^$").replace(".*", "route-inconnue/"), is_admin))
            continue
        params = [match["name"] for match in PARAM.finditer(pattern)]
        if not params:
            path = "/" + pattern
            urls.extend((path + query, is_admin) for query in ["", *EXTRA_QUERIES.get(name, [])])
            continue
        if is_admin:
            continue  # the admin's object pages: its changelists and add forms are crawled
        kinds = ROUTE_OBJECTS.get(name)
        if kinds is None or set(kinds) != set(params):
            unfilled.append(f"{name}: {pattern}")
            continue
        variants = [{}]
        for param in params:
            variants = [{**v, param: value} for v in variants for value in objects[kinds[param]]]
        for values in variants:
            urls.append(("/" + PARAM.sub(lambda m, v=values: str(v[m["name"]]), pattern), is_admin))
    return urls, unfilled


def test_every_route_answers_without_a_server_error_for_every_role(settings):
    from sas_platform.demo import DEMO_USERS, demo_seed
    from sas_platform.models import Commune, User
    from sas_platform.services import geography_load

    settings.DEMO_SCALE = 0.1
    started = time.monotonic()
    if not Commune.objects.filter(insee_code="13055").exists():
        geography_load(departements={"13"})
    demo_seed()
    users = {user.email: user for user in User.objects.filter(email__endswith="@demo.sas")}
    assert {u.email for u in DEMO_USERS} <= set(users), "comptes de démonstration manquants"
    urls, unfilled = _urls(_demo_objects(users))
    assert not unfilled, "routes à identifiant que le parcours ne sait pas remplir : " + ", ".join(unfilled)
    seeded = time.monotonic()

    errors: list[str] = []

    def record(sender, request=None, **kwargs):
        errors.append(traceback.format_exc(limit=-3))

    got_request_exception.connect(record)
    failures, requests = [], 0
    no_get: set[str] = set()  # a route without GET (405) answers so for every account: asked once
    try:
        for account in [None, *sorted(users)]:
            client = Client(raise_request_exception=False)
            if account:
                client.force_login(users[account])
            for url, is_admin in urls:
                if url in no_get or (is_admin and account not in (None, "admin@demo.sas")):
                    continue
                errors.clear()
                response = client.get(url, HTTP_ACCEPT="text/html,application/json;q=0.9,*/*;q=0.8")
                requests += 1
                if response.status_code == 405:
                    no_get.add(url)
                if response.status_code >= 500:
                    detail = errors[-1].strip().splitlines()[-1] if errors else response.content[:200]
                    failures.append(f"{account or 'anonyme'} GET {url} → {response.status_code} : {detail}")
    finally:
        got_request_exception.disconnect(record)
    elapsed = time.monotonic() - seeded
    print(
        f"\n[crawl {connection.vendor}] {len(urls)} URL, {requests} requêtes en {elapsed:.1f} s "
        f"(démo en {seeded - started:.1f} s), {len(failures)} erreur(s) serveur"
    )
    assert not failures, f"{len(failures)} réponse(s) 5xx :\n" + "\n".join(failures)
