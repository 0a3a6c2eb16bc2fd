"""An act's pay facts and their correction (DOMAIN.md §7.2-§7.4; issue 12 §3): the SAS
administrators of the act's territory (and platform administrators) correct an outcome, the
effecteur's RPPS or the MT flag, with a reason. Thin view: ``services.act_fact_correct`` judges and
writes, the selectors read. The page shows professionals' data, never the patient's (§8)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from regulation import permissions, selectors, services
from regulation.enums import AppointmentStatus
from regulation.web import forms
from regulation.web.views._common import form_error
from sas_platform.exceptions import ApplicationError
from sas_platform.selectors import territories_for_user

PER_PAGE = 50

CORRECTED = (
    "Acte corrigé. Si sa période figure déjà sur un bordereau verrouillé, la correction sera "
    "régularisée sur le prochain bordereau (ligne de régularisation) ; sinon, elle sera prise en "
    "compte au prochain calcul."
)


@login_required
def act_fact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One act's facts, their corrections, and the « Corriger » form."""
    fact = selectors.act_fact_get(pk=pk)
    if fact is None:
        raise Http404("Acte introuvable.")
    if not permissions.can_correct_act_fact(request.user, fact):
        raise PermissionDenied
    initial = {"outcome": fact.outcome, "rpps": fact.rpps, "is_treating_doctor": fact.is_treating_doctor}
    form = forms.ActFactCorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.act_fact_correct(
                actor=request.user,
                act_id=fact.pk,
                reason=data["reason"],
                unchanged_ok=False,
                outcome=data["outcome"],
                rpps=data["rpps"],
                is_treating_doctor=data["is_treating_doctor"],
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, CORRECTED)
            return redirect("regulation-act-fact", fact.pk)
    return render(
        request,
        "regulation/act_fact.html",
        {
            "title": f"Acte du dossier {fact.dossier.reference}",
            "fact": fact,
            "form": form,
            "corrections": selectors.act_fact_corrections(fact=fact),
        },
    )


@login_required
def act_facts_list(request: HttpRequest) -> HttpResponse:
    """The acts of a territory's month, for its SAS administrators to find the one to correct:
    filters by effecteur's RPPS, outcome, corrected ones; paginated; each links to its page."""
    territories = [
        t
        for t in territories_for_user(user=request.user)
        if permissions.can_correct_act_facts_of(request.user, t.code)
    ]
    if not territories:
        raise PermissionDenied
    codes = {t.code for t in territories}
    form = forms.ActFactFilterForm(request.GET or None, outcomes=AppointmentStatus.choices)
    data = form.cleaned_data if form.is_valid() else {}
    territory = data.get("territoire") or ("13" if "13" in codes else sorted(codes)[0])
    if territory not in codes:
        raise PermissionDenied
    month = (data.get("mois") or timezone.localdate()).replace(day=1)
    facts = selectors.act_facts_of_month(
        territory_code=territory,
        month=month,
        rpps=data.get("rpps") or "",
        outcome=data.get("issue") or "",
        corrected_only=bool(data.get("corrigees")),
    )
    page = Paginator(facts, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "regulation/act_facts.html",
        {
            "title": "Actes rémunérés du territoire",
            "form": form,
            "territories": territories[:120],
            "territory": territory,
            "month": month,
            "page": page,
            "query": query.urlencode(),
        },
    )
