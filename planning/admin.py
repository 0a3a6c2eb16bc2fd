"""Admin of `planning` for support staff (read-mostly).

Sources are edited here (base URL, RPPS covered, thresholds); their polling schedule is the
django-celery-beat periodic task ``planning-source-<id>`` (Periodic tasks in the admin).
"""

from django import forms
from django.contrib import admin

from planning.models import (
    AgendaSource,
    DeclaredAvailability,
    FhirClientCertificate,
    Slot,
    SourceCoverage,
    SourceRun,
)
from planning.selectors import slot_last_seen_at
from sas_platform.mtls import certificate_of_pem


class AgendaSourceForm(forms.ModelForm):
    """The source's outgoing token is write-only (issue 13, finding 2): the form never holds it,
    a new value replaces it, an empty field keeps it, a box removes it."""

    base_url = forms.URLField(label="URL de base FHIR", max_length=300, required=False, assume_scheme="https")
    new_request_token = forms.CharField(
        label="Nouveau jeton envoyé à l'éditeur (Bearer)",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Remplace le jeton enregistré ; laisser vide pour le conserver. Jamais affiché ni journalisé.",
    )
    remove_request_token = forms.BooleanField(label="Supprimer le jeton enregistré", required=False)

    class Meta:
        model = AgendaSource
        fields = (
            "name",
            "label",
            "kind",
            "base_url",
            "departement",
            "rpps_list",
            "client_cert_path",
            "client_key_path",
            "poll_every_seconds",
            "horizon_hours",
            "stale_after_seconds",
            "exclude_after_seconds",
            "is_active",
            "manages_regulator_accounts",
        )

    def save(self, commit=True):
        source = super().save(commit=False)
        if self.cleaned_data.get("new_request_token"):
            source.request_token = self.cleaned_data["new_request_token"]
        elif self.cleaned_data.get("remove_request_token"):
            source.request_token = ""
        if commit:
            source.save()
            self.save_m2m()
        return source


@admin.register(AgendaSource)
class AgendaSourceAdmin(admin.ModelAdmin):
    form = AgendaSourceForm
    list_display = ("label", "name", "kind", "departement", "health", "last_success_at", "is_active")
    list_filter = ("kind", "health", "is_active", "departement")
    search_fields = ("label", "name", "base_url")
    readonly_fields = (
        "has_request_token",
        "health",
        "last_attempt_at",
        "last_success_at",
        "consecutive_failures",
        "last_error",
        "created_at",
    )

    @admin.display(description="Jeton enregistré", boolean=True)
    def has_request_token(self, obj: AgendaSource) -> bool:
        return bool(obj and obj.request_token)


@admin.register(SourceRun)
class SourceRunAdmin(admin.ModelAdmin):
    list_display = (
        "source",
        "created_at",
        "trigger",
        "status",
        "fetched",
        "created",
        "updated",
        "unchanged",
        "gone",
        "rejected",
    )
    list_filter = ("status", "trigger", "source")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("start", "professional", "source", "status", "bookable", "departement_code")
    list_filter = ("status", "source", "bookable", "departement_code")
    search_fields = (
        "external_id",
        "professional__identifier",
        "professional__last_name",
        "booking_reference",
    )
    raw_id_fields = ("professional", "place", "declared_availability")
    date_hierarchy = "start"
    readonly_fields = (
        "content_hash",
        "first_seen_at",
        "last_seen",
        "last_seen_at",
        "booked_at",
        "booking_url",
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description="vu à la source pour la dernière fois")
    def last_seen(self, obj: Slot):
        return slot_last_seen_at(obj)


@admin.register(SourceCoverage)
class SourceCoverageAdmin(admin.ModelAdmin):
    """Read-only: written by each poll for the professionals it got in full."""

    list_display = ("source", "professional", "seen_at", "window_start", "window_end")
    list_filter = ("source",)
    raw_id_fields = ("professional",)
    search_fields = ("professional__identifier", "professional__last_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeclaredAvailability)
class DeclaredAvailabilityAdmin(admin.ModelAdmin):
    list_display = (
        "professional",
        "kind",
        "weekday",
        "date",
        "start_time",
        "end_time",
        "patients",
        "is_active",
    )
    list_filter = ("kind", "is_active")
    raw_id_fields = ("professional", "place")


class FhirClientCertificateForm(forms.ModelForm):
    """The administrator pastes the client's PEM certificate; fingerprint, subject and serial are
    read from it (issue 14: mutual TLS through the reverse proxy)."""

    class Meta:
        model = FhirClientCertificate
        fields = ("name", "user", "source", "pem", "match_subject_serial", "is_active")

    def clean(self):
        data = super().clean()
        if bool(data.get("user")) == bool(data.get("source")):
            raise forms.ValidationError(
                "Rattachez le certificat soit à un compte consommateur, soit à une source."
            )
        try:
            certificate = certificate_of_pem(data.get("pem") or "")
        except ValueError as exc:
            raise forms.ValidationError(
                {"pem": "Certificat illisible : un certificat X.509 PEM est attendu."}
            ) from exc
        others = FhirClientCertificate.objects.filter(sha256=certificate.sha256).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError({"pem": "Ce certificat est déjà enregistré."})
        self.instance.sha256 = certificate.sha256
        self.instance.subject = certificate.subject[:500]
        self.instance.serial = certificate.serial
        return data


@admin.register(FhirClientCertificate)
class FhirClientCertificateAdmin(admin.ModelAdmin):
    form = FhirClientCertificateForm
    list_display = ("name", "user", "source", "subject", "serial", "is_active", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name", "subject", "sha256", "serial")
    readonly_fields = ("sha256", "subject", "serial", "created_at", "last_used_at")
    autocomplete_fields = ("user", "source")


from planning import regulator_admin  # noqa: E402, F401  (INT_R02 accounts and exchanges)
