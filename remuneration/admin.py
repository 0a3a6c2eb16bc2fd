"""Admin of `remuneration`: barèmes editable by platform administrators (history in the audit
trail, provisional rows flagged); bordereaux read-only (their workflow runs in the pages/API)."""

from django.contrib import admin, messages
from django.utils.html import format_html

from remuneration.models import AciIndicatorTarget, Bareme, Bordereau, ProtocolAct
from remuneration.services import aci_target_delete, aci_target_save, bareme_confirm, bareme_save
from sas_platform.models import AuditEvent
from sas_platform.permissions import is_platform_admin


@admin.register(Bareme)
class BaremeAdmin(admin.ModelAdmin):
    list_display = ["code", "valid_from", "valid_to", "amount", "unit", "provisional_flag", "confirmed_by"]
    list_filter = ["code", "provisional"]
    readonly_fields = ["confirmed_by", "confirmed_at", "updated_at", "history"]
    actions = ["confirm"]

    @admin.display(description="statut", boolean=False)
    def provisional_flag(self, obj):
        if obj.provisional:
            return format_html('<strong style="color:#b34000">{}</strong>', "PROVISOIRE")
        return "confirmé"

    @admin.display(description="historique")
    def history(self, obj):
        if not obj.pk:
            return "-"
        events = AuditEvent.objects.filter(object_type="remuneration.bareme", object_id=str(obj.pk))[:20]
        return format_html(
            "<br>".join(["{}"] * len(events)) or "-",
            *[
                f"{e.occurred_at:%d/%m/%Y %H:%M} {e.actor_label} : {e.event_type} {e.params.get('before')}"
                for e in events
            ],
        )

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        bareme_save(actor=request.user, bareme=obj)

    @admin.action(description="Confirmer les lignes provisoires sélectionnées")
    def confirm(self, request, queryset):
        for bareme in queryset.filter(provisional=True):
            bareme_confirm(actor=request.user, bareme=bareme)
        self.message_user(request, "Lignes confirmées.", messages.SUCCESS)


@admin.register(Bordereau)
class BordereauAdmin(admin.ModelAdmin):
    list_display = ["kind", "territory", "period", "status", "lines_count", "total", "provisional"]
    list_filter = ["kind", "status", "territory"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProtocolAct)
class ProtocolActAdmin(admin.ModelAdmin):
    """Platform administrators may record, correct or delete an act even in a locked semester (a late
    report, a common-law billing found afterwards, an act recorded by mistake): the next semester's
    bordereau pays the difference as an adjustment line (builders/protocols.py, issue 12 §3)."""

    list_display = [
        "structure",
        "protocol",
        "patient_pseudonym",
        "act_date",
        "is_second",
        "common_law_billed",
    ]
    list_filter = ["protocol", "is_second", "common_law_billed"]


@admin.register(AciIndicatorTarget)
class AciIndicatorTargetAdmin(admin.ModelAdmin):
    """A CPTS contract's indicators, weights and targets (DOMAIN.md §7.6), recorded from the signed
    contract by platform administrators; the coordinator reads them on the ACI page."""

    list_display = ["structure", "year", "mission", "indicator", "weight", "target", "updated_by"]
    list_filter = ["year", "mission", "indicator"]
    search_fields = ["structure__name"]
    raw_id_fields = ["structure"]
    readonly_fields = ["updated_by", "updated_at", "history"]

    @admin.display(description="historique")
    def history(self, obj):
        if not obj.pk:
            return "-"
        events = AuditEvent.objects.filter(
            object_type="remuneration.aciindicatortarget", object_id=str(obj.pk)
        )[:20]
        return format_html(
            "<br>".join(["{}"] * len(events)) or "-",
            *[f"{e.occurred_at:%d/%m/%Y %H:%M} {e.actor_label} : {e.params.get('before')}" for e in events],
        )

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def save_model(self, request, obj, form, change):
        aci_target_save(actor=request.user, target=obj)

    def delete_model(self, request, obj):
        aci_target_delete(actor=request.user, target=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            aci_target_delete(actor=request.user, target=obj)
