"""Effecteur and régulateur: « mes rémunérations », each amount with why, down to the facts; the
indicator 8 conditions of the year and an exportable proof (DOMAIN.md §7.1: weeks with ≥ 2 h
visible, participation history) to hand to the CPAM; indicator 9's count for the current and the
previous quarter, with every surnuméraire act not counted by the tiers and why (§7.2)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cpts.selectors import participation_history, professional_get_by_rpps
from cpts.selectors.pay import Declaration, ParticipantFacts
from remuneration import permissions, selectors
from remuneration.exceptions import BaremeGapError
from remuneration.selectors.baremes import bareme_in_force
from remuneration.selectors.indicator9 import indicator9_gaps_for_doctor, recent_quarters
from remuneration.services.builders.indicator8 import indicator8_for
from sas_platform.selectors import territories_for_user


def _indicator8(user, year: int):
    professional = professional_get_by_rpps(rpps=user.rpps) if user.rpps else None
    if professional is None:
        return None, [], None, []
    history = list(participation_history(professional=professional))
    participant = ParticipantFacts(
        professional.pk,
        professional.identifier,
        professional.last_name,
        professional.first_name,
        tuple(Declaration(p.start_date, p.end_date, p.mode, p.structure_id, p.visibility) for p in history),
    )
    territories = [t for t in territories_for_user(user=user) if getattr(t, "sas_territory", None)]
    opened = min((t.sas_territory.opened_on for t in territories if t.sas_territory.opened_on), default=None)
    try:
        amount = bareme_in_force("indicator8", dt.date(year, 12, 31)).amount
    except BaremeGapError as error:
        amount, gap = None, error.message
    else:
        gap = None
    ((_, weeks, result),) = indicator8_for(
        participants=[participant], year=year, sas_opened_on=opened, amount=amount
    )
    return result, weeks, gap, history


@login_required
@require_GET
def my_remuneration(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_own_remuneration(request.user):
        raise PermissionDenied
    year = timezone.localdate().year
    result, weeks, gap, history = _indicator8(request.user, year)
    lines = selectors.lines_for_professional(rpps=request.user.rpps)
    professional = professional_get_by_rpps(rpps=request.user.rpps) if request.user.rpps else None
    ind9 = []
    if request.user.rpps:
        for quarter in recent_quarters(timezone.localdate()):
            gaps = indicator9_gaps_for_doctor(
                rpps=request.user.rpps,
                professional_id=professional.pk if professional else None,
                quarter=quarter,
            )
            if gaps.recorded:
                ind9.append(gaps)
    return render(
        request,
        "remuneration/mine.html",
        {
            "title": "Mes rémunérations",
            "lines": lines,
            "year": year,
            "ind8": result,
            "gap": gap,
            "history": history,
            "visible_weeks": [w for w in weeks if w.visible],
            "ind9": ind9,
        },
    )


@login_required
@require_GET
def my_proof(request: HttpRequest) -> HttpResponse:
    """CSV proof of participation (DOMAIN.md §7.1): weeks with ≥ 2 h visible, participation history."""
    if not permissions.can_view_own_remuneration(request.user):
        raise PermissionDenied
    year = int(request.GET.get("annee") or timezone.localdate().year)
    result, weeks, _gap, history = _indicator8(request.user, year)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Preuve de participation au SAS", f"RPPS {request.user.rpps}", f"année {year}"])
    writer.writerow(["Déclaration", "début", "fin", "mode", "visibilité"])
    for p in history:
        writer.writerow(
            [
                "",
                f"{p.start_date:%d/%m/%Y}",
                f"{p.end_date:%d/%m/%Y}" if p.end_date else "en cours",
                p.get_mode_display(),
                p.get_visibility_display(),
            ]
        )
    writer.writerow(["Semaine du", "heures déclarées", "agenda interfacé", "visible (≥ 2 h ou agenda)"])
    for week in weeks:
        writer.writerow(
            [
                f"{week.week_start:%d/%m/%Y}",
                f"{week.declared_hours:.2f}".replace(".", ","),
                "oui" if week.agenda_interfaced else "non",
                "oui" if week.visible else "non",
            ]
        )
    if result is not None:
        writer.writerow(["Mois remplis", " ".join(str(m) for m in result.months_met) or "aucun"])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="preuve-participation-sas-{year}.csv"'
    return response
