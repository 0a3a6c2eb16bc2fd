"""What the OSNP's orientation page shows (DOMAIN.md §3.1 step 3): MT, 48 h search, surnuméraire."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from planning import selectors as planning_selectors
from regulation import policies, selectors, services
from regulation.enums import ACTIVE_APPOINTMENT_STATUSES, AppointmentStatus, RequestStatus
from regulation.models import Dossier
from regulation.web import forms

SEARCH_WINDOW = dt.timedelta(hours=48)
SEARCH_LIMIT = 30  # slots shown at most (said above the results)


def search_context(*, dossier: Dossier, params) -> dict:
    """The 48 h search pre-filled from the dossier (commune, modality from the decision)."""
    form = forms.SearchForm(params or None)
    modality = policies.DECISION_MODALITY.get(dossier.decision, "AMB")
    radius = None
    if form.is_valid():
        modality = form.cleaned_data.get("modality") or modality
        radius = form.cleaned_data.get("radius_km")
    now = timezone.now()
    results = []
    if dossier.latitude is not None:
        results = planning_selectors.slots_search(
            latitude=dossier.latitude,
            longitude=dossier.longitude,
            radius_km=radius,
            start=now,
            end=now + SEARCH_WINDOW,
            modalities=[modality],
            departement=None,
            limit=SEARCH_LIMIT,
        )
    return {
        "dossier": dossier,
        "results": results,
        "modality": modality,
        "radius_km": radius or "",
        "search_form": forms.SearchForm(initial={"modality": modality, "radius_km": radius}),
        "searched_at": now,
        "search_limit": SEARCH_LIMIT,
        "radius_used_km": results[0].radius_km if results else None,
        "radius_initial_km": results[0].radius_initial_km if results else None,
        "radius_widened": bool(results and results[0].widened),
    }


def orientation_context(*, dossier: Dossier, user, params) -> dict:
    doctors, structures = selectors.surnumeraire_candidates(dossier=dossier)
    bookings = selectors.dossier_bookings(dossier=dossier)
    requests = selectors.dossier_requests(dossier=dossier)
    attach_member_doctors(requests)
    active = next((b for b in bookings if b.status in ACTIVE_APPOINTMENT_STATUSES), None)
    return {
        **search_context(dossier=dossier, params=params),
        "active_booking": active,
        "editor_url": services.editor_redirect_url(active)
        if active and active.status == AppointmentStatus.HELD and active.booking_url
        else "",
        "bookings": bookings,
        "requests": requests,
        "pending_requests": [r for r in requests if r.status == RequestStatus.PENDING],
        "doctors": doctors,
        "structures": structures,
        "treating_doctor_form": forms.TreatingDoctorForm(
            initial={"name": dossier.treating_doctor_name, "phone": dossier.treating_doctor_phone}
        ),
        "answer_form": forms.RequestAnswerForm(),
        "close_form": forms.OrientationCloseForm(),
        "channels": forms.RequestChannel.choices,
        "hours": selectors.hours_status(
            territory_code=dossier.territory_id, schedule=selectors.pdsa_schedule_of(dossier=dossier)
        ),
        "timeline": selectors.dossier_timeline(dossier=dossier),
        "held_by_me": dossier.holder_id == user.pk,
    }


def attach_member_doctors(rows) -> None:
    """Each pending request to a structure offers its member doctors (a pick, not free text)."""
    from cpts.selectors import structure_member_doctors

    today, cache = timezone.localdate(), {}
    for row in rows:
        if row.structure_id and row.status == RequestStatus.PENDING:
            if row.structure_id not in cache:
                cache[row.structure_id] = structure_member_doctors(structure_id=row.structure_id, on=today)
            row.member_doctors = cache[row.structure_id]
