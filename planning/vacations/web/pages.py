"""More pages of a planning (issue 11 §7 and §3): the week calendar, the coordinator's load against
target, each person's history, the planning's leaves and its closure days. Thin: the services
(``coverage``, ``unavailability``) and selectors do the work."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cpts.selectors import vacations as directory
from planning.vacations import permissions, selectors
from planning.vacations.calendar import month_bounds, month_label, parse_month, parse_week, week_calendar
from planning.vacations.models import VacationGroup, VacationPlanning
from planning.vacations.services import coverage, unavailability
from planning.vacations.web.coordinator import managed_planning
from planning.vacations.web.forms import ClosureForm, CoordinatorLeaveForm, int_or_none
from sas_platform.exceptions import ApplicationError


@login_required
@require_GET
def week(request: HttpRequest, pk: int) -> HttpResponse:
    """Week calendar beside the month: assigned and free vacations, filter by group and person."""
    planning = get_object_or_404(VacationPlanning, pk=pk)
    if not permissions.can_view_planning(request.user, planning):
        raise PermissionDenied
    monday = parse_week(request.GET.get("semaine"))
    group_id, professional_id = (
        int_or_none(request.GET.get("groupe")),
        int_or_none(request.GET.get("personne")),
    )
    data = week_calendar(planning=planning, monday=monday, group_id=group_id, professional_id=professional_id)
    filters = "".join(
        f"&{name}={value}" for name, value in (("groupe", group_id), ("personne", professional_id)) if value
    )
    return render(
        request,
        "planning/vacations/week.html",
        {
            "title": f"{planning.name} — {data['label']}",
            "planning": planning,
            "cal": data,
            "filters": filters,
            "groups": list(VacationGroup.objects.filter(planning=planning).values_list("pk", "name")),
            "people": selectors.planning_people(planning=planning),
            "group_id": group_id,
            "professional_id": professional_id,
            "manage": permissions.can_manage_planning(request.user, planning),
        },
    )


@login_required
@require_GET
def load(request: HttpRequest, pk: int) -> HttpResponse:
    """Load per person against their fair target over a month (a chart and its table)."""
    planning = managed_planning(request, pk)
    first = parse_month(request.GET.get("mois"))
    last = month_bounds(first)[1].date() - timedelta(days=1)
    data = coverage.load_against_target(planning=planning, start=first, end=last)
    previous = (first - timedelta(days=1)).replace(day=1)
    return render(
        request,
        "planning/vacations/load.html",
        {
            "title": f"Charge et cible — {month_label(first)}",
            "planning": planning,
            "data": data,
            "month": first,
            "label": month_label(first),
            "previous": f"{previous:%Y-%m}",
            "next": f"{(first + timedelta(days=32)).replace(day=1):%Y-%m}",
        },
    )


@login_required
@require_GET
def person(request: HttpRequest, pk: int, professional_pk: int) -> HttpResponse:
    """One professional's history in the planning: the coordinator's, or their own."""
    planning = get_object_or_404(VacationPlanning, pk=pk)
    manage = permissions.can_manage_planning(request.user, planning)
    own = directory.professional_of_user(user=request.user)
    if not manage and not (own is not None and own.pk == professional_pk):
        raise PermissionDenied
    if not coverage.person_in_planning(
        planning=planning, professional_id=professional_pk, on=timezone.localdate()
    ):
        raise Http404
    professional = directory.professionals_by_ids(ids=[professional_pk])[professional_pk]
    history = coverage.person_history(
        planning=planning,
        professional_id=professional_pk,
        page=request.GET.get("page"),
        transfers_page=request.GET.get("transferts"),
    )
    return render(
        request,
        "planning/vacations/person.html",
        {
            "title": f"{professional} — historique",
            "planning": planning,
            "professional": professional,
            "h": history,
            "manage": manage,
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def leaves(request: HttpRequest, pk: int) -> HttpResponse:
    """The planning's leaves (current and coming); the coordinator declares one for a member."""
    planning = managed_planning(request, pk)
    people = selectors.planning_people(planning=planning)
    form = CoordinatorLeaveForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _leave, held = unavailability.unavailability_declare(
                professional_id=data["professional"], start=data["start"], end=data["end"],
                reason=data["reason"], actor=request.user, by_coordinator=True, confirm=data["confirm"],
            )  # fmt: skip
        except ApplicationError as exc:
            form.add_error("confirm" if exc.code == "confirm" else None, str(exc))
        else:
            note = (
                f" {len(held)} vacation(s) restent attribuées pendant ce congé : à réattribuer."
                if held
                else ""
            )
            messages.success(request, "Indisponibilité enregistrée." + note)
            return redirect("vacations-leaves", pk=pk)
    rows = selectors.leaves_of_planning(planning=planning, since=timezone.now())
    return render(
        request,
        "planning/vacations/leaves.html",
        {
            "title": "Indisponibilités",
            "planning": planning,
            "rows": rows,
            "form": form,
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def closures(request: HttpRequest, pk: int) -> HttpResponse:
    """The planning's closure days (generation skips them): add one, remove one."""
    planning = managed_planning(request, pk)
    form = ClosureForm((request.POST or None) if request.POST.get("action") != "remove" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                day = ClosureForm({"day": request.POST.get("day", "")})
                if not day.is_valid():
                    raise ApplicationError("Date de fermeture illisible.", code="invalid")
                unavailability.closure_day_remove(
                    planning_id=pk, day=day.cleaned_data["day"], actor=request.user
                )
                messages.info(request, "Jour de fermeture retiré.")
                return redirect("vacations-closures", pk=pk)
            if form.is_valid():
                already = unavailability.closure_day_add(
                    planning_id=pk, day=form.cleaned_data["day"], actor=request.user
                )
                messages.success(request, "Jour de fermeture ajouté : la génération l'évitera.")
                if already:
                    messages.warning(
                        request,
                        f"{len(already)} vacation(s) déjà générée(s) ce jour-là restent en place "
                        f"(annulez-les si besoin) : {' ; '.join(already)}.",
                    )
                return redirect("vacations-closures", pk=pk)
        except ApplicationError as exc:
            if request.POST.get("action") == "remove":
                messages.error(request, str(exc))
                return redirect("vacations-closures", pk=pk)
            form.add_error("day", str(exc))
    planning.refresh_from_db(fields=["closure_days"])
    return render(
        request,
        "planning/vacations/closures.html",
        {
            "title": "Jours de fermeture",
            "planning": planning,
            "form": form,
            "days": selectors.closure_days_of(planning=planning),
            "calendar_url": reverse("vacations-calendar", args=[pk]),
        },
    )
