"""An act's pay facts and their correction (DOMAIN.md §7.2-§7.4; issue 12 §3): the SAS
administrators of the act's territory (and platform administrators) correct an outcome, the
effecteur's RPPS or the MT flag, with a reason. Thin view: ``services.act_fact_correct`` judges and
writes, the selectors read. The page shows professionals' data, never the patient's (§8)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from regulation import permissions, selectors, services
from regulation.web import forms
from regulation.web.views._common import form_error
from sas_platform.exceptions import ApplicationError

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
