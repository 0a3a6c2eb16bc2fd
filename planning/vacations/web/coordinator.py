"""The coordinator's pages (DSFR + HTMX, French): plannings, month calendar, generation, fair
auto-fill review (a diff to accept or reject line by line), unfilled vacations and why, requests
awaiting approval, statistics. Thin: services and selectors do the work."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpts.selectors import vacations as directory
from planning.vacations import inbox, permissions, selectors
from planning.vacations.calendar import month_bounds, month_calendar, parse_month
from planning.vacations.enums import TransferStatus
from planning.vacations.models import (
    AutofillProposal,
    TransferRequest,
    Vacation,
    VacationGroup,
    VacationPlanning,
)
from planning.vacations.services import autofill as autofill_services
from planning.vacations.services import planning_create, vacations_generate, vacations_publish
from planning.vacations.web.forms import PeriodForm, PlanningForm, int_or_none
from sas_platform.exceptions import ApplicationError


def managed_planning(request: HttpRequest, pk: int) -> VacationPlanning:
    planning = get_object_or_404(VacationPlanning, pk=pk)
    if not permissions.can_manage_planning(request.user, planning):
        raise PermissionDenied
    return planning


def _viewable(request: HttpRequest, pk: int) -> VacationPlanning:
    planning = get_object_or_404(VacationPlanning, pk=pk)
    if not permissions.can_view_planning(request.user, planning):
        raise PermissionDenied
    return planning


@login_required
@require_http_methods(["GET", "POST"])
def plannings(request: HttpRequest) -> HttpResponse:
    """The plannings the user administers or takes part in; coordinators create one here."""
    structures = []
    if permissions.can_create_planning(request.user):
        ids = directory.structure_ids_coordinated_by(user=request.user)
        structures = [directory.structure_get(pk=pk) for pk in ids]
    form = PlanningForm(request.POST or None, structures=structures)
    if request.method == "POST":
        if not structures:
            raise PermissionDenied
        if form.is_valid():
            try:
                planning = planning_create(
                    structure_id=form.cleaned_data["structure"],
                    name=form.cleaned_data["name"],
                    actor=request.user,
                    requires_approval=form.cleaned_data["requires_approval"],
                    change_deadline_hours=form.cleaned_data["change_deadline_hours"],
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Planning « {planning.name} » créé.")
                return redirect("vacations-calendar", pk=planning.pk)
    rows = [
        {"planning": p, "manage": permissions.can_manage_planning(request.user, p)}
        for p in selectors.plannings_for_user(user=request.user).order_by("name")
    ]
    awaiting = inbox.awaiting_approval_by_planning(
        planning_ids=[r["planning"].pk for r in rows if r["manage"]]
    )
    for row in rows:
        row["awaiting"] = awaiting.get(row["planning"].pk, 0) if row["manage"] else 0
    if not rows and not structures and not permissions.can_use_my_vacations(request.user):
        raise PermissionDenied
    return render(
        request,
        "planning/vacations/plannings.html",
        {"title": "Plannings de vacations", "rows": rows, "form": form if structures else None},
    )


@login_required
@require_GET
def calendar_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Month calendar: assigned and free vacations, filter by group and person."""
    planning = _viewable(request, pk)
    manage = permissions.can_manage_planning(request.user, planning)
    first = parse_month(request.GET.get("mois"))
    group_id = int_or_none(request.GET.get("groupe"))
    professional_id = int_or_none(request.GET.get("personne"))
    data = month_calendar(planning=planning, first=first, group_id=group_id, professional_id=professional_id)
    groups = list(VacationGroup.objects.filter(planning=planning).order_by("name").values_list("pk", "name"))
    context = {
        "people": selectors.planning_people(planning=planning),
        "filters": "".join(
            f"&{k}={v}" for k, v in (("groupe", group_id), ("personne", professional_id)) if v
        ),
        "title": f"{planning.name} — {data['label']}",
        "planning": planning,
        "cal": data,
        "groups": groups,
        "group_id": group_id,
        "professional_id": professional_id,
        "manage": manage,
        "weekdays": ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"),
    }
    if manage:
        # The period of the month shown (go to next month, then generate and fill it).
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        context["period_form"] = PeriodForm(initial={"start": first, "end": last})
    return render(request, "planning/vacations/calendar.html", context)


