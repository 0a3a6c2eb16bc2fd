"""Pages of `regulation` (DSFR + HTMX): thin views calling services and selectors.

Every page showing a dossier's patient data reads it through ``selectors.dossier_read`` (the
read is logged); refusals (403/404) happen before anything is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from regulation import permissions, policies, selectors, services
from regulation.enums import Decision, DossierState, RequestStatus, Transition
from regulation.models import Booking, Dossier, SurnumeraireRequest
from regulation.web import forms
from regulation.web.orientation import orientation_context, search_context
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from sas_platform.selectors import territories_for_user, territory_codes_for_user


def _read(request: HttpRequest, pk: int, allowed: Callable | None = None) -> Dossier:
    """The dossier for a page: 404 / 403 before anything is logged; then the read is logged."""
    try:
        return selectors.dossier_read(
            user=request.user, dossier_id=pk, path=request.get_full_path(), also_allowed=allowed
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc


def _target(pk: int, allowed: Callable, user) -> Dossier:
    """The dossier an action works on (no patient data shown): 404 / 403."""
    dossier = Dossier.objects.filter(pk=pk).first()
    if dossier is None:
        raise Http404("Dossier introuvable.")
    if not allowed(user, dossier):
        raise PermissionDenied
    return dossier


def _run(request: HttpRequest, action: Callable, success: str = "") -> bool:
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def page_for(dossier: Dossier, user) -> str:
    """Where a desk user works on a dossier, by state and role."""
    if dossier.state == DossierState.GENERAL_PRACTICE and permissions.can_decide_dossier(user, dossier):
        return reverse("regulation-decision", args=[dossier.pk])
    if dossier.state in (DossierState.REGULATED, DossierState.ORIENTING) and permissions.can_orient_dossier(
        user, dossier
    ):
        return reverse("regulation-orientation", args=[dossier.pk])
    return reverse("regulation-dossier", args=[dossier.pk])


# --- Queue -------------------------------------------------------------------------------------


def _queue_context(request: HttpRequest) -> dict:
    if not permissions.can_view_queue(request.user):
        raise PermissionDenied
    territory = request.GET.get("territoire") or None
    now = timezone.now()
    rows = selectors.queue_for_user(user=request.user, territory_code=territory)
    return {
        "rows": [
            {"dossier": d, "waiting": d.waiting_seconds(now), "url": page_for(d, request.user)} for d in rows
        ],
        "territory": territory or "",
        "now": now,
    }


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    context = _queue_context(request)
    context.update(
        title="File d'attente",
        territories=list(territories_for_user(user=request.user)),
        recent=selectors.recent_for_user(user=request.user, limit=10),
        can_pick_up=request.user.has_role(Role.ARM, Role.REGULATEUR),
    )
    return render(request, "regulation/queue.html", context)


@login_required
@require_GET
def queue_rows(request: HttpRequest) -> HttpResponse:
    """HTMX partial, polled every few seconds."""
    return render(request, "regulation/queue.html#rows", _queue_context(request))


# --- Pick-up (ARM) -----------------------------------------------------------------------------


def _territory_for(user, commune) -> str | None:
    codes = [t.code for t in territories_for_user(user=user)]
    if commune.departement_id in codes:
        return commune.departement_id
    return codes[0] if len(codes) == 1 else None


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
        territory = _territory_for(request.user, commune)
        route = {"amu": Transition.ROUTE_AMU, "mg": Transition.ROUTE_GENERAL_PRACTICE}.get(
            request.POST.get("route")
        )
        if territory is None or not permissions.can_create_dossier(request.user, territory):
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
                form.add_error(None, exc.message)
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


# --- Dossier -----------------------------------------------------------------------------------


@login_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _read(request, pk)
    user = request.user
    allowed = policies.allowed_transitions(dossier.state)
    return render(
        request,
        "regulation/dossier.html",
        {
            "title": f"Dossier {dossier.reference}",
            "dossier": dossier,
            "timeline": selectors.dossier_timeline(dossier=dossier),
            "bookings": selectors.dossier_bookings(dossier=dossier),
            "requests": selectors.dossier_requests(dossier=dossier),
            "can_route_amu": Transition.ROUTE_AMU in allowed and permissions.can_route_dossier(user, dossier),
            "can_route_gp": Transition.ROUTE_GENERAL_PRACTICE in allowed
            and permissions.can_route_dossier(user, dossier),
            "can_decide": dossier.state in (DossierState.GENERAL_PRACTICE, DossierState.REGULATED)
            and permissions.can_decide_dossier(user, dossier),
            "can_orient": dossier.state in (DossierState.REGULATED, DossierState.ORIENTING)
            and permissions.can_orient_dossier(user, dossier),
            "can_record_outcome": dossier.state == DossierState.ORIENTED
            and permissions.can_orient_dossier(user, dossier),
            "held_by_me": dossier.holder_id == user.pk,
            "outcome_form": forms.OutcomeForm(),
        },
    )


@login_required
@require_POST
def dossier_route(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _target(pk, permissions.can_route_dossier, request.user)
    to = {"amu": Transition.ROUTE_AMU, "mg": Transition.ROUTE_GENERAL_PRACTICE}.get(request.POST.get("to"))
    if to is None:
        messages.error(request, "Orientation inconnue.")
    else:
        _run(
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
    dossier = _target(pk, permissions.can_claim_dossier, request.user)
    take_over = request.POST.get("take_over") == "1"
    if _run(
        request,
        lambda: services.dossier_claim(dossier_id=dossier.pk, actor=request.user, take_over=take_over),
    ):
        dossier.refresh_from_db()
        return redirect(page_for(dossier, request.user))
    return redirect("regulation-dossier", dossier.pk)


@login_required
@require_POST
def dossier_release(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _target(pk, permissions.can_claim_dossier, request.user)
    _run(
        request,
        lambda: services.dossier_release(dossier_id=dossier.pk, actor=request.user),
        "Dossier relâché.",
    )
    return redirect("regulation-queue")


# --- Decision (régulateur) ---------------------------------------------------------------------


@login_required
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _read(request, pk, permissions.can_decide_dossier)
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
        if _run(
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


# --- Orientation (OSNP) ------------------------------------------------------------------------


@login_required
@require_GET
def orientation(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _read(request, pk, permissions.can_orient_dossier)
    context = orientation_context(dossier=dossier, user=request.user, params=request.GET)
    context["title"] = f"Orientation {dossier.reference}"
    return render(request, "regulation/orientation.html", context)


@login_required
@require_GET
def orientation_results(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX partial: the 48 h search results (refreshed after a lost race)."""
    dossier = _target(pk, permissions.can_orient_dossier, request.user)
    return render(
        request, "regulation/orientation.html#results", search_context(dossier=dossier, params=request.GET)
    )


