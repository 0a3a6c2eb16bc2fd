"""A dossier's page, its routing, claim/release and the régulateur's decision."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from regulation import permissions, selectors, services
from regulation.enums import Decision, DossierState, Transition
from regulation.policies import Action
from regulation.web import forms
from regulation.web.views._common import dossier_read_for, dossier_target, page_for, service_run

# --- Dossier -----------------------------------------------------------------------------------


@login_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_read_for(request, pk)
    user = request.user
    act = functools.partial(permissions.can_act_on_dossier, user, dossier)
    act_facts = selectors.act_facts_of_dossier(dossier=dossier)
    return render(
        request,
        "regulation/dossier.html",
        {
            "title": f"Dossier {dossier.reference}",
            "dossier": dossier,
            "timeline": selectors.dossier_timeline(dossier=dossier),
            "bookings": selectors.dossier_bookings(dossier=dossier),
            "requests": selectors.dossier_requests(dossier=dossier),
            "act_facts": act_facts,
            "can_correct_acts": bool(act_facts) and permissions.can_correct_act_fact(user, act_facts[0]),
            "can_claim": act(Action.CLAIM),
            "can_route_amu": act(Action.ROUTE_AMU),
            "can_route_gp": act(Action.ROUTE_GENERAL_PRACTICE),
            "can_decide": act(Action.DECIDE) and dossier.holder_id == user.pk,
            "can_orient": act(Action.ORIENT) and dossier.state != DossierState.ORIENTED,
            "can_record_outcome": act(Action.RECORD_OUTCOME),
            "held_by_me": dossier.holder_id == user.pk,
            "outcome_form": forms.OutcomeForm(),
        },
    )


@login_required
@require_POST
def dossier_route(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_target(pk, permissions.can_route_dossier, request.user)
    to = {"amu": Transition.ROUTE_AMU, "mg": Transition.ROUTE_GENERAL_PRACTICE}.get(request.POST.get("to"))
    if to is None:
        messages.error(request, "Orientation inconnue.")
    else:
        service_run(
            request,
            lambda: services.dossier_route(dossier_id=dossier.pk, actor=request.user, to=to),
            "Dossier transmis à l'AMU."
            if to == Transition.ROUTE_AMU
            else "Dossier orienté vers la médecine générale.",
        )
    return redirect("regulation-dossier", dossier.pk)


@login_required
@require_POST
def dossier_claim(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_target(pk, permissions.can_view_dossier, request.user)  # the service says who may
    take_over = request.POST.get("take_over") == "1"
    if service_run(
        request,
        lambda: services.dossier_claim(dossier_id=dossier.pk, actor=request.user, take_over=take_over),
    ):
        dossier.refresh_from_db()
        return redirect(page_for(dossier, request.user))
    return redirect("regulation-dossier", dossier.pk)


@login_required
@require_POST
def dossier_release(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_target(pk, permissions.can_release_dossier, request.user)
    service_run(
        request,
        lambda: services.dossier_release(dossier_id=dossier.pk, actor=request.user),
        "Dossier relâché.",
    )
    return redirect("regulation-queue")


# --- Decision (régulateur) ---------------------------------------------------------------------


@login_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_read_for(request, pk, permissions.can_decide_dossier)
    form = forms.DecisionForm(
        request.POST or None,
        initial={
            "priority": dossier.priority,
            "care_level": dossier.care_level,
            "decision": dossier.decision,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if service_run(
            request,
            lambda: services.dossier_decide(
                dossier_id=dossier.pk,
                actor=request.user,
                decision=data["decision"],
                notes=data["notes"],
                priority=data["priority"],
                care_level=data["care_level"],
            ),
            f"Décision enregistrée : {Decision(data['decision']).label}.",
        ):
            return redirect("regulation-queue")
    return render(
        request,
        "regulation/decision.html",
        {
            "title": f"Régulation {dossier.reference}",
            "dossier": dossier,
            "form": form,
            "hours": selectors.hours_status(
                territory_code=dossier.territory_id, schedule=selectors.pdsa_schedule_of(dossier=dossier)
            ),
            "timeline": selectors.dossier_timeline(dossier=dossier),
        },
    )
