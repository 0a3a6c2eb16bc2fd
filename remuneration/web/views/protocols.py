"""Structures record their SNP cooperation protocol acts (DOMAIN.md §7.7): the structure's
managers (``cpts.selectors.can_manage_structure``) record an act, list the semester's acts and
download the semestrial reporting file (CSV for the ARS and the CPAM)."""

from __future__ import annotations

import csv
import io
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cpts.selectors import can_manage_structure, structure_get, structure_members
from remuneration import services
from remuneration.rules.periods import period_parse, previous_period
from remuneration.selectors.protocols import (
    PROTOCOL_KINDS,
    protocol_acts_of,
    protocol_report_rows,
    protocol_structures_for,
)
from remuneration.services.protocols import semester_of
from remuneration.web.forms import ProtocolActForm
from sas_platform.enums import Role
from sas_platform.exceptions import ApplicationError

SEMESTER = re.compile(r"^\d{4}-S[12]$")
PER_PAGE = 20
MANAGERS = (Role.COORDINATEUR_STRUCTURE, Role.ADMIN_SAS, Role.ADMIN_PLATEFORME)


def _managed(request, pk: int):
    structure = structure_get(pk=pk)
    if (
        structure is None
        or structure.kind not in PROTOCOL_KINDS
        or not can_manage_structure(request.user, structure)
    ):
        raise Http404("Structure introuvable.")
    return structure


def _next_semester(period) -> str:
    year = period.first_day.year
    return f"{year}-S2" if period.first_day.month == 1 else f"{year + 1}-S1"


def _semester(request):
    code = request.GET.get("semestre", "")
    return period_parse("protocols", code if SEMESTER.match(code) else semester_of(timezone.localdate()))


@login_required
@require_GET
def protocol_structures(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(*MANAGERS):
        raise PermissionDenied
    page = Paginator(protocol_structures_for(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    if page.paginator.count == 1 and request.user.has_role(Role.COORDINATEUR_STRUCTURE):
        return redirect("remuneration:protocol-acts", pk=page.object_list[0].pk)
    return render(
        request, "remuneration/protocol_structures.html", {"title": "Protocoles de coopération", "page": page}
    )


def _record(request, structure, form):
    data = form.cleaned_data
    try:
        act = services.protocol_act_record(
            actor=request.user,
            structure_id=structure.pk,
            protocol=data["protocol"],
            patient_pseudonym=data["patient_pseudonym"],
            act_date=data["act_date"],
            professional_id=data["professional"],
            is_second=data["consultation"] == "second",
            common_law_billed=data["common_law_billed"],
        )
    except ApplicationError as error:
        fields = error.extra.get("fields") or {}
        for field, errors in fields.items():
            form.add_error(field if field in form.fields else None, errors)
        if not fields:
            form.add_error(None, error.message)
        return None
    messages.success(request, f"Acte enregistré : {act}.")
    url = reverse("remuneration:protocol-acts", kwargs={"pk": structure.pk})
    return redirect(f"{url}?semestre={semester_of(act.act_date)}")


@login_required
@require_http_methods(["GET", "POST"])
def protocol_acts(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _managed(request, pk)
    members = [m.professional for m in structure_members(structure=structure, on=timezone.localdate())]
    form = ProtocolActForm(request.POST or None, members=members)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = _record(request, structure, form)
            if done is not None:
                return done
        status = 400
    period = _semester(request)
    page = Paginator(protocol_acts_of(structure_id=structure.pk, period=period), PER_PAGE).get_page(
        request.GET.get("page")
    )
    following = period_parse("protocols", _next_semester(period))
    return render(
        request,
        "remuneration/protocol_acts.html",
        {
            "title": f"Protocoles de coopération – {structure.name}",
            "structure": structure,
            "form": form,
            "period": period,
            "previous": previous_period("protocols", period.code),
            "next": following.code if following.first_day <= timezone.localdate() else None,
            "page": page,
        },
        status=status,
    )


@login_required
@require_GET
def protocol_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The semestrial reporting file (DOMAIN.md §7.7): one row per act with its amount and why;
    UTF-8 with BOM, « ; », decimal comma (opened in a French spreadsheet). Pseudonyms only."""
    structure = _managed(request, pk)
    period = _semester(request)
    rows, total = protocol_report_rows(structure_id=structure.pk, period=period)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    ident = f"FINESS {structure.finess}" if structure.finess else f"SIRET {structure.siret}"
    writer.writerow(
        ["Déclaration semestrielle des protocoles de coopération SNP", structure.name, ident, period.code]
    )
    writer.writerow(
        [
            "Date",
            "Protocole",
            "Patient (pseudonyme)",
            "RPPS",
            "Professionnel",
            "Consultation",
            "Montant (€)",
            "Motif",
        ]
    )
    for row in rows:
        act, prof = row.act, row.act.professional
        writer.writerow(
            [
                f"{act.act_date:%d/%m/%Y}",
                act.get_protocol_display(),
                act.patient_pseudonym,
                prof.identifier if prof else "",
                f"{prof.last_name} {prof.first_name}" if prof else "",
                "2e / réévaluation" if act.is_second else "1re (inclusion)",
                "" if row.amount is None else f"{row.amount:.2f}".replace(".", ","),
                row.reason,
            ]
        )
    writer.writerow(["Total", "", "", "", "", f"{len(rows)} acte(s)", f"{total:.2f}".replace(".", ","), ""])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="protocoles-{structure.pk}-{period.code}.csv"'
    return response
