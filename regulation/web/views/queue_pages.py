"""The queue of dossiers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from regulation import permissions, policies, selectors
from regulation.web.views._common import page_for
from sas_platform.enums import Role
from sas_platform.selectors import territories_for_user

# --- Queue -------------------------------------------------------------------------------------


def _queue_context(request: HttpRequest) -> dict:
    if not permissions.can_view_queue(request.user):
        raise PermissionDenied
    territory = request.GET.get("territoire") or None
    now = timezone.now()
    rows = selectors.queue_for_user(user=request.user, territory_code=territory)
    roles = request.user.role_codes
    return {
        "rows": [
            {
                "dossier": d,
                "waiting": d.waiting_seconds(now),
                "url": page_for(d, request.user),
                # rows are the user's territories already: the table of who acts when is enough
                "can_claim": policies.may_act(roles, d.state, policies.Action.CLAIM),
            }
            for d in rows
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
