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
from cpts.selectors.pay import cpts_facts_for_structures, cpts_of_territory, cpts_participation_counts
from regulation.selectors.pay import acts_of_structures, structure_requests_ended_in_appointment
from remuneration import permissions
from remuneration.api.apis.simulations import simulate_aci
from remuneration.rules.aci import AciInput, aci_envelope
from remuneration.rules.cpts_indicators import cpts_indicators
from remuneration.rules.periods import period_parse
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


@login_required
@require_GET
def aci_envelopes(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_aci(request.user):
        raise PermissionDenied
    year = timezone.localdate().year
    period = period_parse("aci", str(year))
    rows, error = [], None
    try:
        tables = aci_tables(period.last_day)
    except ApplicationError as exc:
        tables, error = None, exc.message
    cpts_list = _cpts_for(request.user, period.last_day)
    requests = structure_requests_ended_in_appointment(
        structure_ids=[c.id for c in cpts_list], start=period.start, end=period.end
    )
    for cpts in cpts_list:
        envelope = None
        if tables is not None:
            envelope = aci_envelope(
                AciInput(
                    size=cpts.size,
                    members=cpts.members,
                    signed_on=cpts.aci_signed_on,
                    with_sas=cpts.territory_with_sas,
                    year=year,
                    missions=("access", "crisis"),
                    year_of_contract=max(1, year - cpts.aci_signed_on.year + 1) if cpts.aci_signed_on else 1,
                ),
                tables,
            )
        indicators = cpts_indicators(
            counts=cpts_participation_counts(structure_id=cpts.id, on=timezone.localdate()),
            requests=requests.get(cpts.id, {}),
            acts=acts_of_structures(structure_ids=[cpts.id], start=period.start, end=period.end),
        )
        rows.append({"cpts": cpts, "envelope": envelope, "indicators": indicators})
    return render(
        request,
        "remuneration/aci.html",
        {
            "title": "Enveloppe ACI",
            "rows": rows,
            "year": year,
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
