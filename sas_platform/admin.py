"""Admin for support staff: users, geography (read-only), audit trail (read-only, append-only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from sas_platform.identity_hooks import access_changed
from sas_platform.models import AuditEvent, Commune, Departement, PatientDataAccess, Region, User
from sas_platform.permissions import can_use_admin_site
from sas_platform.selectors import users_visible_to


def _admin_has_permission(request):
    return can_use_admin_site(request.user)


admin.site.has_permission = _admin_has_permission


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "territories"]
    search_fields = ["email", "first_name", "last_name", "rpps"]
    filter_horizontal = ["groups", "territories", "user_permissions"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "rpps")}),
        ("Rôles et territoires", {"fields": ("groups", "territories")}),
        # e.g. « planning | créneau | Can view créneau » for a consumer of GET /fhir/r4/Slot (README)
        ("Permissions", {"fields": ("user_permissions",)}),
        ("Statut", {"fields": ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        # Scoped like every list (STYLE.md 10): SAS administrators see their territories' users.
        return users_visible_to(user=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Roles, territories, RPPS or status may have changed here: the hooks follow (INT_R02).
        access_changed(user_id=form.instance.pk, reason="admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["insee_code", "name_with_article", "type", "departement", "population_2021"]
    list_filter = ["type", "departement"]
    search_fields = ["insee_code", "name", "search_name"]
    list_select_related = ["departement"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "event_type", "actor_label", "object_type", "object_repr"]
    list_filter = ["event_type", "object_type"]
    search_fields = ["actor_label", "object_id", "object_repr"]
    date_hierarchy = "occurred_at"


@admin.register(PatientDataAccess)
class PatientDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "actor", "object_type", "object_id", "purpose", "path"]
    list_filter = ["purpose", "object_type"]
    date_hierarchy = "accessed_at"
    list_select_related = ["actor"]
