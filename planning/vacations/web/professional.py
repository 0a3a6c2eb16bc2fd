"""The professional's pages (phone-readable, one tap): my vacations (release, cede, swap, confirm),
the pool and open vacations (claim), requests addressed to me (accept, refuse)."""

from __future__ import annotations

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
from planning.vacations.enums import TransferStatus, VacationState
from planning.vacations.models import TransferRequest, Vacation
from planning.vacations.services import (
    transfer_accept,
    transfer_cancel,
    transfer_create,
    transfer_refuse,
    vacation_claim,
    vacation_confirm,
)
from planning.vacations.web.forms import DoneForm, TransferForm
from sas_platform.exceptions import ApplicationError


def _me(request: HttpRequest):
    professional = directory.professional_of_user(user=request.user)
    if professional is None:
        raise PermissionDenied
    return professional


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/planning/vacations/") else default)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    now = timezone.now()
    upcoming = list(inbox.my_vacations(professional_id=me.pk, now=now)[:100])
    open_requests = {
        r.vacation_id: r
        for r in TransferRequest.objects.filter(
            vacation__in=upcoming, status__in=[TransferStatus.PENDING, TransferStatus.AWAITING_APPROVAL]
        )
    }
    for_me = inbox.requests_to_answer(professional_id=me.pk, now=now)
    rows = [{"vacation": v, "request": open_requests.get(v.pk), "past": v.starts_at <= now} for v in upcoming]
    from planning.vacations.ics import current_token

    token = current_token(professional_id=me.pk)
    ics_url = request.build_absolute_uri(reverse("vacations-ics", args=[token.token])) if token else ""
    return render(
        request,
        "planning/vacations/mine.html",
        {"title": "Mes vacations", "rows": rows, "for_me": for_me, "me": me, "ics_url": ics_url},
    )


