"""The operational dashboard page (SAS administrators and platform administrators): figures from
``regulation.dashboard`` (SQL aggregations), charts drawn by a static script from ``json_script``
data (strict CSP), and the same figures as CSV."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from regulation import dashboard, permissions
from regulation.web import forms
from sas_platform.models import SasTerritory
from sas_platform.selectors import territory_codes_for_user


def dashboard_territories(user) -> list[SasTerritory]:
    """SAS territories whose dashboard ``user`` may see."""
    codes = territory_codes_for_user(user=user)
    return [
        t
        for t in SasTerritory.objects.filter(departement_id__in=codes).order_by("departement_id")
        if permissions.can_view_dashboard(user, t.departement_id)
    ]


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied
    territories = dashboard_territories(request.user)
    form = forms.DashboardForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    wanted = data.get("territoire") or ""
    if wanted and not permissions.can_view_dashboard(request.user, wanted):
        raise PermissionDenied
    codes = [wanted] if wanted else [t.departement_id for t in territories]
    if not codes:
        raise PermissionDenied
    period = data.get("periode") or "jour"
    day = data.get("date") or timezone.localdate()
    figures = dashboard.dashboard_figures(territory_codes=codes, period=period, day=day)
    if request.GET.get("format") == "csv":
        return _csv(figures)
    charts = figures.chart_data()
    return render(
        request,
        "regulation/dashboard.html",
        {
            "title": "Tableau de bord du SAS",
            "figures": figures,
            "rows": figures.rows(),
            "charts": charts,
            "chart_tables": chart_tables(charts),
            "territories": territories,
            "territory": wanted,
            "period": period,
            "periods": dashboard.PERIODS,
            "day": day,
            "query": request.GET.urlencode(),
        },
    )


# Each chart's data table (RGAA 1.1 / WCAG 1.1.1, issue 15): caption, header of the labels, of the values.
CHART_TABLES = {
    "hours": ("Appels par heure de la journée", "Heure", "Appels"),
    "days": ("Appels par jour", "Jour", "Appels"),
    "routing": ("Répartition AMU et médecine générale", "Orientation", "Appels"),
    "orientations": ("Orientations par issue", "Issue", "Dossiers"),
    "outcomes": ("Issues des rendez-vous", "Issue", "Rendez-vous"),
    "surnumeraire": ("Demandes en surnuméraire par réponse", "Réponse", "Demandes"),
}


def chart_tables(charts: dict) -> dict:
    """The figures each chart draws, as rows of a table shown under it: the same ``chart_data``."""
    return {
        key: {
            "caption": caption,
            "label_header": label_header,
            "value_header": value_header,
            "rows": list(zip(charts[key]["labels"], charts[key]["values"], strict=True)),
        }
        for key, (caption, label_header, value_header) in CHART_TABLES.items()
        if key in charts
    }


def _csv(figures: dashboard.DashboardFigures) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"tableau-de-bord-{'-'.join(figures.territories)}-{figures.period}-{figures.start:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["indicateur", "libelle", "valeur"])
    for code, label, value in figures.rows():
        writer.writerow([code, label, "" if value is None else value])
    for hour, n in enumerate(figures.calls_per_hour):
        writer.writerow([f"appels_heure_{hour:02d}", f"Appels de {hour} h à {hour + 1} h", n])
    for day, n in figures.calls_per_day:
        writer.writerow([f"appels_jour_{day:%Y-%m-%d}", f"Appels le {day:%d/%m/%Y}", n])
    for code, label, n in figures.orientations:
        writer.writerow([f"orientation_{code}", label, n])
    for code, label, n in figures.appointment_outcomes:
        writer.writerow([f"rdv_{code}", label, n])
    for code, label, n in figures.surnumeraire_by_status:
        writer.writerow([f"surnumeraire_{code}", label, n])
    return response
