"""Pages of `cpts` (DSFR + HTMX): thin views calling services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cpts import permissions, selectors, services
from cpts.enums import ParticipationStatus, StructureKind
from cpts.models import Membership, Professional, SasParticipation, Structure
from cpts.web.forms import (
    DirectorySearchForm,
    MemberAddForm,
    MemberParticipationForm,
    MembershipEndForm,
    ParticipationCloseForm,
    ParticipationForm,
    StructureContactForm,
)
from sas_platform.exceptions import ApplicationError
from sas_platform.selectors import territory_codes_for_user


def _form_error(form, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: on its fields when named, else on the whole form."""
    fields = exc.extra.get("fields") or {}
    placed = False
    for name, errors in fields.items():
        if name in form.fields:
            for error in errors:
                form.add_error(name, error)
            placed = True
    form.add_error(None, exc.message)
    return placed


# --- Directory (regulators) -------------------------------------------------------------


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """Search the directory: name, RPPS, profession, commune or distance, structure, participation."""
    if not permissions.can_view_directory(request.user):
        raise PermissionDenied
    structures = (
        selectors.structures_for_user(user=request.user).exclude(kind=StructureKind.CABINET).order_by("name")
    )
    form = DirectorySearchForm(
        request.GET or None, structures=structures, departements=territory_codes_for_user(user=request.user)
    )
    rows, searched, commune = [], False, None
    if form.is_bound and not form.is_empty() and form.is_valid():
        data = form.cleaned_data
        commune = data["commune"]
        rows = selectors.professionals_search(
            user=request.user,
            on=timezone.localdate(),
            name=data["name"],
            rpps=data["rpps"],
            profession_code=data["profession"],
            specialty_code=data["specialty"],
            structure_id=data["structure"],
            status=data["status"],
            accepts_surnumeraire=True if data["surnumeraire"] else None,
            commune=commune,
            radius_km=float(data["radius_km"]) if data["radius_km"] else None,
            limit=100,
        )
        searched = True
    context = {
        "title": "Annuaire de l'offre de soins",
        "form": form,
        "rows": rows,
        "searched": searched,
        "commune": commune,
    }
    template = "cpts/directory.html#results" if request.htmx else "cpts/directory.html"
    return render(request, template, context)


@login_required
def professional_detail(request: HttpRequest, pk: int) -> HttpResponse:
    professional = selectors.professional_detail(pk=pk)
    if professional is None or not permissions.can_view_professional(request.user, professional):
        raise Http404
    today = timezone.localdate()
    return render(
        request,
        "cpts/professional.html",
        {
            "title": f"{professional.civility} {professional.first_name} {professional.last_name}".strip(),
            "professional": professional,
            "participations": selectors.participation_history(professional=professional),
            "current": selectors.participation_on(professional=professional, on=today),
            "participating": selectors.participation_status_on(professional=professional, on=today)
            == ParticipationStatus.PARTICIPATING,
        },
    )


# --- Coordinators -----------------------------------------------------------------------


@login_required
def my_structures(request: HttpRequest) -> HttpResponse:
    structures = list(selectors.structures_coordinated_by(user=request.user))
    if len(structures) == 1:
        return redirect("cpts:structure", pk=structures[0].pk)
    return render(request, "cpts/my_structures.html", {"title": "Mes structures", "structures": structures})


def _structure_context(request, structure: Structure, **forms) -> dict:
    today = timezone.localdate()
    members = selectors.structure_members(structure=structure, on=today)
    can_manage = permissions.can_manage_structure(request.user, structure)
    context = {
        "title": str(structure),
        "structure": structure,
        "can_manage": can_manage,
        "members": members,
        "participating_count": sum(1 for m in members if m.participating),
        "is_cpts": structure.kind == StructureKind.CPTS,
        "member_form": forms.get("member_form") or MemberAddForm(),
        "contact_form": forms.get("contact_form")
        or StructureContactForm(initial={"phone": structure.phone, "email": structure.email}),
        "declare_form": forms.get("declare_form"),
        "declare_for": forms.get("declare_for"),
    }
    if structure.kind == StructureKind.CPTS:
        context.update(
            communes=sorted(
                selectors.territory_communes_deduplicated(structure=structure),
                key=lambda c: -c.population_2021,
            ),
            population=selectors.cpts_population(structure=structure),
            computed_size=selectors.cpts_computed_size(structure=structure),
            size=selectors.cpts_size(structure=structure),
        )
    return context


def _structure_or_404(request, pk: int, *, manage: bool) -> Structure:
    structure = get_object_or_404(Structure.objects.select_related("departement"), pk=pk)
    allowed = (
        permissions.can_manage_structure(request.user, structure)
        if manage
        else permissions.can_view_structure(request.user, structure)
    )
    if not allowed:
        raise Http404
    return structure


@login_required
def structure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _structure_or_404(request, pk, manage=False)
    context = _structure_context(request, structure)
    member_pk = request.GET.get("declarer")
    if context["can_manage"] and member_pk and member_pk.isdigit():
        member = next((m for m in context["members"] if m.professional_id == int(member_pk)), None)
        if member is not None:
            context["declare_for"] = member.professional
            context["declare_form"] = MemberParticipationForm(
                structures=[structure],
                initial={
                    "professional": member.professional_id,
                    "structure": structure.pk,
                    "mode": _mode_for(structure),
                },
            )
    return render(request, "cpts/structure.html", context)


