"""Pages of `planning` (DSFR + HTMX): thin views calling services and selectors."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from planning import permissions, selectors, services, tasks
from planning.connectors.breaker import breaker_state
from planning.models import AgendaSource, DeclaredAvailability, Slot, SourceRun
from planning.web.forms import DeclaredAvailabilityForm
from sas_platform.exceptions import ApplicationError


def _source_or_403(request: HttpRequest, pk: int) -> AgendaSource:
    source = get_object_or_404(AgendaSource, pk=pk)
    if not permissions.can_view_source(request.user, source):
        raise PermissionDenied
    return source


@login_required
@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    """Each source's health, freshness, circuit, last run statistics and errors; "run now" for admins."""
    if not permissions.can_view_sources(request.user):
        raise PermissionDenied
    now = timezone.now()
    rows = list(selectors.sources_visible_to(user=request.user))
    last_runs = selectors.source_last_runs(sources=rows)
    items = [
        {
            "source": source,
            "run": last_runs.get(source.pk),
            "freshness": source.freshness_seconds(now),
            "stale": source.is_stale(now),
            "circuit": breaker_state(source.name),
            "can_run": permissions.can_run_source(request.user, source),
        }
        for source in rows
    ]
    return render(request, "planning/sources.html", {"title": "Sources d'agenda", "items": items})


@login_required
@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_or_403(request, pk)
    runs = SourceRun.objects.filter(source=source).order_by("-created_at", "-id")[:20]
    return render(
        request,
        "planning/source_detail.html",
        {
            "title": source.label,
            "source": source,
            "runs": runs,
            "circuit": breaker_state(source.name),
            "freshness": source.freshness_seconds(),
            "can_run": permissions.can_run_source(request.user, source),
        },
    )


@login_required
@require_POST
def source_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a source now: a pending run handed to a worker; HTMX shows its live progress."""
    source = _source_or_403(request, pk)
    if not permissions.can_run_source(request.user, source):
        raise PermissionDenied
    run = services.source_run_request(source=source, actor=request.user)
    tasks.source_poll_enqueue(source_id=source.pk, run_id=run.pk)
    if request.htmx:
        run.refresh_from_db()
        return render(request, "planning/sources.html#run_progress", {"run": run})
    messages.success(request, f"Interrogation de « {source.label} » demandée.")
    return redirect("planning-source", pk=source.pk)


@login_required
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(SourceRun.objects.select_related("source"), pk=pk)
    _source_or_403(request, run.source_id)
    return render(request, "planning/sources.html#run_progress", {"run": run})


@login_required
@require_http_methods(["GET", "POST"])
def availability(request: HttpRequest) -> HttpResponse:
    """An effecteur declares weekly or one-off blocks; the page shows the 2 h/week rule (DOMAIN.md §4)."""
    if not permissions.can_declare_availability(request.user):
        raise PermissionDenied
    professional = request.user.professional
    form = DeclaredAvailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.declared_availability_create(
                professional=professional,
                actor=request.user,
                kind=data["kind"],
                weekday=data.get("weekday"),
                date=data.get("date"),
                start_time=data["start_time"],
                end_time=data["end_time"],
                modalities=data["modalities"],
                patients=data["patients"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Disponibilité enregistrée : ses créneaux sont proposés au SAS.")
            return redirect("planning-availability")
    today = timezone.localdate()
    week_start = today - timedelta(days=today.weekday())
    weeks = [
        {
            "start": week_start + timedelta(days=7 * n),
            "hours": selectors.declared_hours_per_week(
                professional=professional, week_start=week_start + timedelta(days=7 * n)
            ),
        }
        for n in range(4)
    ]
    for week in weeks:
        week["meets"] = week["hours"] >= 2
    return render(
        request,
        "planning/availability.html",
        {
            "title": "Mes disponibilités",
            "form": form,
            "blocks": selectors.declared_availabilities_of(professional=professional),
            "weeks": weeks,
        },
    )


@login_required
@require_POST
def availability_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_declare_availability(request.user):
        raise PermissionDenied
    block = get_object_or_404(
        DeclaredAvailability, pk=pk, professional=request.user.professional, is_active=True
    )
    services.declared_availability_remove(availability=block, actor=request.user)
    messages.success(request, "Disponibilité retirée.")
    return redirect("planning-availability")


def _sign_in_first(request: HttpRequest) -> HttpResponse:
    """A regulator arriving from the national SAS platform (``origin=sas`` appended to the Slot's
    ``comment``, the guide's SSO flow, DOMAIN.md §3.3) goes straight to Pro Santé Connect when it is
    enabled; anyone else to the login page. Both come back to this page, ``origin`` kept (issue 14)."""
    if request.GET.get("origin") == "sas" and settings.PSC_ENABLED:
        return redirect(f"{reverse('psc-start')}?{urlencode({'next': request.get_full_path()})}")
    return redirect_to_login(request.get_full_path())


@require_GET
def owned_slot(request: HttpRequest, pk: int) -> HttpResponse:
    """The booking page of a slot the platform owns (the ``comment`` of its FHIR Slot): what it is,
    whether it is still free, and how the regulation desk books it (from the patient's dossier)."""
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    slot = get_object_or_404(
        Slot.objects.select_related("professional", "place", "place__commune"), pk=pk, source__isnull=True
    )
    if not permissions.can_view_owned_slot(request.user, slot):
        raise PermissionDenied
    return render(
        request,
        "planning/slot.html",
        {
            "title": "Créneau proposé sur la plateforme",
            "slot": slot,
            "free": slot.is_free_now,
            "from_sas": request.GET.get("origin") == "sas",
        },
    )


# --- Structures: who meets the 2 h/week rule (issue 3, DOMAIN.md §4) -----------------------------


@login_required
@require_GET
def structures(request: HttpRequest) -> HttpResponse:
    """The structures the user coordinates; one only: straight to its members."""
    from cpts.selectors import structures_for_user

    if not permissions.can_view_structure_rule_index(request.user):
        raise PermissionDenied
    rows = list(
        structures_for_user(user=request.user).filter(coordinators__user=request.user).order_by("name")
    )
    if len(rows) == 1:
        return redirect("planning-structure-rule", pk=rows[0].pk)
    return render(
        request, "planning/structures.html", {"title": "Règle des 2 h par structure", "structures": rows}
    )


@login_required
@require_GET
def structure_rule(request: HttpRequest, pk: int) -> HttpResponse:
    """A structure's current members, their hours declared on the platform this week and the next
    three, and whether each meets the 2 h/week rule (DOMAIN.md §4) — for its coordinators (and the
    administrators who manage it). Only doctors count; an interfaced agenda meets condition 1
    (DOMAIN.md §4). The evaluation is ``selectors.structure_rule``."""
    from cpts.selectors import structure_get

    structure = structure_get(pk=pk)
    if structure is None:
        raise Http404
    if not permissions.can_view_structure_rule(request.user, structure):
        raise PermissionDenied
    rule = selectors.structure_rule(structure_id=structure.pk, on=timezone.localdate())
    return render(
        request,
        "planning/structure_rule.html",
        {
            "title": f"Règle des 2 h — {structure.name}",
            "structure": structure,
            "weeks": rule.weeks,
            "rows": rule.rows,
            "others": rule.others,
            "meeting_now": rule.meeting_now,
        },
    )
