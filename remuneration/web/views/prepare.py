"""SAS administrator: prepare a bordereau (a Celery task, progress shown with HTMX) and its anomalies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from remuneration import permissions, selectors
from remuneration.rules.periods import period_parse
from remuneration.tasks import compute_bordereau, progress_key
from remuneration.web.forms import PrepareForm
from sas_platform.exceptions import ApplicationError
from sas_platform.models import SasTerritory
from sas_platform.permissions import is_platform_admin
from sas_platform.selectors import territory_codes_for_user


def _territories(user) -> list[SasTerritory]:
    """SAS territories where the user prepares bordereaux."""
    qs = SasTerritory.objects.order_by("pk")
    if not is_platform_admin(user):
        qs = qs.filter(pk__in=territory_codes_for_user(user=user))
    return [t for t in qs if permissions.can_compute_bordereau(user, t.pk)]


def _last_month() -> str:
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return f"{first.year}-{first.month:02d}"


@login_required
@require_http_methods(["GET", "POST"])
def prepare(request: HttpRequest) -> HttpResponse:
    territories = _territories(request.user)
    if not territories:
        raise PermissionDenied
    initial = {"kind": "regulators", "period": _last_month(), "territory": territories[0].pk}
    form = PrepareForm(request.POST or None, territories=territories, initial=initial)
    job = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = period_parse(data["kind"], data["period"]).code
        except ApplicationError as error:
            form.add_error("period", error.message)
        else:
            job = {"kind": data["kind"], "territory": data["territory"], "period": period}
            cache.set(progress_key(**job), {"state": "queued"}, 3600)
            user_id = request.user.pk
            transaction.on_commit(
                lambda: compute_bordereau.delay(job["kind"], job["territory"], job["period"], user_id)
            )
    drafts = selectors.bordereaux_for_user(user=request.user).filter(status__in=["draft", "sent_back"])[:20]
    return render(
        request,
        "remuneration/prepare.html",
        {"title": "Préparer un bordereau", "form": form, "job": job, "drafts": drafts},
    )


@login_required
@require_GET
def prepare_progress(request: HttpRequest) -> HttpResponse:
    """HTMX partial polled every second while the task runs."""
    kind, territory, period = (request.GET.get(k, "") for k in ("kind", "territory", "period"))
    if not permissions.can_compute_bordereau(request.user, territory):
        raise PermissionDenied
    state = cache.get(progress_key(kind, territory, period)) or {"state": "unknown"}
    bordereau = None
    if state.get("state") == "done":
        bordereau = selectors.bordereau_get(user=request.user, pk=state["bordereau"])
        state = {**state, "total": Decimal(state["total_eur"])}  # French display
    job = {"kind": kind, "territory": territory, "period": period}
    return render(
        request, "remuneration/_progress.html", {"state": state, "job": job, "bordereau": bordereau}
    )
