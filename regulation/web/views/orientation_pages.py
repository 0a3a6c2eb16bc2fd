"""Orientation pages (OSNP): treating doctor, booking, holds, surnuméraire, closing, outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from regulation import permissions, selectors, services
from regulation.models import Booking, Dossier
from regulation.web import forms
from regulation.web.orientation import orientation_context, search_context
from regulation.web.views._common import dossier_read_for, dossier_target, page_for, service_run
from sas_platform.exceptions import ApplicationError

# --- Orientation (OSNP) ------------------------------------------------------------------------


@login_required
@require_GET
def orientation(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_read_for(request, pk, permissions.can_orient_dossier)
    context = orientation_context(dossier=dossier, user=request.user, params=request.GET)
    context["title"] = f"Orientation {dossier.reference}"
    return render(request, "regulation/orientation.html", context)


@login_required
@require_GET
def orientation_results(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX partial: the 48 h search results (refreshed after a lost race)."""
    dossier = dossier_target(pk, permissions.can_orient_dossier, request.user)
    return render(
        request, "regulation/orientation.html#results", search_context(dossier=dossier, params=request.GET)
    )


def _back_to_orientation(dossier: Dossier) -> HttpResponse:
    return redirect("regulation-orientation", dossier.pk)


@login_required
@require_POST
def orientation_treating_doctor(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_target(pk, permissions.can_orient_dossier, request.user)
    form = forms.TreatingDoctorForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back_to_orientation(dossier)
    data = form.cleaned_data
    service_run(
        request,
        lambda: services.treating_doctor_call_record(
            dossier_id=dossier.pk,
            actor=request.user,
            result=data["result"],
            name=data["name"],
            phone=data["phone"],
            appointment_start=data["appointment_start"],
        ),
        "Appel au médecin traitant enregistré.",
    )
    dossier.refresh_from_db()
    return redirect(page_for(dossier, request.user))


@login_required
@require_POST
def orientation_book(request: HttpRequest, pk: int) -> HttpResponse:
    """Book a platform-owned slot; a lost race says « créneau déjà pris » and shows the refreshed list."""
    dossier = dossier_target(pk, permissions.can_orient_dossier, request.user)
    slot_id = int(request.POST.get("slot", "0") or 0)
    if service_run(
        request,
        lambda: services.slot_book_platform(dossier_id=dossier.pk, slot_id=slot_id, actor=request.user),
        "Rendez-vous réservé.",
    ):
        return redirect("regulation-dossier", dossier.pk)
    return _back_to_orientation(dossier)


@login_required
@require_POST
def orientation_hold(request: HttpRequest, pk: int) -> HttpResponse:
    """Editor's slot: re-check, hold, then the page offers the editor's booking page (``origin=sas``).

    No redirect to the editor straight from the POST: the CSP's ``form-action 'self'`` forbids it,
    and the OSNP keeps the dossier in view while booking in the editor's tool.
    """
    dossier = dossier_target(pk, permissions.can_orient_dossier, request.user)
    slot_id = int(request.POST.get("slot", "0") or 0)
    service_run(
        request,
        lambda: services.slot_hold_editor(dossier_id=dossier.pk, slot_id=slot_id, actor=request.user),
        "Créneau retenu : finalisez la réservation sur la page de l'éditeur.",
    )
    return _back_to_orientation(dossier)


@login_required
@require_POST
def orientation_hold_release(request: HttpRequest, pk: int, booking_pk: int) -> HttpResponse:
    dossier = dossier_target(pk, permissions.can_orient_dossier, request.user)
    booking = Booking.objects.filter(pk=booking_pk, dossier=dossier).first()
    if booking is None:
        raise Http404
    service_run(
        request,
        lambda: services.booking_hold_release(booking_id=booking.pk, actor=request.user),
        "Créneau libéré.",
    )
    return _back_to_orientation(dossier)


@login_required
@require_POST
def orientation_surnumeraire(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_target(pk, permissions.can_orient_dossier, request.user)
    form = forms.SurnumeraireAskForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un médecin ou une structure, et le canal.")
        return _back_to_orientation(dossier)
    data = form.cleaned_data
    try:
        professional, structure = selectors.surnumeraire_target(
            professional_id=data["professional"], structure_id=data["structure"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back_to_orientation(dossier)
    service_run(
        request,
        lambda: services.surnumeraire_request_create(
            dossier_id=dossier.pk,
            actor=request.user,
            channel=data["channel"],
            professional=professional,
            structure=structure,
        ),
        "Demande en surnuméraire enregistrée.",
    )
    return _back_to_orientation(dossier)


@login_required
@require_POST
def orientation_close(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = dossier_target(pk, permissions.can_orient_dossier, request.user)
    form = forms.OrientationCloseForm(request.POST)
    if form.is_valid() and service_run(
        request,
        lambda: services.dossier_orientation_close(
            dossier_id=dossier.pk,
            actor=request.user,
            result=form.cleaned_data["result"],
            notes=form.cleaned_data["notes"],
        ),
        "Orientation close.",
    ):
        return redirect("regulation-queue")
    return _back_to_orientation(dossier)


@login_required
@require_POST
def booking_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    booking = Booking.objects.select_related("dossier").filter(pk=pk).first()
    if booking is None:
        raise Http404
    if not permissions.can_orient_dossier(request.user, booking.dossier):
        raise PermissionDenied
    form = forms.OutcomeForm(request.POST)
    if form.is_valid():
        service_run(
            request,
            lambda: services.booking_outcome_record(
                booking_id=booking.pk, actor=request.user, status=form.cleaned_data["status"]
            ),
            "Issue enregistrée.",
        )
    return redirect("regulation-dossier", booking.dossier_id)
