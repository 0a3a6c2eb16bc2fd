"""Shared helpers of the desk's pages: reading a dossier, running an action, a dossier's page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse

from regulation import permissions, selectors
from regulation.enums import DossierState
from regulation.models import Dossier
from sas_platform.exceptions import ApplicationError, NotFoundError, PermissionDeniedError


def dossier_read_for(request: HttpRequest, pk: int, allowed: Callable | None = None) -> Dossier:
    """The dossier for a page: 404 / 403 before anything is logged; then the read is logged."""
    try:
        return selectors.dossier_read(
            user=request.user, dossier_id=pk, path=request.get_full_path(), also_allowed=allowed
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc


def dossier_target(pk: int, allowed: Callable, user) -> Dossier:
    """The dossier an action works on (no patient data shown): 404 / 403."""
    dossier = Dossier.objects.filter(pk=pk).first()
    if dossier is None:
        raise Http404("Dossier introuvable.")
    if not allowed(user, dossier):
        raise PermissionDenied
    return dossier


def service_run(request: HttpRequest, action: Callable, success: str = "") -> bool:
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def form_error(form, exc: ApplicationError) -> None:
    """A service's refusal on the form: on the fields it names (when the form has them), and
    its message at the top (the same French words as the API's), unless a field already says
    exactly that (the error summary would list it twice)."""
    on_fields = set()
    for name, errors in (exc.extra.get("fields") or {}).items():
        if name in form.fields:
            for error in errors:
                form.add_error(name, error)
                on_fields.add(str(error))
    if str(exc.message) not in on_fields:
        form.add_error(None, exc.message)


def page_for(dossier: Dossier, user) -> str:
    """Where a desk user works on a dossier, by state and role."""
    if dossier.state == DossierState.GENERAL_PRACTICE and permissions.can_decide_dossier(user, dossier):
        return reverse("regulation-decision", args=[dossier.pk])
    if dossier.state in (DossierState.REGULATED, DossierState.ORIENTING) and permissions.can_orient_dossier(
        user, dossier
    ):
        return reverse("regulation-orientation", args=[dossier.pk])
    return reverse("regulation-dossier", args=[dossier.pk])
