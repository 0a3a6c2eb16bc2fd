"""Surnuméraire answers (OSNP on the phone, or the structure's coordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from regulation import permissions, selectors, services
from regulation.enums import RequestStatus
from regulation.models import SurnumeraireRequest
from regulation.web import forms
from regulation.web.orientation import attach_member_doctors
from regulation.web.views._common import service_run

# --- Surnuméraire answers (OSNP on the phone, or the structure's coordinator) ------------------


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    surnumeraire = SurnumeraireRequest.objects.select_related("dossier", "structure").filter(pk=pk).first()
    if surnumeraire is None:
        raise Http404
    if not permissions.can_answer_structure_request(request.user, surnumeraire):
        raise PermissionDenied
    form = forms.RequestAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        service_run(
            request,
            lambda: services.surnumeraire_request_answer(
                request_id=surnumeraire.pk,
                actor=request.user,
                status=data["status"],
                doctor_name=data["doctor_name"],
                member=data["member"],
                appointment_at=data["appointment_at"],
                notes=data["notes"],
            ),
            "Réponse enregistrée."
            if data["status"] != RequestStatus.ACCEPTED
            else "Patient pris en charge : merci.",
        )
    if request.POST.get("next") == "structure":
        return redirect("regulation-structure-requests")
    return redirect("regulation-orientation", surnumeraire.dossier_id)


@login_required
@require_GET
def structure_requests(request: HttpRequest) -> HttpResponse:
    """A structure's coordinator sees the SAS's requests and answers with the doctor's name (seed 004)."""
    from cpts.selectors import structures_coordinated_by

    if not permissions.can_view_structure_requests(request.user):
        raise PermissionDenied
    structures = list(structures_coordinated_by(user=request.user))
    rows = selectors.structure_requests(structure_ids=[s.pk for s in structures])
    attach_member_doctors(rows)
    return render(
        request,
        "regulation/structure_requests.html",
        {
            "title": "Demandes du SAS",
            "structures": structures,
            "pending": [r for r in rows if r.status == RequestStatus.PENDING],
            "answered": [r for r in rows if r.status != RequestStatus.PENDING],
            "form": forms.RequestAnswerForm(),
        },
    )
