"""Permission matrix over every route (issue 13, "What to build" 4).

The URLconf is enumerated (site, API, FHIR, admin); every route must be declared in ``ROUTES``
(a route missing from the table fails). Each route is then requested (its declared method, an
empty body for POST) by the anonymous visitor, a user of every role in territory 13, and the
territorial roles of territory 83 (another territory), against the declared audience:

- in the audience: never 401/403 nor a redirect to a log-in page, never a 5xx;
- outside it: 401, 403, 404 or a redirect to a log-in page — never a 2xx, never a 5xx.

Audiences: role codes, ``PUBLIC`` (anonymous included), ``ANY`` (every signed-in user),
``NONE`` (no session user: token-only machine endpoints). ``territorial`` routes name an object of
territory 13: the users of 83 are outside their audience.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from sas_platform.enums import Role
from tests.security.route_world import TERRITORIAL_ROLES, build_world

PUBLIC, ANY, NONE = "public", "any", "none"
ARM, REG, OSNP, EFF, COORD = "arm", "regulateur", "osnp", "effecteur", "coordinateur_structure"
CPAM, ARS, ASAS, APF = "agent_cpam", "agent_ars", "admin_sas", "admin_plateforme"
DESK = {ARM, REG, OSNP}
PAYERS = {CPAM, ARS, ASAS, APF}  # who sees the bordereaux of their territory (DOMAIN.md §7.5)
PLAN_ADMIN = {COORD, APF}  # who administers a CPTS's vacation planning (issue 11)
PLAN_VIEW = PLAN_ADMIN | {EFF}  # ... and its members


@dataclass(frozen=True)
class Route:
    audience: frozenset | str
    method: str = "GET"
    params: dict = field(default_factory=dict)  # URL parameter → key of the world's ids
    territorial: bool = False
    example: str = ""  # a concrete path when the pattern is not reversible (regex routes)
    data: dict = field(default_factory=dict)  # the POST body (empty by default)


def R(audience, method="GET", territorial=False, example="", data=None, **params):
    aud = audience if isinstance(audience, str) else frozenset(audience)
    return Route(aud, method, params, territorial, example, data or {})


ROUTES: dict[str, Route] = {
    # --- shared kernel ----------------------------------------------------------------------
    "": R(ANY),
    "connexion/": R(PUBLIC),
    "deconnexion/": R(PUBLIC, "POST"),  # anyone may post it (it redirects to the log-in page)
    "mot-de-passe/oubli/": R(PUBLIC),
    "mot-de-passe/oubli/envoye/": R(PUBLIC),
    "mot-de-passe/nouveau/<uidb64>/<token>/": R(PUBLIC, example="mot-de-passe/nouveau/MQ/inconnu/"),
    "mot-de-passe/modifie/": R(PUBLIC),
    # second factor (issue 13): any signed-in user may open them; the middleware sends there
    # those who must give one
    "double-facteur/activer/": R(ANY),
    "double-facteur/verifier/": R(ANY),
    "double-facteur/codes-de-secours/": R(ANY),  # a user without a device is sent to enrol
    "compte/": R(ANY),  # "Mon compte": one's own identity, roles and second factor
    # Pro Santé Connect: not configured in the tests (no client id), so its start answers 404 to
    # everyone (tests/sas_platform/test_psc*.py sign in through a real provider); the return without
    # a valid state sends everyone back to the log-in page
    "psc/connexion/": R(NONE),
    "psc/retour/": R(NONE),
    "communes/recherche/": R(ANY),
    "healthz/": R(PUBLIC),
    "accessibilite/": R(PUBLIC),  # the accessibility statement (issue 15)
    # --- directory (cpts): the desk and administrators search it; everyone sees their own ------
    "annuaire/": R(DESK | {ASAS, APF}),
    # the professional is the effecteur, a member of the coordinator's CPTS (cpts.permissions)
    "annuaire/professionnels/<int:pk>/": R(
        DESK | {EFF, COORD, ASAS, APF}, territorial=True, pk="professional"
    ),
    "annuaire/mes-structures/": R(ANY),  # the user's own structures (an empty state otherwise)
    "annuaire/structures/<int:pk>/": R(DESK | {COORD, ASAS, APF}, territorial=True, pk="structure"),
    "annuaire/structures/<int:pk>/membres/": R({COORD, ASAS, APF}, "POST", True, pk="structure"),
    "annuaire/structures/<int:pk>/membres/<int:membership_pk>/fin/": R(
        NONE,
        "POST",
        True,
        pk="structure",
        membership_pk="membership",  # no such membership: 404
    ),
    "annuaire/structures/<int:pk>/participations/": R({COORD, ASAS, APF}, "POST", True, pk="structure"),
    "annuaire/structures/<int:pk>/coordonnees/": R({COORD, ASAS, APF}, "POST", True, pk="structure"),
    "annuaire/je-participe/": R(ANY),  # the user's own declaration (an empty state otherwise)
    "annuaire/je-participe/<int:pk>/clore/": R({EFF}, "POST", pk="participation"),
    # --- planning ----------------------------------------------------------------------------
    "planning/sources/": R({COORD, ASAS, APF}),
    "planning/sources/<int:pk>/": R({COORD, ASAS, APF}, territorial=True, pk="source"),
    "planning/sources/<int:pk>/lancer/": R({ASAS, APF}, "POST", True, pk="source"),
    "planning/sources/executions/<int:pk>/": R({COORD, ASAS, APF}, territorial=True, pk="run"),
    "planning/creneaux/<int:pk>/": R(DESK | {ASAS, APF}, territorial=True, pk="slot"),
    "planning/structures/": R({COORD}),
    "planning/structures/<int:pk>/regle-2h/": R({COORD, ASAS, APF}, territorial=True, pk="structure"),
    "planning/disponibilites/": R({EFF}),
    "planning/disponibilites/<int:pk>/retirer/": R({EFF}, "POST", pk="availability_web"),
    # --- vacation planning (issue 11): the structure's coordinators (and platform administrators)
    # administer a planning; its members (effecteurs) see it and change their own vacations -----
    "planning/vacations/": R({COORD, EFF, APF}),  # my plannings (refused to who has none)
    "planning/vacations/<int:pk>/calendrier/": R(PLAN_VIEW, territorial=True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/semaine/": R(PLAN_VIEW, territorial=True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/charge/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    # a person's history: the coordinators, and the professional themselves (the world's effecteur)
    "planning/vacations/<int:pk>/personnes/<int:professional_pk>/": R(
        PLAN_VIEW, territorial=True, pk="vacation_planning", professional_pk="professional"
    ),
    "planning/vacations/<int:pk>/indisponibilites/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/fermetures/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/generer/": R(PLAN_ADMIN, "POST", True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/parametrage/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/publier/": R(PLAN_ADMIN, "POST", True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/remplissage/": R(PLAN_ADMIN, "POST", True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/non-pourvues/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/demandes/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/auto-attribution/": R(PLAN_ADMIN, "POST", True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/statistiques/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "planning/vacations/<int:pk>/rappels/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "planning/vacations/propositions/<int:pk>/": R(PLAN_ADMIN, territorial=True, pk="proposal"),
    "planning/vacations/vacation/<int:pk>/": R(PLAN_VIEW, territorial=True, pk="vacation"),
    "planning/vacations/demandes/<int:pk>/valider/": R(PLAN_ADMIN, "POST", True, pk="transfer"),
    "planning/vacations/mes-vacations/": R({EFF}),
    "planning/vacations/pot-commun/": R({EFF}),
    "planning/vacations/mes-indisponibilites/": R({EFF}),
    # the owner of the leave, a coordinator of their structure (the world's leave is under way:
    # refused with a message, never deleted)
    "planning/vacations/indisponibilites/<int:pk>/supprimer/": R(
        PLAN_VIEW, "POST", True, pk="unavailability"
    ),
    # my notification choices: professionals and coordinators (follow-ups, validations)
    "planning/vacations/mes-notifications/": R({EFF, COORD}),
    "planning/vacations/vacation/<int:pk>/prendre/": R({EFF}, "POST", True, pk="open_vacation"),
    "planning/vacations/vacation/<int:pk>/changer/": R({EFF}, territorial=True, pk="vacation"),
    "planning/vacations/vacation/<int:pk>/confirmer/": R(PLAN_VIEW, territorial=True, pk="vacation"),
    "planning/vacations/demandes/<int:pk>/repondre/": R({EFF}, "POST", True, pk="transfer"),
    # the ICS feed behind its secret token (the planning's: the effecteur's own is renewed by the
    # route below): served to anyone who has the URL (calendar applications have no session), 404
    # for an unknown or revoked token (tests/planning/vacations/test_notify_ics.py)
    "planning/vacations/calendrier/<str:token>.ics": R(PUBLIC, token="ics_token"),
    "planning/vacations/calendrier/lien/": R({EFF}, "POST"),  # my feed (a planning's: its admins)
    # --- remuneration (issue 12, DOMAIN.md §7.5): bordereaux to the CPAM and ARS agents and the
    # SAS administrators of the territory (platform administrators everywhere); « mes
    # rémunérations » to effecteurs and régulateurs; the ACI envelope to coordinators and payers
    "remuneration/": R(PAYERS),
    "remuneration/bordereaux/<int:pk>/": R(PAYERS, territorial=True, pk="bordereau"),
    # each step checks its own role in the service (a refusal is a message on the bordereau page)
    "remuneration/bordereaux/<int:pk>/<str:action>/": R(
        PAYERS, "POST", True, pk="bordereau", action="valider"
    ),
    "remuneration/bordereaux/<int:pk>/export.<str:fmt>": R(
        PAYERS, territorial=True, pk="bordereau", fmt="csv"
    ),
    "remuneration/preparer/": R({ASAS, APF}),
    "remuneration/preparer/progression/": R(
        {ASAS, APF},
        territorial=True,
        example="remuneration/preparer/progression/?kind=regulators&territory=13",
    ),
    "remuneration/aci/": R({COORD, CPAM, ARS, ASAS, APF}),
    "remuneration/aci/simulateur/": R({COORD, CPAM, ARS, ASAS, APF}, "POST"),
    # protocol acts (DOMAIN.md §7.7): the structure's managers (cpts.selectors.can_manage_structure:
    # its coordinators, the SAS administrators of its territory, platform administrators)
    "remuneration/protocoles/": R({COORD, ASAS, APF}),
    "remuneration/protocoles/<int:pk>/": R({COORD, ASAS, APF}, territorial=True, pk="structure"),
    "remuneration/protocoles/<int:pk>/declaration.csv": R(
        {COORD, ASAS, APF}, territorial=True, pk="structure"
    ),
    "remuneration/mes-remunerations/": R({EFF, REG}),
    "remuneration/mes-remunerations/preuve.csv": R({EFF, REG}),
    # --- regulation desk: territory 13's desk only (DOMAIN.md §2) ------------------------------
    "regulation/": R(DESK),
    "regulation/file/lignes/": R(DESK),
    "regulation/appel/": R({ARM, REG}),
    "regulation/dossiers/<int:pk>/": R(DESK, territorial=True, pk="dossier"),
    "regulation/dossiers/<int:pk>/orienter/": R({ARM, REG}, "POST", True, pk="dossier"),
    "regulation/dossiers/<int:pk>/prendre/": R(DESK, "POST", True, pk="dossier"),
    "regulation/dossiers/<int:pk>/relacher/": R(DESK, "POST", True, pk="dossier"),
    "regulation/dossiers/<int:pk>/decision/": R({REG}, territorial=True, pk="dossier"),
    "regulation/dossiers/<int:pk>/orientation/": R({OSNP, REG}, territorial=True, pk="dossier"),
    "regulation/dossiers/<int:pk>/orientation/creneaux/": R({OSNP, REG}, territorial=True, pk="dossier"),
    "regulation/dossiers/<int:pk>/orientation/medecin-traitant/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "regulation/dossiers/<int:pk>/orientation/reserver/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "regulation/dossiers/<int:pk>/orientation/retenir/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "regulation/dossiers/<int:pk>/orientation/retenues/<int:booking_pk>/liberer/": R(
        NONE,
        "POST",
        True,
        pk="dossier",
        booking_pk="hold",  # the world's booking is no hold: 404
    ),
    "regulation/dossiers/<int:pk>/orientation/surnumeraire/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "regulation/dossiers/<int:pk>/orientation/cloturer/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "regulation/rendez-vous/<int:pk>/issue/": R({OSNP, REG}, "POST", True, pk="booking"),
    # an act's pay facts: corrected by the territory's SAS administrators (issue 12 §3), not the desk
    "regulation/actes/": R({ASAS, APF}),  # each administrator's own territories' acts
    "regulation/actes/<int:pk>/": R({ASAS, APF}, territorial=True, pk="act_fact"),
    "regulation/demandes/<int:pk>/reponse/": R({OSNP, REG}, "POST", True, pk="request"),
    "regulation/structures/demandes/": R({COORD}),
    "regulation/tableau-de-bord/": R({ASAS, APF}),
    "regulation/gardes/": R({REG}),
    "regulation/gardes/prendre/": R({REG}, "POST", True, data={"territoire": "13"}),
    "regulation/gardes/terminer/": R({REG}, "POST"),
    "regulation/gardes/planning/": R({ASAS, APF}),
    "regulation/gardes/<int:pk>/": R({REG, ASAS, APF}, territorial=True, pk="shift"),
    # --- Django admin: platform administrators only (issue 13, finding 3) --------------------
    "admin/": R({APF}),
    # --- API ----------------------------------------------------------------------------------
    "api/v1/me/": R(ANY),
    "api/v1/auth/token/": R(PUBLIC, "POST"),
    "api/v1/communes/": R(ANY),
    "api/v1/professionals/": R(DESK | {ASAS, APF}),
    "api/v1/professionals/<int:pk>/": R(DESK | {EFF, COORD, ASAS, APF}, territorial=True, pk="professional"),
    "api/v1/structures/": R(ANY),
    "api/v1/cpts/": R(ANY),
    "api/v1/cpts/<int:pk>/": R(DESK | {COORD, CPAM, ARS, ASAS, APF}, territorial=True, pk="structure"),
    "api/v1/participations/": R({EFF}, "POST"),
    "api/v1/participations/<int:pk>/close/": R({EFF}, "POST", pk="participation"),
    "api/v1/import-runs/": R({ASAS, APF}),  # national directory imports
    "api/v1/import-runs/create/": R({ASAS, APF}, "POST"),
    "api/v1/import-runs/<int:pk>/": R({ASAS, APF}, pk="import_run"),
    "api/v1/slots/search/": R(DESK | {ASAS, APF}),
    "api/v1/agenda-sources/": R({COORD, ASAS, APF}),
    "api/v1/agenda-sources/<int:pk>/runs/": R({COORD, ASAS, APF}, territorial=True, pk="source"),
    "api/v1/agenda-sources/<int:pk>/run/": R({ASAS, APF}, "POST", True, pk="source"),
    "api/v1/declared-availabilities/": R({EFF}),
    "api/v1/declared-availabilities/create/": R({EFF}, "POST"),
    "api/v1/declared-availabilities/<int:pk>/": R({EFF}, pk="availability"),
    "api/v1/declared-availabilities/<int:pk>/update/": R({EFF}, "POST", pk="availability"),
    "api/v1/declared-availabilities/<int:pk>/delete/": R({EFF}, "POST", pk="availability"),
    "api/v1/regulation/dossiers/": R(DESK),
    "api/v1/regulation/dossiers/<int:pk>/": R(DESK, territorial=True, pk="dossier"),
    "api/v1/regulation/dossiers/<int:pk>/route/": R({ARM, REG}, "POST", True, pk="dossier"),
    # Who may take a dossier depends on its state (issue 9): the world's is decided, not the ARM's.
    "api/v1/regulation/dossiers/<int:pk>/claim/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "api/v1/regulation/dossiers/<int:pk>/release/": R(DESK, "POST", True, pk="dossier"),
    "api/v1/regulation/dossiers/<int:pk>/decide/": R({REG}, "POST", True, pk="dossier"),
    "api/v1/regulation/dossiers/<int:pk>/book/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "api/v1/regulation/dossiers/<int:pk>/close/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "api/v1/regulation/bookings/<int:pk>/outcome/": R({OSNP, REG}, "POST", True, pk="booking"),
    "api/v1/regulation/surnumeraire-requests/": R(DESK | {COORD}),
    "api/v1/regulation/surnumeraire-requests/<int:pk>/answer/": R({OSNP, REG}, "POST", True, pk="request"),
    "api/v1/regulation/shifts/": R({REG, ASAS, APF}),
    "api/v1/regulation/shifts/start/": R(ANY, "POST"),  # body-driven: an empty body is a 400 for all
    "api/v1/regulation/shifts/end/": R({REG}, "POST"),
    "api/v1/regulation/shifts/<int:pk>/correct/": R({ASAS, APF}, "POST", True, pk="shift"),
    "api/v1/regulation/shifts/<int:pk>/history/": R({REG, ASAS, APF}, territorial=True, pk="shift"),
    "api/v1/regulation/act-facts/<int:pk>/correct/": R({ASAS, APF}, "POST", True, pk="act_fact"),
    "api/v1/regulation/queue/": R(DESK),
    "api/v1/regulation/dossiers/<int:pk>/treating-doctor/": R({OSNP, REG}, "POST", True, pk="dossier"),
    "api/v1/regulation/dossiers/<int:pk>/bookings/": R(DESK, territorial=True, pk="dossier"),
    "api/v1/planning/plannings/": R(ANY),  # my plannings (an empty list otherwise)
    "api/v1/planning/plannings/<int:pk>/vacations/": R(PLAN_VIEW, territorial=True, pk="vacation_planning"),
    "api/v1/planning/plannings/<int:pk>/statistics/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "api/v1/planning/vacations/<int:pk>/assign/": R(PLAN_ADMIN, "POST", True, pk="open_vacation"),
    "api/v1/planning/vacations/<int:pk>/claim/": R({EFF}, "POST", True, pk="open_vacation"),
    "api/v1/planning/vacations/<int:pk>/release/": R({EFF}, "POST", True, pk="vacation"),
    "api/v1/planning/vacations/<int:pk>/confirm/": R(PLAN_VIEW, "POST", True, pk="vacation"),
    "api/v1/planning/transfer-requests/": R({EFF}, "POST"),
    "api/v1/planning/transfer-requests/<int:pk>/accept/": R({EFF}, "POST", True, pk="transfer"),
    "api/v1/planning/transfer-requests/<int:pk>/refuse/": R(PLAN_VIEW, "POST", True, pk="transfer"),
    "api/v1/planning/transfer-requests/<int:pk>/approve/": R(PLAN_ADMIN, "POST", True, pk="transfer"),
    "api/v1/planning/transfer-requests/<int:pk>/cancel/": R(PLAN_VIEW, "POST", True, pk="transfer"),
    "api/v1/planning/plannings/<int:pk>/closure-days/": R(
        PLAN_ADMIN, territorial=True, pk="vacation_planning"
    ),
    "api/v1/planning/plannings/<int:pk>/load/": R(PLAN_ADMIN, territorial=True, pk="vacation_planning"),
    "api/v1/planning/unavailabilities/": R({EFF}),  # my leaves (a planning's: ?planning=, its admins)
    # the world's leave is under way: its deletion is refused (409) to who may, 404 to the others
    "api/v1/planning/unavailabilities/<int:pk>/": R(PLAN_VIEW, "DELETE", True, pk="unavailability"),
    "api/v1/planning/notification-preferences/": R({EFF, COORD}),
    "api/v1/remuneration/bordereaux/": R(PAYERS),
    "api/v1/remuneration/bordereaux/<int:pk>/": R(PAYERS, territorial=True, pk="bordereau"),
    "api/v1/remuneration/bordereaux/<int:pk>/validate/": R({ARS}, "POST", True, pk="bordereau"),
    "api/v1/remuneration/bordereaux/<int:pk>/send-back/": R({ARS}, "POST", True, pk="bordereau"),
    "api/v1/remuneration/bordereaux/<int:pk>/lock/": R({CPAM}, "POST", True, pk="bordereau"),
    "api/v1/remuneration/bordereaux/<int:pk>/mark-paid/": R({CPAM}, "POST", True, pk="bordereau"),
    "api/v1/remuneration/bordereaux/<int:pk>/export.<str:fmt>": R(
        PAYERS, territorial=True, pk="bordereau", fmt="csv"
    ),
    # the barèmes are public conventional amounts and the simulators compute from their input only
    "api/v1/remuneration/baremes/": R(ANY),
    "api/v1/remuneration/simulations/aci/": R(ANY),  # no parameters: a 400 for all
    "api/v1/remuneration/simulations/indicator9/": R(ANY),
    "api/schema/": R(PUBLIC),
    "api/docs/": R(PUBLIC),
    "^api/.*$": R(NONE, example="api/v1/inconnu/"),  # a JSON 404 for anyone
    # --- FHIR: machine tokens only (an editor's feedback token, a consumer's API token) -------
    "fhir/r4/Appointment": R(NONE, "POST"),
    "fhir/r4/Appointment/<int:pk>": R(NONE, pk="booking"),
    "fhir/r4/Slot": R(NONE),
    "fhir/r4/Slot/": R(NONE),  # the guide's form, with a trailing slash (issue 14)
    "fhir/r4/metadata": R(PUBLIC),  # the CapabilityStatement
    "^fhir/r4/.*$": R(NONE, example="fhir/r4/Inconnu"),  # a 404 OperationOutcome for anyone
}

ADMIN_EXAMPLES = [
    "admin/",
    "admin/regulation/dossier/",
    "admin/sas_platform/auditevent/",
    "admin/sas_platform/patientdataaccess/",
    "admin/planning/agendasource/",
    "admin/regulation/actfact/",
    "admin/sas_platform/user/",
]


def _routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    yield "admin/"
                    continue
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    return list(dict.fromkeys(walk(get_resolver().url_patterns)))


def test_every_route_is_declared():
    missing = [route for route in _routes() if route not in ROUTES]
    assert not missing, f"Routes absentes de la matrice des permissions : {missing}"
    stale = [route for route in ROUTES if route not in _routes()]
    assert not stale, f"Routes déclarées qui n'existent plus : {stale}"


def _path(route: str, spec: Route, ids: dict) -> str:
    if spec.example:
        return "/" + spec.example
    path = route
    for name, key in spec.params.items():
        path = path.replace(f"<int:{name}>", str(ids[key])).replace(f"<str:{name}>", str(ids[key]))
    return "/" + path


def _outcome(response) -> str:
    """``served`` (2xx), ``denied`` (401/403/404 or sent to log in), ``error`` (5xx), or
    ``neutral`` (another redirect, 400, 405, 409, 422: an empty POST refused, nothing served)."""
    status = response.status_code
    location = response.get("Location", "") if status in (301, 302) else ""
    if status >= 500:
        return "error"
    if status in (401, 403, 404) or "/connexion/" in location or "/admin/login/" in location:
        return "denied"
    return "served" if status < 300 else "neutral"


def _conforms(outcome: str, expected: str) -> bool:
    if outcome == "error":
        return False
    if expected == "allowed":
        return outcome != "denied"
    return outcome != "served"


def _expected(spec: Route, who: str) -> str:
    if spec.audience == PUBLIC:
        return "allowed"
    if who == "anonyme" or spec.audience == NONE:
        return "denied"
    role, _, territory = who.partition("@")
    if territory and spec.territorial:
        return "denied"
    if spec.audience == ANY:
        return "allowed"
    return "allowed" if role in spec.audience else "denied"


def _request(client, spec: Route, path: str):
    if spec.method == "POST":
        return client.post(path, spec.data)
    if spec.method != "GET":  # PUT, DELETE (API routes)
        return client.generic(spec.method, path, "{}", content_type="application/json")
    return client.get(path)


@pytest.fixture
def world(territory, other_territory):
    return build_world(territory, other_territory)


@pytest.mark.django_db
def test_permission_matrix(world):
    users = world["users"]
    who_list = ["anonyme", *[r.value for r in Role], *[f"{r.value}@83" for r in TERRITORIAL_ROLES]]
    problems, table = [], {}
    routes = _routes()
    for who in who_list:
        signed_in = Client()
        if who != "anonyme":
            signed_in.force_login(users[who])
        for route in routes:
            spec = ROUTES[route]
            paths = (
                ["/" + p for p in ADMIN_EXAMPLES] if route == "admin/" else [_path(route, spec, world["ids"])]
            )
            for path in paths:
                client = signed_in
                if route == "deconnexion/" and who != "anonyme":  # would sign the shared client out
                    client = Client()
                    client.force_login(users[who])
                outcome = _outcome(_request(client, spec, path))
                if route == "deconnexion/":
                    outcome = "neutral"  # always a redirect to the log-in page
                table.setdefault(route, {})[who] = outcome
                expected = _expected(spec, who)
                if not _conforms(outcome, expected):
                    problems.append(f"{who:32} {spec.method} {path} → {outcome} (attendu {expected})")
    if os.environ.get("MATRIX_DISCOVER"):
        for route, row in table.items():
            allowed = sorted(w for w, o in row.items() if o != "denied" and "@" not in w)
            other = sorted(w for w, o in row.items() if o != "denied" and "@" in w)
            served = sorted(w for w, o in row.items() if o == "served")
            print(f"{route!r}: {allowed} | 83: {other} | served: {served}")
    assert not problems, "\n".join(problems)
