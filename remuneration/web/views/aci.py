"""CPTS coordinator: the ACI envelope of their CPTS, indicators progress, and the ACI simulator (§7.6, §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cpts.selectors import structures_coordinated_by
from cpts.selectors.pay import cpts_facts_for_structures, cpts_of_territory
from remuneration import permissions
from remuneration.api.apis.simulations import simulate_aci
from remuneration.rules.aci import aci_envelope, contract_input
from remuneration.rules.periods import period_parse
from remuneration.selectors.aci import aci_contract_progress, cpts_indicators_of_period, variable_shares_of
from remuneration.services.builders.aci import aci_tables
from remuneration.web.forms import AciSimulatorForm
from sas_platform.exceptions import ApplicationError
from sas_platform.selectors import territory_codes_for_user


def _cpts_for(user, on: dt.date):
    if user.has_role("coordinateur_structure"):
        ids = list(structures_coordinated_by(user=user).values_list("pk", flat=True))
        return cpts_facts_for_structures(structure_ids=ids, on=on)
    result = []
    for code in sorted(territory_codes_for_user(user=user)):
        result.extend(cpts_of_territory(departement=code, on=on))
    return result


def _year(request) -> int:
    today = timezone.localdate().year
    try:
        year = int(request.GET.get("annee") or today)
    except ValueError:
        return today
    return year if 2019 <= year <= today + 1 else today


def _envelope(cpts, year: int, tables, shares):
    if tables is None:
        return None
    return aci_envelope(
        contract_input(cpts, year=year, shares=shares),
        tables,
    )


@login_required
@require_GET
def aci_envelopes(request: HttpRequest) -> HttpResponse:
    """The envelope of each CPTS, the indicators of the year (DOMAIN.md §5: participation, SAS
    requests ended in an appointment, vacations done, SNP consultations by category) and the
    contract's indicators (weights, targets: read-only here) with their progress (§7.6)."""
    if not permissions.can_view_aci(request.user):
        raise PermissionDenied
    year = _year(request)
    period = period_parse("aci", str(year))
    error = None
    try:
        tables = aci_tables(period.last_day)
    except ApplicationError as exc:
        tables, error = None, exc.message
    cpts_list = _cpts_for(request.user, period.last_day)
    ids = [c.id for c in cpts_list]
    indicators = cpts_indicators_of_period(
        cpts_ids=ids, period=period, on=min(timezone.localdate(), period.last_day)
    )
    progress = aci_contract_progress(cpts_ids=ids, year=year, indicators=indicators)
    rows = [
        {
            "cpts": cpts,
            "envelope": _envelope(cpts, year, tables, variable_shares_of(progress.get(cpts.id))),
            "indicators": indicators[cpts.id],
            "contract": progress.get(cpts.id, {}).get("access"),
        }
        for cpts in cpts_list
    ]
    return render(
        request,
        "remuneration/aci.html",
        {
            "title": "Enveloppe ACI et indicateurs",
            "rows": rows,
            "year": year,
            "years": list(range(timezone.localdate().year, 2021, -1)),
            "error": error,
            "form": AciSimulatorForm(initial={"members": 0, "year_of_contract": 1}),
        },
    )


@login_required
@require_POST
def aci_simulate(request: HttpRequest) -> HttpResponse:
    """HTMX: the simulator's result (or its French errors) as a partial."""
    if not permissions.can_simulate(request.user):
        raise PermissionDenied
    form = AciSimulatorForm(request.POST)
    result = None
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        if data.get("signed_on"):
            data["signed_on"] = data["signed_on"].isoformat()
        result = simulate_aci(data)
        money = ("fixed", "variable", "majoration", "operating_increase", "early_mission", "total")
        result = {
            **result,
            **{k: Decimal(result[k]) for k in money},
        }  # French display like the rest of the page
    return render(request, "remuneration/_simulation.html", {"form": form, "result": result})
