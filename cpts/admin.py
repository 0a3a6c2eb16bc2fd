"""Admin of `cpts` for support staff (read-mostly).

Directory rows come from imports and from the platform's services: the admin shows them, with
their audit trail, and changes only what support must change (a CPTS's contract facts, who
coordinates a structure, a professional's linked account) through the services. Imports can
be started from here (upload) and followed (progress, rejections).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from cpts import services
from cpts.enums import ImportKind
from cpts.imports import import_run_create_from_upload
from cpts.models import (
    ImportRun,
    Membership,
    PracticePlace,
    Professional,
    SasParticipation,
    Structure,
    StructureCoordinator,
)
from cpts.selectors import cpts_population, cpts_size
from cpts.tasks import import_run_enqueue
from sas_platform.models import AuditEvent


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def audit_trail(obj) -> str:
    """The last 20 audit events of ``obj`` (STYLE.md 9: the audit trail visible to support)."""
    events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))[:20]
    if not events:
        return "Aucun événement."
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li>{} — {} — {}</li>",
            ((f"{e.occurred_at:%d/%m/%Y %H:%M}", e.event_type, e.actor_label) for e in events),
        ),
    )


class PlaceInline(ReadOnlyMixin, admin.TabularInline):
    model = PracticePlace
    fields = ["name", "address", "postal_code", "commune", "phone", "structure", "exercise_mode", "is_active"]
    readonly_fields = fields
    extra = 0
    show_change_link = False


class MembershipInline(ReadOnlyMixin, admin.TabularInline):
    model = Membership
    fields = ["structure", "start_date", "end_date"]
    readonly_fields = fields
    extra = 0


class ParticipationInline(ReadOnlyMixin, admin.TabularInline):
    model = SasParticipation
    fields = [
        "mode",
        "structure",
        "accepts_surnumeraire",
        "visibility",
        "start_date",
        "end_date",
        "declared_by",
        "consent_recorded_at",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(Professional)
class ProfessionalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "identifier",
        "identifier_type",
        "last_name",
        "first_name",
        "profession_label",
        "specialty_code",
        "identifier_key_valid",
        "source",
    ]
    list_filter = ["identifier_type", "identifier_key_valid", "profession_code", "specialty_code", "source"]
    search_fields = ["identifier", "search_name"]
    readonly_fields = [f.name for f in Professional._meta.fields] + ["journal"]
    inlines = [PlaceInline, MembershipInline, ParticipationInline]

    @admin.display(description="Journal d'audit")
    def journal(self, obj):
        return audit_trail(obj)


class StructureContractForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = ["size_override", "aci_signed_on"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    """Only a CPTS's contract facts are editable (size override, ACI date), through the service."""

    form = StructureContractForm
    list_display = ["name", "kind", "departement", "finess", "siret", "phone", "source"]
    list_filter = ["kind", "departement", "source"]
    search_fields = ["name", "finess", "siret"]
    readonly_fields = [
        "kind",
        "name",
        "finess",
        "siret",
        "departement",
        "address",
        "phone",
        "email",
        "population",
        "size",
        "communes",
        "journal",
    ]
    fields = [
        *readonly_fields[:8],
        "size_override",
        "aci_signed_on",
        "population",
        "size",
        "communes",
        "journal",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Population du territoire")
    def population(self, obj):
        return cpts_population(structure=obj)

    @admin.display(description="Taille retenue")
    def size(self, obj):
        return cpts_size(structure=obj)

    @admin.display(description="Communes du territoire")
    def communes(self, obj):
        return ", ".join(f"{c.name} ({c.insee_code})" for c in obj.territory_communes.all()) or "—"

    @admin.display(description="Journal d'audit")
    def journal(self, obj):
        return audit_trail(obj)

    def save_model(self, request, obj, form, change):
        services.structure_contract_update(
            structure=Structure.objects.get(pk=obj.pk),
            size_override=form.cleaned_data["size_override"],
            aci_signed_on=form.cleaned_data["aci_signed_on"],
            actor=request.user,
        )


@admin.register(StructureCoordinator)
class StructureCoordinatorAdmin(admin.ModelAdmin):
    list_display = ["user", "structure"]
    search_fields = ["user__email", "structure__name"]
    autocomplete_fields = ["structure"]
    raw_id_fields = ["user"]


class ImportRunForm(forms.ModelForm):
    upload = forms.FileField(
        label="Fichier", help_text="Extraction RPPS / Pro Santé Connect (.txt) ou FHIR (.json, .ndjson)"
    )

    class Meta:
        model = ImportRun
        fields = ["kind"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "file_name",
        "status",
        "progress",
        "read",
        "created",
        "updated",
        "unchanged",
        "rejected",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = [
        "kind",
        "status",
        "file_name",
        "file_format",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "progress",
        "read",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "full_extract",
        "deactivated",
        "rejection_list",
        "error",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImportRunForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["kind", "upload"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return obj is None or request.method == "GET"

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Progression")
    def progress(self, obj):
        if not obj.progress_total:
            return "—"
        return f"{min(100, round(100 * obj.progress_done / obj.progress_total))} %"

    @admin.display(description="Rejets (ligne : motif)")
    def rejection_list(self, obj):
        if not obj.rejections:
            return "Aucun rejet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} : {}</li>", ((r["line"], r["reason"]) for r in obj.rejections[:200])
            ),
        )

    def save_model(self, request, obj, form, change):
        run = import_run_create_from_upload(
            kind=ImportKind(form.cleaned_data["kind"]),
            uploaded_file=form.cleaned_data["upload"],
            actor=request.user,
        )
        import_run_enqueue(run_id=run.pk)
        obj.pk = run.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Nothing related to save: the run was created by the service."""
