"""The coordinator's set-up page of a planning: vacation types with their weekly templates, groups,
distribution rules (issue 11 §1, §3). Thin: the service validates and writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from planning.vacations.models import DistributionRule, VacationGroup, VacationTemplate
from planning.vacations.services.configure import rule_add, template_add
from planning.vacations.web.coordinator import managed_planning
from planning.vacations.web.forms import RuleForm, TemplateForm
from sas_platform.exceptions import ApplicationError


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    planning = managed_planning(request, pk)
    template_form = TemplateForm(request.POST if request.POST.get("form") == "template" else None, prefix="t")
    rule_form = RuleForm(request.POST if request.POST.get("form") == "rule" else None, prefix="r")
    try:
        if template_form.is_bound and template_form.is_valid():
            template_add(planning=planning, actor=request.user, **template_form.cleaned_data)
            messages.success(request, "Modèle hebdomadaire ajouté.")
            return redirect("vacations-setup", pk=pk)
        if rule_form.is_bound and rule_form.is_valid():
            rule_add(planning=planning, actor=request.user, **rule_form.cleaned_data)
            messages.success(request, "Règle ajoutée.")
            return redirect("vacations-setup", pk=pk)
    except ApplicationError as exc:
        (template_form if template_form.is_bound else rule_form).add_error(None, str(exc))
    return render(
        request,
        "planning/vacations/setup.html",
        {
            "title": f"Paramétrage — {planning.name}",
            "planning": planning,
            "templates": VacationTemplate.objects.filter(planning=planning).select_related(
                "vacation_type", "group"
            ),
            "groups": VacationGroup.objects.filter(planning=planning),
            "rules": DistributionRule.objects.filter(planning=planning).select_related("group"),
            "template_form": template_form,
            "rule_form": rule_form,
        },
    )
