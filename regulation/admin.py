"""Admin of `regulation` for support staff: the PDSA calendar per territory (DOMAIN.md §3.4) is
edited here; dossiers are listed without patient identity (reads of patient data go through the
desk, where they are logged)."""

from django.contrib import admin

from regulation.models import ActFact, Dossier, PdsaCalendar, RegulatorShift


@admin.register(PdsaCalendar)
class PdsaCalendarAdmin(admin.ModelAdmin):
    list_display = ["territory", "day_start", "night_start", "saturday_start"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["reference", "territory", "state", "priority", "picked_up_at", "holder", "closure_reason"]
    list_filter = ["territory", "state", "priority", "orientation_result"]
    fields = [
        "territory",
        "state",
        "priority",
        "picked_up_at",
        "holder",
        "decision",
        "orientation_result",
        "closed_at",
    ]
    readonly_fields = fields
    list_select_related = ["territory", "holder"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _ReadOnly(admin.ModelAdmin):
    """Facts and shifts are written by the services (audited); the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActFact)
class ActFactAdmin(_ReadOnly):
    list_display = [
        "rpps",
        "doctor_name",
        "territory",
        "kind",
        "outcome",
        "appointment_start",
        "snp_candidate",
    ]
    list_filter = ["territory", "outcome", "is_surnumeraire", "snp_candidate", "is_treating_doctor"]
    search_fields = ["rpps", "doctor_name"]
    list_select_related = ["territory"]


@admin.register(RegulatorShift)
class RegulatorShiftAdmin(_ReadOnly):
    list_display = [
        "regulator",
        "territory",
        "start",
        "end",
        "sas_minutes",
        "pdsa_minutes",
        "version",
        "is_current",
    ]
    list_filter = ["territory", "is_current", "origin", "cancelled"]
    list_select_related = ["regulator", "territory"]
