"""Admin (read-only) of the regulator accounts at the editors (INT_R02): what each source was sent
and answered. Scoped like the site: a SAS administrator sees the sources of their territories."""

from __future__ import annotations

from django.contrib import admin

from planning.models import RegulatorAccount, RegulatorAccountExchange
from sas_platform.permissions import is_platform_admin
from sas_platform.selectors import territory_codes_for_user


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ExchangeInline(admin.TabularInline):
    model = RegulatorAccountExchange
    fields = ("created_at", "reason", "attempt", "method", "url", "status_code", "error", "request_body")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(RegulatorAccount)
class RegulatorAccountAdmin(_ReadOnly):
    list_display = ("user", "source", "identifier_value", "active", "status", "acknowledged_at")
    list_filter = ("status", "active", "source")
    search_fields = ("user__email", "identifier_value")
    inlines = [_ExchangeInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user", "source")
        if is_platform_admin(request.user):
            return queryset
        return queryset.filter(source__departement_id__in=territory_codes_for_user(user=request.user))
