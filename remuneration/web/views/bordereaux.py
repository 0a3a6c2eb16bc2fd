"""Bordereaux pages: CPAM (list, detail, exports, lock, paid), ARS (validate, send back), SAS admin (recompute)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from remuneration import permissions, selectors, services
from remuneration.api.apis.bordereaux import export_response
from remuneration.enums import EDITABLE_STATUSES, BordereauKind, BordereauStatus, ExportFormat
from remuneration.selectors.indicator9 import indicator9_gaps_for_territory
from remuneration.web.forms import BordereauFilterForm, SendBackForm
from sas_platform.exceptions import ApplicationError

LINES_SHOWN = 500


@login_required
@require_GET
def bordereau_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_remuneration(request.user):
        raise PermissionDenied
    form = BordereauFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    bordereaux = selectors.bordereaux_for_user(
        user=request.user,
        kind=filters.get("kind"),
        period=filters.get("period"),
        status=filters.get("status"),
    )[:200]
    return render(
        request,
        "remuneration/bordereaux.html",
        {
            "title": "Bordereaux",
            "form": form,
            "bordereaux": bordereaux,
            "can_prepare": request.user.has_role("admin_sas", "admin_plateforme"),
        },
    )


def _visible(request, pk: int):
    bordereau = selectors.bordereau_get(user=request.user, pk=pk)
    if bordereau is None:
        raise Http404("Bordereau introuvable.")
    return bordereau


@login_required
@require_GET
def bordereau_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_view_remuneration(request.user):
        raise PermissionDenied
    bordereau = _visible(request, pk)
    lines = selectors.bordereau_lines(bordereau=bordereau)
    user = request.user
    return render(
        request,
        "remuneration/bordereau_detail.html",
        {
            "title": str(bordereau),
            "b": bordereau,
            "lines": lines[:LINES_SHOWN],
            "more_lines": max(0, len(lines) - LINES_SHOWN),
            "exports": {e.format: e for e in bordereau.exports.all()},
            "formats": list(ExportFormat),
            "blocking": [a for a in bordereau.anomalies if a.get("blocking", True)],
            "can_validate": permissions.can_validate_bordereau(user, bordereau)
            and bordereau.status in EDITABLE_STATUSES,
            "can_send_back": permissions.can_validate_bordereau(user, bordereau)
            and bordereau.status in (BordereauStatus.DRAFT, BordereauStatus.VALIDATED),
            "can_lock": permissions.can_pay_bordereau(user, bordereau)
            and bordereau.status == BordereauStatus.VALIDATED,
            "can_pay": permissions.can_pay_bordereau(user, bordereau)
            and bordereau.status == BordereauStatus.LOCKED,
            "can_recompute": permissions.can_compute_bordereau(user, bordereau)
            and bordereau.status in EDITABLE_STATUSES,
            "send_back_form": SendBackForm(),
            "ind9_gaps": indicator9_gaps_for_territory(
                territory_code=bordereau.territory_id, quarter=bordereau.period
            )
            if bordereau.kind == BordereauKind.INDICATOR_9
            else None,
        },
    )


ACTIONS = {
    "valider": (
        "Bordereau validé.",
        lambda r, b: services.bordereau_validate(actor=r.user, bordereau_id=b.pk),
    ),
    "renvoyer": (
        "Bordereau renvoyé à l'administrateur du SAS.",
        lambda r, b: services.bordereau_send_back(
            actor=r.user, bordereau_id=b.pk, reason=r.POST.get("reason", "")
        ),
    ),
    "verrouiller": (
        "Bordereau exporté et verrouillé : les fichiers ne changeront plus.",
        lambda r, b: services.bordereau_lock(actor=r.user, bordereau_id=b.pk),
    ),
    "payer": (
        "Paiement enregistré.",
        lambda r, b: services.bordereau_mark_paid(actor=r.user, bordereau_id=b.pk),
    ),
    "recalculer": ("Bordereau recalculé.", lambda r, b: _recompute(r, b)),
}


def _recompute(request, bordereau):
    if not permissions.can_compute_bordereau(request.user, bordereau):
        raise PermissionDenied
    return services.bordereau_compute(
        actor=request.user,
        kind=bordereau.kind,
        territory_code=bordereau.territory_id,
        period=bordereau.period,
    )


@login_required
@require_POST
def bordereau_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS or not permissions.can_view_remuneration(request.user):
        raise Http404
    bordereau = _visible(request, pk)
    success, run = ACTIONS[action]
    try:
        run(request, bordereau)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("remuneration:bordereau", pk=bordereau.pk)


@login_required
@require_GET
def bordereau_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if not permissions.can_view_remuneration(request.user) or fmt not in ExportFormat.values:
        raise Http404
    return export_response(_visible(request, pk), fmt)
