"""Pick-up of a call (ARM)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from regulation import permissions, selectors, services
from regulation.enums import DossierState, Transition
from regulation.web import forms
from regulation.web.views._common import form_error
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError
from sas_platform.selectors import territory_codes_for_user

# --- Pick-up (ARM) -----------------------------------------------------------------------------


@login_required
def pickup(request: HttpRequest) -> HttpResponse:
    """Open a dossier in one action and route it (AMU / médecine générale) with the same key press."""
    if not request.user.has_role(Role.ARM, Role.REGULATEUR) or not any(
        permissions.can_create_dossier(request.user, code)
        for code in territory_codes_for_user(user=request.user)
    ):
        raise PermissionDenied
    form = forms.PickupForm(request.POST or None, initial={"submission": uuid.uuid4().hex})
    commune_label = request.POST.get("q", "")
    if request.method == "POST" and form.is_valid():
        submission = form.cleaned_data["submission"]
        key = f"regulation:pickup:{request.user.pk}:{submission}"
        if submission and not cache.add(key, 0, timeout=600):
            existing = cache.get(key)
            messages.info(request, "Ce formulaire a déjà été envoyé : le dossier existe déjà.")
            return redirect("regulation-dossier", existing) if existing else redirect("regulation-queue")
        commune = form.cleaned_data["commune"]
        territory = selectors.dossier_territory_for(user=request.user, commune_code=commune.insee_code)
        route = {"amu": Transition.ROUTE_AMU, "mg": Transition.ROUTE_GENERAL_PRACTICE}.get(
            request.POST.get("route")
        )
        if territory is None:
            form.add_error(None, "Cette commune n'est dans aucun de vos territoires SAS.")
        else:
            try:
                dossier = services.dossier_open(
                    actor=request.user,
                    territory_code=territory,
                    commune=commune,
                    reason=form.cleaned_data["reason"],
                    route=route,
                    **form.details(),
                )
            except ApplicationError as exc:
                cache.delete(key)
                form_error(form, exc)
            else:
                cache.set(key, dossier.pk, timeout=600)
                where = {
                    DossierState.AMU: "transmis à l'AMU",
                    DossierState.GENERAL_PRACTICE: "orienté vers la médecine générale",
                }.get(dossier.state, "ouvert")
                messages.success(request, f"Dossier {dossier.reference} {where}.")
                if request.POST.get("next") == "dossier":
                    return redirect("regulation-dossier", dossier.pk)
                return redirect("regulation-pickup")
        if submission:
            cache.delete(key)
    return render(
        request,
        "regulation/pickup.html",
        {"title": "Prise d'appel", "form": form, "commune_label": commune_label},
    )
