""" "Mes notifications": per kind of message, e-mail and/or SMS or nothing (issue 11 §6). For the
professionals (reached from "Mes vacations") and the coordinators (follow-ups, validations)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from dsfr.forms import DsfrBaseForm

from cpts.selectors import vacations as directory
from planning.vacations.enums import NotificationChannel, NotificationKind
from planning.vacations.preferences import recipient_of
from planning.vacations.services.preferences import (
    notification_preferences_save,
    parse_hours,
    planning_notifications_set,
    preference_problems,
)
from planning.vacations.web.coordinator import managed_planning
from sas_platform.exceptions import ApplicationError


class PreferencesForm(DsfrBaseForm):
    mobile_phone = forms.CharField(
        label="Téléphone mobile pour les SMS",
        help_text="Format : 06 12 34 56 78 ou +33 6 12 34 56 78. Vide : aucun SMS.",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.MultipleChoiceField(
                label=kind.label,
                choices=NotificationChannel.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def channels(self) -> dict:
        return {kind: list(self.cleaned_data.get(kind) or []) for kind in NotificationKind.values}

    def clean(self):
        data = super().clean()
        for problem in preference_problems(
            mobile_phone=data.get("mobile_phone", ""), channels=self.channels()
        ):
            self.add_error("mobile_phone", problem)
        return data


def _allowed(request: HttpRequest):
    """The professional profile of the user (None for a coordinator without one); 403 otherwise."""
    professional = directory.professional_of_user(user=request.user)
    if professional is None and not directory.structure_ids_coordinated_by(user=request.user):
        raise PermissionDenied
    return professional


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    professional = _allowed(request)
    place = directory.first_place_of(professional_id=professional.pk) if professional else None
    current = recipient_of(user=request.user, fallback_phone=place.phone if place else "")
    initial = {"mobile_phone": current.mobile, **current.channels}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preferences_save(
                user=request.user, mobile_phone=form.cleaned_data["mobile_phone"], channels=form.channels()
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Préférences de notification enregistrées.")
            return redirect("vacations-notifications")
    return render(
        request,
        "planning/vacations/notifications.html",
        {
            "title": "Mes notifications",
            "form": form,
            "email": request.user.email,
            "is_professional": professional is not None,
        },
    )


class PlanningNoticesForm(DsfrBaseForm):
    reminder_hours = forms.CharField(
        label="Rappels avant chaque vacation (heures)",
        help_text="Séparées par des virgules, par exemple « 48, 2 ». Vide : aucun rappel.",
        required=False,
        max_length=60,
    )
    followup_hours = forms.CharField(
        label="Relances sur les vacations du pot commun que personne n'a prises (heures avant)",
        help_text="Par exemple « 48, 24 ». Vide : aucune relance.",
        required=False,
        max_length=60,
    )

    def clean(self):
        data = super().clean()
        for name, label in (("reminder_hours", "Rappels"), ("followup_hours", "Relances")):
            try:
                data[f"{name}_list"] = parse_hours(data.get(name, ""), label=label)
            except ApplicationError as exc:
                self.add_error(name, str(exc))
        return data


def _shown(hours: list, default: str) -> str:
    if not hours:
        return default
    return ", ".join(str(h) for h in hours if int(h) > 0)


@login_required
@require_http_methods(["GET", "POST"])
def planning_notices(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator sets the planning's reminders and follow-ups (issue 11 §6 "per planning")."""
    planning = managed_planning(request, pk)
    initial = {
        "reminder_hours": _shown(planning.reminder_hours, "48, 2"),
        "followup_hours": _shown(planning.followup_hours, "48, 24"),
    }
    form = PlanningNoticesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            planning_notifications_set(
                planning=planning,
                actor=request.user,
                reminder_hours=form.cleaned_data["reminder_hours_list"],
                followup_hours=form.cleaned_data["followup_hours_list"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Rappels et relances du planning enregistrés.")
            return redirect("vacations-planning-notices", pk=planning.pk)
    return render(
        request,
        "planning/vacations/planning_notices.html",
        {"title": f"Rappels et relances — {planning.name}", "planning": planning, "form": form},
    )