@login_required
@require_POST
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    planning = managed_planning(request, pk)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("vacations-calendar", pk=pk)
    try:
        created = vacations_generate(
            planning=planning,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            actor=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("vacations-calendar", pk=pk)
    messages.success(request, f"{len(created)} vacation(s) générée(s).")
    return redirect(f"{reverse('vacations-calendar', args=[pk])}?mois={form.cleaned_data['start']:%Y-%m}")


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    planning = managed_planning(request, pk)
    first = parse_month(request.POST.get("mois"))
    start, end = month_bounds(first)
    count = vacations_publish(planning=planning, start=start, end=end, actor=request.user)
    messages.success(
        request, f"{count} vacation(s) publiée(s) : les vacations attribuées sont proposées au SAS."
    )
    return redirect(f"{reverse('vacations-calendar', args=[pk])}?mois={first:%Y-%m}")


@login_required
@require_POST
def autofill(request: HttpRequest, pk: int) -> HttpResponse:
    planning = managed_planning(request, pk)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("vacations-calendar", pk=pk)
    try:
        proposal = autofill_services.autofill_propose(
            planning=planning,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            actor=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("vacations-calendar", pk=pk)
    return redirect("vacations-proposal", pk=proposal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal as a diff: each line (vacation → professional) kept or rejected, then applied."""
    item = get_object_or_404(AutofillProposal.objects.select_related("planning"), pk=pk)
    if not permissions.can_manage_planning(request.user, item.planning):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reject":
                autofill_services.autofill_reject(proposal_id=item.pk, actor=request.user)
                messages.info(request, "Proposition rejetée : rien n'a été attribué.")
            else:
                kept = {int(v) for v in request.POST.getlist("keep") if v.isdigit()}
                rejected = [line["vacation_id"] for line in item.items if line["vacation_id"] not in kept]
                result = autofill_services.autofill_apply(
                    proposal_id=item.pk, actor=request.user, rejected_vacation_ids=rejected
                )
                messages.success(
                    request,
                    f"{result['applied']} attribution(s) appliquée(s)"
                    + (f", {len(result['skipped'])} écartée(s) (règles)." if result["skipped"] else "."),
                )
        except ApplicationError as exc:
            messages.error(request, str(exc))
        return redirect(
            f"{reverse('vacations-calendar', args=[item.planning_id])}?mois={item.period_start:%Y-%m}"
        )
    return render(
        request,
        "planning/vacations/proposal.html",
        {"title": "Remplissage automatique — proposition", "proposal": item, "planning": item.planning},
    )


@login_required
@require_GET
def unfilled(request: HttpRequest, pk: int) -> HttpResponse:
    """Open vacations of the month and why each stays empty, computed now from current data
    (who may take it, or which rule blocks each member), never a past proposal's explanation."""
    from planning.vacations.services.coverage import unfilled_now

    planning = managed_planning(request, pk)
    first = parse_month(request.GET.get("mois"))
    last = month_bounds(first)[1].date() - timedelta(days=1)
    rows = unfilled_now(planning=planning, start=first, end=last)
    return render(
        request,
        "planning/vacations/unfilled.html",
        {"title": "Vacations non pourvues", "planning": planning, "rows": rows, "month": first},
    )


@login_required
@require_GET
def requests_page(request: HttpRequest, pk: int) -> HttpResponse:
    planning = managed_planning(request, pk)
    rows = (
        TransferRequest.objects.filter(vacation__planning=planning)
        .select_related(
            "vacation__vacation_type",
            "counter_vacation__vacation_type",
            "from_professional",
            "to_professional",
            "taken_by",
        )
        .order_by("-created_at")[:100]
    )
    return render(
        request,
        "planning/vacations/requests.html",
        {
            "title": "Demandes de changement",
            "planning": planning,
            "rows": rows,
            "awaiting": TransferStatus.AWAITING_APPROVAL,
        },
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    from planning.vacations.services import transfer_approve, transfer_refuse

    item = get_object_or_404(TransferRequest.objects.select_related("vacation__planning"), pk=pk)
    planning = item.vacation.planning
    if not permissions.can_manage_planning(request.user, planning):
        raise PermissionDenied
    try:
        if request.POST.get("action") == "refuse":
            transfer_refuse(request_id=item.pk, professional_id=None, actor=request.user, by_coordinator=True)
            messages.info(request, "Demande refusée.")
        else:
            transfer_approve(request_id=item.pk, actor=request.user)
            messages.success(request, "Changement validé.")
    except ApplicationError as exc:
        messages.error(request, str(exc))
    return redirect("vacations-requests", pk=planning.pk)


@login_required
@require_POST
def self_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    """Open (or close) the self-assignment window: professionals claim open vacations."""
    planning = managed_planning(request, pk)
    if request.POST.get("action") == "close":
        planning.self_assignment_closes_at = timezone.now()
        messages.info(request, "Auto-attribution fermée.")
    else:
        planning.self_assignment_opens_at = timezone.now()
        planning.self_assignment_closes_at = None
        messages.success(
            request, "Auto-attribution ouverte : les membres peuvent prendre les vacations libres."
        )
    planning.save(update_fields=["self_assignment_opens_at", "self_assignment_closes_at"])
    return redirect("vacations-calendar", pk=pk)


@login_required
@require_GET
def vacation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vacation = get_object_or_404(
        Vacation.objects.select_related("planning", "vacation_type", "group", "assignee"), pk=pk
    )
    if not permissions.can_view_planning(request.user, vacation.planning):
        raise PermissionDenied
    events = vacation.events.select_related("actor", "from_professional", "to_professional")
    from planning.vacations.services import booked_slots_of

    return render(
        request,
        "planning/vacations/vacation.html",
        {
            "title": str(vacation),
            "vacation": vacation,
            "events": events,
            "bookings": booked_slots_of(vacation_id=vacation.pk),
            "manage": permissions.can_manage_planning(request.user, vacation.planning),
        },
    )


@login_required
@require_GET
def statistics(request: HttpRequest, pk: int) -> HttpResponse:
    from planning.vacations.web.exports import statistics_response

    planning = managed_planning(request, pk)
    return statistics_response(request, planning)