def _mode_for(structure: Structure) -> str:
    return {"cpts": "cpts", "msp": "msp", "cds": "cds", "sos": "sos"}.get(structure.kind, "individual")


@login_required
@require_POST
def structure_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _structure_or_404(request, pk, manage=True)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        professional = selectors.professional_get_by_rpps(rpps=form.cleaned_data["rpps"])
        if professional is None:
            form.add_error("rpps", "Aucun professionnel de l'annuaire n'a ce numéro RPPS.")
        else:
            try:
                services.membership_add(
                    professional=professional,
                    structure=structure,
                    start_date=form.cleaned_data["start_date"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"{professional} est désormais membre de {structure.name}.")
                return redirect("cpts:structure", pk=structure.pk)
    return render(
        request, "cpts/structure.html", _structure_context(request, structure, member_form=form), status=400
    )


@login_required
@require_POST
def structure_member_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    structure = _structure_or_404(request, pk, manage=True)
    membership = get_object_or_404(
        Membership.objects.select_related("professional"), pk=membership_pk, structure=structure
    )
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Date de fin invalide.")
        return redirect("cpts:structure", pk=structure.pk)
    try:
        services.membership_end(
            membership=membership, end_date=form.cleaned_data["end_date"], actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"L'adhésion de {membership.professional} est terminée.")
    return redirect("cpts:structure", pk=structure.pk)


@login_required
@require_POST
def structure_participation_declare(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _structure_or_404(request, pk, manage=True)
    form = MemberParticipationForm(request.POST, structures=[structure])
    professional = None
    if form.is_valid():
        professional = (
            structure.memberships.filter(
                professional_id=form.cleaned_data["professional"], end_date__isnull=True
            )
            .select_related("professional")
            .first()
        )
        if professional is None:
            raise Http404
        professional = professional.professional
        try:
            services.participation_declare(
                professional=professional,
                mode=form.cleaned_data["mode"],
                structure=structure if form.cleaned_data["structure"] else None,
                accepts_surnumeraire=form.cleaned_data["accepts_surnumeraire"],
                visibility=form.cleaned_data["visibility"],
                start_date=form.cleaned_data["start_date"],
                actor=request.user,
                consent_recorded_at=timezone.now(),
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Participation au SAS de {professional} enregistrée.")
            return redirect("cpts:structure", pk=structure.pk)
    elif form.data.get("professional", "").isdigit():
        professional = Professional.objects.filter(
            pk=int(form.data["professional"]), memberships__structure=structure
        ).first()
    context = _structure_context(request, structure, declare_form=form, declare_for=professional)
    return render(request, "cpts/structure.html", context, status=400)


@login_required
@require_POST
def structure_contact(request: HttpRequest, pk: int) -> HttpResponse:
    structure = _structure_or_404(request, pk, manage=True)
    form = StructureContactForm(request.POST)
    if form.is_valid():
        try:
            services.structure_contact_update(
                structure=structure,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                actor=request.user,
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Coordonnées enregistrées.")
            return redirect("cpts:structure", pk=structure.pk)
    return render(
        request, "cpts/structure.html", _structure_context(request, structure, contact_form=form), status=400
    )


# --- Doctor: "je participe au SAS" ----------------------------------------------------------


@login_required
def my_participation(request: HttpRequest) -> HttpResponse:
    """The doctor's own declaration (DOMAIN.md §4; seed 004: the five ways to take part)."""
    professional = selectors.professional_for_user(user=request.user)
    if professional is None:
        return render(
            request, "cpts/my_participation.html", {"title": "Je participe au SAS", "professional": None}
        )
    today = timezone.localdate()
    structures = [m.structure for m in selectors.memberships_current(professional=professional, on=today)]
    current = selectors.participation_on(professional=professional, on=today)
    initial = {"mode": "individual", "visibility": "interfaced_agenda"}
    if current is not None:
        initial = {
            "mode": current.mode,
            "structure": current.structure_id,
            "accepts_surnumeraire": current.accepts_surnumeraire,
            "visibility": current.visibility,
        }
    form = ParticipationForm(request.POST or None, structures=structures, initial=initial)
    if request.method == "POST":
        if not permissions.can_declare_participation(request.user, professional):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            structure = next((s for s in structures if s.pk == data["structure"]), None)
            try:
                services.participation_declare(
                    professional=professional,
                    mode=data["mode"],
                    structure=structure,
                    accepts_surnumeraire=data["accepts_surnumeraire"],
                    visibility=data["visibility"],
                    start_date=data["start_date"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "Votre participation au SAS est enregistrée.")
                return redirect("cpts:my-participation")
    return render(
        request,
        "cpts/my_participation.html",
        {
            "title": "Je participe au SAS",
            "professional": professional,
            "form": form,
            "current": current,
            "participating": selectors.participation_status_on(professional=professional, on=today)
            == ParticipationStatus.PARTICIPATING,
            "history": selectors.participation_history(professional=professional),
            "close_form": ParticipationCloseForm(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def my_participation_close(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_object_or_404(SasParticipation.objects.select_related("professional"), pk=pk)
    if participation.professional.user_id != request.user.pk or not permissions.can_close_participation(
        request.user, participation
    ):
        raise Http404
    form = ParticipationCloseForm(request.POST)
    if form.is_valid():
        try:
            services.participation_close(
                participation=participation, end_date=form.cleaned_data["end_date"], actor=request.user
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Votre participation au SAS est close.")
    return redirect(reverse("cpts:my-participation"))
