"""The professional's leave (issue 11 §3): declare an unavailability, list them, delete a coming
one. The rules and their French messages are the service's (``services.unavailability``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cpts.selectors import vacations as directory
from planning.vacations import permissions, selectors
from planning.vacations.models import Unavailability
from planning.vacations.services import unavailability
from planning.vacations.web.forms import LeaveForm
from sas_platform.exceptions import ApplicationError


@login_required
@require_http_methods(["GET", "POST"])
def my_leaves(request: HttpRequest) -> HttpResponse:
    me = directory.professional_of_user(user=request.user)
    if me is None:
        raise PermissionDenied
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unavailability.unavailability_declare(
                professional_id=me.pk,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Indisponibilité enregistrée : aucune vacation ne vous sera attribuée pendant ce congé.",
            )
            return redirect("vacations-my-leaves")
    return render(
        request,
        "planning/vacations/my_leaves.html",
        {
            "title": "Mes indisponibilités",
            "form": form,
            "rows": selectors.leaves_of(professional_id=me.pk)[:100],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def delete_leave(request: HttpRequest, pk: int) -> HttpResponse:
    leave = get_object_or_404(Unavailability, pk=pk)
    if not permissions.can_manage_leave_of(request.user, leave.professional_id):
        raise PermissionDenied
    try:
        unavailability.unavailability_delete(unavailability_id=leave.pk, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Indisponibilité supprimée.")
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/planning/vacations/") else "vacations-my-leaves")