@login_required
@require_GET
def pool(request: HttpRequest) -> HttpResponse:
    """Vacations released to the pool and open vacations of plannings in self-assignment."""
    me = _me(request)
    now = timezone.now()
    plannings = list(selectors.plannings_for_user(user=request.user))
    pooled = inbox.pool_offers(professional_id=me.pk, plannings=plannings, now=now)
    open_vacations = inbox.self_assignable(plannings=plannings, now=now)
    problems = inbox.blocking_problems(
        vacations=[r.vacation for r in pooled] + open_vacations, professional_id=me.pk
    )
    for item in pooled:
        item.problems = problems.get(item.vacation_id, [])
    for vacation in open_vacations:
        vacation.problems = problems.get(vacation.pk, [])
    return render(
        request,
        "planning/vacations/pool.html",
        {"title": "Pot commun et vacations libres", "pooled": pooled, "open_vacations": open_vacations},
    )


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an open vacation (self-assignment) or a pool one (``request`` given)."""
    me = _me(request)
    try:
        request_id = request.POST.get("request")
        if request_id:
            transfer_accept(request_id=int(request_id), professional_id=me.pk, actor=request.user)
        else:
            vacation_claim(vacation_id=pk, professional_id=me.pk, actor=request.user)
    except (ApplicationError, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Vacation prise : elle figure dans « Mes vacations ».")
    return _back(request, "/planning/vacations/pot-commun/")


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Release to the pool, cede to a named colleague, or propose a swap."""
    me = _me(request)
    vacation = get_object_or_404(
        Vacation.objects.select_related("planning", "vacation_type"), pk=pk, assignee=me
    )
    on = timezone.localtime(vacation.starts_at).date()
    colleagues = [
        p
        for p in directory.professionals_queryset(
            ids=directory.structure_member_ids(structure_id=vacation.planning.structure_id, on=on)
        )
        if p.pk != me.pk
    ]
    counters = [
        (v.pk, f"{timezone.localtime(v.starts_at):%d/%m %H:%M} — {v.vacation_type.name} ({v.assignee})")
        for v in Vacation.objects.filter(
            planning=vacation.planning, state=VacationState.ASSIGNED, starts_at__gt=timezone.now()
        )
        .exclude(assignee=me)
        .select_related("vacation_type", "assignee")
        .order_by("starts_at")[:200]
    ]
    form = TransferForm(request.POST or None, colleagues=colleagues, counters=counters)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            transfer_cancel(
                request_id=int(request.POST["request"]), professional_id=me.pk, actor=request.user
            )
            messages.info(request, "Demande annulée.")
        except (ApplicationError, ValueError, KeyError) as exc:
            messages.error(request, str(exc))
        return redirect("vacations-mine")
    if request.method == "POST" and form.is_valid():
        try:
            transfer_create(
                vacation_id=vacation.pk,
                kind=form.cleaned_data["kind"],
                from_professional_id=me.pk,
                to_professional_id=form.cleaned_data["to_professional"],
                counter_vacation_id=form.cleaned_data["counter_vacation"],
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Demande envoyée.")
            return redirect("vacations-mine")
    return render(
        request,
        "planning/vacations/transfer.html",
        {"title": "Changer une vacation", "vacation": vacation, "form": form},
    )


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    try:
        if request.POST.get("action") == "refuse":
            transfer_refuse(request_id=pk, professional_id=me.pk, actor=request.user)
            messages.info(request, "Demande refusée.")
        else:
            result = transfer_accept(request_id=pk, professional_id=me.pk, actor=request.user)
            messages.success(
                request,
                "Demande acceptée : en attente de validation du coordinateur."
                if result.status == TransferStatus.AWAITING_APPROVAL
                else "Demande acceptée : la vacation est à vous.",
            )
    except ApplicationError as exc:
        messages.error(request, str(exc))
    return redirect("vacations-mine")


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional (or the planning's coordinator) confirms a past vacation."""
    vacation = get_object_or_404(
        Vacation.objects.select_related("planning", "vacation_type", "assignee"), pk=pk
    )
    me = directory.professional_of_user(user=request.user)
    manage = permissions.can_manage_planning(request.user, vacation.planning)
    if not manage and (me is None or vacation.assignee_id != me.pk):
        raise PermissionDenied
    from planning.vacations.services.done import patients_from_sas

    form = DoneForm(
        request.POST or None, initial={"done": "1", "patients_seen": patients_from_sas(vacation.pk)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            vacation_confirm(
                vacation_id=vacation.pk,
                done=form.cleaned_data["done"],
                patients_seen=form.cleaned_data["patients_seen"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Vacation confirmée.")
            return redirect(
                "vacations-mine" if not manage else "vacations-vacation",
                *([] if not manage else [vacation.pk]),
            )
    return render(
        request,
        "planning/vacations/confirm.html",
        {"title": "Confirmer une vacation", "vacation": vacation, "form": form},
    )


@require_GET
def ics_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed behind a secret token (no session: calendar applications fetch it); 404 once revoked."""
    from django.http import Http404

    from planning.vacations.ics import feed, token_find

    found = token_find(token=token)
    if found is None:
        raise Http404("Flux inconnu ou révoqué.")
    response = HttpResponse(feed(found), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def ics_token(request: HttpRequest) -> HttpResponse:
    """Issue (or renew, revoking the old URL) the ICS feed of my vacations or of a planning I manage;
    ``action=revoke`` revokes it."""
    from planning.vacations.ics import current_token, token_renew, token_revoke
    from planning.vacations.models import VacationPlanning

    planning_id = request.POST.get("planning")
    if planning_id:
        planning = get_object_or_404(VacationPlanning, pk=planning_id)
        if not permissions.can_manage_planning(request.user, planning):
            raise PermissionDenied
        owner = {"planning_id": planning.pk}
    else:
        owner = {"professional_id": _me(request).pk}
    if request.POST.get("action") == "revoke":
        token = current_token(**owner)
        if token:
            token_revoke(actor=request.user, token=token)
        messages.info(request, "Lien de calendrier révoqué.")
    else:
        token_renew(actor=request.user, **owner)
        messages.success(request, "Nouveau lien de calendrier créé (l'ancien ne fonctionne plus).")
    return redirect("vacations-calendar", pk=planning_id) if planning_id else redirect("vacations-mine")
