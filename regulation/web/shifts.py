"""Pages of the regulators' on-duty hours (DOMAIN.md §7.5): a régulateur starts and ends a shift on
the desk; a SAS administrator enters the month's schedule and corrects it (new versions, history
kept). Thin views: services write, selectors read."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from regulation import permissions, selectors, services
from regulation.models import RegulatorShift
from regulation.web import forms
from regulation.web.views._common import form_error
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError
from sas_platform.selectors import territories_for_user


def _month(request: HttpRequest) -> dt.date:
    form = forms.MonthForm(request.GET)
    if form.is_valid() and form.cleaned_data["mois"]:
        return form.cleaned_data["mois"].replace(day=1)
    return timezone.localdate().replace(day=1)


def _neighbours(month: dt.date) -> tuple[str, str]:
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return previous.strftime("%Y-%m"), following.strftime("%Y-%m")


@login_required
@require_GET
def my_shifts(request: HttpRequest) -> HttpResponse:
    """The régulateur's own shifts: take / end the shift, this month's hours."""
    territories = [
        t for t in territories_for_user(user=request.user) if permissions.can_take_shift(request.user, t.code)
    ]
    if not territories:
        raise PermissionDenied
    month = _month(request)
    shifts = selectors.shifts_of_month(user=request.user, month=month, regulator_id=request.user.pk)
    previous, following = _neighbours(month)
    closed = [s for s in shifts if not s.cancelled]
    return render(
        request,
        "regulation/shifts_mine.html",
        {
            "title": "Mes gardes",
            "open_shift": selectors.shift_open_for(user=request.user),
            "territories": territories,
            "shifts": shifts,
            "month": month,
            "previous": previous,
            "following": following,
            "sas_minutes": sum(s.sas_minutes for s in closed),
            "pdsa_minutes": sum(s.pdsa_minutes for s in closed),
        },
    )


@login_required
@require_POST
def shift_start(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("territoire", "")
    if not permissions.can_take_shift(request.user, code):
        raise PermissionDenied
    try:
        services.shift_start(actor=request.user, territory_code=code)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Garde commencée.")
    return redirect("regulation-shifts-mine")


@login_required
@require_POST
def shift_end(request: HttpRequest) -> HttpResponse:
    if selectors.shift_open_for(user=request.user) is None and not request.user.has_role(Role.REGULATEUR):
        raise PermissionDenied
    try:
        shift = services.shift_end(actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Garde terminée : {shift.total_minutes // 60} h {shift.total_minutes % 60:02d}."
        )
    return redirect("regulation-shifts-mine")


def _managed_territory(request: HttpRequest) -> str:
    codes = sorted(
        t.code
        for t in territories_for_user(user=request.user)
        if permissions.can_manage_shifts(request.user, t.code)
    )
    if not codes:
        raise PermissionDenied
    wanted = request.GET.get("territoire") or request.POST.get("territoire") or ""
    if wanted:
        if not permissions.can_manage_shifts(request.user, wanted):
            raise PermissionDenied
        return wanted
    return "13" if "13" in codes else codes[0]


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    """A SAS administrator's month: every shift of the territory, hours per regulator, new entries;
    ``?format=csv`` exports the month (the hours the ARS validates: DOMAIN.md §7.5, no amounts)."""
    territory = _managed_territory(request)
    month = _month(request)
    form = forms.ShiftScheduleForm(
        request.POST or None, regulators=selectors.regulators_of(territory_code=territory)
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.period()
        try:
            services.shift_schedule(
                actor=request.user,
                territory_code=territory,
                regulator=form.cleaned_data["regulator"],
                start=start,
                end=end,
                confirm_long=form.cleaned_data["confirm_long"],
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Garde ajoutée au planning.")
            return redirect(
                f"{reverse('regulation-shifts-schedule')}?territoire={territory}&mois={start:%Y-%m}"
            )
    shifts = selectors.shifts_of_month(user=request.user, month=month, territory_code=territory)
    totals = selectors.shift_totals_of_month(user=request.user, month=month, territory_code=territory)
    if request.GET.get("format") == "csv":
        return _schedule_csv(shifts, territory, month)
    previous, following = _neighbours(month)
    return render(
        request,
        "regulation/shifts_schedule.html",
        {
            "title": "Gardes des régulateurs",
            "territory": territory,
            "territories": [
                t
                for t in territories_for_user(user=request.user)
                if permissions.can_manage_shifts(request.user, t.code)
            ][:120],
            "month": month,
            "previous": previous,
            "following": following,
            "shifts": shifts,
            "totals": totals,
            "form": form,
        },
    )


def _schedule_csv(shifts: list[RegulatorShift], territory: str, month: dt.date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gardes-{territory}-{month:%Y-%m}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "mois",
            "territoire",
            "rpps",
            "nom",
            "prenom",
            "date",
            "debut",
            "fin",
            "heures_sas",
            "heures_pdsa",
            "version",
            "annulee",
        ]
    )
    for shift in shifts:
        start = timezone.localtime(shift.start)
        end = timezone.localtime(shift.end) if shift.end else None
        writer.writerow(
            [
                f"{month:%Y-%m}",
                territory,
                shift.regulator.rpps,
                shift.regulator.last_name,
                shift.regulator.first_name,
                f"{start:%Y-%m-%d}",
                f"{start:%H:%M}",
                f"{end:%Y-%m-%d %H:%M}" if end else "",
                f"{shift.sas_minutes / 60:.2f}",
                f"{shift.pdsa_minutes / 60:.2f}",
                shift.version,
                "oui" if shift.cancelled else "non",
            ]
        )
    return response


@login_required
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A shift's versions, and the correction form for administrators."""
    shift = RegulatorShift.objects.select_related("regulator").filter(pk=pk).first()
    if shift is None:
        raise Http404
    if not permissions.can_view_shift(request.user, shift):
        raise PermissionDenied
    can_correct = shift.is_current and permissions.can_manage_shifts(request.user, shift.territory_id)
    initial = {
        "start": timezone.localtime(shift.start),
        "end": timezone.localtime(shift.end) if shift.end else None,
    }
    form = forms.ShiftCorrectForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_correct:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = services.shift_correct(
                    actor=request.user,
                    shift_id=shift.pk,
                    start=data["start"],
                    end=data["end"],
                    cancel=data["cancel"],
                    reason=data["reason"],
                    confirm_long=data["confirm_long"],
                )
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "Garde annulée." if new.cancelled else "Garde corrigée.")
                return redirect("regulation-shift", new.pk)
    return render(
        request,
        "regulation/shift_detail.html",
        {
            "title": "Garde de régulateur",
            "shift": shift,
            "history": selectors.shift_history(shift=shift),
            "form": form,
            "can_correct": can_correct,
        },
    )