def _back_to_orientation(dossier: Dossier) -> HttpResponse:
    return redirect("regulation-orientation", dossier.pk)


@login_required
@require_POST
def orientation_treating_doctor(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _target(pk, permissions.can_orient_dossier, request.user)
    form = forms.TreatingDoctorForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back_to_orientation(dossier)
    data = form.cleaned_data
    _run(
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
    dossier = _target(pk, permissions.can_orient_dossier, request.user)
    slot_id = int(request.POST.get("slot", "0") or 0)
    if _run(
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
    dossier = _target(pk, permissions.can_orient_dossier, request.user)
    slot_id = int(request.POST.get("slot", "0") or 0)
    _run(
        request,
        lambda: services.slot_hold_editor(dossier_id=dossier.pk, slot_id=slot_id, actor=request.user),
        "Créneau retenu : finalisez la réservation sur la page de l'éditeur.",
    )
    return _back_to_orientation(dossier)


@login_required
@require_POST
def orientation_hold_release(request: HttpRequest, pk: int, booking_pk: int) -> HttpResponse:
    dossier = _target(pk, permissions.can_orient_dossier, request.user)
    booking = Booking.objects.filter(pk=booking_pk, dossier=dossier).first()
    if booking is None:
        raise Http404
    _run(
        request,
        lambda: services.booking_hold_release(booking_id=booking.pk, actor=request.user),
        "Créneau libéré.",
    )
    return _back_to_orientation(dossier)


@login_required
@require_POST
def orientation_surnumeraire(request: HttpRequest, pk: int) -> HttpResponse:
    from cpts.models import Professional, Structure

    dossier = _target(pk, permissions.can_orient_dossier, request.user)
    form = forms.SurnumeraireAskForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un médecin ou une structure, et le canal.")
        return _back_to_orientation(dossier)
    data = form.cleaned_data
    professional = (
        Professional.objects.filter(pk=data["professional"]).first() if data["professional"] else None
    )
    structure = Structure.objects.filter(pk=data["structure"]).first() if data["structure"] else None
    if professional is None and structure is None:
        raise Http404
    _run(
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
    dossier = _target(pk, permissions.can_orient_dossier, request.user)
    form = forms.OrientationCloseForm(request.POST)
    if form.is_valid() and _run(
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
        _run(
            request,
            lambda: services.booking_outcome_record(
                booking_id=booking.pk, actor=request.user, status=form.cleaned_data["status"]
            ),
            "Issue enregistrée.",
        )
    return redirect("regulation-dossier", booking.dossier_id)


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
        _run(
            request,
            lambda: services.surnumeraire_request_answer(
                request_id=surnumeraire.pk,
                actor=request.user,
                status=data["status"],
                doctor_name=data["doctor_name"],
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
